package zgw

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
)

// Voorstel is a proposed mapping of one source's catalogue onto the agreement.
type Voorstel struct {
	Organisatie string
	CatalogiAPI string
	Regels      []VoorstelRegel
}

// VoorstelRegel is one line of a proposal: a source type and the agreement's name for it.
type VoorstelRegel struct {
	// Zaaktype is the source zaaktype the line belongs to (a heading when Soort is zaaktype).
	Zaaktype string
	Soort    string
	URL      string
	// Naam is the type's name at the source.
	Naam string
	// Doel is the agreement's name; empty when nothing matched.
	Doel string
	// Zeker is true when the names match exactly (or the agreement maps it already); a line
	// that is not sure must be checked by a person.
	Zeker bool
}

// MapOptions configures StelMappingVoor.
type MapOptions struct {
	// Getenv reads the JWT secret; nil means os.Getenv.
	Getenv     func(string) string
	HTTPClient *http.Client
	Timeout    time.Duration
	Retry      Retry
	Logger     *slog.Logger
}

// StelMappingVoor reads the Catalogi API of an organisation's source and proposes a mapping
// of its zaaktypen and their statustypen, informatieobjecttypen, besluittypen, resultaattypen,
// roltypen and eigenschappen onto the agreement: what the agreement's mapping says already,
// else the agreement's type of the same name (ignoring case), else one whose name contains
// the other. Zaaktypen that match no zaaktype of the agreement are listed without mapping.
// The organisation's bron needs catalogi_api, client_id and secret_env; its mapping may be
// empty.
func StelMappingVoor(ctx context.Context, a *afspraak.Afspraak, org string, o MapOptions) (*Voorstel, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	c := &Collector{cat: newCatalogus(), log: o.Logger, now: time.Now, metrics: newMetrics(nil)}
	var cl *client
	for _, b := range bronnen(a, o.Getenv) {
		if b.Organisatie == org {
			cl = &client{bron: b, http: o.HTTPClient, retry: o.Retry.withDefaults(), timeout: o.Timeout, now: time.Now, log: o.Logger, metrics: c.metrics}
		}
	}
	if cl == nil {
		return nil, fmt.Errorf("organisation %q has no bron in the agreement: add one with at least catalogi_api, client_id and secret_env", org)
	}
	if cl.bron.secret == "" {
		return nil, fmt.Errorf("the JWT secret of %s is not set: set environment variable %s", org, cl.bron.SecretEnv)
	}
	m := cl.bron.mapping
	if m == nil {
		m, _ = newVertaling(nil)
	}
	zts, err := list[Zaaktype](ctx, cl, cl.bron.CatalogiAPI+"/zaaktypen?"+url.Values{"status": {"alles"}}.Encode())
	if err != nil {
		return nil, fmt.Errorf("zaaktypen of %s: %w", org, err)
	}
	sort.SliceStable(zts, func(i, j int) bool {
		if zts[i].Identificatie != zts[j].Identificatie {
			return zts[i].Identificatie < zts[j].Identificatie
		}
		return zts[i].Versiedatum < zts[j].Versiedatum
	})
	v := &Voorstel{Organisatie: org, CatalogiAPI: cl.bron.CatalogiAPI}
	for _, zt := range zts {
		doel, zeker := m.opURL[zt.URL], true
		if doel == "" {
			doel = m.opID[afspraak.Sleutel(afspraak.BronZaaktype, zt.Identificatie)]
		}
		if doel == "" {
			var namen []string
			for _, d := range a.Zaaktypen {
				namen = append(namen, d.Identificatie, d.Omschrijving)
			}
			doel, zeker = match(zt.Identificatie, namen)
			if doel == "" {
				doel, zeker = match(zt.Omschrijving, namen)
			}
			for _, d := range a.Zaaktypen {
				if doel == d.Omschrijving {
					doel = d.Identificatie
				}
			}
		}
		head := fmt.Sprintf("%s %q (%s, versiedatum %s)", afspraak.BronZaaktype, zt.Omschrijving, zt.Identificatie, zt.Versiedatum)
		v.Regels = append(v.Regels, VoorstelRegel{Zaaktype: head, Soort: afspraak.BronZaaktype, URL: zt.URL, Naam: zt.Omschrijving, Doel: doel, Zeker: zeker})
		target, ok := a.Zaaktype(doel)
		if !ok {
			continue
		}
		if err := c.proposeTypes(ctx, cl, m, &zt, target, head, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// proposeTypes proposes the lines for the types of one source zaaktype.
func (c *Collector) proposeTypes(ctx context.Context, cl *client, m *vertaling, zt *Zaaktype, target *afspraak.Zaaktype, head string, v *Voorstel) error {
	q := url.Values{"zaaktype": {zt.URL}, "status": {"alles"}}.Encode()
	base := cl.bron.CatalogiAPI
	kinds := []struct {
		soort, pad string
		namen      []string
	}{
		{afspraak.BronStatustype, "/statustypen?" + q, nil},
		{afspraak.BronInformatieobjecttype, "/informatieobjecttypen?" + q, namenVan(target.Informatieobjecttypen, func(x afspraak.Informatieobjecttype) string { return x.Omschrijving })},
		{afspraak.BronBesluittype, "/besluittypen?" + url.Values{"zaaktypen": {zt.URL}, "status": {"alles"}}.Encode(), namenVan(target.Besluittypen, func(x afspraak.Besluittype) string { return x.Omschrijving })},
		{afspraak.BronResultaattype, "/resultaattypen?" + q, namenVan(target.Resultaattypen, func(x afspraak.Resultaattype) string { return x.Omschrijving })},
		{afspraak.BronRoltype, "/roltypen?" + q, namenVan(target.Roltypen, func(x afspraak.Roltype) string { return x.Omschrijving })},
		{afspraak.BronEigenschap, "/eigenschappen?" + q, namenVan(target.Eigenschappen, func(x afspraak.Eigenschap) string { return x.Naam })},
	}
	for _, k := range kinds {
		typen, err := list[Catalogustype](ctx, cl, base+k.pad)
		if err != nil {
			return fmt.Errorf("%s of zaaktype %s: %w", k.soort, zt.URL, err)
		}
		sort.SliceStable(typen, func(i, j int) bool {
			if typen[i].Volgnummer != typen[j].Volgnummer {
				return typen[i].Volgnummer < typen[j].Volgnummer
			}
			return typen[i].sleutelNaam() < typen[j].sleutelNaam()
		})
		for _, t := range typen {
			naam := t.sleutelNaam()
			r := VoorstelRegel{Zaaktype: head, Soort: k.soort, URL: t.URL, Naam: naam, Zeker: true}
			if d, ok := m.opURL[t.URL]; ok {
				r.Doel = d
			} else if d, ok := m.opID[afspraak.Sleutel(k.soort, naam)]; ok {
				r.Doel = d
			} else if k.soort == afspraak.BronStatustype {
				r.Doel, r.Zeker = matchStatus(t, target)
				r.Naam = fmt.Sprintf("%d %s", t.Volgnummer, naam)
			} else {
				r.Doel, r.Zeker = match(naam, k.namen)
			}
			v.Regels = append(v.Regels, r)
		}
	}
	return nil
}

func namenVan[T any](s []T, f func(T) string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

// match finds the name among names that naam stands for: equal ignoring case (sure), else one
// containing the other (a guess).
func match(naam string, names []string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, naam) {
			return n, true
		}
	}
	l := strings.ToLower(naam)
	for _, n := range names {
		ln := strings.ToLower(n)
		if ln != "" && l != "" && (strings.Contains(l, ln) || strings.Contains(ln, l)) {
			return n, false
		}
	}
	return "", false
}

// matchStatus proposes the phase of a statustype: the phase of the same name, else the
// eindstatus for the source's eindstatus, else nothing ("" ignores the status).
func matchStatus(t Catalogustype, target *afspraak.Zaaktype) (string, bool) {
	var names []string
	for _, st := range target.Statustypen {
		names = append(names, st.Omschrijving)
	}
	if d, sure := match(t.Omschrijving, names); d != "" {
		return d, sure
	}
	if t.IsEindstatus {
		if e := target.Eindstatus(); e != nil {
			return e.Omschrijving, false
		}
	}
	return "", false
}

// WriteYAML prints the proposal as YAML to paste under the organisation's bron, with a comment
// on every line naming the source type, and "# ?" on every line a person must check.
func (v *Voorstel) WriteYAML(w io.Writer, now time.Time) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Mapping proposed by `zaakarchief zgw map --source %s` from %s on %s.\n", v.Organisatie, v.CatalogiAPI, now.Format(time.DateOnly))
	b.WriteString("# Paste it under bron: of this organisation in the agreement, check every line marked \"# ?\",\n")
	b.WriteString("# then run `zaakarchief agreement check`. A statustype mapped to \"\" is no phase of the agreement:\n")
	b.WriteString("# the collector ignores it. A commented-out line matched nothing: map it or leave it out.\n")
	b.WriteString("mapping:\n")
	head := ""
	for _, r := range v.Regels {
		if r.Zaaktype != head {
			head = r.Zaaktype
			fmt.Fprintf(&b, "  # %s\n", head)
		}
		comment := fmt.Sprintf("%s %q", r.Soort, r.Naam)
		if !r.Zeker {
			comment += " ?"
		}
		switch {
		case r.Doel == "" && r.Soort == afspraak.BronZaaktype:
			fmt.Fprintf(&b, "  # %s: %s  # ? no zaaktype of the agreement matches: its zaken are not collected\n", strconv.Quote(r.URL), `""`)
		case r.Doel == "" && r.Soort != afspraak.BronStatustype:
			fmt.Fprintf(&b, "  # %s: %s  # %s: no match in the agreement\n", strconv.Quote(r.URL), `""`, comment)
		default:
			fmt.Fprintf(&b, "  %s: %s  # %s\n", strconv.Quote(r.URL), strconv.Quote(r.Doel), comment)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
