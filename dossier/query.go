package dossier

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"zaakarchief/dossier/sqldb"
)

// rolesThatRead are the roles that may read a whole dossier.
var rolesThatRead = []string{RolOrganisatie, RolRecordmanager, RolArchivaris, RolAuditor, RolSysteem}

// Dossier returns everything recorded on a zaak that actor may see: a zaak outside its
// autorisatie is ErrNotFound, documents above its level are left out; a refusal is audited.
func (s *Service) Dossier(ctx context.Context, actor Actor, zaak string) (*Dossier, error) {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		s.logWeigering(ctx, actor, zaak, "", "dossier", err.Error())
		return nil, err
	}
	var d *Dossier
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		d, err = loadDossier(ctx, tx, zaak)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !s.zaakZichtbaar(actor, &d.Zaak) {
		s.logWeigering(ctx, actor, zaak, "", "dossier", redenOnzichtbaar)
		return nil, nietZichtbaar(zaak)
	}
	s.filterDossier(actor, d)
	if zt, ok := s.afspraak.Zaaktype(d.Zaak.Zaaktype); ok {
		for i := range d.Statussen {
			if st, ok := zt.Statustype(d.Statussen[i].Volgnummer); ok {
				d.Statussen[i].Statustype = st.Omschrijving
			}
		}
	}
	return d, nil
}

// StatusOverzicht is the one status of a zaak for the client and the KCC: no documents, no
// internal notes.
type StatusOverzicht struct {
	Identificatie    string       `json:"identificatie"`
	Zaaktype         string       `json:"zaaktype"`
	Omschrijving     string       `json:"omschrijving"`
	Startdatum       Datum        `json:"startdatum"`
	EinddatumGepland *Datum       `json:"einddatumGepland"`
	Einddatum        *Datum       `json:"einddatum"`
	Afgesloten       bool         `json:"afgesloten"`
	Status           StatusStap   `json:"status"`
	Geschiedenis     []StatusStap `json:"geschiedenis"`
}

// StatusStap is one phase the zaak was in.
type StatusStap struct {
	Volgnummer   int       `json:"volgnummer"`
	Omschrijving string    `json:"omschrijving"`
	Datum        time.Time `json:"datum"`
	IsEindstatus bool      `json:"isEindstatus"`
}

// ZaakStatus returns the status of a zaak as the client and the KCC see it.
func (s *Service) ZaakStatus(ctx context.Context, actor Actor, zaak string) (*StatusOverzicht, error) {
	if err := requireRole(actor, append([]string{RolKCC}, rolesThatRead...)...); err != nil {
		return nil, err
	}
	d, err := s.Dossier(ctx, Actor{Rol: RolSysteem}, zaak)
	if err != nil {
		return nil, err
	}
	if actor.Rol != RolKCC && !s.zaakZichtbaar(actor, &d.Zaak) {
		s.logWeigering(ctx, actor, zaak, "", "status", redenOnzichtbaar)
		return nil, nietZichtbaar(zaak)
	}
	zt, err := s.zaaktypeOf(&d.Zaak)
	if err != nil {
		return nil, err
	}
	o := &StatusOverzicht{Identificatie: d.Zaak.Identificatie, Zaaktype: zt.Omschrijving, Omschrijving: d.Zaak.Omschrijving,
		Startdatum: d.Zaak.Startdatum, EinddatumGepland: d.Zaak.EinddatumGepland, Einddatum: d.Zaak.Einddatum, Afgesloten: d.Zaak.Einddatum != nil}
	for _, st := range d.Statussen {
		stap := StatusStap{Volgnummer: st.Volgnummer, Omschrijving: st.Statustype, Datum: st.DatumStatusGezet}
		if t, ok := zt.Statustype(st.Volgnummer); ok {
			stap.IsEindstatus = t.IsEindstatus
		}
		o.Geschiedenis = append(o.Geschiedenis, stap)
	}
	if n := len(o.Geschiedenis); n > 0 {
		o.Status = o.Geschiedenis[n-1]
	}
	return o, nil
}

