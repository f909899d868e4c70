package retention

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
)

// Termijn is a calendar period from an ISO 8601 duration (P10Y, P6M, P1Y6M, P28D, P2W): years,
// months and days, never time of day. Weeks are kept as 7 days each.
type Termijn struct {
	Jaren   int
	Maanden int
	Dagen   int
}

// maxTermijnDeel caps each part of a Termijn so that date arithmetic cannot overflow. The longest
// term in the Selectielijst is P110Y.
const maxTermijnDeel = 100000

// ParseTermijn parses an ISO 8601 duration of years, months, weeks and days, such as P10Y, P1Y6M,
// P2W or P0D. It rejects empty input, negative durations, time parts (PT1H), fractions, repeated
// or out-of-order designators and anything else, with an error that names the input.
func ParseTermijn(s string) (Termijn, error) {
	fail := func(why string) (Termijn, error) {
		return Termijn{}, fmt.Errorf("termijn %q: %s", s, why)
	}
	switch {
	case s == "":
		return fail("leeg; verwacht een ISO 8601-duur zoals P10Y")
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+"):
		return fail("een termijn kan niet negatief zijn of een teken hebben")
	case s[0] != 'P':
		return fail("begint niet met P; verwacht een ISO 8601-duur zoals P10Y, P6M of P28D")
	case s == "P":
		return fail("geen jaren, maanden, weken of dagen na P")
	case strings.ContainsRune(s, 'T'):
		return fail("tijdsdelen (uren, minuten, seconden) zijn niet toegestaan")
	}
	var t Termijn
	order := "YMWD"
	last := -1
	rest := s[1:]
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return fail(fmt.Sprintf("verwacht een getal bij %q", rest))
		}
		if i == len(rest) {
			return fail(fmt.Sprintf("getal %s zonder aanduiding (Y, M, W of D)", rest))
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > maxTermijnDeel {
			return fail(fmt.Sprintf("getal %s is te groot", rest[:i]))
		}
		pos := strings.IndexByte(order, rest[i])
		if pos < 0 {
			if rest[i] == '.' || rest[i] == ',' {
				return fail("breuken zijn niet toegestaan")
			}
			return fail(fmt.Sprintf("onbekende aanduiding %q; toegestaan zijn Y, M, W en D", rest[i]))
		}
		if pos <= last {
			return fail(fmt.Sprintf("aanduiding %c dubbel of in de verkeerde volgorde (volgorde: Y, M, W, D)", rest[i]))
		}
		last = pos
		switch rest[i] {
		case 'Y':
			t.Jaren = n
		case 'M':
			t.Maanden = n
		case 'W':
			t.Dagen += 7 * n
		case 'D':
			t.Dagen += n
		}
		rest = rest[i+1:]
	}
	return t, nil
}

// String renders the Termijn as a canonical ISO 8601 duration: P1Y6M, P14D for two weeks, and
// P0D for the empty term.
func (p Termijn) String() string {
	if p == (Termijn{}) {
		return "P0D"
	}
	var b strings.Builder
	b.WriteByte('P')
	if p.Jaren != 0 {
		b.WriteString(strconv.Itoa(p.Jaren))
		b.WriteByte('Y')
	}
	if p.Maanden != 0 {
		b.WriteString(strconv.Itoa(p.Maanden))
		b.WriteByte('M')
	}
	if p.Dagen != 0 {
		b.WriteString(strconv.Itoa(p.Dagen))
		b.WriteByte('D')
	}
	return b.String()
}

// AddTo returns t plus the Termijn the way dateutil's relativedelta (and so Open Zaak) does it:
// add the years and months, clamp the day to the last day of the resulting month, then add the
// days. So 2024-01-31 + P1M = 2024-02-29 and 2024-02-29 + P10Y = 2034-02-28, where time.AddDate
// would roll over into March. The time of day and location of t are kept.
func (p Termijn) AddTo(t time.Time) time.Time {
	return afspraak.Duur{Jaren: p.Jaren, Maanden: p.Maanden, Dagen: p.Dagen}.AddTo(t)
}

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
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
}

// ParseDatumLenient reads the date in a zaak eigenschap or zaakobject attribute: 2024-01-31,
// 20240131, an RFC 3339 datetime (2024-01-31T10:00:00+01:00) or a datetime without zone
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
