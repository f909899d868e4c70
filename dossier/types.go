package dossier

import (
	"time"
)

// Archiefstatus values (ZGW Zaken API).
const (
	ArchiefstatusNogTeArchiveren  = "nog_te_archiveren"
	ArchiefstatusGearchiveerd     = "gearchiveerd"
	ArchiefstatusProcestermijnOnb = "gearchiveerd_procestermijn_onbekend"
	ArchiefstatusOvergedragen     = "overgedragen"
	ArchiefnominatieBlijvend      = "blijvend_bewaren"
	ArchiefnominatieVernietigen   = "vernietigen"
	DocumentstatusInBewerking     = "in_bewerking"
	DocumentstatusTerVaststelling = "ter_vaststelling"
	DocumentstatusDefinitief      = "definitief"
	DocumentstatusGearchiveerd    = "gearchiveerd"
	vertrouwelijkheidOnbekend     = ""
	defaultTaal                   = "nld"
	maxTekst                      = 1000
	maxOmschrijving               = 80
)

// Vertrouwelijkheidaanduidingen lists the ZGW confidentiality levels from least to most
// restricted.
var Vertrouwelijkheidaanduidingen = []string{
	"openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk",
	"vertrouwelijk", "confidentieel", "geheim", "zeer_geheim",
}

// VertrouwelijkheidNiveau returns the rank of a confidentiality level (0 = openbaar) and whether
// it is known.
func VertrouwelijkheidNiveau(v string) (int, bool) {
	for i, s := range Vertrouwelijkheidaanduidingen {
		if s == v {
			return i, true
		}
	}
	return -1, false
}

// Zaak is the zaak itself: identity, dates, the current phase and its archival fields.
type Zaak struct {
	Identificatie               string `json:"identificatie"`
	Bronorganisatie             string `json:"bronorganisatie"`
	Zaaktype                    string `json:"zaaktype"`
	Omschrijving                string `json:"omschrijving"`
	Toelichting                 string `json:"toelichting"`
	Startdatum                  Datum  `json:"startdatum"`
	EinddatumGepland            *Datum `json:"einddatumGepland"`
	Einddatum                   *Datum `json:"einddatum"`
	Initiator                   string `json:"initiator,omitempty"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
	// Fase is the volgnummer of the current status (phase).
	Fase       int       `json:"fase"`
	FaseSinds  time.Time `json:"faseSinds"`
	Archief    Archief   `json:"archief"`
	Aangemaakt time.Time `json:"aangemaakt"`
	Gewijzigd  time.Time `json:"gewijzigd"`
}

// Archief holds the archival fields of a zaak as the ZGW Zaken API has them, plus why a date
// could not be derived yet.
type Archief struct {
	Archiefnominatie        string `json:"archiefnominatie"`
	Archiefactiedatum       *Datum `json:"archiefactiedatum"`
	Archiefstatus           string `json:"archiefstatus"`
	StartdatumBewaartermijn *Datum `json:"startdatumBewaartermijn"`
	// Uitgesteld says which fact is missing when the zaak closed without an archiefactiedatum.
	Uitgesteld string `json:"uitgesteld,omitempty"`
}

// Vastlegging says who recorded something, when, in which phase.
type Vastlegging struct {
	Fase          int       `json:"fase"`
	Organisatie   string    `json:"organisatie"`
	Geregistreerd time.Time `json:"geregistreerd"`
}

// Status is one status (phase) a zaak was put in.
type Status struct {
	ID                string    `json:"id"`
	Volgnummer        int       `json:"volgnummer"`
	Statustype        string    `json:"statustype"`
	DatumStatusGezet  time.Time `json:"datumStatusGezet"`
	Statustoelichting string    `json:"statustoelichting,omitempty"`
	Organisatie       string    `json:"organisatie"`
	Geregistreerd     time.Time `json:"geregistreerd"`
}

// Document is a document (enkelvoudig informatieobject) in the dossier; its content is in the
// blob store under its SHA-256.
type Document struct {
	ID                          string `json:"id"`
	Informatieobjecttype        string `json:"informatieobjecttype"`
	Titel                       string `json:"titel"`
	Auteur                      string `json:"auteur"`
	Creatiedatum                Datum  `json:"creatiedatum"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
	Taal                        string `json:"taal"`
	Bestandsnaam                string `json:"bestandsnaam"`
	Formaat                     string `json:"formaat"`
	Status                      string `json:"status"`
	Bestandsomvang              int64  `json:"bestandsomvang"`
	SHA256                      string `json:"sha256"`
	Vastlegging
}

// Besluit is a decision on the zaak.
type Besluit struct {
	ID           string `json:"id"`
	Besluittype  string `json:"besluittype"`
	Datum        Datum  `json:"datum"`
	Ingangsdatum Datum  `json:"ingangsdatum"`
	Vervaldatum  *Datum `json:"vervaldatum"`
	Toelichting  string `json:"toelichting,omitempty"`
	Vastlegging
}

// Eigenschap is a property value recorded on the zaak.
type Eigenschap struct {
	Naam   string `json:"eigenschap"`
	Waarde string `json:"waarde"`
	Vastlegging
}

// Resultaat is the result of the zaak.
type Resultaat struct {
	Resultaattype string `json:"resultaattype"`
	Toelichting   string `json:"toelichting,omitempty"`
	Vastlegging
}

// Rol is a betrokkene in a role on the zaak.
type Rol struct {
	ID             string `json:"id"`
	Roltype        string `json:"roltype"`
	Betrokkene     string `json:"betrokkene"`
	Roltoelichting string `json:"roltoelichting,omitempty"`
	Vastlegging
}

// Contactmoment is a contact with the client, recorded by the KCC or a handler.
type Contactmoment struct {
	ID        string `json:"id"`
	Kanaal    string `json:"kanaal"`
	Onderwerp string `json:"onderwerp"`
	Tekst     string `json:"tekst"`
	Vastlegging
}

// Dossier is everything recorded on one zaak.
type Dossier struct {
	Zaak            Zaak            `json:"zaak"`
	Statussen       []Status        `json:"statussen"`
	Documenten      []Document      `json:"documenten"`
	Besluiten       []Besluit       `json:"besluiten"`
	Eigenschappen   []Eigenschap    `json:"eigenschappen"`
	Resultaat       *Resultaat      `json:"resultaat"`
	Rollen          []Rol           `json:"rollen"`
	Contactmomenten []Contactmoment `json:"contactmomenten"`
}

// Eigenschap returns the value of the named eigenschap and whether it is set.
func (d *Dossier) Eigenschap(naam string) (string, bool) {
	for _, e := range d.Eigenschappen {
		if e.Naam == naam {
			return e.Waarde, true
		}
	}
	return "", false
}

// Actor is who makes a request: the organisation and role of a token.
type Actor struct {
	Organisatie string
	Rol         string
	TokenID     string
}

// Roles a token can have.
const (
	RolOrganisatie   = "organisatie"
	RolKCC           = "kcc"
	RolRecordmanager = "recordmanager"
	RolArchivaris    = "archivaris"
	RolAuditor       = "auditor"
	// RolSysteem is the daemon itself (scheduled jobs, the CLI on the data directory).
	RolSysteem = "systeem"
)

// Rollen lists the roles a token can be created with.
var Rollen = []string{RolOrganisatie, RolKCC, RolRecordmanager, RolArchivaris, RolAuditor}
