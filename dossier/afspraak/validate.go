package afspraak

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// organisatieIDRe is the form of an organisation's id: it appears in tokens, URLs and logs.
var organisatieIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// The value sets of the ZGW standards the agreement uses. They are functions, not variables,
// so that no caller can change them.
func rollen() []string { return []string{RolFrontoffice, RolBackoffice, RolBevoegdGezag} }

func vertrouwelijkheden() []string {
	return []string{"openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk", "confidentieel", "geheim", "zeer_geheim"}
}

func archiefnominaties() []string { return []string{"blijvend_bewaren", "vernietigen"} }

func eigenschapFormaten() []string { return []string{"tekst", "getal", "datum", "datum_tijd"} }

func roltypenGeneriek() []string {
	return []string{"adviseur", "behandelaar", "belanghebbende", "beslisser", "initiator", "klantcontacter", "zaakcoordinator", "mede_initiator"}
}

func afleidingswijzen() []string {
	return []string{"afgehandeld", "termijn", "hoofdzaak", "eigenschap", "ingangsdatum_besluit", "vervaldatum_besluit", "gerelateerde_zaak", "zaakobject", "ander_datumkenmerk"}
}

// Validate checks the structure of the agreement and returns every problem at once, ordered by
// line: organisations, zaaktypen, phases, who records what, transitions, document types and the
// retention fields of the resultaattypen. Problems that still leave the agreement usable are
// warnings. Checks against the Selectielijst data are package retention's.
func (a *Afspraak) Validate() []Fout {
	v := &validator{a: a}
	v.afspraak()
	v.bronnen()
	sortFouten(v.fouten)
	return v.fouten
}

// validator collects the problems of one Validate call.
type validator struct {
	a      *Afspraak
	fouten []Fout
}

func (v *validator) errf(path, format string, args ...any) {
	v.fouten = append(v.fouten, v.a.FoutBij(path, format, args...))
}

func (v *validator) warnf(path, format string, args ...any) {
	v.fouten = append(v.fouten, v.a.WaarschuwingBij(path, format, args...))
}

// required reports an empty value at path and says whether it was filled.
func (v *validator) required(path, value, what string) bool {
	if strings.TrimSpace(value) == "" {
		v.errf(path, "is verplicht: %s", what)
		return false
	}
	return true
}

// oneOf checks that value is in set; empty passes (use required for that).
func (v *validator) oneOf(path, value string, set []string) {
	if value != "" && !slices.Contains(set, value) {
		v.errf(path, "%q is geen toegestane waarde; kies uit %s", value, strings.Join(set, ", "))
	}
}

// uniek remembers key in seen and reports a second occurrence, pointing at the first.
func (v *validator) uniek(seen map[string]string, key, path, what string) {
	if key == "" {
		return
	}
	if first, ok := seen[key]; ok {
		v.errf(path, "%s %q komt al eerder voor (op regel %d)", what, key, v.a.Line(first))
		return
	}
	seen[key] = path
}

// organisatie checks that id names an organisation of the agreement.
func (v *validator) organisatie(path, id string) {
	if !v.required(path, id, "het id van een organisatie") {
		return
	}
	if _, ok := v.a.Organisatie(id); !ok {
		v.errf(path, "onbekende organisatie %q (bekend: %s)", id, strings.Join(v.organisatieIDs(), ", "))
	}
}

func (v *validator) organisatieIDs() []string {
	ids := make([]string, 0, len(v.a.Organisaties))
	for _, o := range v.a.Organisaties {
		if o.ID != "" && !slices.Contains(ids, o.ID) {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// termijn checks a retention term: an ISO 8601 duration of years, months, weeks and days. It
// reports what ParseTermijn says, word for word as package retention's check does, so that
// Samenvoegen shows the problem once.
func (v *validator) termijn(path, s string) {
	if _, err := ParseTermijn(s); err != nil {
		v.errf(path, "%v", err)
	}
}

func (v *validator) afspraak() {
	a := v.a
	v.required("naam", a.Naam, "de naam van de afspraak")
	if len(a.Organisaties) == 0 {
		v.errf("organisaties", "een afspraak heeft minstens één organisatie nodig")
	}
	ids, rsins := map[string]string{}, map[string]string{}
	for i := range a.Organisaties {
		v.organisatieCheck(i, ids, rsins)
	}
	if len(a.Zaaktypen) == 0 {
		v.errf("zaaktypen", "een afspraak heeft minstens één zaaktype nodig")
	}
	zts := map[string]string{}
	for i := range a.Zaaktypen {
		p := fmt.Sprintf("zaaktypen[%d]", i)
		v.uniek(zts, a.Zaaktypen[i].Identificatie, p+".identificatie", "zaaktype-identificatie")
		v.zaaktype(p, &a.Zaaktypen[i])
	}
}

func (v *validator) organisatieCheck(i int, ids, rsins map[string]string) {
	o := &v.a.Organisaties[i]
	p := fmt.Sprintf("organisaties[%d]", i)
	if v.required(p+".id", o.ID, "een korte sleutel zoals gemeente") {
		if !organisatieIDRe.MatchString(o.ID) {
			v.errf(p+".id", "%q: gebruik alleen kleine letters, cijfers, - en _", o.ID)
		}
		v.uniek(ids, o.ID, p+".id", "organisatie-id")
	}
	v.required(p+".naam", o.Naam, "de officiële naam van de organisatie")
	if v.required(p+".rsin", o.RSIN, "het RSIN van 9 cijfers") {
		if err := checkRSIN(o.RSIN); err != nil {
			v.errf(p+".rsin", "%v", err)
		} else {
			v.uniek(rsins, o.RSIN, p+".rsin", "rsin")
		}
	}
	seen := map[string]string{}
	for j, r := range o.Rollen {
		rp := fmt.Sprintf("%s.rollen[%d]", p, j)
		v.oneOf(rp, r, rollen())
		v.uniek(seen, r, rp, "rol")
	}
}

// checkRSIN checks a RSIN: 9 digits passing the elfproef that BSN and RSIN share, the sum of
// the first eight digits times 9..2 minus the last digit being divisible by 11.
func checkRSIN(s string) error {
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
		return fmt.Errorf("rsin %q moet precies 9 cijfers hebben (schrijf het tussen aanhalingstekens, met de voorloopnullen)", s)
	}
	if s == "000000000" {
		return fmt.Errorf("rsin %q is geen RSIN", s)
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(s[i]-'0') * (9 - i)
	}
	sum -= int(s[8] - '0')
	if sum%11 != 0 {
		return fmt.Errorf("rsin %q voldoet niet aan de elfproef; controleer op een tikfout", s)
	}
	return nil
}
