package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/export"
)

func TestExportManyWritesOneZipPerZaakAndAnOverallIndex(t *testing.T) {
	s := newStack(t, nil)
	a := s.scenario(zaakOpts{omschrijving: "Eerste"})
	b := s.scenario(zaakOpts{omschrijving: "Tweede", open: true})
	geheim := s.scenario(zaakOpts{omschrijving: "Geheim", open: true, extra: []doc{
		{iot: "adviesrapport", titel: "Geheim advies", naam: "g.pdf", vertrouwelijk: "geheim", content: daemontest.PDF("geheim", 37)}}})
	dir := filepath.Join(t.TempDir(), "out")
	var log bytes.Buffer
	r, err := s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Zaaktype: daemontest.Zaaktype}, dir, export.NewProgress(&log, false))
	if err != nil {
		t.Fatal(err)
	}
	if r.Geexporteerd != 2 || r.Geweigerd != 1 || r.Mislukt != 0 || len(r.Items) != 3 {
		t.Fatalf("result %+v", r)
	}
	for _, z := range []string{a, b} {
		p := filepath.Join(dir, z+".zip")
		if problems := verify(t, p); len(problems) != 0 {
			t.Errorf("%s: %v", p, problems)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, geheim+".zip")); !os.IsNotExist(err) {
		t.Errorf("the refused zaak has a ZIP: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(mustRead(t, filepath.Join(dir, "index.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "zaak" {
		t.Fatalf("index.csv: %v", rows)
	}
	status := map[string][]string{}
	for _, row := range rows[1:] {
		status[row[0]] = row
	}
	if status[a][5] != "geexporteerd" || status[a][6] != a+".zip" || len(status[a][8]) != 64 {
		t.Errorf("index.csv row of %s: %v", a, status[a])
	}
	raw := mustRead(t, filepath.Join(dir, a+".zip"))
	if status[a][8] != sha(raw) {
		t.Errorf("index.csv sha256 of %s: %s, the file has %s", a, status[a][8], sha(raw))
	}
	if status[geheim][5] != "geweigerd" || !strings.Contains(status[geheim][12], "geheim") {
		t.Errorf("index.csv row of %s: %v", geheim, status[geheim])
	}
	html := string(mustRead(t, filepath.Join(dir, "index.html")))
	for _, z := range []string{a, b} {
		if !strings.Contains(html, `<a href="`+z+`.zip">`) {
			t.Errorf("index.html does not link %s.zip", z)
		}
	}
	if !strings.Contains(html, "geweigerd") {
		t.Error("index.html does not show the refusal")
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "export: 3 zaken") || !regexp.MustCompile(`^export: 3/3 `).MatchString(lines[3]) {
		t.Errorf("progress log:\n%s", log.String())
	}
	if strings.Contains(log.String(), "\r") || strings.Contains(log.String(), "\x1b[") {
		t.Error("progress for a log holds terminal control characters")
	}
}

func TestExportManySelectsZakenByStartdatum(t *testing.T) {
	s := newStack(t, nil)
	z := s.scenario(zaakOpts{open: true}) // startdatum 2026-01-05
	van, tot := dossier.DatumVan(2026, 1, 6), dossier.DatumVan(2026, 12, 31)
	r, err := s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Zaaktype: daemontest.Zaaktype, Van: &van, Tot: &tot}, t.TempDir(), nil)
	if err != nil || len(r.Items) != 0 {
		t.Fatalf("zaak started before from: %+v %v", r, err)
	}
	van = dossier.DatumVan(2026, 1, 5)
	r, err = s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Zaaktype: daemontest.Zaaktype, Van: &van, Tot: &van}, t.TempDir(), nil)
	if err != nil || len(r.Items) != 1 || r.Items[0].Zaak != z {
		t.Fatalf("zaak started on from = to: %+v %v", r, err)
	}
	_, err = s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Zaaktype: "kapvergunning"}, t.TempDir(), nil)
	if !errors.Is(err, dossier.ErrInvalid) {
		t.Errorf("unknown zaaktype: %v", err)
	}
	_, err = s.exp.ExportMany(context.Background(), daemontest.AuditorActor, export.Selectie{Vernietigingslijst: "VL-bestaat-niet"}, t.TempDir(), nil)
	if !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("unknown list: %v", err)
	}
}

func TestProgressBarRedrawsInPlaceOnATerminal(t *testing.T) {
	var out bytes.Buffer
	p := export.NewProgress(&out, true)
	p.Start(2)
	p.Done(export.BatchItem{Zaak: "ZAAK-1", Status: export.StatusGeexporteerd})
	p.Done(export.BatchItem{Zaak: "ZAAK-2", Status: export.StatusGeweigerd, Reden: "te geheim"})
	p.Finish(&export.BatchResult{Geexporteerd: 1, Geweigerd: 1})
	s := out.String()
	if !strings.Contains(s, "\r\x1b[K[") || !strings.Contains(s, "2/2") || !strings.Contains(s, "ZAAK-2 geweigerd: te geheim\n") {
		t.Errorf("bar output %q", s)
	}
	if !strings.HasSuffix(s, "1 exported, 1 refused, 0 failed in 0s\n") {
		t.Errorf("bar does not end with a summary line: %q", s)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
