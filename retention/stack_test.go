package retention_test

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
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
	"zaakarchief/retention/api"
	"zaakarchief/server"
)

// Names from the default agreement (configs/omgevingsvergunning.yaml).
const (
	orgGemeente         = "gemeente"
	orgOmgevingsdienst  = "omgevingsdienst"
	zaaktypeOV          = "omgevingsvergunning"
	rtVerleend          = "Verleend"
	rtGeweigerd         = "Geweigerd"
	rtBuitenBehandeling = "Buiten behandeling gesteld"
	rtIngetrokken       = "Ingetrokken"
)

var amsterdam = mustLocation("Europe/Amsterdam")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// clock is the fake clock of the dossier and retention services: zaken closed "years ago"
// become due when the test moves it forward. This is how the tests make zaken due.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(y int, m time.Month, d int) *clock {
	return &clock{t: time.Date(y, m, d, 10, 0, 0, 0, amsterdam)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(y int, m time.Month, d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Date(y, m, d, 10, 0, 0, 0, amsterdam)
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) today() string { return c.Now().In(amsterdam).Format(time.DateOnly) }

// services are the real parts of the daemon on one data directory.
type services struct {
	db    *sqldb.DB
	blobs *blobstore.Dir
	svc   *dossier.Service
	ret   *retention.Service
}

// setup configures openServices.
type setup struct {
	afspraak  *afspraak.Afspraak
	wachttijd string
	pakketten retention.ArchiefVerwijderaar
	hook      func(punt, zaak string)
}

// openServices opens (creating) the SQLite file and blob directory in dir and builds the
// services as cmd/zaakarchief does. The crash helper process uses it too.
func openServices(dir string, now func() time.Time, st setup) (*services, error) {
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(dir, "zaakarchief.db"))
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*services, error) {
		db.Close()
		return nil, err
	}
	if err := dossier.Migrate(ctx, db); err != nil {
		return fail(err)
	}
	if err := retention.Migrate(ctx, db); err != nil {
		return fail(err)
	}
	blobs, err := blobstore.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		return fail(err)
	}
	ag := st.afspraak
	if ag == nil {
		if ag, err = afspraak.LoadDefault(); err != nil {
			return fail(err)
		}
	}
	inst, err := retention.Config{Wachttijd: st.wachttijd}.Parse()
	if err != nil {
		return fail(err)
	}
	lijsten := retention.NewLijsten(configs.FS)
	bep, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: ag, Lijsten: lijsten, Overbrenging: inst.Overbrenging, Now: now})
	if err != nil {
		return fail(err)
	}
	log := slog.New(slog.DiscardHandler)
	svc, err := dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: ag, Archief: bep, Now: now, Logger: log})
	if err != nil {
		return fail(err)
	}
	ret, err := retention.New(retention.Options{Dossier: svc, Bepaler: bep, Lijsten: lijsten, Instellingen: inst,
		Pakketten: st.pakketten, Logger: log, Hook: st.hook})
	if err != nil {
		return fail(err)
	}
	return &services{db: db, blobs: blobs, svc: svc, ret: ret}, nil
}

// stack is the daemon in-process over HTTP: real SQLite file, real blob directory, the dossier
// and retention routes on an httptest server on loopback, a fake clock.
type stack struct {
	tb    testing.TB
	dir   string
	clock *clock
	*services
	srv *server.Server
	hs  *httptest.Server
	// tokens
	gemeente, od, recordmanager, archivaris, auditor string
}

func newStack(tb testing.TB, c *clock, st setup) *stack {
	tb.Helper()
	dir := tb.TempDir()
	sv, err := openServices(dir, c.Now, st)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sv.db.Close() })
	log := slog.New(slog.DiscardHandler)
	srv := server.New(sv.svc, prometheus.NewRegistry(), log)
	srv.Mount(httpapi.New(sv.svc, log).Routes(), api.New(sv.ret).Routes())
	hs := httptest.NewServer(srv)
	tb.Cleanup(hs.Close)
	s := &stack{tb: tb, dir: dir, clock: c, services: sv, srv: srv, hs: hs}
	s.gemeente = s.token(orgGemeente, dossier.RolOrganisatie, "behandelaar gemeente")
	s.od = s.token(orgOmgevingsdienst, dossier.RolOrganisatie, "behandelaar omgevingsdienst")
	s.recordmanager = s.token(orgGemeente, dossier.RolRecordmanager, "R. Manager")
	s.archivaris = s.token(orgGemeente, dossier.RolArchivaris, "A. Rchivaris")
	s.auditor = s.token(orgGemeente, dossier.RolAuditor, "A. Uditor")
	return s
}

func (s *stack) token(org, rol, omschrijving string) string {
	s.tb.Helper()
	_, secret, err := s.svc.CreateToken(context.Background(), org, rol, omschrijving)
	if err != nil {
		s.tb.Fatal(err)
	}
	return secret
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.code, r.body) }

func (s *stack) do(tok, method, path, contentType, accept string, body io.Reader) response {
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
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := s.hs.Client().Do(req)
	if err != nil {
		s.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.tb.Fatal(err)
	}
	return response{code: res.StatusCode, header: res.Header, body: b}
}

func (s *stack) get(tok, path string) response {
	s.tb.Helper()
	return s.do(tok, http.MethodGet, path, "", "", nil)
}

func (s *stack) post(tok, path string, v any) response {
	s.tb.Helper()
	var b []byte
	if v != nil {
		var err error
		if b, err = json.Marshal(v); err != nil {
			s.tb.Fatal(err)
		}
	}
	return s.do(tok, http.MethodPost, path, "application/json", "", bytes.NewReader(b))
}

