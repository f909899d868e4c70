// Package daemontest is the one test kit of zaakarchief: it builds the real daemon
// (daemon.Open, as serve does) on a temporary data directory with a settable clock, serves its
// API on loopback, and offers an HTTP client with bearer tokens and the seed scenario of the
// embedded agreement. The tests of every package build the system through it.
package daemontest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/dossier"
)

// Clock is the kit's settable clock. Every reading moves it a microsecond on, as a real clock
// moves between two registrations, so that parts registered one after the other are ordered
// by time; tests move it by years to make zaken due.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads t first.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Microsecond)
	return c.t
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock d on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// AddDate moves the clock by years, months and days.
func (c *Clock) AddDate(years, months, days int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.AddDate(years, months, days)
}

// Option changes what New builds.
type Option func(*setup)

type setup struct {
	cfg   []func(*config.Config)
	opts  []func(*daemon.Options)
	clock *Clock
	dir   string
	start bool
}

// WithConfig changes the configuration (schedules are off unless a test turns them on).
func WithConfig(f func(*config.Config)) Option { return func(s *setup) { s.cfg = append(s.cfg, f) } }

// WithOptions changes the daemon's options: an agreement, a Tune hook, an environment.
func WithOptions(f func(*daemon.Options)) Option {
	return func(s *setup) { s.opts = append(s.opts, f) }
}

// WithClock uses c as the daemon's clock.
func WithClock(c *Clock) Option { return func(s *setup) { s.clock = c } }

// WithDir builds the daemon on the data directory dir instead of a new temporary one (to open
// the same data again, as a restart does).
func WithDir(dir string) Option { return func(s *setup) { s.dir = dir } }

// Started also starts the scheduled jobs (daemon.Start).
func Started() Option { return func(s *setup) { s.start = true } }

// Kit is a running daemon for one test.
type Kit struct {
	*daemon.Daemon
	// URL is the base URL of its API on loopback.
	URL string
	// Dir is its data directory.
	Dir string
	// Clock is its clock.
	Clock *Clock

	tb testing.TB
	hs *httptest.Server
}

// New builds the daemon with the defaults of the configuration on a temporary data directory,
// every schedule off, a clock at the current time and a log that goes to the test's log when
// it fails (ZAAKARCHIEF_TEST_LOG=1 shows it always), and serves its API on loopback. It closes
// when the test ends.
func New(tb testing.TB, opts ...Option) *Kit {
	tb.Helper()
	s := setup{}
	for _, o := range opts {
		o(&s)
	}
	if s.dir == "" {
		s.dir = tb.TempDir()
	}
	if s.clock == nil {
		s.clock = NewClock(time.Now())
	}
	cfg := config.Defaults()
	cfg.Data = s.dir
	cfg.Retention.ProposeSchedule = "off"
	cfg.Archive.Schedule, cfg.Archive.VerifySchedule = "off", "off"
	cfg.ZGW.Schedule, cfg.ZGW.FullSchedule = "off", "off"
	for _, f := range s.cfg {
		f(&cfg)
	}
	o := daemon.Options{Logger: testLogger(tb), Getenv: func(string) string { return "" }, Now: s.clock.Now}
	for _, f := range s.opts {
		f(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := daemon.Open(ctx, cfg, o)
	if err != nil {
		cancel()
		tb.Fatalf("daemon.Open: %v", err)
	}
	k := &Kit{Daemon: d, Dir: s.dir, Clock: s.clock, tb: tb}
	k.hs = httptest.NewServer(d.Server)
	k.URL = k.hs.URL
	tb.Cleanup(func() {
		k.hs.Close()
		cancel()
		if err := d.Close(); err != nil {
			tb.Errorf("close the daemon: %v", err)
		}
	})
	if s.start {
		if err := d.Start(ctx); err != nil {
			tb.Fatalf("daemon.Start: %v", err)
		}
	}
	return k
}

// Restart closes the daemon and builds it again on the same data directory and clock, as an
// operator's restart does; the old kit must not be used afterwards.
func (k *Kit) Restart(opts ...Option) *Kit {
	k.tb.Helper()
	k.hs.Close()
	if err := k.Daemon.Close(); err != nil {
		k.tb.Fatalf("close the daemon: %v", err)
	}
	return New(k.tb, append([]Option{WithDir(k.Dir), WithClock(k.Clock)}, opts...)...)
}

// testLogger writes the daemon's log to the test's log.
func testLogger(tb testing.TB) *slog.Logger {
	if os.Getenv("ZAAKARCHIEF_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tbWriter{tb}, nil))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Token creates a bearer token for an organisation and role and returns its secret.
func (k *Kit) Token(organisatie, rol string) string {
	k.tb.Helper()
	_, secret, err := k.Dossier.CreateToken(context.Background(), organisatie, rol, "test "+organisatie+" "+rol)
	if err != nil {
		k.tb.Fatalf("create token for %s/%s: %v", organisatie, rol, err)
	}
	return secret
}

// Client returns an HTTP client of the daemon's API that sends token ("" for none).
func (k *Kit) Client(token string) *Client {
	return &Client{tb: k.tb, base: k.URL, token: token, hc: k.hs.Client()}
}

// Client calls the daemon's API as one token.
type Client struct {
	tb    testing.TB
	base  string
	token string
	hc    *http.Client
}

// Response is an answer of the API, read whole.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// Problem is an RFC 9457 problem body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Regel names the agreement rule a refusal rests on, when there is one.
	Regel string `json:"regel"`
}

// Problem decodes the body as a problem, failing the test when it is not application/problem+json.
func (r Response) Problem(tb testing.TB) Problem {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		tb.Fatalf("status %d with Content-Type %q, want a problem body: %s", r.Code, ct, r.Body)
	}
	var p Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		tb.Fatalf("problem body: %v: %s", err, r.Body)
	}
	return p
}

// Do sends a request with body (nil for none) of contentType and reads the whole answer.
func (c *Client) Do(method, path, contentType string, body io.Reader) Response {
	c.tb.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Fatalf("%s %s: read the answer: %v", method, path, err)
	}
	return Response{Code: resp.StatusCode, Header: resp.Header, Body: b}
}

