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
	"time"

	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/s3target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/archive/target/targettest"
)

// wireRequest is what a recording proxy saw of one request.
type wireRequest struct {
	method, path, query string
	header              http.Header
}

func (r wireRequest) isUpload() bool {
	q, _ := url.ParseQuery(r.query)
	isObject := strings.Count(strings.Trim(r.path, "/"), "/") >= 1
	return r.method == http.MethodPut && isObject && (len(q) == 0 || q.Has("partNumber"))
}

// TestUploadsSendChecksumHeaderAndSkipReadBackOnceProven records the requests on their way to
// versitygw. Every object and part upload carries x-amz-checksum-sha256, never a streaming
// signature or trailer. The first upload also signs the SHA-256 as its payload hash and is read
// back with a HEAD (the server has not yet shown that it verifies the header and applies the
// lock); once its response has echoed the checksum and the HEAD showed the retention, uploads
// go with UNSIGNED-PAYLOAD and without the HEAD.
func TestUploadsSendChecksumHeaderAndSkipReadBackOnceProven(t *testing.T) {
	srv := s3test.Start(t)
	upstream, err := url.Parse("http://" + srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen []wireRequest
	)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(upstream)
		pr.Out.Host = pr.In.Host // the signature covers Host
		mu.Lock()
		seen = append(seen, wireRequest{pr.In.Method, pr.In.URL.Path, pr.In.URL.RawQuery, pr.In.Header.Clone()})
		mu.Unlock()
	}})
	defer proxy.Close()

	cfg := s3target.Config{Endpoint: strings.TrimPrefix(proxy.URL, "http://"), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: s3target.MinPartSize}
	tg, err := s3target.New(t.Context(), s3test.BucketName(), "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	lock := &objstore.Retention{Mode: objstore.Compliance, Until: time.Now().Add(time.Hour)}
	const bigSize = s3target.MinPartSize + 1<<20 // two parts
	steps := []struct {
		key      string
		data     []byte
		signed   bool // payload hash signed (else UNSIGNED-PAYLOAD)
		readBack bool // a HEAD after the upload
	}{
		{"eerste", []byte("eerste archiefstuk"), true, true},
		{"tweede", []byte("tweede archiefstuk"), false, false},
		{"groot", nil, false, false},
	}
	for _, st := range steps {
		mu.Lock()
		seen = nil
		mu.Unlock()
		var info objstore.ObjectInfo
		if st.data != nil {
			info, err = tg.Put(t.Context(), st.key, bytes.NewReader(st.data), int64(len(st.data)), objstore.PutOptions{SHA256: sha256.Sum256(st.data), Retention: lock})
		} else {
			info, err = tg.Put(t.Context(), st.key, targettest.Data(1, bigSize), bigSize, objstore.PutOptions{SHA256: targettest.DataSHA256(1, bigSize), Retention: lock})
		}
		if err != nil {
			t.Fatal(err)
		}
		if info.Retention == nil || info.Retention.Mode != objstore.Compliance {
			t.Errorf("%s: Put reports retention %+v", st.key, info.Retention)
		}
		mu.Lock()
		reqs := seen
		mu.Unlock()
		uploads, heads := 0, 0
		for _, r := range reqs {
			if r.method == http.MethodHead {
				heads++
			}
			if !r.isUpload() {
				continue
			}
			uploads++
			payload := r.header.Get("X-Amz-Content-Sha256")
			b64 := r.header.Get("X-Amz-Checksum-Sha256")
			sum, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || len(sum) != 32 {
				t.Errorf("%s %s?%s: x-amz-checksum-sha256 = %q, want a base64 SHA-256", st.key, r.path, r.query, b64)
				continue
			}
			switch {
			case st.signed && payload != hex.EncodeToString(sum):
				t.Errorf("%s %s?%s: X-Amz-Content-Sha256 = %q, want the payload's hex SHA-256 %x", st.key, r.path, r.query, payload, sum)
			case !st.signed && payload != "UNSIGNED-PAYLOAD":
				t.Errorf("%s %s?%s: X-Amz-Content-Sha256 = %q, want UNSIGNED-PAYLOAD", st.key, r.path, r.query, payload)
			}
			for _, h := range []string{"X-Amz-Trailer", "X-Amz-Decoded-Content-Length"} {
				if v := r.header.Get(h); v != "" {
					t.Errorf("%s %s?%s: %s = %q, want none", st.key, r.path, r.query, h, v)
				}
			}
			if strings.Contains(r.header.Get("Content-Encoding"), "aws-chunked") {
				t.Errorf("%s %s?%s: aws-chunked encoding", st.key, r.path, r.query)
			}
		}
		wantUploads := 1
		if st.data == nil {
			wantUploads = 2
		}
		if uploads != wantUploads {
			t.Errorf("%s: proxy saw %d uploads, want %d", st.key, uploads, wantUploads)
		}
		if got := heads > 0; got != st.readBack {
			t.Errorf("%s: %d HEAD requests after the upload, want read-back %v", st.key, heads, st.readBack)
		}
	}
	// What Put reported without reading back is what the server has.
	for _, st := range steps {
		info, err := tg.Stat(t.Context(), st.key)
		if err != nil {
			t.Fatal(err)
		}
		if info.Retention == nil || info.Retention.Mode != objstore.Compliance || info.Retention.Until.Before(lock.Until.Truncate(time.Second)) {
			t.Errorf("%s: server has retention %+v, want COMPLIANCE until %s", st.key, info.Retention, lock.Until)
		}
	}
}
