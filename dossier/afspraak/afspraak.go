package afspraak

// Roles an organisation can play in an agreement.
const (
	RolFrontoffice  = "frontoffice"
	RolBackoffice   = "backoffice"
	RolBevoegdGezag = "bevoegd_gezag"
)

// Afspraak is one samenwerkingsafspraak: the organisations and the zaaktypen they work on together.
type Afspraak struct {
	// Naam names the agreement, e.g. "Samenwerkingsafspraak omgevingsvergunningen Gemeente X - ODY".
	Naam string `yaml:"naam" json:"naam"`
	// Versie is the agreement's own version label, chosen by the records manager.
	Versie string `yaml:"versie" json:"versie"`
	// Organisaties are the parties of the agreement.
	Organisaties []Organisatie `yaml:"organisaties" json:"organisaties"`
	// Zaaktypen are the kinds of zaak the agreement covers.
	Zaaktypen []Zaaktype `yaml:"zaaktypen" json:"zaaktypen"`

	// lines maps a dotted path such as "zaaktypen[0].statustypen[2].verantwoordelijke" to the
	// 1-based line in the source file; filled by Parse.
	lines map[string]int
	// bestand is the name of the file the agreement was parsed from, for messages.
	bestand string
}

// Organisatie is one party of the agreement.
type Organisatie struct {
	// ID is the short key the rest of the agreement and the API use, e.g. "gemeente".
	ID string `yaml:"id" json:"id"`
	// Naam is the organisation's official name.
	Naam string `yaml:"naam" json:"naam"`
	// RSIN is the organisation's 9-digit RSIN (with a valid elfproef).
	RSIN string `yaml:"rsin" json:"rsin"`
	// Rollen are the roles it plays: frontoffice, backoffice, bevoegd_gezag.
	Rollen []string `yaml:"rollen" json:"rollen"`
	// Bron optionally describes the organisation's own ZGW zaaksysteem to pull from.
	Bron *ZGWBron `yaml:"bron,omitempty" json:"bron,omitempty"`
}

// ZGWBron describes an organisation's own ZGW APIs (filled in by the collector issue).
type ZGWBron struct {
	ZakenAPI      string            `yaml:"zaken_api" json:"zakenApi"`
	DocumentenAPI string            `yaml:"documenten_api" json:"documentenApi"`
	BesluitenAPI  string            `yaml:"besluiten_api" json:"besluitenApi"`
	CatalogiAPI   string            `yaml:"catalogi_api" json:"catalogiApi"`
	ClientID      string            `yaml:"client_id" json:"clientId"`
	SecretEnv     string            `yaml:"secret_env" json:"-"`
	Mapping       map[string]string `yaml:"mapping" json:"mapping,omitempty"`
}

// Zaaktype is one kind of zaak in the agreement, with its phases and what may be recorded in them.
type Zaaktype struct {
	// Identificatie is the zaaktype's identificatie, unique within the agreement.
	Identificatie string `yaml:"identificatie" json:"identificatie"`
	// Omschrijving describes the zaaktype.
	Omschrijving string `yaml:"omschrijving" json:"omschrijving"`
	// Vertrouwelijkheidaanduiding is the default confidentiality of its zaken.
	Vertrouwelijkheidaanduiding string `yaml:"vertrouwelijkheidaanduiding" json:"vertrouwelijkheidaanduiding"`
	// Doorlooptijd is the ISO 8601 duration in which a zaak should be done (e.g. P8W).
	Doorlooptijd string `yaml:"doorlooptijd" json:"doorlooptijd"`
	// Bronorganisatie is the ID of the organisation under whose RSIN zaken are registered and
	// numbered (the one the client sees).
	Bronorganisatie string `yaml:"bronorganisatie" json:"bronorganisatie"`
	// Selectielijst names the selectielijst and procestype the zaaktype falls under.
	Selectielijst SelectielijstVerwijzing `yaml:"selectielijst" json:"selectielijst"`
	// Statustypen are the phases, ordered by Volgnummer; exactly one is the eindstatus.
	Statustypen []Statustype `yaml:"statustypen" json:"statustypen"`
	// Overgangen are extra allowed transitions beyond "to the next volgnummer".
	Overgangen []Overgang `yaml:"overgangen,omitempty" json:"overgangen,omitempty"`
	// Informatieobjecttypen are the document types of this zaaktype.
	Informatieobjecttypen []Informatieobjecttype `yaml:"informatieobjecttypen" json:"informatieobjecttypen"`
	// Besluittypen are the decision types of this zaaktype.
	Besluittypen []Besluittype `yaml:"besluittypen,omitempty" json:"besluittypen,omitempty"`
	// Eigenschappen are the properties that may be recorded on a zaak.
	Eigenschappen []Eigenschap `yaml:"eigenschappen,omitempty" json:"eigenschappen,omitempty"`
	// Roltypen are the roles (betrokkenen) that may be recorded on a zaak.
	Roltypen []Roltype `yaml:"roltypen,omitempty" json:"roltypen,omitempty"`
	// Resultaattypen are the possible results, each with its retention rules.
	Resultaattypen []Resultaattype `yaml:"resultaattypen" json:"resultaattypen"`
}

