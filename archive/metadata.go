package archive

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zaakarchief/archive/mdto"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// Names of the begrippenlijsten the archive defines itself, for terms the Nationaal Archief's
// lists do not have.
const (
	// BegrippenlijstOpenbaarheid is the list of openbaarheid begrippen a ZGW
	// vertrouwelijkheidaanduiding maps to (see Openbaarheid).
	BegrippenlijstOpenbaarheid = "Begrippenlijst Openbaarheid zaakarchief (naar ZGW vertrouwelijkheidaanduiding)"
	// BegrippenlijstZaakarchief holds the archive's other terms (dekkingInTijdType).
	BegrippenlijstZaakarchief = "Begrippenlijst zaakarchief"
	// BegrippenlijstAfleidingswijzen is the ZGW list of afleidingswijzen of the
	// brondatumArchiefprocedure, the trigger of the bewaartermijn.
	BegrippenlijstAfleidingswijzen = "Afleidingswijzen brondatum archiefprocedure (ZGW Catalogi API)"
	// BronRSIN is the identificatieBron of an organisation identified by its RSIN.
	BronRSIN = "RSIN"
)

// openbaarheid maps each ZGW vertrouwelijkheidaanduiding to an openbaarheid begrip: openbaar
// is "Openbaar"; beperkt_openbaar is "Beperkt openbaar"; every level from intern up is "Niet
// openbaar", with the level in the code. Every begrip has a code: the e-Depot's checks require
// begripLabel and begripCode on a beperkingGebruikType (package sipcheck). The exact aanduiding
// is always kept in beperkingGebruikNadereBeschrijving.
var openbaarheid = map[string]struct{ label, code string }{
	"openbaar":          {"Openbaar", "Openbaarheid/Openbaar"},
	"beperkt_openbaar":  {"Beperkt openbaar", "Openbaarheid/BeperktOpenbaar"},
	"intern":            {"Niet openbaar", "Openbaarheid/NietOpenbaar/Intern"},
	"zaakvertrouwelijk": {"Niet openbaar", "Openbaarheid/NietOpenbaar/Zaakvertrouwelijk"},
	"vertrouwelijk":     {"Niet openbaar", "Openbaarheid/NietOpenbaar/Vertrouwelijk"},
	"confidentieel":     {"Niet openbaar", "Openbaarheid/NietOpenbaar/Confidentieel"},
	"geheim":            {"Niet openbaar", "Openbaarheid/NietOpenbaar/Geheim"},
	"zeer_geheim":       {"Niet openbaar", "Openbaarheid/NietOpenbaar/ZeerGeheim"},
}

// Openbaarheid returns the beperkingGebruik that carries a vertrouwelijkheidaanduiding in MDTO,
// which has no element of its own for it: "openbaar" gives "Openbaar" (code
// Openbaarheid/Openbaar); "beperkt_openbaar" gives "Beperkt openbaar" (code Openbaarheid/BeperktOpenbaar);
// intern, zaakvertrouwelijk, vertrouwelijk, confidentieel, geheim and zeer_geheim give "Niet
// openbaar" with code Openbaarheid/NietOpenbaar/<Level>, from BegrippenlijstOpenbaarheid. An
// empty or unknown aanduiding is treated as the most careful case, "Niet openbaar"
// (Openbaarheid/NietOpenbaar/Onbekend). The aanduiding itself is kept in the nadere
// beschrijving.
func Openbaarheid(vertrouwelijkheidaanduiding string) mdto.BeperkingGebruik {
	v := vertrouwelijkheidaanduiding
	m, ok := openbaarheid[v]
	uitleg := fmt.Sprintf("Vertrouwelijkheidaanduiding (ZGW): %s.", v)
	if !ok {
		m = struct{ label, code string }{"Niet openbaar", "Openbaarheid/NietOpenbaar/Onbekend"}
		uitleg = fmt.Sprintf("Vertrouwelijkheidaanduiding (ZGW) onbekend (%q): behandeld als niet openbaar.", v)
	}
	return mdto.BeperkingGebruik{
		Type:               mdto.Begrip{Label: m.label, Code: m.code, Begrippenlijst: mdto.Verwijzing{Naam: BegrippenlijstOpenbaarheid}},
		NadereBeschrijving: uitleg,
	}
}

