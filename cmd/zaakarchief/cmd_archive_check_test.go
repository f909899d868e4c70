package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zaakarchief/archive/sipcheck"
	"zaakarchief/archive/target/s3target/s3test"
)

// copyTree copies the files below src to dst, writable.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// archiveSeed runs the seed scenario on the daemon and archives it with `archive run` under
// config cfgText; it returns the data directory, the config file and the zaak.
func archiveSeed(t *testing.T, cfgText string) (data, cfg, zaak string) {
	t.Helper()
	data = t.TempDir()
	cfg = filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	gem := createToken(t, data, orgGemeente, "organisatie")
	od := createToken(t, data, orgOmgevingsdienst, "organisatie")
	kcc := createToken(t, data, orgGemeente, "kcc")
	d := startDaemon(t, data, "--config", cfg)
	zaak, _ = seedScenario(t, d, gem, od, kcc)
	d.stop()
	if r := cli(t, "archive", "run", "--data", data, "--config", cfg); r.code != 0 || !strings.Contains(r.stdout, "1 packages archived") {
		t.Fatalf("archive run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return data, cfg, zaak
}

const noSchedules = "archive:\n  schedule: \"off\"\n  verify_schedule: \"off\"\n"

func TestArchiveCheckPassesTheSeedPackageAndReportsABrokenCopy(t *testing.T) {
	data, _, zaak := archiveSeed(t, noSchedules)
	pkg := filepath.Join(data, "archief", zaak)

	r := cli(t, "archive", "check", pkg)
	if r.code != 0 || !strings.Contains(r.stdout, "pakket voldoet aan alle controles") {
		t.Fatalf("archive check %s: exit %d\n%s\n%s", pkg, r.code, r.stdout, r.stderr)
	}
	for _, c := range sipcheck.Volgorde {
		if !strings.Contains(r.stdout, c+" ") {
			t.Errorf("no line for check %s:\n%s", c, r.stdout)
		}
	}
	// The target as a whole, by URL: every package folder in it.
	if r := cli(t, "archive", "check", "file://"+filepath.ToSlash(filepath.Join(data, "archief"))); r.code != 0 ||
		!strings.Contains(r.stdout, "pakket voldoet aan alle controles") || !strings.Contains(r.stdout, "pakket "+"file://") {
		t.Errorf("archive check file://: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// A copy with a byte-order mark before the dossier's sidecar fails the encoding check only.
	broken := filepath.Join(t.TempDir(), zaak)
	copyTree(t, pkg, broken)
	var sidecar string
	filepath.WalkDir(broken, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == zaak+".mdto.xml" {
			sidecar = p
		}
		return err
	})
	b, err := os.ReadFile(sidecar)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sidecar, append([]byte{0xEF, 0xBB, 0xBF}, b...), 0o644); err != nil {
		t.Fatal(err)
	}
	r = cli(t, "archive", "check", broken)
	rel, _ := filepath.Rel(broken, sidecar)
	if r.code != 1 || !strings.Contains(r.stdout, "codering") || !strings.Contains(r.stdout, "byte-order mark") ||
		!strings.Contains(r.stdout, filepath.ToSlash(rel)) || !strings.Contains(r.stderr, "afgekeurd") {
		t.Errorf("archive check of a broken copy: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "archive", "check"); r.code != 2 {
		t.Errorf("archive check without a path: exit %d, want 2", r.code)
	}
	if r := cli(t, "archive", "check", filepath.Join(data, "bestaat-niet")); r.code != 1 {
		t.Errorf("archive check of a missing folder: exit %d, want 1", r.code)
	}
}

func TestArchiveCheckReadsPackagesFromS3(t *testing.T) {
	srv := s3test.Start(t)
	bucket := s3test.BucketName()
	cfg := noSchedules + fmt.Sprintf("  target: s3://%s/archief\n  s3:\n    endpoint: %s\n    access_key: %s\n    secret_key: %s\n    tls: false\n    create_bucket: true\n",
		bucket, srv.Endpoint, srv.AccessKey, srv.SecretKey)
	_, cfgPath, zaak := archiveSeed(t, cfg)
	r := cli(t, "archive", "check", "--config", cfgPath, "s3://"+bucket+"/archief/"+zaak)
	if r.code != 0 || !strings.Contains(r.stdout, "pakket voldoet aan alle controles") {
		t.Fatalf("archive check s3://: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
