package export_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// Benchmark sizes: ZAAKARCHIEF_EXPORT_BENCH_DOCS documents (default 1000) of together
// ZAAKARCHIEF_EXPORT_BENCH_BYTES bytes (default 64 MiB; the figure is 1 GiB:
// ZAAKARCHIEF_EXPORT_BENCH_BYTES=1073741824).
func benchSize(b *testing.B) (docs int, total int64) {
	docs, total = 1000, 64<<20
	if v := os.Getenv("ZAAKARCHIEF_EXPORT_BENCH_DOCS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("ZAAKARCHIEF_EXPORT_BENCH_DOCS=%q", v)
		}
		docs = n
	}
	if v := os.Getenv("ZAAKARCHIEF_EXPORT_BENCH_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < int64(docs) {
			b.Fatalf("ZAAKARCHIEF_EXPORT_BENCH_BYTES=%q", v)
		}
		total = n
	}
	return docs, total
}

// pseudoPDF is a reader of size bytes that starts like a PDF and goes on with incompressible
// bytes, as the compressed streams of a real PDF do.
type pseudoPDF struct {
	rng  *rand.ChaCha8
	left int64
	head []byte
}

func (p *pseudoPDF) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, nil
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n := copy(b, p.head)
	p.head = p.head[n:]
	if n < len(b) {
		_, _ = p.rng.Read(b[n:])
	}
	p.left -= int64(len(b))
	return len(b), nil
}

// peakSampler polls the Go runtime's heap and total mapped memory while an export runs.
type peakSampler struct {
	stop      chan struct{}
	wg        sync.WaitGroup
	heap, all uint64
}

func startSampler() *peakSampler {
	s := &peakSampler{stop: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			s.heap = max(s.heap, samples[0].Value.Uint64())
			s.all = max(s.all, samples[1].Value.Uint64())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *peakSampler) done() { close(s.stop); s.wg.Wait() }

// peakRSS reads this process's peak resident set (VmHWM) in bytes; resetPeakRSS starts it anew
// (Linux: writing 5 to /proc/self/clear_refs).
func peakRSS() uint64 { return peakRSSOf("/proc/self/status") }

// peakRSSOf reads VmHWM from a /proc/PID/status file; 0 when it cannot.
func peakRSSOf(status string) uint64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200) }

