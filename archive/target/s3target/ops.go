package s3target

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"zaakarchief/archive/target/objstore"
)

// Stat describes the current version of key from a HEAD request with checksum mode enabled.
func (t *Target) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("s3target: stat: %w", err)
	}
	info, err := t.stat(ctx, key, "")
	return info, t.wrap("stat", key, err)
}

func (t *Target) stat(ctx context.Context, key, versionID string) (objstore.ObjectInfo, error) {
	oi, err := t.core.StatObject(ctx, t.bucket, t.ObjectName(key), minio.StatObjectOptions{Checksum: true, VersionID: versionID})
	if err != nil {
		return objstore.ObjectInfo{}, err
	}
	return infoFrom(key, oi)
}

// infoFrom reads the object description from the response headers minio-go collected.
func infoFrom(key string, oi minio.ObjectInfo) (objstore.ObjectInfo, error) {
	info := objstore.ObjectInfo{Key: key, Size: oi.Size, ContentType: oi.ContentType, ModTime: oi.LastModified.UTC()}
	h := oi.Metadata
	// A full-object checksum has no "-N" part count (base64 never contains '-').
	if c := oi.ChecksumSHA256; c != "" && !strings.Contains(c, "-") {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil || len(b) != 32 {
			return objstore.ObjectInfo{}, fmt.Errorf("server sha-256 checksum %q is malformed", c)
		}
		info.SHA256 = hex.EncodeToString(b)
	} else if m := strings.ToLower(h.Get("X-Amz-Meta-" + metaSHA256)); m != "" {
		if b, err := hex.DecodeString(m); err != nil || len(b) != 32 {
			return objstore.ObjectInfo{}, fmt.Errorf("recorded sha-256 %q is malformed", m)
		}
		info.SHA256 = m
	}
	if mode := h.Get("X-Amz-Object-Lock-Mode"); mode != "" {
		until, err := time.Parse(time.RFC3339Nano, h.Get("X-Amz-Object-Lock-Retain-Until-Date"))
		if err != nil {
			return objstore.ObjectInfo{}, fmt.Errorf("retain-until-date: %w", err)
		}
		r := objstore.Retention{Mode: objstore.RetentionMode(strings.ToUpper(mode)), Until: until.UTC()}
		if !r.Mode.Valid() {
			return objstore.ObjectInfo{}, fmt.Errorf("server reports unknown lock mode %q", mode)
		}
		info.Retention = &r
	}
	info.LegalHold = strings.EqualFold(h.Get("X-Amz-Object-Lock-Legal-Hold"), "ON")
	return info, nil
}

// Open streams the current version of key; reading to the end verifies it against the recorded
// SHA-256 (see target.Target). An object without that record (not written by this package) is
// checked for its size only.
func (t *Target) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("s3target: open: %w", err)
	}
	// Without checksum mode: minio-go would verify the server checksum itself and fail with an
	// error callers cannot recognise. The recorded whole-object hash is checked instead; for a
	// single-part object the server verified it equal to its own checksum at upload.
	body, oi, _, err := t.core.GetObject(ctx, t.bucket, t.ObjectName(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, t.wrap("open", key, err)
	}
	info, err := infoFrom(key, oi)
	if err != nil {
		body.Close()
		return nil, t.wrap("open", key, err)
	}
	return objstore.NewVerifyingReader(body, t.URL()+"/"+key, info.SHA256, info.Size), nil
}

// List calls fn for every current object under prefix, in ascending key order.
func (t *Target) List(ctx context.Context, prefix string, fn func(objstore.ObjectInfo) error) error {
	if err := objstore.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("s3target: list: %w", err)
	}
	full := prefix
	if t.prefix != "" {
		full = t.prefix + "/" + prefix
	}
	for oi := range t.core.ListObjectsIter(ctx, t.bucket, minio.ListObjectsOptions{Prefix: full, Recursive: true}) {
		if oi.Err != nil {
			return t.wrap("list", prefix, oi.Err)
		}
		if err := fn(objstore.ObjectInfo{Key: t.keyOf(oi.Key), Size: oi.Size, ModTime: oi.LastModified.UTC()}); err != nil {
			return err
		}
	}
	return t.wrap("list", prefix, ctx.Err())
}

// version is one stored version or delete marker of an object.
type version struct {
	id     string
	marker bool
	latest bool
}

