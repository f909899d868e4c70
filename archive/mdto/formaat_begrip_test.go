package mdto

import "testing"

func TestFormaatBegripIsValidBestandsformaat(t *testing.T) {
	for _, f := range []Formaat{
		{PUID: "fmt/354", Naam: "Acrobat PDF/A - Portable Document Format 1b", MIME: "application/pdf"},
		{PUID: "fmt/11", Naam: "Portable Network Graphics 1.0", MIME: "image/png"},
		{PUID: "x-fmt/111", Naam: "Plain Text File", MIME: "text/plain"},
	} {
		b := bestandFixture()
		b.Bestandsformaat = FormaatBegrip(f)
		if err := b.Validate(); err != nil {
			t.Errorf("FormaatBegrip(%s) is not a valid bestandsformaat: %v", f.PUID, err)
		}
		if b.Bestandsformaat.Code != f.PUID || b.Bestandsformaat.Begrippenlijst.Naam != PRONOMRegister {
			t.Errorf("FormaatBegrip(%s) = %+v", f.PUID, b.Bestandsformaat)
		}
	}
}
