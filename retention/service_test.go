package retention_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// agreementAllowing is the default agreement with extra resultaattypen that the gemeente may
// record in phase 4.
func agreementAllowing(t testing.TB, rts ...afspraak.Resultaattype) *afspraak.Afspraak {
	t.Helper()
	ag := agreementWith(t, rts...)
	st := &ag.Zaaktypen[0].Statustypen[3]
	for i := range st.Vastleggen {
		if st.Vastleggen[i].Organisatie == daemontest.Gemeente {
			for _, rt := range rts {
				st.Vastleggen[i].Resultaattypen = append(st.Vastleggen[i].Resultaattypen, rt.Omschrijving)
			}
		}
	}
	return ag
}

// zaakInFase4 registers a zaak and moves it to phase 4 (Besluitvorming, the gemeente's), a
// day per step.
func (s *stack) zaakInFase4(omschrijving string) string {
	s.tb.Helper()
	id := s.OpenZaak(omschrijving)
	for _, st := range []struct {
		actor dossier.Actor
		fase  string
	}{{daemontest.GemeenteActor, daemontest.Fase2}, {daemontest.OmgevingsdienstActor, daemontest.Fase3}, {daemontest.OmgevingsdienstActor, daemontest.Fase4}} {
		s.Clock.Advance(24 * time.Hour)
		s.SetStatus(st.actor, id, st.fase)
	}
	return id
}

func (s *stack) zaak(id string) dossier.Zaak {
	s.tb.Helper()
	var d struct {
		Zaak dossier.Zaak `json:"zaak"`
	}
	s.Client(s.recordmanager).JSON(http.MethodGet, "/api/v1/zaken/"+id, nil, http.StatusOK, &d)
	return d.Zaak
}

func TestEindstatusRefusedWhenTheBrondatumCannotBeDerivedLeavesTheZaakOpen(t *testing.T) {
	c := newClock(2024, time.March, 4)
	s := newStack(t, c, setup{afspraak: agreementAllowing(t,
		afspraak.Resultaattype{Omschrijving: "Ingang besluit", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("ingangsdatum_besluit")})})
	zaak := s.zaakInFase4("kapvergunning")
	path := "/api/v1/zaken/" + zaak
	s.Client(s.gemeente).JSON(http.MethodPost, path+"/resultaat", map[string]any{"resultaattype": "Ingang besluit"}, http.StatusCreated, nil)
	p := s.problem(s.Client(s.gemeente).Post(path+"/statussen", map[string]any{"volgnummer": 5}), http.StatusConflict)
	if !strings.Contains(p.Detail, "geen besluit") || p.Regel == "" {
		t.Errorf("refusal %+v, want the missing besluit named and the rule", p)
	}
	if z := s.zaak(zaak); z.Fase != 4 || z.Einddatum != nil || z.Archief.Archiefnominatie != "" {
		t.Errorf("after the refusal the zaak is %+v, want it open in phase 4", z)
	}
	if n := s.count(`SELECT COUNT(*) FROM retention_afleidingen WHERE zaak = ?`, zaak); n != 0 {
		t.Errorf("a refused derivation was stored")
	}
	s.Client(s.gemeente).JSON(http.MethodPost, path+"/besluiten", map[string]any{"besluittype": "omgevingsvergunning", "datum": "2024-03-05", "ingangsdatum": "2024-03-20"}, http.StatusCreated, nil)
	s.Client(s.gemeente).JSON(http.MethodPost, path+"/statussen", map[string]any{"volgnummer": 5}, http.StatusCreated, nil)
	if z := s.zaak(zaak); datumStr(z.Archief.Archiefactiedatum) != "2025-03-20" || datumStr(z.Archief.StartdatumBewaartermijn) != "2024-03-20" {
		t.Errorf("after the besluit: archief %+v, want brondatum 2024-03-20 and actiedatum 2025-03-20", z.Archief)
	}
}

