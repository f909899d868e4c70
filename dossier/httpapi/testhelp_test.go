package httpapi_test

import (
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/server"
)

// stack is the daemon, built by the test kit, with the default agreement, its API on a
// loopback port.
type stack struct {
	*daemontest.Kit
	tb      testing.TB
	blobDir string
	// reader is a client with an organisatie token of the gemeente, used to read dossiers for
	// comparisons.
	reader *daemontest.Client
}

func newStack(tb testing.TB, opts ...daemontest.Option) *stack {
	tb.Helper()
	k := daemontest.New(tb, opts...)
	blobDir, err := k.Config.BlobDir()
	if err != nil {
		tb.Fatal(err)
	}
	s := &stack{Kit: k, tb: tb, blobDir: blobDir}
	s.reader = s.Client(s.Token(daemontest.Gemeente, dossier.RolOrganisatie))
	return s
}

// withMaxUpload limits one document upload to n bytes.
func withMaxUpload(n int64) daemontest.Option {
	return daemontest.WithConfig(func(c *config.Config) { c.MaxUploadBytes = n })
}

// addMetadataPart writes the part metadata as JSON, for uploads the kit's Upload does not
// build (streamed, or with the parts out of order).
func addMetadataPart(mw *multipart.Writer, meta map[string]any) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = pw.Write(b)
	return err
}

// upload sends a document to a zaak as c, its content in a part named inhoud.bin (the name
// the metadata gives is the one that counts).
func upload(c *daemontest.Client, zaak string, meta map[string]any, content []byte) daemontest.Response {
	return c.Upload(zaak, meta, "inhoud.bin", content)
}

// mustUpload uploads and fails unless the answer is 201.
func (s *stack) mustUpload(c *daemontest.Client, zaak string, meta map[string]any, content []byte) dossier.Document {
	s.tb.Helper()
	r := upload(c, zaak, meta, content)
	if r.Code != http.StatusCreated {
		s.tb.Fatalf("upload to %s: got %s, want 201", zaak, r)
	}
	var d dossier.Document
	if err := json.Unmarshal(r.Body, &d); err != nil {
		s.tb.Fatal(err)
	}
	return d
}

// dossierJSON returns the whole dossier as the API serves it.
func (s *stack) dossierJSON(zaak string) []byte {
	s.tb.Helper()
	r := s.reader.Get("/api/v1/zaken/" + zaak)
	if r.Code != http.StatusOK {
		s.tb.Fatalf("GET dossier %s: %s", zaak, r)
	}
	return r.Body
}

// dossierView decodes the whole dossier.
func (s *stack) dossierView(zaak string) httpapi.DossierView {
	s.tb.Helper()
	var v httpapi.DossierView
	if err := json.Unmarshal(s.dossierJSON(zaak), &v); err != nil {
		s.tb.Fatal(err)
	}
	return v
}

// blobListing lists every file below the blob directory (temporary files included) with its
// size, sorted.
func (s *stack) blobListing() []string {
	s.tb.Helper()
	return daemontest.Tree(s.tb, s.blobDir)
}

// problem decodes a problem body and checks its content type and status.
func problem(tb testing.TB, r daemontest.Response) server.Problem {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Errorf("Content-Type %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p server.Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		tb.Fatalf("decode problem %s: %v", r.Body, err)
	}
	if p.Status != r.Code {
		tb.Errorf("problem status %d, response status %d", p.Status, r.Code)
	}
	if p.Type == "" || p.Title == "" || p.Detail == "" {
		tb.Errorf("problem lacks type, title or detail: %s", r.Body)
	}
	return p
}

// hasParam reports whether a problem names field in invalidParams.
func hasParam(p server.Problem, field string) bool {
	for _, ip := range p.InvalidParams {
		if ip.Name == field {
			return true
		}
	}
	return false
}

// path returns the API path of a zaak, with optional sub-resources.
func zaakPath(zaak string, sub ...string) string {
	return "/api/v1/zaken/" + strings.Join(append([]string{zaak}, sub...), "/")
}
