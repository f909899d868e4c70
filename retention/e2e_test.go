package retention_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// hashHex is the SHA-256 of content in hex: its name in the blob store.
func hashHex(content []byte) string {
	h := sha256.Sum256(content)
	return hex.EncodeToString(h[:])
}

// TestDestructionListEndToEndOverHTTP runs retention as the organisations, the recordmanager
// and the archivaris use it: zaken closed with different results get the right nominatie and
// dates; after years a list is proposed that leaves out the permanent, the held and the not yet
// due zaken; it is reviewed (one zaak kept longer, one taken off), approved, waits, and is
// executed: the destroyed zaken and their documents are gone except content another zaak
// holds, the verklaring lists exactly them, the audit trail says who approved, and the
// permanent zaak is untouched.
func TestDestructionListEndToEndOverHTTP(t *testing.T) {
	c := newClock(2015, time.March, 2)
	s := newStack(t, c, setup{wachttijd: "P7D"})
	gedeeld := pdf("bouwtekening die in twee aanvragen zit")

	a := s.closedZaak(daemontest.Geweigerd, pdf("aanvraag A"))
	b := s.closedZaak(daemontest.Verleend, pdf("aanvraag B"), gedeeld)
	cz := s.closedZaak(daemontest.BuitenBehandl, pdf("aanvraag C"))
	d := s.closedZaak(daemontest.Ingetrokken, pdf("aanvraag D"), gedeeld)
	f := s.closedZaak(daemontest.Geweigerd, pdf("aanvraag F"))
	g := s.closedZaak(daemontest.Ingetrokken, pdf("aanvraag G"))
	c.Set(dag(2024, time.November, 4))
	e := s.closedZaak(daemontest.Geweigerd, pdf("aanvraag E"))

	// Derivation at closing: nominatie and dates per resultaat.
	wantArchief := map[string]struct{ nominatie, volledig string }{
		a: {retention.NominatieVernietigen, "11.2"}, b: {retention.NominatieBlijvendBewaren, "11.1.6"},
		cz: {retention.NominatieVernietigen, "11.4"}, d: {retention.NominatieVernietigen, "11.3"},
		e: {retention.NominatieVernietigen, "11.2"},
	}
	for zaak, want := range wantArchief {
		u := s.explain(zaak)
		if u.Archief.Archiefnominatie != want.nominatie || u.Afleiding.Selectielijst.VolledigNummer != want.volledig ||
			u.Afleiding.Selectielijst.Jaar != 2020 || len(u.Afleiding.Uitkomst.Stappen) < 3 {
			t.Errorf("%s: archief %+v, grondslag %+v, %d steps; want %s on %s (2020)", zaak, u.Archief, u.Afleiding.Selectielijst,
				len(u.Afleiding.Uitkomst.Stappen), want.nominatie, want.volledig)
		}
	}
	ua := s.explain(a)
	eindA := ua.Einddatum.Time()
	if got, want := ua.Archief.Archiefactiedatum.String(), eindA.AddDate(5, 0, 0).Format(time.DateOnly); got != want {
		t.Errorf("geweigerd: archiefactiedatum %s, want einddatum + P5Y = %s", got, want)
	}
	if got, want := s.explain(d).Archief.Archiefactiedatum.String(), s.explain(d).Einddatum.Time().AddDate(1, 0, 0).Format(time.DateOnly); got != want {
		t.Errorf("ingetrokken: archiefactiedatum %s, want einddatum + P1Y = %s", got, want)
	}
	ub := s.explain(b)
	if ub.Overbrenging == nil || ub.Overbrenging.Wet != retention.WetArchiefwet1995 ||
		ub.Archief.Archiefactiedatum.String() != ub.Einddatum.Time().AddDate(20, 0, 0).Format(time.DateOnly) {
		t.Errorf("verleend: archief %+v, overbrenging %+v; want blijvend_bewaren transferred 20 years after closing", ub.Archief, ub.Overbrenging)
	}
	beforeB := s.Client(s.recordmanager).Get("/api/v1/zaken/" + b).Body

	// Years later: a hold on C, then a proposal.
	c.Set(dag(2026, time.June, 1))
	s.problem(s.Client(s.archivaris).Post("/api/v1/holds", map[string]any{"soort": "juridisch", "reden": "x", "zaak": cz}), http.StatusForbidden)
	var hold retention.Hold
	s.Client(s.recordmanager).JSON(http.MethodPost, "/api/v1/holds", map[string]any{"soort": "juridisch", "reden": "bezwaarprocedure loopt", "zaak": cz}, http.StatusCreated, &hold)
	var holds []retention.Hold
	s.Client(s.archivaris).JSON(http.MethodGet, "/api/v1/holds", nil, http.StatusOK, &holds)
	if len(holds) != 1 || holds[0].ID != hold.ID || !holds[0].Actief {
		t.Fatalf("holds %+v, want the one active hold", holds)
	}

	var v retention.Voorstel
	s.Client(s.recordmanager).JSON(http.MethodPost, "/api/v1/vernietigingslijsten", nil, http.StatusCreated, &v)
	if v.Lijst == nil || v.Opgenomen != 4 || v.Bevroren != 1 || v.Verlopen != 5 {
		t.Fatalf("proposal %+v, want 4 zaken (A, D, F, G), 1 held (C), 5 due", v)
	}
	id := v.Lijst.ID
	lp := "/api/v1/vernietigingslijsten/" + id
	var l retention.Lijst
	s.Client(s.recordmanager).JSON(http.MethodGet, lp, nil, http.StatusOK, &l)
	var opLijst []string
	for _, it := range l.Items {
		opLijst = append(opLijst, it.Zaak)
	}
	if want := sorted(a, d, f, g); !slices.Equal(opLijst, want) {
		t.Fatalf("list holds %v, want %v (not the permanent B, the held C or the recent E)", opLijst, want)
	}
	var again retention.Voorstel
	s.Client(s.recordmanager).JSON(http.MethodPost, "/api/v1/vernietigingslijsten", nil, http.StatusOK, &again)
	if again.Lijst != nil || again.AlOpLijst != 4 {
		t.Errorf("second proposal %+v, want no list, 4 already on one", again)
	}

	// Not before approval, not by the wrong role.
	s.problem(s.Client(s.recordmanager).Post(lp+"/uitvoeren", nil), http.StatusConflict)
	s.problem(s.Client(s.recordmanager).Post(lp+"/goedkeuren", nil), http.StatusForbidden)
	s.problem(s.Client(s.archivaris).Post(lp+"/indienen", nil), http.StatusForbidden)
	s.Client(s.recordmanager).JSON(http.MethodPost, lp+"/indienen", nil, http.StatusOK, &l)
	if l.Status != retention.LijstReadyToReview {
		t.Fatalf("after submit: status %s", l.Status)
	}
	s.problem(s.Client(s.recordmanager).Post(lp+"/items/"+g+"/afvoeren", map[string]any{"reden": ""}), http.StatusBadRequest)
	s.Client(s.recordmanager).JSON(http.MethodPost, lp+"/items/"+g+"/afvoeren", map[string]any{"reden": "Woo-verzoek verwacht"}, http.StatusOK, nil)
	s.problem(s.Client(s.archivaris).Post(lp+"/goedkeuren", nil), http.StatusConflict) // A, D, F unanswered
	s.Client(s.archivaris).JSON(http.MethodPost, lp+"/beoordelingen", map[string]any{"beoordelingen": []map[string]any{
		{"zaak": a, "beoordeling": "vernietigen"},
		{"zaak": d, "beoordeling": "vernietigen"},
		{"zaak": f, "beoordeling": "bewaren", "archiefactiedatum": "2030-01-01", "reden": "precedent voor nieuw beleid"},
	}}, http.StatusOK, &l)
	if l.Aantallen[retention.ItemSuggested] != 2 || l.Aantallen["onbeantwoord"] != 0 || l.Aantallen[retention.ItemRemoved] != 2 {
		t.Fatalf("after review: counts %v", l.Aantallen)
	}
	// The kit's clock moves a microsecond on at every reading: the approval read it between
	// these two readings.
	voor := c.Now()
	s.Client(s.archivaris).JSON(http.MethodPost, lp+"/goedkeuren", nil, http.StatusOK, &l)
	na := c.Now()
	if l.Status != retention.LijstReadyToDelete || l.UitvoerbaarVanaf == nil ||
		l.UitvoerbaarVanaf.Before(voor.Add(7*24*time.Hour)) || l.UitvoerbaarVanaf.After(na.Add(7*24*time.Hour)) {
		t.Fatalf("after approval: %+v, want ready_to_delete executable in 7 days", l)
	}

	// The waiting period holds, then execution.
	s.problem(s.Client(s.recordmanager).Post(lp+"/uitvoeren", nil), http.StatusConflict)
	c.Advance(7*24*time.Hour + time.Minute)
	var u retention.Uitvoering
	s.Client(s.recordmanager).JSON(http.MethodPost, lp+"/uitvoeren", nil, http.StatusOK, &u)
	if !u.Voltooid || u.Vernietigd != 2 || u.Lijst.Status != retention.LijstDeleted {
		t.Fatalf("execution %+v, want 2 destroyed and the list deleted", u)
	}

	// The destroyed zaken are gone, with their own content; the shared content stays.
	for _, z := range []string{a, d} {
		s.problem(s.Client(s.recordmanager).Get("/api/v1/zaken/"+z), http.StatusNotFound)
	}
	for name, content := range map[string][]byte{"A": pdf("aanvraag A"), "D": pdf("aanvraag D")} {
		if _, err := os.Stat(blobPath(s, content)); !os.IsNotExist(err) {
			t.Errorf("content of %s still in the blob store (%v)", name, err)
		}
	}
	if _, err := os.Stat(blobPath(s, gedeeld)); err != nil {
		t.Errorf("content shared with the permanent zaak B was deleted: %v", err)
	}
	if n := s.queued(); n != 0 {
		t.Errorf("%d contents still queued for deletion", n)
	}
	if afterB := s.Client(s.recordmanager).Get("/api/v1/zaken/" + b).Body; !bytes.Equal(beforeB, afterB) {
		t.Errorf("the permanent zaak B changed:\nbefore %s\nafter  %s", beforeB, afterB)
	}
	for _, z := range []string{cz, e, f, g} {
		s.Client(s.recordmanager).JSON(http.MethodGet, "/api/v1/zaken/"+z, nil, http.StatusOK, nil)
	}
	if got := s.explain(f).Archief.Archiefactiedatum.String(); got != "2030-01-01" {
		t.Errorf("F kept longer: archiefactiedatum %s, want 2030-01-01", got)
	}

	// The verklaring lists exactly A and D, with grounds and who approved.
	var vk retention.Verklaring
	s.Client(s.auditor).Accepting("application/json").JSON(http.MethodGet, lp+"/verklaring", nil, http.StatusOK, &vk)
	var ids []string
	for _, z := range vk.Zaken {
		ids = append(ids, z.Identificatie)
		if z.Selectielijst == "" || z.SelectielijstJaar != 2020 || z.VolledigNummer == "" || z.Bewaartermijn == "" ||
			z.GoedgekeurdDoor.Rol != dossier.RolArchivaris || z.GoedgekeurdDoor.Omschrijving != "A. Rchivaris" {
			t.Errorf("verklaring entry %+v lacks grounds or approver", z)
		}
	}
	if !slices.Equal(ids, sorted(a, d)) || vk.Aantal != 2 || vk.Goedgekeurd == nil || vk.Methode == "" || len(vk.Zorgdragers) != 1 {
		t.Errorf("verklaring lists %v (aantal %d, goedgekeurd %+v, zorgdragers %v), want exactly %v", ids, vk.Aantal, vk.Goedgekeurd, vk.Zorgdragers, sorted(a, d))
	}
	html := s.Client(s.auditor).Accepting("text/html").Get(lp + "/verklaring")
	if html.Code != http.StatusOK || !strings.HasPrefix(html.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("verklaring as HTML: %d %s", html.Code, html.Header.Get("Content-Type"))
	}
	for _, want := range []string{a, d, "@page", "Verklaring van vernietiging", "A. Rchivaris", "11.2", "P5Y"} {
		if !bytes.Contains(html.Body, []byte(want)) {
			t.Errorf("verklaring HTML lacks %q", want)
		}
	}
	for _, bad := range []string{b, cz, e, f, g, "<link", "src=", "<script"} {
		if bytes.Contains(html.Body, []byte(bad)) {
			t.Errorf("verklaring HTML contains %q: it must list only the destroyed zaken and be self-contained", bad)
		}
	}

	// The audit trail outlives the zaak and says who approved and who destroyed.
	acties := map[string]dossier.AuditEntry{}
	for _, en := range s.AuditTrail(a) {
		acties[en.Actie] = en
	}
	for _, want := range []string{"zaak.aangemaakt", "vernietigingslijst.voorgesteld", "vernietigingslijst.ingediend",
		"vernietigingslijst.beoordeeld", "vernietigingslijst.goedgekeurd", "zaak.vernietigd"} {
		if _, ok := acties[want]; !ok {
			t.Errorf("audit trail of %s lacks %s", a, want)
		}
	}
	if en := acties["vernietigingslijst.goedgekeurd"]; en.Rol != dossier.RolArchivaris {
		t.Errorf("approval audited with role %q", en.Rol)
	}
	if en := acties["zaak.vernietigd"]; !bytes.Contains(en.Details, []byte(`"A. Rchivaris"`)) {
		t.Errorf("destruction audit does not name who approved: %s", en.Details)
	}
	breaks, _, err := s.Dossier.VerifyAudit(context.Background())
	if err != nil || len(breaks) > 0 {
		t.Errorf("audit chains: %v %v", breaks, err)
	}

	// Explain still answers for a destroyed zaak; executing again changes nothing.
	if ux := s.explain(a); ux.Status != "vernietigd" || ux.Vernietigd == nil || ux.Vernietigd.VolledigNummer != "11.2" {
		t.Errorf("explain after destruction: %+v", ux)
	}
	logBefore := s.count(`SELECT COUNT(*) FROM retention_lijst_log WHERE lijst = ?`, id)
	s.Client(s.recordmanager).JSON(http.MethodPost, lp+"/uitvoeren", nil, http.StatusOK, &u)
	if !u.Voltooid || u.Vernietigd != 0 || s.count(`SELECT COUNT(*) FROM retention_lijst_log WHERE lijst = ?`, id) != logBefore {
		t.Errorf("second execution: %+v", u)
	}
	s.problem(s.Client(s.archivaris).Post(lp+"/annuleren", map[string]any{"reden": "te laat"}), http.StatusConflict)
	var logboek []retention.LogRegel
	s.Client(s.auditor).JSON(http.MethodGet, lp+"/logboek", nil, http.StatusOK, &logboek)
	var stappen []string
	for _, r := range logboek {
		stappen = append(stappen, r.Actie)
	}
	for _, want := range []string{"aangemaakt", "ingediend", "afgevoerd", "beoordeeld", "goedgekeurd", "uitvoering.gestart", "zaak.vernietigd", "verklaring.opgesteld"} {
		if !slices.Contains(stappen, want) {
			t.Errorf("list log %v lacks %s", stappen, want)
		}
	}
}

