package sipcheck_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"zaakarchief/archive/mdto"
	"zaakarchief/archive/sipcheck"
)

const (
	bron       = "Gemeente Test (RSIN 002220647)"
	lijstOpenb = "Begrippenlijst Openbaarheid test"
)

var lijsten = map[string]map[string]string{lijstOpenb: {
	"Openbaarheid/Openbaar":                       "Openbaar",
	"Openbaarheid/NietOpenbaar/Zaakvertrouwelijk": "Niet openbaar",
}}

// stuk is one archiefstuk with its file.
type stuk struct {
	id, map_, bestand string
	inhoud            []byte
	beperking         []mdto.BeperkingGebruik
	formaat           mdto.Begrip
	bestandID         string
}

// sip describes a package to write: Archief / Serie / Dossier / Archiefstuk / Bestand.
type sip struct {
	archief, serie, dossier string // folder names
	serieNiveau             string
	dossierOuder            string // identificatie kenmerk the dossier's isOnderdeelVan names
	stukken                 []stuk
}

func openbaar() mdto.BeperkingGebruik {
	code := "Openbaarheid/Openbaar"
	return mdto.BeperkingGebruik{Type: mdto.Begrip{Label: "Openbaar", Code: code, Begrippenlijst: mdto.Verwijzing{Naam: lijstOpenb}},
		NadereBeschrijving: "Vertrouwelijkheidaanduiding (ZGW): openbaar."}
}

func pdf17(s string) []byte { return []byte("%PDF-1.7\n% " + s + "\n1 0 obj << >> endobj\n%%EOF\n") }

var pdfFormaat = mdto.Begrip{Label: "Acrobat PDF 1.7 - Portable Document Format", Code: "fmt/276",
	Begrippenlijst: mdto.Verwijzing{Naam: mdto.PRONOMRegister}}

func goed() sip {
	return sip{archief: "Gemeente_Test", serie: "omgevingsvergunning", dossier: "ZAAK-1", serieNiveau: mdto.AggregatieniveauSerie,
		dossierOuder: "serie:omgevingsvergunning",
		stukken: []stuk{
			{id: "doc-1", map_: "Aanvraag", bestand: "aanvraag.pdf", inhoud: pdf17("aanvraag"), beperking: []mdto.BeperkingGebruik{openbaar()}, formaat: pdfFormaat},
			{id: "doc-2", map_: "Besluit", bestand: "besluit.pdf", inhoud: pdf17("besluit"), beperking: []mdto.BeperkingGebruik{openbaar()}, formaat: pdfFormaat},
		}}
}

func ref(naam, kenmerk string) mdto.Verwijzing {
	return mdto.Verwijzing{Naam: naam, Identificatie: &mdto.Identificatie{Kenmerk: kenmerk, Bron: bron}}
}

func io_(kenmerk, naam, niveau string, ouder *mdto.Verwijzing, b []mdto.BeperkingGebruik) mdto.Informatieobject {
	agg := mdto.Aggregatieniveau(niveau)
	o := mdto.Informatieobject{Identificatie: []mdto.Identificatie{{Kenmerk: kenmerk, Bron: bron}}, Naam: naam,
		Aggregatieniveau: &agg, Waardering: mdto.Waardering(mdto.WaarderingBlijvend),
		Archiefvormer: []mdto.Verwijzing{ref("Gemeente Test", "002220647")}, BeperkingGebruik: b}
	if ouder != nil {
		o.IsOnderdeelVan = []mdto.Verwijzing{*ouder}
	}
	return o
}

func writeIO(t *testing.T, pad string, o mdto.Informatieobject) {
	t.Helper()
	var buf bytes.Buffer
	if err := mdto.WriteInformatieobject(&buf, o); err != nil {
		t.Fatal(err)
	}
	writeFile(t, pad, buf.Bytes())
}