func TestPostponedDerivationCompletesWhenTheEigenschapArrives(t *testing.T) {
	c := newClock(2024, time.March, 4)
	s := newStack(t, c, setup{afspraak: agreementAllowing(t,
		afspraak.Resultaattype{Omschrijving: "Onherroepelijk", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "datum_onherroepelijk"}})})
	zaak := s.closedZaak("Onherroepelijk")
	z := s.zaak(zaak)
	if z.Archief.Archiefactiedatum != nil || !strings.Contains(z.Archief.Uitgesteld, "datum_onherroepelijk") || z.Archief.Archiefnominatie != "vernietigen" {
		t.Fatalf("closed without the eigenschap: %+v, want postponed", z.Archief)
	}
	s.Client(s.gemeente).JSON(http.MethodPost, "/api/v1/zaken/"+zaak+"/eigenschappen", map[string]any{"eigenschap": "datum_onherroepelijk", "waarde": "2024-04-30"}, http.StatusCreated, nil)
	z = s.zaak(zaak)
	if datumStr(z.Archief.Archiefactiedatum) != "2025-04-30" || z.Archief.Uitgesteld != "" {
		t.Errorf("after the eigenschap: %+v, want archiefactiedatum 2025-04-30", z.Archief)
	}
	u := s.explain(zaak)
	if u.Afleiding == nil || datumStr(u.Archief.Archiefactiedatum) != "2025-04-30" || u.Afleiding.Uitkomst.Uitgesteld {
		t.Errorf("explain keeps the old derivation: %+v", u.Afleiding)
	}
}

func TestOverrideByTheRecordmanagerIsAuditedAndExplained(t *testing.T) {
	c := newClock(2020, time.February, 3)
	s := newStack(t, c, setup{wachttijd: "P0D"})
	zaak := s.closedZaak(daemontest.Geweigerd)
	open := s.zaakInFase4("nog bezig")
	path := "/api/v1/zaken/" + zaak + "/archief/override"
	before := s.zaak(zaak).Archief
	for _, tc := range []struct {
		tok  string
		body map[string]any
		code int
	}{
		{s.archivaris, map[string]any{"archiefactiedatum": "2021-01-01", "reden": "x"}, http.StatusForbidden},
		{s.gemeente, map[string]any{"archiefactiedatum": "2021-01-01", "reden": "x"}, http.StatusForbidden},
		{s.recordmanager, map[string]any{"archiefactiedatum": "2021-01-01"}, http.StatusBadRequest},
		{s.recordmanager, map[string]any{"reden": "niets"}, http.StatusBadRequest},
		{s.recordmanager, map[string]any{"archiefnominatie": "weggooien", "reden": "x"}, http.StatusBadRequest},
		{s.recordmanager, map[string]any{"archiefactiedatum": "2020-01-01", "reden": "voor de einddatum"}, http.StatusBadRequest},
		{s.recordmanager, map[string]any{"archiefactiedatum": "morgen", "reden": "x"}, http.StatusBadRequest},
	} {
		r := s.Client(tc.tok).Post(path, tc.body)
		s.problem(r, tc.code)
	}
	s.problem(s.Client(s.recordmanager).Post("/api/v1/zaken/"+open+"/archief/override", map[string]any{"archiefactiedatum": "2030-01-01", "reden": "x"}), http.StatusConflict)
	if after := s.zaak(zaak).Archief; datumStr(after.Archiefactiedatum) != datumStr(before.Archiefactiedatum) {
		t.Fatalf("refused overrides changed the zaak: %+v", after)
	}

	var o retention.Override
	s.Client(s.recordmanager).JSON(http.MethodPost, path, map[string]any{"archiefactiedatum": "2021-06-30", "reden": "beleid: eerder vernietigen"}, http.StatusCreated, &o)
	if datumStr(s.zaak(zaak).Archief.Archiefactiedatum) != "2021-06-30" || o.Door.Omschrijving != "R. Manager" {
		t.Errorf("override %+v did not change the zaak", o)
	}
	s.Client(s.recordmanager).JSON(http.MethodPost, path, map[string]any{"archiefnominatie": "blijvend_bewaren", "reden": "van historisch belang"}, http.StatusCreated, &o)
	z := s.zaak(zaak)
	if z.Archief.Archiefnominatie != "blijvend_bewaren" || datumStr(z.Archief.Archiefactiedatum) != z.Einddatum.Time().AddDate(20, 0, 0).Format(time.DateOnly) {
		t.Errorf("override to blijvend_bewaren: %+v, want the transfer date 20 years after the einddatum", z.Archief)
	}
	u := s.explain(zaak)
	if len(u.Overrides) != 2 || u.Overrides[1].Reden != "van historisch belang" || u.Overbrenging == nil {
		t.Errorf("explain shows overrides %+v and overbrenging %+v", u.Overrides, u.Overbrenging)
	}
	n := 0
	for _, e := range s.AuditTrail(zaak) {
		if e.Actie == "archief.overschreven" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d overrides audited, want 2", n)
	}

	// A zaak on an open list is overridden only after it is taken off.
	other := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2026, time.January, 5))
	v, err := s.Retention.Propose(context.Background(), s.authenticate(s.recordmanager))
	if err != nil || v.Lijst == nil {
		t.Fatal(v, err)
	}
	s.problem(s.Client(s.recordmanager).Post("/api/v1/zaken/"+other+"/archief/override", map[string]any{"archiefactiedatum": "2040-01-01", "reden": "x"}), http.StatusConflict)
}

