package zgw

import (
	"context"
	"sort"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
)

// The kinds of resource the collector records (zgw_items.soort).
const (
	SoortZaak       = "zaak"
	SoortStatus     = "status"
	SoortDocument   = "document"
	SoortBesluit    = "besluit"
	SoortEigenschap = "eigenschap"
	SoortResultaat  = "resultaat"
	SoortRol        = "rol"
)

// gebeurtenis is one thing that happened at a source: a part of a zaak to record in the
// dossier, at the time it happened there.
type gebeurtenis struct {
	tijd  time.Time
	orde  int
	lid   *lid
	soort string
	url   string
	// doel is the agreement's name for the part's type; gemapt is false when the mapping does
	// not know the type (the part is reported, not recorded).
	doel    string
	gemapt  bool
	sleutel string
	versie  int
	etag    string
	// ongedateerd is true when the source gives no date: the audit trail or the fallback
	// rule dates it.
	ongedateerd bool

	status  *Status
	doc     *docFetch
	besluit *Besluit
	eig     *ZaakEigenschap
	res     *Resultaat
	rol     *Rol
}

// wat names the part for the report.
func (e *gebeurtenis) wat() string {
	if e.doel != "" {
		return e.soort + " " + e.doel
	}
	return e.soort
}

// ordeVan orders parts that happened at the same moment: what was recorded in a phase comes
// before the status that ends it, and a resultaat right before the eindstatus.
func ordeVan(soort string) int {
	switch soort {
	case SoortZaak:
		return 0
	case SoortResultaat:
		return 2
	case SoortStatus:
		return 3
	}
	return 1
}

// events builds the timeline of a group: every part of every member zaak, mapped onto the
// agreement, keyed for change detection and dated; the parts ZGW leaves undated
// (zaakeigenschappen, resultaten, besluiten) by the audit trail when they must be recorded, else
// by the fallback rule: just before the member's last status. The timeline is in time order.
func (c *Collector) events(ctx context.Context, g *groep, known map[string]*item) ([]*gebeurtenis, error) {
	var out []*gebeurtenis
	add := func(e *gebeurtenis) {
		e.orde = ordeVan(e.soort)
		out = append(out, e)
	}
	for _, l := range g.leden {
		cl := l.cl
		for i := range l.statussen {
			s := &l.statussen[i]
			doel, ok, err := c.typeDoel(ctx, cl, afspraak.BronStatustype, s.Statustype, "")
			if err != nil {
				return nil, err
			}
			add(&gebeurtenis{tijd: s.DatumStatusGezet.Time, lid: l, soort: SoortStatus, url: s.URL, doel: doel, gemapt: ok, status: s,
				sleutel: sleutel(doel, fmtTime(s.DatumStatusGezet.Time), s.Statustoelichting)})
		}
		for i := range l.rollen {
			r := &l.rollen[i]
			doel, ok, err := c.typeDoel(ctx, cl, afspraak.BronRoltype, r.Roltype, r.Omschrijving)
			if err != nil {
				return nil, err
			}
			add(&gebeurtenis{tijd: r.Registratiedatum.Time, ongedateerd: r.Registratiedatum.IsZero(), lid: l, soort: SoortRol, url: r.URL,
				doel: doel, gemapt: ok, rol: r, sleutel: sleutel(doel, r.Naam(), r.Roltoelichting)})
		}
		for i := range l.eigenschappen {
			e := &l.eigenschappen[i]
			doel, ok, err := c.typeDoel(ctx, cl, afspraak.BronEigenschap, e.Eigenschap, e.Naam)
			if err != nil {
				return nil, err
			}
			add(&gebeurtenis{ongedateerd: true, lid: l, soort: SoortEigenschap, url: e.URL, doel: doel, gemapt: ok, eig: e,
				sleutel: sleutel(doel, e.Waarde)})
		}
		if r := l.resultaat; r != nil {
			doel, ok, err := c.typeDoel(ctx, cl, afspraak.BronResultaattype, r.Resultaattype, "")
			if err != nil {
				return nil, err
			}
			add(&gebeurtenis{ongedateerd: true, lid: l, soort: SoortResultaat, url: r.URL, doel: doel, gemapt: ok, res: r,
				sleutel: sleutel(doel, r.Toelichting)})
		}
		for i := range l.besluiten {
			b := &l.besluiten[i]
			bcl, okc := c.clientFor(b.Besluittype)
			if !okc {
				bcl = cl
			}
			doel, ok, err := c.typeDoel(ctx, bcl, afspraak.BronBesluittype, b.Besluittype, "")
			if err != nil {
				return nil, err
			}
			verval := ""
			if b.Vervaldatum != nil {
				verval = *b.Vervaldatum
			}
			add(&gebeurtenis{ongedateerd: true, lid: l, soort: SoortBesluit, url: b.URL, doel: doel, gemapt: ok, besluit: b,
				sleutel: sleutel(doel, b.Datum, b.Ingangsdatum, verval, b.Toelichting)})
		}
	}
	for _, d := range g.docs {
		if d.unchanged || d.eio == nil {
			continue
		}
		doel, ok, err := c.typeDoel(ctx, d.cl, afspraak.BronInformatieobjecttype, d.eio.Informatieobjecttype, "")
		if err != nil {
			return nil, err
		}
		t := d.zio.Registratiedatum.Time
		if it := known[d.url]; it != nil && it.DossierID != "" && d.eio.Versie > it.Versie && !d.eio.BeginRegistratie.IsZero() {
			t = d.eio.BeginRegistratie.Time // a new version happened when it was registered
		}
		sha := ""
		if d.spool != nil {
			sha = d.spool.sha
		}
		add(&gebeurtenis{tijd: t, ongedateerd: t.IsZero(), lid: d.lid, soort: SoortDocument, url: d.url, doel: doel, gemapt: ok, doc: d,
			versie: d.eio.Versie, etag: d.etag, sleutel: sleutel(doel, d.eio.Titel, sha)})
	}
	if err := c.date(ctx, out, known); err != nil {
		return nil, err
	}
	leden := map[*lid]int{}
	for i, l := range g.leden {
		leden[l] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.tijd.Equal(b.tijd) {
			return a.tijd.Before(b.tijd)
		}
		if a.orde != b.orde {
			return a.orde < b.orde
		}
		if leden[a.lid] != leden[b.lid] {
			return leden[a.lid] < leden[b.lid]
		}
		return a.url < b.url
	})
	return out, nil
}

