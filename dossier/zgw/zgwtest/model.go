package zgwtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// obj is one resource as the server sends it: its JSON members.
type obj = map[string]any

// The collections the server holds, by the path segment after the API's base.
const (
	colZaaktypen             = "catalogi/zaaktypen"
	colStatustypen           = "catalogi/statustypen"
	colInformatieobjecttypen = "catalogi/informatieobjecttypen"
	colBesluittypen          = "catalogi/besluittypen"
	colResultaattypen        = "catalogi/resultaattypen"
	colRoltypen              = "catalogi/roltypen"
	colEigenschappen         = "catalogi/eigenschappen"
	colZaken                 = "zaken/zaken"
	colStatussen             = "zaken/statussen"
	colResultaten            = "zaken/resultaten"
	colRollen                = "zaken/rollen"
	colZaakeigenschappen     = "zaken/zaakeigenschappen"
	colZIO                   = "zaken/zaakinformatieobjecten"
	colEIO                   = "documenten/enkelvoudiginformatieobjecten"
	colBesluiten             = "besluiten/besluiten"
)

func datum(t time.Time) string { return t.In(amsterdam).Format(time.DateOnly) }

func tijd(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// Zaaktype is a zaaktype in the server's Catalogi API, with helpers to add its types.
type Zaaktype struct {
	s   *Server
	URL string
	id  string
}

// Zaaktype adds a zaaktype to the catalogue.
func (s *Server) Zaaktype(identificatie, omschrijving string) *Zaaktype {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colZaaktypen)
	s.put(colZaaktypen, id, obj{
		"url": u, "identificatie": identificatie, "omschrijving": omschrijving, "omschrijvingGeneriek": "",
		"vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "doel": "Een aanvraag afhandelen", "aanleiding": "Een aanvraag",
		"toelichting": "", "indicatieInternOfExtern": "extern", "handelingInitiator": "aanvragen", "onderwerp": "Omgevingsvergunning",
		"handelingBehandelaar": "behandelen", "doorlooptijd": "P56D", "servicenorm": nil, "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": true, "verlengingstermijn": "P42D", "trefwoorden": []any{}, "publicatieIndicatie": false,
		"publicatietekst": "", "verantwoordingsrelatie": []any{}, "productenOfDiensten": []any{},
		"selectielijstProcestype": "https://selectielijst.openzaak.nl/api/v1/procestypen/11", "referentieproces": obj{"naam": "omgevingsvergunning", "link": ""},
		"verantwoordelijke": s.RSIN, "broncatalogus": obj{}, "bronzaaktype": obj{}, "catalogus": s.catalogus, "statustypen": []any{},
		"resultaattypen": []any{}, "eigenschappen": []any{}, "informatieobjecttypen": []any{}, "roltypen": []any{}, "besluittypen": []any{},
		"deelzaaktypen": []any{}, "gerelateerdeZaaktypen": []any{}, "beginGeldigheid": "2026-01-01", "eindeGeldigheid": nil,
		"beginObject": "2026-01-01", "eindeObject": "2026-01-01", "versiedatum": "2026-01-01", "concept": false, "zaakobjecttypen": []any{},
	})
	return &Zaaktype{s: s, URL: u, id: identificatie}
}

// typ adds a catalogue type of the zaaktype and lists it on the zaaktype under field.
func (zt *Zaaktype) typ(col, field string, o obj) string {
	s := zt.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(col)
	o["url"], o["catalogus"], o["beginObject"], o["eindeObject"] = u, s.catalogus, "2026-01-01", "2026-01-01"
	if col != colInformatieobjecttypen && col != colBesluittypen {
		o["zaaktype"], o["zaaktypeIdentificatie"] = zt.URL, zt.id
	}
	s.put(col, id, o)
	z := s.get(colZaaktypen, uuidOf(zt.URL))
	z[field] = append(z[field].([]any), u)
	return u
}

