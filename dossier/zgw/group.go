package zgw

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// KenmerkBronZaakarchief is the bron of a zaak's kenmerk that names a dossier of zaakarchief:
// an organisation whose zaak belongs to a dossier registered through the capture API links it
// with kenmerk {bron: "zaakarchief", kenmerk: "ZAAK-2026-0000001"}.
const KenmerkBronZaakarchief = "zaakarchief"

// linkKeys returns the keys that link a source zaak to the other zaken of its dossier: its own
// URL and those of its relevanteAndereZaken; its bronorganisatie and identificatie (unique in
// ZGW per bronorganisatie), and the identificaties its kenmerken name in another organisation's
// administration; the kenmerken themselves (a kenmerk two zaken share); and a dossier of
// zaakarchief a kenmerk names.
func linkKeys(a *afspraak.Afspraak, z *Zaak) []string {
	keys := []string{"url:" + z.URL}
	for _, r := range z.RelevanteAndereZaken {
		if r.URL != "" {
			keys = append(keys, "url:"+r.URL)
		}
	}
	if z.Identificatie != "" {
		keys = append(keys, "id:"+z.Bronorganisatie+"/"+z.Identificatie)
	}
	for _, k := range z.Kenmerken {
		if k.Kenmerk == "" {
			continue
		}
		keys = append(keys, "kenmerk:"+k.Bron+"/"+k.Kenmerk)
		if strings.EqualFold(k.Bron, KenmerkBronZaakarchief) {
			keys = append(keys, "dossier:"+k.Kenmerk)
		}
		if o := organisatieVan(a, k.Bron); o != nil {
			keys = append(keys, "id:"+o.RSIN+"/"+k.Kenmerk)
		}
	}
	return keys
}

// organisatieVan finds the organisation a kenmerk's bron names: by id, RSIN or name.
func organisatieVan(a *afspraak.Afspraak, bron string) *afspraak.Organisatie {
	for i := range a.Organisaties {
		o := &a.Organisaties[i]
		if strings.EqualFold(o.ID, bron) || o.RSIN == bron || strings.EqualFold(o.Naam, bron) {
			return o
		}
	}
	return nil
}

// listBron lists the zaken of the source's mapped zaaktypen and records them with their link
// keys. With sinds, it asks only for open zaken and zaken closed since (the date filters of
// the Zaken API) and skips those whose laatstGemuteerd is older.
func (c *Collector) listBron(ctx context.Context, b *Bron, sinds time.Time, listed map[string]*Zaak) (int, error) {
	if b.fout != "" {
		return 0, errors.New(b.fout)
	}
	cl := c.clients[b.Organisatie]
	zts, err := c.zaaktypeURLs(ctx, cl)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ztURL := range zts {
		zt, err := c.zaaktypeDoel(ctx, cl, ztURL)
		if err != nil {
			return n, err
		}
		if zt == nil {
			continue
		}
		var queries []url.Values
		if sinds.IsZero() {
			queries = []url.Values{{"zaaktype": {ztURL}}}
		} else {
			queries = []url.Values{
				{"zaaktype": {ztURL}, "einddatum__isnull": {"true"}},
				{"zaaktype": {ztURL}, "einddatum__gt": {sinds.In(amsterdam).AddDate(0, 0, -1).Format(time.DateOnly)}},
			}
		}
		for _, q := range queries {
			zaken, err := list[Zaak](ctx, cl, b.ZakenAPI+"/zaken?"+q.Encode())
			if err != nil {
				return n, fmt.Errorf("list zaken of zaaktype %s: %w", ztURL, err)
			}
			var keep []*Zaak
			for i := range zaken {
				z := &zaken[i]
				if !sinds.IsZero() && !z.LaatstGemuteerd.IsZero() && z.LaatstGemuteerd.Before(sinds) {
					continue
				}
				if _, dup := listed[z.URL]; dup {
					continue
				}
				keep = append(keep, z)
			}
			if err := c.saveZaken(ctx, b, zt.Identificatie, keep); err != nil {
				return n, err
			}
			for _, z := range keep {
				listed[z.URL] = z
			}
			n += len(keep)
		}
	}
	return n, nil
}

// saveZaken records source zaken and their link keys in one transaction.
func (c *Collector) saveZaken(ctx context.Context, b *Bron, zaaktype string, zaken []*Zaak) error {
	if len(zaken) == 0 {
		return nil
	}
	now := c.now()
	return c.db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, z := range zaken {
			row := zaakRij{URL: z.URL, Bron: b.Organisatie, Identificatie: z.Identificatie, Zaaktype: zaaktype, LaatstGemuteerd: z.LaatstGemuteerd.Time}
			if err := saveZaak(ctx, tx, row, linkKeys(c.svc.Afspraak(), z), now); err != nil {
				return err
			}
		}
		return nil
	})
}

// discover completes a group with the zaken its members point at in other sources: their
// relevanteAndereZaken, and the zaken their kenmerken name in another organisation's source
// (found by identificatie). Zaken of zaaktypen the mapping does not know are left out.
func (c *Collector) discover(ctx context.Context, g *groep) error {
	for i := 0; i < len(g.leden); i++ {
		l := g.leden[i]
		var kandidaten []string
		for _, r := range l.zaak.RelevanteAndereZaken {
			if !g.heeft(r.URL) {
				kandidaten = append(kandidaten, r.URL)
			}
		}
		for _, u := range kandidaten {
			cl, ok := c.clientFor(u)
			if !ok {
				g.waarschuw(l, "", fmt.Sprintf("relevanteAndereZaak %s is not in a source of the agreement: not followed", u))
				continue
			}
			z := new(Zaak)
			etag, _, err := cl.getJSON(ctx, u, "", z)
			if err != nil {
				return fmt.Errorf("linked zaak %s: %w", u, err)
			}
			if err := c.addLid(ctx, g, cl, z, etag); err != nil {
				return err
			}
		}
		for _, k := range l.zaak.Kenmerken {
			o := organisatieVan(c.svc.Afspraak(), k.Bron)
			if o == nil || o.ID == l.bron.Organisatie || k.Kenmerk == "" || g.heeftBron(o.ID) {
				continue
			}
			cl, ok := c.clients[o.ID]
			if !ok || cl.bron.fout != "" {
				continue
			}
			q := url.Values{"identificatie": {k.Kenmerk}, "bronorganisatie": {o.RSIN}}
			zaken, err := list[Zaak](ctx, cl, cl.bron.ZakenAPI+"/zaken?"+q.Encode())
			if err != nil {
				return fmt.Errorf("zaak %s of %s named by a kenmerk: %w", k.Kenmerk, o.ID, err)
			}
			for i := range zaken {
				if !g.heeft(zaken[i].URL) {
					if err := c.addLid(ctx, g, cl, &zaken[i], ""); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// addLid adds a zaak found through a link to the group when its zaaktype is mapped, and
// records it.
func (c *Collector) addLid(ctx context.Context, g *groep, cl *client, z *Zaak, etag string) error {
	zt, err := c.zaaktypeDoel(ctx, cl, z.Zaaktype)
	if err != nil {
		return err
	}
	if zt == nil {
		return nil
	}
	if err := c.saveZaken(ctx, cl.bron, zt.Identificatie, []*Zaak{z}); err != nil {
		return err
	}
	g.leden = append(g.leden, &lid{bron: cl.bron, cl: cl, zaak: z, etag: etag, zaaktype: zt})
	return nil
}
