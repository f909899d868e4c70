package s3target

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"zaakarchief/archive/target/objstore"
)

const (
	// DefaultPartSize is the part size used when Config.PartSize is zero.
	DefaultPartSize = 64 << 20
	// MinPartSize is S3's smallest part (except the last).
	MinPartSize = 5 << 20
	// DefaultMaxRetries is the attempts per request used when Config.MaxRetries is zero.
	DefaultMaxRetries = 5

	// metaSHA256 is the user metadata (x-amz-meta-…) holding the whole-object SHA-256 in hex.
	metaSHA256 = "Zaakarchief-Sha256"
)

// Config configures the S3 connection.
type Config struct {
	// Endpoint is host[:port] or an http:// or https:// URL (whose scheme then decides TLS).
	// Empty means AWS_ENDPOINT_URL_S3 from Getenv, then Amazon S3.
	Endpoint string
	// Region is the S3 region; empty means AWS_REGION, then us-east-1. Setting it spares the
	// bucket-location lookups.
	Region string
	// AccessKey and SecretKey are the credentials; empty means AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY.
	AccessKey, SecretKey string
	// UseTLS selects https for an Endpoint without a scheme.
	UseTLS bool
	// CreateBucket creates the bucket with object locking enabled when it does not exist;
	// without it a missing bucket is an error.
	CreateBucket bool
	// PartSize is the multipart part size (default DefaultPartSize, at least MinPartSize).
	// Objects up to this size go in one PUT. Each Put buffers up to one part in memory.
	PartSize int64
	// MaxRetries bounds the attempts per request, the first included (default
	// DefaultMaxRetries; 1 disables retries).
	MaxRetries int
	// Getenv, when set, supplies the AWS_* fallbacks (pass os.Getenv); nil reads no environment.
	Getenv func(string) string
	// Now returns the current time for lock checks; nil means time.Now.
	Now func() time.Time
}

type resolved struct {
	host     string
	secure   bool
	region   string
	ak, sk   string
	partSize int64
	retries  int
}