// SelectielijstVerwijzing names a selectielijst (a data file in configs/selectielijst) and the
// procestype in it.
type SelectielijstVerwijzing struct {
	// Lijst names the selectielijst edition, e.g. "selectielijst-2020".
	Lijst string `yaml:"lijst" json:"lijst"`
	// Procestype is the procestype nummer in that list, e.g. 11.
	Procestype int `yaml:"procestype" json:"procestype"`
}

// Statustype is one phase of a zaaktype.
type Statustype struct {
	// Volgnummer orders the phases, starting at 1.
	Volgnummer int `yaml:"volgnummer" json:"volgnummer"`
	// Omschrijving names the phase as the client sees it.
	Omschrijving string `yaml:"omschrijving" json:"omschrijving"`
	// IsEindstatus marks the phase that closes the zaak.
	IsEindstatus bool `yaml:"is_eindstatus" json:"isEindstatus"`
	// Verantwoordelijke is the ID of the one organisation responsible in this phase.
	Verantwoordelijke string `yaml:"verantwoordelijke" json:"verantwoordelijke"`
	// Vastleggen says which organisation may record which zaak information in this phase.
	Vastleggen []Vastlegging `yaml:"vastleggen" json:"vastleggen"`
}

// Vastlegging lists what one organisation may record in one phase. Entries name the
// omschrijving of the informatieobjecttype, besluittype, resultaattype or roltype, or the naam
// of the eigenschap.
type Vastlegging struct {
	Organisatie           string   `yaml:"organisatie" json:"organisatie"`
	Informatieobjecttypen []string `yaml:"informatieobjecttypen,omitempty" json:"informatieobjecttypen,omitempty"`
	Besluittypen          []string `yaml:"besluittypen,omitempty" json:"besluittypen,omitempty"`
	Eigenschappen         []string `yaml:"eigenschappen,omitempty" json:"eigenschappen,omitempty"`
	Resultaattypen        []string `yaml:"resultaattypen,omitempty" json:"resultaattypen,omitempty"`
	Rollen                []string `yaml:"rollen,omitempty" json:"rollen,omitempty"`
	// Contactmomenten allows recording contactmomenten and notes (the KCC's work).
	Contactmomenten bool `yaml:"contactmomenten,omitempty" json:"contactmomenten,omitempty"`
}

// Overgang is an allowed transition between two phases beyond the default (to the next volgnummer).
type Overgang struct {
	Van  int `yaml:"van" json:"van"`
	Naar int `yaml:"naar" json:"naar"`
	// Door lists the organisations that may make this transition; empty means the organisation
	// responsible for phase Van.
	Door []string `yaml:"door,omitempty" json:"door,omitempty"`
	// Reden says why the agreement allows it, e.g. "aanvulling nodig".
	Reden string `yaml:"reden" json:"reden"`
}

// Informatieobjecttype is a document type, with who archives it and when it becomes final.
type Informatieobjecttype struct {
	Omschrijving                string `yaml:"omschrijving" json:"omschrijving"`
	Vertrouwelijkheidaanduiding string `yaml:"vertrouwelijkheidaanduiding" json:"vertrouwelijkheidaanduiding"`
	// Archivering says which organisation archives documents of this type, from which phase.
	Archivering Archivering `yaml:"archivering" json:"archivering"`
	// Formaten, when given, are the file formats (PRONOM identifiers such as fmt/95) that
	// documents of this type may have; the word Voorkeursformaten stands for the Nationaal
	// Archief's voorkeursformaten (the default list, configs/sipcheck/voorkeursformaten.csv).
	// A document whose format, detected from its content, is not among them is refused at
	// capture. Empty accepts every format.
	Formaten []string `yaml:"formaten,omitempty" json:"formaten,omitempty"`
}

// Voorkeursformaten is the entry of Informatieobjecttype.Formaten that stands for the Nationaal
// Archief's voorkeursformaten.
const Voorkeursformaten = "voorkeursformaten"

