package zgw_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// env is the daemon, built by the test kit, with its collector against both seed zaaksystemen
// on loopback: the agreement of the seed sources, their secrets in the environment, two
// workers.
type env struct {
	*daemontest.Kit
	t    testing.TB
	om   *zgwtest.Omgeving
	opts []daemontest.Option
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
	a := om.Afspraak(t)
	for _, f := range a.Validate() {
		if !f.Warning {
			t.Fatalf("the seed agreement does not validate: %v", f)
		}
	}
	e := &env{t: t, om: om}
	e.opts = []daemontest.Option{
		daemontest.WithConfig(func(c *config.Config) { c.ZGW.Workers = 2 }),
		daemontest.WithOptions(func(o *daemon.Options) {
			o.Afspraak, o.Getenv = a, om.Getenv
			o.Tune.Collector = func(o *zgw.Options) {
				for _, c := range configure {
					c(o)
				}
			}
		}),
	}
	e.Kit = daemontest.New(t, e.opts...)
	return e
}

// restart builds the daemon again on the same data, as a restarted process would.
func (e *env) restart() {
	e.t.Helper()
	e.Kit = e.Kit.Restart(e.opts...)
}

func (e *env) sync(o zgw.SyncOptions) *zgw.Rapport {
	e.t.Helper()
	r, err := e.Collector.Sync(context.Background(), o)
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
	page, err := e.Dossier.ListZaken(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, dossier.ZakenQuery{PageSize: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, z := range page.Results {
		out = append(out, z.Identificatie)
	}
	return out
}

// auditActies lists "actie organisatie fase" of an audit trail.
func auditActies(entries []dossier.AuditEntry) []string {
	var out []string
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