// Waardering returns the MDTO waardering of an archiefnominatie: B for blijvend_bewaren, V for
// vernietigen; anything else is an error (the zaak is not ready to be archived).
func Waardering(archiefnominatie string) (mdto.Begrip, error) {
	switch archiefnominatie {
	case dossier.ArchiefnominatieBlijvend:
		return mdto.Waardering(mdto.WaarderingBlijvend), nil
	case dossier.ArchiefnominatieVernietigen:
		return mdto.Waardering(mdto.WaarderingTijdelijk), nil
	}
	return mdto.Begrip{}, fmt.Errorf("archiefnominatie %q is not blijvend_bewaren or vernietigen", archiefnominatie)
}

// regelVan is what the metadata needs of a zaak's retention: the rule and the selectielijst
// entry it rests on.
type regelVan struct {
	resultaattype *afspraak.Resultaattype
	regel         retention.Regel
	lijst         *retention.Selectielijst
	resultaat     *retention.Resultaat
}

// meta maps one dossier onto MDTO informatieobjecten and bestanden.
type meta struct {
	ag    *afspraak.Afspraak
	zt    *afspraak.Zaaktype
	d     *dossier.Dossier
	r     regelVan
	loc   *time.Location
	bron  string // identificatieBron of the zaak and its documents
	dosID mdto.Identificatie
}

func newMeta(ag *afspraak.Afspraak, zt *afspraak.Zaaktype, d *dossier.Dossier, r regelVan, loc *time.Location) *meta {
	m := &meta{ag: ag, zt: zt, d: d, r: r, loc: loc}
	m.bron = "RSIN " + d.Zaak.Bronorganisatie
	if org := m.orgByRSIN(d.Zaak.Bronorganisatie); org != nil {
		m.bron = fmt.Sprintf("%s (RSIN %s)", org.Naam, org.RSIN)
	}
	m.dosID = mdto.Identificatie{Kenmerk: d.Zaak.Identificatie, Bron: m.bron}
	return m
}

func (m *meta) orgByRSIN(rsin string) *afspraak.Organisatie {
	for i := range m.ag.Organisaties {
		if m.ag.Organisaties[i].RSIN == rsin {
			return &m.ag.Organisaties[i]
		}
	}
	return nil
}

// orgRef refers to an organisation of the agreement by name and RSIN.
func (m *meta) orgRef(id string) mdto.Verwijzing {
	org, ok := m.ag.Organisatie(id)
	if !ok {
		return mdto.Verwijzing{Naam: id}
	}
	return mdto.Verwijzing{Naam: org.Naam, Identificatie: &mdto.Identificatie{Kenmerk: org.RSIN, Bron: BronRSIN}}
}

// archiveert returns the organisation that archives documents of this type per the agreement,
// or the zaaktype's bronorganisatie when the type names none.
func (m *meta) archiveert(iot string) string {
	if t, ok := m.zt.Informatieobjecttype(iot); ok && t.Archivering.Organisatie != "" {
		return t.Archivering.Organisatie
	}
	return m.zt.Bronorganisatie
}

// archiefvormers are the bronorganisatie and every organisation that archives a document of the
// zaak, in the agreement's order of organisations.
func (m *meta) archiefvormers() []mdto.Verwijzing {
	want := map[string]bool{m.zt.Bronorganisatie: true}
	for _, doc := range m.d.Documenten {
		want[m.archiveert(doc.Informatieobjecttype)] = true
	}
	var out []mdto.Verwijzing
	for _, org := range m.ag.Organisaties {
		if want[org.ID] {
			out = append(out, m.orgRef(org.ID))
			delete(want, org.ID)
		}
	}
	for id := range want { // an organisation the agreement no longer names
		out = append(out, mdto.Verwijzing{Naam: id})
	}
	return out
}

func (m *meta) lijstNaam() string {
	l := m.r.lijst
	jaar := strconv.Itoa(l.Jaar)
	if strings.Contains(l.Naam, jaar) {
		return l.Naam
	}
	return l.Naam + " " + jaar
}

