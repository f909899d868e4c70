package dossier

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database
)

// Datum is a calendar date without time or zone, as the ZGW date fields (startdatum,
// einddatum, archiefactiedatum). It is held as midnight UTC.
type Datum struct{ t time.Time }

// DatumVan returns the date of y-m-d.
func DatumVan(y int, m time.Month, d int) Datum {
	return Datum{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DatumIn returns the calendar date of t as seen in loc (the Netherlands for zaak dates).
func DatumIn(t time.Time, loc *time.Location) Datum {
	y, m, d := t.In(loc).Date()
	return DatumVan(y, m, d)
}

// ParseDatum parses YYYY-MM-DD.
func ParseDatum(s string) (Datum, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Datum{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return Datum{t}, nil
}

// Time returns the date as midnight UTC.
func (d Datum) Time() time.Time { return d.t }

// IsZero reports whether d is the zero date.
func (d Datum) IsZero() bool { return d.t.IsZero() }

// String formats d as YYYY-MM-DD.
func (d Datum) String() string { return d.t.Format(time.DateOnly) }

// Before reports whether d is before e.
func (d Datum) Before(e Datum) bool { return d.t.Before(e.t) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Datum) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Datum) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string YYYY-MM-DD")
	}
	v, err := ParseDatum(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// datumPtr parses an optional date column.
func datumPtr(s *string) (*Datum, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	d, err := ParseDatum(*s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// datumArg turns an optional date into a column value.
func datumArg(d *Datum) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// DatumUitKolom reads an optional date column (NULL or empty is nil); packages that keep dates
// in their own tables use it with DatumKolom.
func DatumUitKolom(s sql.NullString) (*Datum, error) {
	if !s.Valid {
		return nil, nil
	}
	return datumPtr(&s.String)
}

// DatumKolom turns an optional date into a column value: NULL for nil, YYYY-MM-DD otherwise.
func DatumKolom(d *Datum) any { return datumArg(d) }
