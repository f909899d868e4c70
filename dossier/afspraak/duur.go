package afspraak

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duur is an ISO 8601 duration as the agreement uses it: a doorlooptijd (P8W), an
// archiefactietermijn (P10Y) or a procestermijn (P1Y6M). Weeks are kept as 7 days. A time part
// (PT36H) is accepted for doorlooptijden; retention terms refuse it (see HeeftTijd).
type Duur struct {
	Jaren   int
	Maanden int
	Dagen   int
	// Tijd is the time part (hours, minutes, seconds) after the T.
	Tijd time.Duration
}

// maxDuurDeel caps every number in a duration so that date arithmetic cannot overflow; the
// longest term in the Selectielijst is P110Y.
const maxDuurDeel = 100000

// ParseDuur parses an ISO 8601 duration such as P8W, P10Y, P1Y6M, P28D, P0D or PT12H. It refuses
// empty input, signs, fractions, designators out of order or repeated, and a P or T with nothing
// after it, with an error that names the input.
func ParseDuur(s string) (Duur, error) { return parseDuur(s, "duur") }

// parseDuur parses s, naming it as label ("duur", "termijn") in errors.
func parseDuur(s, label string) (Duur, error) {
	fail := func(why string) (Duur, error) {
		return Duur{}, fmt.Errorf("%s %q: %s", label, s, why)
	}
	switch {
	case s == "":
		return fail("leeg; verwacht een ISO 8601-duur zoals P8W of P10Y")
	case s[0] == '-' || s[0] == '+':
		return fail("een duur kan niet negatief zijn of een teken hebben")
	case s[0] != 'P':
		return fail("begint niet met P; verwacht een ISO 8601-duur zoals P8W, P6M of P10Y")
	}
	datum, tijd, heeftT := strings.Cut(s[1:], "T")
	if datum == "" && (!heeftT || tijd == "") {
		return fail("geen jaren, maanden, weken of dagen na P")
	}
	if heeftT && tijd == "" {
		return fail("geen uren, minuten of seconden na T")
	}
	var d Duur
	err := parseDelen(datum, "YMWD", func(n int, c byte) {
		switch c {
		case 'Y':
			d.Jaren = n
		case 'M':
			d.Maanden = n
		case 'W':
			d.Dagen += 7 * n
		case 'D':
			d.Dagen += n
		}
	})
	if err != nil {
		return fail(err.Error())
	}
	err = parseDelen(tijd, "HMS", func(n int, c byte) {
		switch c {
		case 'H':
			d.Tijd += time.Duration(n) * time.Hour
		case 'M':
			d.Tijd += time.Duration(n) * time.Minute
		case 'S':
			d.Tijd += time.Duration(n) * time.Second
		}
	})
	if err != nil {
		return fail(err.Error())
	}
	return d, nil
}

// parseDelen reads number-designator pairs such as "1Y6M" whose designators appear in order.
func parseDelen(s, order string, set func(n int, c byte)) error {
	last := -1
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return fmt.Errorf("verwacht een getal bij %q", s)
		}
		if i == len(s) {
			return fmt.Errorf("getal %s zonder aanduiding (%s)", s, strings.Join(strings.Split(order, ""), ", "))
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > maxDuurDeel {
			return fmt.Errorf("getal %s is te groot", s[:i])
		}
		pos := strings.IndexByte(order, s[i])
		switch {
		case s[i] == '.' || s[i] == ',':
			return errors.New("breuken zijn niet toegestaan")
		case pos < 0:
			return fmt.Errorf("onbekende aanduiding %q; toegestaan zijn %s", s[i], strings.Join(strings.Split(order, ""), ", "))
		case pos <= last:
			return fmt.Errorf("aanduiding %c dubbel of in de verkeerde volgorde (volgorde: %s)", s[i], strings.Join(strings.Split(order, ""), ", "))
		}
		last = pos
		set(n, s[i])
		s = s[i+1:]
	}
	return nil
}

// ParseTermijn parses a retention term: an ISO 8601 duration of years, months, weeks and days
// (P10Y, P1Y6M, P2W, P0D) as ParseDuur does, refusing a time part (PT1H), which a term measured
// in calendar days cannot have. This is the one parser of archiefactietermijnen,
// procestermijnen, bewaartermijnen and the configured terms.
func ParseTermijn(s string) (Duur, error) {
	if strings.ContainsRune(s, 'T') && strings.HasPrefix(s, "P") {
		return Duur{}, fmt.Errorf("termijn %q: tijdsdelen (uren, minuten, seconden) zijn niet toegestaan", s)
	}
	return parseDuur(s, "termijn")
}

// HeeftTijd reports whether the duration has a time part (hours, minutes, seconds), which a
// retention term may not have.
func (d Duur) HeeftTijd() bool { return d.Tijd != 0 }

// String renders the duration as a canonical ISO 8601 duration: weeks as days, P0D when empty.
func (d Duur) String() string {
	if d == (Duur{}) {
		return "P0D"
	}
	var b strings.Builder
	b.WriteByte('P')
	for _, p := range []struct {
		n int
		c byte
	}{{d.Jaren, 'Y'}, {d.Maanden, 'M'}, {d.Dagen, 'D'}} {
		if p.n != 0 {
			b.WriteString(strconv.Itoa(p.n))
			b.WriteByte(p.c)
		}
	}
	if d.Tijd != 0 {
		b.WriteByte('T')
		t := d.Tijd
		for _, p := range []struct {
			u time.Duration
			c byte
		}{{time.Hour, 'H'}, {time.Minute, 'M'}, {time.Second, 'S'}} {
			if n := t / p.u; n != 0 {
				b.WriteString(strconv.FormatInt(int64(n), 10))
				b.WriteByte(p.c)
				t -= n * p.u
			}
		}
	}
	return b.String()
}

// AddTo returns t plus the duration the way the ZGW APIs (dateutil's relativedelta) do it: add
// the years and months, clamp the day to the end of the resulting month, then add the days and
// the time part. So 2024-01-31 + P1M = 2024-02-29, where time.AddDate would give March 2.
func (d Duur) AddTo(t time.Time) time.Time {
	y, m, day := t.Date()
	months := int(m) - 1 + d.Maanden + 12*d.Jaren
	y += months / 12
	m = time.Month(months%12 + 1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	hh, mm, ss := t.Clock()
	r := time.Date(y, m, day, hh, mm, ss, t.Nanosecond(), t.Location())
	if d.Dagen != 0 {
		r = r.AddDate(0, 0, d.Dagen)
	}
	return r.Add(d.Tijd)
}
