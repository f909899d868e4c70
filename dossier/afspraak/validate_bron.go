package afspraak

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The kinds of Catalogi API resource a ZGWBron's mapping translates into the agreement's names.
const (
	BronZaaktype             = "zaaktype"
	BronStatustype           = "statustype"
	BronInformatieobjecttype = "informatieobjecttype"
	BronBesluittype          = "besluittype"
	BronResultaattype        = "resultaattype"
	BronRoltype              = "roltype"
	BronEigenschap           = "eigenschap"
)

// bronSoorten maps the collection name in a Catalogi API URL to the kind of its resources.
func bronSoorten() map[string]string {
	return map[string]string{
		"zaaktypen": BronZaaktype, "statustypen": BronStatustype, "informatieobjecttypen": BronInformatieobjecttype,
		"besluittypen": BronBesluittype, "resultaattypen": BronResultaattype, "roltypen": BronRoltype, "eigenschappen": BronEigenschap,
	}
}

// BronSleutel is one parsed key of a ZGWBron mapping.
type BronSleutel struct {
	// Soort is the kind of resource: BronZaaktype, BronStatustype, ...
	Soort string
	// URL is set when the key is the resource's URL in the organisation's Catalogi API.
	URL string
	// Identificatie is set when the key is "soort:identificatie": the zaaktype's identificatie,
	// the omschrijving of a statustype, informatieobjecttype, besluittype, resultaattype or
	// roltype, the naam of an eigenschap.
	Identificatie string
}

// Sleutel returns the mapping key for a resource of soort known by identificatie.
func Sleutel(soort, identificatie string) string { return soort + ":" + identificatie }

// ParseBronSleutel parses a key of a ZGWBron mapping: either the URL of a zaaktype,
// statustype, informatieobjecttype, besluittype, resultaattype, roltype or eigenschap in the
// organisation's Catalogi API, or "soort:identificatie".
func ParseBronSleutel(key string) (BronSleutel, error) {
	if strings.HasPrefix(key, "http://") || strings.HasPrefix(key, "https://") {
		u, err := url.Parse(key)
		if err != nil || u.Host == "" {
			return BronSleutel{}, fmt.Errorf("%q is geen URL", key)
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) >= 2 {
			if soort, ok := bronSoorten()[parts[len(parts)-2]]; ok && parts[len(parts)-1] != "" {
				return BronSleutel{Soort: soort, URL: key}, nil
			}
		}
		return BronSleutel{}, fmt.Errorf("%q is niet de URL van een zaaktype, statustype, informatieobjecttype, besluittype, resultaattype, roltype of eigenschap in een Catalogi API", key)
	}
	soort, id, ok := strings.Cut(key, ":")
	var soorten []string
	for _, s := range bronSoorten() {
		soorten = append(soorten, s)
	}
	sort.Strings(soorten)
	if !ok || !slices.Contains(soorten, soort) || strings.TrimSpace(id) == "" {
		return BronSleutel{}, fmt.Errorf("%q: een sleutel is een URL in een Catalogi API of SOORT:IDENTIFICATIE, met SOORT een van %s", key, strings.Join(soorten, ", "))
	}
	return BronSleutel{Soort: soort, Identificatie: id}, nil
}

// StatustypeVoorBron resolves the target of a statustype mapping: the omschrijving of a phase
// (ignoring case) or its volgnummer. The empty target means "not a phase of the agreement": the
// collector ignores such statuses.
func (z *Zaaktype) StatustypeVoorBron(doel string) (*Statustype, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(doel)); err == nil {
		return z.Statustype(n)
	}
	return z.StatustypeByOmschrijving(doel)
}

// BronDoelBestaat reports whether the target of a mapping entry of soort names something zaaktype
// z defines (an empty statustype target always does: it means "ignore").
func (z *Zaaktype) BronDoelBestaat(soort, doel string) bool {
	var ok bool
	switch soort {
	case BronStatustype:
		if doel == "" {
			return true
		}
		_, ok = z.StatustypeVoorBron(doel)
	case BronInformatieobjecttype:
		_, ok = z.Informatieobjecttype(doel)
	case BronBesluittype:
		_, ok = z.Besluittype(doel)
	case BronResultaattype:
		_, ok = z.Resultaattype(doel)
	case BronRoltype:
		_, ok = z.Roltype(doel)
	case BronEigenschap:
		_, ok = z.Eigenschap(doel)
	}
	return ok
}

