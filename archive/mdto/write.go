package mdto

import (
	"fmt"
	"io"

	"github.com/beevik/etree"
)

// Namespace is the MDTO XML namespace, the default namespace of every document written here.
const Namespace = "https://www.nationaalarchief.nl/mdto"

// SchemaLocation is the xsi:schemaLocation the Nationaal Archief's examples carry: the namespace
// and the published schema. Validation here never fetches it; ValidateXSD uses the embedded copy.
const SchemaLocation = Namespace + " https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"

// WriteInformatieobject validates o and writes it to w as a complete MDTO document: XML
// declaration, root MDTO with the MDTO namespace, one informatieobject, tab-indented, elements in
// schema order. Nothing is written when o is invalid.
func WriteInformatieobject(w io.Writer, o Informatieobject) error {
	if err := o.Validate(); err != nil {
		return err
	}
	doc, root := newDocument()
	informatieobject(root.CreateElement("informatieobject"), o)
	return writeDocument(w, doc, "informatieobject")
}

// WriteBestand validates b and writes it to w as a complete MDTO document holding one bestand,
// like WriteInformatieobject. Nothing is written when b is invalid.
func WriteBestand(w io.Writer, b Bestand) error {
	if err := b.Validate(); err != nil {
		return err
	}
	doc, root := newDocument()
	bestand(root.CreateElement("bestand"), b)
	return writeDocument(w, doc, "bestand")
}

func newDocument() (*etree.Document, *etree.Element) {
	doc := etree.NewDocument()
	doc.WriteSettings.CanonicalText = true
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("MDTO")
	root.CreateAttr("xmlns", Namespace)
	root.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	root.CreateAttr("xsi:schemaLocation", SchemaLocation)
	return doc, root
}

func writeDocument(w io.Writer, doc *etree.Document, object string) error {
	s := etree.NewIndentSettings()
	s.UseTabs = true
	s.PreserveLeafWhitespace = true
	doc.IndentWithSettings(s)
	if _, err := doc.WriteTo(w); err != nil {
		return fmt.Errorf("write mdto %s: %w", object, err)
	}
	return nil
}

func informatieobject(e *etree.Element, o Informatieobject) {
	object(e, o.Identificatie, o.Naam)
	if o.Aggregatieniveau != nil {
		begrip(e.CreateElement("aggregatieniveau"), *o.Aggregatieniveau)
	}
	for _, b := range o.Classificatie {
		begrip(e.CreateElement("classificatie"), b)
	}
	for _, s := range o.Trefwoord {
		text(e, "trefwoord", s)
	}
	for _, s := range o.Omschrijving {
		text(e, "omschrijving", s)
	}
	for _, r := range o.Raadpleeglocatie {
		re := e.CreateElement("raadpleeglocatie")
		for _, v := range r.Fysiek {
			verwijzing(re.CreateElement("raadpleeglocatieFysiek"), v)
		}
		for _, u := range r.Online {
			text(re, "raadpleeglocatieOnline", u)
		}
	}
	for _, d := range o.DekkingInTijd {
		de := e.CreateElement("dekkingInTijd")
		begrip(de.CreateElement("dekkingInTijdType"), d.Type)
		text(de, "dekkingInTijdBegindatum", d.Begindatum)
		optText(de, "dekkingInTijdEinddatum", d.Einddatum)
	}
	for _, v := range o.DekkingInRuimte {
		verwijzing(e.CreateElement("dekkingInRuimte"), v)
	}
	for _, s := range o.Taal {
		text(e, "taal", s)
	}
	for _, ev := range o.Event {
		event(e.CreateElement("event"), ev)
	}
	begrip(e.CreateElement("waardering"), o.Waardering)
	if o.Bewaartermijn != nil {
		termijn(e.CreateElement("bewaartermijn"), *o.Bewaartermijn)
	}
	if o.Informatiecategorie != nil {
		begrip(e.CreateElement("informatiecategorie"), *o.Informatiecategorie)
	}
	verwijzingen(e, "isOnderdeelVan", o.IsOnderdeelVan)
	verwijzingen(e, "bevatOnderdeel", o.BevatOnderdeel)
	verwijzingen(e, "heeftRepresentatie", o.HeeftRepresentatie)
	verwijzingen(e, "aanvullendeMetagegevens", o.AanvullendeMetagegevens)
	for _, g := range o.GerelateerdInformatieobject {
		ge := e.CreateElement("gerelateerdInformatieobject")
		verwijzing(ge.CreateElement("gerelateerdInformatieobjectVerwijzing"), g.Verwijzing)
		begrip(ge.CreateElement("gerelateerdInformatieobjectTypeRelatie"), g.TypeRelatie)
	}
	verwijzingen(e, "archiefvormer", o.Archiefvormer)
	for _, b := range o.Betrokkene {
		be := e.CreateElement("betrokkene")
		begrip(be.CreateElement("betrokkeneTypeRelatie"), b.TypeRelatie)
		verwijzing(be.CreateElement("betrokkeneActor"), b.Actor)
	}
	if o.Activiteit != nil {
		verwijzing(e.CreateElement("activiteit"), *o.Activiteit)
	}
	for _, b := range o.BeperkingGebruik {
		be := e.CreateElement("beperkingGebruik")
		begrip(be.CreateElement("beperkingGebruikType"), b.Type)
		optText(be, "beperkingGebruikNadereBeschrijving", b.NadereBeschrijving)
		verwijzingen(be, "beperkingGebruikDocumentatie", b.Documentatie)
		if b.Termijn != nil {
			termijn(be.CreateElement("beperkingGebruikTermijn"), *b.Termijn)
		}
	}
}

