package archive_test

import (
	"testing"

	"zaakarchief/archive"
	"zaakarchief/archive/mdto"
	"zaakarchief/dossier"
)

func TestOpenbaarheidMapsEveryVertrouwelijkheidaanduidingToABegrip(t *testing.T) {
	tests := []struct {
		aanduiding, label, code, lijst string
	}{
		{"openbaar", "Openbaar", "Openbaarheid/Openbaar", archive.BegrippenlijstOpenbaarheid},
		{"beperkt_openbaar", "Beperkt openbaar", "Openbaarheid/BeperktOpenbaar", archive.BegrippenlijstOpenbaarheid},
		{"intern", "Niet openbaar", "Openbaarheid/NietOpenbaar/Intern", archive.BegrippenlijstOpenbaarheid},
		{"zaakvertrouwelijk", "Niet openbaar", "Openbaarheid/NietOpenbaar/Zaakvertrouwelijk", archive.BegrippenlijstOpenbaarheid},
		{"vertrouwelijk", "Niet openbaar", "Openbaarheid/NietOpenbaar/Vertrouwelijk", archive.BegrippenlijstOpenbaarheid},
		{"confidentieel", "Niet openbaar", "Openbaarheid/NietOpenbaar/Confidentieel", archive.BegrippenlijstOpenbaarheid},
		{"geheim", "Niet openbaar", "Openbaarheid/NietOpenbaar/Geheim", archive.BegrippenlijstOpenbaarheid},
		{"zeer_geheim", "Niet openbaar", "Openbaarheid/NietOpenbaar/ZeerGeheim", archive.BegrippenlijstOpenbaarheid},
		{"", "Niet openbaar", "Openbaarheid/NietOpenbaar/Onbekend", archive.BegrippenlijstOpenbaarheid},
		{"topgeheim", "Niet openbaar", "Openbaarheid/NietOpenbaar/Onbekend", archive.BegrippenlijstOpenbaarheid},
	}
	for _, tt := range tests {
		b := archive.Openbaarheid(tt.aanduiding)
		if b.Type.Label != tt.label || b.Type.Code != tt.code || b.Type.Begrippenlijst.Naam != tt.lijst || b.NadereBeschrijving == "" {
			t.Errorf("%q: %+v", tt.aanduiding, b)
		}
	}
	for _, v := range dossier.Vertrouwelijkheidaanduidingen {
		if archive.Openbaarheid(v).Type.Code == "Openbaarheid/NietOpenbaar/Onbekend" {
			t.Errorf("ZGW aanduiding %q is not mapped", v)
		}
	}
}

func TestWaarderingIsBForBlijvendBewarenAndVForVernietigen(t *testing.T) {
	tests := []struct {
		nominatie, code string
		ok              bool
	}{
		{dossier.ArchiefnominatieBlijvend, "B", true},
		{dossier.ArchiefnominatieVernietigen, "V", true},
		{"", "", false},
		{"bewaren", "", false},
	}
	for _, tt := range tests {
		b, err := archive.Waardering(tt.nominatie)
		if (err == nil) != tt.ok || b.Code != tt.code {
			t.Errorf("%q: %+v %v", tt.nominatie, b, err)
		}
		if tt.ok {
			o := mdto.Informatieobject{Identificatie: []mdto.Identificatie{{Kenmerk: "x", Bron: "y"}}, Naam: "n", Waardering: b,
				Archiefvormer: []mdto.Verwijzing{{Naam: "a"}}, BeperkingGebruik: []mdto.BeperkingGebruik{archive.Openbaarheid("openbaar")}}
			if err := o.Validate(); err != nil {
				t.Errorf("%q: %v", tt.nominatie, err)
			}
		}
	}
}