// Statustype adds a statustype.
func (zt *Zaaktype) Statustype(volgnummer int, omschrijving string, eind bool) string {
	return zt.typ(colStatustypen, "statustypen", obj{"omschrijving": omschrijving, "omschrijvingGeneriek": "", "statustekst": "",
		"volgnummer": volgnummer, "isEindstatus": eind, "informeren": false, "doorlooptijd": nil, "toelichting": nil,
		"checklistitemStatustype": []any{}, "eigenschappen": []any{}, "zaakobjecttypen": []any{}, "beginGeldigheid": nil, "eindeGeldigheid": nil})
}

// Informatieobjecttype adds an informatieobjecttype.
func (zt *Zaaktype) Informatieobjecttype(omschrijving string) string {
	return zt.typ(colInformatieobjecttypen, "informatieobjecttypen", obj{"omschrijving": omschrijving,
		"vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "beginGeldigheid": "2026-01-01", "eindeGeldigheid": nil, "concept": false,
		"besluittypen": []any{}, "informatieobjectcategorie": "document", "trefwoord": []any{},
		"omschrijvingGeneriek": obj{"informatieobjecttypeOmschrijvingGeneriek": "", "definitieInformatieobjecttypeOmschrijvingGeneriek": "",
			"herkomstInformatieobjecttypeOmschrijvingGeneriek": "", "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "",
			"opmerkingInformatieobjecttypeOmschrijvingGeneriek": ""}, "zaaktypen": []any{zt.URL}})
}

// Besluittype adds a besluittype.
func (zt *Zaaktype) Besluittype(omschrijving string) string {
	return zt.typ(colBesluittypen, "besluittypen", obj{"omschrijving": omschrijving, "omschrijvingGeneriek": "", "besluitcategorie": "",
		"reactietermijn": nil, "publicatieIndicatie": false, "publicatietekst": "", "publicatietermijn": nil, "toelichting": "",
		"informatieobjecttypen": []any{}, "beginGeldigheid": "2026-01-01", "eindeGeldigheid": nil, "concept": false,
		"resultaattypen": []any{}, "resultaattypenOmschrijving": []any{}, "vastgelegdIn": []any{}, "zaaktypen": []any{zt.URL}})
}

// Resultaattype adds a resultaattype.
func (zt *Zaaktype) Resultaattype(omschrijving string) string {
	return zt.typ(colResultaattypen, "resultaattypen", obj{"omschrijving": omschrijving, "resultaattypeomschrijving": "https://selectielijst.openzaak.nl/api/v1/resultaattypeomschrijvingen/1",
		"omschrijvingGeneriek": "Verleend", "selectielijstklasse": "https://selectielijst.openzaak.nl/api/v1/resultaten/1", "toelichting": "",
		"archiefnominatie": "blijvend_bewaren", "archiefactietermijn": nil, "brondatumArchiefprocedure": nil, "procesobjectaard": "",
		"indicatieSpecifiek": nil, "procestermijn": nil, "besluittypen": []any{}, "besluittypeOmschrijving": []any{},
		"informatieobjecttypen": []any{}, "informatieobjecttypeOmschrijving": []any{}, "beginGeldigheid": nil, "eindeGeldigheid": nil})
}

// Roltype adds a roltype.
func (zt *Zaaktype) Roltype(omschrijving, generiek string) string {
	return zt.typ(colRoltypen, "roltypen", obj{"omschrijving": omschrijving, "omschrijvingGeneriek": generiek,
		"beginGeldigheid": nil, "eindeGeldigheid": nil})
}

// Eigenschap adds an eigenschap.
func (zt *Zaaktype) Eigenschap(naam string) string {
	return zt.typ(colEigenschappen, "eigenschappen", obj{"naam": naam, "definitie": naam, "toelichting": "", "statustype": nil,
		"specificatie":    obj{"groep": "", "formaat": "tekst", "lengte": "255", "kardinaliteit": "1", "waardenverzameling": []any{}},
		"beginGeldigheid": nil, "eindeGeldigheid": nil})
}

