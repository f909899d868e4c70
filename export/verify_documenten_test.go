package export_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/export"
)

// bag is an export read whole, by path inside the bag's base directory, to be forged and
// written again.
type vbag struct {
	root  string
	files map[string][]byte
}

// exportZaak exports zaak as the seed scenario's auditor and reads the export.
func exportZaak(t *testing.T, k *daemontest.Kit, zaak string) (string, *vbag) {
	t.Helper()
	p := filepath.Join(t.TempDir(), zaak+".zip")
	if _, err := k.Exporter.ExportFile(context.Background(), daemontest.AuditorActor, zaak, p); err != nil {
		t.Fatalf("export %s: %v", zaak, err)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	b := &vbag{files: map[string][]byte{}}
	for _, f := range zr.File {
		root, rest, _ := strings.Cut(f.Name, "/")
		b.root = root
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.files[rest] = c
	}
	return p, b
}

func (b *vbag) clone() *vbag {
	c := &vbag{root: b.root, files: map[string][]byte{}}
	for k, v := range b.files {
		c.files[k] = append([]byte(nil), v...)
	}
	return c
}

// name returns the one path matching re, failing the test unless there is exactly one.
func (b *vbag) name(t *testing.T, re string) string {
	t.Helper()
	var out []string
	for n := range b.files {
		if regexp.MustCompile(re).MatchString(n) {
			out = append(out, n)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d files match %s: %v", len(out), re, out)
	}
	return out[0]
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// write recomputes everything a forger without any secret can: manifest-sha256.txt, the
// Payload-Oxum and tagmanifest-sha256.txt, and writes the bag as a new ZIP.
func (b *vbag) write(t *testing.T) string {
	t.Helper()
	var names []string
	var octets int64
	var streams int
	for n, c := range b.files {
		names = append(names, n)
		if strings.HasPrefix(n, "data/") {
			octets += int64(len(c))
			streams++
		}
	}
	sort.Strings(names)
	var m bytes.Buffer
	for _, n := range names {
		if strings.HasPrefix(n, "data/") {
			fmt.Fprintf(&m, "%s  %s\n", sum(b.files[n]), n)
		}
	}
	b.files["manifest-sha256.txt"] = m.Bytes()
	oxum := regexp.MustCompile(`(?m)^Payload-Oxum: .*$`)
	b.files["bag-info.txt"] = oxum.ReplaceAll(b.files["bag-info.txt"], fmt.Appendf(nil, "Payload-Oxum: %d.%d", octets, streams))
	var tm bytes.Buffer
	for _, n := range names {
		if !strings.HasPrefix(n, "data/") && n != "tagmanifest-sha256.txt" {
			fmt.Fprintf(&tm, "%s  %s\n", sum(b.files[n]), n)
		}
	}
	b.files["tagmanifest-sha256.txt"] = tm.Bytes()

	p := filepath.Join(t.TempDir(), "forged.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names = names[:0]
	for n := range b.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(b.root + "/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b.files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// rewriteChain replaces old by new in the details of every audit entry and recomputes every
// hash of the chain from there on, bag-info.txt's last hash and the CSV form: what a forger
// with the export alone can do, and what only the system's copy of the chain exposes.
func (b *vbag) rewriteChain(t *testing.T, old, new string) {
	t.Helper()
	var trail []dossier.AuditEntry
	sc := bufio.NewScanner(bytes.NewReader(b.files["data/audit/audittrail.jsonl"]))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e dossier.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		trail = append(trail, e)
	}
	var jl, cv bytes.Buffer
	cw := csv.NewWriter(&cv)
	cw.Write([]string{"volgnummer", "id", "zaak", "tijd", "organisatie", "rol", "token", "fase", "actie", "details", "vorigeHash", "hash"})
	prev := ""
	for i := range trail {
		e := &trail[i]
		e.Details = json.RawMessage(strings.ReplaceAll(string(e.Details), old, new))
		if i > 0 {
			e.VorigeHash = prev
		}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		jl.Write(append(line, '\n'))
		cw.Write([]string{strconv.FormatInt(e.Volgnummer, 10), e.ID, e.Zaak, e.Tijd.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"),
			e.Organisatie, e.Rol, e.Token, strconv.Itoa(e.Fase), e.Actie, string(e.Details), e.VorigeHash, e.Hash})
	}
	cw.Flush()
	b.files["data/audit/audittrail.jsonl"] = jl.Bytes()
	b.files["data/audit/audittrail.csv"] = cv.Bytes()
	last := regexp.MustCompile(`(?m)^Audit-Laatste-Hash: .*$`)
	b.files["bag-info.txt"] = last.ReplaceAll(b.files["bag-info.txt"], []byte("Audit-Laatste-Hash: "+prev))
}

func verifyReport(t *testing.T, p string) *export.Report {
	t.Helper()
	r, err := export.Verify(context.Background(), p)
	if err != nil {
		t.Fatalf("verify %s: %v", p, err)
	}
	return r
}

func problemLines(r *export.Report) []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	return out
}

// TestVerifyProvesTheDocumentsAgainstDossierMDTOAndTheAuditChain: with every manifest
// recomputed (no secret is needed for that), a flipped document byte, a deleted document, a
// changed dossier.json and a changed MDTO checksum are each found by the cross-check of payload,
// dossier.json, MDTO and the hash-chained audit trail; a forger who rewrites all of them and the
// chain too passes the export itself, but not the comparison of the chain's last hash with the
// system, which verify reports for that comparison.
func TestVerifyProvesTheDocumentsAgainstDossierMDTOAndTheAuditChain(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		ciOrSkip(t, "xmllint is not installed (apt-get install -y libxml2-utils)")
	}
	k := daemontest.New(t)
	zaak := k.ClosedZaak(daemontest.Verleend)
	p, orig := exportZaak(t, k, zaak)
	trail := k.AuditTrail(zaak)
	systemLast := trail[len(trail)-1]

	fresh := verifyReport(t, p)
	if !fresh.OK() {
		t.Fatalf("a fresh export has problems: %v", problemLines(fresh))
	}
	if fresh.Documenten != 3 || fresh.AuditLaatsteHash != systemLast.Hash || fresh.AuditLaatsteVolgnummer != systemLast.Volgnummer || len(fresh.Notes) != 0 {
		t.Errorf("fresh export: %d documents, chain ends at %d with %s, notes %v; want 3, %d with the system's %s, none",
			fresh.Documenten, fresh.AuditLaatsteVolgnummer, fresh.AuditLaatsteHash, fresh.Notes, systemLast.Volgnummer, systemLast.Hash)
	}
	if again := verifyReport(t, orig.clone().write(t)); !again.OK() {
		t.Fatalf("the export written again by the test's forger, unchanged, has problems: %v", problemLines(again))
	}

	docRE := `^data/documenten/3-[^/]+/01-Advies[^/]*\.pdf$`
	mdtoRE := `^data/mdto/.*/advies\.pdf\.bestand\.mdto\.xml$`
	advies := orig.files[orig.name(t, docRE)]
	flipped := append([]byte(nil), advies...)
	flipped[len(flipped)/2] ^= 0x01
	oldSum, newSum := sum(advies), sum(flipped)

	tests := []struct {
		name  string
		forge func(t *testing.T, b *vbag)
		// want are problems as file (regexp) and what they say (substring).
		want [][2]string
	}{
		{"flipped document byte, manifests recomputed", func(t *testing.T, b *vbag) {
			b.files[b.name(t, docRE)] = flipped
		}, [][2]string{
			{`^data/documenten/3-.*Advies.*\.pdf$`, "is the content of no document"},
			{`^data/documenten$`, "holds no file with the content of document"},
		}},
		{"deleted document, manifests recomputed", func(t *testing.T, b *vbag) {
			delete(b.files, b.name(t, docRE))
		}, [][2]string{
			{`^data/documenten$`, "holds no file with the content of document"},
		}},
		{"deleted document and its entries in dossier.json and MDTO", func(t *testing.T, b *vbag) {
			delete(b.files, b.name(t, docRE))
			delete(b.files, b.name(t, mdtoRE))
			var d map[string]any
			if err := json.Unmarshal(b.files["data/dossier.json"], &d); err != nil {
				t.Fatal(err)
			}
			var keep []any
			for _, x := range d["documenten"].([]any) {
				if x.(map[string]any)["sha256"] != oldSum {
					keep = append(keep, x)
				}
			}
			d["documenten"] = keep
			b.files["data/dossier.json"], _ = json.MarshalIndent(d, "", "  ")
		}, [][2]string{
			{`^data/dossier\.json$`, "does not list document"},
			{`^data/dossier\.json$`, "lists 2 documents, the audit trail's zaak.geexporteerd entry says the export holds 3"},
		}},
		{"changed dossier.json", func(t *testing.T, b *vbag) {
			b.files["data/dossier.json"] = bytes.ReplaceAll(b.files["data/dossier.json"], []byte(oldSum), []byte(newSum))
		}, [][2]string{
			{`^data/dossier\.json$`, "the audit trail (volgnummer"},
		}},
		{"changed MDTO checksum", func(t *testing.T, b *vbag) {
			n := b.name(t, mdtoRE)
			b.files[n] = bytes.ReplaceAll(b.files[n], []byte(oldSum), []byte(newSum))
		}, [][2]string{
			{`^data/mdto/.*advies\.pdf\.bestand\.mdto\.xml$`, "has checksumWaarde"},
		}},
		{"document, dossier.json and MDTO changed together", func(t *testing.T, b *vbag) {
			b.files[b.name(t, docRE)] = flipped
			b.files["data/dossier.json"] = bytes.ReplaceAll(b.files["data/dossier.json"], []byte(oldSum), []byte(newSum))
			n := b.name(t, mdtoRE)
			b.files[n] = bytes.ReplaceAll(b.files[n], []byte(oldSum), []byte(newSum))
		}, [][2]string{
			{`^data/dossier\.json$`, "the audit trail (volgnummer"},
		}},
		{"changed audit entry of the document, chain not rewritten", func(t *testing.T, b *vbag) {
			b.files["data/audit/audittrail.jsonl"] = bytes.ReplaceAll(b.files["data/audit/audittrail.jsonl"], []byte(oldSum), []byte(newSum))
		}, [][2]string{
			{`^data/audit/audittrail\.jsonl$`, "audit chain broken"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := orig.clone()
			tc.forge(t, b)
			r := verifyReport(t, b.write(t))
			lines := problemLines(r)
			if r.OK() {
				t.Fatal("the forged export verifies as ok")
			}
			for _, w := range tc.want {
				found := false
				for _, p := range r.Problems {
					if regexp.MustCompile(w[0]).MatchString(p.File) && strings.Contains(p.Reden, w[1]) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem %q about %s among:\n%s", w[1], w[0], strings.Join(lines, "\n"))
				}
			}
		})
	}

	t.Run("everything rewritten, the chain too: only the system's last hash tells", func(t *testing.T) {
		b := orig.clone()
		b.files[b.name(t, docRE)] = flipped
		b.files["data/dossier.json"] = bytes.ReplaceAll(b.files["data/dossier.json"], []byte(oldSum), []byte(newSum))
		n := b.name(t, mdtoRE)
		b.files[n] = bytes.ReplaceAll(b.files[n], []byte(oldSum), []byte(newSum))
		b.rewriteChain(t, oldSum, newSum)
		r := verifyReport(t, b.write(t))
		if !r.OK() {
			t.Fatalf("a complete forgery has problems (the test's forger is wrong): %v", problemLines(r))
		}
		if r.AuditLaatsteHash == systemLast.Hash || r.AuditLaatsteVolgnummer != systemLast.Volgnummer {
			t.Errorf("the forged chain ends at %d with %s, the system's at %d with %s: the hash should differ",
				r.AuditLaatsteVolgnummer, r.AuditLaatsteHash, systemLast.Volgnummer, systemLast.Hash)
		}
	})
}

// TestVerifySaysAnOpenZaaksExportHasNoMDTOYet: the export of an open zaak verifies, its
// documents are cross-checked with dossier.json and the chain, and the report says plainly that
// it holds no MDTO yet.
func TestVerifySaysAnOpenZaaksExportHasNoMDTOYet(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.OpenZaak("Dakkapel Dorpsstraat")
	k.AddDocument(daemontest.GemeenteActor, zaak, daemontest.Document{Informatieobjecttype: "aanvraagformulier",
		Titel: "Aanvraag", Bestandsnaam: "aanvraag.pdf", Content: daemontest.PDF("aanvraag", 2000)})
	p, orig := exportZaak(t, k, zaak)
	r := verifyReport(t, p)
	if !r.OK() || r.MDTOFiles != 0 || r.Documenten != 1 {
		t.Fatalf("open zaak's export: ok %v, %d MDTO files, %d documents, problems %v", r.OK(), r.MDTOFiles, r.Documenten, problemLines(r))
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "still open") || !strings.Contains(r.Notes[0], "no MDTO yet") {
		t.Errorf("notes %q, want one saying the open zaak has no MDTO yet", r.Notes)
	}
	// Without MDTO the documents are still proved against dossier.json and the chain.
	b := orig.clone()
	b.files[b.name(t, `^data/documenten/.*\.pdf$`)] = []byte("%PDF-1.7\nforged\n%%EOF\n")
	if f := verifyReport(t, b.write(t)); f.OK() {
		t.Error("a replaced document in an open zaak's export verifies as ok")
	}
}
