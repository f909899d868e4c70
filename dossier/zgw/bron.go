package zgw

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"zaakarchief/dossier/afspraak"
)

// Bron is one organisation's own ZGW zaaksysteem as the agreement describes it.
type Bron struct {
	// Organisatie is the ID of the organisation in the agreement; the collector records what it
	// finds here as this organisation.
	Organisatie string
	// RSIN is the organisation's RSIN (bronorganisatie of its zaken).
	RSIN          string
	ZakenAPI      string
	DocumentenAPI string
	BesluitenAPI  string
	CatalogiAPI   string
	ClientID      string
	// SecretEnv names the environment variable with the JWT secret.
	SecretEnv string

	secret  string
	mapping *vertaling
	// fout says why the source cannot be used (no secret, a mapping key that does not parse).
	fout string
}

// bronnen returns the sources of the agreement's organisations, in the agreement's order.
func bronnen(a *afspraak.Afspraak, getenv func(string) string) []*Bron {
	var out []*Bron
	for _, o := range a.Organisaties {
		if o.Bron == nil {
			continue
		}
		b := &Bron{Organisatie: o.ID, RSIN: o.RSIN, ZakenAPI: trimBase(o.Bron.ZakenAPI), DocumentenAPI: trimBase(o.Bron.DocumentenAPI),
			BesluitenAPI: trimBase(o.Bron.BesluitenAPI), CatalogiAPI: trimBase(o.Bron.CatalogiAPI), ClientID: o.Bron.ClientID,
			SecretEnv: o.Bron.SecretEnv}
		if o.Bron.SecretEnv != "" {
			b.secret = getenv(o.Bron.SecretEnv)
		}
		if b.secret == "" {
			b.fout = fmt.Sprintf("the JWT secret of %s is not set: set environment variable %s", o.ID, o.Bron.SecretEnv)
		}
		var err error
		if b.mapping, err = newVertaling(o.Bron.Mapping); err != nil {
			b.fout = fmt.Sprintf("mapping of %s: %v (run zaakarchief agreement check)", o.ID, err)
		}
		out = append(out, b)
	}
	return out
}

func trimBase(s string) string { return strings.TrimRight(strings.TrimSpace(s), "/") }

