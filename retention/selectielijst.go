package retention

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"zaakarchief/configs"
)

// Waarderingen of a selectielijst resultaat, which are also the two archiefnominaties of ZGW.
const (
	NominatieVernietigen     = "vernietigen"
	NominatieBlijvendBewaren = "blijvend_bewaren"
)

// Procestermijnen a selectielijst resultaat can carry: how long the process object lives before
// the bewaartermijn starts.
const (
	ProcestermijnGeen                    = ""
	ProcestermijnNihil                   = "nihil"
	ProcestermijnBestaansduur            = "bestaansduur_procesobject"
	ProcestermijnIngeschatteBestaansduur = "ingeschatte_bestaansduur_procesobject"
	ProcestermijnVastTeLeggenDatum       = "vast_te_leggen_datum"
	ProcestermijnSamengevoegd            = "samengevoegd_met_bewaartermijn"
)

// Selectielijst is one edition of the Selectielijst gemeenten en intergemeentelijke organen: its
// procestypen and their resultaten with waardering and terms. Load it with LoadSelectielijst; the
// lookups need the index that builds.
type Selectielijst struct {
	// Naam is the list's official name.
	Naam string `json:"naam"`
	// Jaar is the edition, e.g. 2020.
	Jaar int `json:"jaar"`
	// Bron says where the data comes from.
	Bron string `json:"bron,omitempty"`
	// Procestypen are the process types, ordered by nummer.
	Procestypen []Procestype `json:"procestypen"`
	// Resultaten are all resultaten of all procestypen, in the list's order.
	Resultaten []Resultaat `json:"resultaten"`

	procestypen map[int]int    // nummer -> index in Procestypen
	resultaten  map[string]int // volledigNummer -> index in Resultaten
}

// Procestype is one process type of the selectielijst, e.g. 11 "Toestemming verlenen".
type Procestype struct {
	Nummer       int    `json:"nummer"`
	Naam         string `json:"naam"`
	Omschrijving string `json:"omschrijving"`
	// Procesobject is what the process produces, e.g. "De verleende toestemming".
	Procesobject string `json:"procesobject"`
	Toelichting  string `json:"toelichting,omitempty"`
}

// Resultaat is one resultaat of a procestype with its waardering and terms, e.g. 11.1.6.
type Resultaat struct {
	// VolledigNummer is procestype.resultaat (generic) or procestype.resultaat.specifiek.
	VolledigNummer   string `json:"volledigNummer"`
	ProcestypeNummer int    `json:"procestypeNummer"`
	Generiek         bool   `json:"generiek"`
	Naam             string `json:"naam"`
	Omschrijving     string `json:"omschrijving"`
	// Waardering is vernietigen or blijvend_bewaren; empty for a withdrawn (vervallen) resultaat.
	Waardering string `json:"waardering"`
	// Procestermijn is one of the Procestermijn* constants.
	Procestermijn          string `json:"procestermijn"`
	ProcestermijnOpmerking string `json:"procestermijnOpmerking,omitempty"`
	// Bewaartermijn is an ISO 8601 duration for vernietigen; empty (null in the file) otherwise.
	Bewaartermijn string `json:"bewaartermijn"`
	Toelichting   string `json:"toelichting"`
	Herkomst      string `json:"herkomst"`
}

// MarshalJSON writes the resultaat in the shape of the selectielijst files, with an empty
// Bewaartermijn as null.
func (r Resultaat) MarshalJSON() ([]byte, error) {
	type plain Resultaat
	var bt *string
	if r.Bewaartermijn != "" {
		bt = &r.Bewaartermijn
	}
	return json.Marshal(struct {
		plain
		Bewaartermijn *string `json:"bewaartermijn"`
	}{plain(r), bt})
}

// Vervallen reports whether the resultaat was withdrawn from the list: it has no waardering.
func (r *Resultaat) Vervallen() bool { return r.Waardering == "" }

// Label names the resultaat for people: "Verleend: Omgevingsvergunning ..." or just the naam.
func (r *Resultaat) Label() string {
	if r.Omschrijving == "" {
		return r.Naam
	}
	return r.Naam + ": " + r.Omschrijving
}

