package mdto

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// cet is a fixed zone so that the golden files do not depend on the machine's tz database.
var cet = time.FixedZone("CET", 3600)

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, cet)
	return &t
}

func ref(naam, kenmerk, bron string) Verwijzing {
	return Verwijzing{Naam: naam, Identificatie: &Identificatie{Kenmerk: kenmerk, Bron: bron}}
}

const (
	bronZaken     = "Open Zaak gemeente Voorbeeldstad"
	bronDocumente = "Open Zaak documenten gemeente Voorbeeldstad"
	bronOIN       = "Register van Overheidsorganisaties"
	zaakURL       = "https://zaken.voorbeeldstad.nl/zaken/api/v1/zaken/5f7c9a1e-3b2d-4c8e-9a61-0d2e4f6a8b10"
	documentURL   = "https://documenten.voorbeeldstad.nl/documenten/api/v1/enkelvoudiginformatieobjecten/b7e3c1d2-8a4f-4e6b-9c0d-1f2a3b4c5d6e"
)

var (
	gemeente          = ref("Gemeente Voorbeeldstad", "https://organisaties.overheid.nl/00000001/Gemeente_Voorbeeldstad", bronOIN)
	omgevingsdienst   = ref("Omgevingsdienst Voorbeeldregio", "https://organisaties.overheid.nl/00000002/Omgevingsdienst_Voorbeeldregio", bronOIN)
	zaakRef           = ref("Omgevingsvergunning bouwen Dorpsstraat 1", zaakURL, bronZaken)
	documentRef       = ref("Besluit omgevingsvergunning", documentURL, bronDocumente)
	bestandRef        = ref("besluit.pdf", documentURL+"/download", bronDocumente)
	afgehandeld       = Begrip{Label: "Afgehandeld", Code: "afgehandeld", Begrippenlijst: Verwijzing{Naam: "ZGW afleidingswijze brondatum archiefprocedure"}}
	zaakvertrouwelijk = BeperkingGebruik{
		Type: Begrip{Label: "zaakvertrouwelijk", Code: "zaakvertrouwelijk",
			Begrippenlijst: Verwijzing{Naam: "ZGW vertrouwelijkheidaanduiding"}},
		NadereBeschrijving: "Alleen in te zien door de betrokken behandelaars van gemeente en omgevingsdienst.",
	}
)

// dossierFixture is a closed zaak on the omgevingsvergunning, archived as a Dossier.
func dossierFixture() Informatieobject {
	dossier := Aggregatieniveau(AggregatieniveauDossier)
	categorie := Informatiecategorie("11.1.6", "Verleend",
		"Selectielijst gemeenten en intergemeentelijke organen 2020")
	return Informatieobject{
		Identificatie: []Identificatie{
			{Kenmerk: zaakURL, Bron: bronZaken},
			{Kenmerk: "ZAAK-2024-0000042", Bron: bronZaken},
		},
		Naam:             "Omgevingsvergunning bouwen Dorpsstraat 1",
		Aggregatieniveau: &dossier,
		Classificatie: []Begrip{{Label: "Omgevingsvergunning", Code: "OMV-BOUW",
			Begrippenlijst: Verwijzing{Naam: "Zaaktypecatalogus gemeente Voorbeeldstad"}}},
		Omschrijving: []string{"Aanvraag omgevingsvergunning voor het bouwen van een woning; advies omgevingsdienst; besluit verleend."},
		DekkingInTijd: []DekkingInTijd{{
			Type:       Begrip{Label: "Looptijd zaak", Begrippenlijst: Verwijzing{Naam: "zaakarchief dekkingInTijd"}},
			Begindatum: "2024-01-15",
			Einddatum:  "2024-03-28",
		}},
		Taal: []string{"nl"},
		Event: []Event{
			{Type: EventType(EventOntvangst), Tijd: "2024-01-15T09:12:00+01:00",
				VerantwoordelijkeActor: &gemeente, Resultaat: "Fase Aanvraag: aanvraag ontvangen"},
			{Type: EventType(EventCreatie), Tijd: "2024-02-20T14:30:00+01:00",
				VerantwoordelijkeActor: &omgevingsdienst, Resultaat: "Fase Beoordeling: advies opgesteld"},
			{Type: EventType(EventCreatie), Tijd: "2024-03-28T11:00:00+01:00",
				VerantwoordelijkeActor: &gemeente, Resultaat: "Fase Besluit: vergunning verleend"},
			{Type: EventType(EventBevriezing), Tijd: "2024-03-28",
				VerantwoordelijkeActor: &gemeente, Resultaat: "Fase Afsluiting: zaak afgesloten"},
		},
		Waardering: Waardering(WaarderingBlijvend),
		Bewaartermijn: &Bewaartermijn{
			TriggerStartLooptijd: &afgehandeld,
			StartdatumLooptijd:   date(2024, time.March, 28),
		},
		Informatiecategorie: &categorie,
		BevatOnderdeel:      []Verwijzing{documentRef},
		Archiefvormer:       []Verwijzing{gemeente, omgevingsdienst},
		BeperkingGebruik:    []BeperkingGebruik{zaakvertrouwelijk},
	}
}