// Zaak is a zaak in the server's Zaken API, with helpers to record on it.
type Zaak struct {
	s   *Server
	URL string
}

// NieuweZaak describes a zaak to add.
type NieuweZaak struct {
	Zaaktype      string
	Identificatie string
	Omschrijving  string
	Startdatum    time.Time
	// Aangemaakt is when the zaak was registered (audit trail, registratiedatum).
	Aangemaakt time.Time
	// Relevant lists the URLs of zaken it is linked with (relevanteAndereZaken, aard bijdrage).
	Relevant []string
	// Kenmerken are {bron, kenmerk} pairs.
	Kenmerken [][2]string
}

// Zaak adds a zaak.
func (s *Server) Zaak(n NieuweZaak) *Zaak {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colZaken)
	rel := []any{}
	for _, r := range n.Relevant {
		rel = append(rel, obj{"url": r, "aardRelatie": "bijdrage", "overigeRelatie": "", "toelichting": ""})
	}
	ken := []any{}
	for _, k := range n.Kenmerken {
		ken = append(ken, obj{"bron": k[0], "kenmerk": k[1]})
	}
	s.put(colZaken, id, obj{
		"url": u, "uuid": id, "identificatie": n.Identificatie, "bronorganisatie": s.RSIN, "omschrijving": n.Omschrijving,
		"toelichting": "", "zaaktype": n.Zaaktype, "registratiedatum": datum(n.Aangemaakt), "verantwoordelijkeOrganisatie": s.RSIN,
		"startdatum": datum(n.Startdatum), "einddatum": nil, "einddatumGepland": nil, "uiterlijkeEinddatumAfdoening": nil,
		"publicatiedatum": nil, "laatstGemuteerd": tijd(n.Aangemaakt), "laatstGeopend": nil, "communicatiekanaal": "",
		"communicatiekanaalNaam": "", "productenOfDiensten": []any{}, "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
		"betalingsindicatie": "", "betalingsindicatieWeergave": "", "laatsteBetaaldatum": nil, "zaakgeometrie": nil,
		"verlenging": nil, "opschorting": nil, "selectielijstklasse": "", "hoofdzaak": nil, "deelzaken": []any{},
		"relevanteAndereZaken": rel, "gerelateerdeZaken": []any{}, "eigenschappen": []any{}, "rollen": []any{}, "status": nil,
		"zaakinformatieobjecten": []any{}, "zaakobjecten": []any{}, "kenmerken": ken, "archiefnominatie": nil,
		"archiefstatus": "nog_te_archiveren", "archiefactiedatum": nil, "resultaat": nil, "opdrachtgevendeOrganisatie": "",
		"processobjectaard": "", "startdatumBewaartermijn": nil, "processobject": nil,
	})
	s.audit(u, u, "zaak", "create", n.Aangemaakt)
	return &Zaak{s: s, URL: u}
}

// Link adds other to the zaak's relevanteAndereZaken.
func (z *Zaak) Link(other string) {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.get(colZaken, uuidOf(z.URL))
	o["relevanteAndereZaken"] = append(o["relevanteAndereZaken"].([]any), obj{"url": other, "aardRelatie": "bijdrage", "overigeRelatie": "", "toelichting": ""})
}

// touch records a change of the zaak at t (laatstGemuteerd).
func (s *Server) touch(zaak string, t time.Time) {
	o := s.get(colZaken, uuidOf(zaak))
	if cur, _ := time.Parse(time.RFC3339Nano, o["laatstGemuteerd"].(string)); t.After(cur) {
		o["laatstGemuteerd"] = tijd(t)
	}
}

