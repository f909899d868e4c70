package retention

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseTermijnAcceptsYearsMonthsWeeksDays(t *testing.T) {
	tests := []struct {
		in   string
		want Termijn
		str  string
	}{
		{"P0D", Termijn{}, "P0D"},
		{"P0Y", Termijn{}, "P0D"},
		{"P28D", Termijn{Dagen: 28}, "P28D"},
		{"P42D", Termijn{Dagen: 42}, "P42D"},
		{"P91D", Termijn{Dagen: 91}, "P91D"},
		{"P6M", Termijn{Maanden: 6}, "P6M"},
		{"P9M", Termijn{Maanden: 9}, "P9M"},
		{"P1Y", Termijn{Jaren: 1}, "P1Y"},
		{"P1Y6M", Termijn{Jaren: 1, Maanden: 6}, "P1Y6M"},
		{"P10Y", Termijn{Jaren: 10}, "P10Y"},
		{"P110Y", Termijn{Jaren: 110}, "P110Y"},
		{"P2W", Termijn{Dagen: 14}, "P14D"},
		{"P1W3D", Termijn{Dagen: 10}, "P10D"},
		{"P1Y2M3D", Termijn{Jaren: 1, Maanden: 2, Dagen: 3}, "P1Y2M3D"},
		{"P18M", Termijn{Maanden: 18}, "P18M"},
		{"P007Y", Termijn{Jaren: 7}, "P7Y"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTermijn(tt.in)
			if err != nil {
				t.Fatalf("ParseTermijn(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseTermijn(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
			again, err := ParseTermijn(got.String())
			if err != nil || again != got {
				t.Errorf("String() does not parse back: %q -> %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseTermijnRejectsNegativeTimeAndGarbageNamingTheInput(t *testing.T) {
	tests := []struct {
		in, why string
	}{
		{"", "leeg"},
		{"P", "geen jaren"},
		{"-P1Y", "negatief"},
		{"+P1Y", "negatief"},
		{"P-1Y", "verwacht een getal"},
		{"PT1H", "tijdsdelen"},
		{"P1DT12H", "tijdsdelen"},
		{"P1.5Y", "breuken"},
		{"P1,5Y", "breuken"},
		{"10Y", "begint niet met P"},
		{"p10y", "begint niet met P"},
		{"P10", "zonder aanduiding"},
		{"PY", "verwacht een getal"},
		{"P1X", "onbekende aanduiding"},
		{"P1Y1Y", "dubbel of in de verkeerde volgorde"},
		{"P1D1Y", "dubbel of in de verkeerde volgorde"},
		{"P1M1Y", "dubbel of in de verkeerde volgorde"},
		{"P 1Y", "verwacht een getal"},
		{"P1Y ", "verwacht een getal"},
		{"P99999999999999999999Y", "te groot"},
		{"P200000Y", "te groot"},
		{"tien jaar", "begint niet met P"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseTermijn(tt.in)
			if err == nil {
				t.Fatalf("ParseTermijn(%q) succeeded, want error", tt.in)
			}
			msg := err.Error()
			if !strings.Contains(msg, `"`+tt.in+`"`) {
				t.Errorf("error %q does not quote the input %q", msg, tt.in)
			}
			if !strings.Contains(msg, tt.why) {
				t.Errorf("error %q does not say %q", msg, tt.why)
			}
		})
	}
}

func TestAddToClampsToMonthEndLikeRelativedelta(t *testing.T) {
	tests := []struct {
		van     time.Time
		termijn string
		want    time.Time
	}{
		// The README's cases.
		{Datum(2024, 1, 31), "P1M", Datum(2024, 2, 29)},
		{Datum(2024, 2, 29), "P10Y", Datum(2034, 2, 28)},
		// Clamping in other months and years.
		{Datum(2023, 1, 31), "P1M", Datum(2023, 2, 28)},
		{Datum(2024, 3, 31), "P1M", Datum(2024, 4, 30)},
		{Datum(2024, 8, 31), "P6M", Datum(2025, 2, 28)},
		{Datum(2024, 12, 31), "P2M", Datum(2025, 2, 28)},
		{Datum(2024, 10, 31), "P1Y6M", Datum(2026, 4, 30)},
		{Datum(2023, 8, 31), "P1Y6M", Datum(2025, 2, 28)},
		{Datum(2024, 1, 31), "P1Y6M", Datum(2025, 7, 31)},
		{Datum(2024, 5, 31), "P9M", Datum(2025, 2, 28)},
		{Datum(2024, 1, 31), "P18M", Datum(2025, 7, 31)},
		// Months and years first, clamp, then days.
		{Datum(2024, 1, 31), "P1M1D", Datum(2024, 3, 1)},
		{Datum(2023, 1, 31), "P1M1D", Datum(2023, 3, 1)},
		// Leap years.
		{Datum(2024, 2, 29), "P1Y", Datum(2025, 2, 28)},
		{Datum(2024, 2, 29), "P4Y", Datum(2028, 2, 29)},
		{Datum(2000, 2, 29), "P100Y", Datum(2100, 2, 28)},
		{Datum(2000, 2, 29), "P400Y", Datum(2400, 2, 29)},
		{Datum(2000, 2, 29), "P110Y", Datum(2110, 2, 28)},
		{Datum(1912, 2, 29), "P110Y", Datum(2022, 2, 28)},
		{Datum(2024, 2, 28), "P1Y", Datum(2025, 2, 28)},
		// Days only.
		{Datum(2024, 1, 31), "P0D", Datum(2024, 1, 31)},
		{Datum(2024, 2, 1), "P28D", Datum(2024, 2, 29)},
		{Datum(2023, 2, 1), "P28D", Datum(2023, 3, 1)},
		{Datum(2024, 12, 20), "P42D", Datum(2025, 1, 31)},
		{Datum(2024, 1, 1), "P91D", Datum(2024, 4, 1)},
		{Datum(2023, 1, 1), "P91D", Datum(2023, 4, 2)},
		{Datum(2024, 1, 1), "P2W", Datum(2024, 1, 15)},
		// Plain terms.
		{Datum(2024, 6, 15), "P6M", Datum(2024, 12, 15)},
		{Datum(2024, 6, 15), "P1Y", Datum(2025, 6, 15)},
		{Datum(2024, 6, 15), "P5Y", Datum(2029, 6, 15)},
		{Datum(2024, 6, 15), "P110Y", Datum(2134, 6, 15)},
	}
	for _, tt := range tests {
		t.Run(datumTekst(tt.van)+"+"+tt.termijn, func(t *testing.T) {
			p, err := ParseTermijn(tt.termijn)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.AddTo(tt.van); !got.Equal(tt.want) {
				t.Errorf("%s + %s = %s, want %s", datumTekst(tt.van), tt.termijn, datumTekst(got), datumTekst(tt.want))
			}
		})
	}
}

func TestAddToDiffersFromTimeAddDate(t *testing.T) {
	van := Datum(2024, 1, 31)
	if got := van.AddDate(0, 1, 0); !got.Equal(Datum(2024, 3, 2)) {
		t.Fatalf("time.AddDate changed behaviour: %s", got)
	}
	if got := (Termijn{Maanden: 1}).AddTo(van); !got.Equal(Datum(2024, 2, 29)) {
		t.Errorf("AddTo = %s, want 2024-02-29", got)
	}
}

func TestAddToKeepsTimeOfDayAndLocation(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skipf("no zoneinfo: %v", err)
	}
	van := time.Date(2024, 1, 31, 14, 30, 0, 0, ams)
	got := Termijn{Maanden: 1}.AddTo(van)
	want := time.Date(2024, 2, 29, 14, 30, 0, 0, ams)
	if !got.Equal(want) || got.Location() != ams {
		t.Errorf("AddTo = %s, want %s", got, want)
	}
}

func TestParseDatumLenientAcceptsDateForms(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-01-31", Datum(2024, 1, 31)},
		{"20240131", Datum(2024, 1, 31)},
		{" 2024-01-31 ", Datum(2024, 1, 31)},
		{"2024-02-29", Datum(2024, 2, 29)},
		{"2024-01-31T10:00:00Z", Datum(2024, 1, 31)},
		{"2024-01-31T10:00:00.123456Z", Datum(2024, 1, 31)},
		{"2024-01-31T23:30:00+01:00", Datum(2024, 1, 31)}, // the date as written, not UTC's
		{"2024-01-31T00:30:00+02:00", Datum(2024, 1, 31)},
		{"2024-01-31T10:00:00", Datum(2024, 1, 31)},
		{"2024-01-31T10:00", Datum(2024, 1, 31)},
		{"2024-01-31 10:00:00", Datum(2024, 1, 31)},
		{"2024-01-31 10:00:00+01:00", Datum(2024, 1, 31)},
		{"20240131235959", Datum(2024, 1, 31)}, // ZGW datum_tijd (yyyymmddhhmmss)
		{"20240131T235959", Datum(2024, 1, 31)},
		{"20240131T235959+01:00", Datum(2024, 1, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDatumLenient(tt.in)
			if err != nil {
				t.Fatalf("ParseDatumLenient(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDatumLenient(%q) = %s, want %s at UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDatumLenientRejectsNonDatesWithErrGeenDatum(t *testing.T) {
	for _, in := range []string{"", "  ", "morgen", "31-01-2024", "2024-02-30", "2023-02-29", "20241301", "2024-1-31", "2024-01-31T25:00:00", "P1Y", "1706659200"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseDatumLenient(in)
			if !errors.Is(err, ErrGeenDatum) {
				t.Fatalf("ParseDatumLenient(%q) error = %v, want ErrGeenDatum", in, err)
			}
			if !strings.Contains(err.Error(), `"`+in+`"`) {
				t.Errorf("error %q does not quote the input", err)
			}
		})
	}
}
