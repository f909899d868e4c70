package zgw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// groep is the source zaken that make one dossier, with everything fetched for them.
type groep struct {
	leden []*lid
	docs  map[string]*docFetch

	mu             sync.Mutex
	waarschuwingen []Melding
}

func (g *groep) heeft(u string) bool {
	for _, l := range g.leden {
		if l.zaak.URL == u {
			return true
		}
	}
	return false
}

func (g *groep) heeftBron(org string) bool {
	for _, l := range g.leden {
		if l.bron.Organisatie == org {
			return true
		}
	}
	return false
}

func (g *groep) urls() []string {
	out := make([]string, len(g.leden))
	for i, l := range g.leden {
		out[i] = l.zaak.URL
	}
	return out
}

func (g *groep) waarschuw(l *lid, resource, reden string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := Melding{Soort: MeldingWaarschuwing, Resource: resource, Reden: reden}
	if l != nil {
		m.Bron, m.Zaak = l.bron.Organisatie, l.zaak.URL
	}
	g.waarschuwingen = append(g.waarschuwingen, m)
}

// close removes the spooled documents.
func (g *groep) close() {
	for _, d := range g.docs {
		if d.spool != nil {
			d.spool.Close()
		}
	}
}

// lid is one source zaak of a group and what its source holds on it.
type lid struct {
	bron     *Bron
	cl       *client
	zaak     *Zaak
	etag     string
	zaaktype *afspraak.Zaaktype

	statussen     []Status
	resultaat     *Resultaat
	rollen        []Rol
	eigenschappen []ZaakEigenschap
	zios          []ZaakInformatieObject
	besluiten     []Besluit
	// audit holds, per resource URL, when its audit trail last changed it; zaakAangemaakt when
	// the zaak was created. Read only when an undated part needs a date.
	audit          map[string]time.Time
	zaakAangemaakt time.Time
}

// docFetch is one document of a group: its metadata and, when it must be recorded, its
// verified content.
type docFetch struct {
	url       string
	eio       *EnkelvoudigInformatieObject
	etag      string
	zio       *ZaakInformatieObject
	lid       *lid
	cl        *client
	spool     *spool
	unchanged bool
}

// syncGroup fetches and applies one group. Every outcome goes into the report; nothing here
// stops the other groups.
func (c *Collector) syncGroup(ctx context.Context, urls []string, listed map[string]*Zaak, rap *Rapport) {
	g := &groep{docs: map[string]*docFetch{}}
	defer g.close()
	defer func() { rap.waarschuwingen(g.waarschuwingen) }()
	known, err := c.fetchGroup(ctx, g, urls, listed)
	var events []*gebeurtenis
	if err == nil && len(g.leden) > 0 {
		events, err = c.events(ctx, g, known)
	}
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		c.failGroup(ctx, g, urls, err, rap)
		return
	}
	if len(g.leden) == 0 {
		return
	}
	if err := c.apply(ctx, g, events, rap); err != nil && ctx.Err() == nil {
		c.failGroup(ctx, g, g.urls(), err, rap)
	}
}

// failGroup records that a group could not be synced in this pass.
func (c *Collector) failGroup(ctx context.Context, g *groep, urls []string, err error, rap *Rapport) {
	c.log.ErrorContext(ctx, "zaak not synced", "zaken", urls, "err", err)
	if len(g.leden) > 0 {
		urls = g.urls()
	}
	bron := ""
	if cl, ok := c.clientFor(urls[0]); ok {
		bron = cl.bron.Organisatie
	}
	rap.melding(Melding{Soort: MeldingFout, Bron: bron, Zaak: urls[0], Reden: err.Error()})
	c.metrics.zaakFout(bron)
	uerr := c.db.Update(context.WithoutCancel(ctx), func(tx *sqldb.Tx) error {
		return setZaakState(ctx, tx, urls, "", ZaakFout, truncate(err.Error(), 2000), c.now())
	})
	if uerr != nil {
		c.log.ErrorContext(ctx, "record failed zaak", "err", uerr)
	}
}

// fetchGroup reads every member zaak of the group and everything on it, with the documents'
// content, before anything is recorded.
func (c *Collector) fetchGroup(ctx context.Context, g *groep, urls []string, listed map[string]*Zaak) (map[string]*item, error) {
	for _, u := range urls {
		cl, ok := c.clientFor(u)
		if !ok {
			g.waarschuw(nil, u, "the zaak is in no source of the agreement (any more): left out")
			continue
		}
		z, etag := listed[u], ""
		if z == nil {
			z = new(Zaak)
			var err error
			if etag, _, err = cl.getJSON(ctx, u, "", z); err != nil {
				var he *HTTPError
				if errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone) {
					g.waarschuw(nil, u, "the source no longer has the zaak: left out")
					continue
				}
				return nil, fmt.Errorf("zaak %s: %w", u, err)
			}
		}
		zt, err := c.zaaktypeDoel(ctx, cl, z.Zaaktype)
		if err != nil {
			return nil, err
		}
		if zt == nil {
			continue
		}
		if _, ok := listed[u]; !ok {
			// Not listed in this pass (a notified zaak, an unfinished one): record it and its
			// links as they are now.
			if err := c.saveZaken(ctx, cl.bron, zt.Identificatie, []*Zaak{z}); err != nil {
				return nil, err
			}
		}
		g.leden = append(g.leden, &lid{bron: cl.bron, cl: cl, zaak: z, etag: etag, zaaktype: zt})
	}
	if err := c.discover(ctx, g); err != nil {
		return nil, err
	}
	var known map[string]*item
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		known, err = loadItems(ctx, tx, "", g.urls())
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, l := range g.leden {
		if err := c.fetchLid(ctx, g, l, known); err != nil {
			return nil, fmt.Errorf("zaak %s of %s: %w", l.zaak.URL, l.bron.Organisatie, err)
		}
	}
	return known, nil
}

