// Package s3target stores archive packages in an S3 bucket with object lock, through minio-go
// (Amazon S3, MinIO, versitygw). The object with key "a/b.zip" in s3://bucket/prefix is
// "prefix/a/b.zip".
//
// # Integrity
//
// Every upload carries the caller's SHA-256 as x-amz-checksum-sha256: <base64>, which the
// server verifies, stores and returns, and never the aws-chunked streaming signature or a
// trailer. Until a response has echoed that header (proof that the server verifies it: AWS S3,
// MinIO and versitygw do), the target also hashes the content itself, refuses it unless it
// matches, and sends the hash as the signed payload hash (X-Amz-Content-Sha256: <hex>), which
// every SigV4 server checks. From the first echo on, uploads go with UNSIGNED-PAYLOAD: the
// content streams from the caller's reader unhashed and unbuffered and the server's check is
// the one check, so each byte is hashed once instead of three times (the caller's hash comes
// from the record, not from a fresh read). The header itself is signed either way. Objects up
// to Config.PartSize go in one PUT. Larger objects go as a multipart upload with
// x-amz-checksum-algorithm SHA256 and each part sent the same way with its own SHA-256; the
// server's object checksum is then a composite ("…-N"), so the target hashes the whole stream
// itself, aborts the upload (nothing stored) unless it matches the announced SHA-256, and
// records the whole-object hash in the user metadata x-amz-meta-zaakarchief-sha256 (single
// PUTs carry it too). Stat reports the server's full-object checksum when there is one and that
// record otherwise. Open verifies the stream against the record; it reads without checksum
// mode, because minio-go would otherwise verify the server checksum itself and fail with an
// error that is not ErrChecksumMismatch.
//
// Put reads the new version back with a Stat, and fails unless the server applied the
// checksum, retention and legal hold it was asked for, until it has seen each of them applied
// once: a server that ignores object lock headers ignores them on every object, and is caught
// on the first. After that Put reports what the server's response and the accepted request
// say, without the extra request per object. New refuses a bucket without object lock enabled.
//
// # Object lock
//
// Retention (mode and until-date) and legal hold are set in the same request that creates the
// object, never afterwards. They are read back from the HEAD response headers
// (X-Amz-Object-Lock-Mode, -Retain-Until-Date, -Legal-Hold), which AWS S3, MinIO and
// versitygw all send; GetObjectRetention is not used because versitygw 1.8 answers it with an
// XML document minio-go cannot parse. Delete removes every version and delete marker of the
// key, after checking that none is locked, and never sends the governance bypass; a refusal by
// the server is wrapped in ErrLocked. versitygw 1.8 sends no lock headers for a HEAD of a
// noncurrent version (it does enforce the lock), so Delete removes the current version last:
// a locked older version is refused before the object changes.
//
// # Retries
//
// minio-go retries each request itself: on connection errors and timeouts, on HTTP 408, 429,
// 499, 500, 502, 503, 504 and 520, and on the S3 codes RequestTimeout, Throttling, SlowDown,
// InternalError, ExpiredToken and kin, with exponential backoff and full jitter (200 ms doubling,
// capped at 1 s between attempts), up to Config.MaxRetries attempts (default 5 here, minio-go's
// own default is 10), and only when the request body can be rewound. Bodies are rewindable when
// the caller's reader is an io.ReaderAt (a file, an in-memory reader), when the target has
// buffered them (a part, or a single PUT before the first checksum echo), and not otherwise:
// such a PUT is tried once and its error returned. The target adds no retry loop of its own. A GET that fails while the body is streaming is not
// retried: the reader returns the error. A multipart upload that fails is aborted.
//
// s3target does not import package target (target imports it); it speaks objstore's types.
package s3target
