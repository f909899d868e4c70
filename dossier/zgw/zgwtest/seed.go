package zgwtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zaakarchief/dossier/afspraak"
)

// The organisations of the example agreement (configs/omgevingsvergunning.yaml) and the
// environment variables the seed's agreement names for their JWT secrets.
const (
	Gemeente              = "gemeente"
	Omgevingsdienst       = "omgevingsdienst"
	GemeenteSecretEnv     = "ZGW_GEMEENTE_SECRET"
	OmgevingsdienstSecret = "ZGW_OMGEVINGSDIENST_SECRET"
)

// Omgeving is the seed scenario's two zaaksystemen: the gemeente's and the omgevingsdienst's
// own ZGW APIs, each with a catalogue of its own naming, and the mapping of each onto the
// example agreement.
type Omgeving struct {
	Gemeente, Omgevingsdienst *Server
	// Typen maps, per organisation, "soort:agreement name" to the type's URL at the source,
	// e.g. Typen["gemeente"]["statustype:Ontvangen"].
	Typen map[string]map[string]string
	// Mapping is, per organisation, the mapping for its bron in the agreement.
	Mapping map[string]map[string]string
	zaken   map[int]map[string]*Zaak
}

// catalogusType is one type of a seed catalogue: its name at the source and in the agreement.
type catalogusType struct {
	soort, bron, doel string
	volgnummer        int
	eind              bool
	generiek          string
	// opNaam maps it by "soort:name" instead of by URL.
	opNaam bool
}

func gemeenteCatalogus() []catalogusType {
	return []catalogusType{
		{soort: "statustype", bron: "Aanvraag ontvangen", doel: "Ontvangen", volgnummer: 1},
		{soort: "statustype", bron: "Doorgezet naar omgevingsdienst", doel: "In behandeling bij de omgevingsdienst", volgnummer: 2},
		{soort: "statustype", bron: "Besluitvorming", doel: "Besluitvorming", volgnummer: 3},
		{soort: "statustype", bron: "Afgehandeld", doel: "Resultaat geleverd", volgnummer: 4, eind: true},
		{soort: "informatieobjecttype", bron: "Aanvraagformulier", doel: "aanvraagformulier"},
		{soort: "informatieobjecttype", bron: "Bijlage", doel: "bijlage"},
		{soort: "informatieobjecttype", bron: "Besluit", doel: "besluit"},
		{soort: "informatieobjecttype", bron: "Verzendbrief", doel: "verzendbrief"},
		{soort: "roltype", bron: "Aanvrager", doel: "aanvrager", generiek: "initiator"},
		{soort: "eigenschap", bron: "activiteit", doel: "activiteit"},
		{soort: "eigenschap", bron: "locatie", doel: "locatie"},
		{soort: "resultaattype", bron: "Vergunning verleend", doel: "Verleend"},
		{soort: "resultaattype", bron: "Vergunning geweigerd", doel: "Geweigerd"},
		{soort: "besluittype", bron: "Omgevingsvergunning", doel: "omgevingsvergunning"},
	}
}

func omgevingsdienstCatalogus() []catalogusType {
	return []catalogusType{
		// The omgevingsdienst's intake is the phase the gemeente handed the zaak over in (by
		// volgnummer); its internal consultation is no phase of the agreement ("").
		{soort: "statustype", bron: "Intake", doel: "2", volgnummer: 1},
		{soort: "statustype", bron: "Advisering", doel: "Advies en ontwerpbesluit", volgnummer: 2},
		{soort: "statustype", bron: "Intern overleg", doel: "", volgnummer: 3},
		{soort: "statustype", bron: "Advies verzonden", doel: "Besluitvorming", volgnummer: 4, eind: true},
		{soort: "informatieobjecttype", bron: "Adviesrapport", doel: "adviesrapport", opNaam: true},
		{soort: "informatieobjecttype", bron: "Ontwerpbesluit", doel: "ontwerpbesluit", opNaam: true},
		{soort: "informatieobjecttype", bron: "Besluit", doel: "besluit", opNaam: true},
		{soort: "informatieobjecttype", bron: "Verzoek om aanvulling", doel: "verzoek om aanvulling", opNaam: true},
		{soort: "roltype", bron: "Adviseur", doel: "adviseur", generiek: "adviseur", opNaam: true},
		{soort: "roltype", bron: "Behandelaar", doel: "behandelaar", generiek: "behandelaar"},
		{soort: "eigenschap", bron: "bouwkosten", doel: "bouwkosten", opNaam: true},
	}
}