// TestWrongRoleAndBadReviewChangeNothing checks that refused steps leave the list, its log, the
// zaken and their audit trails as they were, and that a batch of answers is all or nothing.
func TestWrongRoleAndBadReviewChangeNothing(t *testing.T) {
	c := newClock(2019, time.May, 6)
	s := newStack(t, c, setup{})
	z1 := s.closedZaak(daemontest.Ingetrokken)
	z2 := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2026, time.May, 4))
	var v retention.Voorstel
	s.Client(s.recordmanager).JSON(http.MethodPost, "/api/v1/vernietigingslijsten", nil, http.StatusCreated, &v)
	lp := "/api/v1/vernietigingslijsten/" + v.Lijst.ID
	s.Client(s.recordmanager).JSON(http.MethodPost, lp+"/indienen", nil, http.StatusOK, nil)
	snapshot := func() string {
		return fmt.Sprint(s.Client(s.recordmanager).Get(lp).Body, s.count(`SELECT COUNT(*) FROM retention_lijst_log`), s.auditEntries(),
			s.zaak(z1).Archief, s.zaak(z2).Archief)
	}
	before := snapshot()
	for _, tc := range []struct {
		name string
		tok  string
		path string
		body any
		code int
	}{
		{"approval by the recordmanager", s.recordmanager, lp + "/goedkeuren", nil, http.StatusForbidden},
		{"approval by an organisation", s.gemeente, lp + "/goedkeuren", nil, http.StatusForbidden},
		{"approval by an auditor", s.auditor, lp + "/goedkeuren", nil, http.StatusForbidden},
		{"review by the recordmanager", s.recordmanager, lp + "/items/" + z1 + "/beoordeling", map[string]any{"beoordeling": "vernietigen"}, http.StatusForbidden},
		{"unknown answer", s.archivaris, lp + "/items/" + z1 + "/beoordeling", map[string]any{"beoordeling": "misschien"}, http.StatusBadRequest},
		{"bewaren without date", s.archivaris, lp + "/items/" + z1 + "/beoordeling", map[string]any{"beoordeling": "bewaren", "reden": "x"}, http.StatusBadRequest},
		{"bewaren with an earlier date", s.archivaris, lp + "/items/" + z1 + "/beoordeling", map[string]any{"beoordeling": "bewaren", "reden": "x", "archiefactiedatum": "2026-01-01"}, http.StatusBadRequest},
		{"overbrengen without reason", s.archivaris, lp + "/items/" + z1 + "/beoordeling", map[string]any{"beoordeling": "overbrengen"}, http.StatusBadRequest},
		{"a zaak not on the list", s.archivaris, lp + "/items/ZAAK-1999-0000001/beoordeling", map[string]any{"beoordeling": "vernietigen"}, http.StatusNotFound},
		{"a batch with one bad answer", s.archivaris, lp + "/beoordelingen", map[string]any{"beoordelingen": []map[string]any{
			{"zaak": z1, "beoordeling": "overbrengen", "reden": "belangrijk"}, {"zaak": z2, "beoordeling": "bewaren", "reden": "x", "archiefactiedatum": "2020-01-01"}}}, http.StatusBadRequest},
		{"an unknown field", s.archivaris, lp + "/beoordelingen", map[string]any{"oordeel": "ja"}, http.StatusBadRequest},
		{"execution before approval", s.recordmanager, lp + "/uitvoeren", nil, http.StatusConflict},
		{"approval with unanswered zaken", s.archivaris, lp + "/goedkeuren", nil, http.StatusConflict},
		{"cancel without reason", s.archivaris, lp + "/annuleren", map[string]any{"reden": ""}, http.StatusBadRequest},
		{"an unknown list", s.archivaris, "/api/v1/vernietigingslijsten/VL-0-0/goedkeuren", nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.problem(s.Client(tc.tok).Post(tc.path, tc.body), tc.code)
			if p.Detail == "" {
				t.Errorf("no detail")
			}
			if after := snapshot(); after != before {
				t.Errorf("the refused request changed something")
			}
		})
	}
}