// envNameRe is the form of the name of an environment variable.
var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// bronnen checks the ZGW sources of the organisations: the base URLs of their APIs, the
// credentials and the mapping of their catalogue onto the agreement.
func (v *validator) bronnen() {
	for i := range v.a.Organisaties {
		o := &v.a.Organisaties[i]
		if o.Bron == nil {
			continue
		}
		p := fmt.Sprintf("organisaties[%d].bron", i)
		b := o.Bron
		v.bronURL(p+".zaken_api", b.ZakenAPI)
		v.bronURL(p+".documenten_api", b.DocumentenAPI)
		v.bronURL(p+".catalogi_api", b.CatalogiAPI)
		if b.BesluitenAPI == "" {
			v.warnf(p+".besluiten_api", "is leeg: besluiten van %s worden niet verzameld", o.ID)
		} else {
			v.bronURL(p+".besluiten_api", b.BesluitenAPI)
		}
		v.required(p+".client_id", b.ClientID, "de client_id waaronder de ZGW API's de collector kennen")
		if v.required(p+".secret_env", b.SecretEnv, "de naam van de omgevingsvariabele met het JWT-secret") && !envNameRe.MatchString(b.SecretEnv) {
			v.errf(p+".secret_env", "%q is geen naam van een omgevingsvariabele (het secret zelf hoort niet in de afspraak)", b.SecretEnv)
		}
		v.mapping(p+".mapping", o, b)
	}
}

func (v *validator) bronURL(path, s string) {
	if !v.required(path, s, "de basis-URL van de API, bijvoorbeeld https://zaken.example.nl/zaken/api/v1") {
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		v.errf(path, "%q is geen http(s)-URL", s)
	case u.RawQuery != "" || u.Fragment != "":
		v.errf(path, "%q: een basis-URL heeft geen query of fragment", s)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		v.warnf(path, "%q is geen https: het JWT en de zaakgegevens gaan onversleuteld over het netwerk", s)
	}
}

func loopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

func (v *validator) mapping(p string, o *Organisatie, b *ZGWBron) {
	if len(b.Mapping) == 0 {
		v.errf(p, "is leeg: koppel minstens één zaaktype van %s aan een zaaktype van de afspraak (zaakarchief zgw map --source %s stelt een koppeling voor)", o.ID, o.ID)
		return
	}
	keys := make([]string, 0, len(b.Mapping))
	for k := range b.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// The zaaktypen this source maps onto: the other kinds must exist in one of them.
	var doelen []*Zaaktype
	for _, k := range keys {
		kp := p + "." + k
		s, err := ParseBronSleutel(k)
		if err != nil {
			v.errf(kp, "%v", err)
			continue
		}
		if s.URL != "" && b.CatalogiAPI != "" && !strings.HasPrefix(s.URL, strings.TrimSuffix(b.CatalogiAPI, "/")+"/") {
			v.warnf(kp, "de URL ligt niet onder catalogi_api %s", b.CatalogiAPI)
		}
		if s.Soort != BronZaaktype {
			continue
		}
		zt, ok := v.a.Zaaktype(b.Mapping[k])
		if !ok {
			v.errf(kp, "%q is geen zaaktype van de afspraak", b.Mapping[k])
			continue
		}
		if !slices.Contains(doelen, zt) {
			doelen = append(doelen, zt)
		}
	}
	if len(doelen) == 0 {
		v.errf(p, "koppelt geen zaaktype: zonder koppeling wordt niets van %s verzameld", o.ID)
		return
	}
	for _, k := range keys {
		s, err := ParseBronSleutel(k)
		if err != nil || s.Soort == BronZaaktype {
			continue
		}
		doel := b.Mapping[k]
		found := false
		for _, zt := range doelen {
			found = found || zt.BronDoelBestaat(s.Soort, doel)
		}
		if !found {
			var namen []string
			for _, zt := range doelen {
				namen = append(namen, zt.Identificatie)
			}
			v.errf(p+"."+k, "%s %q bestaat niet in zaaktype %s", s.Soort, doel, strings.Join(namen, ", "))
		}
	}
	for _, zt := range doelen {
		eerste := zt.Eerste()
		if eerste == nil || eerste.Verantwoordelijke == o.ID {
			continue
		}
		if other, ok := v.a.Organisatie(eerste.Verantwoordelijke); ok && !bronMapt(other.Bron, zt.Identificatie) {
			v.warnf(p, "zaken van zaaktype %s uit %s komen pas in een dossier als %s de zaak heeft geregistreerd (via de capture-API, gekoppeld op kenmerk): %s heeft er geen bron voor",
				zt.Identificatie, o.ID, other.ID, other.ID)
		}
	}
}

// bronMapt reports whether a source maps some zaaktype onto zaaktype id of the agreement.
func bronMapt(b *ZGWBron, id string) bool {
	if b == nil {
		return false
	}
	for k, doel := range b.Mapping {
		if s, err := ParseBronSleutel(k); err == nil && s.Soort == BronZaaktype && doel == id {
			return true
		}
	}
	return false
}