// NewOmgeving starts both zaaksystemen with their catalogues.
func NewOmgeving(tb testing.TB) *Omgeving {
	tb.Helper()
	o := &Omgeving{
		Gemeente:        New(tb, Options{ClientID: "zaakarchief-gemeente", Secret: "geheim-gemeente-0123456789", RSIN: "002220647"}),
		Omgevingsdienst: New(tb, Options{ClientID: "zaakarchief-od", Secret: "geheim-od-0123456789", RSIN: "823631084"}),
		Typen:           map[string]map[string]string{Gemeente: {}, Omgevingsdienst: {}},
		Mapping:         map[string]map[string]string{Gemeente: {}, Omgevingsdienst: {}},
		zaken:           map[int]map[string]*Zaak{},
	}
	o.catalogus(Gemeente, o.Gemeente, "ZT-OV", "Omgevingsvergunning", false, gemeenteCatalogus())
	o.catalogus(Omgevingsdienst, o.Omgevingsdienst, "ZT-ADV", "Advies omgevingsvergunning", true, omgevingsdienstCatalogus())
	return o
}

func (o *Omgeving) catalogus(org string, s *Server, ident, omschrijving string, zaaktypeOpNaam bool, typen []catalogusType) {
	zt := s.Zaaktype(ident, omschrijving)
	o.Typen[org]["zaaktype"] = zt.URL
	if zaaktypeOpNaam {
		o.Mapping[org][afspraak.Sleutel(afspraak.BronZaaktype, ident)] = "omgevingsvergunning"
	} else {
		o.Mapping[org][zt.URL] = "omgevingsvergunning"
	}
	for _, t := range typen {
		var u string
		switch t.soort {
		case "statustype":
			u = zt.Statustype(t.volgnummer, t.bron, t.eind)
		case "informatieobjecttype":
			u = zt.Informatieobjecttype(t.bron)
		case "roltype":
			u = zt.Roltype(t.bron, t.generiek)
		case "eigenschap":
			u = zt.Eigenschap(t.bron)
		case "resultaattype":
			u = zt.Resultaattype(t.bron)
		case "besluittype":
			u = zt.Besluittype(t.bron)
		}
		key := t.doel
		if t.soort == "statustype" {
			key = t.bron // statustypen are looked up by their own name: two map onto one phase
		}
		o.Typen[org][t.soort+":"+key] = u
		if t.opNaam {
			o.Mapping[org][afspraak.Sleutel(t.soort, t.bron)] = t.doel
		} else {
			o.Mapping[org][u] = t.doel
		}
	}
}

// Server returns the zaaksysteem of an organisation.
func (o *Omgeving) Server(org string) *Server {
	if org == Gemeente {
		return o.Gemeente
	}
	return o.Omgevingsdienst
}

// Bron returns the bron of an organisation for the agreement.
func (o *Omgeving) Bron(org string) *afspraak.ZGWBron {
	s := o.Server(org)
	env := GemeenteSecretEnv
	if org == Omgevingsdienst {
		env = OmgevingsdienstSecret
	}
	m := map[string]string{}
	for k, v := range o.Mapping[org] {
		m[k] = v
	}
	return &afspraak.ZGWBron{ZakenAPI: s.ZakenAPI(), DocumentenAPI: s.DocumentenAPI(), BesluitenAPI: s.BesluitenAPI(),
		CatalogiAPI: s.CatalogiAPI(), ClientID: s.ClientID, SecretEnv: env, Mapping: m}
}

// Afspraak returns the example agreement with both organisations' bronnen.
func (o *Omgeving) Afspraak(tb testing.TB) *afspraak.Afspraak {
	tb.Helper()
	a, err := afspraak.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	for i := range a.Organisaties {
		a.Organisaties[i].Bron = o.Bron(a.Organisaties[i].ID)
	}
	return a
}

// Getenv returns the secrets of both sources as the agreement names them.
func (o *Omgeving) Getenv(name string) string {
	switch name {
	case GemeenteSecretEnv:
		return o.Gemeente.Secret
	case OmgevingsdienstSecret:
		return o.Omgevingsdienst.Secret
	}
	return ""
}

