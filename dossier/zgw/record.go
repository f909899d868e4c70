package zgw

import (
	"context"
	"fmt"
	"io"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// This file records single events through the dossier service and reconciles an event that
// was being recorded when a pass stopped.

// attempt records one event through the dossier service. It returns the ID of what it
// recorded, or a reason when there was nothing to record (a status of the phase the zaak is in).
func (a *toepasser) attempt(ctx context.Context, e *gebeurtenis, it *item, b beslissing) (string, string, error) {
	if !e.gemapt {
		return "", "", errNiet{fmt.Sprintf("the mapping of %s does not know this %stype", e.lid.bron.Organisatie, e.soort)}
	}
	svc := a.c.svc
	actor := actorVan(e.lid)
	switch e.soort {
	case SoortStatus:
		if e.doel == "" {
			return "", "the mapping ties this statustype to no phase of the agreement: ignored", nil
		}
		st, ok := a.zt.StatustypeVoorBron(e.doel)
		if !ok {
			return "", "", errNiet{fmt.Sprintf("statustype %q is not a phase of zaaktype %s", e.doel, a.zt.Identificatie)}
		}
		fase, err := a.fase(ctx)
		if err != nil {
			return "", "", err
		}
		if fase == st.Volgnummer {
			return "", fmt.Sprintf("the zaak is in phase %d %q already", st.Volgnummer, st.Omschrijving), nil
		}
		t := e.tijd
		s, err := svc.SetStatus(ctx, actor, a.dossier, dossier.NieuweStatus{Volgnummer: st.Volgnummer, DatumStatusGezet: &t,
			Statustoelichting: e.status.Statustoelichting})
		if err != nil {
			return "", "", err
		}
		return s.ID, "", nil
	case SoortDocument:
		return a.document(ctx, e, it, b)
	case SoortBesluit:
		n := dossier.NieuwBesluit{Besluittype: e.doel, Toelichting: e.besluit.Toelichting}
		var err error
		if n.Datum, err = datum("datum", e.besluit.Datum); err != nil {
			return "", "", err
		}
		if n.Ingangsdatum, err = datum("ingangsdatum", e.besluit.Ingangsdatum); err != nil {
			return "", "", err
		}
		if e.besluit.Vervaldatum != nil && *e.besluit.Vervaldatum != "" {
			if n.Vervaldatum, err = datum("vervaldatum", *e.besluit.Vervaldatum); err != nil {
				return "", "", err
			}
		}
		out, err := svc.AddBesluit(ctx, actor, a.dossier, n)
		if err != nil {
			return "", "", err
		}
		return out.ID, "", nil
	case SoortEigenschap:
		_, err := svc.SetEigenschap(ctx, actor, a.dossier, dossier.NieuweEigenschap{Eigenschap: e.doel, Waarde: e.eig.Waarde})
		return "", "", err
	case SoortResultaat:
		_, err := svc.SetResultaat(ctx, actor, a.dossier, dossier.NieuwResultaat{Resultaattype: e.doel, Toelichting: e.res.Toelichting})
		return "", "", err
	case SoortRol:
		out, err := svc.AddRol(ctx, actor, a.dossier, dossier.NieuweRol{Roltype: e.doel, Betrokkene: e.rol.Naam(), Roltoelichting: e.rol.Roltoelichting})
		if err != nil {
			return "", "", err
		}
		return out.ID, "", nil
	}
	return "", "", fmt.Errorf("unknown kind %q", e.soort)
}

func datum(field, s string) (*dossier.Datum, error) {
	d, err := dossier.ParseDatum(s)
	if err != nil {
		return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: field, Detail: err.Error()}
	}
	return &d, nil
}

// fase reads the phase the dossier's zaak is in now.
func (a *toepasser) fase(ctx context.Context) (int, error) {
	var fase int
	err := a.c.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		z, err := in.Zaak(ctx, a.dossier)
		if err != nil {
			return err
		}
		fase = z.Fase
		return nil
	})
	return fase, err
}

