package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// A blijvend_bewaren zaak archived today is transferred to the e-Depot once its transfer date
// (twenty years on) has passed; `archive verklaring RUN` then writes the kept verklaring van
// overbrenging as JSON and HTML, and the overdrachtslijst as CSV, each naming the zaak.
func TestArchiveVerklaringWritesTheKeptVerklaringVanOverbrenging(t *testing.T) {
	edepot := t.TempDir()
	k := daemontest.New(t, daemontest.WithConfig(func(c *config.Config) { c.Archive.EDepot = "file://" + edepot }))
	ctx := context.Background()
	zaak := k.ClosedZaak(daemontest.Verleend)
	if rep, err := k.Archiver.Run(ctx, nil); err != nil || rep.Pakketten != 1 || rep.Overgedragen != 0 {
		t.Fatalf("first run: %v %+v", err, rep)
	}
	k.Clock.AddDate(21, 0, 0)
	rep, err := k.Archiver.Run(ctx, nil)
	if err != nil || rep.Overgedragen != 1 {
		t.Fatalf("run after the transfer date: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	if err := k.Daemon.Close(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{"verklaring.json", `"titel": "Verklaring van overbrenging"`},
		{"verklaring.html", "<html"},
		{"overdrachtslijst.csv", "zaak;pad;soort;grootte;sha256"},
	} {
		out := filepath.Join(dir, tc.file)
		r := cli(t, "archive", "verklaring", rep.ID, "--data", k.Dir, "--out", out)
		if r.code != 0 {
			t.Fatalf("archive verklaring --out %s: exit %d: %s", tc.file, r.code, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tc.want) || !strings.Contains(string(b), zaak) {
			t.Errorf("%s does not hold %q and zaak %s:\n%.400s", tc.file, tc.want, zaak, b)
		}
		if tc.file == "verklaring.json" {
			var v struct {
				Zaken []struct{ Identificatie string } `json:"zaken"`
			}
			if err := json.Unmarshal(b, &v); err != nil || len(v.Zaken) != 1 || v.Zaken[0].Identificatie != zaak {
				t.Errorf("verklaring.json: %v %+v", err, v)
			}
		}
	}
	if r := cli(t, "archive", "verklaring", "geen-run", "--data", k.Dir, "--out", "-"); r.code != 1 || !strings.Contains(r.stderr, "no verklaring") {
		t.Errorf("a run without a verklaring: exit %d, stderr %q", r.code, r.stderr)
	}
}
