package s3target_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/archive/target/targettest"
)

// testPartSize keeps the suite's 70 MiB object multipart (5 parts) and its Put's memory well
// under half the object.
const testPartSize = 16 << 20

func config(srv *s3test.Server) s3target.Config {
	return s3target.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: testPartSize}
}

func newTarget(t *testing.T, srv *s3test.Server) *s3target.Target {
	t.Helper()
	tg, err := s3target.New(t.Context(), s3test.BucketName(), "archief", config(srv))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// admin is a plain client for looking behind the target's back.
func admin(t testing.TB, srv *s3test.Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// residue lists every version, delete marker and incomplete upload in the target's bucket.
func residue(c *minio.Client) func(t *testing.T, tg target.Target) []string {
	return func(t *testing.T, tg target.Target) []string {
		bucket := tg.(*s3target.Target).Bucket()
		var left []string
		for oi := range c.ListObjectsIter(t.Context(), bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			if oi.Err != nil {
				t.Fatal(oi.Err)
			}
			kind := "version"
			if oi.IsDeleteMarker {
				kind = "delete marker"
			}
			left = append(left, kind+" "+oi.Key+"@"+oi.VersionID)
		}
		for up := range c.ListIncompleteUploads(t.Context(), bucket, "", true) {
			if up.Err != nil {
				t.Fatal(up.Err)
			}
			left = append(left, "upload "+up.Key+"#"+up.UploadID)
		}
		return left
	}
}

func TestS3TargetPassesSharedSuiteOnVersityGW(t *testing.T) {
	srv := s3test.Start(t)
	caps := targettest.Caps{
		Residue: residue(admin(t, srv)),
		OpenUnreachable: func(ctx context.Context) (target.Target, error) {
			cfg := config(srv)
			cfg.Endpoint, cfg.MaxRetries = s3test.ClosedAddr(t), 3
			return s3target.New(ctx, "nergens", "", cfg)
		},
		MaxPutAlloc: 2 * testPartSize,
	}
	if srv.DataDir != "" {
		// versitygw's posix back end keeps the current version as the file bucket/object.
		caps.Corrupt = func(t *testing.T, tg target.Target, key string) {
			s3 := tg.(*s3target.Target)
			p := filepath.Join(srv.DataDir, s3.Bucket(), filepath.FromSlash(s3.ObjectName(key)))
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("X"), 10); err != nil {
				t.Fatal(err)
			}
		}
	}
	targettest.Run(t, func(t *testing.T) target.Target { return newTarget(t, srv) }, caps)
}

func TestNewRefusesBucketWithoutObjectLock(t *testing.T) {
	srv := s3test.Start(t)
	bucket := s3test.BucketName()
	if err := admin(t, srv).MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := s3target.New(t.Context(), bucket, "", config(srv))
	if err == nil || !strings.Contains(err.Error(), "object lock") {
		t.Errorf("New on a bucket without object lock = %v, want a refusal naming object lock", err)
	}
	t.Logf("refusal: %v", err)
}
