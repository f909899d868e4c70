package mdto

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// wantProblem is "" for a valid object, else a substring of the expected problem.
type validateCase struct {
	name        string
	edit        func(*Informatieobject)
	wantProblem string
}

func runInformatieobjectCases(t *testing.T, cases []validateCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := dossierFixture()
			c.edit(&o)
			checkProblem(t, o.Validate(), c.wantProblem)
		})
	}
}

func checkProblem(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Validate() = %v, want an ErrInvalid mentioning %q", err, want)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Fatalf("Validate() = %v, want a *ValidationError", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Validate() = %v, want a problem mentioning %q", err, want)
	}
}

func TestValidateWaarderingFromMDTOList(t *testing.T) {
	runInformatieobjectCases(t, []validateCase{
		{"B blijvend", func(o *Informatieobject) { o.Waardering = Waardering(WaarderingBlijvend) }, ""},
		{"V tijdelijk", func(o *Informatieobject) { o.Waardering = Waardering(WaarderingTijdelijk) }, ""},
		{"N nader te bepalen", func(o *Informatieobject) { o.Waardering = Waardering(WaarderingNaderTeBepalen) }, ""},
		{"unknown code", func(o *Informatieobject) { o.Waardering = Waardering("X") }, `waardering.begripCode: "X" is not B, V or N`},
		{"missing code", func(o *Informatieobject) { o.Waardering.Code = "" }, "waardering.begripCode"},
		{"label of another code", func(o *Informatieobject) { o.Waardering.Label = "Tijdelijk te bewaren" }, "does not match code B"},
		{"archiefnominatie as label", func(o *Informatieobject) { o.Waardering.Label = "blijvend_bewaren" }, "waardering.begripLabel"},
		{"other begrippenlijst", func(o *Informatieobject) { o.Waardering.Begrippenlijst.Naam = "Selectielijst" }, "waardering.begripBegrippenlijst"},
		{"empty", func(o *Informatieobject) { o.Waardering = Begrip{} }, "waardering.begripLabel: is required"},
	})
}

func TestValidateAggregatieniveauFromMDTOList(t *testing.T) {
	set := func(label string) func(*Informatieobject) {
		return func(o *Informatieobject) { b := Aggregatieniveau(label); o.Aggregatieniveau = &b }
	}
	runInformatieobjectCases(t, []validateCase{
		{"Archief", set(AggregatieniveauArchief), ""},
		{"Serie", set(AggregatieniveauSerie), ""},
		{"Dossier", set(AggregatieniveauDossier), ""},
		{"Archiefstuk", set(AggregatieniveauArchiefstuk), ""},
		{"absent", func(o *Informatieobject) { o.Aggregatieniveau = nil }, ""},
		{"Zaak is not a level", set("Zaak"), `"Zaak" is not Archief, Serie, Dossier or Archiefstuk`},
		{"lowercase", set("dossier"), "aggregatieniveau.begripLabel"},
		{"Bestand is not an informatieobject level", set("Bestand"), "aggregatieniveau.begripLabel"},
		{"other begrippenlijst", func(o *Informatieobject) {
			b := Aggregatieniveau(AggregatieniveauDossier)
			b.Begrippenlijst.Naam = "TMLO"
			o.Aggregatieniveau = &b
		}, "aggregatieniveau.begripBegrippenlijst"},
	})
}

