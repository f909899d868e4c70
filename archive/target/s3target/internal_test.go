package s3target

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/s3target/s3test"
)

func TestConfigResolvesEnvironmentFallbacks(t *testing.T) {
	env := map[string]string{
		"AWS_ACCESS_KEY_ID": "envkey", "AWS_SECRET_ACCESS_KEY": "envsecret",
		"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_S3": "https://s3.example.nl:9000",
	}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		name    string
		cfg     Config
		want    resolved
		wantErr string
	}{
		{"environment only", Config{Getenv: getenv},
			resolved{host: "s3.example.nl:9000", secure: true, region: "eu-west-1", ak: "envkey", sk: "envsecret", partSize: DefaultPartSize, retries: DefaultMaxRetries}, ""},
		{"config wins over environment", Config{Endpoint: "127.0.0.1:7070", Region: "nl", AccessKey: "k", SecretKey: "s", PartSize: 8 << 20, MaxRetries: 2, Getenv: getenv},
			resolved{host: "127.0.0.1:7070", region: "nl", ak: "k", sk: "s", partSize: 8 << 20, retries: 2}, ""},
		{"http URL endpoint is plain", Config{Endpoint: "http://localhost:7070", AccessKey: "k", SecretKey: "s", UseTLS: true},
			resolved{host: "localhost:7070", region: "us-east-1", ak: "k", sk: "s", partSize: DefaultPartSize, retries: DefaultMaxRetries}, ""},
		{"no endpoint is Amazon over TLS", Config{AccessKey: "k", SecretKey: "s"},
			resolved{host: "s3.amazonaws.com", secure: true, region: "us-east-1", ak: "k", sk: "s", partSize: DefaultPartSize, retries: DefaultMaxRetries}, ""},
		{"nil Getenv reads no environment", Config{}, resolved{}, "no credentials"},
		{"part size below minimum", Config{AccessKey: "k", SecretKey: "s", PartSize: 1 << 20}, resolved{}, "minimum"},
		{"endpoint with path", Config{Endpoint: "https://h/bucket", AccessKey: "k", SecretKey: "s"}, resolved{}, "without a path"},
		{"endpoint with other scheme", Config{Endpoint: "ftp://h", AccessKey: "k", SecretKey: "s"}, resolved{}, "http(s)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.cfg.resolve()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("resolve() error = %v, want one mentioning %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("resolve() = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestLockRefusalsAreRecognisedAcrossServers(t *testing.T) {
	for _, c := range []struct {
		resp minio.ErrorResponse
		want bool
	}{
		{minio.ErrorResponse{Code: "AccessDenied", Message: "Access Denied because object protected by object lock."}, true}, // AWS, versitygw
		{minio.ErrorResponse{Code: "AccessDenied", Message: "Object is WORM protected and cannot be overwritten"}, true},     // MinIO
		{minio.ErrorResponse{Code: "ObjectLocked"}, true},
		{minio.ErrorResponse{Code: "AccessDenied", Message: "Access Denied."}, false}, // credentials, not a lock
		{minio.ErrorResponse{Code: "InvalidRequest", Message: "Bucket is missing Object Lock Configuration"}, false},
	} {
		if got := isLockRefusal(c.resp); got != c.want {
			t.Errorf("isLockRefusal(%s %q) = %v, want %v", c.resp.Code, c.resp.Message, got, c.want)
		}
	}
}

func newInternalTarget(t *testing.T) *Target {
	t.Helper()
	srv := s3test.Start(t)
	tg, err := New(t.Context(), s3test.BucketName(), "", Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: MinPartSize})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// The server verifies what the target sends: an upload whose x-amz-checksum-sha256 (with
// UNSIGNED-PAYLOAD, as the target sends once the server has echoed a checksum) or signed
// payload hash (as it sends before) does not match the content is refused, and nothing is
// stored. versitygw answers BadDigest or XAmzContentSHA256Mismatch.
func TestServerRefusesSinglePutWithWrongChecksum(t *testing.T) {
	data := []byte("inhoud van het archiefpakket")
	wrong := sha256.Sum256([]byte("iets anders"))
	for _, c := range []struct {
		name string
		put  func(tg *Target) error
	}{
		{"unsigned payload, wrong x-amz-checksum-sha256", func(tg *Target) error {
			tg.checksums.Store(true)
			_, err := tg.Put(t.Context(), "k", bytes.NewReader(data), int64(len(data)), objstore.PutOptions{SHA256: wrong})
			return err
		}},
		{"wrong signed payload hash", func(tg *Target) error {
			_, err := tg.core.PutObject(t.Context(), tg.bucket, "k", bytes.NewReader(data), int64(len(data)), "",
				hex.EncodeToString(wrong[:]), minio.PutObjectOptions{DisableContentSha256: true})
			return tg.wrap("put", "k", err)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := newInternalTarget(t)
			err := c.put(tg)
			if !errors.Is(err, objstore.ErrChecksumMismatch) {
				t.Fatalf("server accepted or mis-reported a wrong checksum: %v", err)
			}
			t.Logf("server refusal: %v", err)
			if _, err := tg.Stat(t.Context(), "k"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Stat after the refused put = %v, want os.ErrNotExist", err)
			}
		})
	}
}

func TestServerRefusesPartWithWrongChecksum(t *testing.T) {
	tg := newInternalTarget(t)
	ctx := t.Context()
	id, err := tg.core.NewMultipartUpload(ctx, tg.bucket, "k", minio.PutObjectOptions{UserMetadata: map[string]string{"x-amz-checksum-algorithm": "SHA256"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.core.AbortMultipartUpload(ctx, tg.bucket, "k", id)
	chunk := make([]byte, MinPartSize)
	_, err = tg.sendPart(ctx, "k", id, 1, chunk, sha256.Sum256([]byte("other")))
	if err = tg.wrap("put", "k", err); !errors.Is(err, objstore.ErrChecksumMismatch) {
		t.Fatalf("server accepted or mis-reported a part with a wrong checksum: %v", err)
	}
	if _, err := tg.sendPart(ctx, "k", id, 1, chunk, sha256.Sum256(chunk)); err != nil {
		t.Errorf("the same part with its right checksum: %v", err)
	}
}

// A Put killed mid-upload leaves an incomplete multipart upload whose parts the bucket keeps.
// Sweep aborts the ones started before its time under the target's prefix and leaves younger
// ones (a write that may still be running) and completed objects alone.
func TestSweepAbortsIncompleteUploadsStartedBefore(t *testing.T) {
	tg := newInternalTarget(t)
	ctx := t.Context()
	data := []byte("een voltooid object")
	sum := sha256.Sum256(data)
	if _, err := tg.Put(ctx, "zaak-1/voltooid", bytes.NewReader(data), int64(len(data)), objstore.PutOptions{SHA256: sum}); err != nil {
		t.Fatal(err)
	}
	start := func(key string) string {
		id, err := tg.core.NewMultipartUpload(ctx, tg.bucket, key, minio.PutObjectOptions{UserMetadata: map[string]string{"x-amz-checksum-algorithm": "SHA256"}})
		if err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, MinPartSize)
		if _, err := tg.sendPart(ctx, key, id, 1, chunk, sha256.Sum256(chunk)); err != nil {
			t.Fatal(err)
		}
		return id
	}
	start("zaak-1/afgebroken.bin")
	start("zaak-2/afgebroken.bin")
	uploads := func() []string {
		res, err := tg.core.ListMultipartUploads(ctx, tg.bucket, "", "", "", "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, u := range res.Uploads {
			keys = append(keys, u.Key)
		}
		return keys
	}
	if got := uploads(); len(got) != 2 {
		t.Fatalf("before the sweep: uploads %v, want 2", got)
	}
	if n, err := tg.Sweep(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("Sweep before the uploads started = %d, %v; want 0 (they may still be running)", n, err)
	}
	n, err := tg.Sweep(ctx, time.Now().Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("Sweep = %d, %v; want 2 aborted", n, err)
	}
	if got := uploads(); len(got) != 0 {
		t.Errorf("after the sweep: uploads %v remain", got)
	}
	if _, err := tg.Stat(ctx, "zaak-1/voltooid"); err != nil {
		t.Errorf("the completed object is gone after the sweep: %v", err)
	}
}