// bewaartermijn is the zaak's retention: from the brondatum (startdatumBewaartermijn), for the
// archiefactietermijn, until the archiefactiedatum, triggered by the afleidingswijze. A
// blijvend_bewaren zaak's archiefactiedatum is its transfer date, not the end of its retention:
// it gets no einddatum.
func (m *meta) bewaartermijn() *mdto.Bewaartermijn {
	a := m.d.Zaak.Archief
	t := &mdto.Bewaartermijn{TriggerStartLooptijd: &mdto.Begrip{Label: m.r.regel.Afleidingswijze,
		Begrippenlijst: mdto.Verwijzing{Naam: BegrippenlijstAfleidingswijzen}}}
	if a.StartdatumBewaartermijn != nil {
		s := a.StartdatumBewaartermijn.Time()
		t.StartdatumLooptijd = &s
	}
	if tt := m.r.regel.Archiefactietermijn; tt != nil {
		t.Looptijd = tt.String()
	}
	if a.Archiefactiedatum != nil && a.Archiefnominatie == dossier.ArchiefnominatieVernietigen {
		e := a.Archiefactiedatum.Time()
		t.Einddatum = &e
	}
	return t
}

func (m *meta) informatiecategorie() *mdto.Begrip {
	r := m.r.resultaat
	b := mdto.Informatiecategorie(r.VolledigNummer, r.Naam, m.lijstNaam())
	return &b
}

// events are one event per status the zaak went through, with the organisation the agreement
// makes responsible for that phase; the eindstatus event names the resultaat.
func (m *meta) events() []mdto.Event {
	lijst := fmt.Sprintf("Statustypen zaaktype %s (%s, versie %s)", m.zt.Identificatie, m.ag.Naam, m.ag.Versie)
	var out []mdto.Event
	for _, st := range m.d.Statussen {
		label := fmt.Sprintf("Status %d", st.Volgnummer)
		verantwoordelijke := st.Organisatie
		eind := false
		if t, ok := m.zt.Statustype(st.Volgnummer); ok {
			label, verantwoordelijke, eind = t.Omschrijving, t.Verantwoordelijke, t.IsEindstatus
		}
		actor := m.orgRef(verantwoordelijke)
		e := mdto.Event{
			Type:                   mdto.Begrip{Label: label, Code: strconv.Itoa(st.Volgnummer), Begrippenlijst: mdto.Verwijzing{Naam: lijst}},
			Tijd:                   mdto.XSDDateTime(st.DatumStatusGezet.In(m.loc)),
			VerantwoordelijkeActor: &actor,
			Resultaat:              st.Statustoelichting,
		}
		if eind && m.d.Resultaat != nil {
			e.Resultaat = strings.TrimSpace("Resultaat: " + m.d.Resultaat.Resultaattype + ". " + m.d.Resultaat.Toelichting)
		}
		out = append(out, e)
	}
	return out
}

// docRef refers to a document's informatieobject.
func (m *meta) docRef(doc *dossier.Document) mdto.Verwijzing {
	return mdto.Verwijzing{Naam: doc.Titel, Identificatie: &mdto.Identificatie{Kenmerk: doc.ID, Bron: m.bron}}
}

// bestandID identifies the file of a document.
func (m *meta) bestandID(doc *dossier.Document) mdto.Identificatie {
	return mdto.Identificatie{Kenmerk: doc.ID + "/inhoud", Bron: m.bron}
}

