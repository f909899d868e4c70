package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

var (
	omgevingsdienst = dossier.Actor{Organisatie: "omgevingsdienst", Rol: dossier.RolOrganisatie, TokenID: "test-od"}
	systeem         = dossier.Actor{Rol: dossier.RolSysteem, TokenID: "test-systeem"}
)

// closedZaak registers a zaak of the embedded agreement and takes it through every phase to its
// eindstatus with resultaat; it returns the identificatie.
func (s *stack) closedZaak(t *testing.T, resultaat string) string {
	t.Helper()
	ctx := context.Background()
	z, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "Dakkapel " + resultaat})
	if err != nil {
		t.Fatal(err)
	}
	id := z.Identificatie
	status := func(a dossier.Actor, st string) {
		t.Helper()
		if _, err := s.svc.SetStatus(ctx, a, id, dossier.NieuweStatus{Statustype: st}); err != nil {
			t.Fatalf("status %s of %s: %v", st, id, err)
		}
	}
	status(gemeente, "In behandeling bij de omgevingsdienst")
	status(omgevingsdienst, "Advies en ontwerpbesluit")
	status(omgevingsdienst, "Besluitvorming")
	today := dossier.DatumIn(time.Now(), s.svc.Location())
	if _, err := s.svc.AddBesluit(ctx, gemeente, id, dossier.NieuwBesluit{Besluittype: "omgevingsvergunning", Datum: &today, Ingangsdatum: &today}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.SetResultaat(ctx, gemeente, id, dossier.NieuwResultaat{Resultaattype: resultaat}); err != nil {
		t.Fatal(err)
	}
	status(gemeente, "Resultaat geleverd")
	return id
}

func (s *stack) zaak(t *testing.T, id string) *dossier.Zaak {
	t.Helper()
	d, err := s.svc.Dossier(context.Background(), systeem, id)
	if err != nil {
		t.Fatal(err)
	}
	return &d.Zaak
}

func TestWijzigArchiefKeepsTheDossiersRules(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	open, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "nog open"})
	if err != nil {
		t.Fatal(err)
	}
	closed := s.closedZaak(t, "Geweigerd")
	transferred := s.closedZaak(t, "Verleend")
	actiedatum := dossier.DatumVan(2031, 1, 2)
	err = s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		z, err := w.Zaak(ctx, transferred)
		if err != nil {
			return err
		}
		naar := z.Archief
		naar.Archiefnominatie, naar.Archiefactiedatum = "blijvend_bewaren", &actiedatum
		if _, err := w.WijzigArchief(ctx, transferred, naar, systeem, "", nil); err != nil {
			return err
		}
		return w.SetArchiefstatus(ctx, transferred, dossier.ArchiefstatusOvergedragen, systeem, nil)
	})
	if err != nil {
		t.Fatalf("transfer %s: %v", transferred, err)
	}
	vernietigen := dossier.Archief{Archiefnominatie: "vernietigen", Archiefactiedatum: &actiedatum, Archiefstatus: dossier.ArchiefstatusNogTeArchiveren}
	for _, tc := range []struct {
		name, zaak string
		naar       dossier.Archief
		want       error
	}{
		{"closed zaak", closed, vernietigen, nil},
		{"open zaak", open.Identificatie, vernietigen, dossier.ErrConflict},
		{"transferred zaak", transferred, dossier.Archief{Archiefnominatie: "vernietigen", Archiefactiedatum: &actiedatum,
			Archiefstatus: dossier.ArchiefstatusOvergedragen}, dossier.ErrConflict},
		{"archiefstatus through the back door", closed, dossier.Archief{Archiefnominatie: "vernietigen", Archiefactiedatum: &actiedatum,
			Archiefstatus: dossier.ArchiefstatusGearchiveerd}, dossier.ErrInvalid},
		{"zaak that does not exist", "ZAAK-BESTAAT-NIET", vernietigen, dossier.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before int
			if tc.want != dossier.ErrNotFound {
				before = len(s.trail(t, tc.zaak))
			}
			err := s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
				_, err := w.WijzigArchief(ctx, tc.zaak, tc.naar, systeem, "archief.test", map[string]string{"geval": tc.name})
				return err
			})
			if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == dossier.ErrNotFound {
				return
			}
			trail := s.trail(t, tc.zaak)
			if tc.want != nil {
				if len(trail) != before {
					t.Errorf("a refused change left %d audit entries, want %d", len(trail), before)
				}
				return
			}
			if len(trail) != before+1 || trail[len(trail)-1].Actie != "archief.test" {
				t.Fatalf("audit trail %d entries, last %+v; want the change audited", len(trail), trail[len(trail)-1])
			}
			z := s.zaak(t, tc.zaak)
			if z.Archief.Archiefnominatie != "vernietigen" || z.Archief.Archiefactiedatum == nil || *z.Archief.Archiefactiedatum != actiedatum {
				t.Errorf("archief after the change %+v", z.Archief)
			}
		})
	}
}

