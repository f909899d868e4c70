package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// uploadBody builds a multipart upload with the parts given, in order.
func uploadBody(t *testing.T, parts ...[2]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p[0] == "metadata" {
			h.Set("Content-Disposition", `form-data; name="metadata"`)
			h.Set("Content-Type", "application/json")
		} else {
			h.Set("Content-Disposition", `form-data; name="inhoud"; filename="aanvraag.pdf"`)
			h.Set("Content-Type", "application/pdf")
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[1])
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// An upload with its metadata part twice is refused (which one would count?), and a body cut
// off before its end is a 400, not a server error; neither leaves a document behind.
func TestUploadRefusesDuplicatePartsAndTruncatedBodies(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.OpenZaak("Dakkapel Kerkstraat 1")
	tok := k.Token(daemontest.Gemeente, dossier.RolOrganisatie)
	meta, _ := json.Marshal(map[string]any{"informatieobjecttype": "aanvraagformulier", "titel": "Aanvraag",
		"auteur": "J. Jansen", "creatiedatum": "2026-01-05", "bestandsnaam": "aanvraag.pdf", "formaat": "application/pdf"})
	other, _ := json.Marshal(map[string]any{"informatieobjecttype": "aanvraagformulier", "titel": "Andere titel",
		"auteur": "J. Jansen", "creatiedatum": "2026-01-05", "bestandsnaam": "aanvraag.pdf", "formaat": "application/pdf"})
	pdf := string(daemontest.PDF("aanvraag", 4000))

	ct, body := uploadBody(t, [2]string{"metadata", string(meta)}, [2]string{"metadata", string(other)}, [2]string{"inhoud", pdf})
	r := k.Client(tok).Do(http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", ct, bytes.NewReader(body))
	if p := r.Problem(t); r.Code != http.StatusBadRequest || !strings.Contains(p.Detail, "metadata") {
		t.Errorf("metadata twice: %d %+v", r.Code, p)
	}

	ct, body = uploadBody(t, [2]string{"metadata", string(meta)}, [2]string{"inhoud", pdf})
	addr := strings.TrimPrefix(k.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/zaken/%s/documenten HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		zaak, addr, tok, ct, len(body))
	conn.Write(body[:len(body)-len(pdf)/2])
	conn.(*net.TCPConn).CloseWrite()
	answer, _ := io.ReadAll(conn)
	if status := strings.SplitN(string(answer), "\r\n", 2)[0]; !strings.Contains(status, " 400 ") {
		t.Errorf("a truncated upload answered %q, want 400", status)
	}

	if d := k.ReadDossier(zaak); len(d.Documenten) != 0 {
		t.Errorf("the refused uploads left %d documents", len(d.Documenten))
	}
}
