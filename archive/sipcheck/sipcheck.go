// Package sipcheck runs on a package the checks an e-Depot runs on a Submission Information
// Package (SIP) before it ingests it, so that a package the archive transfers is not refused at
// the door.
//
// The checks follow the Nationaal Archief's MDTO SIP specification (repository
// NationaalArchief/MDTO-SIP-specificatie, markdown/specificatie.md) and the pre-ingest tooling
// the Noord-Hollands Archief publishes: repository noord-hollandsarchief/preingest-api
// (Handlers/NamingValidationHandler.cs, SidecarValidationHandler.cs, EncodingHandler.cs,
// PasswordDetectionHandler.cs, GreenListHandler.cs), its schematron in
// noord-hollandsarchief/preingest-xslweb (home/webapps/mdtovalidation/sch/mdto.sch) and the
// list of preferred formats in noord-hollandsarchief/preingest-mdto-utilities
// (app/csv/voorkeursformaten.csv). Each check cites the rule it implements.
//
// A package is read through an fs.FS, so that a local directory, a file:// target and an s3://
// target can all be checked the same way. Controleer returns a Rapport with one Resultaat per
// check: ok, or the errors, each naming the object (its slash-separated path in the FS).
package sipcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Names of the checks, in the order Controleer runs them.
const (
	ControleNaamgeving       = "naamgeving"
	ControleSidecars         = "sidecarstructuur"
	ControleCodering         = "codering"
	ControleSchema           = "schema"
	ControleAggregatie       = "aggregatieniveaus"
	ControleUniek            = "uniciteit"
	ControleBeperkingGebruik = "beperkingGebruik"
	ControleChecksum         = "checksum"
	ControleWachtwoord       = "wachtwoord"
	ControleFormaten         = "voorkeursformaten"
)

// omschrijvingen describe each check for the report, in Dutch.
var omschrijvingen = map[string]string{
	ControleNaamgeving:       "namen zonder verboden tekens of apparaatnamen, naam en volledig pad hoogstens 255 tekens",
	ControleSidecars:         "elk bestand en elke map heeft een MDTO-sidecar en elke sidecar een object; geen lege mappen",
	ControleCodering:         "sidecars in UTF-8 zonder byte-order mark, welgevormde XML met één MDTO-object",
	ControleSchema:           "sidecars valideren tegen het MDTO 1.0.1 XML-schema (xmllint)",
	ControleAggregatie:       "aggregatieniveaus van Archief via Serie en Dossier tot Archiefstuk en Bestand, met isOnderdeelVan naar de bovenliggende map",
	ControleUniek:            "elk informatieobject en elk bestand komt één keer voor; namen uniek per map",
	ControleBeperkingGebruik: "precies één beperkingGebruik met begripLabel en begripCode uit een bekende begrippenlijst",
	ControleChecksum:         "precies één checksum per bestand; algoritme, waarde en omvang kloppen met de inhoud",
	ControleWachtwoord:       "geen met een wachtwoord beveiligde PDF-, Office- of OpenDocument-bestanden",
	ControleFormaten:         "bestandsformaat (PRONOM) staat op de lijst van voorkeursformaten",
}

// Volgorde lists the checks in the order Controleer runs and reports them.
var Volgorde = []string{ControleNaamgeving, ControleSidecars, ControleCodering, ControleSchema, ControleAggregatie,
	ControleUniek, ControleBeperkingGebruik, ControleChecksum, ControleWachtwoord, ControleFormaten}

// Limits of the naming check (NamingValidationHandler.cs: a name or a full path longer than 255
// characters is refused; the MDTO SIP specification limits names to 255 characters).
const (
	MaxNaam = 255
	MaxPad  = 255
)

// Fout is one finding of a check: the object it is about and what is wrong, in Dutch.
type Fout struct {
	// Object is the slash-separated path of the file or folder in the package ("" for the
	// package as a whole).
	Object string `json:"object"`
	// Melding says what is wrong.
	Melding string `json:"melding"`
}

// Resultaat is the outcome of one check.
type Resultaat struct {
	// Controle is the check's name, one of the Controle* constants.
	Controle string `json:"controle"`
	// Omschrijving says what the check checks.
	Omschrijving string `json:"omschrijving"`
	// Gecontroleerd is how many objects the check looked at.
	Gecontroleerd int `json:"gecontroleerd"`
	// Fouten are the findings; none means the check passed.
	Fouten []Fout `json:"fouten,omitempty"`
	// Overgeslagen says the check did not run (Opties.ZonderSchema).
	Overgeslagen bool `json:"overgeslagen,omitempty"`
}

// OK reports whether the check passed.
func (r Resultaat) OK() bool { return len(r.Fouten) == 0 }