func (s *stack) trail(t *testing.T, zaak string) []dossier.AuditEntry {
	t.Helper()
	out, err := s.svc.AuditTrail(context.Background(), systeem, zaak)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVernietigRefusesATransferredZaak(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	z := s.closedZaak(t, "Verleend")
	actiedatum := dossier.DatumVan(2031, 1, 2)
	err := s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		if _, err := w.WijzigArchief(ctx, z, dossier.Archief{Archiefnominatie: "blijvend_bewaren", Archiefactiedatum: &actiedatum,
			Archiefstatus: dossier.ArchiefstatusNogTeArchiveren}, systeem, "", nil); err != nil {
			return err
		}
		return w.SetArchiefstatus(ctx, z, dossier.ArchiefstatusOvergedragen, systeem, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		_, err := w.Vernietig(ctx, z, systeem, nil)
		return err
	})
	if !errors.Is(err, dossier.ErrConflict) {
		t.Fatalf("destroying a transferred zaak: %v, want a conflict", err)
	}
	if s.zaak(t, z).Identificatie != z {
		t.Fatal("the transferred zaak is gone")
	}
}

func TestDoorloopSelectsByArchivalFields(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	open, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "nog open"})
	if err != nil {
		t.Fatal(err)
	}
	set := func(zaak, nominatie string, actie dossier.Datum, status string) {
		t.Helper()
		err := s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
			if _, err := w.WijzigArchief(ctx, zaak, dossier.Archief{Archiefnominatie: nominatie, Archiefactiedatum: &actie,
				Archiefstatus: dossier.ArchiefstatusNogTeArchiveren}, systeem, "", nil); err != nil {
				return err
			}
			if status == dossier.ArchiefstatusNogTeArchiveren {
				return nil
			}
			return w.SetArchiefstatus(ctx, zaak, status, systeem, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	due := s.closedZaak(t, "Geweigerd")
	set(due, "vernietigen", dossier.DatumVan(2020, 1, 1), dossier.ArchiefstatusNogTeArchiveren)
	archived := s.closedZaak(t, "Ingetrokken")
	set(archived, "vernietigen", dossier.DatumVan(2024, 6, 1), dossier.ArchiefstatusGearchiveerd)
	later := s.closedZaak(t, "Geweigerd")
	set(later, "vernietigen", dossier.DatumVan(2031, 1, 1), dossier.ArchiefstatusNogTeArchiveren)
	kept := s.closedZaak(t, "Verleend")
	set(kept, "blijvend_bewaren", dossier.DatumVan(2020, 1, 1), dossier.ArchiefstatusNogTeArchiveren)
	transferred := s.closedZaak(t, "Geweigerd")
	set(transferred, "vernietigen", dossier.DatumVan(2020, 1, 1), dossier.ArchiefstatusOvergedragen)

	peil := dossier.DatumVan(2026, 3, 2)
	for _, tc := range []struct {
		name string
		f    dossier.ZaakFilter
		want []string
	}{
		{"all", dossier.ZaakFilter{}, []string{open.Identificatie, due, archived, later, kept, transferred}},
		{"closed", dossier.ZaakFilter{Afgesloten: true}, []string{due, archived, later, kept, transferred}},
		{"vernietigen", dossier.ZaakFilter{Archiefnominatie: "vernietigen"}, []string{due, archived, later, transferred}},
		{"due on the peildatum", dossier.ZaakFilter{ArchiefactiedatumTot: &peil}, []string{due, archived, kept, transferred}},
		{"due and not transferred", dossier.ZaakFilter{Afgesloten: true, Archiefnominatie: "vernietigen", ArchiefactiedatumTot: &peil,
			Archiefstatussen: []string{dossier.ArchiefstatusNogTeArchiveren, dossier.ArchiefstatusGearchiveerd}}, []string{due, archived}},
		{"one page", dossier.ZaakFilter{Afgesloten: true, Offset: 1, Limit: 2}, []string{archived, later}},
		{"no phases", dossier.ZaakFilter{Fasen: map[string][]int{}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, zaken []string
			resultaten := map[string]string{}
			var n int
			err := s.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
				err := in.Doorloop(ctx, tc.f, func(z *dossier.Zaak, rt string) error {
					got = append(got, z.Identificatie)
					resultaten[z.Identificatie] = rt
					return nil
				})
				if err != nil {
					return err
				}
				list, err := in.Zaken(ctx, tc.f)
				for _, z := range list {
					zaken = append(zaken, z.Identificatie)
				}
				if err != nil {
					return err
				}
				tc.f.Offset, tc.f.Limit = 0, 0
				n, err = in.Count(ctx, tc.f)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := sorted(tc.want)
			if tc.f.Limit == 0 && tc.name != "one page" {
				if n != len(want) {
					t.Errorf("Count %d, want %d", n, len(want))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(zaken) != fmt.Sprint(want) {
				t.Errorf("Doorloop %v, Zaken %v, want %v", got, zaken, want)
			}
			for _, id := range got {
				if rt := resultaten[id]; (id == open.Identificatie) != (rt == "") {
					t.Errorf("zaak %s has resultaattype %q", id, rt)
				}
			}
		})
	}
	// An error of fn stops the walk and comes back.
	stop := errors.New("genoeg")
	calls := 0
	err = s.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		return in.Doorloop(ctx, dossier.ZaakFilter{}, func(*dossier.Zaak, string) error { calls++; return stop })
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Doorloop after an error of fn: %v after %d calls", err, calls)
	}
}

// sorted returns ids in identificatie order (the order Doorloop and Zaken give).
func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// TestConcurrentWijzigKeepsTheAuditChain appends to one zaak's chain from many goroutines at
// once: every entry gets its own volgnummer and the chain verifies.
func TestConcurrentWijzigKeepsTheAuditChain(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	z, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "druk"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.trail(t, z.Identificatie))
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
					_, err := w.AuditInFase(ctx, z.Identificatie, systeem, "test.gelijktijdig", map[string]int{"g": g, "i": i})
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	trail := s.trail(t, z.Identificatie)
	if len(trail) != before+writers*each {
		t.Fatalf("%d entries, want %d", len(trail), before+writers*each)
	}
	for i, e := range trail {
		if e.Volgnummer != int64(i+1) {
			t.Fatalf("entry %d has volgnummer %d", i, e.Volgnummer)
		}
		if e.Actie == "test.gelijktijdig" && e.Fase != z.Fase {
			t.Fatalf("entry %d in fase %d, want the zaak's fase %d", i, e.Fase, z.Fase)
		}
	}
	breaks, n, err := s.svc.VerifyAudit(ctx)
	if err != nil || len(breaks) != 0 || n < len(trail) {
		t.Fatalf("verify: %d entries, breaks %v, %v", n, breaks, err)
	}
}

func TestFaseOfAZaakThatIsGoneIsZero(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	z, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "fase"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		if f := in.Fase(ctx, z.Identificatie); f != z.Fase || f == 0 {
			return fmt.Errorf("fase of %s is %d, want %d", z.Identificatie, f, z.Fase)
		}
		if f := in.Fase(ctx, "ZAAK-BESTAAT-NIET"); f != 0 {
			return fmt.Errorf("fase of a zaak that does not exist is %d", f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditElkWritesEachChainInItsPhase(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	open, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "open"})
	if err != nil {
		t.Fatal(err)
	}
	closed := s.closedZaak(t, "Geweigerd")
	gone := "ZAAK-VERNIETIGD"
	zaken := []string{closed, gone, open.Identificatie}
	err = s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		return w.AuditElk(ctx, zaken, systeem, "test.lijst", map[string]string{"lijst": "L-1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for zaak, fase := range map[string]int{closed: s.zaak(t, closed).Fase, gone: 0, open.Identificatie: open.Fase} {
		trail := s.trail(t, zaak)
		last := trail[len(trail)-1]
		if last.Actie != "test.lijst" || last.Fase != fase || string(last.Details) != `{"lijst":"L-1"}` || last.Volgnummer != int64(len(trail)) {
			t.Errorf("last entry of %s: %+v, want test.lijst in fase %d", zaak, last, fase)
		}
	}
	if breaks, _, err := s.svc.VerifyAudit(ctx); err != nil || len(breaks) > 0 {
		t.Fatalf("verify: %v %v", breaks, err)
	}
}