func writeFile(t *testing.T, pad string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(pad), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pad, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// write writes s below root and returns the package folder; pakbon.json and manifest.json go in
// the root as the package's bookkeeping.
func (s sip) write(t *testing.T, root string) {
	t.Helper()
	a := filepath.Join(root, s.archief)
	sr := filepath.Join(a, s.serie)
	d := filepath.Join(sr, s.dossier)
	open := []mdto.BeperkingGebruik{openbaar()}
	writeIO(t, filepath.Join(a, s.archief+".mdto.xml"), io_("archief:gemeente", "Archief Gemeente Test", mdto.AggregatieniveauArchief, nil, open))
	ar := ref("Archief Gemeente Test", "archief:gemeente")
	writeIO(t, filepath.Join(sr, s.serie+".mdto.xml"), io_("serie:omgevingsvergunning", "Aanvraag omgevingsvergunning", s.serieNiveau, &ar, open))
	sref := ref("Aanvraag omgevingsvergunning", s.dossierOuder)
	writeIO(t, filepath.Join(d, s.dossier+".mdto.xml"), io_("ZAAK-1", "Dakkapel", mdto.AggregatieniveauDossier, &sref, open))
	dref := ref("Dakkapel", "ZAAK-1")
	for _, st := range s.stukken {
		m := filepath.Join(d, st.map_)
		writeIO(t, filepath.Join(m, st.map_+".mdto.xml"), io_(st.id, st.map_, mdto.AggregatieniveauArchiefstuk, &dref, st.beperking))
		writeFile(t, filepath.Join(m, st.bestand), st.inhoud)
		sum := sha256.Sum256(st.inhoud)
		bid := st.bestandID
		if bid == "" {
			bid = st.id + "/inhoud"
		}
		b := mdto.Bestand{Identificatie: []mdto.Identificatie{{Kenmerk: bid, Bron: bron}}, Naam: st.bestand,
			Omvang: int64(len(st.inhoud)), Bestandsformaat: st.formaat,
			Checksum: []mdto.Checksum{{Algoritme: mdto.ChecksumAlgoritme(mdto.SHA256), Waarde: hex.EncodeToString(sum[:]),
				Datum: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}},
			IsRepresentatieVan: ref(st.map_, st.id)}
		var buf bytes.Buffer
		if err := mdto.WriteBestand(&buf, b); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(m, st.bestand+".bestand.mdto.xml"), buf.Bytes())
	}
	writeFile(t, filepath.Join(root, "pakbon.json"), []byte("{}\n"))
	writeFile(t, filepath.Join(root, "manifest.json"), []byte("{}\n"))
}

func controleer(t *testing.T, root string) *sipcheck.Rapport {
	t.Helper()
	return controleerFS(t, os.DirFS(root))
}

