package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchiveRunArchivesTheSeedScenarioAndTheDaemonShowsThePackage runs the seed scenario on the
// daemon, archives with `zaakarchief archive run` next to it (the default target: a directory in
// the data directory), and reads the run and the package back over the daemon's API.
func TestArchiveRunArchivesTheSeedScenarioAndTheDaemonShowsThePackage(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte("archive:\n  schedule: \"off\"\n  verify_schedule: \"off\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gem := createToken(t, data, orgGemeente, "organisatie")
	od := createToken(t, data, orgOmgevingsdienst, "organisatie")
	kcc := createToken(t, data, orgGemeente, "kcc")
	rm := createToken(t, data, orgGemeente, "recordmanager")
	d := startDaemon(t, data, "--config", cfg)
	zaak, docs := seedScenario(t, d, gem, od, kcc)

	r := cli(t, "archive", "run", "--data", data, "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "1 packages archived") || !strings.Contains(r.stdout, "0 failed") {
		t.Fatalf("archive run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "archive zaak") || !strings.Contains(r.stderr, "zaak="+zaak) {
		t.Errorf("not a terminal: want one log line per zaak on stderr:\n%s", r.stderr)
	}
	manifest := filepath.Join(data, "archief", zaak, "manifest.json")
	if _, err := os.Stat(manifest); err != nil {
		t.Fatalf("no manifest in the default target: %v", err)
	}

	var runs struct {
		Results []struct {
			Soort     string `json:"soort"`
			Pakketten int    `json:"pakketten"`
		} `json:"results"`
	}
	if err := json.Unmarshal(d.get(rm, "/api/v1/archief/runs"), &runs); err != nil || len(runs.Results) != 1 || runs.Results[0].Pakketten != 1 {
		t.Errorf("runs: %+v %v", runs, err)
	}
	var p struct {
		Status   string `json:"status"`
		Manifest struct {
			Objecten []struct {
				Pad    string `json:"pad"`
				SHA256 string `json:"sha256"`
			} `json:"objecten"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal(d.get(rm, "/api/v1/zaken/"+zaak+"/pakket"), &p); err != nil || p.Status != "gearchiveerd" {
		t.Fatalf("pakket: %+v %v", p, err)
	}
	found := 0
	for _, o := range p.Manifest.Objecten {
		for _, sha := range docs {
			if o.SHA256 == sha {
				found++
			}
		}
	}
	if found != len(docs) {
		t.Errorf("the manifest names %d of the %d documents by their SHA-256", found, len(docs))
	}
	if r := cli(t, "archive", "verify", "--data", data, "--config", cfg); r.code != 0 || !strings.Contains(r.stdout, "0 mismatches") {
		t.Errorf("archive verify: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "archive", "verify", "--data", data, "--sample", "0"); r.code != 2 {
		t.Errorf("--sample 0: exit %d, want 2", r.code)
	}
	d.stop()
}
