// Package s3target stores archive packages in an S3 bucket with object lock, through minio-go
// (Amazon S3, MinIO, versitygw). The object with key "a/b.zip" in s3://bucket/prefix is
// "prefix/a/b.zip".
//
// # Integrity
//
// Every upload carries the caller's precomputed SHA-256 twice, both checked by the server: as
// the signed payload hash (X-Amz-Content-Sha256: <hex>, a plain SigV4 signature, neither the
// aws-chunked streaming signature nor a trailer) and as x-amz-checksum-sha256: <base64>, which
// the server stores and returns. Objects up to Config.PartSize go in one PUT. Larger objects
// go as a multipart upload with x-amz-checksum-algorithm SHA256 and each part sent the same way
// with its own SHA-256; the server's object checksum is then a composite ("…-N"), so the target
// hashes the whole stream itself, aborts the upload (nothing stored) unless it matches the
// announced SHA-256, and records the whole-object hash in the user metadata
// x-amz-meta-zaakarchief-sha256 (single PUTs carry it too). Stat reports the server's
// full-object checksum when there is one and that record otherwise. Open verifies the stream
// against the record; it reads without checksum mode, because minio-go would otherwise verify
// the server checksum itself and fail with an error that is not ErrChecksumMismatch. After every
// Put the target stats the new version and fails if the server did not apply the checksum,
// retention or legal hold it was asked for (a server that ignores object lock is caught here).
// New refuses a bucket without object lock enabled.
//
// # Object lock
//
// Retention (mode and until-date) and legal hold are set in the same request that creates the
// object, never afterwards. They are read back from the HEAD response headers
// (X-Amz-Object-Lock-Mode, -Retain-Until-Date, -Legal-Hold), which AWS S3, MinIO and
// versitygw all send; GetObjectRetention is not used because versitygw 1.8 answers it with an
// XML document minio-go cannot parse. Delete removes every version and delete marker of the
// key, after checking that none is locked, and never sends the governance bypass; a refusal by
// the server is wrapped in ErrLocked.
//
// # Retries
//
// minio-go retries each request itself: on connection errors and timeouts, on HTTP 408, 429,
// 499, 500, 502, 503, 504 and 520, and on the S3 codes RequestTimeout, Throttling, SlowDown,
// InternalError, ExpiredToken and kin, with exponential backoff and full jitter (200 ms doubling,
// capped at 1 s between attempts), up to Config.MaxRetries attempts (default 5 here, minio-go's
// own default is 10), and only when the request body can be rewound. The target makes every
// body rewindable (it buffers the object, or one part, in memory), so all requests are retried;
// it adds no retry loop of its own. A GET that fails while the body is streaming is not
// retried: the reader returns the error. A multipart upload that fails is aborted.
//
// s3target does not import package target (target imports it); it speaks objstore's types.
package s3target