func bestand(e *etree.Element, b Bestand) {
	object(e, b.Identificatie, b.Naam)
	text(e, "omvang", fmt.Sprint(b.Omvang))
	begrip(e.CreateElement("bestandsformaat"), b.Bestandsformaat)
	for _, c := range b.Checksum {
		ce := e.CreateElement("checksum")
		begrip(ce.CreateElement("checksumAlgoritme"), c.Algoritme)
		text(ce, "checksumWaarde", c.Waarde)
		text(ce, "checksumDatum", XSDDateTime(c.Datum))
	}
	optText(e, "URLBestand", b.URLBestand)
	verwijzing(e.CreateElement("isRepresentatieVan"), b.IsRepresentatieVan)
}

// object writes the elements of objectType, which both informatieobject and bestand extend.
func object(e *etree.Element, ids []Identificatie, naam string) {
	for _, id := range ids {
		identificatie(e.CreateElement("identificatie"), id)
	}
	text(e, "naam", naam)
}

func identificatie(e *etree.Element, id Identificatie) {
	text(e, "identificatieKenmerk", id.Kenmerk)
	text(e, "identificatieBron", id.Bron)
}

func verwijzing(e *etree.Element, v Verwijzing) {
	text(e, "verwijzingNaam", v.Naam)
	if v.Identificatie != nil {
		identificatie(e.CreateElement("verwijzingIdentificatie"), *v.Identificatie)
	}
}

func verwijzingen(parent *etree.Element, tag string, vs []Verwijzing) {
	for _, v := range vs {
		verwijzing(parent.CreateElement(tag), v)
	}
}

func begrip(e *etree.Element, b Begrip) {
	text(e, "begripLabel", b.Label)
	optText(e, "begripCode", b.Code)
	verwijzing(e.CreateElement("begripBegrippenlijst"), b.Begrippenlijst)
}

func event(e *etree.Element, ev Event) {
	begrip(e.CreateElement("eventType"), ev.Type)
	optText(e, "eventTijd", ev.Tijd)
	if ev.VerantwoordelijkeActor != nil {
		verwijzing(e.CreateElement("eventVerantwoordelijkeActor"), *ev.VerantwoordelijkeActor)
	}
	optText(e, "eventResultaat", ev.Resultaat)
}

func termijn(e *etree.Element, t Termijn) {
	if t.TriggerStartLooptijd != nil {
		begrip(e.CreateElement("termijnTriggerStartLooptijd"), *t.TriggerStartLooptijd)
	}
	if t.StartdatumLooptijd != nil {
		text(e, "termijnStartdatumLooptijd", XSDDate(*t.StartdatumLooptijd))
	}
	optText(e, "termijnLooptijd", t.Looptijd)
	if t.Einddatum != nil {
		text(e, "termijnEinddatum", XSDDate(*t.Einddatum))
	}
}

// text appends <tag>s</tag> to parent.
func text(parent *etree.Element, tag, s string) {
	parent.CreateElement(tag).SetText(s)
}

// optText appends <tag>s</tag> to parent unless s is empty.
func optText(parent *etree.Element, tag, s string) {
	if s != "" {
		text(parent, tag, s)
	}
}
