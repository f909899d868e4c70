package zgw

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The resources of the ZGW APIs as the collector reads them: only the fields it uses. Field
// names and shapes follow the OpenAPI specifications of Open Zaak 1.30 (Zaken 1.5.1, Documenten
// 1.4.2, Besluiten 1.1.0, Catalogi 1.3.1).

// Tijd is a date-time of a ZGW API. It accepts RFC 3339 and, leniently, a date-time without
// zone (taken in Europe/Amsterdam, as Dutch government systems mean it).
type Tijd struct{ time.Time }

// UnmarshalJSON reads an RFC 3339 date-time; null leaves the zero time.
func (t *Tijd) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date-time must be a string: %w", err)
	}
	if s == "" {
		return nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t.Time = v
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if v, err := time.ParseInLocation(layout, s, amsterdam); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("%q is not a date-time", s)
}

// MarshalJSON writes RFC 3339.
func (t Tijd) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Time.Format(time.RFC3339Nano))
}

var amsterdam = mustLocation("Europe/Amsterdam")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in by package dossier
	}
	return loc
}

// pagina is a page of a paginated list (PaginatedZaakList and its kin).
type pagina[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// Zaak is a zaak in a Zaken API.
type Zaak struct {
	URL                    string          `json:"url"`
	UUID                   string          `json:"uuid"`
	Identificatie          string          `json:"identificatie"`
	Bronorganisatie        string          `json:"bronorganisatie"`
	Omschrijving           string          `json:"omschrijving"`
	Toelichting            string          `json:"toelichting"`
	Zaaktype               string          `json:"zaaktype"`
	Registratiedatum       string          `json:"registratiedatum"`
	Startdatum             string          `json:"startdatum"`
	Einddatum              *string         `json:"einddatum"`
	LaatstGemuteerd        Tijd            `json:"laatstGemuteerd"`
	Status                 *string         `json:"status"`
	Resultaat              *string         `json:"resultaat"`
	Hoofdzaak              *string         `json:"hoofdzaak"`
	RelevanteAndereZaken   []RelevanteZaak `json:"relevanteAndereZaken"`
	Kenmerken              []Kenmerk       `json:"kenmerken"`
	Eigenschappen          []string        `json:"eigenschappen"`
	Rollen                 []string        `json:"rollen"`
	Zaakinformatieobjecten []string        `json:"zaakinformatieobjecten"`
}

// RelevanteZaak is a link from a zaak to another zaak (relevanteAndereZaken).
type RelevanteZaak struct {
	URL         string `json:"url"`
	AardRelatie string `json:"aardRelatie"`
}

// Kenmerk identifies a zaak in another administration.
type Kenmerk struct {
	Kenmerk string `json:"kenmerk"`
	Bron    string `json:"bron"`
}

// Status is a status set on a zaak.
type Status struct {
	URL               string `json:"url"`
	Zaak              string `json:"zaak"`
	Statustype        string `json:"statustype"`
	DatumStatusGezet  Tijd   `json:"datumStatusGezet"`
	Statustoelichting string `json:"statustoelichting"`
}

// Resultaat is the result of a zaak.
type Resultaat struct {
	URL           string `json:"url"`
	Zaak          string `json:"zaak"`
	Resultaattype string `json:"resultaattype"`
	Toelichting   string `json:"toelichting"`
}

// Rol is a betrokkene in a role on a zaak; betrokkeneIdentificatie depends on betrokkeneType.
type Rol struct {
	URL                      string          `json:"url"`
	Zaak                     string          `json:"zaak"`
	Betrokkene               string          `json:"betrokkene"`
	BetrokkeneType           string          `json:"betrokkeneType"`
	AfwijkendeNaamBetrokkene string          `json:"afwijkendeNaamBetrokkene"`
	Roltype                  string          `json:"roltype"`
	Omschrijving             string          `json:"omschrijving"`
	OmschrijvingGeneriek     string          `json:"omschrijvingGeneriek"`
	Roltoelichting           string          `json:"roltoelichting"`
	Registratiedatum         Tijd            `json:"registratiedatum"`
	BetrokkeneIdentificatie  json.RawMessage `json:"betrokkeneIdentificatie"`
}

// Naam returns a readable name of the betrokkene: afwijkendeNaamBetrokkene when given, else
// built from betrokkeneIdentificatie as its betrokkeneType defines it, else the betrokkene URL.
func (r *Rol) Naam() string {
	if n := strings.TrimSpace(r.AfwijkendeNaamBetrokkene); n != "" {
		return n
	}
	var id struct {
		Voorletters              string   `json:"voorletters"`
		VoorvoegselGeslachtsnaam string   `json:"voorvoegselGeslachtsnaam"`
		Geslachtsnaam            string   `json:"geslachtsnaam"`
		VoorvoegselAchternaam    string   `json:"voorvoegselAchternaam"`
		Achternaam               string   `json:"achternaam"`
		Identificatie            string   `json:"identificatie"`
		StatutaireNaam           string   `json:"statutaireNaam"`
		Handelsnaam              []string `json:"handelsnaam"`
		Naam                     string   `json:"naam"`
	}
	_ = json.Unmarshal(r.BetrokkeneIdentificatie, &id)
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " ")
	}
	var n string
	switch r.BetrokkeneType {
	case "natuurlijk_persoon":
		n = join(id.Voorletters, id.VoorvoegselGeslachtsnaam, id.Geslachtsnaam)
	case "medewerker":
		n = join(id.Voorletters, id.VoorvoegselAchternaam, id.Achternaam)
		if n == "" {
			n = id.Identificatie
		}
	case "niet_natuurlijk_persoon":
		n = id.StatutaireNaam
	case "vestiging":
		if len(id.Handelsnaam) > 0 {
			n = id.Handelsnaam[0]
		}
	case "organisatorische_eenheid":
		n = id.Naam
	}
	if n == "" {
		n = r.Betrokkene
	}
	return n
}