// Status sets a status on the zaak at t; the eindstatus closes it.
func (z *Zaak) Status(statustype string, t time.Time, toelichting string) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colStatussen)
	for _, id := range s.byZaak[colStatussen][z.URL] {
		s.data[colStatussen][id]["indicatieLaatstGezetteStatus"] = false
	}
	s.put(colStatussen, id, obj{"url": u, "uuid": id, "zaak": z.URL, "statustype": statustype, "datumStatusGezet": tijd(t),
		"statustoelichting": toelichting, "indicatieLaatstGezetteStatus": true, "gezetdoor": nil, "zaakinformatieobjecten": []any{}})
	o := s.get(colZaken, uuidOf(z.URL))
	o["status"] = u
	if st := s.get(colStatustypen, uuidOf(statustype)); st != nil && st["isEindstatus"] == true {
		o["einddatum"] = datum(t)
	} else {
		o["einddatum"] = nil
	}
	s.touch(z.URL, t)
	s.audit(z.URL, u, "status", "create", t)
	return u
}

// Persoon is a natuurlijk persoon as betrokkene.
type Persoon struct {
	Voorletters, Voorvoegsel, Geslachtsnaam, BSN string
}

// Rol adds a natuurlijk persoon in a role, registered at t.
func (z *Zaak) Rol(roltype string, p Persoon, t time.Time) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.get(colRoltypen, uuidOf(roltype))
	u, id := s.newURL(colRollen)
	s.put(colRollen, id, obj{"url": u, "uuid": id, "zaak": z.URL, "betrokkene": "", "betrokkeneType": "natuurlijk_persoon",
		"afwijkendeNaamBetrokkene": "", "roltype": roltype, "omschrijving": rt["omschrijving"], "omschrijvingGeneriek": rt["omschrijvingGeneriek"],
		"roltoelichting": "", "registratiedatum": tijd(t), "indicatieMachtiging": "", "contactpersoonRol": nil, "statussen": []any{},
		"beginGeldigheid": nil, "eindeGeldigheid": nil, "authenticatieContext": nil,
		"betrokkeneIdentificatie": obj{"inpBsn": p.BSN, "anpIdentificatie": "", "inpA_nummer": "", "geslachtsnaam": p.Geslachtsnaam,
			"voorvoegselGeslachtsnaam": p.Voorvoegsel, "voorletters": p.Voorletters, "voornamen": "", "geslachtsaanduiding": "",
			"geboortedatum": "", "verblijfsadres": nil, "subVerblijfBuitenland": nil}})
	o := s.get(colZaken, uuidOf(z.URL))
	o["rollen"] = append(o["rollen"].([]any), u)
	s.touch(z.URL, t)
	s.audit(z.URL, u, "rol", "create", t)
	return u
}

// Medewerker adds a medewerker in a role, registered at t.
func (z *Zaak) Medewerker(roltype, identificatie, voorletters, achternaam string, t time.Time) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.get(colRoltypen, uuidOf(roltype))
	u, id := s.newURL(colRollen)
	s.put(colRollen, id, obj{"url": u, "uuid": id, "zaak": z.URL, "betrokkene": "", "betrokkeneType": "medewerker",
		"afwijkendeNaamBetrokkene": "", "roltype": roltype, "omschrijving": rt["omschrijving"], "omschrijvingGeneriek": rt["omschrijvingGeneriek"],
		"roltoelichting": "", "registratiedatum": tijd(t), "indicatieMachtiging": "", "contactpersoonRol": nil, "statussen": []any{},
		"beginGeldigheid": nil, "eindeGeldigheid": nil,
		"betrokkeneIdentificatie": obj{"identificatie": identificatie, "achternaam": achternaam, "voorletters": voorletters, "voorvoegselAchternaam": ""}})
	o := s.get(colZaken, uuidOf(z.URL))
	o["rollen"] = append(o["rollen"].([]any), u)
	s.touch(z.URL, t)
	s.audit(z.URL, u, "rol", "create", t)
	return u
}

