package export_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/export"
)

// verify runs export.Verify and returns its problems as "file: reason" lines.
func verify(t *testing.T, path string) []string {
	t.Helper()
	r, err := export.Verify(context.Background(), path)
	if err != nil {
		t.Fatalf("verify %s: %v", path, err)
	}
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	return out
}

// wantProblem checks that a problem names file and says what (substring).
func wantProblem(t *testing.T, problems []string, file, what string) {
	t.Helper()
	for _, p := range problems {
		if strings.HasPrefix(p, file+": ") && strings.Contains(p, what) {
			return
		}
	}
	t.Errorf("no problem %q about %s among:\n%s", what, file, strings.Join(problems, "\n"))
}

func TestVerifyAcceptsAFreshExport(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	r, err := export.Verify(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("a fresh export has problems: %v", r.Problems)
	}
	if r.Bag != zaak || r.PayloadFiles < 6 || r.AuditEntries < 10 {
		t.Errorf("report %+v", r)
	}
}

func TestVerifyCatchesAChangedByte(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	doc := "data/documenten/3-Advies_en_ontwerpbesluit/01-Advies_brandveiligheid.pdf"

	t.Run("in place, as a disk error would", func(t *testing.T) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The PDF is stored, so its bytes lie in the ZIP as they are: flip one in the middle.
		i := bytes.Index(raw, []byte("advies advies advies "))
		if i < 0 {
			t.Fatal("stored document content not found in the ZIP")
		}
		raw[i+3] ^= 0x20
		changed := path + ".changed.zip"
		if err := os.WriteFile(changed, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		problems := verify(t, changed)
		wantProblem(t, problems, doc, "the file was changed")
		wantProblem(t, problems, doc, "CRC-32")
	})
	t.Run("repacked with a valid ZIP checksum", func(t *testing.T) {
		changed := rewriteZip(t, path, func(name string, c []byte) []byte {
			if name == doc {
				c = append([]byte(nil), c...)
				c[len(c)/2] ^= 0x01
			}
			return c
		})
		problems := verify(t, changed)
		wantProblem(t, problems, doc, "has SHA-256")
		if len(problems) != 1 {
			t.Errorf("one changed byte gave %d problems: %v", len(problems), problems)
		}
	})
	t.Run("in a tag file", func(t *testing.T) {
		changed := rewriteZip(t, path, func(name string, c []byte) []byte {
			if name == "index.html" {
				return bytes.Replace(c, []byte("Fasen"), []byte("Fases"), 1)
			}
			return c
		})
		wantProblem(t, verify(t, changed), "index.html", "tagmanifest-sha256.txt says")
	})
}

func TestVerifyCatchesAMissingAndAnUnlistedFile(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	doc := "data/documenten/1-Ontvangen/01-Aanvraag_omgevingsvergunning.pdf"
	missing := rewriteZip(t, path, func(name string, c []byte) []byte {
		if name == doc {
			return nil
		}
		return c
	})
	problems := verify(t, missing)
	wantProblem(t, problems, doc, "missing from the ZIP")
	wantProblem(t, problems, "bag-info.txt", "Payload-Oxum")

	// A file that no manifest lists.
	b := readBag(t, path)
	b.files["data/documenten/1-Ontvangen/99-smuggled.pdf"] = []byte("%PDF-1.7 smuggled")
	extra := writeBag(t, "extra.zip", b.root, b.files)
	wantProblem(t, verify(t, extra), "data/documenten/1-Ontvangen/99-smuggled.pdf", "not in manifest-sha256.txt")

	noManifest := rewriteZip(t, path, func(name string, c []byte) []byte {
		if name == "manifest-sha256.txt" {
			return nil
		}
		return c
	})
	wantProblem(t, verify(t, noManifest), "manifest-sha256.txt", "is missing")
}

func TestVerifyCatchesABrokenAuditChainEvenWithFixedManifests(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)
	const jsonl = "data/audit/audittrail.jsonl"
	lines := strings.SplitAfter(string(b.files[jsonl]), "\n")

	t.Run("an entry changed", func(t *testing.T) {
		var changed []string
		done := false
		for _, l := range lines {
			if !done && strings.Contains(l, `"besluittype":"omgevingsvergunning"`) {
				l = strings.Replace(l, `"besluittype":"omgevingsvergunning"`, `"besluittype":"omgevingsvergunninG"`, 1)
				done = true
			}
			changed = append(changed, l)
		}
		if !done {
			t.Fatal("no besluit entry in the trail")
		}
		forged := remanifest(t, path, map[string][]byte{jsonl: []byte(strings.Join(changed, ""))})
		problems := verify(t, forged)
		wantProblem(t, problems, jsonl, "the entry was changed")
		wantProblem(t, problems, "data/audit/audittrail.csv", "differs from")
	})
	t.Run("an entry removed", func(t *testing.T) {
		removed := append(append([]string(nil), lines[:3]...), lines[4:]...)
		forged := remanifest(t, path, map[string][]byte{jsonl: []byte(strings.Join(removed, ""))})
		problems := verify(t, forged)
		wantProblem(t, problems, jsonl, "an entry is missing or inserted")
	})
	t.Run("the end cut off", func(t *testing.T) {
		cut := lines[:len(lines)-3]
		forged := remanifest(t, path, map[string][]byte{jsonl: []byte(strings.Join(cut, ""))})
		problems := verify(t, forged)
		wantProblem(t, problems, jsonl, "bag-info.txt says")
	})
}

