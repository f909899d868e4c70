package afspraak

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuurAcceptsISO8601Durations(t *testing.T) {
	cases := []struct {
		in   string
		want Duur
		str  string
	}{
		{"P8W", Duur{Dagen: 56}, "P56D"},
		{"P10Y", Duur{Jaren: 10}, "P10Y"},
		{"P1Y6M", Duur{Jaren: 1, Maanden: 6}, "P1Y6M"},
		{"P28D", Duur{Dagen: 28}, "P28D"},
		{"P0D", Duur{}, "P0D"},
		{"P1Y2M3W4D", Duur{Jaren: 1, Maanden: 2, Dagen: 25}, "P1Y2M25D"},
		{"PT36H", Duur{Tijd: 36 * time.Hour}, "PT36H"},
		{"P1DT2H30M15S", Duur{Dagen: 1, Tijd: 2*time.Hour + 30*time.Minute + 15*time.Second}, "P1DT2H30M15S"},
		{"P110Y", Duur{Jaren: 110}, "P110Y"},
	}
	for _, tc := range cases {
		got, err := ParseDuur(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuur(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("ParseDuur(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
	}
}

func TestParseDuurRefusesWhatIsNoDuration(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"", "leeg"},
		{"8W", "begint niet met P"},
		{"-P1Y", "teken"},
		{"P", "geen jaren, maanden, weken of dagen na P"},
		{"PT", "geen jaren, maanden, weken of dagen na P"},
		{"P1YT", "geen uren, minuten of seconden na T"},
		{"P1.5Y", "breuken"},
		{"P1,5Y", "breuken"},
		{"P1X", "onbekende aanduiding 'X'"},
		{"P1M1Y", "dubbel of in de verkeerde volgorde"},
		{"P1Y1Y", "dubbel of in de verkeerde volgorde"},
		{"P1H", "onbekende aanduiding 'H'"},
		{"PT1Y", "onbekende aanduiding 'Y'"},
		{"P10", "zonder aanduiding"},
		{"PY", "verwacht een getal"},
		{"P999999999999Y", "te groot"},
		{"p1y", "begint niet met P"},
	}
	for _, tc := range cases {
		_, err := ParseDuur(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseDuur(%q) = %v, want an error with %q", tc.in, err, tc.msg)
		}
	}
}

func TestDuurAddToClampsToTheMonthEnd(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		from time.Time
		duur string
		want time.Time
	}{
		{day(2024, 1, 31), "P1M", day(2024, 2, 29)},
		{day(2024, 2, 29), "P10Y", day(2034, 2, 28)},
		{day(2024, 2, 29), "P4Y", day(2028, 2, 29)},
		{day(2023, 1, 31), "P1M", day(2023, 2, 28)},
		{day(2024, 3, 31), "P1Y6M", day(2025, 9, 30)},
		{day(2024, 1, 31), "P1M1D", day(2024, 3, 1)},
		{day(2026, 1, 5), "P8W", day(2026, 3, 2)},
		{day(2024, 12, 31), "P0D", day(2024, 12, 31)},
		{day(2024, 11, 30), "P2M", day(2025, 1, 30)},
		{time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC), "PT36H", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		d, err := ParseDuur(tc.duur)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddTo(tc.from); !got.Equal(tc.want) {
			t.Errorf("%s + %s = %s, want %s", tc.from.Format(time.DateOnly), tc.duur, got.Format(time.DateTime), tc.want.Format(time.DateTime))
		}
	}
}
