package daemontest_test

import (
	"net/http"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// The kit builds the daemon as serve does: the seed scenario closes a zaak with its
// archival fields derived, the API serves it to a token and refuses a call without one with a
// problem body, and a restart on the same data directory keeps it.
func TestKitRunsTheSeedScenarioOverTheRealDaemon(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.ClosedZaak(daemontest.Geweigerd)
	d := k.ReadDossier(zaak)
	if d.Zaak.Einddatum == nil || d.Zaak.Archief.Archiefnominatie != "vernietigen" || d.Zaak.Archief.Archiefactiedatum == nil {
		t.Fatalf("closed zaak %s: einddatum %v, archief %+v", zaak, d.Zaak.Einddatum, d.Zaak.Archief)
	}
	c := k.Client(k.Token(daemontest.Gemeente, dossier.RolOrganisatie))
	var got struct {
		Zaak struct{ Identificatie string } `json:"zaak"`
	}
	c.JSON(http.MethodGet, "/api/v1/zaken/"+zaak, nil, http.StatusOK, &got)
	if got.Zaak.Identificatie != zaak {
		t.Errorf("GET the dossier: %+v", got)
	}
	r := k.Client("").Get("/api/v1/zaken/" + zaak)
	if p := r.Problem(t); r.Code != http.StatusUnauthorized || p.Status != http.StatusUnauthorized {
		t.Errorf("without a token: %d %+v", r.Code, p)
	}
	if n := len(k.AuditTrail(zaak)); n < 8 {
		t.Errorf("audit trail has %d entries", n)
	}

	k2 := k.Restart()
	if d2 := k2.ReadDossier(zaak); len(d2.Documenten) != len(d.Documenten) || *d2.Zaak.Archief.Archiefactiedatum != *d.Zaak.Archief.Archiefactiedatum {
		t.Errorf("after a restart the dossier differs: %d documents, %v", len(d2.Documenten), d2.Zaak.Archief)
	}
}

func TestClockMovesOnAndIsSettable(t *testing.T) {
	c := daemontest.NewClock(time.Date(2020, 1, 31, 10, 0, 0, 0, time.UTC))
	a, b := c.Now(), c.Now()
	if !b.After(a) {
		t.Errorf("two readings %v, %v: the second is not later", a, b)
	}
	c.AddDate(5, 1, 0)
	if got := c.Now(); got.Year() != 2025 || got.Month() != time.March {
		t.Errorf("after AddDate(5, 1, 0): %v", got)
	}
}
