package main

import (
	"fmt"
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
		{"valid", string(good), 0, []string{"in orde (1 zaaktype, 2 organisaties)"}, ""},
		{"two errors", bad, 1, []string{
			`doorlooptijd: duur "8 weken": begint niet met P`,
			`zaaktypen[0].statustypen[1].verantwoordelijke: onbekende organisatie "odx"`,
		}, "2 fouten in "},
		{"unknown key", strings.Replace(string(good), "bronorganisatie:", "bron_organisatie:", 1), 1, []string{
			`zaaktypen[0].bron_organisatie: onbekende sleutel "bron_organisatie"`,
		}, "1 fout in "},
		{"a zaaktype that can never close", strings.Replace(string(good), "            resultaattypen: [Verleend, Geweigerd, Buiten behandeling gesteld, Ingetrokken]\n", "", 1), 1, []string{
			`zaaktypen[0].resultaattypen: geen organisatie mag in een fase vóór de eindstatus een resultaattype vastleggen`,
		}, "1 fout in "},
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

// TestAgreementCheckReportsEachProblemOnceInLineOrder breaks the shipped agreement in places that
// the structure pass (afspraak.Validate) and the retention pass (retention.CheckAfspraak) see:
// some only one of them, some both (each used to be printed twice, once per pass, and the
// retention pass's after all of the structure pass's).
func TestAgreementCheckReportsEachProblemOnceInLineOrder(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "configs", "omgevingsvergunning.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(good)
	for _, e := range []struct{ old, new string }{
		// Only the structure pass: a doorlooptijd and a verantwoordelijke.
		{"doorlooptijd: P8W", "doorlooptijd: 8 weken"},
		{"verantwoordelijke: omgevingsdienst", "verantwoordelijke: odx"},
		// Only the retention pass, on a line between those two: a selectielijst that does not exist.
		{"lijst: selectielijst-2020", "lijst: selectielijst-1999"},
		// Both passes, with the same message: a malformed archiefactietermijn.
		{"archiefactietermijn: P5Y", "archiefactietermijn: 5 jaar"},
		// Both passes, each with its own message: an afwijking without reden.
		{"        selectielijstklasse: \"11.4\"\n", "        selectielijstklasse: \"11.4\"\n        afwijking: {reden: \"\"}\n"},
	} {
		if !strings.Contains(text, e.old) {
			t.Fatalf("the shipped agreement has no %q", e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	// Ingetrokken loses its brondatum_archiefprocedure (both passes require it).
	const brondatum = "        brondatum_archiefprocedure:\n          afleidingswijze: afgehandeld\n"
	i := strings.LastIndex(text, brondatum)
	text = text[:i] + text[i+len(brondatum):]
	lineOf := func(marker string) int {
		j := strings.Index(text, marker)
		if j < 0 {
			t.Fatalf("no %q in the broken agreement", marker)
		}
		return strings.Count(text[:j], "\n") + 1
	}
	want := []struct {
		line      int
		path, msg string
	}{
		{lineOf("doorlooptijd: 8 weken"), "zaaktypen[0].doorlooptijd", `duur "8 weken": begint niet met P`},
		{lineOf("lijst: selectielijst-1999"), "zaaktypen[0].selectielijst.lijst", `selectielijst "selectielijst-1999" bestaat niet`},
		{lineOf("verantwoordelijke: odx"), "zaaktypen[0].statustypen[1].verantwoordelijke", `onbekende organisatie "odx"`},
		{lineOf("archiefactietermijn: 5 jaar"), "zaaktypen[0].resultaattypen[1].archiefactietermijn", `termijn "5 jaar": begint niet met P`},
		{lineOf("afwijking: {reden"), "zaaktypen[0].resultaattypen[2].afwijking.reden", "is verplicht: waarom dit resultaattype afwijkt van de selectielijst"},
		{lineOf("- omschrijving: Ingetrokken"), "zaaktypen[0].resultaattypen[3].brondatum_archiefprocedure", "is verplicht, behalve bij archiefnominatie blijvend_bewaren"},
	}
	p := filepath.Join(t.TempDir(), "kapot.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "agreement", "check", p)
	if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("%d fouten in %s", len(want), p)) {
		t.Fatalf("exit %d, stderr %q; want 1 with %d fouten\n%s", r.code, r.stderr, len(want), r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("stdout has %d lines, want %d:\n%s", len(lines), len(want), r.stdout)
	}
	for i, w := range want {
		prefix := fmt.Sprintf("%s:%d: %s: ", p, w.line, w.path)
		if !strings.HasPrefix(lines[i], prefix) || !strings.Contains(lines[i], w.msg) {
			t.Errorf("line %d: %q\nwant %s...%s", i+1, lines[i], prefix, w.msg)
		}
	}
}
