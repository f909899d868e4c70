package target

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"zaakarchief/archive/target/filetarget"
	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/s3target"
)

// Target stores archive packages as objects under slash-separated keys (objstore.ValidateKey).
//
// Every method takes a context first and stops when it ends. Content moves as streams: no
// method holds a whole object in memory (the S3 back end buffers one part, Config.PartSize).
// "Not found" is os.ErrNotExist for errors.Is; a refusal by object lock is ErrLocked; content
// that does not match its SHA-256 is ErrChecksumMismatch. Back ends retry transient failures
// (connection errors, timeouts, 5xx) a bounded number of times with backoff; an error returned
// is final for that call. A Target is safe for concurrent use.
type Target interface {
	// Put stores exactly size bytes read from r under key with the options' SHA-256, media
	// type, retention and legal hold applied in the same write. Content that does not match
	// opts.SHA256 or size is refused (ErrChecksumMismatch, or a size error) and nothing is
	// stored. A key that already exists gets the new content as a new version; a replaced
	// version that is locked stays, under its lock (on S3 as a noncurrent version, in a
	// directory among the key's older versions), and keeps Delete from removing the key
	// until it is released. The returned ObjectInfo is what the back end reports for the
	// write (s3target reads it back with a Stat until the server has shown once that it
	// applies checksums and locks).
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)

	// Stat describes the current object under key, with its SHA-256, retention and legal hold.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// Open streams the content of key. Reading it to the end verifies it: the final Read
	// returns an error wrapping ErrChecksumMismatch instead of io.EOF when the bytes differ
	// from the recorded SHA-256 or size. The caller closes the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, error)

	// List calls fn for every current object whose key starts with prefix, in ascending key
	// order, with Key, Size and ModTime filled (Stat gives the rest). An error from fn stops
	// the listing and is returned unwrapped.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error

	// Delete removes key so that its data is really gone: every version (on S3 every delete
	// marker too). It refuses with ErrLocked while any version is under retention or
	// legal hold (never bypassing GOVERNANCE), and returns os.ErrNotExist for a missing key.
	Delete(ctx context.Context, key string) error

	// SetLegalHold places (on) or clears (off) the legal hold on every version of key.
	SetLegalHold(ctx context.Context, key string, on bool) error
	// ExtendRetention makes every version of key stay locked until at least r.Until, in
	// r.Mode (a COMPLIANCE lock in force stays COMPLIANCE). A version already locked as long
	// or longer is left as it is: a retention is never shortened. r.Until must lie in the
	// future; a missing key is os.ErrNotExist.
	ExtendRetention(ctx context.Context, key string, r Retention) error

	// Sweep removes what writes interrupted by a crash or a kill left behind before the given
	// time: temporary files in a directory, incomplete multipart uploads on S3. It returns how
	// many it removed. Objects themselves are never touched.
	Sweep(ctx context.Context, before time.Time) (int, error)

	// URL names the target (file:///path or s3://bucket/prefix), without credentials.
	URL() string
}

// The back ends implement Target.
var (
	_ Target = (*filetarget.Target)(nil)
	_ Target = (*s3target.Target)(nil)
)

// ObjectInfo describes a stored object (see objstore.ObjectInfo).
type ObjectInfo = objstore.ObjectInfo

// PutOptions are the options of a Put (see objstore.PutOptions).
type PutOptions = objstore.PutOptions

// Retention is an object lock retention (see objstore.Retention).
type Retention = objstore.Retention

// RetentionMode is GOVERNANCE or COMPLIANCE (see objstore.RetentionMode).
type RetentionMode = objstore.RetentionMode

// The retention modes.
const (
	Governance = objstore.Governance
	Compliance = objstore.Compliance
)

// Extended returns the retention an object locked with cur gets from ExtendRetention(want),
// and whether that changes it (see objstore.Extended).
func Extended(cur *Retention, want Retention, now time.Time) (Retention, bool) {
	return objstore.Extended(cur, want, now)
}

// The sentinel errors callers decide on; "not found" is os.ErrNotExist.
var (
	// ErrLocked reports that object lock forbids the operation.
	ErrLocked = objstore.ErrLocked
	// ErrChecksumMismatch reports content that does not match its SHA-256.
	ErrChecksumMismatch = objstore.ErrChecksumMismatch
)

// Config configures the back ends Open builds. Only s3:// uses it today; file:// ignores it.
type Config struct {
	// Endpoint is the S3 host[:port] or URL (http:// or https://, which then sets UseTLS).
	// Empty means AWS_ENDPOINT_URL_S3, then Amazon S3 for Region.
	Endpoint string
	// Region is the S3 region; empty means AWS_REGION, then us-east-1.
	Region string
	// AccessKey and SecretKey are the S3 credentials; empty means AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY.
	AccessKey, SecretKey string
	// UseTLS selects https for an Endpoint given without a scheme.
	UseTLS bool
	// CreateBucket creates the bucket, with object locking enabled, when it does not exist.
	CreateBucket bool
	// PartSize is the multipart part size in bytes (default 64 MiB, at least 5 MiB); objects up
	// to this size go in one PUT. One part is buffered in memory per Put.
	PartSize int64
	// MaxRetries bounds the attempts per S3 request (default 5; see s3target.Config).
	MaxRetries int
	// Getenv, when set, supplies the AWS_* fallbacks above (pass os.Getenv); nil reads no
	// environment.
	Getenv func(string) string
	// Now is the clock a directory target checks retention periods against; nil means
	// time.Now. (An S3 server checks them against its own clock.)
	Now func() time.Time
}

// Open returns the Target rawURL names: file:///abs/path (a local directory, created if
// missing) or s3://bucket/prefix (an S3 bucket configured by cfg).
func Open(ctx context.Context, rawURL string, cfg Config) (Target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("target: parse %q: %w", rawURL, err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("target: %q: credentials, query and fragment are not allowed in a target URL", redact(u))
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("target: %q: a file URL names a local path (file:///abs/path), not host %q", rawURL, u.Host)
		}
		if u.Path == "" || !filepath.IsAbs(filepath.FromSlash(u.Path)) {
			return nil, fmt.Errorf("target: %q: the path must be absolute (file:///abs/path)", rawURL)
		}
		t, err := filetarget.New(filepath.FromSlash(u.Path), filetarget.Options{Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		return t, nil
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("target: %q: missing bucket (s3://bucket/prefix)", rawURL)
		}
		t, err := s3target.New(ctx, u.Host, strings.Trim(u.Path, "/"), s3target.Config{
			Endpoint: cfg.Endpoint, Region: cfg.Region, AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey,
			UseTLS: cfg.UseTLS, CreateBucket: cfg.CreateBucket, PartSize: cfg.PartSize,
			MaxRetries: cfg.MaxRetries, Getenv: cfg.Getenv,
		})
		if err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		return t, nil
	case "":
		return nil, fmt.Errorf("target: %q: missing scheme (file:///abs/path or s3://bucket/prefix)", rawURL)
	default:
		return nil, fmt.Errorf("target: %q: unsupported scheme %q (file or s3)", redact(u), u.Scheme)
	}
}

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	return c.String()
}
