// Package targettest is the test suite every archive target back end passes (Run), after
// restic's shared backend tests: the same cases run against the local directory and against a
// real S3 server with object lock (started by package s3target/s3test). It also generates big
// deterministic test objects as streams (Data, DataSHA256).
//
// It is imported only from _test.go files. It owns no production code path.
package targettest
