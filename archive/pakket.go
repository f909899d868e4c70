package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"zaakarchief/archive/mdto"
	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// Object kinds in a package.
const (
	soortBestand  = "bestand"  // a document's content
	soortMDTO     = "mdto"     // an MDTO sidecar
	soortPakbon   = "pakbon"   // the packing slip
	soortManifest = "manifest" // the manifest, written last
)

// Names of the package's own files in the package folder. Document folders never take them.
const (
	PakbonNaam   = "pakbon.json"
	ManifestNaam = "manifest.json"
)

// Formats of the package's own files.
const (
	ManifestFormaat = "zaakarchief-manifest/1"
	PakbonFormaat   = "zaakarchief-pakbon/1"
)

// ErrFormaatOnbekend reports a document whose file format could not be identified from its
// content: MDTO needs a PRONOM identifier for every bestand, and the archive never guesses one
// from a file name. The zaak is not archived until the file is replaced by one in a known
// (archival) format; every run reports it again.
var ErrFormaatOnbekend = errors.New("bestandsformaat niet herkend uit de inhoud")

// object is one object of a package as the journal keeps it.
type object struct {
	Sleutel   string // key in the target
	Volgorde  int
	Soort     string
	Grootte   int64
	SHA256    string
	Mediatype string
	Blob      string // content SHA-256 in the blob store (soort bestand)
	Inhoud    []byte // generated content (sidecars, pakbon, manifest)
	Gedaan    bool

	// In memory only, for a fresh plan: a document whose format waits for the Scan of its
	// bytes as they are written carries that Scan and the index of its bestand sidecar, which
	// the same writer finishes and writes right after the document (naSidecar); the sidecar
	// itself is then volgt (never queued on its own).
	scan      *mdto.Scan
	bestand   *mdto.Bestand
	naSidecar int
	volgt     bool
}

// pending reports whether an object's content is not known yet: a bestand sidecar waiting for
// its document's Scan, or the pakbon and manifest of a package not sealed yet.
func (o *object) pending() bool { return o.SHA256 == "" }

// plan is a package: where it goes, how it is locked, and every object in write order with the
// pakbon and then the manifest last.
type plan struct {
	Zaak              string
	Map               string
	Doel              string
	Run               string
	Gepland           time.Time
	Vingerafdruk      string
	Nominatie         string
	Brondatum         *dossier.Datum
	Archiefactiedatum *dossier.Datum
	Retentie          *target.Retention
	LegalHold         bool
	Objecten          []object
	ManifestSHA       string // empty until the package is sealed (see seal)
	Bytes             int64

	pakbon *Pakbon // in memory until sealed: the pakbon without its totals and manifest
}

// Manifest lists every object of a package but the pakbon and itself, with its path relative
// to the package folder, kind, size and SHA-256. It is written last: a package folder without a
// manifest is incomplete.
type Manifest struct {
	Formaat    string           `json:"formaat"`
	Zaak       string           `json:"zaak"`
	Map        string           `json:"map"`
	Aangemaakt time.Time        `json:"aangemaakt"`
	Algoritme  string           `json:"algoritme"`
	Objecten   []ManifestObject `json:"objecten"`
}

// ManifestObject is one entry of a Manifest.
type ManifestObject struct {
	Pad     string `json:"pad"`
	Soort   string `json:"soort"`
	Grootte int64  `json:"grootte"`
	SHA256  string `json:"sha256"`
}

// Pakbon is the packing slip of a package: what the package holds in counts and bytes, and the
// SHA-256 of its manifest, which in turn names the hash of every other object. TotaalBytes is
// the size of the objects the manifest names (the documents and their metadata).
type Pakbon struct {
	Formaat            string         `json:"formaat"`
	Zaak               string         `json:"zaak"`
	Naam               string         `json:"naam"`
	Zaaktype           string         `json:"zaaktype"`
	Bron               string         `json:"bron"`
	Waardering         string         `json:"waardering"`
	Aangemaakt         time.Time      `json:"aangemaakt"`
	Informatieobjecten int            `json:"informatieobjecten"`
	Bestanden          int            `json:"bestanden"`
	Objecten           int            `json:"objecten"`
	TotaalBytes        int64          `json:"totaalBytes"`
	Manifest           ManifestObject `json:"manifest"`
}

