package export

import (
	"strings"
	"testing"

	"zaakarchief/archive/mdto"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

func TestPlaceDocumentsResolvesCollisionsIgnoringCase(t *testing.T) {
	seen := map[string]bool{}
	got := []string{
		uniquePath(seen, "documenten/1-Ontvangen", "01-Brief.pdf"),
		uniquePath(seen, "documenten/1-Ontvangen", "01-brief.PDF"),
		uniquePath(seen, "documenten/1-Ontvangen", "01-Brief.pdf"),
		uniquePath(seen, "documenten/2-Anders", "01-Brief.pdf"),
		uniquePath(seen, "documenten/1-Ontvangen", strings.Repeat("x", mdto.MaxNameLength-4)+".pdf"),
		uniquePath(seen, "documenten/1-Ontvangen", strings.Repeat("x", mdto.MaxNameLength-4)+".pdf"),
	}
	want := []string{
		"documenten/1-Ontvangen/01-Brief.pdf",
		"documenten/1-Ontvangen/01-brief-2.PDF",
		"documenten/1-Ontvangen/01-Brief-3.pdf",
		"documenten/2-Anders/01-Brief.pdf",
		"documenten/1-Ontvangen/" + strings.Repeat("x", mdto.MaxNameLength-4) + ".pdf",
		"documenten/1-Ontvangen/" + strings.Repeat("x", mdto.MaxNameLength-6) + "-2.pdf",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %s, want %s", i, got[i], want[i])
		}
	}
}

func TestPlaceDocumentsNumbersPerPhaseAndPicksAnExtension(t *testing.T) {
	zt := &afspraak.Zaaktype{Statustypen: []afspraak.Statustype{{Volgnummer: 1, Omschrijving: "Ontvangen"}, {Volgnummer: 3, Omschrijving: "Advies en ontwerpbesluit"}}}
	docs := []dossier.Document{
		{Titel: "Aanvraag", Bestandsnaam: "a.PDF", Vastlegging: dossier.Vastlegging{Fase: 1}},
		{Titel: "Advies", Bestandsnaam: "advies", Formaat: "application/pdf", Vastlegging: dossier.Vastlegging{Fase: 3}},
		{Titel: "Bijlage", Bestandsnaam: "b", Formaat: "application/x-onbekend", Vastlegging: dossier.Vastlegging{Fase: 1}},
		{Titel: "Los", Bestandsnaam: "los.docx", Vastlegging: dossier.Vastlegging{Fase: 9}},
	}
	var got []string
	for _, p := range placeDocuments(zt, docs) {
		got = append(got, p.Path)
	}
	want := []string{
		"documenten/1-Ontvangen/01-Aanvraag.pdf",
		"documenten/3-Advies_en_ontwerpbesluit/01-Advies.pdf",
		"documenten/1-Ontvangen/02-Bijlage.bin",
		"documenten/9-fase/01-Los.docx",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