func TestVerifyNamesAFileThatIsNoZip(t *testing.T) {
	p := t.TempDir() + "/x.zip"
	if err := os.WriteFile(p, []byte("PK not really"), 0o600); err != nil {
		t.Fatal(err)
	}
	problems := verify(t, p)
	wantProblem(t, problems, "x.zip", "not a readable ZIP")
	if _, err := export.Verify(context.Background(), t.TempDir()+"/missing.zip"); err == nil {
		t.Error("verify of a missing file: no error")
	}
}

// mdtoFiles is an MDTOBron that answers with fixed documents, or with an error.
type mdtoFiles struct {
	docs map[string][]byte
	err  error
}

func (m mdtoFiles) MDTO(ctx context.Context, d *dossier.Dossier) (map[string][]byte, error) {
	return m.docs, m.err
}

func TestVerifyValidatesTheMDTOInsideAgainstTheSchema(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		ciOrSkip(t, "xmllint is not installed (apt-get install -y libxml2-utils)")
	}
	// The Nationaal Archief's own examples, and one made invalid.
	good, err := os.ReadFile("../archive/mdto/testdata/na-voorbeelden/bestand.xml")
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(good, []byte("<naam>"), []byte("<naamloos>"), 1)
	bad = bytes.Replace(bad, []byte("</naam>"), []byte("</naamloos>"), 1)
	src := mdtoFiles{docs: map[string][]byte{"goed/goed.pdf.bestand.mdto.xml": good, "kapot/kapot.pdf.bestand.mdto.xml": bad}}
	s := newStack(t, nil, func(o *export.Options) { o.MDTO = src })
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)
	if string(b.files["data/mdto/goed/goed.pdf.bestand.mdto.xml"]) != string(good) {
		t.Error("the export does not hold the archive's MDTO under data/mdto/ as it was given")
	}
	if b.fields("bag-info.txt")["MDTO-Documenten"] != "2" {
		t.Errorf("bag-info MDTO-Documenten %q", b.fields("bag-info.txt")["MDTO-Documenten"])
	}
	problems := verify(t, path)
	wantProblem(t, problems, "data/mdto/kapot/kapot.pdf.bestand.mdto.xml", "does not validate against MDTO 1.0.1")
	// The examples represent none of the dossier's documents, which the cross-check of the
	// documents reports; of the schema, only the invalid file is wrong.
	var schema []string
	for _, p := range problems {
		if strings.Contains(p, "does not validate") {
			schema = append(schema, p)
		}
	}
	if len(schema) != 1 {
		t.Errorf("schema problems %v, want only the invalid MDTO file", schema)
	}
	missing := rewriteZip(t, path, func(name string, c []byte) []byte {
		if name == "data/mdto/goed/goed.pdf.bestand.mdto.xml" {
			return nil
		}
		return c
	})
	wantProblem(t, verify(t, missing), "bag-info.txt", "MDTO-Documenten 2, the bag holds 1")
}

func TestAnExportTheArchiveCannotMapSaysWhyItHoldsNoMDTO(t *testing.T) {
	src := mdtoFiles{err: errors.New("the zaak has no resultaat")}
	s := newStack(t, nil, func(o *export.Options) { o.MDTO = src })
	zaak := s.scenario(zaakOpts{open: true})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)
	if info := b.fields("bag-info.txt"); info["MDTO-Documenten"] != "0" || info["MDTO-Ontbreekt"] != "the zaak has no resultaat" {
		t.Errorf("bag-info %v", info)
	}
	if !strings.Contains(string(b.files["index.html"]), "MDTO-metagegevens zijn niet opgenomen: the zaak has no resultaat") {
		t.Error("index.html does not say why MDTO is missing")
	}
	if problems := verify(t, path); len(problems) != 0 {
		t.Errorf("verify: %v", problems)
	}
}
