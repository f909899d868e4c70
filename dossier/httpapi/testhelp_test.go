package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/server"
)

// stack is the real daemon in-process: a SQLite file and a blob directory in a temporary
// directory, the default agreement, the dossier service and the HTTP API on a loopback port.
type stack struct {
	tb       testing.TB
	dir      string
	blobDir  string
	db       *sqldb.DB
	svc      *dossier.Service
	srv      *server.Server
	hs       *httptest.Server
	afspraak *afspraak.Afspraak
	// reader is an organisatie token of the gemeente, used to read dossiers for comparisons.
	reader string
}

func newStack(tb testing.TB, configure ...func(*dossier.Options)) *stack {
	tb.Helper()
	dir := tb.TempDir()
	db, blobs := dossiertest.Open(tb, dir)
	blobDir := blobs.Root()
	ag, err := afspraak.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	o := dossier.Options{DB: db, Blobs: blobs, Afspraak: ag, Logger: log}
	for _, c := range configure {
		c(&o)
	}
	svc, err := dossier.NewService(o)
	if err != nil {
		tb.Fatal(err)
	}
	srv := server.New(svc, prometheus.NewRegistry(), log)
	srv.Mount(httpapi.New(svc, log).Routes())
	hs := httptest.NewServer(srv)
	tb.Cleanup(hs.Close)
	s := &stack{tb: tb, dir: dir, blobDir: blobDir, db: db, svc: svc, srv: srv, hs: hs, afspraak: ag}
	s.reader = s.token(orgGemeente, dossier.RolOrganisatie)
	return s
}

// withMaxUpload limits one document upload to n bytes.
func withMaxUpload(n int64) func(*dossier.Options) {
	return func(o *dossier.Options) { o.MaxUpload = n }
}

// token creates a bearer token for an organisation in a role.
func (s *stack) token(org, rol string) string {
	s.tb.Helper()
	_, secret, err := s.svc.CreateToken(context.Background(), org, rol, "test")
	if err != nil {
		s.tb.Fatal(err)
	}
	return secret
}

// response is what a request returned.
type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.code, r.body) }

// do sends a request with tok as bearer token ("" sends none).
func (s *stack) do(tok, method, path, contentType string, body io.Reader) response {
	s.tb.Helper()
	req, err := http.NewRequest(method, s.hs.URL+path, body)
	if err != nil {
		s.tb.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.hs.Client().Do(req)
	if err != nil {
		s.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.tb.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{code: res.StatusCode, header: res.Header, body: b}
}

func (s *stack) get(tok, path string) response {
	s.tb.Helper()
	return s.do(tok, http.MethodGet, path, "", nil)
}

// postJSON sends v as a JSON body; a string or []byte is sent as is.
func (s *stack) postJSON(tok, path string, v any) response {
	s.tb.Helper()
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			s.tb.Fatal(err)
		}
	}
	return s.do(tok, http.MethodPost, path, "application/json", bytes.NewReader(b))
}

// mustPost sends v and fails unless the answer is 201; it decodes the answer into out.
func (s *stack) mustPost(tok, path string, v, out any) {
	s.tb.Helper()
	r := s.postJSON(tok, path, v)
	if r.code != http.StatusCreated {
		s.tb.Fatalf("POST %s: got %s, want 201", path, r)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			s.tb.Fatalf("POST %s: decode %s: %v", path, r.body, err)
		}
	}
}

// multipartBody builds an upload body: the part metadata (v as JSON, or a string as is), then
// the part inhoud.
func multipartBody(tb testing.TB, meta any, content []byte) (string, *bytes.Buffer) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	writeMetadata(tb, mw, meta)
	fw, err := mw.CreateFormFile("inhoud", "inhoud.bin")
	if err != nil {
		tb.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

func writeMetadata(tb testing.TB, mw *multipart.Writer, meta any) {
	tb.Helper()
	if err := addMetadataPart(mw, meta); err != nil {
		tb.Fatal(err)
	}
}

// addMetadataPart writes the part metadata: meta as JSON, or a string as is.
func addMetadataPart(mw *multipart.Writer, meta any) error {
	b, ok := meta.(string)
	if !ok {
		raw, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		b = string(raw)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = io.WriteString(pw, b)
	return err
}

// upload sends a document to a zaak.
func (s *stack) upload(tok, zaak string, meta any, content []byte) response {
	s.tb.Helper()
	ct, body := multipartBody(s.tb, meta, content)
	return s.do(tok, http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", ct, body)
}

// mustUpload uploads and fails unless the answer is 201.
func (s *stack) mustUpload(tok, zaak string, meta any, content []byte) dossier.Document {
	s.tb.Helper()
	r := s.upload(tok, zaak, meta, content)
	if r.code != http.StatusCreated {
		s.tb.Fatalf("upload to %s: got %s, want 201", zaak, r)
	}
	var d dossier.Document
	if err := json.Unmarshal(r.body, &d); err != nil {
		s.tb.Fatal(err)
	}
	return d
}

// dossierJSON returns the whole dossier as the API serves it.
func (s *stack) dossierJSON(zaak string) []byte {
	s.tb.Helper()
	r := s.get(s.reader, "/api/v1/zaken/"+zaak)
	if r.code != http.StatusOK {
		s.tb.Fatalf("GET dossier %s: %s", zaak, r)
	}
	return r.body
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
	return listFiles(s.tb, s.blobDir)
}

func listFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out = append(out, rel+"/")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %d", rel, info.Size()))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// auditTrail returns the audit chain of a zaak ("" for events without a zaak).
func (s *stack) auditTrail(zaak string) []dossier.AuditEntry {
	s.tb.Helper()
	ctx := context.Background()
	out, err := s.svc.AuditTrail(ctx, dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil {
		s.tb.Fatal(err)
	}
	return out
}

// problem decodes a problem body and checks its content type and status.
func problem(tb testing.TB, r response) server.Problem {
	tb.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Errorf("Content-Type %q, want application/problem+json (body %s)", ct, r.body)
	}
	var p server.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		tb.Fatalf("decode problem %s: %v", r.body, err)
	}
	if p.Status != r.code {
		tb.Errorf("problem status %d, response status %d", p.Status, r.code)
	}
	if p.Type == "" || p.Title == "" || p.Detail == "" {
		tb.Errorf("problem lacks type, title or detail: %s", r.body)
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