func TestConfigRefusesNegativeAndMalformedDurations(t *testing.T) {
	for _, tc := range []struct {
		cfg  retention.Config
		want string
	}{
		{retention.Config{Wachttijd: "-P7D"}, "retention.wachttijd"},
		{retention.Config{Wachttijd: "7 dagen"}, "retention.wachttijd"},
		{retention.Config{OverbrengingTermijn: "P20"}, "retention.overbrenging_termijn"},
		{retention.Config{OverbrengingTermijnNieuweWet: "PT10H"}, "retention.overbrenging_termijn_nieuwe_wet"},
		{retention.Config{NieuweArchiefwetVanaf: "1 juli 2026"}, "retention.nieuwe_archiefwet_vanaf"},
		{retention.Config{OverbrengingTermijn: "P0D"}, "P0D"},
	} {
		if _, err := tc.cfg.Parse(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.cfg, err, tc.want)
		}
	}
	in, err := retention.Config{Wachttijd: "P0D", NieuweArchiefwetVanaf: "2026-07-01", OverbrengingTermijnNieuweWet: "P10Y"}.Parse()
	if err != nil || in.Wachttijd != (retention.Termijn{}) || in.Overbrenging.NieuweWetVanaf == nil || in.Overbrenging.Termijn1995 != (retention.Termijn{Jaren: 20}) {
		t.Errorf("valid config: %+v %v", in, err)
	}
	if in, _ := (retention.Config{}).Parse(); in.Wachttijd != retention.StandaardWachttijd {
		t.Errorf("default wachttijd %v, want P7D", in.Wachttijd)
	}
}

func TestCancelDuringTheWaitingPeriodLetsTheZakenGoOnANewList(t *testing.T) {
	c := newClock(2019, time.May, 6)
	s := newStack(t, c, setup{wachttijd: "P7D"})
	zaak := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2026, time.May, 4))
	ctx := context.Background()
	rm, ar := s.authenticate(s.recordmanager), s.authenticate(s.archivaris)
	v, err := s.Retention.Propose(ctx, rm)
	if err != nil || v.Lijst == nil {
		t.Fatal(v, err)
	}
	id := v.Lijst.ID
	mustStep(t)(s.Retention.Submit(ctx, rm, id))
	mustStep(t)(s.Retention.Review(ctx, ar, id, []retention.Beoordeling{{Zaak: zaak, Beoordeling: "vernietigen"}}))
	mustStep(t)(s.Retention.Approve(ctx, ar, id))
	l := mustStep(t)(s.Retention.Cancel(ctx, ar, id, "Woo-verzoek binnengekomen"))
	if l.Status != retention.LijstCancelled || l.Annuleringsreden == "" {
		t.Fatalf("after cancel: %+v", l)
	}
	c.Advance(8 * 24 * time.Hour)
	if _, err := s.Retention.Execute(ctx, rm, id); !errors.Is(err, dossier.ErrConflict) {
		t.Errorf("execute a cancelled list: %v, want conflict", err)
	}
	v, err = s.Retention.Propose(ctx, rm)
	if err != nil || v.Lijst == nil || v.Opgenomen != 1 {
		t.Errorf("new proposal: %+v %v, want the zaak again", v, err)
	}
	s.zaak(zaak)
}

