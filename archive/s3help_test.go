package archive_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"zaakarchief/archive/target/s3target/s3test"
)

// versions counts the stored versions of every key in bucket, straight from the server.
func versions(tb testing.TB, srv *s3test.Server, bucket string) map[string]int {
	tb.Helper()
	c := minioClient(tb, srv)
	out := map[string]int{}
	for oi := range c.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
		if oi.Err != nil {
			tb.Fatal(oi.Err)
		}
		if !oi.IsDeleteMarker {
			out[oi.Key]++
		}
	}
	return out
}

func minioClient(tb testing.TB, srv *s3test.Server) *minio.Client {
	tb.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Fault is what the proxy does with one request.
type fault int

const (
	pass    fault = iota // forward it
	fail503              // answer 503 SlowDown without forwarding
	cut                  // close the connection without an answer
)

// proxy is a real HTTP proxy on loopback in front of an S3 server that injects faults: it
// forwards requests as they are (the SigV4 signature covers the proxy's host, which it keeps),
// after an optional delay, unless the rule says to fail them.
type proxy struct {
	Endpoint string
	delay    atomic.Int64 // nanoseconds before each forwarded request
	mu       sync.Mutex
	rule     func(r *http.Request, n int) fault
	seen     map[string]int // requests per method+path
	faults   atomic.Int64
}

func newProxy(tb testing.TB, upstream string) *proxy {
	tb.Helper()
	u, _ := url.Parse("http://" + upstream)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	p := &proxy{seen: map[string]int{}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		k := r.Method + " " + r.URL.Path
		p.seen[k]++
		n := p.seen[k]
		rule := p.rule
		p.mu.Unlock()
		f := pass
		if rule != nil {
			f = rule(r, n)
		}
		switch f {
		case fail503:
			p.faults.Add(1)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected by the test proxy</Message></Error>`))
			return
		case cut:
			p.faults.Add(1)
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		if d := time.Duration(p.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		rp.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(l)
	tb.Cleanup(func() { hs.Close() })
	p.Endpoint = l.Addr().String()
	return p
}

// setRule installs the fault rule; n is the how-manieth time this method and path was seen.
func (p *proxy) setRule(rule func(r *http.Request, n int) fault) {
	p.mu.Lock()
	p.rule = rule
	p.mu.Unlock()
}

// forZaak reports whether a request is about an object of zaak.
func forZaak(r *http.Request, zaak string) bool {
	return strings.Contains(r.URL.Path, "/"+zaak+"/")
}