// Stap is one event of the seed scenario, at one organisation, named as the agreement names
// things; the seed puts it into that organisation's zaaksysteem, a test can send the same event
// through the capture API.
type Stap struct {
	Tijd        time.Time
	Organisatie string
	// Soort: zaak, status, document, rol, medewerker, eigenschap, besluit, resultaat.
	Soort string
	// Naam is the agreement's name of the type (for a status the source's statustype).
	Naam string
	// Fase is, for a status, the agreement's phase it stands for (0: none).
	Fase        string
	Waarde      string
	Toelichting string
	Inhoud      []byte
	// Datum and Ingangsdatum are a besluit's dates.
	Datum, Ingangsdatum time.Time
	// AlleenBron marks what happens in the source only and is no event for the dossier: the
	// omgevingsdienst's own zaak, a status of the phase the zaak is in already, a status of no
	// phase.
	AlleenBron bool
	// Geweigerd marks what the agreement refuses.
	Geweigerd bool
}

// Seed returns the seed scenario: the gemeente registers an application and hands it over;
// the omgevingsdienst advises and drafts the decision (and tries to file a besluit, which the
// agreement refuses); the gemeente decides and closes the zaak. nr makes the zaak and its
// documents distinct.
func Seed(nr int) []Stap {
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, amsterdam) }
	pdf := func(name string) []byte {
		return []byte(fmt.Sprintf("%%PDF-1.7\n%% %s %d\n%s\n%%%%EOF\n", name, nr, strings.Repeat(name+" ", 200)))
	}
	return []Stap{
		{Tijd: at(1, 5, 9, 0), Organisatie: Gemeente, Soort: "zaak", Naam: fmt.Sprintf("Dakkapel Kerkstraat %d", nr), Waarde: "J. Jansen"},
		{Tijd: at(1, 5, 9, 0), Organisatie: Gemeente, Soort: "status", Naam: "Aanvraag ontvangen", Fase: "Ontvangen", AlleenBron: true},
		{Tijd: at(1, 5, 9, 5), Organisatie: Gemeente, Soort: "document", Naam: "aanvraagformulier", Waarde: "Aanvraag omgevingsvergunning", Inhoud: pdf("aanvraag")},
		{Tijd: at(1, 5, 9, 6), Organisatie: Gemeente, Soort: "rol", Naam: "aanvrager", Waarde: "J. Jansen"},
		{Tijd: at(1, 5, 9, 7), Organisatie: Gemeente, Soort: "eigenschap", Naam: "activiteit", Waarde: "bouwen"},
		{Tijd: at(1, 6, 10, 0), Organisatie: Gemeente, Soort: "status", Naam: "Doorgezet naar omgevingsdienst", Fase: "In behandeling bij de omgevingsdienst", Toelichting: "compleet"},
		{Tijd: at(1, 6, 14, 0), Organisatie: Omgevingsdienst, Soort: "zaak", Naam: fmt.Sprintf("Advies dakkapel Kerkstraat %d", nr), AlleenBron: true},
		{Tijd: at(1, 6, 14, 0), Organisatie: Omgevingsdienst, Soort: "status", Naam: "Intake", AlleenBron: true},
		{Tijd: at(1, 7, 9, 0), Organisatie: Omgevingsdienst, Soort: "status", Naam: "Advisering", Fase: "Advies en ontwerpbesluit"},
		{Tijd: at(1, 7, 9, 30), Organisatie: Omgevingsdienst, Soort: "medewerker", Naam: "adviseur", Waarde: "A. de Adviseur"},
		{Tijd: at(1, 20, 11, 0), Organisatie: Omgevingsdienst, Soort: "document", Naam: "adviesrapport", Waarde: "Advies welstand en constructie", Inhoud: pdf("advies")},
		{Tijd: at(1, 21, 11, 0), Organisatie: Omgevingsdienst, Soort: "document", Naam: "ontwerpbesluit", Waarde: "Ontwerpbesluit omgevingsvergunning", Inhoud: pdf("ontwerpbesluit")},
		{Tijd: at(1, 21, 11, 30), Organisatie: Omgevingsdienst, Soort: "document", Naam: "besluit", Waarde: "Besluit (concept)", Inhoud: pdf("besluit-od"), Geweigerd: true},
		{Tijd: at(1, 21, 15, 0), Organisatie: Omgevingsdienst, Soort: "status", Naam: "Intern overleg", AlleenBron: true},
		{Tijd: at(1, 22, 9, 0), Organisatie: Omgevingsdienst, Soort: "eigenschap", Naam: "bouwkosten", Waarde: "125000"},
		{Tijd: at(2, 13, 16, 0), Organisatie: Omgevingsdienst, Soort: "status", Naam: "Advies verzonden", Fase: "Besluitvorming"},
		{Tijd: at(2, 16, 9, 0), Organisatie: Gemeente, Soort: "status", Naam: "Besluitvorming", AlleenBron: true},
		{Tijd: at(2, 20, 10, 0), Organisatie: Gemeente, Soort: "besluit", Naam: "omgevingsvergunning", Datum: at(2, 20, 0, 0), Ingangsdatum: at(2, 21, 0, 0)},
		{Tijd: at(2, 20, 10, 5), Organisatie: Gemeente, Soort: "resultaat", Naam: "Verleend"},
		{Tijd: at(2, 20, 10, 7), Organisatie: Gemeente, Soort: "document", Naam: "besluit", Waarde: "Besluit omgevingsvergunning", Inhoud: pdf("besluit")},
		{Tijd: at(2, 20, 11, 0), Organisatie: Gemeente, Soort: "status", Naam: "Afgehandeld", Fase: "Resultaat geleverd"},
	}
}

