package daemontest

import "net/http"

// Stream sends a GET request and returns the response with its body unread, for tests of a
// streamed answer (its headers before the body ends, a body cut off halfway). The caller
// closes the body.
func (c *Client) Stream(path string) *http.Response {
	c.tb.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.tb.Fatalf("GET %s: %v", path, err)
	}
	return resp
}
