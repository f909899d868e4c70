package zgw

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// beslissing is what a pass does with one event, given what it did with it before.
type beslissing int

const (
	overslaan        beslissing = iota // in the dossier already (or dealt with), unchanged
	proberen                           // new, or changed in a way the dossier can take: record it
	nieuweVersie                       // a new version of a document in the dossier
	herstellen                         // was being recorded when a pass stopped: reconcile first
	opnieuw                            // refused before: retried only if the history before it changed
	gewijzigdNegeren                   // changed at the source in a way the dossier cannot take
)

func beslis(e *gebeurtenis, it *item) beslissing {
	switch {
	case it == nil:
		return proberen
	case it.Toestand == ItemBezig:
		return herstellen
	case e.soort == SoortDocument:
		switch {
		case e.versie > it.Versie && it.DossierID != "":
			return nieuweVersie
		case e.versie == it.Versie && it.Toestand != ItemOK:
			return opnieuw
		case it.Toestand == ItemOK:
			return overslaan
		}
		return proberen
	case it.Sleutel == e.sleutel:
		if it.Toestand == ItemOK {
			return overslaan
		}
		return opnieuw
	case it.Toestand == ItemGeweigerd:
		return proberen
	case e.soort == SoortEigenschap || e.soort == SoortResultaat:
		return proberen
	}
	return gewijzigdNegeren
}

// toepasser records the timeline of one group in its dossier.
type toepasser struct {
	c       *Collector
	g       *groep
	rap     *Rapport
	zt      *afspraak.Zaaktype
	dossier string
	known   map[string]*item
	claimed map[string]bool
	// rec is the dossier as it was when the pass began, read only to reconcile.
	rec     *dossier.Dossier
	changed bool
	done    []*item
}

func actorVan(l *lid) dossier.Actor {
	return dossier.Actor{Organisatie: l.bron.Organisatie, Rol: dossier.RolOrganisatie, TokenID: "zgw:" + l.bron.ClientID}
}

// apply records a fetched group in its dossier, creating the dossier when the organisation
// that registers zaken of its zaaktype is among the members, in time order and exactly once.
func (c *Collector) apply(ctx context.Context, g *groep, events []*gebeurtenis, rap *Rapport) error {
	urls := g.urls()
	defer c.bezig.lock(urls)()
	a := &toepasser{c: c, g: g, rap: rap, claimed: map[string]bool{}}
	var rows map[string]*zaakRij
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		if rows, err = getZaken(ctx, tx, urls); err != nil {
			return err
		}
		for _, r := range rows {
			if r.Dossier != "" && r.Dossier != a.dossier {
				if a.dossier != "" {
					return fmt.Errorf("the linked zaken belong to two dossiers, %s and %s: link them by hand or remove the link at the source: %w",
						a.dossier, r.Dossier, errPermanent)
				}
				a.dossier = r.Dossier
			}
		}
		a.known, err = loadItems(ctx, tx, a.dossier, urls)
		return err
	})
	if err != nil {
		return err
	}
	for _, l := range g.leden {
		if a.zt == nil {
			a.zt = l.zaaktype
		} else if a.zt != l.zaaktype {
			return fmt.Errorf("the linked zaken map onto two zaaktypen, %s and %s: %w", a.zt.Identificatie, l.zaaktype.Identificatie, errPermanent)
		}
	}
	for _, it := range a.known {
		if it.Toestand == ItemOK && it.DossierID != "" {
			a.claimed[it.DossierID] = true
		}
	}
	if a.dossier == "" {
		// A member registered as a dossier whose state was not written (it should be; this
		// keeps a lost update from ever making a second dossier).
		for _, it := range a.known {
			if it.Soort == SoortZaak && it.Toestand == ItemOK && it.DossierID != "" {
				a.dossier = it.DossierID
			}
		}
	}
	if a.dossier == "" {
		if a.dossier, err = c.kenmerkDossier(ctx, g, a.zt); err != nil {
			return err
		}
	}
	now := c.now()
	if a.dossier == "" {
		ok, err := a.create(ctx, events)
		if err != nil || !ok {
			return err
		}
	} else if err := c.db.Update(ctx, func(tx *sqldb.Tx) error {
		return setZaakState(ctx, tx, urls, a.dossier, ZaakOnvolledig, "", now)
	}); err != nil {
		return err
	}
	if err := a.markPending(ctx, events); err != nil {
		return err
	}
	if err := a.run(ctx, events); err != nil {
		if ferr := a.flush(context.WithoutCancel(ctx)); ferr != nil {
			c.log.ErrorContext(ctx, "record outcomes", "err", ferr)
		}
		return err
	}
	if err := a.flush(ctx); err != nil {
		return err
	}
	err = c.db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, l := range g.leden {
			if err := setZaakETag(ctx, tx, l.zaak.URL, l.etag); err != nil {
				return err
			}
		}
		var etags []*item
		for _, d := range g.docs {
			if it := a.known[d.url]; it != nil && d.unchanged && d.etag != "" && d.etag != it.ETag {
				it.ETag = d.etag
				etags = append(etags, it)
			}
		}
		if err := saveItems(ctx, tx, etags, c.now()); err != nil {
			return err
		}
		return setZaakState(ctx, tx, urls, a.dossier, ZaakVolledig, "", c.now())
	})
	if err != nil {
		return err
	}
	rap.zaak()
	return nil
}