// Eigenschap sets an eigenschap's value at t (dated only by the audit trail, as in ZGW).
func (z *Zaak) Eigenschap(eigenschap, waarde string, t time.Time) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.get(colEigenschappen, uuidOf(eigenschap))
	u, id := s.newChildURL(z.URL, "zaakeigenschappen")
	s.put(colZaakeigenschappen, id, obj{"url": u, "uuid": id, "zaak": z.URL, "eigenschap": eigenschap, "naam": e["naam"], "waarde": waarde})
	o := s.get(colZaken, uuidOf(z.URL))
	o["eigenschappen"] = append(o["eigenschappen"].([]any), u)
	s.touch(z.URL, t)
	s.audit(z.URL, u, "zaakeigenschap", "create", t)
	return u
}

// Resultaat records the zaak's resultaat at t (dated only by the audit trail).
func (z *Zaak) Resultaat(resultaattype string, t time.Time) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colResultaten)
	s.put(colResultaten, id, obj{"url": u, "uuid": id, "zaak": z.URL, "resultaattype": resultaattype, "toelichting": ""})
	s.get(colZaken, uuidOf(z.URL))["resultaat"] = u
	s.touch(z.URL, t)
	s.audit(z.URL, u, "resultaat", "create", t)
	return u
}

// Besluit records a besluit on the zaak in the Besluiten API at t.
func (z *Zaak) Besluit(besluittype string, datumBesluit, ingangsdatum time.Time, t time.Time) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colBesluiten)
	s.put(colBesluiten, id, obj{"url": u, "identificatie": "BESLUIT-" + id[len(id)-6:], "verantwoordelijkeOrganisatie": s.RSIN,
		"besluittype": besluittype, "zaak": z.URL, "datum": datum(datumBesluit), "toelichting": "", "bestuursorgaan": "",
		"ingangsdatum": datum(ingangsdatum), "vervaldatum": nil, "vervalreden": "", "vervalredenWeergave": "", "publicatiedatum": nil,
		"verzenddatum": nil, "uiterlijkeReactiedatum": nil})
	s.touch(z.URL, t)
	s.audit(u, u, "besluit", "create", t)
	return u
}

// NieuwDocument describes a document to add.
type NieuwDocument struct {
	Informatieobjecttype string
	Titel                string
	Auteur               string
	Bestandsnaam         string
	Formaat              string
	Inhoud               []byte
	Creatiedatum         time.Time
	// Geregistreerd is when it was linked to the zaak (zaakinformatieobject.registratiedatum).
	Geregistreerd time.Time
	// Checksum overrides the integriteit.waarde (a source that recorded a wrong checksum).
	Checksum string
	// RuweTitel, when set, is served as the titel exactly as given: JSON a source may send but
	// encoding/json would never write (bytes that are not UTF-8, a lone surrogate escape).
	RuweTitel json.RawMessage
}

// Document adds a document in the Documenten API and links it to the zaak. It returns the
// document's URL.
func (z *Zaak) Document(d NieuwDocument) string {
	s := z.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u, id := s.newURL(colEIO)
	s.inhoud[id] = [][]byte{d.Inhoud}
	s.put(colEIO, id, s.eio(u, d, 1, d.Geregistreerd))
	s.eioVersies[id] = []obj{s.get(colEIO, id)}
	zu, zid := s.newURL(colZIO)
	s.put(colZIO, zid, obj{"url": zu, "uuid": zid, "informatieobject": u, "zaak": z.URL, "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
		"titel": "", "beschrijving": "", "registratiedatum": tijd(d.Geregistreerd), "vernietigingsdatum": nil, "status": nil})
	o := s.get(colZaken, uuidOf(z.URL))
	o["zaakinformatieobjecten"] = append(o["zaakinformatieobjecten"].([]any), zu)
	s.touch(z.URL, d.Geregistreerd)
	s.audit(z.URL, zu, "zaakinformatieobject", "create", d.Geregistreerd)
	return u
}

