package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/export"
)

func TestExportHoldsEveryDocumentUnderReadableNamesInABagItBag(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	d := s.ReadDossier(zaak)
	path, res := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)

	if b.root != zaak {
		t.Errorf("bag directory %q, want the zaak %s", b.root, zaak)
	}
	want := map[string]string{ // path -> document titel
		"data/documenten/1-Ontvangen/01-Aanvraag_omgevingsvergunning.pdf":          "Aanvraag omgevingsvergunning",
		"data/documenten/3-Advies_en_ontwerpbesluit/01-Advies_brandveiligheid.pdf": "Advies brandveiligheid",
		"data/documenten/3-Advies_en_ontwerpbesluit/02-Ontwerpbesluit.txt":         "Ontwerpbesluit",
	}
	docs := b.names("data/documenten/")
	if len(docs) != len(d.Documenten) || len(docs) != len(want) {
		t.Fatalf("document files %v, want %d", docs, len(want))
	}
	for _, doc := range d.Documenten {
		found := false
		for p, titel := range want {
			if titel == doc.Titel {
				found = true
				if got := sha(b.files[p]); got != doc.SHA256 {
					t.Errorf("%s: sha256 %s, the dossier has %s", p, got, doc.SHA256)
				}
			}
		}
		if !found {
			t.Errorf("document %q has no file", doc.Titel)
		}
	}
	if res.Documenten != 3 || res.ExportID == "" || res.Bytes == 0 || len(res.SHA256) != 64 {
		t.Errorf("result %+v", res)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sha(raw) != res.SHA256 || int64(len(raw)) != res.Bytes {
		t.Errorf("result says %d bytes sha256 %s; the file has %d bytes sha256 %s", res.Bytes, res.SHA256, len(raw), sha(raw))
	}

	// BagIt: bagit.txt, bag-info.txt, manifests over payload and tag files.
	if got := string(b.files["bagit.txt"]); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt %q", got)
	}
	info := b.fields("bag-info.txt")
	for label, want := range map[string]string{
		"Source-Organization": "Gemeente Voorbeeldstad", "External-Identifier": zaak, "Zaak-Identificatie": zaak,
		"Export-Rol": "auditor", "Export-Token": daemontest.AuditorActor.TokenID, "Export-Organisatie": "Gemeente Voorbeeldstad (gemeente)",
		"Export-Id": res.ExportID,
	} {
		if info[label] != want {
			t.Errorf("bag-info %s = %q, want %q", label, info[label], want)
		}
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(info["Bagging-Date"]) {
		t.Errorf("Bagging-Date %q", info["Bagging-Date"])
	}
	manifest := b.manifest(t, "manifest-sha256.txt")
	payload := b.names("data/")
	var octets int
	for _, p := range payload {
		octets += len(b.files[p])
		if manifest[p] != sha(b.files[p]) {
			t.Errorf("manifest: %s has %q, want %s", p, manifest[p], sha(b.files[p]))
		}
	}
	if len(manifest) != len(payload) {
		t.Errorf("manifest lists %d files, the payload has %d", len(manifest), len(payload))
	}
	if want := strconv.Itoa(octets) + "." + strconv.Itoa(len(payload)); info["Payload-Oxum"] != want {
		t.Errorf("Payload-Oxum %q, want %s", info["Payload-Oxum"], want)
	}
	tags := b.manifest(t, "tagmanifest-sha256.txt")
	for _, n := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "index.html"} {
		if tags[n] != sha(b.files[n]) {
			t.Errorf("tagmanifest: %s has %q, want %s", n, tags[n], sha(b.files[n]))
		}
	}
	for _, n := range []string{"data/audit/audittrail.jsonl", "data/audit/audittrail.csv", "data/dossier.json", "index.html"} {
		if len(b.files[n]) == 0 {
			t.Errorf("%s is missing or empty", n)
		}
	}
	var view struct {
		Zaak  dossier.Zaak `json:"zaak"`
		Fasen []struct {
			Omschrijving      string `json:"omschrijving"`
			Verantwoordelijke string `json:"verantwoordelijke"`
		} `json:"fasen"`
	}
	if err := json.Unmarshal(b.files["data/dossier.json"], &view); err != nil || view.Zaak.Identificatie != zaak || len(view.Fasen) != 5 {
		t.Errorf("dossier.json: %v %+v", err, view)
	}
}

func TestExportStoresCompressedFormatsAndDeflatesText(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{open: true})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)
	for name, f := range b.zipFiles {
		wantStore := strings.HasSuffix(name, ".pdf")
		if (f.Method == 0) != wantStore {
			t.Errorf("%s: method %d, want stored=%v", name, f.Method, wantStore)
		}
	}
}

