package retention

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
)

// Termijn is a retention term: the agreement's one ISO 8601 duration type, afspraak.Duur, with
// years, months and days and never a time part (afspraak.ParseTermijn refuses one). Weeks are kept
// as 7 days. AddTo adds it the way dateutil's relativedelta (and so Open Zaak) does: 2024-01-31 +
// P1M = 2024-02-29.
type Termijn = afspraak.Duur

// ParseTermijn parses a retention term such as P10Y, P1Y6M, P2W or P0D; see afspraak.ParseTermijn.
func ParseTermijn(s string) (Termijn, error) { return afspraak.ParseTermijn(s) }

// Datum returns the calendar date y-m-d as a time.Time at 00:00 UTC, the form every date in this
// package takes.
func Datum(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dag reduces t to its calendar date as written (in t's own location) at 00:00 UTC.
func dag(t time.Time) time.Time {
	y, m, d := t.Date()
	return Datum(y, m, d)
}

// ErrGeenDatum reports a value that is not a date in any form ParseDatumLenient accepts.
var ErrGeenDatum = errors.New("geen datum")

// datumFormaten are the layouts ParseDatumLenient tries, in order.
var datumFormaten = []string{
	"2006-01-02",
	"20060102",
	"20060102150405", // the ZGW datum_tijd form of an eigenschap (yyyymmddhhmmss)
	"20060102T150405",
	"20060102T150405Z07:00",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
}

// ParseDatumLenient reads the date in a zaak eigenschap or zaakobject attribute: 2024-01-31,
// 20240131, the ZGW datum_tijd form 20240131235959, an RFC 3339 datetime (2024-01-31T10:00:00+01:00) or a datetime without zone
// (2024-01-31T10:00:00, also with a space for the T). A datetime counts for the calendar date
// written in it, not that date converted to UTC, as Open Zaak does. The result is at 00:00 UTC.
// Anything else, including the empty string, is an error wrapping ErrGeenDatum that quotes the
// input.
func ParseDatumLenient(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v != "" {
		for _, layout := range datumFormaten {
			if t, err := time.Parse(layout, v); err == nil {
				return dag(t), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q: %w (verwacht bijvoorbeeld 2024-01-31, 20240131 of 2024-01-31T10:00:00+01:00)", s, ErrGeenDatum)
}