// date gives the undated events a time: from the audit trail when they may be recorded in this
// pass, else (and when the trail does not know them) just before the member's last status.
func (c *Collector) date(ctx context.Context, events []*gebeurtenis, known map[string]*item) error {
	need := map[*lid][]string{}
	for _, e := range events {
		if !e.ongedateerd {
			continue
		}
		it := known[e.url]
		if it == nil || it.Toestand != ItemOK || it.Sleutel != e.sleutel {
			if _, ok := need[e.lid]; !ok {
				need[e.lid] = nil
			}
			if e.soort == SoortBesluit {
				need[e.lid] = append(need[e.lid], e.url)
			}
		}
	}
	for l, besluiten := range need {
		if err := c.fetchAudit(ctx, l, besluiten); err != nil {
			return err
		}
	}
	for _, e := range events {
		if !e.ongedateerd {
			continue
		}
		if t, ok := e.lid.audit[e.url]; ok {
			e.tijd = t
			continue
		}
		e.tijd = fallbackTijd(e.lid)
	}
	return nil
}

// fallbackTijd is the time of an undated part without audit trail: just before the member's
// last status (the part was recorded while the organisation still held the zaak), or the
// start of its registratiedatum when it has no status.
func fallbackTijd(l *lid) time.Time {
	var last time.Time
	for _, s := range l.statussen {
		if s.DatumStatusGezet.After(last) {
			last = s.DatumStatusGezet.Time
		}
	}
	if !last.IsZero() {
		return last.Add(-time.Millisecond)
	}
	if t, err := time.ParseInLocation(time.DateOnly, l.zaak.Registratiedatum, amsterdam); err == nil {
		return t
	}
	return time.Time{}
}

func sleutel(parts ...string) string {
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, "|", "\\|")
	}
	return strings.Join(parts, "|")
}

// errNiet is a part the collector does not record, with why (not an error of the pass).
type errNiet struct{ reden string }

func (e errNiet) Error() string { return e.reden }