func mustStep(t *testing.T) func(*retention.Lijst, error) *retention.Lijst {
	return func(l *retention.Lijst, err error) *retention.Lijst {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}

// archiefOpslag stands in for the archive package's storage until it implements
// retention.ArchiefVerwijderaar: it records deletions and refuses the zaken under a legal hold.
type archiefOpslag struct {
	mu           sync.Mutex
	verwijderd   []string
	vergrendeld  map[string]bool
	onbereikbaar bool
}

func (a *archiefOpslag) VerwijderPakket(ctx context.Context, zaak string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.vergrendeld[zaak] {
		return fmt.Errorf("archive object of %s: object is under legal hold: %w", zaak, retention.ErrPakketBewaard)
	}
	if a.onbereikbaar {
		return fmt.Errorf("archive object of %s: dial tcp 127.0.0.1:9000: connection refused", zaak)
	}
	a.verwijderd = append(a.verwijderd, zaak)
	return nil
}

func TestArchiveStorageRefusalKeepsTheZaakAndLeavesItOffTheVerklaring(t *testing.T) {
	c := newClock(2019, time.May, 6)
	opslag := &archiefOpslag{vergrendeld: map[string]bool{}}
	s := newStack(t, c, setup{wachttijd: "P0D", pakketten: opslag})
	weg := s.closedZaak(daemontest.Ingetrokken, pdf("weg"))
	blijft := s.closedZaak(daemontest.Ingetrokken, pdf("blijft"))
	opslag.vergrendeld[blijft] = true
	c.Set(dag(2026, time.May, 4))
	ctx := context.Background()
	rm, ar := s.authenticate(s.recordmanager), s.authenticate(s.archivaris)
	v, err := s.Retention.Propose(ctx, rm)
	if err != nil || v.Opgenomen != 2 {
		t.Fatal(v, err)
	}
	id := v.Lijst.ID
	mustStep(t)(s.Retention.Submit(ctx, rm, id))
	mustStep(t)(s.Retention.Review(ctx, ar, id, []retention.Beoordeling{{Zaak: weg, Beoordeling: "vernietigen"}, {Zaak: blijft, Beoordeling: "vernietigen"}}))
	mustStep(t)(s.Retention.Approve(ctx, ar, id))
	// Storage that cannot be reached stops the run and destroys nothing; a later run resumes.
	opslag.onbereikbaar = true
	if _, err := s.Retention.Execute(ctx, retention.Systeem, id); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("execution with storage down: %v, want it to stop with the storage's error", err)
	}
	if l, _ := s.Retention.Lijst(ctx, rm, id); l.Status != retention.LijstReadyToDelete || l.Aantallen[retention.ItemSuggested] != 2 {
		t.Fatalf("after a stopped run: %s %v, want both zaken still to do", l.Status, l.Aantallen)
	}
	s.zaak(weg)
	opslag.onbereikbaar = false
	// A zaak closed before derivations were kept: its grounds come from the agreement.
	if _, err := s.DB().W.Exec(`DELETE FROM retention_afleidingen WHERE zaak = ?`, weg); err != nil {
		t.Fatal(err)
	}
	u, err := s.Retention.Execute(ctx, retention.Systeem, id)
	if err != nil || u.Vernietigd != 1 || u.Geweigerd != 1 || !u.Voltooid {
		t.Fatalf("execution %+v %v, want one destroyed, one refused", u, err)
	}
	if !slices.Equal(opslag.verwijderd, []string{weg}) {
		t.Errorf("archived copies deleted: %v", opslag.verwijderd)
	}
	s.zaak(blijft)
	l, err := s.Retention.Lijst(ctx, rm, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range l.Items {
		if it.Zaak == blijft && (it.Status != retention.ItemFailed || !strings.Contains(it.Resultaat, "legal hold")) {
			t.Errorf("refused item %+v, want failed with the storage's reason", it)
		}
	}
	vk, err := s.Retention.Verklaring(ctx, ar, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(vk.JSON), weg) || strings.Contains(string(vk.JSON), blijft) || !strings.Contains(string(vk.JSON), `"volledigNummer": "11.3"`) {
		t.Errorf("verklaring %s, want only %s on grounds 11.3", vk.JSON, weg)
	}
	// The refused zaak may go on the next list.
	v, err = s.Retention.Propose(ctx, rm)
	if err != nil || v.Opgenomen != 1 {
		t.Errorf("next proposal %+v %v, want the refused zaak", v, err)
	}
}

// TestJobExecutesListsPastTheirWaitingPeriodThenProposes runs the scheduled job as serve does:
// an approved list is executed only once its waiting period has passed, and what became due
// goes on a new list.
func TestJobExecutesListsPastTheirWaitingPeriodThenProposes(t *testing.T) {
	c := newClock(2019, time.May, 6)
	s := newStack(t, c, setup{wachttijd: "P7D"})
	eerste := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2021, time.March, 1))
	tweede := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2021, time.April, 1))
	ctx := context.Background()
	v, err := s.Retention.Job(ctx)
	if err != nil || v.Lijst == nil || v.Opgenomen != 1 {
		t.Fatalf("first job: %+v %v, want a list with the first zaak", v, err)
	}
	id := v.Lijst.ID
	rm, ar := s.authenticate(s.recordmanager), s.authenticate(s.archivaris)
	mustStep(t)(s.Retention.Submit(ctx, rm, id))
	mustStep(t)(s.Retention.Review(ctx, ar, id, []retention.Beoordeling{{Zaak: eerste, Beoordeling: "vernietigen"}}))
	mustStep(t)(s.Retention.Approve(ctx, ar, id))
	c.Advance(6 * 24 * time.Hour)
	if v, err = s.Retention.Job(ctx); err != nil || v.Lijst != nil {
		t.Fatalf("job in the waiting period: %+v %v", v, err)
	}
	if l, _ := s.Retention.Lijst(ctx, rm, id); l.Status != retention.LijstReadyToDelete {
		t.Fatalf("list executed during its waiting period: %s", l.Status)
	}
	c.Set(dag(2022, time.April, 1))
	if v, err = s.Retention.Job(ctx); err != nil || v.Lijst == nil || v.Opgenomen != 1 {
		t.Fatalf("job after the waiting period: %+v %v, want a new list with the second zaak", v, err)
	}
	if l, _ := s.Retention.Lijst(ctx, rm, id); l.Status != retention.LijstDeleted {
		t.Errorf("approved list not executed by the job: %s", l.Status)
	}
	l, _ := s.Retention.Lijst(ctx, rm, v.Lijst.ID)
	if len(l.Items) != 1 || l.Items[0].Zaak != tweede {
		t.Errorf("new list %+v, want the second zaak", l.Items)
	}
	if u := s.explain(eerste); u.Status != "vernietigd" || u.Vernietigd.GoedgekeurdDoor.Rol != dossier.RolArchivaris {
		t.Errorf("first zaak after the job: %+v", u)
	}
}

