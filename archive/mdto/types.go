package mdto

import "time"

// Fields of the types below are declared in the element order of MDTO-XML1.0.1.xsd; the writer
// emits them in that order. A nil pointer or empty slice or string means the optional element is
// left out. "Required" in a comment means Validate refuses the object without it.

// Identificatie (identificatieGegevens) identifies an object: a kenmerk and the source that
// issued it. Both are required.
type Identificatie struct {
	// Kenmerk is the identifying value, e.g. a zaak's URL or identificatie (identificatieKenmerk).
	Kenmerk string
	// Bron names who issued the kenmerk, e.g. "Open Zaak gemeente X" (identificatieBron).
	Bron string
}

// Verwijzing (verwijzingGegevens) refers to another object by name and, optionally, by
// identificatie.
type Verwijzing struct {
	// Naam is the name of the object referred to (verwijzingNaam). Required.
	Naam string
	// Identificatie identifies the object referred to (verwijzingIdentificatie).
	Identificatie *Identificatie
}

// Begrip (begripGegevens) is a term from a begrippenlijst: a label, an optional code and the list
// it comes from.
type Begrip struct {
	// Label is the term's text (begripLabel). Required.
	Label string
	// Code is the term's code in the list, e.g. "B" or "fmt/354" (begripCode).
	Code string
	// Begrippenlijst refers to the list the term comes from (begripBegrippenlijst). Required.
	Begrippenlijst Verwijzing
}

// Raadpleeglocatie (raadpleeglocatieGegevens) says where an informatieobject can be consulted.
// At least one of the two is required.
type Raadpleeglocatie struct {
	// Fysiek are physical places (raadpleeglocatieFysiek).
	Fysiek []Verwijzing
	// Online are absolute URLs (raadpleeglocatieOnline, xsd:anyURI).
	Online []string
}

// DekkingInTijd (dekkingInTijdGegevens) is the moment or period the content is about.
type DekkingInTijd struct {
	// Type says what kind of period this is (dekkingInTijdType). Required.
	Type Begrip
	// Begindatum is an xsd:gYear, xsd:gYearMonth or xsd:date, e.g. "2024", "2024-03" or
	// "2024-03-01" (dekkingInTijdBegindatum). Required; XSDDate formats a time.Time.
	Begindatum string
	// Einddatum has the same forms as Begindatum (dekkingInTijdEinddatum).
	Einddatum string
}

// Event (eventGegevens) is something that happened to the informatieobject: its creation,
// receipt, freezing, transfer, destruction.
type Event struct {
	// Type is the kind of event (eventType), usually from EventType. Required.
	Type Begrip
	// Tijd is when it happened: an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime
	// (eventTijd). XSDDateTime and XSDDate format a time.Time.
	Tijd string
	// VerantwoordelijkeActor is who was responsible (eventVerantwoordelijkeActor).
	VerantwoordelijkeActor *Verwijzing
	// Resultaat describes the outcome as far as it matters for access (eventResultaat).
	Resultaat string
}

// Termijn (termijnGegevens) is a period that starts at a trigger and ends at a date: the
// bewaartermijn of an informatieobject and the termijn of a beperkingGebruik. At least one field
// is required. Dates are written as xsd:date, the calendar date of the time.Time in its own
// location: pass dates in the civil time zone they belong to.
type Termijn struct {
	// TriggerStartLooptijd is the event that starts the period (termijnTriggerStartLooptijd).
	TriggerStartLooptijd *Begrip
	// StartdatumLooptijd is the date the trigger happened (termijnStartdatumLooptijd).
	StartdatumLooptijd *time.Time
	// Looptijd is the length as an xsd:duration such as "P10Y" (termijnLooptijd).
	Looptijd string
	// Einddatum is the date the period ends (termijnEinddatum).
	Einddatum *time.Time
}

// Bewaartermijn is the Termijn of an informatieobject's bewaartermijn element.
type Bewaartermijn = Termijn

// GerelateerdInformatieobject (gerelateerdInformatieobjectGegevens) relates the informatieobject
// to another one outside the hierarchy, e.g. a deelzaak or a related zaak.
type GerelateerdInformatieobject struct {
	// Verwijzing refers to the other object (gerelateerdInformatieobjectVerwijzing). Required.
	Verwijzing Verwijzing
	// TypeRelatie types the relation (gerelateerdInformatieobjectTypeRelatie). Required.
	TypeRelatie Begrip
}

// Betrokkene (betrokkeneGegevens) is a person or organisation involved with the object.
type Betrokkene struct {
	// TypeRelatie types the involvement, e.g. "Aanvrager" (betrokkeneTypeRelatie). Required.
	TypeRelatie Begrip
	// Actor is the person or organisation (betrokkeneActor). Required.
	Actor Verwijzing
}

