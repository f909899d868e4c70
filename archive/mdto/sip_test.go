package mdto

import (
	"regexp"
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"besluit.pdf", "besluit.pdf"},
		{"Besluit omgevingsvergunning.pdf", "Besluit_omgevingsvergunning.pdf"},
		{"Café ’t Hoekje – aanvraag.docx", "Cafe_t_Hoekje_aanvraag.docx"},
		{"Straße Ærø Œuvre ĳs.odt", "Strasse_AEro_OEuvre_ijs.odt"},
		{`a/b\c:d*e?f"g<h>i|j.txt`, "a_b_c_d_e_f_g_h_i_j.txt"},
		{"../../etc/passwd", "etc_passwd"},
		{"zaak 2024/0042", "zaak_2024_0042"},
		{"v1.2 definitief.PDF", "v1_2_definitief.PDF"},
		{"  spaties  rondom  .txt ", "spaties_rondom.txt"},
		{".verborgen", "verborgen"},
		{"-optie.txt", "optie.txt"},
		{"rapport.", "rapport"},
		{"archief.tar.gz", "archief_tar.gz"},
		{"bijlage.een extensie met spaties", "bijlage_een_extensie_met_spaties"},
		{"foto.jpg ", "foto.jpg"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"LPT1.pdf", "_LPT1.pdf"},
		{"COMMA.pdf", "COMMA.pdf"},
		{"", "naamloos"},
		{"ZAAK-2024_0042", "ZAAK-2024_0042"},
	}
	for _, c := range cases {
		if got := SafeName(c.in); got != c.want {
			t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeNameNeverGivesAnUnsafeName(t *testing.T) {
	long := strings.Repeat("Aanvraag omgevingsvergunning bouwen ", 20)
	inputs := []string{
		"", ".", "..", "...", "/", "//", "\\", " ", "\x00", "\u200b", "☃", "日本語.pdf", ".pdf", "..pdf",
		long + ".pdf", long, long + "." + strings.Repeat("x", 40), strings.Repeat("é", 300) + ".txt",
		strings.Repeat("a", 1000), "a." + strings.Repeat("b", 300),
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	for _, in := range inputs {
		got := SafeName(in)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, `/\ `) || !safe.MatchString(got) {
			t.Errorf("SafeName(%q) = %q is not a safe name", in, got)
		}
		if len(got) > MaxNameLength || len(SidecarName(got)) > 255 {
			t.Errorf("SafeName(%q) = %q has %d bytes, sidecar %d; max %d and 255", in, got, len(got), len(SidecarName(got)), MaxNameLength)
		}
		if again := SafeName(in); again != got {
			t.Errorf("SafeName(%q) not deterministic: %q then %q", in, got, again)
		}
		if SafeName(got) != got {
			t.Errorf("SafeName(%q) = %q is not a fixed point: SafeName of it gives %q", in, got, SafeName(got))
		}
	}
}

func TestSafeNameShortensLongNamesKeepingExtensionAndDistinctness(t *testing.T) {
	long := strings.Repeat("Aanvraag omgevingsvergunning bouwen ", 20)
	a, b := SafeName(long+"deel 1.pdf"), SafeName(long+"deel 2.pdf")
	if a == b {
		t.Errorf("two long names with a common start both became %q", a)
	}
	for _, n := range []string{a, b} {
		if !strings.HasSuffix(n, ".pdf") || len(n) > MaxNameLength || len(n) < MaxNameLength-8 {
			t.Errorf("shortened name %q (%d bytes) does not keep .pdf or is not cut near %d", n, len(n), MaxNameLength)
		}
	}
	if x, y := SafeName("."), SafeName(".."); x == y || !strings.HasPrefix(x, "naamloos-") {
		t.Errorf(`SafeName(".") = %q, SafeName("..") = %q: want distinct naamloos-<hash> names`, x, y)
	}
}

func TestSidecarNames(t *testing.T) {
	cases := []struct{ got, want string }{
		{SidecarName("besluit.pdf"), "besluit.pdf.bestand.mdto.xml"},
		{SidecarName("zaak-1/besluit/besluit.pdf"), "zaak-1/besluit/besluit.pdf.bestand.mdto.xml"},
		{InformatieobjectSidecar("zaak-1"), "zaak-1/zaak-1.mdto.xml"},
		{InformatieobjectSidecar("zaak-1/besluit"), "zaak-1/besluit/besluit.mdto.xml"},
		{InformatieobjectSidecar("zaak-1/besluit/"), "zaak-1/besluit/besluit.mdto.xml"},
		{InformatieobjectSidecar(""), "informatieobject.mdto.xml"},
		{InformatieobjectSidecar("."), "informatieobject.mdto.xml"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
