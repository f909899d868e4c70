package daemontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// String renders the answer for a failure message: its status and body.
func (r Response) String() string { return fmt.Sprintf("%d %s", r.Code, r.Body) }

// Post sends v to path as a JSON body and returns the answer whatever its status, for tests of
// refusals. A string or []byte is sent as it is, so that a test can send malformed JSON; nil
// sends an empty body.
func (c *Client) Post(path string, v any) Response {
	c.tb.Helper()
	var b []byte
	switch x := v.(type) {
	case nil:
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			c.tb.Fatalf("POST %s: encode the body: %v", path, err)
		}
	}
	return c.Do(http.MethodPost, path, "application/json", bytes.NewReader(b))
}
