package s3target

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"

	"zaakarchief/archive/target/objstore"
)

// abortTimeout bounds the clean-up of a failed multipart upload, which runs even when the
// caller's context has ended.
const abortTimeout = 30 * time.Second

// Put stores size bytes from r under key; see target.Target for the contract. Objects up to the
// part size go in one PUT, larger ones as a multipart upload; both are refused, with nothing
// stored, unless the content matches opts.SHA256. The returned ObjectInfo is read back with a
// Stat only while the target has not yet seen this server verify the checksum and apply the
// lock it was asked for (see the package documentation); after that it is built from the
// write's response.
func (t *Target) Put(ctx context.Context, key string, r io.Reader, size int64, opts objstore.PutOptions) (objstore.ObjectInfo, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("s3target: put: %w", err)
	}
	if size < 0 {
		return objstore.ObjectInfo{}, t.wrap("put", key, fmt.Errorf("size %d: the size must be known", size))
	}
	if err := opts.Validate(t.now()); err != nil {
		return objstore.ObjectInfo{}, t.wrap("put", key, err)
	}
	var (
		versionID string
		verified  bool
		err       error
	)
	if size <= t.partSize {
		versionID, verified, err = t.putSingle(ctx, key, r, size, opts)
	} else {
		versionID, err = t.putMultipart(ctx, key, objstore.NewSizedReader(objstore.NewContextReader(ctx, r), size), size, opts)
		verified = err == nil // every part checked by the server, the whole stream by the target
	}
	if err != nil {
		return objstore.ObjectInfo{}, t.wrap("put", key, err)
	}
	if verified && (opts.Retention == nil || t.lockSeen.Load()) && (!opts.LegalHold || t.holdSeen.Load()) {
		info := objstore.ObjectInfo{Key: key, Size: size, SHA256: opts.SHA256Hex(), ContentType: contentType(opts),
			LegalHold: opts.LegalHold, ModTime: t.now().UTC()}
		if opts.Retention != nil {
			r := opts.Retention.Normalized()
			info.Retention = &r
		}
		return info, nil
	}
	info, err := t.stat(ctx, key, versionID)
	if err != nil {
		return objstore.ObjectInfo{}, t.wrap("put: read back", key, err)
	}
	if err := checkApplied(info, opts); err != nil {
		return info, t.wrap("put", key, err)
	}
	if opts.Retention != nil {
		t.lockSeen.Store(true)
	}
	if opts.LegalHold {
		t.holdSeen.Store(true)
	}
	return info, nil
}

func contentType(opts objstore.PutOptions) string {
	if opts.ContentType == "" {
		return "application/octet-stream"
	}
	return opts.ContentType
}

// putOptions maps the target's options onto minio-go's: lock mode, until-date and legal hold go
// in the request that creates the object.
func (t *Target) putOptions(opts objstore.PutOptions) minio.PutObjectOptions {
	po := minio.PutObjectOptions{
		ContentType: opts.ContentType,
		// Without the aws-chunked streaming signature: a plain SigV4 request whose payload hash
		// is either given (Core.PutObject's sha256Hex) or UNSIGNED-PAYLOAD.
		DisableContentSha256: true,
	}
	if opts.Retention != nil {
		r := opts.Retention.Normalized()
		po.Mode = minio.RetentionMode(r.Mode)
		po.RetainUntilDate = r.Until
	}
	if opts.LegalHold {
		po.LegalHold = minio.LegalHoldEnabled
	}
	return po
}

