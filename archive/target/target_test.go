package target_test

import (
	"bytes"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"

	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
)

func TestOpenRefusesMalformedURLs(t *testing.T) {
	for _, c := range []struct {
		url, want string
	}{
		{"", "missing scheme"},
		{"relative/dir", "missing scheme"},
		{"file:relative/dir", "absolute"},
		{"file://server/share", "local path"},
		{"ftp://host/x", "unsupported scheme"},
		{"s3:///prefix", "missing bucket"},
		{"s3://Not_A_Bucket/x", "bucket"},
		{"s3://user:geheim@bucket/x", "credentials"},
		{"file:///tmp/x?mode=1", "query"},
	} {
		_, err := target.Open(t.Context(), c.url, target.Config{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want an error mentioning %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "geheim") {
			t.Errorf("Open(%q) error leaks the password: %v", c.url, err)
		}
	}
}

func putAndStat(t *testing.T, tg target.Target) {
	t.Helper()
	data := []byte("pakket")
	if _, err := tg.Put(t.Context(), "z/1.zip", bytes.NewReader(data), int64(len(data)), target.PutOptions{SHA256: sha256.Sum256(data)}); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Stat(t.Context(), "z/1.zip"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFileURLGivesDirectoryTarget(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archief")
	u := "file://" + filepath.ToSlash(dir)
	tg, err := target.Open(t.Context(), u, target.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if tg.URL() != u {
		t.Errorf("URL() = %q, want %q", tg.URL(), u)
	}
	putAndStat(t, tg)
}

func TestOpenS3URLTakesCredentialsFromGetenv(t *testing.T) {
	srv := s3test.Start(t)
	env := map[string]string{
		"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey,
		"AWS_ENDPOINT_URL_S3": "http://" + srv.Endpoint, "AWS_REGION": "us-east-1",
	}
	cfg := target.Config{Getenv: func(k string) string { return env[k] }}
	bucket := s3test.BucketName()
	if _, err := target.Open(t.Context(), "s3://"+bucket+"/archief", cfg); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open of a missing bucket without CreateBucket = %v, want a does-not-exist error", err)
	}
	cfg.CreateBucket = true
	tg, err := target.Open(t.Context(), "s3://"+bucket+"/archief/", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "s3://" + bucket + "/archief"; tg.URL() != want {
		t.Errorf("URL() = %q, want %q", tg.URL(), want)
	}
	putAndStat(t, tg)
}