func (b *Bron) bases() []string {
	var out []string
	for _, s := range []string{b.ZakenAPI, b.DocumentenAPI, b.BesluitenAPI, b.CatalogiAPI} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// owns reports whether u lies in one of the source's APIs: the collector sends a source's JWT
// nowhere else.
func (b *Bron) owns(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	for _, base := range b.bases() {
		bp, err := url.Parse(base)
		if err != nil {
			continue
		}
		if strings.EqualFold(p.Scheme, bp.Scheme) && strings.EqualFold(p.Host, bp.Host) &&
			(p.Path == bp.Path || strings.HasPrefix(p.Path, strings.TrimSuffix(bp.Path, "/")+"/")) {
			return true
		}
	}
	return false
}

// vertaling is a source's mapping, parsed: what each catalogue type of the source is in the
// agreement.
type vertaling struct {
	opURL map[string]string
	opID  map[string]string
	// soorten lists the kinds that have keys by identificatie, which need the type's name.
	soorten map[string]bool
}

func newVertaling(m map[string]string) (*vertaling, error) {
	v := &vertaling{opURL: map[string]string{}, opID: map[string]string{}, soorten: map[string]bool{}}
	for k, doel := range m {
		s, err := afspraak.ParseBronSleutel(k)
		if err != nil {
			return nil, err
		}
		if s.URL != "" {
			v.opURL[s.URL] = doel
		} else {
			v.opID[afspraak.Sleutel(s.Soort, s.Identificatie)] = doel
			v.soorten[s.Soort] = true
		}
	}
	return v, nil
}

// catalogus caches the catalogue types of the sources: they change rarely and are asked for
// once per zaak.
type catalogus struct {
	mu     sync.Mutex
	typen  map[string]*Catalogustype
	zaakty map[string]*Zaaktype
}

func newCatalogus() *catalogus {
	return &catalogus{typen: map[string]*Catalogustype{}, zaakty: map[string]*Zaaktype{}}
}

func (k *catalogus) zaaktype(ctx context.Context, c *client, u string) (*Zaaktype, error) {
	k.mu.Lock()
	zt, ok := k.zaakty[u]
	k.mu.Unlock()
	if ok {
		return zt, nil
	}
	zt = new(Zaaktype)
	if _, _, err := c.getJSON(ctx, u, "", zt); err != nil {
		return nil, fmt.Errorf("zaaktype %s: %w", u, err)
	}
	k.mu.Lock()
	k.zaakty[u] = zt
	k.mu.Unlock()
	return zt, nil
}

func (k *catalogus) typ(ctx context.Context, c *client, u string) (*Catalogustype, error) {
	k.mu.Lock()
	t, ok := k.typen[u]
	k.mu.Unlock()
	if ok {
		return t, nil
	}
	t = new(Catalogustype)
	if _, _, err := c.getJSON(ctx, u, "", t); err != nil {
		return nil, fmt.Errorf("catalogue type %s: %w", u, err)
	}
	k.mu.Lock()
	k.typen[u] = t
	k.mu.Unlock()
	return t, nil
}

// zaaktypeDoel returns the agreement's zaaktype a source zaaktype maps onto; nil when it is not
// mapped (its zaken are not collected).
func (c *Collector) zaaktypeDoel(ctx context.Context, cl *client, zaaktypeURL string) (*afspraak.Zaaktype, error) {
	m := cl.bron.mapping
	doel, ok := m.opURL[zaaktypeURL]
	if !ok && m.soorten[afspraak.BronZaaktype] {
		zt, err := c.cat.zaaktype(ctx, cl, zaaktypeURL)
		if err != nil {
			return nil, err
		}
		doel, ok = m.opID[afspraak.Sleutel(afspraak.BronZaaktype, zt.Identificatie)]
	}
	if !ok {
		return nil, nil
	}
	zt, ok := c.svc.Afspraak().Zaaktype(doel)
	if !ok {
		return nil, fmt.Errorf("mapping of %s: %q is not a zaaktype of the agreement: %w", cl.bron.Organisatie, doel, errPermanent)
	}
	return zt, nil
}

// typeDoel returns what a catalogue type of soort is in the agreement: the name the mapping
// gives it, and whether it is mapped at all. naam, when the resource carries it (a rol's
// omschrijving, a zaakeigenschap's naam), saves asking the Catalogi API.
func (c *Collector) typeDoel(ctx context.Context, cl *client, soort, typeURL, naam string) (string, bool, error) {
	m := cl.bron.mapping
	if doel, ok := m.opURL[typeURL]; ok {
		return doel, true, nil
	}
	if !m.soorten[soort] {
		return "", false, nil
	}
	if naam == "" {
		t, err := c.cat.typ(ctx, cl, typeURL)
		if err != nil {
			return "", false, err
		}
		naam = t.sleutelNaam()
	}
	doel, ok := m.opID[afspraak.Sleutel(soort, naam)]
	return doel, ok, nil
}

// zaaktypeURLs returns the source's zaaktype URLs whose zaken are collected: the mapped URLs
// and every version of the zaaktypen mapped by identificatie.
func (c *Collector) zaaktypeURLs(ctx context.Context, cl *client) ([]string, error) {
	m := cl.bron.mapping
	var out []string
	for u := range m.opURL {
		if s, err := afspraak.ParseBronSleutel(u); err == nil && s.Soort == afspraak.BronZaaktype {
			out = append(out, u)
		}
	}
	for k := range m.opID {
		s, err := afspraak.ParseBronSleutel(k)
		if err != nil || s.Soort != afspraak.BronZaaktype {
			continue
		}
		q := url.Values{"identificatie": {s.Identificatie}, "status": {"alles"}}
		zts, err := list[Zaaktype](ctx, cl, cl.bron.CatalogiAPI+"/zaaktypen?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("zaaktypen %s of %s: %w", s.Identificatie, cl.bron.Organisatie, err)
		}
		for i := range zts {
			c.cat.mu.Lock()
			c.cat.zaakty[zts[i].URL] = &zts[i]
			c.cat.mu.Unlock()
			out = append(out, zts[i].URL)
		}
	}
	return out, nil
}