// document records a new document, or a new version of one, with its spooled content.
func (a *toepasser) document(ctx context.Context, e *gebeurtenis, it *item, b beslissing) (string, string, error) {
	d := e.doc
	if err := a.c.downloadDoc(ctx, a.g, d); err != nil {
		return "", "", err
	}
	eio := d.eio
	creatie, err := datum("creatiedatum", eio.Creatiedatum)
	if err != nil {
		return "", "", err
	}
	naam := eio.Bestandsnaam
	if naam == "" {
		naam = eio.Titel
	}
	m := dossier.DocumentMetadata{Informatieobjecttype: e.doel, Titel: eio.Titel, Auteur: eio.Auteur, Creatiedatum: creatie,
		Vertrouwelijkheidaanduiding: eio.Vertrouwelijkheidaanduiding, Taal: eio.Taal, Bestandsnaam: naam, Formaat: eio.Formaat}
	r, err := d.spool.Reader()
	if err != nil {
		return "", "", err
	}
	if b == nieuweVersie {
		out, _, err := a.c.svc.AddDocumentVersie(ctx, actorVan(d.lid), a.dossier, it.DossierID, m, r)
		if err != nil {
			return "", "", err
		}
		return out.ID, "", nil
	}
	out, err := a.c.svc.AddDocument(ctx, actorVan(d.lid), a.dossier, m, io.Reader(r))
	if err != nil {
		return "", "", err
	}
	return out.ID, "", nil
}

// reconcile decides whether an event that was being recorded when a pass stopped is in the
// dossier: by its content, among the parts no other event claimed.
func (a *toepasser) reconcile(ctx context.Context, e *gebeurtenis, it *item) (string, bool, error) {
	if a.rec == nil {
		d, err := a.c.svc.Dossier(ctx, dossier.Actor{Rol: dossier.RolSysteem}, a.dossier)
		if err != nil {
			return "", false, err
		}
		a.rec = d
	}
	d := a.rec
	org := e.lid.bron.Organisatie
	switch e.soort {
	case SoortStatus:
		st, ok := a.zt.StatustypeVoorBron(e.doel)
		if !ok {
			return "", false, nil
		}
		for _, s := range d.Statussen {
			if s.Volgnummer == st.Volgnummer && s.DatumStatusGezet.Equal(e.tijd) && s.Organisatie == org && !a.claimed[s.ID] {
				return s.ID, true, nil
			}
		}
	case SoortDocument:
		if err := a.c.downloadDoc(ctx, a.g, e.doc); err != nil {
			return "", false, err
		}
		sha := e.doc.spool.sha
		for _, doc := range d.Documenten {
			if it.DossierID != "" {
				if doc.ID == it.DossierID && doc.SHA256 == sha {
					return doc.ID, true, nil
				}
				continue
			}
			if doc.SHA256 == sha && doc.Informatieobjecttype == e.doel && doc.Titel == e.doc.eio.Titel && doc.Organisatie == e.doc.lid.bron.Organisatie && !a.claimed[doc.ID] {
				return doc.ID, true, nil
			}
		}
	case SoortBesluit:
		for _, b := range d.Besluiten {
			if b.Besluittype == e.doel && b.Datum.String() == e.besluit.Datum && b.Ingangsdatum.String() == e.besluit.Ingangsdatum &&
				b.Organisatie == org && !a.claimed[b.ID] {
				return b.ID, true, nil
			}
		}
	case SoortRol:
		for _, r := range d.Rollen {
			if r.Roltype == e.doel && r.Betrokkene == e.rol.Naam() && r.Organisatie == org && !a.claimed[r.ID] {
				return r.ID, true, nil
			}
		}
	case SoortEigenschap:
		if v, ok := d.Eigenschap(e.doel); ok && v == e.eig.Waarde {
			return "", true, nil
		}
	case SoortResultaat:
		if d.Resultaat != nil && d.Resultaat.Resultaattype == e.doel && d.Resultaat.Toelichting == e.res.Toelichting {
			return "", true, nil
		}
	}
	return "", false, nil
}