// BenchmarkExport1000Documents exports one dossier of many documents (see benchSize) to a file
// and, in the same run, zips the same files with `zip -r`. It reports our throughput, the time
// ratio to zip, our peak Go heap and peak RSS during the export, and zip's peak RSS. Memory must
// stay flat: the export streams, so its peak does not grow with the dossier.
func BenchmarkExport1000Documents(b *testing.B) {
	zipBin, err := exec.LookPath("zip")
	if err != nil {
		ciOrSkip(b, "zip is not installed (apt-get install -y zip)")
	}
	docs, total := benchSize(b)
	s := newStack(b, nil)
	ctx := context.Background()
	start := dossier.DatumVan(2026, 1, 5)
	z, err := s.svc.CreateZaak(ctx, daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: daemontest.Zaaktype, Omschrijving: "Benchmark", Startdatum: &start})
	s.must(err)
	s.SetStatus(daemontest.GemeenteActor, z.Identificatie, daemontest.Fase2)
	s.SetStatus(daemontest.OmgevingsdienstActor, z.Identificatie, daemontest.Fase3)
	rng := rand.NewChaCha8([32]byte{1})
	size := total / int64(docs)
	for i := range docs {
		s.upload(daemontest.OmgevingsdienstActor, z.Identificatie, doc{iot: "adviesrapport", titel: fmt.Sprintf("Advies %d", i), naam: fmt.Sprintf("advies-%d.pdf", i),
			content: readAll(b, &pseudoPDF{rng: rng, left: size, head: []byte("%PDF-1.7\n")})})
	}
	// The same files, under the same names, for zip -r: hard links to the blobs, no copies.
	out := b.TempDir()
	first, _ := s.exportFile(daemontest.RecordmanagerActor, z.Identificatie)
	tree := filepath.Join(b.TempDir(), "tree")
	bySHA := map[string]string{} // sha256 -> path in the bag, from the export's own manifest
	for p, sum := range readBag(b, first, "manifest-sha256.txt").manifest(b, "manifest-sha256.txt") {
		bySHA[sum] = p
	}
	for _, doc := range s.ReadDossier(z.Identificatie).Documenten {
		dst := filepath.Join(tree, filepath.FromSlash(bySHA[doc.SHA256]))
		s.must(os.MkdirAll(filepath.Dir(dst), 0o750))
		s.must(os.Link(filepath.Join(s.blobDir, doc.SHA256[:2], doc.SHA256), dst))
	}
	s.must(os.Remove(first))
	runtime.GC()

	var ours, theirs, theirsStore time.Duration
	var heapPeak, allPeak, rssPeak, zipRSS, zipStoreRSS uint64
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(out, fmt.Sprintf("export-%d.zip", i))
		runtime.GC()
		resetPeakRSS()
		sampler := startSampler()
		t0 := time.Now()
		if _, err := s.exp.ExportFile(ctx, daemontest.RecordmanagerActor, z.Identificatie, dst); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t0)
		sampler.done()
		heapPeak, allPeak, rssPeak = max(heapPeak, sampler.heap), max(allPeak, sampler.all), max(rssPeak, peakRSS())
		b.StopTimer()
		s.must(os.Remove(dst))
		for _, run := range []struct {
			args []string
			dur  *time.Duration
			rss  *uint64
		}{{[]string{"-r", "-q"}, &theirs, &zipRSS}, {[]string{"-r", "-q", "-0"}, &theirsStore, &zipStoreRSS}} {
			d, rss := runZip(b, zipBin, tree, filepath.Join(out, fmt.Sprintf("zip-%d.zip", i)), run.args)
			*run.dur += d
			*run.rss = max(*run.rss, rss)
		}
		b.StartTimer()
	}
	b.StopTimer()
	const mib = 1 << 20
	b.ReportMetric(float64(ours)/float64(theirs), "x-zip-time")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N), "zip-ns/op")
	b.ReportMetric(float64(heapPeak)/mib, "peak-heap-MiB")
	b.ReportMetric(float64(allPeak)/mib, "peak-go-MiB")
	b.ReportMetric(float64(rssPeak)/mib, "peak-rss-MiB")
	b.ReportMetric(float64(zipRSS)/mib, "zip-rss-MiB")
	b.ReportMetric(float64(ours)/float64(theirsStore), "x-zip0-time")
	b.ReportMetric(float64(zipStoreRSS)/mib, "zip0-rss-MiB")
	if heapPeak > 100*mib {
		b.Errorf("peak heap %d MiB during the export: it must stay flat, well under 100 MiB", heapPeak/mib)
	}
}

// runZip runs zip with args over dir into out, and returns how long it took and its peak RSS.
// The child's rusage is no good for the RSS: Go starts it with vfork, so its ru_maxrss can be
// ours. Its own peak (VmHWM) is polled while it runs instead.
func runZip(b *testing.B, bin, dir, out string, args []string) (time.Duration, uint64) {
	cmd := exec.Command(bin, append(args, out, ".")...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatalf("zip: %v", err)
	}
	stop := make(chan struct{})
	var polled uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			polled = max(polled, peakRSSOf(status))
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	d := time.Since(t)
	close(stop)
	wg.Wait()
	if err != nil {
		b.Fatalf("zip %v: %v %s", args, err, stderr.String())
	}
	if err := os.Remove(out); err != nil {
		b.Fatal(err)
	}
	return d, polled
}

func readAll(b *testing.B, r *pseudoPDF) []byte {
	out := make([]byte, 0, r.left)
	buf := make([]byte, 64<<10)
	for {
		n, _ := r.Read(buf)
		if n == 0 {
			return out
		}
		out = append(out, buf[:n]...)
	}
}