// Termijn returns the parsed bewaartermijn, or false when the resultaat has none.
func (r *Resultaat) Termijn() (Termijn, bool) {
	if r.Bewaartermijn == "" {
		return Termijn{}, false
	}
	t, err := ParseTermijn(r.Bewaartermijn)
	if err != nil { // LoadSelectielijst has validated it; a hand-built Resultaat may not be.
		return Termijn{}, false
	}
	return t, true
}

// Resultaat looks up a resultaat by its volledigNummer, e.g. "11.1.6".
func (s *Selectielijst) Resultaat(volledigNummer string) (*Resultaat, bool) {
	i, ok := s.resultaten[volledigNummer]
	if !ok {
		return nil, false
	}
	return &s.Resultaten[i], true
}

// Procestype looks up a procestype by its nummer.
func (s *Selectielijst) Procestype(nummer int) (*Procestype, bool) {
	i, ok := s.procestypen[nummer]
	if !ok {
		return nil, false
	}
	return &s.Procestypen[i], true
}

// ResultatenVan returns the resultaten of one procestype, in the list's order.
func (s *Selectielijst) ResultatenVan(procestype int) []Resultaat {
	var out []Resultaat
	for _, r := range s.Resultaten {
		if r.ProcestypeNummer == procestype {
			out = append(out, r)
		}
	}
	return out
}

// lijstNaam is the form of a selectielijst name: the file name without .json.
var lijstNaam = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// LoadSelectielijst reads and validates one selectielijst from fsys. A plain name such as
// "selectielijst-2020" means the file selectielijst/selectielijst-2020.json (the layout of
// configs.FS); a name ending in .json is a path in fsys as is (e.g. with os.DirFS). The result has
// its lookup index built; every problem found in the data is reported at once.
func LoadSelectielijst(fsys fs.FS, name string) (*Selectielijst, error) {
	p := name
	if !strings.HasSuffix(name, ".json") {
		if !lijstNaam.MatchString(name) {
			return nil, fmt.Errorf("selectielijst %q: ongeldige naam; verwacht bijvoorbeeld selectielijst-2020", name)
		}
		p = "selectielijst/" + name + ".json"
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("selectielijst %q: %w", name, err)
	}
	s, err := parseSelectielijst(data)
	if err != nil {
		return nil, fmt.Errorf("selectielijst %q (%s): %w", name, p, err)
	}
	return s, nil
}

// OpenSelectielijst loads a selectielijst by name from the embedded configs (e.g.
// "selectielijst-2020") or, when name is a path to a .json file on disk, from that file.
func OpenSelectielijst(name string) (*Selectielijst, error) {
	if strings.HasSuffix(name, ".json") {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("selectielijst: %w", err)
		}
		s, err := parseSelectielijst(data)
		if err != nil {
			return nil, fmt.Errorf("selectielijst %s: %w", name, err)
		}
		return s, nil
	}
	return LoadSelectielijst(configs.FS, name)
}

// parseSelectielijst decodes strictly (unknown fields are errors) and validates.
func parseSelectielijst(data []byte) (*Selectielijst, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Selectielijst
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := s.index(); err != nil {
		return nil, err
	}
	return &s, nil
}

// volledigNummerVorm is n.n or n.n.n.
var volledigNummerVorm = regexp.MustCompile(`^[1-9][0-9]*\.[1-9][0-9]*(\.[1-9][0-9]*)?$`)

// index validates the list and builds the lookups; it reports every problem, joined.
func (s *Selectielijst) index() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(s.Naam) == "" {
		bad("naam ontbreekt")
	}
	if s.Jaar < 1995 || s.Jaar > 2100 {
		bad("jaar %d is geen geldig jaar van een selectielijst", s.Jaar)
	}
	if len(s.Procestypen) == 0 {
		bad("geen procestypen")
	}
	if len(s.Resultaten) == 0 {
		bad("geen resultaten")
	}
	s.procestypen = make(map[int]int, len(s.Procestypen))
	for i, p := range s.Procestypen {
		where := fmt.Sprintf("procestypen[%d]", i)
		if p.Nummer <= 0 {
			bad("%s: nummer %d moet positief zijn", where, p.Nummer)
			continue
		}
		if _, dup := s.procestypen[p.Nummer]; dup {
			bad("%s: procestype %d komt dubbel voor", where, p.Nummer)
		}
		if strings.TrimSpace(p.Naam) == "" {
			bad("%s (procestype %d): naam ontbreekt", where, p.Nummer)
		}
		s.procestypen[p.Nummer] = i
	}
	s.resultaten = make(map[string]int, len(s.Resultaten))
	for i := range s.Resultaten {
		r := &s.Resultaten[i]
		where := fmt.Sprintf("resultaten[%d] (%s)", i, r.VolledigNummer)
		for _, e := range validateResultaat(r, s.procestypen) {
			bad("%s: %s", where, e)
		}
		if _, dup := s.resultaten[r.VolledigNummer]; dup {
			bad("%s: volledigNummer komt dubbel voor", where)
		}
		s.resultaten[r.VolledigNummer] = i
	}
	return errors.Join(errs...)
}

