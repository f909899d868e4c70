package mdto

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrInvalid is what every ValidationError wraps: the object cannot be written as MDTO.
var ErrInvalid = errors.New("mdto: invalid metadata")

// ValidationError lists every problem Validate found in one object. Paths name the MDTO elements,
// e.g. "event[1].eventTijd".
type ValidationError struct {
	// Object is "informatieobject" or "bestand".
	Object string
	// Problems are the individual findings, in element order.
	Problems []string
}

// Error joins the problems into one line.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("mdto: invalid %s: %s", e.Object, strings.Join(e.Problems, "; "))
}

// Unwrap returns ErrInvalid, so that errors.Is(err, ErrInvalid) holds.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Validate checks o against the rules the XSD cannot check: required values present and not
// blank, waardering and aggregatieniveau from their MDTO begrippenlijsten with consistent code
// and label, dates, durations, languages and URLs in their XSD lexical form, and only characters
// XML can carry. It returns a *ValidationError listing every problem.
func (o Informatieobject) Validate() error {
	var c checker
	c.identificaties("identificatie", o.Identificatie)
	c.text("naam", o.Naam, true)
	if o.Aggregatieniveau != nil {
		c.begrip("aggregatieniveau", *o.Aggregatieniveau)
		c.aggregatieniveau(*o.Aggregatieniveau)
	}
	for i, b := range o.Classificatie {
		c.begrip(idx("classificatie", i), b)
	}
	for i, s := range o.Trefwoord {
		c.text(idx("trefwoord", i), s, true)
	}
	for i, s := range o.Omschrijving {
		c.text(idx("omschrijving", i), s, true)
	}
	for i, r := range o.Raadpleeglocatie {
		c.raadpleeglocatie(idx("raadpleeglocatie", i), r)
	}
	for i, d := range o.DekkingInTijd {
		c.dekkingInTijd(idx("dekkingInTijd", i), d)
	}
	c.verwijzingen("dekkingInRuimte", o.DekkingInRuimte)
	for i, s := range o.Taal {
		if !languageRE.MatchString(s) {
			c.addf(idx("taal", i), "%q is not an xsd:language such as \"nl\"", s)
		}
	}
	for i, e := range o.Event {
		c.event(idx("event", i), e)
	}
	c.begrip("waardering", o.Waardering)
	c.waardering(o.Waardering)
	if o.Bewaartermijn != nil {
		c.termijn("bewaartermijn", *o.Bewaartermijn)
	}
	if o.Informatiecategorie != nil {
		c.begrip("informatiecategorie", *o.Informatiecategorie)
	}
	c.verwijzingen("isOnderdeelVan", o.IsOnderdeelVan)
	c.verwijzingen("bevatOnderdeel", o.BevatOnderdeel)
	c.verwijzingen("heeftRepresentatie", o.HeeftRepresentatie)
	c.verwijzingen("aanvullendeMetagegevens", o.AanvullendeMetagegevens)
	for i, g := range o.GerelateerdInformatieobject {
		p := idx("gerelateerdInformatieobject", i)
		c.verwijzing(p+".gerelateerdInformatieobjectVerwijzing", g.Verwijzing)
		c.begrip(p+".gerelateerdInformatieobjectTypeRelatie", g.TypeRelatie)
	}
	if len(o.Archiefvormer) == 0 {
		c.addf("archiefvormer", "at least one is required")
	}
	c.verwijzingen("archiefvormer", o.Archiefvormer)
	for i, b := range o.Betrokkene {
		p := idx("betrokkene", i)
		c.begrip(p+".betrokkeneTypeRelatie", b.TypeRelatie)
		c.verwijzing(p+".betrokkeneActor", b.Actor)
	}
	if o.Activiteit != nil {
		c.verwijzing("activiteit", *o.Activiteit)
	}
	if len(o.BeperkingGebruik) == 0 {
		c.addf("beperkingGebruik", "at least one is required (BeperkingGeen when there is none)")
	}
	for i, b := range o.BeperkingGebruik {
		c.beperkingGebruik(idx("beperkingGebruik", i), b)
	}
	return c.err("informatieobject")
}

