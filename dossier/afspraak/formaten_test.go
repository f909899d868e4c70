package afspraak

import "testing"

func TestAanvaardFormaat(t *testing.T) {
	voorkeur := map[string]string{"fmt/95": "PDF/A-1a", "fmt/13": "PNG"}
	cases := []struct {
		name     string
		formaten []string
		puid     string
		want     bool
	}{
		{"no list accepts everything", nil, "x-fmt/111", true},
		{"no list accepts the unknown", nil, "", true},
		{"listed", []string{"fmt/276", "fmt/95"}, "fmt/95", true},
		{"not listed", []string{"fmt/276"}, "fmt/95", false},
		{"voorkeursformaten", []string{Voorkeursformaten}, "fmt/13", true},
		{"outside voorkeursformaten", []string{Voorkeursformaten}, "x-fmt/111", false},
		{"voorkeursformaten plus one", []string{Voorkeursformaten, "x-fmt/111"}, "x-fmt/111", true},
		{"unknown format with a list", []string{Voorkeursformaten}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			iot := Informatieobjecttype{Formaten: c.formaten}
			if got := iot.AanvaardFormaat(c.puid, voorkeur); got != c.want {
				t.Errorf("AanvaardFormaat(%q) = %v, want %v", c.puid, got, c.want)
			}
		})
	}
}