// validateResultaat returns what is wrong with one resultaat, in words.
func validateResultaat(r *Resultaat, procestypen map[int]int) []string {
	var out []string
	if !volledigNummerVorm.MatchString(r.VolledigNummer) {
		out = append(out, "volledigNummer moet de vorm procestype.resultaat of procestype.resultaat.specifiek hebben")
	} else {
		delen := strings.Split(r.VolledigNummer, ".")
		if n, _ := strconv.Atoi(delen[0]); n != r.ProcestypeNummer {
			out = append(out, fmt.Sprintf("volledigNummer hoort niet bij procestypeNummer %d", r.ProcestypeNummer))
		}
		if r.Generiek != (len(delen) == 2) {
			out = append(out, "generiek past niet bij het volledigNummer (een generiek resultaat heeft twee delen)")
		}
	}
	if _, ok := procestypen[r.ProcestypeNummer]; !ok {
		out = append(out, fmt.Sprintf("procestype %d bestaat niet in deze lijst", r.ProcestypeNummer))
	}
	if strings.TrimSpace(r.Naam) == "" {
		out = append(out, "naam ontbreekt")
	}
	switch r.Procestermijn {
	case ProcestermijnGeen, ProcestermijnNihil, ProcestermijnBestaansduur, ProcestermijnIngeschatteBestaansduur,
		ProcestermijnVastTeLeggenDatum, ProcestermijnSamengevoegd:
	default:
		out = append(out, fmt.Sprintf("onbekende procestermijn %q", r.Procestermijn))
	}
	if r.Bewaartermijn != "" {
		if _, err := ParseTermijn(r.Bewaartermijn); err != nil {
			out = append(out, "bewaartermijn: "+err.Error())
		}
	}
	switch r.Waardering {
	case NominatieVernietigen:
		if r.Bewaartermijn == "" {
			out = append(out, "waardering vernietigen zonder bewaartermijn")
		}
	case NominatieBlijvendBewaren:
		if r.Bewaartermijn != "" {
			out = append(out, "waardering blijvend_bewaren met een bewaartermijn")
		}
	case "": // vervallen: no terms at all
		if r.Bewaartermijn != "" || r.Procestermijn != "" {
			out = append(out, "resultaat zonder waardering (vervallen) heeft toch een termijn")
		}
	default:
		out = append(out, fmt.Sprintf("onbekende waardering %q (verwacht vernietigen of blijvend_bewaren)", r.Waardering))
	}
	return out
}

// Lijsten loads selectielijsten by name from one file system and keeps each after the first
// load. It is safe for concurrent use; its Lijst method fits CheckAfspraak.
type Lijsten struct {
	fsys  fs.FS
	mu    sync.Mutex
	cache map[string]*Selectielijst
}

// NewLijsten returns a Lijsten over fsys, usually configs.FS.
func NewLijsten(fsys fs.FS) *Lijsten {
	return &Lijsten{fsys: fsys, cache: map[string]*Selectielijst{}}
}

// Lijst returns the named selectielijst (see LoadSelectielijst for names). Callers must not
// modify the result: it is shared.
func (l *Lijsten) Lijst(name string) (*Selectielijst, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.cache[name]; ok {
		return s, nil
	}
	s, err := LoadSelectielijst(l.fsys, name)
	if err != nil {
		return nil, err
	}
	l.cache[name] = s
	return s, nil
}