func TestExportNamesDocumentsWithTheSameTitleApart(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{open: true, extra: []doc{
		{iot: "adviesrapport", titel: "Advies brandveiligheid", naam: "advies.pdf", content: daemontest.PDF("tweede advies", 156)},
		{iot: "adviesrapport", titel: "advies BRANDVEILIGHEID", naam: "x.PDF", content: daemontest.PDF("derde advies", 146)},
		{iot: "zienswijze", titel: "Zienswijze / buren: \"bezwaar\"", naam: "zienswijze", formaat: "text/plain", content: []byte("bezwaar")},
		{iot: "zienswijze", titel: "Één zienswijze, ß-straße " + strings.Repeat("lang ", 30), naam: "lang.txt", formaat: "text/plain", content: []byte("lang")},
	}})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)
	got := b.names("data/documenten/3-Advies_en_ontwerpbesluit/")
	want := []string{
		"data/documenten/3-Advies_en_ontwerpbesluit/01-Advies_brandveiligheid.pdf",
		"data/documenten/3-Advies_en_ontwerpbesluit/02-Ontwerpbesluit.txt",
		"data/documenten/3-Advies_en_ontwerpbesluit/03-Advies_brandveiligheid.pdf",
		"data/documenten/3-Advies_en_ontwerpbesluit/04-advies_BRANDVEILIGHEID.pdf",
		"data/documenten/3-Advies_en_ontwerpbesluit/05-Zienswijze_buren_bezwaar.txt",
		"data/documenten/3-Advies_en_ontwerpbesluit/06-Een_zienswijze_ss-strasse" + strings.Repeat("_lang", 30) + ".txt",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("names\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	seen := map[string]bool{}
	for _, n := range b.names("data/") {
		if seen[strings.ToLower(n)] {
			t.Errorf("%s collides with another name ignoring case", n)
		}
		seen[strings.ToLower(n)] = true
		if strings.ContainsAny(n, " :\"\\") {
			t.Errorf("%s holds a character some file systems refuse", n)
		}
	}
}

func TestExportCarriesTheAuditTrailWithItsChainAndItsOwnEntry(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, res := s.exportFile(daemontest.AuditorActor, zaak)
	b := readBag(t, path)

	var trail []dossier.AuditEntry
	for i, line := range strings.Split(strings.TrimSpace(string(b.files["data/audit/audittrail.jsonl"])), "\n") {
		var e dossier.AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		trail = append(trail, e)
	}
	var v dossier.ChainVerifier
	for _, e := range trail {
		v.Next(e)
	}
	if len(v.Breaks) != 0 {
		t.Errorf("chain in the export does not verify: %v", v.Breaks)
	}
	stored := s.AuditTrail(zaak)
	if len(trail) != len(stored) {
		t.Fatalf("export holds %d entries, the store %d", len(trail), len(stored))
	}
	last := trail[len(trail)-1]
	if last.Actie != export.ActieGeexporteerd || last.ID != res.ExportID || last.Rol != "auditor" || last.Organisatie != daemontest.Gemeente || last.Token != daemontest.AuditorActor.TokenID {
		t.Errorf("last entry %+v, want the export's own record by the auditor", last)
	}
	if info := b.fields("bag-info.txt"); info["Audit-Laatste-Hash"] != last.Hash || info["Audit-Entries"] != strconv.Itoa(len(trail)) {
		t.Errorf("bag-info says %s entries ending %s; the trail has %d ending %s", info["Audit-Entries"], info["Audit-Laatste-Hash"], len(trail), last.Hash)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.files["data/audit/audittrail.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(trail)+1 || rows[0][0] != "volgnummer" {
		t.Fatalf("CSV has %d rows, want a header and %d entries", len(rows), len(trail))
	}
	for i, e := range trail {
		r := rows[i+1]
		if r[1] != e.ID || r[8] != e.Actie || r[9] != string(e.Details) || r[10] != e.VorigeHash || r[11] != e.Hash {
			t.Errorf("CSV row %d %v does not match entry %+v", i+1, r, e)
		}
	}
}

func TestEveryExportIsRecordedInTheZaaksAuditTrail(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	before := len(s.AuditTrail(zaak))
	_, r1 := s.exportFile(daemontest.AuditorActor, zaak)
	_, r2 := s.exportFile(daemontest.RecordmanagerActor, zaak)
	trail := s.AuditTrail(zaak)
	if len(trail) != before+2 {
		t.Fatalf("trail grew by %d entries, want 2", len(trail)-before)
	}
	for i, want := range []struct {
		id string
		a  dossier.Actor
	}{{r1.ExportID, daemontest.AuditorActor}, {r2.ExportID, daemontest.RecordmanagerActor}} {
		e := trail[before+i]
		if e.ID != want.id || e.Actie != export.ActieGeexporteerd || e.Rol != want.a.Rol || e.Organisatie != want.a.Organisatie || e.Token != want.a.TokenID {
			t.Errorf("entry %d: %+v, want the export by %+v", before+i, e, want.a)
		}
	}
}

func TestExportRefusesWhatIsMoreConfidentialThanTheRoleMayExport(t *testing.T) {
	s := newStack(t, map[string]string{"auditor": "vertrouwelijk", "recordmanager": "geheim"})
	gewoon := s.scenario(zaakOpts{omschrijving: "Gewoon"})
	geheim := s.scenario(zaakOpts{omschrijving: "Met geheim advies", open: true, extra: []doc{
		{iot: "adviesrapport", titel: "Veiligheidsadvies", naam: "v.pdf", vertrouwelijk: "geheim", content: daemontest.PDF("geheim", 51)}}})
	zeerGeheim := s.scenario(zaakOpts{omschrijving: "Met zeer geheim advies", open: true, extra: []doc{
		{iot: "adviesrapport", titel: "Staatsgeheim", naam: "s.pdf", vertrouwelijk: "zeer_geheim", content: daemontest.PDF("zeer geheim", 76)}}})
	archivaris := dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolArchivaris}
	cases := []struct {
		name    string
		actor   dossier.Actor
		zaak    string
		allowed bool
	}{
		{"auditor, zaakvertrouwelijk", daemontest.AuditorActor, gewoon, true},
		{"auditor, geheim document", daemontest.AuditorActor, geheim, false},
		{"recordmanager, geheim document", daemontest.RecordmanagerActor, geheim, true},
		{"recordmanager, zeer geheim document", daemontest.RecordmanagerActor, zeerGeheim, false},
		{"organisatie may not export", daemontest.GemeenteActor, gewoon, false},
		{"archivaris may not export without clearance", archivaris, gewoon, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x.zip")
			before := len(s.AuditTrail(c.zaak))
			_, err := s.exp.ExportFile(context.Background(), c.actor, c.zaak, out)
			if c.allowed {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, dossier.ErrForbidden) {
				t.Fatalf("err %v, want ErrForbidden", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
				t.Errorf("a refused export left %s", out)
			}
			entries, _ := os.ReadDir(filepath.Dir(out))
			if len(entries) != 0 {
				t.Errorf("a refused export left files: %v", entries)
			}
			trail := s.AuditTrail(c.zaak)
			if c.actor.Rol == dossier.RolAuditor || c.actor.Rol == dossier.RolRecordmanager {
				if len(trail) != before+1 || trail[len(trail)-1].Actie != export.ActieGeweigerd {
					t.Errorf("refusal not recorded: trail grew by %d", len(trail)-before)
				}
				if !strings.Contains(err.Error(), "may export up to") {
					t.Errorf("error %q does not say the clearance", err)
				}
			}
		})
	}
}

func TestExportFailsWhenADocumentsContentNoLongerMatchesItsChecksum(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	d := s.ReadDossier(zaak)
	victim := d.Documenten[1]
	corruptBlob(t, s.blobDir, victim.SHA256)
	out := filepath.Join(t.TempDir(), "x.zip")
	_, err := s.exp.ExportFile(context.Background(), daemontest.AuditorActor, zaak, out)
	if !errors.Is(err, export.ErrContentMismatch) || !strings.Contains(err.Error(), victim.ID) {
		t.Fatalf("err %v, want ErrContentMismatch naming document %s", err, victim.ID)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("a failed export left files: %v", entries)
	}
	trail := s.AuditTrail(zaak)
	last := trail[len(trail)-1]
	if last.Actie != export.ActieMislukt || !strings.Contains(string(last.Details), "does not match") {
		t.Errorf("last entry %s %s, want the failure recorded", last.Actie, last.Details)
	}
}

func TestExportExplainsRetentionAndItsSelectielijstBasis(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	html := string(readBag(t, path).files["index.html"])
	for _, want := range []string{"blijvend_bewaren", "11.1.6", "Selectielijst", "afgehandeld", "Verleend"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html does not mention %q", want)
		}
	}
	if d := s.ReadDossier(zaak); d.Zaak.Archief.Archiefactiedatum != nil && !strings.Contains(html, d.Zaak.Archief.Archiefactiedatum.String()) {
		t.Errorf("index.html does not show the archiefactiedatum %s", d.Zaak.Archief.Archiefactiedatum)
	}
}

func TestNewRefusesAClearanceForAnUnknownRoleOrLevel(t *testing.T) {
	s := newStack(t, nil)
	for _, c := range []map[string]string{{"auditer": "intern"}, {"auditor": "topgeheim"}} {
		if _, err := export.New(export.Options{Service: s.svc, Retention: s.ret, Clearance: c}); err == nil {
			t.Errorf("clearance %v accepted", c)
		}
	}
}
