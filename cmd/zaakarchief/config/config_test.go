package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValidAndComplete(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
	if c.Archive.Schedule == "" || c.Archive.VerifySchedule == "" || c.Archive.VerifySample != 10 ||
		c.Retention.ProposeSchedule == "" || c.ZGW.Schedule == "" || c.ZGW.Timeout != 30*time.Second {
		t.Errorf("a default is missing: %+v", c)
	}
	db, _ := c.SQLitePath()
	blobs, _ := c.BlobDir()
	if db != filepath.Join(c.Data, "zaakarchief.db") || blobs != filepath.Join(c.Data, "blobs") {
		t.Errorf("database %q and blobs %q do not follow the data directory %q", db, blobs, c.Data)
	}
	c.Data = "/srv/za"
	if db, _ := c.SQLitePath(); db != "/srv/za/zaakarchief.db" {
		t.Errorf("after --data the database is %q", db)
	}
}

func TestAnEmptyFileKeepsTheDefaults(t *testing.T) {
	c, err := Load(write(t, "# niets\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Archive.Workers != 4 || c.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults lost: %+v", c)
	}
}

func TestDatabaseAndBlobsTakeURLsRelativeToTheFile(t *testing.T) {
	p := write(t, "database: sqlite:db/za.db\nblobs: file:///var/lib/za/blobs\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.SQLitePath()
	if err != nil || db != filepath.Join(filepath.Dir(p), "db", "za.db") {
		t.Errorf("database = %q, %v", db, err)
	}
	if b, err := c.BlobDir(); err != nil || b != "/var/lib/za/blobs" {
		t.Errorf("blobs = %q, %v", b, err)
	}
	c, err = Load(write(t, "blobs: docs\n"))
	if b, _ := c.BlobDir(); err != nil || !filepath.IsAbs(b) || filepath.Base(b) != "docs" {
		t.Errorf("relative blobs = %q, %v", b, err)
	}
}

func TestBadSettingsNameTheFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"verify_sample above 100", "listen: 127.0.0.1:9\narchive:\n  verify_sample: 150\n", ":3: archive.verify_sample: 150"},
		{"verify_sample zero", "archive:\n  verify_sample: 0\n", ":2: archive.verify_sample"},
		{"lock mode", "archive:\n  lock_mode: streng\n", ":2: archive.lock_mode"},
		{"archive schedule", "archive:\n  schedule: elke nacht\n", ":2: archive.schedule"},
		{"empty schedule", "zgw:\n  schedule: \"\"\n", ":2: zgw.schedule: leeg"},
		{"target scheme", "archive:\n  target: ftp://x/y\n", ":2: archive.target"},
		{"part size", "archive:\n  s3:\n    part_size: 1024\n", ":3: archive.s3.part_size"},
		{"zgw workers", "zgw:\n  workers: 0\n", ":2: zgw.workers"},
		{"zgw timeout", "zgw:\n  timeout: -1s\n", ":2: zgw.timeout"},
		{"termijn with a time part", "retention:\n  overbrenging_termijn: PT20H\n", ":2: retention.overbrenging_termijn: termijn \"PT20H\": tijdsdelen"},
		{"termijn P0D", "retention:\n  overbrenging_termijn_nieuwe_wet: P0D\n", ":2: retention.overbrenging_termijn_nieuwe_wet"},
		{"date", "retention:\n  nieuwe_archiefwet_vanaf: 1 januari\n", ":2: retention.nieuwe_archiefwet_vanaf"},
		{"listen", "listen: overal\n", ":1: listen"},
		{"postgres not yet", "database: postgres://db/za\n", ":1: database: \"postgres://db/za\": deze versie ondersteunt alleen SQLite"},
		{"blobs on s3 not yet", "blobs: s3://bucket/blobs\n", ":1: blobs"},
		{"upload limit", "max_upload_bytes: -5\n", ":1: max_upload_bytes"},
		{"unknown key", "archief:\n  schedule: x\n", "line 1: field archief not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, tc.yaml)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load accepted %q", tc.yaml)
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s and %q", err, p, tc.want)
			}
		})
	}
}

func TestAllProblemsAreReportedAtOnce(t *testing.T) {
	_, err := Load(write(t, "archive:\n  workers: 0\n  verify_sample: 101\n"))
	if err == nil || !strings.Contains(err.Error(), ":2: archive.workers") || !strings.Contains(err.Error(), ":3: archive.verify_sample") {
		t.Errorf("want both problems with their lines, got %v", err)
	}
}