// Get sends a GET request.
func (c *Client) Get(path string) Response { return c.Do(http.MethodGet, path, "", nil) }

// JSON sends in (nil for no body) as JSON, fails the test unless the status is want, and
// decodes the answer into out (nil to skip). It returns the response.
func (c *Client) JSON(method, path string, in any, want int, out any) Response {
	c.tb.Helper()
	var body io.Reader
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.tb.Fatal(err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	r := c.Do(method, path, ct, body)
	if r.Code != want {
		c.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Code, want, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			c.tb.Fatalf("%s %s: decode the answer: %v: %s", method, path, err, r.Body)
		}
	}
	return r
}

// Upload sends a document to zaak as the capture API takes it: a multipart form with a
// metadata part (JSON) and the content part.
func (c *Client) Upload(zaak string, metadata map[string]any, bestandsnaam string, content []byte) Response {
	c.tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	meta, err := json.Marshal(metadata)
	if err != nil {
		c.tb.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		c.tb.Fatal(err)
	}
	pw.Write(meta)
	fw, err := mw.CreateFormFile("inhoud", bestandsnaam)
	if err != nil {
		c.tb.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		c.tb.Fatal(err)
	}
	return c.Do(http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", mw.FormDataContentType(), &buf)
}

// Names in the embedded agreement (configs/omgevingsvergunning.yaml) the seed scenario uses.
const (
	Zaaktype        = "omgevingsvergunning"
	Gemeente        = "gemeente"
	Omgevingsdienst = "omgevingsdienst"
	Fase2           = "In behandeling bij de omgevingsdienst"
	Fase3           = "Advies en ontwerpbesluit"
	Fase4           = "Besluitvorming"
	Fase5           = "Resultaat geleverd"

	Verleend      = "Verleend"                   // 11.1.6 blijvend_bewaren
	Geweigerd     = "Geweigerd"                  // 11.2 vernietigen P5Y
	Ingetrokken   = "Ingetrokken"                // 11.3 vernietigen P1Y
	BuitenBehandl = "Buiten behandeling gesteld" // 11.4 vernietigen P1Y
)

// Actors of the seed scenario, for calls to the services.
var (
	GemeenteActor        = dossier.Actor{Organisatie: Gemeente, Rol: dossier.RolOrganisatie, TokenID: "test-gemeente"}
	OmgevingsdienstActor = dossier.Actor{Organisatie: Omgevingsdienst, Rol: dossier.RolOrganisatie, TokenID: "test-od"}
	RecordmanagerActor   = dossier.Actor{Organisatie: Gemeente, Rol: dossier.RolRecordmanager, TokenID: "test-rm"}
	ArchivarisActor      = dossier.Actor{Organisatie: Gemeente, Rol: dossier.RolArchivaris, TokenID: "test-ar"}
	AuditorActor         = dossier.Actor{Organisatie: Gemeente, Rol: dossier.RolAuditor, TokenID: "test-au"}
)

// Document is one document of the seed scenario.
type Document struct {
	Informatieobjecttype, Titel, Bestandsnaam string
	Content                                   []byte
}

// PDF returns deterministic content of about size bytes that format detection identifies as
// PDF 1.7 (PRONOM fmt/276), with name in it.
func PDF(name string, size int) []byte {
	head := "%PDF-1.7\n% " + name + "\n"
	tail := "\n%%EOF\n"
	body := bytes.Repeat([]byte(name+" "), max(1, (size-len(head)-len(tail))/(len(name)+1)+1))
	b := append([]byte(head), body...)
	if size > len(head)+len(tail) {
		b = b[:size-len(tail)]
	}
	return append(b, tail...)
}

// ClosedZaak runs the seed scenario through the services: the gemeente registers an
// omgevingsvergunning with its aanvraag, the omgevingsdienst handles it (advies, ontwerpbesluit),
// the gemeente decides (a besluit dated today), records resultaat and closes it. extra documents
// join in the first phase. It returns the zaak's identificatie.
func (k *Kit) ClosedZaak(resultaat string, extra ...Document) string {
	k.tb.Helper()
	id := k.OpenZaak("Dakkapel Kerkstraat " + resultaat)
	k.AddDocument(GemeenteActor, id, Document{"aanvraagformulier", "Aanvraag omgevingsvergunning", "aanvraag.pdf", PDF(id+" aanvraag", 3000)})
	for _, d := range extra {
		k.AddDocument(GemeenteActor, id, d)
	}
	k.SetStatus(GemeenteActor, id, Fase2)
	k.SetStatus(OmgevingsdienstActor, id, Fase3)
	k.AddDocument(OmgevingsdienstActor, id, Document{"adviesrapport", "Advies veiligheidsregio", "advies.pdf", PDF(id+" advies", 5000)})
	k.AddDocument(OmgevingsdienstActor, id, Document{"ontwerpbesluit", "Ontwerpbesluit", "ontwerpbesluit.pdf", PDF(id+" ontwerp", 4000)})
	k.SetStatus(OmgevingsdienstActor, id, Fase4)
	besluittype := "omgevingsvergunning"
	if resultaat == BuitenBehandl {
		besluittype = "buiten behandeling stellen"
	}
	today := dossier.DatumIn(k.Clock.Now(), k.Dossier.Location())
	ctx := context.Background()
	if _, err := k.Dossier.AddBesluit(ctx, GemeenteActor, id, dossier.NieuwBesluit{Besluittype: besluittype, Datum: &today, Ingangsdatum: &today}); err != nil {
		k.tb.Fatalf("besluit of %s: %v", id, err)
	}
	if _, err := k.Dossier.SetResultaat(ctx, GemeenteActor, id, dossier.NieuwResultaat{Resultaattype: resultaat}); err != nil {
		k.tb.Fatalf("resultaat of %s: %v", id, err)
	}
	k.SetStatus(GemeenteActor, id, Fase5)
	return id
}

// OpenZaak registers an omgevingsvergunning for the gemeente and returns its identificatie.
func (k *Kit) OpenZaak(omschrijving string) string {
	k.tb.Helper()
	z, err := k.Dossier.CreateZaak(context.Background(), GemeenteActor, dossier.NieuweZaak{Zaaktype: Zaaktype,
		Omschrijving: omschrijving, Toelichting: "aanvraag via het omgevingsloket", Initiator: "J. Jansen"})
	if err != nil {
		k.tb.Fatalf("create zaak: %v", err)
	}
	return z.Identificatie
}

// AddDocument registers a PDF document in zaak as actor.
func (k *Kit) AddDocument(actor dossier.Actor, zaak string, d Document) *dossier.Document {
	k.tb.Helper()
	today := dossier.DatumIn(k.Clock.Now(), k.Dossier.Location())
	out, err := k.Dossier.AddDocument(context.Background(), actor, zaak, dossier.DocumentMetadata{Informatieobjecttype: d.Informatieobjecttype,
		Titel: d.Titel, Auteur: "T. Ester", Creatiedatum: &today, Bestandsnaam: d.Bestandsnaam, Formaat: "application/pdf"}, bytes.NewReader(d.Content))
	if err != nil {
		k.tb.Fatalf("add %s to %s: %v", d.Bestandsnaam, zaak, err)
	}
	return out
}

// SetStatus moves zaak to statustype as actor.
func (k *Kit) SetStatus(actor dossier.Actor, zaak, statustype string) {
	k.tb.Helper()
	if _, err := k.Dossier.SetStatus(context.Background(), actor, zaak, dossier.NieuweStatus{Statustype: statustype}); err != nil {
		k.tb.Fatalf("status %s of %s: %v", statustype, zaak, err)
	}
}

// ReadDossier reads the whole dossier of zaak as the system sees it.
func (k *Kit) ReadDossier(zaak string) *dossier.Dossier {
	k.tb.Helper()
	d, err := k.Dossier.Dossier(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil {
		k.tb.Fatalf("dossier %s: %v", zaak, err)
	}
	return d
}

// AuditTrail reads the audit trail of zaak.
func (k *Kit) AuditTrail(zaak string) []dossier.AuditEntry {
	k.tb.Helper()
	out, err := k.Dossier.AuditTrail(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil {
		k.tb.Fatalf("audit trail of %s: %v", zaak, err)
	}
	return out
}