// putSingle sends the object in one PUT with x-amz-checksum-sha256, and reports whether the
// server's response confirmed that checksum. Until a response has shown that this server
// verifies the checksum header, the target hashes the content first and signs the hash as the
// payload hash (which every SigV4 server checks); after that it streams the content unhashed
// with UNSIGNED-PAYLOAD and leaves the check to the server, so that the bytes are hashed once,
// by the server, instead of twice or three times.
func (t *Target) putSingle(ctx context.Context, key string, r io.Reader, size int64, opts objstore.PutOptions) (string, bool, error) {
	po := t.putOptions(opts)
	// Keys starting with x-amz- are sent as headers as they are; the other is x-amz-meta-….
	b64 := base64.StdEncoding.EncodeToString(opts.SHA256[:])
	po.UserMetadata = map[string]string{
		"x-amz-checksum-sha256": b64,
		metaSHA256:              opts.SHA256Hex(),
	}
	var body io.Reader
	payloadHash := ""
	if t.checksums.Load() {
		var err error
		if body, err = rewindable(ctx, r, size); err != nil {
			return "", false, err
		}
	} else {
		buf := make([]byte, size)
		if err := readExactly(objstore.NewSizedReader(objstore.NewContextReader(ctx, r), size), buf); err != nil {
			return "", false, err
		}
		if sum := sha256.Sum256(buf); sum != opts.SHA256 {
			return "", false, mismatch(sum, opts)
		}
		body, payloadHash = bytes.NewReader(buf), opts.SHA256Hex()
	}
	info, err := t.core.PutObject(ctx, t.bucket, t.ObjectName(key), body, size, "", payloadHash, po)
	if err != nil {
		return "", false, err
	}
	switch info.ChecksumSHA256 {
	case b64:
		t.checksums.Store(true)
		return info.VersionID, true, nil
	case "":
		// The server does not speak flexible checksums: the signed payload hash was checked,
		// and the caller reads the object's record back.
		return info.VersionID, false, nil
	default:
		return "", false, fmt.Errorf("server reports sha-256 %s for the put, sent %s: %w", info.ChecksumSHA256, b64, objstore.ErrChecksumMismatch)
	}
}

// rewindable returns a body of exactly size bytes that minio-go can rewind for its retries
// when r allows it (a file or an in-memory reader: an io.SectionReader over it, after checking
// that the content ends exactly at size, so that a wrong size fails at once instead of being
// sent and retried), and otherwise a one-shot stream that fails when r has more or fewer bytes.
func rewindable(ctx context.Context, r io.Reader, size int64) (io.Reader, error) {
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return objstore.NewSizedReader(objstore.NewContextReader(ctx, r), size), nil
	}
	off := int64(0)
	if s, ok := r.(io.Seeker); ok {
		cur, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("reader position: %w", err)
		}
		off = cur
	}
	var b [1]byte
	if size > 0 {
		if _, err := ra.ReadAt(b[:], off+size-1); err != nil {
			return nil, fmt.Errorf("reader ends before the announced %d bytes: %w", size, io.ErrUnexpectedEOF)
		}
	}
	if n, _ := ra.ReadAt(b[:], off+size); n > 0 {
		return nil, fmt.Errorf("reader holds more than the announced %d bytes", size)
	}
	return io.NewSectionReader(ra, off, size), nil
}