// BeperkingGebruik (beperkingGebruikGegevens) is a restriction on use: openbaarheid,
// vertrouwelijkheid, copyright. MDTO has no vertrouwelijkheid element; it goes here.
type BeperkingGebruik struct {
	// Type is the restriction, e.g. BeperkingGeen (beperkingGebruikType). Required.
	Type Begrip
	// NadereBeschrijving explains it (beperkingGebruikNadereBeschrijving).
	NadereBeschrijving string
	// Documentatie refers to documents describing it (beperkingGebruikDocumentatie).
	Documentatie []Verwijzing
	// Termijn is how long it applies (beperkingGebruikTermijn).
	Termijn *Termijn
}

// Informatieobject (informatieobjectType) is a self-contained unit of information with its own
// identity: an archief, serie, dossier (a zaak) or archiefstuk (a document).
type Informatieobject struct {
	// Identificatie identifies the object (identificatie, 1..n). Required.
	Identificatie []Identificatie
	// Naam is the object's meaningful name (naam). Required.
	Naam string
	// Aggregatieniveau is Archief, Serie, Dossier or Archiefstuk, see Aggregatieniveau.
	Aggregatieniveau *Begrip
	// Classificatie places the object in a classification scheme, e.g. the zaaktype.
	Classificatie []Begrip
	// Trefwoord are keywords.
	Trefwoord []string
	// Omschrijving describe the content.
	Omschrijving []string
	// Raadpleeglocatie are where the object can be consulted.
	Raadpleeglocatie []Raadpleeglocatie
	// DekkingInTijd are the periods the content is about.
	DekkingInTijd []DekkingInTijd
	// DekkingInRuimte are the places the content is about.
	DekkingInRuimte []Verwijzing
	// Taal are xsd:language codes such as "nl".
	Taal []string
	// Event are the object's events, oldest first by convention.
	Event []Event
	// Waardering is B, V or N from the MDTO list, see Waardering. Required.
	Waardering Begrip
	// Bewaartermijn is the retention period from the selectielijst.
	Bewaartermijn *Bewaartermijn
	// Informatiecategorie is the selectielijst category the bewaartermijn is based on, see
	// Informatiecategorie.
	Informatiecategorie *Begrip
	// IsOnderdeelVan refers to the aggregate directly above this one.
	IsOnderdeelVan []Verwijzing
	// BevatOnderdeel refers to the informatieobjecten directly below this one.
	BevatOnderdeel []Verwijzing
	// HeeftRepresentatie refers to the bestanden that represent this object.
	HeeftRepresentatie []Verwijzing
	// AanvullendeMetagegevens refers to bestanden with additional, domain-specific metadata.
	AanvullendeMetagegevens []Verwijzing
	// GerelateerdInformatieobject relates this object to others outside the hierarchy.
	GerelateerdInformatieobject []GerelateerdInformatieobject
	// Archiefvormer are the organisations that made or received the object (1..n). Required.
	Archiefvormer []Verwijzing
	// Betrokkene are persons or organisations involved.
	Betrokkene []Betrokkene
	// Activiteit is the business activity in which the object was made or received.
	Activiteit *Verwijzing
	// BeperkingGebruik are the restrictions on use (1..n). Required; use BeperkingGeen when
	// there is none.
	BeperkingGebruik []BeperkingGebruik
}

// Bestand (bestandType) is a file that represents (part of) an informatieobject. It is never
// nested in an informatieobject's document: it has its own and refers back by
// IsRepresentatieVan.
type Bestand struct {
	// Identificatie identifies the file (identificatie, 1..n). Required.
	Identificatie []Identificatie
	// Naam is the file's name (naam). Required.
	Naam string
	// Omvang is the size in bytes (omvang). Must not be negative.
	Omvang int64
	// Bestandsformaat is the PRONOM format, see Formaat.Begrip. Required.
	Bestandsformaat Begrip
	// Checksum are the file's checksums (1..n). Required.
	Checksum []Checksum
	// URLBestand is an absolute URL where the file can be fetched (URLBestand).
	URLBestand string
	// IsRepresentatieVan refers to the informatieobject the file represents. Required.
	IsRepresentatieVan Verwijzing
}

// Checksum (checksumGegevens) is a checksum of a bestand and when it was made.
type Checksum struct {
	// Algoritme is SHA-224, SHA-256, SHA-384 or SHA-512, see ChecksumAlgoritme. Required.
	Algoritme Begrip
	// Waarde is the digest in lowercase hexadecimal (checksumWaarde). Required.
	Waarde string
	// Datum is when the checksum was made, written as an xsd:dateTime with seconds and zone
	// (checksumDatum). Required.
	Datum time.Time
}