// must checks the status of a response and decodes its body into out.
func (s *stack) must(r response, want int, out any) {
	s.tb.Helper()
	if r.code != want {
		s.tb.Fatalf("got %s, want %d", r, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			s.tb.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// problem decodes a problem body and checks its status.
func (s *stack) problem(r response, want int) server.Problem {
	s.tb.Helper()
	if r.code != want {
		s.tb.Fatalf("got %s, want %d", r, want)
	}
	var p server.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		s.tb.Fatalf("decode problem %s: %v", r.body, err)
	}
	if p.Detail == "" {
		s.tb.Errorf("problem without detail: %s", r.body)
	}
	return p
}

// upload adds a document of type aanvraagformulier to a zaak in phase 1.
func (s *stack) upload(zaak string, content []byte) dossier.Document {
	s.tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	json.NewEncoder(pw).Encode(map[string]any{"informatieobjecttype": "aanvraagformulier", "titel": "Aanvraag", "auteur": "J. Jansen",
		"creatiedatum": s.clock.today(), "bestandsnaam": "aanvraag.pdf", "formaat": "application/pdf"})
	fw, _ := mw.CreateFormFile("inhoud", "aanvraag.pdf")
	fw.Write(content)
	mw.Close()
	var doc dossier.Document
	s.must(s.do(s.gemeente, http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", mw.FormDataContentType(), "", &buf), http.StatusCreated, &doc)
	return doc
}

// closedZaak registers a zaak on the clock's day, uploads the documents, runs it through every
// phase (a day per step) and closes it with resultaattype. It returns the identificatie.
func (s *stack) closedZaak(omschrijving, resultaattype string, docs ...[]byte) string {
	s.tb.Helper()
	var z dossier.Zaak
	s.must(s.post(s.gemeente, "/api/v1/zaken", map[string]any{"zaaktype": zaaktypeOV, "omschrijving": omschrijving, "startdatum": s.clock.today()}), http.StatusCreated, &z)
	for _, d := range docs {
		s.upload(z.Identificatie, d)
	}
	path := "/api/v1/zaken/" + z.Identificatie
	step := func(tok string, volgnummer int) {
		s.clock.add(24 * time.Hour)
		s.must(s.post(tok, path+"/statussen", map[string]any{"volgnummer": volgnummer}), http.StatusCreated, nil)
	}
	step(s.gemeente, 2)
	step(s.od, 3)
	step(s.od, 4)
	s.must(s.post(s.gemeente, path+"/resultaat", map[string]any{"resultaattype": resultaattype}), http.StatusCreated, nil)
	step(s.gemeente, 5)
	return z.Identificatie
}

// explain fetches GET /zaken/{id}/archief.
func (s *stack) explain(zaak string) retention.Uitleg {
	s.tb.Helper()
	var u retention.Uitleg
	s.must(s.get(s.recordmanager, "/api/v1/zaken/"+zaak+"/archief"), http.StatusOK, &u)
	return u
}

// auditActies returns the actions in the audit chain of a zaak, in order.
func (s *stack) audit(zaak string) []dossier.AuditEntry {
	s.tb.Helper()
	ctx := context.Background()
	var out []dossier.AuditEntry
	if err := s.svc.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		out, err = in.AuditTrail(ctx, zaak)
		return err
	}); err != nil {
		s.tb.Fatal(err)
	}
	return out
}

// blobFiles lists the content files in the blob directory (temporary files included).
func (s *stack) blobFiles() []string {
	s.tb.Helper()
	return listFiles(s.tb, filepath.Join(s.dir, "blobs"))
}

func listFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// zaken counts the zaken in the dossier store.
func (s *stack) zaken() int {
	s.tb.Helper()
	var n int
	err := s.svc.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		n, err = in.Count(context.Background(), dossier.ZaakFilter{})
		return err
	})
	if err != nil {
		s.tb.Fatal(err)
	}
	return n
}

// queued counts the contents queued for deletion from the blob store.
func (s *stack) queued() int {
	s.tb.Helper()
	var n int
	err := s.svc.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		n, err = in.InhoudInWachtrij(context.Background())
		return err
	})
	if err != nil {
		s.tb.Fatal(err)
	}
	return n
}

// auditEntries counts the entries of every chain of the audit trail.
func (s *stack) auditEntries() int {
	s.tb.Helper()
	_, n, err := s.svc.VerifyAudit(context.Background())
	if err != nil {
		s.tb.Fatal(err)
	}
	return n
}

// heldContent lists the contents ("ab/abcd…", as the blob directory names them) that the
// documents of the zaken left in the dossier store hold.
func (s *stack) heldContent() []string {
	s.tb.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	err := s.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		zaken, err := in.Zaken(ctx, dossier.ZaakFilter{})
		if err != nil {
			return err
		}
		for _, z := range zaken {
			d, err := in.Dossier(ctx, z.Identificatie)
			if err != nil {
				return err
			}
			for _, doc := range d.Documenten {
				seen[doc.SHA256[:2]+"/"+doc.SHA256] = true
			}
		}
		return nil
	})
	if err != nil {
		s.tb.Fatal(err)
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// count runs a COUNT query.
func (s *stack) count(query string, args ...any) int {
	s.tb.Helper()
	var n int
	if err := s.db.R.QueryRow(query, args...).Scan(&n); err != nil {
		s.tb.Fatal(err)
	}
	return n
}

// pdf returns content that looks like a small PDF.
func pdf(name string) []byte {
	return []byte("%PDF-1.7\n% " + name + "\n" + string(bytes.Repeat([]byte(name+" "), 100)) + "\n%%EOF\n")
}