// dossierObject is the zaak as an informatieobject at aggregatieniveau Dossier.
func (m *meta) dossierObject(waardering mdto.Begrip) mdto.Informatieobject {
	z := m.d.Zaak
	agg := mdto.Aggregatieniveau(mdto.AggregatieniveauDossier)
	o := mdto.Informatieobject{
		Identificatie:    []mdto.Identificatie{m.dosID},
		Naam:             z.Omschrijving,
		Aggregatieniveau: &agg,
		Classificatie: []mdto.Begrip{{Label: m.zt.Omschrijving, Code: m.zt.Identificatie,
			Begrippenlijst: mdto.Verwijzing{Naam: fmt.Sprintf("Zaaktypen %s, versie %s", m.ag.Naam, m.ag.Versie)}}},
		Event:               m.events(),
		Waardering:          waardering,
		Bewaartermijn:       m.bewaartermijn(),
		Informatiecategorie: m.informatiecategorie(),
		IsOnderdeelVan:      []mdto.Verwijzing{m.serieRef()},
		Archiefvormer:       m.archiefvormers(),
		BeperkingGebruik:    []mdto.BeperkingGebruik{Openbaarheid(z.Vertrouwelijkheidaanduiding)},
	}
	if strings.TrimSpace(z.Toelichting) != "" {
		o.Omschrijving = []string{z.Toelichting}
	}
	dekking := mdto.DekkingInTijd{
		Type:       mdto.Begrip{Label: "Looptijd zaak", Begrippenlijst: mdto.Verwijzing{Naam: BegrippenlijstZaakarchief}},
		Begindatum: z.Startdatum.String(),
	}
	if z.Einddatum != nil {
		dekking.Einddatum = z.Einddatum.String()
	}
	o.DekkingInTijd = []mdto.DekkingInTijd{dekking}
	for i := range m.d.Documenten {
		o.BevatOnderdeel = append(o.BevatOnderdeel, m.docRef(&m.d.Documenten[i]))
	}
	return o
}

// documentObject is a document as an informatieobject at aggregatieniveau Archiefstuk, part of
// the dossier and represented by its file.
func (m *meta) documentObject(doc *dossier.Document, waardering mdto.Begrip, bestandsnaam string) mdto.Informatieobject {
	agg := mdto.Aggregatieniveau(mdto.AggregatieniveauArchiefstuk)
	auteur := m.orgRef(doc.Organisatie)
	id := m.bestandID(doc)
	o := mdto.Informatieobject{
		Identificatie:    []mdto.Identificatie{{Kenmerk: doc.ID, Bron: m.bron}},
		Naam:             doc.Titel,
		Aggregatieniveau: &agg,
		Classificatie: []mdto.Begrip{{Label: doc.Informatieobjecttype, Begrippenlijst: mdto.Verwijzing{
			Naam: fmt.Sprintf("Informatieobjecttypen zaaktype %s (%s, versie %s)", m.zt.Identificatie, m.ag.Naam, m.ag.Versie)}}},
		Event: []mdto.Event{{Type: mdto.EventType(mdto.EventCreatie), Tijd: doc.Creatiedatum.String(), VerantwoordelijkeActor: &auteur,
			Resultaat: "Auteur: " + doc.Auteur}},
		Waardering:          waardering,
		Bewaartermijn:       m.bewaartermijn(),
		Informatiecategorie: m.informatiecategorie(),
		IsOnderdeelVan:      []mdto.Verwijzing{{Naam: m.d.Zaak.Omschrijving, Identificatie: &m.dosID}},
		HeeftRepresentatie:  []mdto.Verwijzing{{Naam: bestandsnaam, Identificatie: &id}},
		Archiefvormer:       []mdto.Verwijzing{m.orgRef(m.archiveert(doc.Informatieobjecttype))},
		BeperkingGebruik:    []mdto.BeperkingGebruik{Openbaarheid(doc.Vertrouwelijkheidaanduiding)},
	}
	if doc.Taal != "" {
		o.Taal = []string{doc.Taal}
	}
	return o
}

// bestandObject is the file of a document: its size, detected format and SHA-256. The
// checksum's date is when the dossier computed it, on upload (the document's registration).
func (m *meta) bestandObject(doc *dossier.Document, naam string, f mdto.Formaat) mdto.Bestand {
	return mdto.Bestand{
		Identificatie:   []mdto.Identificatie{m.bestandID(doc)},
		Naam:            naam,
		Omvang:          doc.Bestandsomvang,
		Bestandsformaat: mdto.FormaatBegrip(f),
		Checksum: []mdto.Checksum{{Algoritme: mdto.ChecksumAlgoritme(mdto.SHA256), Waarde: doc.SHA256,
			Datum: doc.Geregistreerd.In(m.loc).Truncate(time.Second)}},
		IsRepresentatieVan: m.docRef(doc),
	}
}