// kenmerkDossier finds a dossier of zaakarchief a member names in a kenmerk (bron
// "zaakarchief"): a zaak registered through the capture API that this source works on.
func (c *Collector) kenmerkDossier(ctx context.Context, g *groep, zt *afspraak.Zaaktype) (string, error) {
	for _, l := range g.leden {
		for _, k := range l.zaak.Kenmerken {
			if !strings.EqualFold(k.Bron, KenmerkBronZaakarchief) || k.Kenmerk == "" {
				continue
			}
			var z *dossier.Zaak
			err := c.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
				var err error
				z, err = in.Zaak(ctx, k.Kenmerk)
				return err
			})
			if errors.Is(err, dossier.ErrNotFound) {
				g.waarschuw(l, l.zaak.URL, fmt.Sprintf("kenmerk names dossier %s, which does not exist", k.Kenmerk))
				continue
			}
			if err != nil {
				return "", err
			}
			if z.Zaaktype != zt.Identificatie {
				g.waarschuw(l, l.zaak.URL, fmt.Sprintf("kenmerk names dossier %s of zaaktype %s, not %s", k.Kenmerk, z.Zaaktype, zt.Identificatie))
				continue
			}
			return z.Identificatie, nil
		}
	}
	return "", nil
}

// create registers the dossier from the zaak of the organisation responsible for the first
// phase; without such a zaak the group waits. Its first status, when it is the first phase,
// becomes the registration. ok is false when nothing was created (reported).
func (a *toepasser) create(ctx context.Context, events []*gebeurtenis) (bool, error) {
	c := a.c
	eerste := a.zt.Eerste()
	var creator *lid
	for _, e := range events {
		if e.soort == SoortStatus && e.lid.bron.Organisatie == eerste.Verantwoordelijke {
			creator = e.lid
			break
		}
	}
	if creator == nil {
		for _, l := range a.g.leden {
			if l.bron.Organisatie == eerste.Verantwoordelijke {
				creator = l
				break
			}
		}
	}
	urls := a.g.urls()
	if creator == nil {
		reden := fmt.Sprintf("waits for the zaak of %s, which registers zaken of zaaktype %s (link it by relevanteAndereZaken or kenmerk)",
			eerste.Verantwoordelijke, a.zt.Identificatie)
		a.rap.melding(Melding{Soort: MeldingWacht, Bron: a.g.leden[0].bron.Organisatie, Zaak: a.g.leden[0].zaak.URL, Reden: reden})
		return false, c.db.Update(ctx, func(tx *sqldb.Tx) error {
			return setZaakState(ctx, tx, urls, "", ZaakWacht, reden, c.now())
		})
	}
	z := creator.zaak
	var first *gebeurtenis
	for _, e := range events {
		if e.soort == SoortStatus && e.lid == creator {
			first = e
			break
		}
	}
	n := dossier.GeimporteerdeZaak{NieuweZaak: dossier.NieuweZaak{Zaaktype: a.zt.Identificatie, Omschrijving: z.Omschrijving,
		Toelichting: z.Toelichting, Initiator: initiator(creator)}, Bron: z.URL}
	if d, err := dossier.ParseDatum(z.Startdatum); err == nil {
		n.Startdatum = &d
	}
	var consumed *gebeurtenis
	if first != nil {
		n.Sinds = first.tijd
		if st, ok := a.zt.StatustypeVoorBron(first.doel); ok && first.gemapt && st.Volgnummer == eerste.Volgnummer {
			consumed = first
			n.Statustoelichting = first.status.Statustoelichting
		}
	} else if t := fallbackTijd(creator); !t.IsZero() {
		n.Sinds = t
	}
	if n.Sinds.IsZero() && n.Startdatum != nil {
		n.Sinds = time.Date(n.Startdatum.Time().Year(), n.Startdatum.Time().Month(), n.Startdatum.Time().Day(), 0, 0, 0, 0, amsterdam)
	}
	actor := actorVan(creator)
	dz, err := c.svc.ImportZaak(ctx, actor, n, func(ctx context.Context, tx *sqldb.Tx, dz *dossier.Zaak) error {
		now := c.now()
		if err := setZaakState(ctx, tx, urls, dz.Identificatie, ZaakOnvolledig, "", now); err != nil {
			return err
		}
		items := []*item{{URL: z.URL, Bron: creator.bron.Organisatie, ZaakURL: z.URL, Dossier: dz.Identificatie, Soort: SoortZaak,
			Sleutel: sleutel(z.Identificatie), DossierID: dz.Identificatie, Toestand: ItemOK, Reden: "registered as dossier " + dz.Identificatie, Tijd: n.Sinds}}
		if consumed != nil {
			items = append(items, &item{URL: consumed.url, Bron: creator.bron.Organisatie, ZaakURL: z.URL, Dossier: dz.Identificatie,
				Soort: SoortStatus, Sleutel: consumed.sleutel, Toestand: ItemOK, Reden: "the first status: registered with the dossier", Tijd: consumed.tijd})
		}
		for _, it := range items {
			a.known[it.URL] = it
		}
		return saveItems(ctx, tx, items, now)
	})
	if err != nil {
		delete(a.known, z.URL)
		if consumed != nil {
			delete(a.known, consumed.url)
		}
		if _, reden, regel, final := uitkomst(err); final {
			a.rap.melding(Melding{Soort: MeldingGeweigerd, Bron: creator.bron.Organisatie, Zaak: z.URL, Resource: z.URL, Wat: SoortZaak, Reden: reden, Regel: regel})
			return false, c.db.Update(ctx, func(tx *sqldb.Tx) error {
				return setZaakState(ctx, tx, urls, "", ZaakFout, "the zaak could not be registered: "+reden, c.now())
			})
		}
		return false, err
	}
	a.dossier = dz.Identificatie
	a.changed = true
	a.rap.nieuwDossier()
	return true, nil
}

