package httpapi

import (
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

// DossierView is the whole dossier as the API returns it: the zaak, and per phase who is
// responsible and who recorded what in it, next to the parts themselves.
type DossierView struct {
	*dossier.Dossier
	Fasen []FaseView `json:"fasen"`
}

// FaseView is one phase of the zaaktype with what was recorded while the zaak was in it.
type FaseView struct {
	Volgnummer        int              `json:"volgnummer"`
	Omschrijving      string           `json:"omschrijving"`
	Verantwoordelijke string           `json:"verantwoordelijke"`
	IsEindstatus      bool             `json:"isEindstatus"`
	Huidig            bool             `json:"huidig"`
	Gezet             []time.Time      `json:"gezet"`
	Vastgelegd        []VastgelegdView `json:"vastgelegd"`
}

// VastgelegdView is one thing recorded in a phase, by an organisation.
type VastgelegdView struct {
	Soort         string    `json:"soort"`
	Naam          string    `json:"naam"`
	ID            string    `json:"id,omitempty"`
	Organisatie   string    `json:"organisatie"`
	Geregistreerd time.Time `json:"geregistreerd"`
}

// NewDossierView groups a dossier's parts by the phase they were recorded in. Parts without
// entries are empty lists, never null, so that clients can iterate without checks.
func NewDossierView(a *afspraak.Afspraak, d *dossier.Dossier) DossierView {
	d = withEmptyLists(d)
	v := DossierView{Dossier: d, Fasen: []FaseView{}}
	zt, ok := a.Zaaktype(d.Zaak.Zaaktype)
	if !ok {
		return v
	}
	idx := map[int]int{}
	for _, st := range zt.Statustypen {
		idx[st.Volgnummer] = len(v.Fasen)
		v.Fasen = append(v.Fasen, FaseView{Volgnummer: st.Volgnummer, Omschrijving: st.Omschrijving,
			Verantwoordelijke: st.Verantwoordelijke, IsEindstatus: st.IsEindstatus, Huidig: st.Volgnummer == d.Zaak.Fase,
			Gezet: []time.Time{}, Vastgelegd: []VastgelegdView{}})
	}
	add := func(vl dossier.Vastlegging, soort, naam, id string) {
		if i, ok := idx[vl.Fase]; ok {
			v.Fasen[i].Vastgelegd = append(v.Fasen[i].Vastgelegd, VastgelegdView{Soort: soort, Naam: naam, ID: id,
				Organisatie: vl.Organisatie, Geregistreerd: vl.Geregistreerd})
		}
	}
	for _, st := range d.Statussen {
		if i, ok := idx[st.Volgnummer]; ok {
			v.Fasen[i].Gezet = append(v.Fasen[i].Gezet, st.DatumStatusGezet)
		}
	}
	for _, x := range d.Documenten {
		add(x.Vastlegging, string(afspraak.SoortDocument), x.Informatieobjecttype, x.ID)
	}
	for _, x := range d.Besluiten {
		add(x.Vastlegging, string(afspraak.SoortBesluit), x.Besluittype, x.ID)
	}
	for _, x := range d.Eigenschappen {
		add(x.Vastlegging, string(afspraak.SoortEigenschap), x.Naam, "")
	}
	if d.Resultaat != nil {
		add(d.Resultaat.Vastlegging, string(afspraak.SoortResultaat), d.Resultaat.Resultaattype, "")
	}
	for _, x := range d.Rollen {
		add(x.Vastlegging, string(afspraak.SoortRol), x.Roltype, x.ID)
	}
	for _, x := range d.Contactmomenten {
		add(x.Vastlegging, string(afspraak.SoortContactmoment), x.Onderwerp, x.ID)
	}
	return v
}

// withEmptyLists returns a copy of d whose nil lists are empty.
func withEmptyLists(d *dossier.Dossier) *dossier.Dossier {
	c := *d
	c.Statussen = orEmpty(c.Statussen)
	c.Documenten = orEmpty(c.Documenten)
	c.Besluiten = orEmpty(c.Besluiten)
	c.Eigenschappen = orEmpty(c.Eigenschappen)
	c.Rollen = orEmpty(c.Rollen)
	c.Contactmomenten = orEmpty(c.Contactmomenten)
	return &c
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
