package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// fuzzGrens is the multipart boundary of FuzzUpload's bodies.
const fuzzGrens = "zaakarchief-fuzz-grens"

// fuzzUploadBody builds a capture upload as a client sends it: the part metadata, then inhoud.
func fuzzUploadBody(tb testing.TB, metadata, bestandsnaam string, inhoud []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(fuzzGrens); err != nil {
		tb.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	pw.Write([]byte(metadata))
	fw, _ := mw.CreateFormFile("inhoud", bestandsnaam)
	fw.Write(inhoud)
	mw.Close()
	return buf.Bytes()
}

// FuzzUpload sends arbitrary multipart bodies to the capture API's upload route of a real
// daemon, as the gemeente in the first phase of an open zaak (where an aanvraagformulier may be
// recorded): the answer is never a server error, a refusal is a problem body, and a refused
// upload adds no document. Seeded with a valid upload, its truncations and variations.
func FuzzUpload(f *testing.F) {
	meta := `{"informatieobjecttype":"aanvraagformulier","titel":"Aanvraag","auteur":"E. Tweeë","creatiedatum":"2026-01-05","bestandsnaam":"aanvraag.pdf","formaat":"application/pdf"}`
	valid := fuzzUploadBody(f, meta, "aanvraag.pdf", daemontest.PDF("aanvraag", 600))
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:len(valid)-3])
	f.Add(fuzzUploadBody(f, `{"titel":"a","titel":"b"}`, "a.pdf", []byte("%PDF-1.7\n")))
	f.Add(fuzzUploadBody(f, meta, "leeg.pdf", nil))
	f.Add(bytes.Replace(valid, []byte(`name="metadata"`), []byte(`name="inhoud"`), 1))
	f.Add([]byte("--" + fuzzGrens + "--\r\n"))

	k := daemontest.New(f)
	zaak := k.OpenZaak("Dakkapel fuzz")
	token := k.Token(daemontest.Gemeente, "organisatie")
	path := "/api/v1/zaken/" + zaak + "/documenten"
	docs := len(k.ReadDossier(zaak).Documenten)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzGrens)
		rec := httptest.NewRecorder()
		k.Server.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("upload answered %d: %s", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusCreated {
			docs++
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("refusal %d with Content-Type %q, not a problem body: %s", rec.Code, ct, rec.Body)
		}
		// The kit's helpers report to f; inside the target the service is asked directly.
		d, err := k.Dossier.Dossier(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(d.Documenten); n != docs {
			t.Fatalf("refused upload (%d) changed the documents: %d, want %d", rec.Code, n, docs)
		}
	})
}
