package zgw_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
	"zaakarchief/server"
)

// env is the collector against both seed zaaksystemen on loopback, with a real SQLite file, a
// blob directory, the dossier service and the HTTP API.
type env struct {
	t    testing.TB
	om   *zgwtest.Omgeving
	a    *afspraak.Afspraak
	dir  string
	db   *sqldb.DB
	svc  *dossier.Service
	coll *zgw.Collector
	reg  *prometheus.Registry
	srv  *server.Server
	hs   *httptest.Server
	opts zgw.Options
}

// fast makes retries quick for tests of faults.
func fast(o *zgw.Options) {
	o.Retry = zgw.Retry{Attempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond}
	o.Timeout = 2 * time.Second
}

func newEnv(t testing.TB, configure ...func(*zgw.Options)) *env {
	t.Helper()
	return newEnvWith(t, zgwtest.NewOmgeving(t), configure...)
}

func newEnvWith(t testing.TB, om *zgwtest.Omgeving, configure ...func(*zgw.Options)) *env {
	t.Helper()
	e := &env{t: t, om: om, dir: t.TempDir()}
	e.a = om.Afspraak(t)
	for _, f := range e.a.Validate() {
		if !f.Warning {
			t.Fatalf("the seed agreement does not validate: %v", f)
		}
	}
	db, blobs := dossiertest.Open(t, e.dir, zgw.Migrate)
	e.db = db
	log := slog.New(slog.DiscardHandler)
	var err error
	e.svc, err = dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: e.a, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.opts = zgw.Options{Service: e.svc, Getenv: om.Getenv, Logger: log, Workers: 2, SpoolDir: t.TempDir(),
		LockFile: filepath.Join(e.dir, "zgw.lock")}
	for _, c := range configure {
		c(&e.opts)
	}
	e.reg = prometheus.NewRegistry()
	e.opts.Registerer = e.reg
	e.coll, err = zgw.New(e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = server.New(e.svc, e.reg, log)
	e.srv.Mount(httpapi.New(e.svc, log).Routes(), e.coll.Routes())
	e.hs = httptest.NewServer(e.srv)
	t.Cleanup(e.hs.Close)
	return e
}

// restart builds a new collector on the same data, as a restarted process would.
func (e *env) restart() {
	e.t.Helper()
	o := e.opts
	o.Registerer = prometheus.NewRegistry()
	c, err := zgw.New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	e.coll = c
}

func (e *env) sync(o zgw.SyncOptions) *zgw.Rapport {
	e.t.Helper()
	r, err := e.coll.Sync(context.Background(), o)
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	return r
}

// report renders a report for a failure message.
func report(r *zgw.Rapport) string {
	var b strings.Builder
	_ = r.Write(&b)
	return b.String()
}

// dossiers lists the identificaties of the dossiers.
func (e *env) dossiers() []string {
	e.t.Helper()
	page, err := e.svc.ListZaken(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, dossier.ZakenQuery{PageSize: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, z := range page.Results {
		out = append(out, z.Identificatie)
	}
	return out
}

func (e *env) dossier(id string) *dossier.Dossier {
	e.t.Helper()
	d, err := e.svc.Dossier(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// token makes a bearer token.
func (e *env) token(org, rol string) string {
	e.t.Helper()
	_, secret, err := e.svc.CreateToken(context.Background(), org, rol, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// call sends a request to the daemon's HTTP API.
func (e *env) call(tok, method, path string, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.hs.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.hs.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.StatusCode, b
}

// auditActies lists "actie organisatie fase" of a zaak's audit trail.
func auditActies(t testing.TB, svc *dossier.Service, zaak string) []string {
	t.Helper()
	var out []string
	entries, err := svc.AuditTrail(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range entries {
		out = append(out, a.Actie+" "+a.Organisatie+" "+itoa(a.Fase))
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// normalized renders a dossier without what differs between two stores holding the same
// history: generated IDs, the zaak's identificatie and registration times.
func normalized(t testing.TB, d *dossier.Dossier) string {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"id", "geregistreerd", "aangemaakt", "gewijzigd", "identificatie"} {
				delete(x, k)
			}
			for _, c := range x {
				strip(c)
			}
		case []any:
			for _, c := range x {
				strip(c)
			}
		}
	}
	strip(v)
	out, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// clock is a settable clock for the capture side of comparisons.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// itemStates counts the collector's items by state.
func itemStates(t testing.TB, db *sqldb.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := db.View(context.Background(), func(tx *sqldb.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT toestand, COUNT(*) FROM zgw_items GROUP BY toestand`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				return err
			}
			out[s] = n
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// zaakStates lists the states of the source zaken.
func zaakStates(t testing.TB, db *sqldb.DB) []string {
	t.Helper()
	var out []string
	err := db.View(context.Background(), func(tx *sqldb.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT bron, toestand, reden FROM zgw_zaken ORDER BY bron, url`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b, s, r string
			if err := rows.Scan(&b, &s, &r); err != nil {
				return err
			}
			out = append(out, b+" "+s+" "+r)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