// OpenDocument returns a document's metadata and content. A document above the actor's level
// is answered as one that does not exist (it is not listed either); every read, allowed or
// refused, is recorded in the access log.
func (s *Service) OpenDocument(ctx context.Context, actor Actor, zaak, id string) (*Document, io.ReadCloser, error) {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		s.logWeigering(ctx, actor, zaak, id, VerwerkingDocumentInhoud, err.Error())
		return nil, nil, err
	}
	d, err := s.Dossier(ctx, Actor{Rol: RolSysteem}, zaak)
	if err != nil {
		return nil, nil, err
	}
	if !s.zaakZichtbaar(actor, &d.Zaak) {
		s.logWeigering(ctx, actor, zaak, id, VerwerkingDocumentInhoud, redenOnzichtbaar)
		return nil, nil, nietZichtbaar(zaak)
	}
	for i := range d.Documenten {
		if d.Documenten[i].ID != id {
			continue
		}
		if !s.documentZichtbaar(actor, &d.Zaak, &d.Documenten[i]) {
			s.logWeigering(ctx, actor, zaak, id, VerwerkingDocumentInhoud, fmt.Sprintf("document is %s, boven de autorisatie", d.Documenten[i].Vertrouwelijkheidaanduiding))
			return nil, nil, notFound("document %s is not in zaak %s", id, zaak)
		}
		if err := s.LogVerwerking(ctx, actor, zaak, id, VerwerkingDocumentInhoud, true, ""); err != nil {
			return nil, nil, err
		}
		rc, err := s.blobs.Open(ctx, d.Documenten[i].SHA256)
		if err != nil {
			return nil, nil, fmt.Errorf("open document %s: %w", id, err)
		}
		return &d.Documenten[i], rc, nil
	}
	return nil, nil, notFound("document %s is not in zaak %s", id, zaak)
}

// ZakenQuery selects a page of zaken for the list endpoint.
type ZakenQuery struct {
	Zaaktype string
	// Fase is a volgnummer or a statustype omschrijving; empty means any.
	Fase string
	// Organisatie keeps zaken in a phase this organisation is responsible for.
	Organisatie string
	Page        int
	PageSize    int
}

// ZakenPage is one page of a zaken list.
type ZakenPage struct {
	Count   int    `json:"count"`
	Page    int    `json:"page"`
	Next    *int   `json:"next"`
	Results []Zaak `json:"results"`
}

// ListZaken returns a page of zaken that match q.
func (s *Service) ListZaken(ctx context.Context, actor Actor, q ZakenQuery) (*ZakenPage, error) {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		return nil, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize <= 0 || q.PageSize > 500 {
		q.PageSize = 100
	}
	f := ZaakFilter{Zaaktype: q.Zaaktype}
	if q.Zaaktype != "" {
		if _, ok := s.afspraak.Zaaktype(q.Zaaktype); !ok {
			return nil, invalid("zaaktype", "%q is not a zaaktype of the agreement", q.Zaaktype)
		}
	}
	if q.Organisatie != "" {
		if _, ok := s.afspraak.Organisatie(q.Organisatie); !ok {
			return nil, invalid("organisatie", "%q is not an organisation of the agreement", q.Organisatie)
		}
	}
	f.Fasen = map[string][]int{}
	for _, zt := range s.afspraak.Zaaktypen {
		if q.Zaaktype != "" && zt.Identificatie != q.Zaaktype {
			continue
		}
		var fasen []int
		for _, st := range zt.Statustypen {
			if q.Organisatie != "" && st.Verantwoordelijke != q.Organisatie {
				continue
			}
			if q.Fase != "" && fmt.Sprint(st.Volgnummer) != q.Fase && !strings.EqualFold(st.Omschrijving, q.Fase) {
				continue
			}
			fasen = append(fasen, st.Volgnummer)
		}
		if len(fasen) > 0 {
			f.Fasen[zt.Identificatie] = fasen
		}
	}
	if q.Fase == "" && q.Organisatie == "" {
		f.Fasen = nil
	}
	s.zichtbaarFilter(actor, &f)
	page := &ZakenPage{Page: q.Page, Results: []Zaak{}}
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		n, err := countZaken(ctx, tx, f)
		if err != nil {
			return err
		}
		page.Count = n
		f.Offset, f.Limit = (q.Page-1)*q.PageSize, q.PageSize
		zaken, err := listZaken(ctx, tx, f)
		if err != nil {
			return err
		}
		page.Results = append(page.Results, zaken...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.Page*q.PageSize < page.Count {
		next := q.Page + 1
		page.Next = &next
	}
	return page, nil
}