// Voer puts steps of zaak nr into the zaaksystemen. The omgevingsdienst's zaak links to the
// gemeente's through relevanteAndereZaken and a kenmerk naming the gemeente's identificatie.
// It returns the URLs of the zaken, by organisation.
func (o *Omgeving) Voer(nr int, stappen []Stap) map[string]string {
	if o.zaken[nr] == nil {
		o.zaken[nr] = map[string]*Zaak{}
	}
	zaken := o.zaken[nr]
	for _, st := range stappen {
		s := o.Server(st.Organisatie)
		typ := func(soort string) string {
			u, ok := o.Typen[st.Organisatie][soort+":"+st.Naam]
			if !ok {
				panic(fmt.Sprintf("seed: %s has no %s %q", st.Organisatie, soort, st.Naam))
			}
			return u
		}
		z := zaken[st.Organisatie]
		switch st.Soort {
		case "zaak":
			n := NieuweZaak{Zaaktype: o.Typen[st.Organisatie]["zaaktype"], Omschrijving: st.Naam, Startdatum: st.Tijd, Aangemaakt: st.Tijd,
				Identificatie: fmt.Sprintf("ZAAK-2026-%010d", nr)}
			if st.Organisatie == Omgevingsdienst {
				n.Identificatie = fmt.Sprintf("OD-2026-%07d", nr)
				if g := zaken[Gemeente]; g != nil {
					n.Relevant = []string{g.URL}
					n.Kenmerken = [][2]string{{Gemeente, fmt.Sprintf("ZAAK-2026-%010d", nr)}}
				}
			}
			zaken[st.Organisatie] = s.Zaak(n)
		case "status":
			z.Status(typ("statustype"), st.Tijd, st.Toelichting)
		case "document":
			z.Document(NieuwDocument{Informatieobjecttype: typ("informatieobjecttype"), Titel: st.Waarde, Auteur: "Behandelaar " + st.Organisatie,
				Bestandsnaam: st.Naam + ".pdf", Formaat: "application/pdf", Inhoud: st.Inhoud, Creatiedatum: st.Tijd, Geregistreerd: st.Tijd})
		case "rol":
			voorletters, naam, _ := strings.Cut(st.Waarde, " ")
			z.Rol(typ("roltype"), Persoon{Voorletters: voorletters, Geslachtsnaam: naam, BSN: "999993653"}, st.Tijd)
		case "medewerker":
			voorletters, naam, _ := strings.Cut(st.Waarde, " ")
			z.Medewerker(typ("roltype"), "mw-"+strings.ToLower(strings.ReplaceAll(naam, " ", "")), voorletters, naam, st.Tijd)
		case "eigenschap":
			z.Eigenschap(typ("eigenschap"), st.Waarde, st.Tijd)
		case "besluit":
			z.Besluit(typ("besluittype"), st.Datum, st.Ingangsdatum, st.Tijd)
		case "resultaat":
			z.Resultaat(typ("resultaattype"), st.Tijd)
		default:
			panic("seed: unknown step " + st.Soort)
		}
	}
	out := map[string]string{}
	for org, z := range zaken {
		out[org] = z.URL
	}
	return out
}