func TestValidateRequiredInformatieobjectElements(t *testing.T) {
	runInformatieobjectCases(t, []validateCase{
		{"fixture", func(*Informatieobject) {}, ""},
		{"no identificatie", func(o *Informatieobject) { o.Identificatie = nil }, "identificatie: at least one is required"},
		{"blank kenmerk", func(o *Informatieobject) { o.Identificatie[1].Kenmerk = "  " }, "identificatie[1].identificatieKenmerk: is required"},
		{"blank bron", func(o *Informatieobject) { o.Identificatie[0].Bron = "" }, "identificatie[0].identificatieBron: is required"},
		{"blank naam", func(o *Informatieobject) { o.Naam = "\t" }, "naam: is required"},
		{"no archiefvormer", func(o *Informatieobject) { o.Archiefvormer = nil }, "archiefvormer: at least one is required"},
		{"archiefvormer without naam", func(o *Informatieobject) { o.Archiefvormer[1].Naam = "" }, "archiefvormer[1].verwijzingNaam: is required"},
		{"no beperkingGebruik", func(o *Informatieobject) { o.BeperkingGebruik = nil }, "beperkingGebruik: at least one is required"},
		{"beperking without type", func(o *Informatieobject) { o.BeperkingGebruik[0].Type.Label = "" }, "beperkingGebruik[0].beperkingGebruikType.begripLabel: is required"},
		{"begrip without begrippenlijst", func(o *Informatieobject) { o.Classificatie[0].Begrippenlijst.Naam = "" }, "classificatie[0].begripBegrippenlijst.verwijzingNaam: is required"},
		{"event without type", func(o *Informatieobject) { o.Event[2].Type = Begrip{} }, "event[2].eventType.begripLabel: is required"},
		{"empty omschrijving", func(o *Informatieobject) { o.Omschrijving = []string{""} }, "omschrijving[0]: is required"},
		{"empty bewaartermijn", func(o *Informatieobject) { o.Bewaartermijn = &Bewaartermijn{} }, "bewaartermijn: is empty"},
		{"empty raadpleeglocatie", func(o *Informatieobject) { o.Raadpleeglocatie = []Raadpleeglocatie{{}} }, "raadpleeglocatie[0]: needs"},
		{"half an identificatie in a verwijzing", func(o *Informatieobject) {
			o.BevatOnderdeel[0].Identificatie = &Identificatie{Kenmerk: "x"}
		}, "bevatOnderdeel[0].verwijzingIdentificatie.identificatieBron: is required"},
		{"NUL byte in naam", func(o *Informatieobject) { o.Naam = "besluit\x00" }, "naam: contains bytes or characters XML cannot carry"},
		{"invalid UTF-8 in trefwoord", func(o *Informatieobject) { o.Trefwoord = []string{"caf\xe9"} }, "trefwoord[0]: contains"},
		{"all problems reported at once", func(o *Informatieobject) { o.Naam = ""; o.Archiefvormer = nil }, "naam: is required; archiefvormer"},
	})
}

func TestValidateDatesDurationsLanguagesAndURLs(t *testing.T) {
	tijd := func(s string) func(*Informatieobject) { return func(o *Informatieobject) { o.Event[0].Tijd = s } }
	begin := func(s string) func(*Informatieobject) {
		return func(o *Informatieobject) { o.DekkingInTijd[0].Begindatum = s }
	}
	looptijd := func(s string) func(*Informatieobject) {
		return func(o *Informatieobject) { o.Bewaartermijn.Looptijd = s }
	}
	runInformatieobjectCases(t, []validateCase{
		{"eventTijd gYear", tijd("2024"), ""},
		{"eventTijd gYearMonth", tijd("2024-03"), ""},
		{"eventTijd date", tijd("2024-02-29"), ""},
		{"eventTijd dateTime local", tijd("2024-03-01T10:00:00"), ""},
		{"eventTijd dateTime UTC fraction", tijd("2024-03-01T10:00:00.250Z"), ""},
		{"eventTijd dateTime offset", tijd("2024-03-01T10:00:00-05:00"), ""},
		{"eventTijd absent", tijd(""), ""},
		{"eventTijd Dutch order", tijd("01-03-2024"), `event[0].eventTijd: "01-03-2024" is not`},
		{"eventTijd month 13", tijd("2024-13"), "event[0].eventTijd"},
		{"eventTijd 29 February 2023", tijd("2023-02-29"), "event[0].eventTijd"},
		{"eventTijd space instead of T", tijd("2024-03-01 10:00:00"), "event[0].eventTijd"},
		{"eventTijd hour 25", tijd("2024-03-01T25:00:00"), "event[0].eventTijd"},
		{"eventTijd offset 15 hours", tijd("2024-03-01T10:00:00+15:00"), "event[0].eventTijd"},
		{"eventTijd year 0", tijd("0000"), "event[0].eventTijd"},
		{"dekkingInTijd gYear", begin("2024"), ""},
		{"dekkingInTijd dateTime refused", begin("2024-01-15T09:00:00"), "dekkingInTijdBegindatum"},
		{"dekkingInTijd begindatum required", begin(""), "dekkingInTijdBegindatum: is required"},
		{"looptijd years", looptijd("P10Y"), ""},
		{"looptijd mixed", looptijd("P1Y6M10DT12H30M5.5S"), ""},
		{"looptijd hours", looptijd("PT36H"), ""},
		{"looptijd bare P", looptijd("P"), `termijnLooptijd: "P" is not an xsd:duration`},
		{"looptijd bare T", looptijd("P1YT"), "termijnLooptijd"},
		{"looptijd without P", looptijd("10Y"), "termijnLooptijd"},
		{"looptijd fractional years", looptijd("P1.5Y"), "termijnLooptijd"},
		{"looptijd Dutch", looptijd("10 jaar"), "termijnLooptijd"},
		{"einddatum year 10000", func(o *Informatieobject) {
			d := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			o.Bewaartermijn.Einddatum = &d
		}, ""},
		{"einddatum year 0", func(o *Informatieobject) {
			d := time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
			o.Bewaartermijn.Einddatum = &d
		}, "termijnEinddatum"},
		{"taal nl-NL", func(o *Informatieobject) { o.Taal = []string{"nl-NL"} }, ""},
		{"taal as words", func(o *Informatieobject) { o.Taal = []string{"Nederlands taal"} }, "taal[0]"},
		{"raadpleeglocatie online absolute", func(o *Informatieobject) {
			o.Raadpleeglocatie = []Raadpleeglocatie{{Online: []string{"https://archief.example.nl/x"}}}
		}, ""},
		{"raadpleeglocatie online relative", func(o *Informatieobject) {
			o.Raadpleeglocatie = []Raadpleeglocatie{{Online: []string{"archief/x"}}}
		}, "raadpleeglocatieOnline[0]"},
	})
}

