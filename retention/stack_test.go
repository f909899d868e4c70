package retention_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

var amsterdam = mustLocation("Europe/Amsterdam")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// dag is 10:00 in Amsterdam on a day: the kit's clock is put there, and zaken closed "years
// ago" become due when the test moves it forward. This is how the tests make zaken due.
func dag(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, amsterdam) }

func newClock(y int, m time.Month, d int) *daemontest.Clock { return daemontest.NewClock(dag(y, m, d)) }

// setup configures the daemon of a test.
type setup struct {
	afspraak  *afspraak.Afspraak
	wachttijd string
	// pakketten, when set, deletes archived copies instead of the daemon's archiver.
	pakketten retention.ArchiefVerwijderaar
	hook      func(punt, zaak string)
}

// config applies the setup to the configuration.
func (st setup) config(c *config.Config) {
	if st.wachttijd != "" {
		c.Retention.Wachttijd = st.wachttijd
	}
}

// options applies the setup to the daemon's options.
func (st setup) options(o *daemon.Options) {
	if st.afspraak != nil {
		o.Afspraak = st.afspraak
	}
	o.Tune.Retention = func(ro *retention.Options) {
		if st.pakketten != nil {
			ro.Pakketten = st.pakketten
		}
		ro.Hook = st.hook
	}
}

// stack is the daemon, built by the test kit on the clock c, with a token for each role.
type stack struct {
	*daemontest.Kit
	tb testing.TB
	// tokens
	gemeente, od, recordmanager, archivaris, auditor string
}

func newStack(tb testing.TB, c *daemontest.Clock, st setup) *stack {
	tb.Helper()
	k := daemontest.New(tb, daemontest.WithClock(c), daemontest.WithConfig(st.config), daemontest.WithOptions(st.options))
	s := &stack{Kit: k, tb: tb}
	s.gemeente = s.NamedToken(daemontest.Gemeente, dossier.RolOrganisatie, "behandelaar gemeente")
	s.od = s.NamedToken(daemontest.Omgevingsdienst, dossier.RolOrganisatie, "behandelaar omgevingsdienst")
	s.recordmanager = s.NamedToken(daemontest.Gemeente, dossier.RolRecordmanager, "R. Manager")
	s.archivaris = s.NamedToken(daemontest.Gemeente, dossier.RolArchivaris, "A. Rchivaris")
	s.auditor = s.NamedToken(daemontest.Gemeente, dossier.RolAuditor, "A. Uditor")
	return s
}

// problem checks the status of a response and decodes its problem body.
func (s *stack) problem(r daemontest.Response, want int) daemontest.Problem {
	s.tb.Helper()
	if r.Code != want {
		s.tb.Fatalf("got %s, want %d", r, want)
	}
	p := r.Problem(s.tb)
	if p.Detail == "" {
		s.tb.Errorf("problem without detail: %s", r.Body)
	}
	return p
}

// closedZaak runs the kit's seed scenario to a zaak closed with resultaattype, with docs as
// application forms of the first phase. It returns the identificatie.
func (s *stack) closedZaak(resultaattype string, docs ...[]byte) string {
	s.tb.Helper()
	var extra []daemontest.Document
	for _, d := range docs {
		extra = append(extra, daemontest.Document{Informatieobjecttype: "aanvraagformulier", Titel: "Aanvraag", Bestandsnaam: "aanvraag.pdf", Content: d})
	}
	return s.ClosedZaak(resultaattype, extra...)
}

// explain fetches GET /zaken/{id}/archief.
func (s *stack) explain(zaak string) retention.Uitleg {
	s.tb.Helper()
	var u retention.Uitleg
	s.Client(s.recordmanager).JSON(http.MethodGet, "/api/v1/zaken/"+zaak+"/archief", nil, http.StatusOK, &u)
	return u
}

// blobFiles lists the content files in the blob directory (temporary files included).
func (s *stack) blobFiles() []string {
	s.tb.Helper()
	var out []string
	for _, e := range daemontest.Tree(s.tb, s.blobDir()) {
		if i := strings.LastIndexByte(e, ' '); i > 0 && !strings.HasSuffix(e, "/") {
			out = append(out, e[:i])
		}
	}
	return out
}

// blobDir is the daemon's blob directory.
func (s *stack) blobDir() string {
	s.tb.Helper()
	dir, err := s.Config.BlobDir()
	if err != nil {
		s.tb.Fatal(err)
	}
	return dir
}

// zaken counts the zaken in the dossier store.
func (s *stack) zaken() int {
	s.tb.Helper()
	var n int
	err := s.Dossier.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
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
	err := s.Dossier.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
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
	_, n, err := s.Dossier.VerifyAudit(context.Background())
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
	err := s.Dossier.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
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
	if err := s.DB().R.QueryRow(query, args...).Scan(&n); err != nil {
		s.tb.Fatal(err)
	}
	return n
}

// pdf returns content that looks like a small PDF, with name in it.
func pdf(name string) []byte { return daemontest.PDF(name, 1200) }