// Rapport is the outcome of every check on one package.
type Rapport struct {
	// Resultaten are the checks' outcomes in the order of Volgorde.
	Resultaten []Resultaat `json:"resultaten"`
}

// OK reports whether every check passed.
func (r *Rapport) OK() bool {
	for _, res := range r.Resultaten {
		if !res.OK() {
			return false
		}
	}
	return true
}

// AantalFouten is the number of findings over all checks.
func (r *Rapport) AantalFouten() int {
	n := 0
	for _, res := range r.Resultaten {
		n += len(res.Fouten)
	}
	return n
}

// Resultaat returns the outcome of the named check.
func (r *Rapport) Resultaat(controle string) (Resultaat, bool) {
	for _, res := range r.Resultaten {
		if res.Controle == controle {
			return res, true
		}
	}
	return Resultaat{}, false
}

// Err returns nil when every check passed, or an error naming the failing checks and their
// first findings.
func (r *Rapport) Err() error {
	if r.OK() {
		return nil
	}
	var parts []string
	for _, res := range r.Resultaten {
		if res.OK() {
			continue
		}
		f := res.Fouten[0]
		more := ""
		if len(res.Fouten) > 1 {
			more = fmt.Sprintf(" (en %d meer)", len(res.Fouten)-1)
		}
		parts = append(parts, fmt.Sprintf("%s: %s: %s%s", res.Controle, f.Object, f.Melding, more))
	}
	return fmt.Errorf("%w: %s", ErrAfgekeurd, strings.Join(parts, "; "))
}

// ErrAfgekeurd is what Rapport.Err wraps: the package fails one or more checks.
var ErrAfgekeurd = errors.New("pakket voldoet niet aan de controles van het e-Depot")

// Schrijf prints the report as text, one line per check and one indented line per finding.
func (r *Rapport) Schrijf(w io.Writer) error {
	for _, res := range r.Resultaten {
		status := "ok"
		if res.Overgeslagen {
			status = "overgeslagen"
		}
		if !res.OK() {
			status = fmt.Sprintf("%d fout(en)", len(res.Fouten))
		}
		if _, err := fmt.Fprintf(w, "%-18s %s (%d gecontroleerd): %s\n", res.Controle, status, res.Gecontroleerd, res.Omschrijving); err != nil {
			return err
		}
		for _, f := range res.Fouten {
			obj := f.Object
			if obj == "" {
				obj = "(pakket)"
			}
			if _, err := fmt.Fprintf(w, "    %s: %s\n", obj, f.Melding); err != nil {
				return err
			}
		}
	}
	verdict := "pakket voldoet aan alle controles"
	if !r.OK() {
		verdict = fmt.Sprintf("pakket afgekeurd: %d fout(en)", r.AantalFouten())
	}
	_, err := fmt.Fprintln(w, verdict)
	return err
}

// Opties tune Controleer.
type Opties struct {
	// Boekhouding are names of files in the root of the FS that are the package's own
	// bookkeeping (its pakbon and manifest), delivered beside the SIP and not part of it: the
	// checks skip them. Any other file in the root is part of the SIP.
	Boekhouding []string
	// Voorkeursformaten maps each accepted PRONOM identifier to its description; nil uses the
	// list embedded in package configs (Voorkeursformaten).
	Voorkeursformaten map[string]string
	// Beperkingen maps a begrippenlijst of beperkingGebruikType to its begrippen (code to
	// label). A beperkingGebruikType from a list named here must carry a code of that list with
	// its label; one from a list not named is checked for label and code only.
	Beperkingen map[string]map[string]string
	// ZonderSchema skips the XSD check (it needs xmllint).
	ZonderSchema bool
	// Bekend gives, by path, files whose size and SHA-256 are known already (the archive's
	// journal, which the target confirmed on write): the checksum check compares a sidecar's
	// SHA-256 with the known one instead of reading the file again, and the password check reads
	// only as far as it needs (the first and last MiB of a PDF).
	Bekend map[string]Bekend
}

// Bekend is the known size and SHA-256 (lowercase hex) of a file.
type Bekend struct {
	Grootte int64
	SHA256  string
}