// archiefstukFixture is a document of the zaak, archived as an Archiefstuk under the Dossier.
func archiefstukFixture() Informatieobject {
	stuk := Aggregatieniveau(AggregatieniveauArchiefstuk)
	return Informatieobject{
		Identificatie:    []Identificatie{{Kenmerk: documentURL, Bron: bronDocumente}},
		Naam:             "Besluit omgevingsvergunning",
		Aggregatieniveau: &stuk,
		Event: []Event{{Type: EventType(EventCreatie), Tijd: "2024-03-28T11:00:00+01:00",
			VerantwoordelijkeActor: &gemeente}},
		Waardering:         Waardering(WaarderingBlijvend),
		IsOnderdeelVan:     []Verwijzing{zaakRef},
		HeeftRepresentatie: []Verwijzing{bestandRef},
		Archiefvormer:      []Verwijzing{gemeente},
		BeperkingGebruik: []BeperkingGebruik{{
			Type: zaakvertrouwelijk.Type,
			Termijn: &Termijn{
				TriggerStartLooptijd: &afgehandeld,
				StartdatumLooptijd:   date(2024, time.March, 28),
				Looptijd:             "P20Y",
				Einddatum:            date(2044, time.March, 28),
			},
		}},
	}
}

// bestandFixture is the PDF/A file of the besluit.
func bestandFixture() Bestand {
	return Bestand{
		Identificatie:   []Identificatie{{Kenmerk: documentURL + "/download", Bron: bronDocumente}},
		Naam:            "besluit.pdf",
		Omvang:          48213,
		Bestandsformaat: FormaatBegrip(Formaat{PUID: "fmt/354", Naam: "Acrobat PDF/A - Portable Document Format 1b", MIME: "application/pdf"}),
		Checksum: []Checksum{{
			Algoritme: ChecksumAlgoritme(SHA256),
			Waarde:    "86f16c3359c2e59538a3df178a9530dd6278faec82e66d605b3bc2a64ac390fc",
			Datum:     time.Date(2024, time.April, 2, 15, 24, 18, 0, time.UTC),
		}},
		IsRepresentatieVan: documentRef,
	}
}

// requireXmllint skips when xmllint is missing, except under CI=true.
func requireXmllint(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI=true:", err)
		}
		t.Skip("xmllint not installed:", err)
	}
}

// validateXSD runs ValidateXSD and skips when xmllint is missing, except under CI=true.
func validateXSD(t testing.TB, paths ...string) error {
	t.Helper()
	err := ValidateXSD(context.Background(), paths...)
	if errors.Is(err, ErrNoXmllint) {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI=true:", err)
		}
		t.Skip("xmllint not installed:", err)
	}
	return err
}
