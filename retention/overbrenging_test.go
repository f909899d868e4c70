package retention

import (
	"testing"
	"time"
)

func TestOverbrengingDatumPerArchiefwet(t *testing.T) {
	inForce := dp(2026, 7, 1)
	tests := []struct {
		name      string
		vanaf     *time.Time
		brondatum time.Time
		want      time.Time
		wet       string
	}{
		{"new law not in force: 20 years", nil, Datum(2024, 2, 29), Datum(2044, 2, 29), WetArchiefwet1995},
		{"new law not in force: clamps", nil, Datum(2023, 1, 31), Datum(2043, 1, 31), WetArchiefwet1995},
		{"due under 1995 before the in-force date", inForce, Datum(2000, 3, 1), Datum(2020, 3, 1), WetArchiefwet1995},
		{"due under 1995 the day before the in-force date", inForce, Datum(2006, 6, 30), Datum(2026, 6, 30), WetArchiefwet1995},
		{"due under 1995 on the in-force date: new law, same day", inForce, Datum(2006, 7, 1), Datum(2026, 7, 1), WetArchiefwetNieuw},
		{"10 years passed before the in-force date: due on it", inForce, Datum(2010, 3, 1), Datum(2026, 7, 1), WetArchiefwetNieuw},
		{"10 years end on the in-force date", inForce, Datum(2016, 7, 1), Datum(2026, 7, 1), WetArchiefwetNieuw},
		{"10 years end after the in-force date", inForce, Datum(2020, 3, 1), Datum(2030, 3, 1), WetArchiefwetNieuw},
		{"brondatum after the in-force date", inForce, Datum(2028, 2, 29), Datum(2038, 2, 28), WetArchiefwetNieuw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := StandaardOverbrenging()
			o.NieuweWetVanaf = tt.vanaf
			got, wet := o.Datum(tt.brondatum)
			if !got.Equal(tt.want) || wet != tt.wet {
				t.Errorf("Datum(%s) = %s, %q; want %s, %q", datumTekst(tt.brondatum), datumTekst(got), wet, datumTekst(tt.want), tt.wet)
			}
		})
	}
}

func TestOverbrengingNeverLaterUnderTheNewLaw(t *testing.T) {
	oud := StandaardOverbrenging()
	nieuw := StandaardOverbrenging()
	nieuw.NieuweWetVanaf = dp(2026, 7, 1)
	for b := Datum(1995, 1, 1); b.Before(Datum(2040, 1, 1)); b = b.AddDate(0, 0, 37) {
		d1, _ := oud.Datum(b)
		d2, _ := nieuw.Datum(b)
		if d2.After(d1) {
			t.Fatalf("brondatum %s: new law gives %s, later than 1995's %s", datumTekst(b), datumTekst(d2), datumTekst(d1))
		}
	}
}