// ZaakEigenschap is the value of an eigenschap on a zaak.
type ZaakEigenschap struct {
	URL        string `json:"url"`
	Zaak       string `json:"zaak"`
	Eigenschap string `json:"eigenschap"`
	Naam       string `json:"naam"`
	Waarde     string `json:"waarde"`
}

// ZaakInformatieObject links a document to a zaak.
type ZaakInformatieObject struct {
	URL              string `json:"url"`
	Informatieobject string `json:"informatieobject"`
	Zaak             string `json:"zaak"`
	Titel            string `json:"titel"`
	Registratiedatum Tijd   `json:"registratiedatum"`
}

// EnkelvoudigInformatieObject is a document (one version of it) in a Documenten API.
type EnkelvoudigInformatieObject struct {
	URL                         string       `json:"url"`
	Identificatie               string       `json:"identificatie"`
	Bronorganisatie             string       `json:"bronorganisatie"`
	Creatiedatum                string       `json:"creatiedatum"`
	Titel                       string       `json:"titel"`
	Vertrouwelijkheidaanduiding string       `json:"vertrouwelijkheidaanduiding"`
	Auteur                      string       `json:"auteur"`
	Status                      string       `json:"status"`
	Formaat                     string       `json:"formaat"`
	Taal                        string       `json:"taal"`
	Versie                      int          `json:"versie"`
	BeginRegistratie            Tijd         `json:"beginRegistratie"`
	Bestandsnaam                string       `json:"bestandsnaam"`
	Inhoud                      *string      `json:"inhoud"`
	Bestandsomvang              *int64       `json:"bestandsomvang"`
	Integriteit                 *Integriteit `json:"integriteit"`
	Informatieobjecttype        string       `json:"informatieobjecttype"`
}

// Integriteit is the checksum of a document's content as its source recorded it.
type Integriteit struct {
	Algoritme string `json:"algoritme"`
	Waarde    string `json:"waarde"`
	Datum     string `json:"datum"`
}

// Besluit is a decision in a Besluiten API.
type Besluit struct {
	URL           string  `json:"url"`
	Identificatie string  `json:"identificatie"`
	Besluittype   string  `json:"besluittype"`
	Zaak          string  `json:"zaak"`
	Datum         string  `json:"datum"`
	Toelichting   string  `json:"toelichting"`
	Ingangsdatum  string  `json:"ingangsdatum"`
	Vervaldatum   *string `json:"vervaldatum"`
}

// AuditTrail is one entry of a resource's audit trail: it dates what ZGW leaves undated
// (zaakeigenschappen, resultaten, besluiten).
type AuditTrail struct {
	Actie        string `json:"actie"`
	Resource     string `json:"resource"`
	ResourceURL  string `json:"resourceUrl"`
	HoofdObject  string `json:"hoofdObject"`
	Aanmaakdatum Tijd   `json:"aanmaakdatum"`
}

// Zaaktype is a zaaktype in a Catalogi API.
type Zaaktype struct {
	URL                   string   `json:"url"`
	Identificatie         string   `json:"identificatie"`
	Omschrijving          string   `json:"omschrijving"`
	Versiedatum           string   `json:"versiedatum"`
	Concept               bool     `json:"concept"`
	Statustypen           []string `json:"statustypen"`
	Informatieobjecttypen []string `json:"informatieobjecttypen"`
	Besluittypen          []string `json:"besluittypen"`
	Resultaattypen        []string `json:"resultaattypen"`
	Roltypen              []string `json:"roltypen"`
	Eigenschappen         []string `json:"eigenschappen"`
}

// Catalogustype is any other type in a Catalogi API, with the fields that name it:
// statustype (omschrijving, volgnummer), informatieobjecttype, besluittype, resultaattype,
// roltype (omschrijving), eigenschap (naam).
type Catalogustype struct {
	URL          string `json:"url"`
	Omschrijving string `json:"omschrijving"`
	Naam         string `json:"naam"`
	Volgnummer   int    `json:"volgnummer"`
	IsEindstatus bool   `json:"isEindstatus"`
	Zaaktype     string `json:"zaaktype"`
}

// sleutelNaam returns the name a mapping key "soort:naam" uses for the type: the naam of an
// eigenschap, the omschrijving of the others.
func (c *Catalogustype) sleutelNaam() string {
	if c.Naam != "" && c.Omschrijving == "" {
		return c.Naam
	}
	return c.Omschrijving
}

// Notificatie is a message of the Notificaties API, as it delivers it to an abonnement.
type Notificatie struct {
	Kanaal       string            `json:"kanaal"`
	HoofdObject  string            `json:"hoofdObject"`
	Resource     string            `json:"resource"`
	ResourceURL  string            `json:"resourceUrl"`
	Actie        string            `json:"actie"`
	Aanmaakdatum Tijd              `json:"aanmaakdatum"`
	Kenmerken    map[string]string `json:"kenmerken"`
}