// fingerprint identifies the state of a dossier: a package is built from one state, and the
// zaak is marked archived only while the dossier is still in it.
func fingerprint(d *dossier.Dossier) (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// eligible reports whether a zaak is ready to be archived: closed, with an archiefnominatie, and
// not archived yet.
func eligible(z *dossier.Zaak) bool {
	return z.Einddatum != nil && z.Archief.Archiefnominatie != "" &&
		(z.Archief.Archiefstatus == dossier.ArchiefstatusNogTeArchiveren || z.Archief.Archiefstatus == "")
}

// mdtoInput is what the metadata of a zaak needs besides the dossier.
type mdtoInput struct {
	zt *afspraak.Zaaktype
	r  regelVan
}

// regel finds the retention rule and selectielijst entry of a closed zaak.
func (a *Archiver) regel(d *dossier.Dossier) (*mdtoInput, error) {
	zt, ok := a.afspraak.Zaaktype(d.Zaak.Zaaktype)
	if !ok {
		return nil, fmt.Errorf("zaaktype %q is not in the agreement in force", d.Zaak.Zaaktype)
	}
	if d.Resultaat == nil {
		return nil, errors.New("the zaak has no resultaat")
	}
	rt, ok := zt.Resultaattype(d.Resultaat.Resultaattype)
	if !ok {
		return nil, fmt.Errorf("resultaattype %q is not in zaaktype %s", d.Resultaat.Resultaattype, zt.Identificatie)
	}
	lijst, err := a.lijsten.Lijst(zt.Selectielijst.Lijst)
	if err != nil {
		return nil, err
	}
	sr, ok := lijst.Resultaat(rt.Selectielijstklasse)
	if !ok {
		return nil, fmt.Errorf("selectielijstklasse %s of resultaattype %q is not in %s %d", rt.Selectielijstklasse, rt.Omschrijving, lijst.Naam, lijst.Jaar)
	}
	r, err := retention.NewRegel(*rt, sr)
	if err != nil {
		return nil, err
	}
	return &mdtoInput{zt: zt, r: regelVan{resultaattype: rt, regel: r, lijst: lijst, resultaat: sr}}, nil
}

// retentie is the object lock of a package: a vernietigen package until its archiefactiedatum,
// a blijvend_bewaren package until its transfer date (so that it cannot go before it is
// transferred), both from 00:00 in the civil time zone. No lock when the date is unknown or
// already past.
func (a *Archiver) retentie(z *dossier.Zaak) *target.Retention {
	var dag *dossier.Datum
	switch z.Archief.Archiefnominatie {
	case dossier.ArchiefnominatieVernietigen:
		dag = z.Archief.Archiefactiedatum
	case dossier.ArchiefnominatieBlijvend:
		if z.Archief.StartdatumBewaartermijn != nil {
			d, _ := a.overbr.Datum(z.Archief.StartdatumBewaartermijn.Time())
			od := dossier.DatumVan(d.Date())
			dag = &od
		}
	}
	if dag == nil {
		return nil
	}
	y, m, d := dag.Time().Date()
	until := time.Date(y, m, d, 0, 0, 0, 0, a.loc)
	if !until.After(a.now()) {
		return nil
	}
	return &target.Retention{Mode: a.mode, Until: until}
}

// build makes the plan of a zaak's package: the MDTO sidecars, the layout, the pakbon and the
// manifest. It identifies the format of every document from its content; a format it cannot
// identify refuses the package (ErrFormaatOnbekend).
//
// With stream set, a document whose format needs all of its bytes (is a PDF also PDF/A?) is
// only identified as far as its head tells, and the plan is left unsealed: the document's
// bestand sidecar, the pakbon and the manifest wait until the document has been written and its
// bytes seen on the way (finishSidecar, seal). A plan without such documents is sealed at once.
func (a *Archiver) build(ctx context.Context, d *dossier.Dossier, doel, run string, gepland time.Time, legalHold, stream bool) (*plan, error) {
	in, err := a.regel(d)
	if err != nil {
		return nil, err
	}
	waardering, err := Waardering(d.Zaak.Archief.Archiefnominatie)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint(d)
	if err != nil {
		return nil, err
	}
	m := newMeta(a.afspraak, in.zt, d, in.r, a.loc)
	z := &d.Zaak
	p := &plan{Zaak: z.Identificatie, Map: mdto.SafeName(z.Identificatie), Doel: doel, Run: run, Gepland: gepland.UTC(),
		Vingerafdruk: fp, Nominatie: z.Archief.Archiefnominatie, Brondatum: z.Archief.StartdatumBewaartermijn,
		Archiefactiedatum: z.Archief.Archiefactiedatum, Retentie: a.retentie(z), LegalHold: legalHold}
	used := map[string]bool{strings.ToLower(PakbonNaam): true, strings.ToLower(ManifestNaam): true}
	var onbekend []string
	add := func(rel, soort, mediatype string, inhoud []byte) *object {
		p.Objecten = append(p.Objecten, object{Sleutel: p.Map + "/" + rel, Volgorde: len(p.Objecten), Soort: soort,
			Mediatype: mediatype, Inhoud: inhoud})
		return &p.Objecten[len(p.Objecten)-1]
	}
	addXML := func(rel string, write func(io.Writer) error) error {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		add(rel, soortMDTO, "application/xml", nil).setInhoud(buf.Bytes())
		return nil
	}
	archief, serie, dosMap := m.sipMappen(p.Map)
	for i := range d.Documenten {
		doc := &d.Documenten[i]
		folder := path.Join(dosMap, uniekKort(mdto.SafeName(doc.Titel), MaxStukNaam, used))
		room := stukRuimte(p.Map + "/" + folder)
		if room < minBestandNaam {
			return nil, fmt.Errorf("document %s: the package path %s/%s leaves %d characters for a file name, fewer than %d", doc.ID, p.Map, folder, room, minBestandNaam)
		}
		file := kort(mdto.SafeName(doc.Bestandsnaam), room)
		f, scan, err := a.identify(ctx, doc, stream)
		if err != nil {
			return nil, err
		}
		if !f.Known() {
			onbekend = append(onbekend, fmt.Sprintf("document %s %q (%s, %d bytes, looks like %q)", doc.ID, doc.Bestandsnaam, doc.Formaat, doc.Bestandsomvang, f.Naam))
			continue
		}
		mediatype := f.MIME
		if mediatype == "" {
			mediatype = doc.Formaat
		}
		o := add(path.Join(folder, file), soortBestand, mediatype, nil)
		o.Grootte, o.SHA256, o.Blob = doc.Bestandsomvang, doc.SHA256, doc.SHA256
		b := m.bestandObject(doc, file, f)
		sidecar := path.Join(folder, mdto.SidecarName(file))
		if scan != nil {
			o.scan, o.bestand, o.naSidecar = scan, &b, len(p.Objecten)
			add(sidecar, soortMDTO, "application/xml", nil).volgt = true
		} else if err := addXML(sidecar, func(w io.Writer) error { return mdto.WriteBestand(w, b) }); err != nil {
			return nil, err
		}
		stuk := m.documentObject(doc, waardering, file)
		if err := addXML(mdto.InformatieobjectSidecar(folder), func(w io.Writer) error { return mdto.WriteInformatieobject(w, stuk) }); err != nil {
			return nil, err
		}
	}
	if len(onbekend) > 0 {
		return nil, fmt.Errorf("%w: %s; replace them with files in an archival format (e.g. PDF/A) before the zaak can be archived",
			ErrFormaatOnbekend, strings.Join(onbekend, "; "))
	}
	dos, arch, ser := m.dossierObject(waardering), m.archiefObject(waardering), m.serieObject(waardering)
	for _, lvl := range []struct {
		folder string
		o      *mdto.Informatieobject
	}{{archief, &arch}, {serie, &ser}, {dosMap, &dos}} {
		if err := addXML(mdto.InformatieobjectSidecar(lvl.folder), func(w io.Writer) error { return mdto.WriteInformatieobject(w, *lvl.o) }); err != nil {
			return nil, err
		}
	}
	p.pakbon = &Pakbon{Formaat: PakbonFormaat, Zaak: z.Identificatie, Naam: z.Omschrijving, Zaaktype: z.Zaaktype, Bron: m.bron,
		Waardering: waardering.Code, Aangemaakt: p.Gepland, Informatieobjecten: 3 + len(d.Documenten), Bestanden: len(d.Documenten)}
	add(PakbonNaam, soortPakbon, "application/json", nil)
	add(ManifestNaam, soortManifest, "application/json", nil)
	for _, o := range p.Objecten {
		if o.pending() && o.Soort == soortMDTO {
			return p, nil // sealed once the sidecars are finished
		}
	}
	if err := p.seal(); err != nil {
		return nil, err
	}
	return p, nil
}

// setInhoud gives a generated object its content, size and SHA-256.
func (o *object) setInhoud(b []byte) {
	sum := sha256.Sum256(b)
	o.Inhoud, o.Grootte, o.SHA256 = b, int64(len(b)), hex.EncodeToString(sum[:])
}

// finishSidecar writes the bestand sidecar of document o, now that the document is written:
// with the format its Scan found, or, when the Scan did not see every byte (the target read
// the document in some other way, or did not need to write it), with the format read from the
// content again.
func (a *Archiver) finishSidecar(ctx context.Context, p *plan, o *object) (*object, error) {
	f, ok := o.scan.Formaat()
	if !ok {
		doc := &dossier.Document{ID: o.Sleutel, SHA256: o.Blob, Bestandsomvang: o.Grootte}
		var err error
		if f, _, err = a.identify(ctx, doc, false); err != nil {
			return nil, err
		}
	}
	b := *o.bestand
	b.Bestandsformaat = mdto.FormaatBegrip(f)
	var buf bytes.Buffer
	if err := mdto.WriteBestand(&buf, b); err != nil {
		return nil, fmt.Errorf("%s: %w", p.Objecten[o.naSidecar].Sleutel, err)
	}
	sc := &p.Objecten[o.naSidecar]
	sc.setInhoud(buf.Bytes())
	return sc, nil
}

// seal completes a plan whose other objects are all known: the manifest lists them with their
// sizes and SHA-256, the pakbon counts them and names the manifest's SHA-256.
func (p *plan) seal() error {
	if p.pakbon == nil {
		return fmt.Errorf("package of zaak %s: no pakbon to seal (a stored plan is sealed already)", p.Zaak)
	}
	man := Manifest{Formaat: ManifestFormaat, Zaak: p.Zaak, Map: p.Map, Aangemaakt: p.Gepland, Algoritme: mdto.SHA256}
	var pakbon, manifest *object
	p.Bytes = 0
	for i := range p.Objecten {
		o := &p.Objecten[i]
		switch {
		case o.Soort == soortPakbon:
			pakbon = o
		case o.Soort == soortManifest:
			manifest = o
		case o.pending():
			return fmt.Errorf("package of zaak %s: %s is not finished", p.Zaak, o.Sleutel)
		default:
			man.Objecten = append(man.Objecten, ManifestObject{Pad: strings.TrimPrefix(o.Sleutel, p.Map+"/"), Soort: o.Soort, Grootte: o.Grootte, SHA256: o.SHA256})
			p.Bytes += o.Grootte
		}
	}
	manBytes, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	manifest.setInhoud(append(manBytes, '\n'))
	p.ManifestSHA = manifest.SHA256
	pb := *p.pakbon
	pb.Objecten, pb.TotaalBytes = len(man.Objecten), p.Bytes // the manifest's objects, added up above
	pb.Manifest = ManifestObject{Pad: ManifestNaam, Soort: soortManifest, Grootte: manifest.Grootte, SHA256: manifest.SHA256}
	pbBytes, err := json.MarshalIndent(pb, "", "  ")
	if err != nil {
		return err
	}
	pakbon.setInhoud(append(pbBytes, '\n'))
	p.Bytes += pakbon.Grootte + manifest.Grootte
	p.pakbon = nil
	return nil
}

// identify identifies a document's format from its content: all of it, or (head set) as far
// as DetectHead goes, with the Scan that finishes it.
func (a *Archiver) identify(ctx context.Context, doc *dossier.Document, head bool) (mdto.Formaat, *mdto.Scan, error) {
	rc, err := a.blobs.Open(ctx, doc.SHA256)
	if err != nil {
		return mdto.Formaat{}, nil, fmt.Errorf("document %s: open content: %w", doc.ID, err)
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		tmp, err := os.CreateTemp("", "zaakarchief-detect-*")
		if err != nil {
			return mdto.Formaat{}, nil, fmt.Errorf("document %s: %w", doc.ID, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, rc); err != nil {
			return mdto.Formaat{}, nil, fmt.Errorf("document %s: read content: %w", doc.ID, err)
		}
		ra, head = tmp, false // the copy read it all: no second pass to save
	}
	var f mdto.Formaat
	var scan *mdto.Scan
	if head {
		f, scan, err = mdto.DetectHead(ra, doc.Bestandsomvang)
	} else {
		f, err = mdto.DetectFormaat(ra, doc.Bestandsomvang)
	}
	if err != nil {
		return mdto.Formaat{}, nil, fmt.Errorf("document %s: %w", doc.ID, err)
	}
	return f, scan, nil
}
