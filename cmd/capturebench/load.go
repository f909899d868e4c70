package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// blockSize is the size of the pseudo-random block a document's content repeats.
const blockSize = 1 << 20

// inhoud is size bytes of content that no other upload of the run has: a shared
// pseudo-random block repeated, with the upload's number in its first 8 bytes, so that
// neither side can find it stored already, and the client spends no CPU making it.
type inhoud struct {
	block []byte
	id    [8]byte
	off   int64
	size  int64
}

func newInhoud(block []byte, id uint64, size int64) *inhoud {
	c := &inhoud{block: block, size: size}
	binary.BigEndian.PutUint64(c.id[:], id)
	return c
}

func (c *inhoud) Read(p []byte) (int, error) {
	if c.off >= c.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), c.size-c.off)]
	n := 0
	for n < len(p) {
		i := (c.off + int64(n)) % int64(len(c.block))
		n += copy(p[n:], c.block[i:])
	}
	if c.off < int64(len(c.id)) {
		copy(p, c.id[c.off:])
	}
	c.off += int64(n)
	return n, nil
}

// newBlock returns the pseudo-random block of a run.
func newBlock() []byte {
	b := make([]byte, blockSize)
	_, _ = rand.NewChaCha8([32]byte{'z', 'a', 'a', 'k'}).Read(b)
	return b
}

// framing is what a multipart/form-data upload to the daemon sends around the content: the
// metadata part and the inhoud part's header before it, the closing boundary after it.
type framing struct {
	contentType    string
	prefix, suffix []byte
}

func newFraming(meta any, bestandsnaam string) (framing, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err == nil {
		err = json.NewEncoder(pw).Encode(meta)
	}
	if err == nil {
		_, err = mw.CreateFormFile("inhoud", bestandsnaam)
	}
	if err != nil {
		return framing{}, fmt.Errorf("multipart framing: %w", err)
	}
	f := framing{contentType: mw.FormDataContentType(), prefix: bytes.Clone(buf.Bytes())}
	buf.Reset()
	if err := mw.Close(); err != nil {
		return framing{}, fmt.Errorf("multipart framing: %w", err)
	}
	f.suffix = bytes.Clone(buf.Bytes())
	return f, nil
}

// body returns the request body around content of size bytes, and its length.
func (f framing) body(content io.Reader, size int64) (io.Reader, int64) {
	return io.MultiReader(bytes.NewReader(f.prefix), content, bytes.NewReader(f.suffix)),
		int64(len(f.prefix)) + size + int64(len(f.suffix))
}

// client sends the benchmark's requests.
type client struct {
	http *http.Client
}

func newClient(conns int) *client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, DisableCompression: true,
		WriteBufferSize: 256 << 10, ReadBufferSize: 64 << 10}
	return &client{http: &http.Client{Transport: tr}}
}

// post sends a request and returns the answer's body, failing unless it is 201 Created.
func (c *client) post(ctx context.Context, url, token, contentType string, body io.Reader, length int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	if res.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("POST %s: %s: %s", url, res.Status, b)
	}
	return b, nil
}

// parallel sends n requests from clients goroutines, each made by send(i), and returns each
// request's latency.
func parallel(ctx context.Context, n, clients int, send func(ctx context.Context, i int) error) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				if err := send(ctx, i); err != nil {
					errs <- err
					cancel()
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return lat, nil
}

// percentile returns the q-quantile (0..1) of ds by the nearest-rank method.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