// putMultipart uploads part by part, each with its own SHA-256 checked by the server, hashes
// the whole stream and completes the upload only if it matches; otherwise it aborts.
func (t *Target) putMultipart(ctx context.Context, key string, src *objstore.SizedReader, size int64, opts objstore.PutOptions) (versionID string, err error) {
	object := t.ObjectName(key)
	po := t.putOptions(opts)
	po.UserMetadata = map[string]string{
		"x-amz-checksum-algorithm": "SHA256",
		metaSHA256:                 opts.SHA256Hex(),
	}
	uploadID, err := t.core.NewMultipartUpload(ctx, t.bucket, object, po)
	if err != nil {
		return "", fmt.Errorf("start multipart upload: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		if aerr := t.core.AbortMultipartUpload(actx, t.bucket, object, uploadID); aerr != nil {
			err = errors.Join(err, fmt.Errorf("abort multipart upload %s: %w", uploadID, aerr))
		}
	}()

	buf := make([]byte, t.partSize)
	whole := sha256.New()
	var parts []minio.CompletePart
	for n, left := 1, size; left > 0; n++ {
		chunk := buf[:min(t.partSize, left)]
		if _, err := io.ReadFull(src, chunk); err != nil {
			return "", err
		}
		left -= int64(len(chunk))
		whole.Write(chunk)
		part, err := t.sendPart(ctx, object, uploadID, n, chunk, sha256.Sum256(chunk))
		if err != nil {
			return "", err
		}
		parts = append(parts, part)
	}
	if err := readExactly(src, nil); err != nil {
		return "", err
	}
	var got [32]byte
	whole.Sum(got[:0])
	if got != opts.SHA256 {
		return "", mismatch(got, opts)
	}
	info, err := t.core.CompleteMultipartUpload(ctx, t.bucket, object, uploadID, parts, minio.PutObjectOptions{})
	if err != nil {
		return "", fmt.Errorf("complete multipart upload: %w", err)
	}
	return info.VersionID, nil
}

// sendPart uploads part n with sum as x-amz-checksum-sha256 and, until the server has shown
// that it verifies that header (see putSingle), as the signed payload hash too.
func (t *Target) sendPart(ctx context.Context, object, uploadID string, n int, chunk []byte, sum [32]byte) (minio.CompletePart, error) {
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	payloadHash := ""
	if !t.checksums.Load() {
		payloadHash = hex.EncodeToString(sum[:])
	}
	part, err := t.core.PutObjectPart(ctx, t.bucket, object, uploadID, n, bytes.NewReader(chunk), int64(len(chunk)),
		minio.PutObjectPartOptions{
			Sha256Hex:            payloadHash,
			DisableContentSha256: true,
			CustomHeader:         http.Header{"X-Amz-Checksum-Sha256": {b64}},
		})
	if err != nil {
		return minio.CompletePart{}, fmt.Errorf("part %d: %w", n, err)
	}
	if part.ChecksumSHA256 == b64 {
		t.checksums.Store(true)
	}
	if part.ChecksumSHA256 != "" && part.ChecksumSHA256 != b64 {
		return minio.CompletePart{}, fmt.Errorf("part %d: server reports sha-256 %s, sent %s: %w", n, part.ChecksumSHA256, b64, objstore.ErrChecksumMismatch)
	}
	return minio.CompletePart{PartNumber: n, ETag: part.ETag, ChecksumSHA256: b64}, nil
}

// readExactly fills buf from src and checks that src then ends.
func readExactly(src *objstore.SizedReader, buf []byte) error {
	if _, err := io.ReadFull(src, buf); err != nil {
		return err
	}
	var probe [1]byte
	if _, err := src.Read(probe[:]); err != io.EOF {
		return err
	}
	return nil
}

func mismatch(got [32]byte, opts objstore.PutOptions) error {
	return fmt.Errorf("content sha-256 %s, announced %s: %w", hex.EncodeToString(got[:]), opts.SHA256Hex(), objstore.ErrChecksumMismatch)
}

// checkApplied compares what the server reports after a Put with what was asked.
func checkApplied(info objstore.ObjectInfo, opts objstore.PutOptions) error {
	if info.SHA256 != opts.SHA256Hex() {
		return fmt.Errorf("server reports sha-256 %q after the put, sent %s: %w", info.SHA256, opts.SHA256Hex(), objstore.ErrChecksumMismatch)
	}
	if want := opts.Retention; want != nil {
		n := want.Normalized()
		if got := info.Retention; got == nil || got.Mode != n.Mode || got.Until.Before(n.Until) {
			return fmt.Errorf("server did not apply retention %s until %s (reports %+v)", n.Mode, n.Until.Format(time.RFC3339), got)
		}
	}
	if opts.LegalHold && !info.LegalHold {
		return errors.New("server did not apply the legal hold")
	}
	return nil
}