func sorted(s ...string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func blobPath(s *stack, content []byte) string {
	h := hashHex(content)
	return filepath.Join(s.blobDir(), h[:2], h)
}

// TestHoldsCoverZaaktypeAndPeriodAndReleaseLetsTheZaakGo checks the three scopes of a hold, its
// end date, and that a released hold no longer keeps the zaak off a list.
func TestHoldsCoverZaaktypeAndPeriodAndReleaseLetsTheZaakGo(t *testing.T) {
	c := newClock(2018, time.January, 8)
	s := newStack(t, c, setup{})
	z1 := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2019, time.June, 3))
	z2 := s.closedZaak(daemontest.Ingetrokken)
	c.Set(dag(2026, time.March, 2))
	ctx := context.Background()
	rm := s.authenticate(s.recordmanager)
	onHold := func(zaak string) int {
		var n []retention.Hold
		if err := s.Dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
			var err error
			n, err = retention.OnHold(ctx, in, tx, zaak, dossier.DatumVan(2026, time.March, 2))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return len(n)
	}
	periode, err := s.Retention.AddHold(ctx, rm, retention.NieuweHold{Soort: retention.HoldWoo, Reden: "Woo-verzoek over 2018",
		Van: ptr(dossier.DatumVan(2018, 1, 1)), Tot: ptr(dossier.DatumVan(2018, 12, 31))})
	if err != nil {
		t.Fatal(err)
	}
	if onHold(z1) != 1 || onHold(z2) != 0 {
		t.Errorf("period 2018 holds z1 %d times and z2 %d times, want 1 and 0", onHold(z1), onHold(z2))
	}
	zt, err := s.Retention.AddHold(ctx, rm, retention.NieuweHold{Soort: retention.HoldAudit, Reden: "rekenkameronderzoek", Zaaktype: daemontest.Zaaktype,
		Einddatum: ptr(dossier.DatumVan(2026, 3, 31))})
	if err != nil {
		t.Fatal(err)
	}
	if onHold(z1) != 2 || onHold(z2) != 1 {
		t.Errorf("with a zaaktype hold: %d and %d holds, want 2 and 1", onHold(z1), onHold(z2))
	}
	v, err := s.Retention.Propose(ctx, rm)
	if err != nil || v.Lijst != nil || v.Bevroren != 2 {
		t.Fatalf("proposal under holds: %+v %v, want nothing and 2 held", v, err)
	}
	// The zaaktype hold ends on 2026-03-31; the period hold is released.
	c.Set(dag(2026, time.April, 1))
	if _, err := s.Retention.ReleaseHold(ctx, rm, periode.ID, ""); !errors.Is(err, dossier.ErrInvalid) {
		t.Errorf("release without reason: %v, want invalid", err)
	}
	if _, err := s.Retention.ReleaseHold(ctx, rm, periode.ID, "verzoek afgehandeld"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retention.ReleaseHold(ctx, rm, periode.ID, "nog eens"); !errors.Is(err, dossier.ErrConflict) {
		t.Errorf("second release: %v, want conflict", err)
	}
	v, err = s.Retention.Propose(ctx, rm)
	if err != nil || v.Lijst == nil || v.Opgenomen != 2 {
		t.Fatalf("proposal after the holds: %+v %v, want both zaken", v, err)
	}
	all, err := s.Retention.Holds(ctx, rm, true)
	if err != nil || len(all) != 2 || all[0].Actief || all[1].Actief {
		t.Errorf("all holds %+v %v, want two inactive", all, err)
	}
	_ = zt
	for _, bad := range []retention.NieuweHold{
		{Soort: "zomaar", Reden: "x", Zaak: z1},
		{Soort: retention.HoldWoo, Reden: " ", Zaak: z1},
		{Soort: retention.HoldWoo, Reden: "x"},
		{Soort: retention.HoldWoo, Reden: "x", Zaak: z1, Zaaktype: daemontest.Zaaktype},
		{Soort: retention.HoldWoo, Reden: "x", Zaaktype: "onbekend"},
		{Soort: retention.HoldWoo, Reden: "x", Van: ptr(dossier.DatumVan(2020, 1, 2)), Tot: ptr(dossier.DatumVan(2020, 1, 1))},
		{Soort: retention.HoldWoo, Reden: "x", Zaak: z1, Einddatum: ptr(dossier.DatumVan(2020, 1, 1))},
	} {
		if _, err := s.Retention.AddHold(ctx, rm, bad); !errors.Is(err, dossier.ErrInvalid) {
			t.Errorf("AddHold(%+v): %v, want invalid", bad, err)
		}
	}
	if _, err := s.Retention.AddHold(ctx, rm, retention.NieuweHold{Soort: retention.HoldWoo, Reden: "x", Zaak: "ZAAK-1900-0000001"}); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("hold on an unknown zaak: %v, want not found", err)
	}
}

func ptr[T any](v T) *T { return &v }

func (s *stack) authenticate(tok string) dossier.Actor {
	s.tb.Helper()
	a, err := s.Dossier.Authenticate(context.Background(), tok)
	if err != nil {
		s.tb.Fatal(err)
	}
	return a
}