// fetchLid reads the parts of one member zaak.
func (c *Collector) fetchLid(ctx context.Context, g *groep, l *lid, known map[string]*item) error {
	cl := l.cl
	q := url.Values{"zaak": {l.zaak.URL}}.Encode()
	var err error
	if l.statussen, err = list[Status](ctx, cl, l.bron.ZakenAPI+"/statussen?"+q); err != nil {
		return err
	}
	if l.rollen, err = list[Rol](ctx, cl, l.bron.ZakenAPI+"/rollen?"+q); err != nil {
		return err
	}
	if _, _, err = cl.getJSON(ctx, l.bron.ZakenAPI+"/zaakinformatieobjecten?"+q, "", &l.zios); err != nil {
		return err
	}
	if _, _, err = cl.getJSON(ctx, strings.TrimSuffix(l.zaak.URL, "/")+"/zaakeigenschappen", "", &l.eigenschappen); err != nil {
		return err
	}
	if l.zaak.Resultaat != nil && *l.zaak.Resultaat != "" {
		l.resultaat = new(Resultaat)
		if _, _, err = cl.getJSON(ctx, *l.zaak.Resultaat, "", l.resultaat); err != nil {
			return err
		}
	}
	if l.bron.BesluitenAPI != "" {
		if l.besluiten, err = list[Besluit](ctx, cl, l.bron.BesluitenAPI+"/besluiten?"+q); err != nil {
			return err
		}
	}
	for i := range l.zios {
		if err := c.fetchDoc(ctx, g, l, &l.zios[i], known); err != nil {
			return err
		}
	}
	return nil
}

// fetchDoc reads the document a zaakinformatieobject points at and downloads its content when
// it is new or a new version. The same document linked from two zaken is fetched once.
func (c *Collector) fetchDoc(ctx context.Context, g *groep, l *lid, zio *ZaakInformatieObject, known map[string]*item) error {
	u := stripQuery(zio.Informatieobject)
	if d, ok := g.docs[u]; ok {
		if zio.Registratiedatum.Before(d.zio.Registratiedatum.Time) {
			d.zio, d.lid = zio, l
		}
		return nil
	}
	cl, ok := c.clientFor(u)
	if !ok {
		g.waarschuw(l, u, "the document is in no source of the agreement: not collected")
		return nil
	}
	d := &docFetch{url: u, zio: zio, lid: l, cl: cl}
	it := known[u]
	etag := ""
	if it != nil && it.Toestand == ItemOK {
		etag = it.ETag
	}
	eio := new(EnkelvoudigInformatieObject)
	newETag, notModified, err := cl.getJSON(ctx, u, etag, eio)
	if err != nil {
		return fmt.Errorf("document %s: %w", u, err)
	}
	d.etag = newETag
	g.docs[u] = d
	if notModified {
		d.unchanged = true
		return nil
	}
	d.eio = eio
	if it != nil && it.Versie == eio.Versie && it.Toestand != ItemBezig {
		d.unchanged = it.Toestand == ItemOK
		return nil // unchanged, or refused before: its content is fetched only if it is retried
	}
	return c.downloadDoc(ctx, g, d)
}

// downloadDoc fetches a document's verified content into its spool.
func (c *Collector) downloadDoc(ctx context.Context, g *groep, d *docFetch) error {
	if d.spool != nil {
		return nil
	}
	sp, supported, err := d.cl.download(ctx, d.eio, c.spoolDir)
	if err != nil {
		return fmt.Errorf("content of document %s: %w", d.url, err)
	}
	if !supported {
		g.waarschuw(d.lid, d.url, fmt.Sprintf("integriteit algorithm %q cannot be checked here: content taken on its size", d.eio.Integriteit.Algoritme))
	}
	d.spool = sp
	return nil
}

// fetchAudit reads the audit trails that date a member's undated parts.
func (c *Collector) fetchAudit(ctx context.Context, l *lid, besluiten []string) error {
	if l.audit != nil {
		return nil
	}
	l.audit = map[string]time.Time{}
	var trail []AuditTrail
	if _, _, err := l.cl.getJSON(ctx, strings.TrimSuffix(l.zaak.URL, "/")+"/audittrail", "", &trail); err != nil {
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			return nil // a source without audit trail: the parts get a date by the fallback rule
		}
		return fmt.Errorf("audit trail of %s: %w", l.zaak.URL, err)
	}
	for _, b := range besluiten {
		var bt []AuditTrail
		if _, _, err := l.cl.getJSON(ctx, strings.TrimSuffix(b, "/")+"/audittrail", "", &bt); err != nil {
			var he *HTTPError
			if errors.As(err, &he) && he.Status == http.StatusNotFound {
				continue
			}
			return fmt.Errorf("audit trail of %s: %w", b, err)
		}
		trail = append(trail, bt...)
	}
	for _, e := range trail {
		t := e.Aanmaakdatum.Time
		if e.ResourceURL == l.zaak.URL && e.Actie == "create" && (l.zaakAangemaakt.IsZero() || t.Before(l.zaakAangemaakt)) {
			l.zaakAangemaakt = t
		}
		if e.Actie == "destroy" {
			continue
		}
		if t.After(l.audit[e.ResourceURL]) {
			l.audit[e.ResourceURL] = t
		}
	}
	return nil
}

func stripQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}