// AanvaardFormaat reports whether a document of this type may have the format puid (a PRONOM
// identifier, "" when the content matched none): always when the type lists no formats.
// voorkeur is the list the word Voorkeursformaten stands for.
func (t *Informatieobjecttype) AanvaardFormaat(puid string, voorkeur map[string]string) bool {
	if len(t.Formaten) == 0 {
		return true
	}
	if puid == "" {
		return false
	}
	for _, f := range t.Formaten {
		if f == puid {
			return true
		}
		if f == Voorkeursformaten {
			if _, ok := voorkeur[puid]; ok {
				return true
			}
		}
	}
	return false
}

// Archivering says which organisation archives a document type and in which phase (volgnummer)
// it becomes final (definitief).
type Archivering struct {
	Organisatie      string `yaml:"organisatie" json:"organisatie"`
	DefinitiefInFase int    `yaml:"definitief_in_fase" json:"definitiefInFase"`
}

// Besluittype is a kind of decision.
type Besluittype struct {
	Omschrijving string `yaml:"omschrijving" json:"omschrijving"`
	// Publicatie says whether the besluit is published (bekendmaking).
	Publicatie bool `yaml:"publicatie,omitempty" json:"publicatie,omitempty"`
}

// Eigenschap is a property that may be recorded on a zaak.
type Eigenschap struct {
	Naam string `yaml:"naam" json:"naam"`
	// Formaat is one of tekst, getal, datum, datum_tijd.
	Formaat     string `yaml:"formaat" json:"formaat"`
	Toelichting string `yaml:"toelichting,omitempty" json:"toelichting,omitempty"`
}

// Roltype is a role a betrokkene can have in a zaak.
type Roltype struct {
	Omschrijving string `yaml:"omschrijving" json:"omschrijving"`
	// OmschrijvingGeneriek is the ZGW generic role: initiator, behandelaar, belanghebbende, ...
	OmschrijvingGeneriek string `yaml:"omschrijving_generiek" json:"omschrijvingGeneriek"`
}

// Resultaattype is a possible result of a zaak with its retention rules, as in the ZGW
// Catalogi API.
type Resultaattype struct {
	Omschrijving string `yaml:"omschrijving" json:"omschrijving"`
	// Selectielijstklasse is the volledigNummer of the selectielijst resultaat, e.g. "11.1.6".
	Selectielijstklasse string `yaml:"selectielijstklasse" json:"selectielijstklasse"`
	// Archiefnominatie is blijvend_bewaren or vernietigen; empty takes the selectielijst waardering.
	Archiefnominatie string `yaml:"archiefnominatie,omitempty" json:"archiefnominatie,omitempty"`
	// Archiefactietermijn is an ISO 8601 duration; empty takes the selectielijst bewaartermijn.
	Archiefactietermijn string `yaml:"archiefactietermijn,omitempty" json:"archiefactietermijn,omitempty"`
	// BrondatumArchiefprocedure says how the brondatum of the term is derived.
	BrondatumArchiefprocedure *BrondatumArchiefprocedure `yaml:"brondatum_archiefprocedure,omitempty" json:"brondatumArchiefprocedure,omitempty"`
	// Afwijking documents a deliberate deviation from the selectielijst.
	Afwijking *Afwijking `yaml:"afwijking,omitempty" json:"afwijking,omitempty"`
}

// BrondatumArchiefprocedure is the ZGW rule for the date a retention term starts from.
type BrondatumArchiefprocedure struct {
	// Afleidingswijze: afgehandeld, termijn, hoofdzaak, eigenschap, ingangsdatum_besluit,
	// vervaldatum_besluit, gerelateerde_zaak, zaakobject, ander_datumkenmerk.
	Afleidingswijze string `yaml:"afleidingswijze" json:"afleidingswijze"`
	Datumkenmerk    string `yaml:"datumkenmerk,omitempty" json:"datumkenmerk,omitempty"`
	EinddatumBekend bool   `yaml:"einddatum_bekend,omitempty" json:"einddatumBekend,omitempty"`
	Objecttype      string `yaml:"objecttype,omitempty" json:"objecttype,omitempty"`
	Registratie     string `yaml:"registratie,omitempty" json:"registratie,omitempty"`
	// Procestermijn is an ISO 8601 duration, required for afleidingswijze termijn.
	Procestermijn string `yaml:"procestermijn,omitempty" json:"procestermijn,omitempty"`
}

// Afwijking records why a resultaattype deviates from its selectielijst resultaat on purpose.
type Afwijking struct {
	Reden string `yaml:"reden" json:"reden"`
	// Besluit references the decision (e.g. of the archivaris) that allows the deviation.
	Besluit string `yaml:"besluit,omitempty" json:"besluit,omitempty"`
}
