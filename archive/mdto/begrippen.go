package mdto

import "time"

// Names of the begrippenlijsten as the Nationaal Archief's own MDTO examples spell them
// (repository NationaalArchief/MDTO-XSD, voorbeelden/).
const (
	// BegrippenlijstAggregatieniveaus is the list of aggregatieniveaus.
	BegrippenlijstAggregatieniveaus = "Begrippenlijst Aggregatieniveaus MDTO"
	// BegrippenlijstWaarderingen is the list of waarderingen (B, V, N).
	BegrippenlijstWaarderingen = "Begrippenlijst Waarderingen MDTO"
	// BegrippenlijstChecksumAlgoritme is the list of checksum algorithms.
	BegrippenlijstChecksumAlgoritme = "Begrippenlijst ChecksumAlgoritme MDTO"
	// BegrippenlijstEventType is the list of event types.
	BegrippenlijstEventType = "Begrippenlijst EventTypeLijst MDTO"
	// BegrippenlijstBeperkingen is the list of restrictions on use.
	BegrippenlijstBeperkingen = "Begrippenlijst Beperkingen MDTO"
	// PRONOMRegister is the begrippenlijst of bestandsformaten: The National Archives' PRONOM.
	PRONOMRegister = "PRONOM-register"
)

// Aggregatieniveaus from BegrippenlijstAggregatieniveaus. A zaak is a Dossier, its documents are
// Archiefstukken.
const (
	AggregatieniveauArchief     = "Archief"
	AggregatieniveauSerie       = "Serie"
	AggregatieniveauDossier     = "Dossier"
	AggregatieniveauArchiefstuk = "Archiefstuk"
)

// Waardering codes from BegrippenlijstWaarderingen.
const (
	// WaarderingBlijvend is "Blijvend te bewaren" (archiefnominatie blijvend_bewaren).
	WaarderingBlijvend = "B"
	// WaarderingTijdelijk is "Tijdelijk te bewaren" (archiefnominatie vernietigen).
	WaarderingTijdelijk = "V"
	// WaarderingNaderTeBepalen is "Nader te bepalen".
	WaarderingNaderTeBepalen = "N"
)

// waarderingLabels maps each waardering code to its label in BegrippenlijstWaarderingen.
var waarderingLabels = map[string]string{
	WaarderingBlijvend:       "Blijvend te bewaren",
	WaarderingTijdelijk:      "Tijdelijk te bewaren",
	WaarderingNaderTeBepalen: "Nader te bepalen",
}

// Checksum algorithms from BegrippenlijstChecksumAlgoritme, spelled as the list spells them:
// with a hyphen ("SHA-256"). The Nationaal Archief's own example (NationaalArchief/MDTO-XSD,
// voorbeelden/MDTO-XML 1.0.1 Voorbeeld Bestand.xml) writes "SHA256"; the spelling here follows
// the begrippenlijst as the tools that check against it read it: the Noord-Hollands Archief's
// schematron (noord-hollandsarchief/preingest-xslweb, home/webapps/mdtovalidation/sch/mdto.sch)
// names "SHA-224 (SHA224), SHA-384 (SHA384), SHA-256 (SHA256), of SHA-512 (SHA512)", the
// hyphenated label first and the other accepted. Package sipcheck accepts both spellings.
const (
	SHA224 = "SHA-224"
	SHA256 = "SHA-256"
	SHA384 = "SHA-384"
	SHA512 = "SHA-512"
)

// checksumHexLen is the length in hex digits of each algorithm's digest.
var checksumHexLen = map[string]int{SHA224: 56, SHA256: 64, SHA384: 96, SHA512: 128}

// Event types from BegrippenlijstEventType, as used in the Nationaal Archief's examples. The list
// is open: EventType accepts any label.
const (
	EventCreatie      = "Creatie"
	EventOntvangst    = "Ontvangst"
	EventBevriezing   = "Bevriezing"
	EventMigratie     = "Migratie"
	EventOverbrenging = "Overbrenging"
	EventVernietiging = "Vernietiging"
)

// Aggregatieniveau returns the begrip for one of the Aggregatieniveau* labels.
func Aggregatieniveau(label string) Begrip {
	return Begrip{Label: label, Begrippenlijst: Verwijzing{Naam: BegrippenlijstAggregatieniveaus}}
}

// Waardering returns the begrip for a waardering code (WaarderingBlijvend, ...) with its label.
// An unknown code gives a begrip without label, which Validate refuses.
func Waardering(code string) Begrip {
	return Begrip{
		Label:          waarderingLabels[code],
		Code:           code,
		Begrippenlijst: Verwijzing{Naam: BegrippenlijstWaarderingen},
	}
}

// ChecksumAlgoritme returns the begrip for one of SHA224, SHA256, SHA384, SHA512.
func ChecksumAlgoritme(label string) Begrip {
	return Begrip{Label: label, Begrippenlijst: Verwijzing{Naam: BegrippenlijstChecksumAlgoritme}}
}

// EventType returns the begrip for an event type label such as EventCreatie.
func EventType(label string) Begrip {
	return Begrip{Label: label, Begrippenlijst: Verwijzing{Naam: BegrippenlijstEventType}}
}

// BeperkingGeen is the beperkingGebruik for an object without any restriction on use.
func BeperkingGeen() BeperkingGebruik {
	return BeperkingGebruik{Type: Begrip{
		Label:          "Geen beperking",
		Begrippenlijst: Verwijzing{Naam: BegrippenlijstBeperkingen},
	}}
}

// Informatiecategorie returns the begrip for a selectielijst category: code is the resultaat's
// volledigNummer (e.g. "11.1.6"), label its naam, lijst the selectielijst and its year (e.g.
// "Selectielijst gemeenten en intergemeentelijke organen 2020").
func Informatiecategorie(code, label, lijst string) Begrip {
	return Begrip{Label: label, Code: code, Begrippenlijst: Verwijzing{Naam: lijst}}
}

// XSDDate formats the calendar date of t in t's own location as an xsd:date ("2024-03-01").
func XSDDate(t time.Time) string {
	return t.Format("2006-01-02")
}

// XSDDateTime formats t as an xsd:dateTime with whole seconds and its zone offset
// ("2024-03-01T14:05:09+01:00", or "...Z" in UTC).
func XSDDateTime(t time.Time) string {
	return t.Format("2006-01-02T15:04:05Z07:00")
}
