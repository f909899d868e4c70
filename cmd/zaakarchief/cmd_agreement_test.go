package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAgreementCheckPrintsEveryProblemWithItsLineAndExitsOne(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "configs", "omgevingsvergunning.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "verantwoordelijke: omgevingsdienst", "verantwoordelijke: odx", 1)
	bad = strings.Replace(bad, "doorlooptijd: P8W", "doorlooptijd: 8 weken", 1)
	dir := t.TempDir()
	cases := []struct {
		name, text string
		code       int
		stdout     []string
		stderr     string
	}{
		{"valid", string(good), 0, []string{"ok (1 zaaktypen, 2 organisaties)"}, ""},
		{"two errors", bad, 1, []string{
			`doorlooptijd: duur "8 weken": begint niet met P`,
			`zaaktypen[0].statustypen[1].verantwoordelijke: unknown organisatie "odx"`,
		}, "2 errors in "},
		{"unknown key", strings.Replace(string(good), "bronorganisatie:", "bron_organisatie:", 1), 1, []string{
			`zaaktypen[0].bron_organisatie: unknown key "bron_organisatie"`,
		}, "1 error in "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			r := cli(t, "agreement", "check", p)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d with %q\n%s", r.code, r.stderr, tc.code, tc.stderr, r.stdout)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) != len(tc.stdout) {
				t.Fatalf("stdout has %d lines, want %d:\n%s", len(lines), len(tc.stdout), r.stdout)
			}
			for i, want := range tc.stdout {
				if !strings.HasPrefix(lines[i], p+":") || !strings.Contains(lines[i], want) {
					t.Errorf("line %d: %q, want %s:LINE: ...%s", i, lines[i], p, want)
				}
			}
		})
	}
}

func TestAgreementShowPrintsTheTables(t *testing.T) {
	r := cli(t, "agreement", "show")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Fasen: wie is verantwoordelijk", "Vastleggen: wie legt in welke fase wat vast",
		"Archivering: wie archiveert welk document", "Resultaattypen: hoe lang wordt het dossier bewaard"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("agreement show lacks %q", want)
		}
	}
	if r := cli(t, "agreement", "show", "a.yaml", "b.yaml"); r.code != 2 {
		t.Errorf("two files: exit %d, want 2", r.code)
	}
}