// TestConcurrentProposalsListEachZaakOnce runs proposals at the same time, as the job and a
// recordmanager might: one list gets the zaken, the others find them on it.
func TestConcurrentProposalsListEachZaakOnce(t *testing.T) {
	c := newClock(2019, time.May, 6)
	s := newStack(t, c, setup{})
	for range 3 {
		s.closedZaak(daemontest.Ingetrokken)
	}
	c.Set(dag(2026, time.May, 4))
	ctx := context.Background()
	rm := s.authenticate(s.recordmanager)
	var wg sync.WaitGroup
	results := make([]*retention.Voorstel, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Retention.Propose(ctx, rm)
		}()
	}
	wg.Wait()
	lists := 0
	for i, v := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if v.Lijst != nil {
			lists++
			if v.Opgenomen != 3 {
				t.Errorf("list with %d zaken, want 3", v.Opgenomen)
			}
		} else if v.AlOpLijst != 3 {
			t.Errorf("empty proposal %+v, want the 3 zaken found on the list", v)
		}
	}
	if lists != 1 || s.count(`SELECT COUNT(*) FROM retention_lijst_items`) != 3 {
		t.Errorf("%d lists, %d items; want 1 list with 3 items", lists, s.count(`SELECT COUNT(*) FROM retention_lijst_items`))
	}
}
