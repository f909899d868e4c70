package retention_test

import (
	"context"
	"slices"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// A zaak whose brondatum is an eigenschap that is known only after delivery (the date the
// decision became onherroepelijk) closes without dates; when the gemeente records that date,
// the dates are derived again. Both derivations are kept, and explain shows them in order
// with the fact the second one read; the audit trail records the change after the fact.
func TestEveryDerivationIsKeptAndAudited(t *testing.T) {
	ag := agreementWith(t, afspraak.Resultaattype{Omschrijving: "Onherroepelijk", Selectielijstklasse: "11.1.12",
		BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "datum_onherroepelijk"}})
	for i := range ag.Zaaktypen[0].Statustypen {
		st := &ag.Zaaktypen[0].Statustypen[i]
		for j := range st.Vastleggen {
			if st.Volgnummer == 4 && st.Vastleggen[j].Organisatie == daemontest.Gemeente {
				st.Vastleggen[j].Resultaattypen = append(st.Vastleggen[j].Resultaattypen, "Onherroepelijk")
			}
		}
	}
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) { o.Afspraak = ag }))
	ctx := context.Background()
	zaak := k.OpenZaak("Kap van een eik")
	k.SetStatus(daemontest.GemeenteActor, zaak, daemontest.Fase2)
	k.SetStatus(daemontest.OmgevingsdienstActor, zaak, daemontest.Fase3)
	k.SetStatus(daemontest.OmgevingsdienstActor, zaak, daemontest.Fase4)
	if _, err := k.Dossier.SetResultaat(ctx, daemontest.GemeenteActor, zaak, dossier.NieuwResultaat{Resultaattype: "Onherroepelijk"}); err != nil {
		t.Fatal(err)
	}
	k.SetStatus(daemontest.GemeenteActor, zaak, daemontest.Fase5)
	u, err := k.Retention.Explain(ctx, daemontest.RecordmanagerActor, zaak)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Afleidingen) != 1 || u.Afleidingen[0].Uitgesteld == "" || u.Afleidingen[0].Archiefactiedatum != nil {
		t.Fatalf("after closing: %+v", u.Afleidingen)
	}

	if _, err := k.Dossier.SetEigenschap(ctx, daemontest.GemeenteActor, zaak, dossier.NieuweEigenschap{Eigenschap: "datum_onherroepelijk", Waarde: "2027-03-01"}); err != nil {
		t.Fatal(err)
	}
	u, err = k.Retention.Explain(ctx, daemontest.RecordmanagerActor, zaak)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Afleidingen) != 2 {
		t.Fatalf("derivations %+v, want the one at closing and the one the eigenschap caused", u.Afleidingen)
	}
	second := u.Afleidingen[1]
	if second.Volgnummer != 2 || second.Brondatum == nil || second.Brondatum.String() != "2027-03-01" ||
		second.Archiefactiedatum == nil || second.Archiefactiedatum.String() != "2028-03-01" || second.Uitgesteld != "" {
		t.Errorf("second derivation %+v, want brondatum 2027-03-01 and archiefactiedatum 2028-03-01 (P1Y)", second)
	}
	if !slices.ContainsFunc(second.Invoer, func(g retention.Gegeven) bool { return g.Naam == "datum_onherroepelijk" && g.Waarde == "2027-03-01" }) {
		t.Errorf("the second derivation does not show the fact it read: %+v", second.Invoer)
	}
	trail := k.AuditTrail(zaak)
	last, prev := trail[len(trail)-1], trail[len(trail)-2]
	if last.Actie != "archief.herafgeleid" || prev.Actie != "eigenschap.vastgelegd" {
		t.Errorf("the audit trail ends with %s, %s; want the eigenschap and then archief.herafgeleid", prev.Actie, last.Actie)
	}
}