// Controleer runs every check on the package in fsys and returns the report. An error means a
// check could not run (the FS could not be read, the context ended); a package that fails a
// check gives a Rapport that is not OK, and no error.
func Controleer(ctx context.Context, fsys fs.FS, opt Opties) (*Rapport, error) {
	p, err := lees(ctx, fsys, opt)
	if err != nil {
		return nil, err
	}
	if opt.Voorkeursformaten == nil {
		if opt.Voorkeursformaten, err = Voorkeursformaten(); err != nil {
			return nil, err
		}
	}
	bin, err := p.leesBestanden(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := p.schema(ctx, opt.ZonderSchema)
	if err != nil {
		return nil, err
	}
	r := &Rapport{}
	for _, c := range Volgorde {
		var res Resultaat
		switch c {
		case ControleNaamgeving:
			res = p.naamgeving()
		case ControleSidecars:
			res = p.sidecarstructuur()
		case ControleCodering:
			res = p.codering()
		case ControleSchema:
			res = schema
		case ControleAggregatie:
			res = p.aggregatie()
		case ControleUniek:
			res = p.uniek()
		case ControleBeperkingGebruik:
			res = p.beperkingGebruik(opt.Beperkingen)
		case ControleChecksum:
			res = p.checksum(bin)
		case ControleWachtwoord:
			res = p.wachtwoord(bin)
		case ControleFormaten:
			res = p.formaten(opt.Voorkeursformaten)
		}
		res.Controle, res.Omschrijving = c, omschrijvingen[c]
		sort.SliceStable(res.Fouten, func(i, j int) bool { return res.Fouten[i].Object < res.Fouten[j].Object })
		r.Resultaten = append(r.Resultaten, res)
	}
	return r, nil
}

// Suffixes of MDTO sidecars (MDTO SIP specification, "Naamgeving": <naam>.MDTO.xml, and
// <bestandsnaam>.bestand.MDTO.xml for a file), compared without case as the NHA tool does.
const (
	sidecarSuffix = ".mdto.xml"
	bestandSuffix = ".bestand.mdto.xml"
)

func isSidecar(name string) bool { return strings.HasSuffix(strings.ToLower(name), sidecarSuffix) }

// entry is one file or folder of the package.
type entry struct {
	pad  string
	dir  bool
	size int64
}

// pakket is what the checks read of a package: its entries, and every sidecar parsed.
type pakket struct {
	fsys     fs.FS
	entries  []entry          // every file and folder below the root but the bookkeeping, sorted
	byPad    map[string]entry // entries by path
	sidecars map[string]*sidecar
	bekend   map[string]Bekend
}

// lees walks fsys and reads every sidecar.
func lees(ctx context.Context, fsys fs.FS, opt Opties) (*pakket, error) {
	skip := map[string]bool{}
	for _, n := range opt.Boekhouding {
		skip[n] = true
	}
	p := &pakket{fsys: fsys, byPad: map[string]entry{}, sidecars: map[string]*sidecar{}, bekend: opt.Bekend}
	err := fs.WalkDir(fsys, ".", func(pad string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if pad == "." || (!d.IsDir() && path.Dir(pad) == "." && skip[pad]) {
			return nil
		}
		e := entry{pad: pad, dir: d.IsDir()}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			e.size = info.Size()
		}
		p.entries = append(p.entries, e)
		p.byPad[pad] = e
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sipcheck: lees pakket: %w", err)
	}
	for _, e := range p.entries {
		if e.dir || !isSidecar(e.pad) {
			continue
		}
		b, err := fs.ReadFile(fsys, e.pad)
		if err != nil {
			return nil, fmt.Errorf("sipcheck: lees %s: %w", e.pad, err)
		}
		p.sidecars[e.pad] = parseSidecar(b)
	}
	return p, nil
}

// objecten are the entries that are not sidecars: the folders and the content files.
func (p *pakket) objecten() []entry {
	var out []entry
	for _, e := range p.entries {
		if e.dir || !isSidecar(e.pad) {
			out = append(out, e)
		}
	}
	return out
}

// sidecarVan returns the path of the sidecar an object should have: a folder's lies inside it,
// named after it; a file's lies next to it.
func sidecarVan(e entry) string {
	if e.dir {
		return path.Join(e.pad, path.Base(e.pad)+".mdto.xml")
	}
	return e.pad + ".bestand.mdto.xml"
}

// vindSidecar finds the sidecar of an object, comparing the suffix without case.
func (p *pakket) vindSidecar(e entry) (string, bool) {
	want := sidecarVan(e)
	if _, ok := p.sidecars[want]; ok {
		return want, true
	}
	dir := path.Dir(want)
	if e.dir {
		dir = e.pad
	}
	lw := strings.ToLower(want)
	for pad := range p.sidecars {
		if path.Dir(pad) == dir && strings.ToLower(pad) == lw {
			return pad, true
		}
	}
	return "", false
}

// mapSidecar returns the parsed informatieobject of folder dir, or nil.
func (p *pakket) mapSidecar(dir string) *sidecar {
	e, ok := p.byPad[dir]
	if !ok || !e.dir {
		return nil
	}
	pad, ok := p.vindSidecar(e)
	if !ok {
		return nil
	}
	return p.sidecars[pad]
}
