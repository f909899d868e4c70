package s3target_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/s3target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/archive/target/targettest"
)

// uploadRequest is what a recording proxy saw of one object or part upload.
type uploadRequest struct {
	path, query string
	header      http.Header
}

// TestUploadsSendSignedPayloadHashAndChecksumHeader records the requests on their way to
// versitygw and checks that every object and part upload carries the SHA-256 as the signed
// payload hash and as x-amz-checksum-sha256, with no streaming signature or trailer.
func TestUploadsSendSignedPayloadHashAndChecksumHeader(t *testing.T) {
	srv := s3test.Start(t)
	upstream, err := url.Parse("http://" + srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen []uploadRequest
	)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(upstream)
		pr.Out.Host = pr.In.Host // the signature covers Host
		q := pr.In.URL.Query()
		isObject := strings.Count(strings.Trim(pr.In.URL.Path, "/"), "/") >= 1
		if pr.In.Method == http.MethodPut && isObject && (len(q) == 0 || q.Has("partNumber")) {
			mu.Lock()
			seen = append(seen, uploadRequest{pr.In.URL.Path, pr.In.URL.RawQuery, pr.In.Header.Clone()})
			mu.Unlock()
		}
	}})
	defer proxy.Close()

	cfg := s3target.Config{Endpoint: strings.TrimPrefix(proxy.URL, "http://"), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: s3target.MinPartSize}
	tg, err := s3target.New(t.Context(), s3test.BucketName(), "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("klein archiefstuk")
	if _, err := tg.Put(t.Context(), "klein", bytes.NewReader(small), int64(len(small)), objstore.PutOptions{SHA256: sha256.Sum256(small)}); err != nil {
		t.Fatal(err)
	}
	const bigSize = s3target.MinPartSize + 1<<20 // two parts
	if _, err := tg.Put(t.Context(), "groot", targettest.Data(1, bigSize), bigSize, objstore.PutOptions{SHA256: targettest.DataSHA256(1, bigSize)}); err != nil {
		t.Fatal(err)
	}

	if len(seen) != 3 {
		t.Fatalf("proxy saw %d uploads, want 1 object and 2 parts: %+v", len(seen), seen)
	}
	for _, r := range seen {
		payload := r.header.Get("X-Amz-Content-Sha256")
		sum, err := hex.DecodeString(payload)
		if err != nil || len(sum) != 32 {
			t.Errorf("%s?%s: X-Amz-Content-Sha256 = %q, want the payload's hex SHA-256 (no streaming or unsigned payload)", r.path, r.query, payload)
			continue
		}
		if got, want := r.header.Get("X-Amz-Checksum-Sha256"), base64.StdEncoding.EncodeToString(sum); got != want {
			t.Errorf("%s?%s: x-amz-checksum-sha256 = %q, want %q", r.path, r.query, got, want)
		}
		for _, h := range []string{"X-Amz-Trailer", "X-Amz-Decoded-Content-Length"} {
			if v := r.header.Get(h); v != "" {
				t.Errorf("%s?%s: %s = %q, want none", r.path, r.query, h, v)
			}
		}
		if strings.Contains(r.header.Get("Content-Encoding"), "aws-chunked") {
			t.Errorf("%s?%s: aws-chunked encoding", r.path, r.query)
		}
	}
}
