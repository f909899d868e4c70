package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"zaakarchief/archive"
	"zaakarchief/archive/mdto"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

// invoerAfspraak is the embedded agreement with the accepted formats of the aanvraagformulier
// limited to the Nationaal Archief's voorkeursformaten.
func invoerAfspraak(t *testing.T) *afspraak.Afspraak {
	t.Helper()
	b, err := configs.FS.ReadFile(configs.DefaultAgreement)
	if err != nil {
		t.Fatal(err)
	}
	const regel = "      - omschrijving: aanvraagformulier\n        vertrouwelijkheidaanduiding: zaakvertrouwelijk\n        archivering: {organisatie: gemeente, definitief_in_fase: 1}\n"
	if !bytes.Contains(b, []byte(regel)) {
		t.Fatal("the embedded agreement has no aanvraagformulier to limit")
	}
	b = bytes.Replace(b, []byte(regel), []byte(regel+"        formaten: [voorkeursformaten]\n"), 1)
	a, err := afspraak.Parse(b, "invoer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Validate() {
		if !f.Warning {
			t.Fatalf("the test agreement: %v", f)
		}
	}
	return a
}

// invoerToestand is what a refused request must leave unchanged: the dossier as the API serves
// it, the zaken list, the audit trail and every file of the blob store (temporary ones too).
func invoerToestand(t *testing.T, k *daemontest.Kit, c *daemontest.Client, zaak string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"/api/v1/zaken/" + zaak, "/api/v1/zaken"} {
		r := c.Get(p)
		if r.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p, r.Code, r.Body)
		}
		b.Write(r.Body)
		b.WriteByte('\n')
	}
	audit, err := json.Marshal(k.AuditTrail(zaak))
	if err != nil {
		t.Fatal(err)
	}
	b.Write(audit)
	dir, err := k.Config.BlobDir()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		files = append(files, fmt.Sprintf("%s %d", p, info.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	b.WriteString("\n" + strings.Join(files, "\n"))
	return b.String()
}

// rawUpload sends a document upload whose metadata part is meta exactly as given (bytes that
// are not UTF-8 included).
func rawUpload(t *testing.T, c *daemontest.Client, zaak string, meta, content []byte) daemontest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(meta)
	fw, err := mw.CreateFormFile("inhoud", "bestand")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return c.Do(http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", mw.FormDataContentType(), &buf)
}

// invoerMeta is the metadata of an aanvraagformulier with one member replaced by a raw JSON
// value (key "" for none).
func invoerMeta(key, raw string) []byte {
	m := map[string]string{
		"informatieobjecttype": `"aanvraagformulier"`, "titel": `"Aanvraag"`, "auteur": `"J. Jansen"`,
		"creatiedatum": `"2024-03-01"`, "bestandsnaam": `"aanvraag.pdf"`, "formaat": `"application/pdf"`,
	}
	if key != "" {
		m[key] = raw
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%q: %s", k, m[k]))
	}
	return []byte("{" + strings.Join(parts, ", ") + "}")
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func zipBestand(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Input that could never be archived is refused at capture with a 400 naming the field, and
// leaves the dossier, the audit trail and the blob store byte for byte as they were: text XML
// cannot carry, text that is not UTF-8 (which encoding/json would silently replace), an empty
// file, password-protected or encrypted PDF and Office files, and a format the agreement does
// not accept for the informatieobjecttype.
func TestCaptureRefusesWhatCanNeverBeArchived(t *testing.T) {
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) { o.Afspraak = invoerAfspraak(t) }))
	c := k.Client(k.Token(daemontest.Gemeente, dossier.RolOrganisatie))
	zaak := k.OpenZaak("Dakkapel Kerkstraat 1")
	pdf := daemontest.PDF(zaak+" aanvraag", 2000)
	encryptedPDF := append(append([]byte(nil), pdf[:len(pdf)-7]...), []byte("\ntrailer\n<< /Encrypt 5 0 R >>\n%%EOF\n")...)
	encryptedOOXML := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 1000)...)
	encryptedOOXML = append(append(encryptedOOXML, utf16le("EncryptedPackage")...), bytes.Repeat([]byte{0}, 100)...)
	encryptedODT := zipBestand(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
		[2]string{"META-INF/manifest.xml", `<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`})

	type verzoek struct {
		name, path, body string // a JSON request
		meta, content    []byte // or an upload
		field            string
	}
	zp := "/api/v1/zaken/" + zaak
	// A bijlage may have any format: the checks of its content are the ones every upload gets.
	bijlage := invoerMeta("informatieobjecttype", `"bijlage"`)
	cases := []verzoek{
		{name: "NUL in omschrijving", path: "/api/v1/zaken", body: `{"zaaktype": "omgevingsvergunning", "omschrijving": "Dak\u0000kapel"}`, field: "omschrijving"},
		{name: "invalid UTF-8 in toelichting", path: "/api/v1/zaken", body: "{\"zaaktype\": \"omgevingsvergunning\", \"omschrijving\": \"Dakkapel\", \"toelichting\": \"Caf\xe9\"}", field: "toelichting"},
		{name: "bell in statustoelichting", path: zp + "/statussen", body: `{"statustype": "` + daemontest.Fase2 + `", "statustoelichting": "klaar\u0007"}`, field: "statustoelichting"},
		{name: "U+FFFF in betrokkene", path: zp + "/rollen", body: `{"roltype": "aanvrager", "betrokkene": "J. Jansen\uffff"}`, field: "betrokkene"},
		{name: "lone surrogate in tekst", path: zp + "/contactmomenten", body: `{"kanaal": "telefoon", "onderwerp": "vraag", "tekst": "a\ud800b"}`, field: "tekst"},
		{name: "escape in eigenschap waarde", path: zp + "/eigenschappen", body: `{"eigenschap": "locatie", "waarde": "Kerkstraat\u001b1"}`, field: "waarde"},
		{name: "U+FFFE in besluit toelichting", path: zp + "/besluiten", body: `{"besluittype": "omgevingsvergunning", "datum": "2024-03-01", "ingangsdatum": "2024-03-01", "toelichting": "\ufffe"}`, field: "toelichting"},
		{name: "NUL in titel", meta: invoerMeta("titel", `"Aan\u0000vraag"`), content: pdf, field: "titel"},
		{name: "control character in bestandsnaam", meta: invoerMeta("bestandsnaam", `"aan\u0001vraag.pdf"`), content: pdf, field: "bestandsnaam"},
		{name: "invalid UTF-8 in auteur", meta: invoerMeta("auteur", "\"J. Jans\xffen\""), content: pdf, field: "auteur"},
		{name: "empty file", meta: bijlage, content: nil, field: "inhoud"},
		{name: "encrypted PDF", meta: bijlage, content: encryptedPDF, field: "inhoud"},
		{name: "encrypted Office Open XML", meta: bijlage, content: encryptedOOXML, field: "inhoud"},
		{name: "OpenDocument with a password", meta: bijlage, content: encryptedODT, field: "inhoud"},
		{name: "format outside the accepted list", meta: invoerMeta("", ""), content: []byte("Aanvraag omgevingsvergunning, platte tekst\n"), field: "inhoud"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := invoerToestand(t, k, c, zaak)
			var r daemontest.Response
			if tc.meta != nil {
				r = rawUpload(t, c, zaak, tc.meta, tc.content)
			} else {
				r = c.Do(http.MethodPost, tc.path, "application/json", strings.NewReader(tc.body))
			}
			if r.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.Code, r.Body)
			}
			var p struct {
				Detail        string `json:"detail"`
				InvalidParams []struct {
					Name string `json:"name"`
				} `json:"invalidParams"`
			}
			if err := json.Unmarshal(r.Body, &p); err != nil {
				t.Fatal(err)
			}
			if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tc.field {
				t.Errorf("invalidParams %+v, want the field %s: %s", p.InvalidParams, tc.field, p.Detail)
			}
			if after := invoerToestand(t, k, c, zaak); after != before {
				t.Errorf("the refused request changed the dossier or the blob store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	// The same upload in an accepted format is recorded: the refusals were about the input.
	if r := rawUpload(t, c, zaak, invoerMeta("", ""), pdf); r.Code != http.StatusCreated {
		t.Fatalf("a PDF 1.7 aanvraagformulier: %d %s", r.Code, r.Body)
	}
}

// archiveRun runs the archiver once and returns the problems it reported.
func archiveRun(t *testing.T, k *daemontest.Kit) []string {
	t.Helper()
	rep, err := k.Archiver.Run(t.Context(), nil)
	if err != nil {
		t.Fatalf("archive run: %v", err)
	}
	var out []string
	for _, it := range rep.Problemen {
		out = append(out, it.Zaak+": "+it.Fout)
	}
	return out
}

// A zaak that holds content an e-Depot refuses (here a plain text bijlage, accepted at capture
// because the agreement lists no formats for it) fails every archive run. A records manager
// repairs it with a converted version of the document, with a reason that the audit trail
// keeps; then it archives and its MDTO validates against the schema.
func TestRecordmanagerConversionRepairsAStuckZaak(t *testing.T) {
	k := daemontest.New(t)
	tekst := []byte("Constructieberekening dakkapel, als platte tekst aangeleverd\n")
	zaak := k.ClosedZaak(daemontest.Verleend, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Constructieberekening", Bestandsnaam: "berekening.txt", Content: tekst})
	var bijlage string
	for _, d := range k.ReadDossier(zaak).Documenten {
		if d.Informatieobjecttype == "bijlage" {
			bijlage = d.ID
		}
	}
	problemen := archiveRun(t, k)
	if len(problemen) != 1 || !strings.Contains(problemen[0], zaak) || !strings.Contains(problemen[0], "voorkeursformaten") {
		t.Fatalf("the archive run with a plain text bijlage: problems %q, want the zaak refused for its format", problemen)
	}
	if st := k.ReadDossier(zaak).Zaak.Archief.Archiefstatus; st != dossier.ArchiefstatusNogTeArchiveren {
		t.Fatalf("archiefstatus after the failed run: %s", st)
	}

	conversie := func(token string, meta string, content []byte) daemontest.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="conversie"`)
		h.Set("Content-Type", "application/json")
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write([]byte(meta))
		fw, err := mw.CreateFormFile("inhoud", "berekening.pdf")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		return k.Client(token).Do(http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten/"+bijlage+"/conversies", mw.FormDataContentType(), &buf)
	}
	rm := k.Token(daemontest.Gemeente, dossier.RolRecordmanager)
	org := k.Token(daemontest.Gemeente, dossier.RolOrganisatie)
	omgezet := daemontest.PDF(zaak+" berekening", 3000)
	goed := `{"reden": "omgezet naar PDF: platte tekst staat niet op de lijst van voorkeursformaten", "bestandsnaam": "berekening.pdf", "formaat": "application/pdf"}`
	c := k.Client(rm)
	before := invoerToestand(t, k, c, zaak)
	for _, tc := range []struct {
		name, token, meta string
		content           []byte
		want              int
		field             string
	}{
		{"an organisation may not convert", org, goed, omgezet, http.StatusForbidden, ""},
		{"without a reden", rm, `{"reden": " ", "bestandsnaam": "berekening.pdf", "formaat": "application/pdf"}`, omgezet, http.StatusBadRequest, "reden"},
		{"to a format that is no archival format", rm, goed, []byte("nog steeds platte tekst\n"), http.StatusBadRequest, "inhoud"},
		{"to an empty file", rm, goed, nil, http.StatusBadRequest, "inhoud"},
	} {
		r := conversie(tc.token, tc.meta, tc.content)
		if r.Code != tc.want {
			t.Fatalf("%s: status %d, want %d: %s", tc.name, r.Code, tc.want, r.Body)
		}
		if tc.field != "" && !bytes.Contains(r.Body, []byte(`"name":"`+tc.field+`"`)) {
			t.Errorf("%s: the problem does not name %s: %s", tc.name, tc.field, r.Body)
		}
	}
	if after := invoerToestand(t, k, c, zaak); after != before {
		t.Errorf("refused conversions changed the dossier or the blob store:\nbefore %s\nafter  %s", before, after)
	}

	r := conversie(rm, goed, omgezet)
	if r.Code != http.StatusCreated {
		t.Fatalf("the records manager's conversion: %d %s", r.Code, r.Body)
	}
	var out struct {
		Document dossier.Document `json:"document"`
		Versie   int              `json:"versie"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Versie != 2 || out.Document.Bestandsnaam != "berekening.pdf" || out.Document.Titel != "Constructieberekening" || out.Document.Bestandsomvang != int64(len(omgezet)) {
		t.Errorf("converted document: version %d, %+v", out.Versie, out.Document)
	}
	var geconverteerd int
	for _, e := range k.AuditTrail(zaak) {
		if e.Actie == "document.geconverteerd" {
			geconverteerd++
			if b, _ := json.Marshal(e); !bytes.Contains(b, []byte("omgezet naar PDF")) || !bytes.Contains(b, []byte("fmt/276")) {
				t.Errorf("the audit entry lacks the reden or the format: %s", b)
			}
		}
	}
	if geconverteerd != 1 {
		t.Errorf("%d document.geconverteerd entries, want 1", geconverteerd)
	}

	if problemen := archiveRun(t, k); len(problemen) != 0 {
		t.Fatalf("the archive run after the conversion: %q", problemen)
	}
	if st := k.ReadDossier(zaak).Zaak.Archief.Archiefstatus; st != dossier.ArchiefstatusGearchiveerd {
		t.Fatalf("archiefstatus after the conversion and a run: %s", st)
	}
	validateArchivedMDTO(t, k, zaak)

	// Once archived, the document no longer changes.
	if r := conversie(rm, goed, daemontest.PDF(zaak+" opnieuw", 3000)); r.Code != http.StatusConflict {
		t.Errorf("a conversion in an archived zaak: %d %s", r.Code, r.Body)
	}
}

// validateArchivedMDTO validates every MDTO file of the sealed package of zaak (the objects
// its manifest names) against the MDTO 1.0.1 schema with xmllint, and checks that the package
// holds the converted document and not the plain text one.
func validateArchivedMDTO(t *testing.T, k *daemontest.Kit, zaak string) {
	t.Helper()
	root := filepath.Join(k.Dir, "archief")
	b, err := os.ReadFile(filepath.Join(root, zaak, archive.ManifestNaam))
	if err != nil {
		t.Fatalf("manifest of %s: %v", zaak, err)
	}
	var m archive.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var xmls []string
	var pdf bool
	for _, o := range m.Objecten {
		p := filepath.Join(root, filepath.FromSlash(o.Pad))
		if _, err := os.Stat(p); err != nil {
			p = filepath.Join(root, zaak, filepath.FromSlash(o.Pad))
		}
		if strings.HasSuffix(o.Pad, ".mdto.xml") {
			xmls = append(xmls, p)
		}
		pdf = pdf || strings.HasSuffix(o.Pad, "/berekening.pdf")
		if strings.Contains(o.Pad, "berekening.txt") {
			t.Errorf("the sealed package names the plain text version: %s", o.Pad)
		}
	}
	if !pdf {
		t.Errorf("the sealed package does not hold the converted berekening.pdf: %+v", m.Objecten)
	}
	if len(xmls) < 2 {
		t.Fatalf("%d MDTO files in the manifest of %s", len(xmls), zaak)
	}
	if err := mdtoValidate(t, xmls); err != nil {
		t.Fatalf("MDTO of the repaired zaak: %v", err)
	}
}

// mdtoValidate validates MDTO files against the schema; without xmllint it skips, except under
// CI=true.
func mdtoValidate(t *testing.T, paths []string) error {
	t.Helper()
	err := mdto.ValidateXSD(t.Context(), paths...)
	if errors.Is(err, mdto.ErrNoXmllint) && os.Getenv("CI") != "true" {
		t.Skip("xmllint is not installed (apt-get install -y libxml2-utils)")
	}
	return err
}
