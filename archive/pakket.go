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
	"strconv"
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
}

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
	ManifestSHA       string
	Bytes             int64
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
// manifest. It reads the head of every document to identify its format; a format it cannot
// identify refuses the package (ErrFormaatOnbekend).
func (a *Archiver) build(ctx context.Context, d *dossier.Dossier, doel, run string, gepland time.Time, legalHold bool) (*plan, error) {
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
	add := func(rel, soort, mediatype string, size int64, sha, blob string, inhoud []byte) {
		p.Objecten = append(p.Objecten, object{Sleutel: p.Map + "/" + rel, Volgorde: len(p.Objecten), Soort: soort,
			Grootte: size, SHA256: sha, Mediatype: mediatype, Blob: blob, Inhoud: inhoud})
	}
	addXML := func(rel string, write func(io.Writer) error) error {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		sum := sha256.Sum256(buf.Bytes())
		add(rel, soortMDTO, "application/xml", int64(buf.Len()), hex.EncodeToString(sum[:]), "", buf.Bytes())
		return nil
	}
	for i := range d.Documenten {
		doc := &d.Documenten[i]
		folder := unique(mdto.SafeName(doc.Titel), used)
		file := mdto.SafeName(doc.Bestandsnaam)
		f, err := a.detect(ctx, doc)
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
		add(path.Join(folder, file), soortBestand, mediatype, doc.Bestandsomvang, doc.SHA256, doc.SHA256, nil)
		b := m.bestandObject(doc, file, f)
		if err := addXML(path.Join(folder, mdto.SidecarName(file)), func(w io.Writer) error { return mdto.WriteBestand(w, b) }); err != nil {
			return nil, err
		}
		o := m.documentObject(doc, waardering, file)
		if err := addXML(mdto.InformatieobjectSidecar(folder), func(w io.Writer) error { return mdto.WriteInformatieobject(w, o) }); err != nil {
			return nil, err
		}
	}
	if len(onbekend) > 0 {
		return nil, fmt.Errorf("%w: %s; replace them with files in an archival format (e.g. PDF/A) before the zaak can be archived",
			ErrFormaatOnbekend, strings.Join(onbekend, "; "))
	}
	dos := m.dossierObject(waardering)
	rel := strings.TrimPrefix(mdto.InformatieobjectSidecar(p.Map), p.Map+"/")
	if err := addXML(rel, func(w io.Writer) error { return mdto.WriteInformatieobject(w, dos) }); err != nil {
		return nil, err
	}

	man := Manifest{Formaat: ManifestFormaat, Zaak: z.Identificatie, Map: p.Map, Aangemaakt: p.Gepland, Algoritme: mdto.SHA256}
	for _, o := range p.Objecten {
		man.Objecten = append(man.Objecten, ManifestObject{Pad: strings.TrimPrefix(o.Sleutel, p.Map+"/"), Soort: o.Soort, Grootte: o.Grootte, SHA256: o.SHA256})
		p.Bytes += o.Grootte
	}
	manBytes, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	manBytes = append(manBytes, '\n')
	manSum := sha256.Sum256(manBytes)
	p.ManifestSHA = hex.EncodeToString(manSum[:])
	pb := Pakbon{Formaat: PakbonFormaat, Zaak: z.Identificatie, Naam: z.Omschrijving, Zaaktype: z.Zaaktype, Bron: m.bron,
		Waardering: waardering.Code, Aangemaakt: p.Gepland, Informatieobjecten: 1 + len(d.Documenten), Bestanden: len(d.Documenten),
		Objecten: len(man.Objecten), TotaalBytes: p.Bytes, // the manifest's objects, added up above
		Manifest: ManifestObject{Pad: ManifestNaam, Soort: soortManifest, Grootte: int64(len(manBytes)), SHA256: p.ManifestSHA}}
	pbBytes, err := json.MarshalIndent(pb, "", "  ")
	if err != nil {
		return nil, err
	}
	pbBytes = append(pbBytes, '\n')
	pbSum := sha256.Sum256(pbBytes)
	add(PakbonNaam, soortPakbon, "application/json", int64(len(pbBytes)), hex.EncodeToString(pbSum[:]), "", pbBytes)
	add(ManifestNaam, soortManifest, "application/json", int64(len(manBytes)), p.ManifestSHA, "", manBytes)
	p.Bytes += int64(len(pbBytes) + len(manBytes))
	return p, nil
}

// detect identifies a document's format from its content.
func (a *Archiver) detect(ctx context.Context, doc *dossier.Document) (mdto.Formaat, error) {
	rc, err := a.blobs.Open(ctx, doc.SHA256)
	if err != nil {
		return mdto.Formaat{}, fmt.Errorf("document %s: open content: %w", doc.ID, err)
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		tmp, err := os.CreateTemp("", "zaakarchief-detect-*")
		if err != nil {
			return mdto.Formaat{}, fmt.Errorf("document %s: %w", doc.ID, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, rc); err != nil {
			return mdto.Formaat{}, fmt.Errorf("document %s: read content: %w", doc.ID, err)
		}
		ra = tmp
	}
	f, err := mdto.DetectFormaat(ra, doc.Bestandsomvang)
	if err != nil {
		return mdto.Formaat{}, fmt.Errorf("document %s: %w", doc.ID, err)
	}
	return f, nil
}

// unique returns name, or name with "-2", "-3", ... before its extension, so that no two
// entries of one folder share a name, compared without case (as on Windows and macOS).
func unique(name string, used map[string]bool) string {
	if !used[strings.ToLower(name)] {
		used[strings.ToLower(name)] = true
		return name
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		b := base
		if over := len(b) + len(suffix) + len(ext) - mdto.MaxNameLength; over > 0 {
			b = b[:len(b)-over]
		}
		cand := b + suffix + ext
		if !used[strings.ToLower(cand)] {
			used[strings.ToLower(cand)] = true
			return cand
		}
	}
}