// mapFS copies the files below root into memory.
func mapFS(t *testing.T, root string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func controleerFS(t *testing.T, fsys fs.FS) *sipcheck.Rapport {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("xmllint not on PATH")
	}
	r, err := sipcheck.Controleer(context.Background(), fsys, sipcheck.Opties{
		Boekhouding: []string{"pakbon.json", "manifest.json"}, Beperkingen: lijsten})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAGoodPackagePassesEveryCheck(t *testing.T) {
	root := t.TempDir()
	goed().write(t, root)
	r := controleer(t, root)
	var out bytes.Buffer
	if err := r.Schrijf(&out); err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Err() != nil {
		t.Fatalf("a good package fails:\n%s", out.String())
	}
	if len(r.Resultaten) != len(sipcheck.Volgorde) {
		t.Fatalf("%d results, want one per check (%d)", len(r.Resultaten), len(sipcheck.Volgorde))
	}
	for _, res := range r.Resultaten {
		if res.Gecontroleerd == 0 {
			t.Errorf("check %s looked at nothing", res.Controle)
		}
	}
	if !strings.Contains(out.String(), "pakket voldoet aan alle controles") {
		t.Errorf("report does not say the package passes:\n%s", out.String())
	}
}

func TestEachCheckReportsAPackageBrokenInExactlyItsWay(t *testing.T) {
	sub := func(st ...string) string { return filepath.Join(st...) }
	dossier := sub("Gemeente_Test", "omgevingsvergunning", "ZAAK-1")
	rename := func(t *testing.T, root, from, to string) {
		t.Helper()
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(t *testing.T, root, rel string, fn func([]byte) []byte) {
		t.Helper()
		p := filepath.Join(root, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, fn(b))
	}
	besluit := sub(dossier, "Besluit")
	besluitSlash := filepath.ToSlash(besluit)
	cases := []struct {
		name  string
		spec  func(*sip)
		breek func(t *testing.T, root string)
		// inMemory, when set, breaks a copy of the package in memory instead.
		inMemory func(t *testing.T, m fstest.MapFS)
		check    string
		object   string // a substring of the object of a finding
		melding  string // a substring of its message
	}{
		{name: "space in a folder name", check: sipcheck.ControleNaamgeving, object: "Besluit nu", melding: "niet-toegestane tekens",
			breek: func(t *testing.T, root string) {
				rename(t, root, sub(besluit, "Besluit.mdto.xml"), sub(besluit, "Besluit nu.mdto.xml"))
				rename(t, root, besluit, sub(dossier, "Besluit nu"))
			}},
		{name: "ampersand in a file name", check: sipcheck.ControleNaamgeving, object: "a&b.pdf", melding: "niet-toegestane tekens",
			spec: func(s *sip) { s.stukken[1].bestand = "a&b.pdf" }},
		{name: "device name", check: sipcheck.ControleNaamgeving, object: "/CON", melding: "niet toegestaan",
			spec: func(s *sip) { s.stukken[1].map_ = "CON" }},
		{name: "name longer than 255", check: sipcheck.ControleNaamgeving, object: strings.Repeat("x", 40), melding: "naam is",
			// No local file system takes a name of more than 255 bytes: this package is in memory.
			inMemory: func(t *testing.T, m fstest.MapFS) {
				long := besluitSlash + "/" + strings.Repeat("x", 240) + ".pdf"
				m[long], m[long+".bestand.mdto.xml"] = m[besluitSlash+"/besluit.pdf"], m[besluitSlash+"/besluit.pdf.bestand.mdto.xml"]
				delete(m, besluitSlash+"/besluit.pdf")
				delete(m, besluitSlash+"/besluit.pdf.bestand.mdto.xml")
			}},
		{name: "path longer than 255", check: sipcheck.ControleNaamgeving, object: strings.Repeat("y", 40), melding: "volledig pad is",
			spec: func(s *sip) { s.stukken[1].map_ = strings.Repeat("y", 200) }},
		{name: "file without sidecar", check: sipcheck.ControleSidecars, object: "besluit.pdf", melding: "geen bijbehorend MDTO-bestand",
			breek: func(t *testing.T, root string) {
				os.Remove(filepath.Join(root, besluit, "besluit.pdf.bestand.mdto.xml"))
			}},
		{name: "sidecar without object", check: sipcheck.ControleSidecars, object: "besluit.pdf.bestand.mdto.xml", melding: "zonder bijbehorend object",
			breek: func(t *testing.T, root string) { os.Remove(filepath.Join(root, besluit, "besluit.pdf")) }},
		{name: "empty folder", check: sipcheck.ControleSidecars, object: "Leeg", melding: "geen bestand",
			breek: func(t *testing.T, root string) {
				writeIO(t, filepath.Join(root, dossier, "Leeg", "Leeg.mdto.xml"), io_("doc-leeg", "Leeg", mdto.AggregatieniveauArchiefstuk,
					&mdto.Verwijzing{Naam: "Dakkapel", Identificatie: &mdto.Identificatie{Kenmerk: "ZAAK-1", Bron: bron}}, []mdto.BeperkingGebruik{openbaar()}))
			}},
		{name: "bookkeeping file in the SIP", check: sipcheck.ControleSidecars, object: "notities.txt", melding: "buiten de mappen",
			breek: func(t *testing.T, root string) { writeFile(t, filepath.Join(root, "notities.txt"), []byte("x")) }},
		{name: "byte-order mark", check: sipcheck.ControleCodering, object: "Besluit.mdto.xml", melding: "byte-order mark",
			breek: func(t *testing.T, root string) {
				edit(t, root, sub(besluit, "Besluit.mdto.xml"), func(b []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, b...) })
			}},
		{name: "encoding other than UTF-8", check: sipcheck.ControleCodering, object: "Besluit.mdto.xml", melding: "ISO-8859-1",
			breek: func(t *testing.T, root string) {
				edit(t, root, sub(besluit, "Besluit.mdto.xml"), func(b []byte) []byte {
					return bytes.Replace(b, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1)
				})
			}},
		{name: "not valid against the XSD", check: sipcheck.ControleSchema, object: "Besluit.mdto.xml", melding: "voldoet niet aan het MDTO-schema",
			breek: func(t *testing.T, root string) {
				edit(t, root, sub(besluit, "Besluit.mdto.xml"), func(b []byte) []byte {
					return bytes.Replace(b, []byte("<naam>Besluit</naam>"), nil, 1)
				})
			}},
		{name: "dossier not part of its serie", check: sipcheck.ControleAggregatie, object: "ZAAK-1.mdto.xml", melding: "isOnderdeelVan verwijst niet",
			spec: func(s *sip) { s.dossierOuder = "serie:iets-anders" }},
		{name: "serie at the wrong level", check: sipcheck.ControleAggregatie, object: "besluit.pdf", melding: "ongeldige nesting",
			spec: func(s *sip) { s.serieNiveau = mdto.AggregatieniveauDossier }},
		{name: "one archiefstuk twice", check: sipcheck.ControleUniek, object: "Besluit.mdto.xml", melding: "komt ook voor",
			spec: func(s *sip) { s.stukken[1].id, s.stukken[1].bestandID = "doc-1", "doc-2/inhoud" }},
		{name: "beperkingGebruik without code", check: sipcheck.ControleBeperkingGebruik, object: "Besluit.mdto.xml", melding: "geen begripCode",
			spec: func(s *sip) { s.stukken[1].beperking = []mdto.BeperkingGebruik{mdto.BeperkingGeen()} }},
		{name: "two beperkingGebruik", check: sipcheck.ControleBeperkingGebruik, object: "Besluit.mdto.xml", melding: "2 beperkingGebruik",
			spec: func(s *sip) { s.stukken[1].beperking = []mdto.BeperkingGebruik{openbaar(), openbaar()} }},
		{name: "code and label that do not match", check: sipcheck.ControleBeperkingGebruik, object: "Besluit.mdto.xml", melding: "combinatie",
			spec: func(s *sip) {
				b := openbaar()
				b.Type.Label = "Niet openbaar"
				s.stukken[1].beperking = []mdto.BeperkingGebruik{b}
			}},
		{name: "restriction without reason", check: sipcheck.ControleBeperkingGebruik, object: "Besluit.mdto.xml", melding: "zonder beperkingGebruikNadereBeschrijving",
			spec: func(s *sip) {
				s.stukken[1].beperking = []mdto.BeperkingGebruik{{Type: mdto.Begrip{Label: "Niet openbaar",
					Code: "Openbaarheid/NietOpenbaar/Zaakvertrouwelijk", Begrippenlijst: mdto.Verwijzing{Naam: lijstOpenb}}}}
			}},
		{name: "content changed after its checksum", check: sipcheck.ControleChecksum, object: "besluit.pdf.bestand.mdto.xml", melding: "klopt niet",
			breek: func(t *testing.T, root string) {
				edit(t, root, sub(besluit, "besluit.pdf"), func(b []byte) []byte { return append(b, '\n') })
			}},
		{name: "unknown checksum algorithm", check: sipcheck.ControleChecksum, object: "besluit.pdf.bestand.mdto.xml", melding: "MD5",
			breek: func(t *testing.T, root string) {
				edit(t, root, sub(besluit, "besluit.pdf.bestand.mdto.xml"), func(b []byte) []byte {
					return bytes.Replace(b, []byte("<begripLabel>SHA-256</begripLabel>"), []byte("<begripLabel>MD5</begripLabel>"), 1)
				})
			}},
		{name: "encrypted PDF", check: sipcheck.ControleWachtwoord, object: "besluit.pdf", melding: "versleuteld",
			spec: func(s *sip) {
				s.stukken[1].inhoud = []byte("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n")
			}},
		{name: "encrypted Office file", check: sipcheck.ControleWachtwoord, object: "besluit.docx", melding: "EncryptedPackage",
			spec: func(s *sip) {
				// An encrypted .docx is a compound file with an EncryptedPackage stream ([MS-OFFCRYPTO]).
				cfb := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
				for _, r := range "EncryptedPackage" {
					cfb = append(cfb, byte(r), 0)
				}
				s.stukken[1].bestand, s.stukken[1].inhoud = "besluit.docx", append(cfb, make([]byte, 64)...)
				s.stukken[1].formaat = mdto.Begrip{Label: "Microsoft Word for Windows", Code: "fmt/412", Begrippenlijst: mdto.Verwijzing{Naam: mdto.PRONOMRegister}}
			}},
		{name: "encrypted OpenDocument file", check: sipcheck.ControleWachtwoord, object: "besluit.odt", melding: "encryption-data",
			spec: func(s *sip) {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				for name, body := range map[string]string{"mimetype": "application/vnd.oasis.opendocument.text",
					"META-INF/manifest.xml": `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`} {
					w, _ := zw.Create(name)
					w.Write([]byte(body))
				}
				zw.Close()
				s.stukken[1].bestand, s.stukken[1].inhoud = "besluit.odt", buf.Bytes()
				s.stukken[1].formaat = mdto.Begrip{Label: "OpenDocument Text", Code: "fmt/291", Begrippenlijst: mdto.Verwijzing{Naam: mdto.PRONOMRegister}}
			}},
		{name: "format not preferred", check: sipcheck.ControleFormaten, object: "besluit.pdf.bestand.mdto.xml", melding: "fmt/18",
			spec: func(s *sip) {
				s.stukken[1].formaat = mdto.Begrip{Label: "Acrobat PDF 1.4 - Portable Document Format", Code: "fmt/18",
					Begrippenlijst: mdto.Verwijzing{Naam: mdto.PRONOMRegister}}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			s := goed()
			if c.spec != nil {
				c.spec(&s)
			}
			s.write(t, root)
			if c.breek != nil {
				c.breek(t, root)
			}
			var fsys fs.FS = os.DirFS(root)
			if c.inMemory != nil {
				m := mapFS(t, root)
				c.inMemory(t, m)
				fsys = m
			}
			r := controleerFS(t, fsys)
			var out bytes.Buffer
			r.Schrijf(&out)
			if r.OK() || r.Err() == nil {
				t.Fatalf("the broken package passes:\n%s", out.String())
			}
			for _, res := range r.Resultaten {
				if res.Controle != c.check && !res.OK() {
					t.Errorf("check %s fails too, only %s should:\n%s", res.Controle, c.check, out.String())
				}
			}
			res, _ := r.Resultaat(c.check)
			found := false
			for _, f := range res.Fouten {
				if strings.Contains(f.Object, c.object) && strings.Contains(f.Melding, c.melding) {
					found = true
				}
			}
			if !found {
				t.Errorf("check %s does not report %q on an object with %q:\n%s", c.check, c.melding, c.object, out.String())
			}
		})
	}
}

func TestVoorkeursformatenHoldsTheNHAListAndPDFA(t *testing.T) {
	l, err := sipcheck.Voorkeursformaten()
	if err != nil {
		t.Fatal(err)
	}
	for _, puid := range []string{"fmt/276", "fmt/95", "fmt/476", "fmt/354", "fmt/477", "x-fmt/18", "fmt/13"} {
		if l[puid] == "" {
			t.Errorf("%s missing from the embedded list", puid)
		}
	}
	if l["fmt/18"] != "" {
		t.Errorf("fmt/18 (PDF 1.4) is on the list: %q", l["fmt/18"])
	}
}

// objecten lists the files below root as objects, as an object store would hold them.
func objecten(t *testing.T, root string) []sipcheck.Object {
	t.Helper()
	var out []sipcheck.Object
	i := 0
	for pad, f := range mapFS(t, root) {
		data, seek := f.Data, i%2 == 0 // half of them can seek, as a file can; the others cannot
		i++
		out = append(out, sipcheck.Object{Pad: pad, Grootte: int64(len(data)), Open: func() (io.ReadCloser, error) {
			if seek {
				return seekCloser{bytes.NewReader(data)}, nil
			}
			return io.NopCloser(bytes.NewReader(data)), nil
		}})
	}
	return out
}

func TestObjectFSServesAPackageFromObjectsAndKnownSumsSpareTheReading(t *testing.T) {
	root := t.TempDir()
	goed().write(t, root)
	objs := objecten(t, root)
	fsys := sipcheck.ObjectFS(objs)
	var names []string
	for _, o := range objs {
		names = append(names, o.Pad)
	}
	if err := fstest.TestFS(fsys, names...); err != nil {
		t.Fatal(err)
	}
	if r := controleerFS(t, fsys); !r.OK() {
		t.Fatalf("package from objects fails: %v", r.Err())
	}

	// With the sums known, a file that changed after its sum was taken is not read again: the
	// check trusts the known sum, and still catches a sidecar that disagrees with it.
	bekend := map[string]sipcheck.Bekend{}
	pad := "Gemeente_Test/omgevingsvergunning/ZAAK-1/Besluit/besluit.pdf"
	for _, o := range objs {
		if o.Pad == pad {
			sum := sha256.Sum256([]byte("iets anders"))
			bekend[pad] = sipcheck.Bekend{Grootte: o.Grootte, SHA256: hex.EncodeToString(sum[:])}
		}
	}
	r, err := sipcheck.Controleer(context.Background(), fsys, sipcheck.Opties{Boekhouding: []string{"pakbon.json", "manifest.json"},
		Beperkingen: lijsten, Bekend: bekend, ZonderSchema: true})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := r.Resultaat(sipcheck.ControleChecksum)
	if len(res.Fouten) != 1 || !strings.Contains(res.Fouten[0].Melding, "klopt niet") {
		t.Fatalf("checksum against a known sum: %+v", res)
	}
	var out bytes.Buffer
	r.Schrijf(&out)
	if res, _ := r.Resultaat(sipcheck.ControleSchema); !res.Overgeslagen || !strings.Contains(out.String(), "schema             overgeslagen") {
		t.Errorf("a skipped XSD check is not reported as skipped:\n%s", out.String())
	}
}

type seekCloser struct{ *bytes.Reader }

func (seekCloser) Close() error { return nil }
