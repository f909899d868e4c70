// Package s3test provides a real S3 server for tests: Start runs versitygw (posix back end,
// versioning on, object lock available) on a free 127.0.0.1 port and stops it when the test
// ends, or hands out the external server named by ZAAKARCHIEF_S3_ENDPOINT. Without either, the
// test is skipped, except under CI=true, where it fails.
//
// It imports only the standard library, so any package's tests can use it, s3target's own
// internal tests included. It is never imported by production code.
package s3test