func (c Config) resolve() (resolved, error) {
	env := c.Getenv
	if env == nil {
		env = func(string) string { return "" }
	}
	r := resolved{region: first(c.Region, env("AWS_REGION"), "us-east-1"), secure: c.UseTLS,
		ak: first(c.AccessKey, env("AWS_ACCESS_KEY_ID")), sk: first(c.SecretKey, env("AWS_SECRET_ACCESS_KEY")),
		partSize: c.PartSize, retries: c.MaxRetries}
	ep := first(c.Endpoint, env("AWS_ENDPOINT_URL_S3"))
	switch {
	case ep == "":
		r.host, r.secure = "s3.amazonaws.com", true
	case strings.Contains(ep, "://"):
		u, err := url.Parse(ep)
		if err != nil {
			return resolved{}, fmt.Errorf("endpoint %q: %w", ep, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			return resolved{}, fmt.Errorf("endpoint %q: want http(s)://host[:port] without a path", ep)
		}
		r.host, r.secure = u.Host, u.Scheme == "https"
	default:
		r.host = ep
	}
	if r.ak == "" || r.sk == "" {
		return resolved{}, errors.New("no credentials: set AccessKey and SecretKey (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	if r.partSize == 0 {
		r.partSize = DefaultPartSize
	}
	if r.partSize < MinPartSize {
		return resolved{}, fmt.Errorf("part size %d is below S3's minimum %d", r.partSize, MinPartSize)
	}
	if r.retries <= 0 {
		r.retries = DefaultMaxRetries
	}
	return r, nil
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// Target is an archive target in an S3 bucket. It is safe for concurrent use.
type Target struct {
	core     *minio.Core
	bucket   string
	prefix   string // without slashes at either end; may be empty
	partSize int64
	now      func() time.Time

	// checksums is set once a response has echoed the x-amz-checksum-sha256 of an upload: the
	// server verifies that header, so uploads no longer sign a client-side payload hash.
	checksums atomic.Bool
	// lockSeen and holdSeen are set once a read-back after a Put has shown the server applying
	// the retention, or the legal hold, sent with it.
	lockSeen, holdSeen atomic.Bool
}

// New connects to the bucket and returns a Target for objects under prefix (slash-separated,
// may be empty). It checks that the bucket exists with object lock enabled, creating it with
// object locking when it is missing and cfg.CreateBucket is set.
func New(ctx context.Context, bucket, prefix string, cfg Config) (*Target, error) {
	if err := s3utils.CheckValidBucketNameStrict(bucket); err != nil {
		return nil, fmt.Errorf("s3target: bucket %q: %w", bucket, err)
	}
	if prefix != "" {
		if err := objstore.ValidateKey(prefix); err != nil {
			return nil, fmt.Errorf("s3target: prefix: %w", err)
		}
	}
	r, err := cfg.resolve()
	if err != nil {
		return nil, fmt.Errorf("s3target: %w", err)
	}
	core, err := minio.NewCore(r.host, &minio.Options{
		Creds:      credentials.NewStaticV4(r.ak, r.sk, ""),
		Secure:     r.secure,
		Region:     r.region,
		MaxRetries: r.retries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3target: client for %s: %w", r.host, err)
	}
	core.SetAppInfo("zaakarchief", "1")
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	t := &Target{core: core, bucket: bucket, prefix: prefix, partSize: r.partSize, now: now}
	if err := t.ensureBucket(ctx, cfg.CreateBucket, r.region); err != nil {
		return nil, fmt.Errorf("s3target: %s at %s: %w", t.URL(), r.host, err)
	}
	return t, nil
}

func (t *Target) ensureBucket(ctx context.Context, create bool, region string) error {
	ok, err := t.core.BucketExists(ctx, t.bucket)
	if err != nil {
		return fmt.Errorf("check bucket: %w", err)
	}
	if ok {
		// Retention and legal hold need it, and an archive bucket without it could lose
		// packages silently.
		enabled, _, _, _, err := t.core.GetObjectLockConfig(ctx, t.bucket)
		if err != nil && minio.ToErrorResponse(err).Code != "ObjectLockConfigurationNotFoundError" {
			return fmt.Errorf("check object lock: %w", err)
		}
		if enabled != "Enabled" {
			return fmt.Errorf("bucket %s does not have object lock enabled; an archive target requires it", t.bucket)
		}
		return nil
	}
	if !create {
		return fmt.Errorf("bucket %s does not exist (set CreateBucket to create it with object locking)", t.bucket)
	}
	err = t.core.MakeBucket(ctx, t.bucket, minio.MakeBucketOptions{Region: region, ObjectLocking: true})
	if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create bucket with object locking: %w", err)
	}
	return nil
}

// URL returns s3://bucket/prefix.
func (t *Target) URL() string {
	if t.prefix == "" {
		return "s3://" + t.bucket
	}
	return "s3://" + t.bucket + "/" + t.prefix
}

// Bucket returns the bucket name.
func (t *Target) Bucket() string { return t.bucket }

// ObjectName returns the S3 object name that stores key.
func (t *Target) ObjectName(key string) string {
	if t.prefix == "" {
		return key
	}
	return t.prefix + "/" + key
}

func (t *Target) keyOf(objectName string) string {
	if t.prefix == "" {
		return objectName
	}
	return strings.TrimPrefix(objectName, t.prefix+"/")
}

// wrap adds the operation, the object and, where the server's answer means one, a sentinel.
func (t *Target) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	where := fmt.Sprintf("s3target: %s %s/%s", op, t.URL(), key)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, objstore.ErrLocked) || errors.Is(err, objstore.ErrChecksumMismatch) {
		return fmt.Errorf("%s: %w", where, err)
	}
	var resp minio.ErrorResponse
	errors.As(err, &resp)
	switch {
	case resp.Code == minio.NoSuchKey || resp.Code == "NoSuchVersion":
		return fmt.Errorf("%s: %w: %w", where, os.ErrNotExist, err)
	case resp.Code == "BadDigest" || resp.Code == "XAmzContentSHA256Mismatch":
		return fmt.Errorf("%s: %w: %w", where, objstore.ErrChecksumMismatch, err)
	case isLockRefusal(resp):
		return fmt.Errorf("%s: %w: %w", where, objstore.ErrLocked, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// isLockRefusal recognises object lock refusals: AWS and versitygw say "Access Denied because
// object protected by object lock", MinIO "Object is WORM protected".
func isLockRefusal(resp minio.ErrorResponse) bool {
	if resp.Code == "ObjectLocked" {
		return true
	}
	if resp.Code != minio.AccessDenied {
		return false
	}
	msg := strings.ToLower(resp.Message)
	return strings.Contains(msg, "object lock") || strings.Contains(msg, "worm") ||
		strings.Contains(msg, "retention") || strings.Contains(msg, "legal hold")
}