// NieuweVersie registers a new version of a document with new content at t.
func (s *Server) NieuweVersie(document string, inhoud []byte, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := uuidOf(document)
	cur := s.get(colEIO, id)
	versie := len(s.inhoud[id]) + 1
	s.inhoud[id] = append(s.inhoud[id], inhoud)
	d := NieuwDocument{Informatieobjecttype: cur["informatieobjecttype"].(string), Titel: cur["titel"].(string), Auteur: cur["auteur"].(string),
		Bestandsnaam: cur["bestandsnaam"].(string), Formaat: cur["formaat"].(string), Inhoud: inhoud}
	d.Creatiedatum, _ = time.Parse(time.DateOnly, cur["creatiedatum"].(string))
	o := s.eio(document, d, versie, t)
	s.put(colEIO, id, o)
	s.eioVersies[id] = append(s.eioVersies[id], o)
}

func (s *Server) eio(u string, d NieuwDocument, versie int, t time.Time) obj {
	sum := sha256.Sum256(d.Inhoud)
	checksum := hex.EncodeToString(sum[:])
	if d.Checksum != "" {
		checksum = d.Checksum
	}
	if d.Formaat == "" {
		d.Formaat = "application/pdf"
	}
	var titel any = d.Titel
	if d.RuweTitel != nil {
		titel = d.RuweTitel
	}
	return obj{"url": u, "identificatie": "DOCUMENT-" + uuidOf(u)[30:], "bronorganisatie": s.RSIN, "creatiedatum": datum(d.Creatiedatum),
		"titel": titel, "vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "auteur": d.Auteur, "status": "in_bewerking",
		"formaat": d.Formaat, "taal": "nld", "versie": versie, "beginRegistratie": tijd(t), "bestandsnaam": d.Bestandsnaam,
		"inhoud": fmt.Sprintf("%s/download?versie=%d", u, versie), "bestandsomvang": len(d.Inhoud), "link": "", "beschrijving": "",
		"ontvangstdatum": nil, "verzenddatum": nil, "indicatieGebruiksrecht": nil, "verschijningsvorm": "", "ondertekening": nil,
		"integriteit": obj{"algoritme": "sha_256", "waarde": checksum, "datum": datum(t)}, "informatieobjecttype": d.Informatieobjecttype,
		"locked": false, "bestandsdelen": []any{}, "trefwoorden": []any{}}
}

// audit appends an entry to the audit trail of hoofdObject.
func (s *Server) audit(hoofd, resource, soort, actie string, t time.Time) {
	bron := "zrc"
	if soort == "besluit" {
		bron = "brc"
	}
	s.trail[hoofd] = append(s.trail[hoofd], obj{"uuid": s.nextUUID(), "bron": bron, "applicatieId": "zaaksysteem",
		"applicatieWeergave": "Zaaksysteem", "gebruikersId": "behandelaar", "gebruikersWeergave": "Behandelaar", "actie": actie,
		"actieWeergave": "Object aangemaakt", "resultaat": 201, "hoofdObject": hoofd, "resource": soort, "resourceUrl": resource,
		"toelichting": "", "resourceWeergave": soort, "aanmaakdatum": tijd(t), "wijzigingen": obj{"oud": nil, "nieuw": obj{"url": resource}}})
}

// ZaakVan returns the zaak at u, to record more on it.
func (s *Server) ZaakVan(u string) *Zaak { return &Zaak{s: s, URL: u} }

// DocumentVan returns the URL of the document with this titel linked to the zaak; "" when
// there is none.
func (s *Server) DocumentVan(zaak, titel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order[colZIO] {
		zio := s.data[colZIO][id]
		if zio["zaak"] != zaak {
			continue
		}
		doc := zio["informatieobject"].(string)
		if s.get(colEIO, uuidOf(doc))["titel"] == titel {
			return doc
		}
	}
	return ""
}