// versions lists every version and delete marker of exactly key, newest first (as S3 lists
// them).
func (t *Target) versions(ctx context.Context, key string) ([]version, error) {
	object := t.ObjectName(key)
	var vs []version
	for oi := range t.core.ListObjectsIter(ctx, t.bucket, minio.ListObjectsOptions{Prefix: object, Recursive: true, WithVersions: true}) {
		if oi.Err != nil {
			return nil, oi.Err
		}
		if oi.Key == object {
			vs = append(vs, version{id: oi.VersionID, marker: oi.IsDeleteMarker, latest: oi.IsLatest})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return vs, nil
}

// Delete removes every version and delete marker of key. It first checks that no version is
// under retention or legal hold (ErrLocked, nothing deleted); a refusal by the server is
// wrapped in ErrLocked too. A key without versions is os.ErrNotExist. Versions go oldest
// first and the current one last: a server that does not report the lock of a noncurrent
// version (versitygw 1.8 sends no lock headers for HEAD ?versionId= of one) refuses its
// deletion before the current version is touched, so the object reads as before.
func (t *Target) Delete(ctx context.Context, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("s3target: delete: %w", err)
	}
	vs, err := t.versions(ctx, key)
	if err != nil {
		return t.wrap("delete", key, err)
	}
	if len(vs) == 0 {
		return t.wrap("delete", key, os.ErrNotExist)
	}
	now := t.now()
	for _, v := range vs {
		if v.marker {
			continue
		}
		info, err := t.stat(ctx, key, v.id)
		if err != nil {
			return t.wrap("delete", key, fmt.Errorf("version %s: %w", v.id, err))
		}
		if info.Locked(now) {
			return t.wrap("delete", key, fmt.Errorf("version %s: %s: %w", v.id, lockReason(info), objstore.ErrLocked))
		}
	}
	slices.Reverse(vs)
	slices.SortStableFunc(vs, func(a, b version) int {
		switch {
		case a.latest == b.latest:
			return 0
		case a.latest:
			return 1
		}
		return -1
	})
	for _, v := range vs {
		err := t.core.RemoveObject(ctx, t.bucket, t.ObjectName(key), minio.RemoveObjectOptions{VersionID: v.id})
		if err != nil {
			return t.wrap("delete", key, fmt.Errorf("version %s: %w", v.id, err))
		}
	}
	return nil
}

// SetLegalHold places or clears the legal hold on every version of key.
func (t *Target) SetLegalHold(ctx context.Context, key string, on bool) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("s3target: legal hold: %w", err)
	}
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	return t.eachVersion(ctx, "legal hold", key, func(id string) error {
		return t.core.PutObjectLegalHold(ctx, t.bucket, t.ObjectName(key), minio.PutObjectLegalHoldOptions{VersionID: id, Status: &status})
	})
}

// ExtendRetention makes every version of key stay locked until at least r.Until; see
// target.Target. Each version's lock is read from its HEAD (GetObjectRetention is not used, see
// the package documentation) and set with PutObjectRetention only where it ends earlier.
func (t *Target) ExtendRetention(ctx context.Context, key string, r objstore.Retention) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("s3target: extend retention: %w", err)
	}
	if err := objstore.ValidateRetention(r, t.now()); err != nil {
		return t.wrap("extend retention", key, err)
	}
	return t.eachVersion(ctx, "extend retention", key, func(id string) error {
		info, err := t.stat(ctx, key, id)
		if err != nil {
			return err
		}
		next, ok := objstore.Extended(info.Retention, r, t.now())
		if !ok {
			return nil
		}
		mode := minio.RetentionMode(next.Mode)
		until := next.Until
		return t.core.PutObjectRetention(ctx, t.bucket, t.ObjectName(key), minio.PutObjectRetentionOptions{Mode: &mode, RetainUntilDate: &until, VersionID: id})
	})
}

// eachVersion calls fn for every version of key (delete markers left out); a key without any
// is os.ErrNotExist. Errors are wrapped with op and the version.
func (t *Target) eachVersion(ctx context.Context, op, key string, fn func(versionID string) error) error {
	vs, err := t.versions(ctx, key)
	if err != nil {
		return t.wrap(op, key, err)
	}
	n := 0
	for _, v := range vs {
		if v.marker {
			continue
		}
		n++
		if err := fn(v.id); err != nil {
			return t.wrap(op, key, fmt.Errorf("version %s: %w", v.id, err))
		}
	}
	if n == 0 {
		return t.wrap(op, key, os.ErrNotExist)
	}
	return nil
}

func lockReason(info objstore.ObjectInfo) string {
	if info.LegalHold {
		return "legal hold is on"
	}
	return fmt.Sprintf("%s retention until %s", info.Retention.Mode, info.Retention.Until.Format(time.RFC3339))
}

// Sweep aborts the multipart uploads under the target's prefix that were started before before
// and never completed or aborted (a process killed during a Put leaves them, and the bucket
// keeps their parts, and bills them, until they are aborted). It returns how many it aborted.
func (t *Target) Sweep(ctx context.Context, before time.Time) (int, error) {
	prefix := ""
	if t.prefix != "" {
		prefix = t.prefix + "/"
	}
	n := 0
	keyMarker, idMarker := "", ""
	for {
		res, err := t.core.ListMultipartUploads(ctx, t.bucket, prefix, keyMarker, idMarker, "", 1000)
		if err != nil {
			return n, t.wrap("list multipart uploads", prefix, err)
		}
		for _, u := range res.Uploads {
			if !u.Initiated.Before(before) {
				continue
			}
			if err := t.core.AbortMultipartUpload(ctx, t.bucket, u.Key, u.UploadID); err != nil {
				return n, t.wrap("abort multipart upload "+u.UploadID, t.keyOf(u.Key), err)
			}
			n++
		}
		if !res.IsTruncated {
			return n, nil
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
}