func TestValidateBestand(t *testing.T) {
	hex := func(n int) string { return strings.Repeat("a", n) }
	sum := func(alg string, n int) func(*Bestand) {
		return func(b *Bestand) { b.Checksum[0].Algoritme = ChecksumAlgoritme(alg); b.Checksum[0].Waarde = hex(n) }
	}
	formaat := func(code string) func(*Bestand) { return func(b *Bestand) { b.Bestandsformaat.Code = code } }
	cases := []struct {
		name        string
		edit        func(*Bestand)
		wantProblem string
	}{
		{"fixture", func(*Bestand) {}, ""},
		{"SHA-224", sum(SHA224, 56), ""},
		{"SHA-256", sum(SHA256, 64), ""},
		{"SHA-384", sum(SHA384, 96), ""},
		{"SHA-512", sum(SHA512, 128), ""},
		{"MD5 not in list", sum("MD5", 32), `"MD5" is not SHA-224, SHA-256, SHA-384 or SHA-512`},
		{"SHA256 without dash", sum("SHA256", 64), "checksumAlgoritme.begripLabel"},
		{"SHA-1 not in list", sum("SHA-1", 40), "checksumAlgoritme.begripLabel"},
		{"SHA-256 with SHA-512 length", sum(SHA256, 128), "has 128 hex digits, SHA-256 needs 64"},
		{"SHA-512 with SHA-256 length", sum(SHA512, 64), "SHA-512 needs 128"},
		{"uppercase hex", func(b *Bestand) { b.Checksum[0].Waarde = strings.ToUpper(b.Checksum[0].Waarde) }, "is not lowercase hexadecimal"},
		{"not hex", func(b *Bestand) { b.Checksum[0].Waarde = strings.Repeat("z", 64) }, "is not lowercase hexadecimal"},
		{"empty value", func(b *Bestand) { b.Checksum[0].Waarde = "" }, "checksumWaarde"},
		{"other begrippenlijst", func(b *Bestand) { b.Checksum[0].Algoritme.Begrippenlijst.Naam = "hashes" }, "checksumAlgoritme.begripBegrippenlijst"},
		{"no checksum date", func(b *Bestand) { b.Checksum[0].Datum = time.Time{} }, "checksum[0].checksumDatum: is required"},
		{"no checksum", func(b *Bestand) { b.Checksum = nil }, "checksum: at least one is required"},
		{"omvang zero", func(b *Bestand) { b.Omvang = 0 }, ""},
		{"omvang negative", func(b *Bestand) { b.Omvang = -1 }, "omvang: -1 bytes is negative"},
		{"fmt PUID", formaat("fmt/354"), ""},
		{"x-fmt PUID", formaat("x-fmt/111"), ""},
		{"PUID without number", formaat("fmt/"), "bestandsformaat.begripCode"},
		{"PUID zero", formaat("fmt/0"), "bestandsformaat.begripCode"},
		{"extension instead of PUID", formaat("pdf"), `"pdf" is not a PRONOM identifier`},
		{"MIME instead of PUID", formaat("application/pdf"), "bestandsformaat.begripCode"},
		{"unknown format", func(b *Bestand) { b.Bestandsformaat = FormaatBegrip(Formaat{}) }, "bestandsformaat.begripLabel: is required"},
		{"other format list", func(b *Bestand) { b.Bestandsformaat.Begrippenlijst.Naam = "MIME types" }, "bestandsformaat.begripBegrippenlijst"},
		{"no naam", func(b *Bestand) { b.Naam = "" }, "naam: is required"},
		{"no isRepresentatieVan", func(b *Bestand) { b.IsRepresentatieVan = Verwijzing{} }, "isRepresentatieVan.verwijzingNaam: is required"},
		{"URL absolute", func(b *Bestand) { b.URLBestand = "s3://archief/zaak-1/besluit.pdf" }, ""},
		{"URL relative", func(b *Bestand) { b.URLBestand = "zaak-1/besluit.pdf" }, "URLBestand"},
		{"URL with space", func(b *Bestand) { b.URLBestand = "https://x.nl/a b.pdf" }, "URLBestand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := bestandFixture()
			c.edit(&b)
			checkProblem(t, b.Validate(), c.wantProblem)
		})
	}
}
