package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// contentReader yields n deterministic pseudo-random bytes for seed, without holding them.
type contentReader struct {
	rng *rand.ChaCha8
	n   int64
}

func newContent(seed uint64, n int64) *contentReader {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &contentReader{rng: rand.NewChaCha8(s), n: n}
}

func (c *contentReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, _ := c.rng.Read(p)
	c.n -= int64(n)
	return n, nil
}

// streamUpload uploads size bytes of deterministic content through an io.Pipe and a multipart
// writer, so that neither side holds the file, and returns the recorded document.
func (s *stack) streamUpload(tb testing.TB, c *daemontest.Client, zaak string, seed uint64, size int64) dossier.Document {
	tb.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := addMetadataPart(mw, docMeta(iotAanvraag, fmt.Sprintf("bestand-%d.bin", seed)))
		var fw io.Writer
		if err == nil {
			fw, err = mw.CreateFormFile("inhoud", "bestand.bin")
		}
		if err == nil {
			_, err = io.Copy(fw, newContent(seed, size))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	r := c.Do(http.MethodPost, zaakPath(zaak, "documenten"), mw.FormDataContentType(), pr)
	if r.Code != http.StatusCreated {
		tb.Fatalf("upload: %s", r)
	}
	var d dossier.Document
	if err := json.Unmarshal(r.Body, &d); err != nil {
		tb.Fatal(err)
	}
	return d
}

// heapSampler records the peak of HeapInuse and Sys while it runs.
type heapSampler struct {
	stop     chan struct{}
	done     sync.WaitGroup
	peakHeap atomic.Uint64
	peakSys  atomic.Uint64
	base     runtime.MemStats
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{})}
	runtime.ReadMemStats(&h.base)
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > h.peakHeap.Load() {
				h.peakHeap.Store(m.HeapInuse)
			}
			if m.Sys > h.peakSys.Load() {
				h.peakSys.Store(m.Sys)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peaks in MiB, and HeapInuse before.
func (h *heapSampler) Stop() (peakHeap, peakSys, baseHeap float64) {
	close(h.stop)
	h.done.Wait()
	const mib = 1 << 20
	return float64(h.peakHeap.Load()) / mib, float64(h.peakSys.Load()) / mib, float64(h.base.HeapInuse) / mib
}

// maxPeakHeapMiB is what a streamed upload of any size may take on the heap of the whole
// process (client and server): uploads are streamed, never held.
const maxPeakHeapMiB = 64

func TestStreamedUploadKeepsTheHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 128 MiB")
	}
	const size = 128 << 20
	s := newStack(t)
	zaak, tok := s.zaakInFase(t, 1)
	h := startHeapSampler()
	d := s.streamUpload(t, tok.gemeente, zaak, 42, size)
	peak, sys, base := h.Stop()
	t.Logf("128 MiB upload: heap in use %.1f MiB before, peak %.1f MiB; peak Sys %.1f MiB", base, peak, sys)
	if peak > maxPeakHeapMiB {
		t.Errorf("peak heap %.1f MiB during a 128 MiB upload, want < %d MiB", peak, maxPeakHeapMiB)
	}
	want := sha256.New()
	io.Copy(want, newContent(42, size))
	if d.Bestandsomvang != size || d.SHA256 != hex.EncodeToString(want.Sum(nil)) {
		t.Errorf("recorded %d bytes sha256 %s", d.Bestandsomvang, d.SHA256)
	}
}

// BenchmarkCreateZaak measures zaken registered per second over HTTP on loopback.
func BenchmarkCreateZaak(b *testing.B) {
	s := newStack(b)
	tok := s.Client(s.Token(daemontest.Gemeente, dossier.RolOrganisatie))
	body := []byte(`{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"Verbouwing Dorpsstraat 1","startdatum":"2026-01-05"}`)
	for b.Loop() {
		r := tok.Do(http.MethodPost, "/api/v1/zaken", "application/json", bytes.NewReader(body))
		if r.Code != http.StatusCreated {
			b.Fatalf("create zaak: %s", r)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "zaken/s")
}

// BenchmarkUpload measures the throughput of document uploads of 8 MiB (each different
// content) over HTTP on loopback, hashed and synced to the blob store.
func BenchmarkUpload(b *testing.B) {
	const size = 8 << 20
	s := newStack(b)
	zaak, tok := s.zaakInFase(b, 1)
	b.SetBytes(size)
	var seed uint64
	for b.Loop() {
		seed++
		s.streamUpload(b, tok.gemeente, zaak, seed, size)
	}
}

// BenchmarkUpload1GiBPeakHeap streams a 1 GiB document and reports the peak heap of the whole
// process; it fails when the heap grows with the file.
func BenchmarkUpload1GiBPeakHeap(b *testing.B) {
	const size = 1 << 30
	s := newStack(b)
	zaak, tok := s.zaakInFase(b, 1)
	b.SetBytes(size)
	var seed uint64
	var peak, sys, base float64
	for b.Loop() {
		seed++
		h := startHeapSampler()
		s.streamUpload(b, tok.gemeente, zaak, 1000+seed, size)
		p, y, bs := h.Stop()
		peak, sys, base = max(peak, p), max(sys, y), bs
	}
	b.ReportMetric(peak, "peak-heap-MiB")
	b.ReportMetric(sys, "peak-sys-MiB")
	b.ReportMetric(base, "base-heap-MiB")
	if peak > maxPeakHeapMiB {
		b.Errorf("peak heap %.1f MiB during a 1 GiB upload, want < %d MiB", peak, maxPeakHeapMiB)
	}
}