// Validate checks b against the rules the XSD cannot check: required values present and not
// blank, omvang not negative, bestandsformaat a PRONOM identifier from the PRONOM-register,
// checksum algorithms from the MDTO list with a lowercase hex value of the algorithm's length and
// a checksum date, and an absolute URLBestand. It returns a *ValidationError listing every
// problem.
func (b Bestand) Validate() error {
	var c checker
	c.identificaties("identificatie", b.Identificatie)
	c.text("naam", b.Naam, true)
	if b.Omvang < 0 {
		c.addf("omvang", "%d bytes is negative", b.Omvang)
	}
	c.begrip("bestandsformaat", b.Bestandsformaat)
	if !puidRE.MatchString(b.Bestandsformaat.Code) {
		c.addf("bestandsformaat.begripCode", "%q is not a PRONOM identifier such as fmt/354 or x-fmt/111", b.Bestandsformaat.Code)
	}
	if n := b.Bestandsformaat.Begrippenlijst.Naam; n != PRONOMRegister {
		c.addf("bestandsformaat.begripBegrippenlijst", "%q is not %q", n, PRONOMRegister)
	}
	if len(b.Checksum) == 0 {
		c.addf("checksum", "at least one is required")
	}
	for i, s := range b.Checksum {
		c.checksum(idx("checksum", i), s)
	}
	if b.URLBestand != "" {
		c.uri("URLBestand", b.URLBestand)
	}
	c.verwijzing("isRepresentatieVan", b.IsRepresentatieVan)
	return c.err("bestand")
}