// initiator returns the name of the member's betrokkene in the generic role initiator.
func initiator(l *lid) string {
	rollen := append([]Rol(nil), l.rollen...)
	sort.SliceStable(rollen, func(i, j int) bool { return rollen[i].Registratiedatum.Before(rollen[j].Registratiedatum.Time) })
	for _, r := range rollen {
		if r.OmschrijvingGeneriek == "initiator" {
			return r.Naam()
		}
	}
	return ""
}

// markPending writes every event this pass will try as "bezig", in one transaction, before any
// of them is recorded: a crash from here on leaves a trace to reconcile.
func (a *toepasser) markPending(ctx context.Context, events []*gebeurtenis) error {
	var pending []*item
	for _, e := range events {
		it := a.known[e.url]
		switch beslis(e, it) {
		case proberen, nieuweVersie:
			p := a.itemFor(e, it)
			p.Toestand, p.Reden, p.Regel = ItemBezig, "", ""
			pending = append(pending, p)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	return a.c.db.Update(ctx, func(tx *sqldb.Tx) error { return saveItems(ctx, tx, pending, a.c.now()) })
}

// itemFor returns the bookkeeping row for an event: a copy of the known one (keeping the
// document and version it recorded) or a new one.
func (a *toepasser) itemFor(e *gebeurtenis, it *item) *item {
	out := &item{URL: e.url, Bron: e.lid.bron.Organisatie, ZaakURL: e.lid.zaak.URL, Dossier: a.dossier, Soort: e.soort,
		Sleutel: e.sleutel, Tijd: e.tijd, ETag: e.etag}
	if it != nil {
		out.DossierID, out.Versie = it.DossierID, it.Versie
		if e.soort != SoortDocument {
			out.Versie = e.versie
		}
	}
	return out
}

// run walks the timeline.
func (a *toepasser) run(ctx context.Context, events []*gebeurtenis) error {
	for _, e := range events {
		if err := ctx.Err(); err != nil {
			return err
		}
		it := a.known[e.url]
		b := beslis(e, it)
		switch b {
		case overslaan:
			a.rap.alAanwezig()
			continue
		case gewijzigdNegeren:
			p := a.itemFor(e, it)
			p.Toestand, p.Reden = it.Toestand, "changed at the source after it was recorded; the dossier keeps what was recorded"
			a.g.waarschuw(e.lid, e.url, fmt.Sprintf("%s changed at the source after it was recorded; the dossier keeps the recorded version", e.wat()))
			a.record(p)
			continue
		case opnieuw:
			if !a.changed {
				a.rap.alAanwezig()
				continue
			}
			p := a.itemFor(e, it)
			p.Toestand = ItemBezig
			if err := a.c.db.Update(ctx, func(tx *sqldb.Tx) error { return saveItems(ctx, tx, []*item{p}, a.c.now()) }); err != nil {
				return err
			}
		case herstellen:
			if id, ok, err := a.reconcile(ctx, e, it); err != nil {
				return err
			} else if ok {
				p := a.itemFor(e, it)
				p.Toestand, p.DossierID, p.Reden = ItemOK, id, "recorded before the previous pass stopped"
				if e.soort == SoortDocument {
					p.Versie = e.versie
				}
				a.record(p)
				a.changed = true
				continue
			}
			b = proberen
			if e.soort == SoortDocument && it.DossierID != "" {
				b = nieuweVersie
			}
		}
		id, reden, err := a.attempt(ctx, e, it, b)
		p := a.itemFor(e, it)
		if e.soort == SoortDocument {
			p.Versie = e.versie // refused or recorded, this version has been dealt with
		}
		if err != nil {
			toestand, why, regel, final := uitkomst(err)
			if !final {
				return fmt.Errorf("%s %s: %w", e.wat(), e.url, err)
			}
			p.Toestand, p.Reden, p.Regel = toestand, why, regel
			a.rap.melding(Melding{Soort: MeldingGeweigerd, Bron: e.lid.bron.Organisatie, Zaak: e.lid.zaak.URL, Dossier: a.dossier,
				Resource: e.url, Wat: e.wat(), Reden: why, Regel: regel})
			a.c.metrics.item(e.lid.bron.Organisatie, e.soort, ItemGeweigerd)
			a.record(p)
			continue
		}
		if a.c.itemHook != nil {
			a.c.itemHook(e.soort)
		}
		p.Toestand, p.Reden = ItemOK, reden
		if id != "" {
			p.DossierID = id
			a.claimed[id] = true
		}
		if reden == "" {
			a.changed = true
			a.rap.vastgelegd(e.soort)
			a.c.metrics.item(e.lid.bron.Organisatie, e.soort, ItemOK)
		}
		a.record(p)
	}
	return nil
}

// record keeps an outcome; outcomes are written in batches.
func (a *toepasser) record(p *item) {
	a.known[p.URL] = p
	a.done = append(a.done, p)
}

func (a *toepasser) flush(ctx context.Context) error {
	if len(a.done) == 0 {
		return nil
	}
	err := a.c.db.Update(ctx, func(tx *sqldb.Tx) error { return saveItems(ctx, tx, a.done, a.c.now()) })
	if err == nil {
		a.done = a.done[:0]
	}
	return err
}

// uitkomst sorts an error of the dossier: a refusal by the agreement, a conflict with the
// zaak's state or invalid data is final for this pass (recorded and reported); anything else
// (the database, the context, content that cannot be read) stops the group.
func uitkomst(err error) (toestand, reden, regel string, final bool) {
	var niet errNiet
	if errors.As(err, &niet) {
		return ItemGeweigerd, niet.reden, "mapping", true
	}
	for _, k := range []error{dossier.ErrRefused, dossier.ErrConflict, dossier.ErrInvalid, dossier.ErrForbidden, dossier.ErrTooLarge} {
		if errors.Is(err, k) {
			var f *dossier.Fout
			if errors.As(err, &f) {
				return ItemGeweigerd, f.Error(), f.Rule, true
			}
			return ItemGeweigerd, err.Error(), "", true
		}
	}
	return "", "", "", false
}