var (
	// puidRE matches a PRONOM unique identifier.
	puidRE = regexp.MustCompile(`^(x-)?fmt/[1-9][0-9]*$`)
	// hexRE matches a lowercase hexadecimal string.
	hexRE = regexp.MustCompile(`^[0-9a-f]+$`)
	// languageRE matches xsd:language.
	languageRE = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
	// durationRE matches xsd:duration; durationOK rules out "P" and a "T" without a time part.
	durationRE = regexp.MustCompile(`^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$`)
	// dateRE matches the date and time types of MDTO's unions: gYear, gYearMonth, date, dateTime.
	dateRE = regexp.MustCompile(`^-?([1-9][0-9]{4,}|[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?)?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)
)

// dateKind is one member of an XSD date union.
type dateKind int

const (
	kindGYear dateKind = iota + 1
	kindGYearMonth
	kindDate
	kindDateTime
)

// parseDateKind returns which of the XSD date types s is, or 0 if it is none of them.
func parseDateKind(s string) dateKind {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	year, err := strconv.Atoi(m[1])
	if err != nil || year == 0 {
		return 0
	}
	if tz := m[7]; len(tz) == 6 {
		h, _ := strconv.Atoi(tz[1:3])
		mm, _ := strconv.Atoi(tz[4:6])
		if h > 14 || mm > 59 || (h == 14 && mm != 0) {
			return 0
		}
	}
	if m[2] == "" {
		return kindGYear
	}
	month, _ := strconv.Atoi(m[2])
	if month < 1 || month > 12 {
		return 0
	}
	if m[3] == "" {
		return kindGYearMonth
	}
	day, _ := strconv.Atoi(m[3])
	if day < 1 || day > daysIn(year, month) {
		return 0
	}
	if m[4] == "" {
		return kindDate
	}
	h, _ := strconv.Atoi(m[4])
	mi, _ := strconv.Atoi(m[5])
	sec, _ := strconv.Atoi(m[6])
	if h > 23 || mi > 59 || sec > 59 {
		return 0
	}
	return kindDateTime
}

// daysIn returns the number of days of month in year (proleptic Gregorian).
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// validDuration reports whether s is an xsd:duration.
func validDuration(s string) bool {
	return durationRE.MatchString(s) && !strings.HasSuffix(s, "P") && !strings.HasSuffix(s, "T")
}

// validXMLText reports whether s is UTF-8 made only of characters XML 1.0 allows.
func validXMLText(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, w := utf8.DecodeRuneInString(s[i:]); w == 1 {
				return false
			}
		}
		ok := r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
			(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
		if !ok {
			return false
		}
	}
	return true
}

// checker collects problems while walking an object.
type checker struct {
	problems []string
}

func (c *checker) addf(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) err(object string) error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Object: object, Problems: c.problems}
}

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// text checks that s can be written, and that it is not blank when required.
func (c *checker) text(path, s string, required bool) {
	if required && strings.TrimSpace(s) == "" {
		c.addf(path, "is required")
		return
	}
	if !validXMLText(s) {
		c.addf(path, "contains bytes or characters XML cannot carry")
	}
}

func (c *checker) identificaties(path string, ids []Identificatie) {
	if len(ids) == 0 {
		c.addf(path, "at least one is required")
	}
	for i, id := range ids {
		c.identificatie(idx(path, i), id)
	}
}

func (c *checker) identificatie(path string, id Identificatie) {
	c.text(path+".identificatieKenmerk", id.Kenmerk, true)
	c.text(path+".identificatieBron", id.Bron, true)
}

func (c *checker) verwijzing(path string, v Verwijzing) {
	c.text(path+".verwijzingNaam", v.Naam, true)
	if v.Identificatie != nil {
		c.identificatie(path+".verwijzingIdentificatie", *v.Identificatie)
	}
}

func (c *checker) verwijzingen(path string, vs []Verwijzing) {
	for i, v := range vs {
		c.verwijzing(idx(path, i), v)
	}
}

func (c *checker) begrip(path string, b Begrip) {
	c.text(path+".begripLabel", b.Label, true)
	c.text(path+".begripCode", b.Code, false)
	c.verwijzing(path+".begripBegrippenlijst", b.Begrippenlijst)
}

func (c *checker) waardering(b Begrip) {
	label, ok := waarderingLabels[b.Code]
	switch {
	case !ok:
		c.addf("waardering.begripCode", "%q is not B, V or N", b.Code)
	case b.Label != label:
		c.addf("waardering.begripLabel", "%q does not match code %s (%q)", b.Label, b.Code, label)
	}
	if n := b.Begrippenlijst.Naam; n != BegrippenlijstWaarderingen {
		c.addf("waardering.begripBegrippenlijst", "%q is not %q", n, BegrippenlijstWaarderingen)
	}
}

func (c *checker) aggregatieniveau(b Begrip) {
	switch b.Label {
	case AggregatieniveauArchief, AggregatieniveauSerie, AggregatieniveauDossier, AggregatieniveauArchiefstuk:
	default:
		c.addf("aggregatieniveau.begripLabel", "%q is not Archief, Serie, Dossier or Archiefstuk", b.Label)
	}
	if n := b.Begrippenlijst.Naam; n != BegrippenlijstAggregatieniveaus {
		c.addf("aggregatieniveau.begripBegrippenlijst", "%q is not %q", n, BegrippenlijstAggregatieniveaus)
	}
}

func (c *checker) raadpleeglocatie(path string, r Raadpleeglocatie) {
	if len(r.Fysiek) == 0 && len(r.Online) == 0 {
		c.addf(path, "needs a raadpleeglocatieFysiek or raadpleeglocatieOnline")
	}
	c.verwijzingen(path+".raadpleeglocatieFysiek", r.Fysiek)
	for i, u := range r.Online {
		c.uri(idx(path+".raadpleeglocatieOnline", i), u)
	}
}

func (c *checker) dekkingInTijd(path string, d DekkingInTijd) {
	c.begrip(path+".dekkingInTijdType", d.Type)
	c.dateUnion(path+".dekkingInTijdBegindatum", d.Begindatum, true, false)
	if d.Einddatum != "" {
		c.dateUnion(path+".dekkingInTijdEinddatum", d.Einddatum, true, false)
	}
}

// dateUnion checks s against gYear | gYearMonth | date, plus dateTime when withTime.
func (c *checker) dateUnion(path, s string, required, withTime bool) {
	if s == "" {
		if required {
			c.addf(path, "is required")
		}
		return
	}
	k := parseDateKind(s)
	if k == 0 || (k == kindDateTime && !withTime) {
		want := "an xsd:gYear, xsd:gYearMonth or xsd:date"
		if withTime {
			want = "an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime"
		}
		c.addf(path, "%q is not %s", s, want)
	}
}

func (c *checker) event(path string, e Event) {
	c.begrip(path+".eventType", e.Type)
	c.dateUnion(path+".eventTijd", e.Tijd, false, true)
	if e.VerantwoordelijkeActor != nil {
		c.verwijzing(path+".eventVerantwoordelijkeActor", *e.VerantwoordelijkeActor)
	}
	c.text(path+".eventResultaat", e.Resultaat, false)
}

func (c *checker) termijn(path string, t Termijn) {
	if t.TriggerStartLooptijd == nil && t.StartdatumLooptijd == nil && t.Looptijd == "" && t.Einddatum == nil {
		c.addf(path, "is empty: give a trigger, startdatum, looptijd or einddatum")
	}
	if t.TriggerStartLooptijd != nil {
		c.begrip(path+".termijnTriggerStartLooptijd", *t.TriggerStartLooptijd)
	}
	if t.Looptijd != "" && !validDuration(t.Looptijd) {
		c.addf(path+".termijnLooptijd", "%q is not an xsd:duration such as P10Y", t.Looptijd)
	}
	dates := []struct {
		name string
		t    *time.Time
	}{{"termijnStartdatumLooptijd", t.StartdatumLooptijd}, {"termijnEinddatum", t.Einddatum}}
	for _, d := range dates {
		if d.t != nil && parseDateKind(XSDDate(*d.t)) != kindDate {
			c.addf(path+"."+d.name, "%s is not an xsd:date (year 0 does not exist)", XSDDate(*d.t))
		}
	}
}

func (c *checker) beperkingGebruik(path string, b BeperkingGebruik) {
	c.begrip(path+".beperkingGebruikType", b.Type)
	c.text(path+".beperkingGebruikNadereBeschrijving", b.NadereBeschrijving, false)
	c.verwijzingen(path+".beperkingGebruikDocumentatie", b.Documentatie)
	if b.Termijn != nil {
		c.termijn(path+".beperkingGebruikTermijn", *b.Termijn)
	}
}

func (c *checker) checksum(path string, s Checksum) {
	c.begrip(path+".checksumAlgoritme", s.Algoritme)
	want, ok := checksumHexLen[s.Algoritme.Label]
	if !ok {
		c.addf(path+".checksumAlgoritme.begripLabel", "%q is not SHA-224, SHA-256, SHA-384 or SHA-512", s.Algoritme.Label)
	}
	if n := s.Algoritme.Begrippenlijst.Naam; n != BegrippenlijstChecksumAlgoritme {
		c.addf(path+".checksumAlgoritme.begripBegrippenlijst", "%q is not %q", n, BegrippenlijstChecksumAlgoritme)
	}
	switch {
	case !hexRE.MatchString(s.Waarde):
		c.addf(path+".checksumWaarde", "%q is not lowercase hexadecimal", s.Waarde)
	case ok && len(s.Waarde) != want:
		c.addf(path+".checksumWaarde", "has %d hex digits, %s needs %d", len(s.Waarde), s.Algoritme.Label, want)
	}
	if s.Datum.IsZero() {
		c.addf(path+".checksumDatum", "is required")
	} else if parseDateKind(XSDDateTime(s.Datum)) != kindDateTime {
		c.addf(path+".checksumDatum", "%s is not an xsd:dateTime (year 0 does not exist)", XSDDateTime(s.Datum))
	}
}

// uri checks that s is an absolute URL without spaces, as an xsd:anyURI reference should be.
func (c *checker) uri(path, s string) {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || strings.ContainsAny(s, " \t\r\n") || !validXMLText(s) {
		c.addf(path, "%q is not an absolute URL", s)
	}
}
