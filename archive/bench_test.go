package archive_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchSizes are the sizes of a zaak's documents: a geometric spread from 64 KiB to 4 MiB.
func benchSizes(n int) []int {
	out := make([]int, n)
	for j := range n {
		f := 0.0
		if n > 1 {
			f = float64(j) / float64(n-1)
		}
		out[j] = int(64 << 10 * math.Pow(64, f))
	}
	return out
}

// benchContent is incompressible content that DetectFormaat identifies as PDF 1.7.
func benchContent(seed uint64, size int) []byte {
	b := make([]byte, size)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), 7})
	r.Read(b)
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	copy(b[size-7:], "\n%%EOF\n")
	return b
}

// benchZaak registers a zaak with the given documents only and closes it (Geweigerd).
func (e *env) benchZaak(i int, sizes []int) string {
	e.tb.Helper()
	ctx := context.Background()
	z, err := e.svc.CreateZaak(ctx, daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: daemontest.Zaaktype, Omschrijving: fmt.Sprintf("Benchmark zaak %d", i)})
	if err != nil {
		e.tb.Fatal(err)
	}
	for j, size := range sizes {
		e.AddDocument(daemontest.GemeenteActor, z.Identificatie, daemontest.Document{Informatieobjecttype: "bijlage", Titel: fmt.Sprintf("Bijlage %d", j+1), Bestandsnaam: fmt.Sprintf("bijlage-%d.pdf", j+1), Content: benchContent(uint64(i*1000+j), size)})
	}
	e.SetStatus(daemontest.GemeenteActor, z.Identificatie, daemontest.Fase2)
	e.SetStatus(daemontest.OmgevingsdienstActor, z.Identificatie, daemontest.Fase3)
	e.SetStatus(daemontest.OmgevingsdienstActor, z.Identificatie, daemontest.Fase4)
	if _, err := e.svc.SetResultaat(ctx, daemontest.GemeenteActor, z.Identificatie, dossier.NieuwResultaat{Resultaattype: daemontest.Geweigerd}); err != nil {
		e.tb.Fatal(err)
	}
	e.SetStatus(daemontest.GemeenteActor, z.Identificatie, daemontest.Fase5)
	return z.Identificatie
}

// resetArchive puts every zaak back in archiefstatus nog_te_archiveren and empties the journal,
// so that each benchmark iteration archives the same zaken again (benchmark setup only).
func (e *env) resetArchive() {
	e.tb.Helper()
	ctx := context.Background()
	err := e.db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, q := range []string{`UPDATE zaken SET archiefstatus = 'nog_te_archiveren'`, `UPDATE documenten SET status = 'definitief'`,
			`DELETE FROM archief_inhoud`, `DELETE FROM archief_objecten`, `DELETE FROM archief_pakketten`, `DELETE FROM archief_items`, `DELETE FROM archief_runs`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	// The deletes above fill the write-ahead log; copying it back into the database is this
	// setup's cost, not the next timed run's.
	if _, err := e.db.W.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		e.tb.Fatal(err)
	}
}

// withoutEnv drops one variable from an environment list.
func withoutEnv(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// journalObject is an object the archive wrote, as its journal has it.
type journalObject struct {
	key, blob string
	size      int64
	sha       [32]byte
	inhoud    []byte
}

func (e *env) journalObjects() []journalObject {
	e.tb.Helper()
	var out []journalObject
	err := e.db.View(context.Background(), func(tx *sqldb.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT o.sleutel, o.blob, o.grootte, o.sha256, i.inhoud FROM archief_objecten o
			LEFT JOIN archief_inhoud i ON i.zaak = o.zaak AND i.sleutel = o.sleutel ORDER BY o.zaak, o.volgorde`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o journalObject
			var inhoud sql.NullString
			var sha string
			if err := rows.Scan(&o.key, &o.blob, &o.size, &sha, &inhoud); err != nil {
				return err
			}
			sum, err := hex.DecodeString(sha)
			if err != nil {
				return err
			}
			copy(o.sha[:], sum)
			o.inhoud = []byte(inhoud.String)
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return out
}

// peakHeap samples the Go heap in use while a leg runs and returns its peak above the heap in
// use when the leg started (after a collection), in MiB: what the leg itself needed, without
// what the benchmark holds (the journal objects of every package, at 1,000 zaken some 100 MiB).
func peakHeap(fn func()) float64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return float64(peak.Load()-min(base, peak.Load())) / (1 << 20)
}

// BenchmarkArchiveVersusPlainCopy archives ZAAKARCHIEF_BENCH_ZAKEN zaken (default 50) of
// ZAAKARCHIEF_BENCH_DOCS documents (default 10, 64 KiB to 4 MiB, spread geometrically) to
// versitygw on loopback with ZAAKARCHIEF_BENCH_WORKERS writers (default 4): the full archive run
// with packaging, MDTO sidecars, retention, journal and verification. In the same iteration, at
// the same concurrency, it copies the same document files with a plain minio-go PutObject loop
// (minio); every object the archive writes, sidecars included, with that same loop (minio-sip:
// the package's requests without the archive's work); the same objects through the archive's
// own target (target-sip: its checksums and locks, without packaging, journal and
// verification); and the document files with `rclone copy` when rclone is on PATH.
//
// MB/s counts the documents' bytes for every leg; ratio-X is archive MB/s over X's MB/s over
// all iterations, ratio-minio-median the median of the per-iteration ratios. Each iteration
// starts with the next leg in turn (ZAAKARCHIEF_BENCH_ROTATE=N starts the first iteration at
// leg N), and before every leg the disk is synced, untimed, so that no leg pays for the
// write-back or discards the previous one left. Before the iterations, ZAAKARCHIEF_BENCH_WARMUP
// rounds (default 1) run every leg once untimed, their walls logged: the legs right after the
// setup can run slower, whichever leg comes first. Peak heap is the leg's own: sampled every
// 20 ms while it runs, less the heap in use when it started. *-client-cpu-s and *-server-cpu-s are the CPU seconds (user and system) this process
// and versitygw used per iteration of a leg: on a two-core machine both share the cores, so a
// leg's wall time follows its total CPU. ZAAKARCHIEF_BENCH_CPUPROFILE=FILE profiles every leg
// but rclone's into FILE.leg; ZAAKARCHIEF_BENCH_RCLONE=off skips the rclone leg; ZAAKARCHIEF_S3_DIR=/dev/shm puts
// versitygw's data on a tmpfs (see s3test), which takes the disk and the file system's
// per-object cost out of every leg. ZAAKARCHIEF_BENCH_SERVERPROFILE=FILE profiles versitygw
// during each leg (see profile).
//
// On loopback nothing limits a transfer but the CPU, which client and server share: the ratios
// then compare the CPU each leg needs, not how well the archive's work hides behind a network.
// ZAAKARCHIEF_BENCH_LINK=RATE (a tc rate such as 1gbit; needs root) limits the loopback
// interface to that rate with a token bucket while the benchmark runs, so that every leg
// shares one link of known speed; it shapes all loopback traffic of the machine meanwhile.
// ZAAKARCHIEF_BENCH_SPLIT=1 gives client and server cores of their own while the legs run (see
// splitCPUs); with ZAAKARCHIEF_S3_DIR on a file system of its own as well, the server stands
// for a machine at the other end of a network as fast as loopback, and each leg's client work
// either hides behind the server's or shows in the wall time.
//
//	go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 5x
//	ZAAKARCHIEF_BENCH_ZAKEN=1000 go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 1x -timeout 3h
//	ZAAKARCHIEF_BENCH_LINK=1gbit go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 3x
//	ZAAKARCHIEF_BENCH_SPLIT=1 go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 3x
func BenchmarkArchiveVersusPlainCopy(b *testing.B) {
	nZaken := envInt("ZAAKARCHIEF_BENCH_ZAKEN", 50)
	nDocs := envInt("ZAAKARCHIEF_BENCH_DOCS", 10)
	workers := envInt("ZAAKARCHIEF_BENCH_WORKERS", 4)
	serverPprof := ""
	if os.Getenv("ZAAKARCHIEF_BENCH_SERVERPROFILE") != "" {
		// versitygw serves net/http/pprof on the address in VGW_PPROF.
		serverPprof = freeAddr(b)
		b.Setenv("VGW_PPROF", serverPprof)
	}
	link := os.Getenv("ZAAKARCHIEF_BENCH_LINK")
	if link != "" {
		shapeLoopback(b, link)
	}
	srv := s3test.Start(b)
	e := newEnv(b)
	sizes := benchSizes(nDocs)
	var docBytes int64
	for _, s := range sizes {
		docBytes += int64(s)
	}
	docBytes *= int64(nZaken)
	for i := range nZaken {
		e.benchZaak(i, sizes)
	}
	// The files every leg copies: the documents' blobs.
	type file struct {
		path string
		size int64
	}
	var files []file
	err := e.db.View(context.Background(), func(tx *sqldb.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT sha256, bestandsomvang FROM documenten ORDER BY zaak, geregistreerd`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f file
			var sha string
			if err := rows.Scan(&sha, &f.size); err != nil {
				return err
			}
			f.path = filepath.Join(e.blobDir, sha[:2], sha)
			files = append(files, f)
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	mc := minioClient(b, srv)
	ctx := context.Background()
	dropBucket := func(bucket string) { os.RemoveAll(filepath.Join(srv.DataDir, bucket)) } // frees the disk between legs
	rclone, _ := exec.LookPath("rclone")
	if os.Getenv("ZAAKARCHIEF_BENCH_RCLONE") == "off" {
		rclone = ""
	}

	// The objects an archive run writes (documents, MDTO sidecars, pakbon, manifest), from the
	// journal of an untimed first run, for the minio-sip and target-sip legs.
	warm := s3test.BucketName()
	if rep, err := e.archiver(s3Target(b, srv, srv.Endpoint, warm, 0), func(o *archive.Options) { o.Workers = workers }).Run(ctx, nil); err != nil || rep.Fouten != 0 {
		b.Fatalf("first archive run: %v %+v", err, rep)
	}
	objs := e.journalObjects()
	dropBucket(warm)

	// putAll writes every item with put on workers goroutines.
	putAll := func(n int, put func(i int) error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
					if err := put(int(i)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	// openObj opens an object's content: its blob or the generated bytes from the journal.
	openObj := func(o journalObject) (io.ReadCloser, error) {
		if o.blob == "" {
			return io.NopCloser(bytes.NewReader(o.inhoud)), nil
		}
		return os.Open(filepath.Join(e.blobDir, o.blob[:2], o.blob))
	}

	// A leg prepares untimed, runs timed (its wall time, CPU and peak heap measured), and
	// cleans up untimed: its bucket is removed and the disk synced, so that no leg pays for the
	// write-back or the discards of the one before it.
	type leg struct {
		name    string
		prepare func() (bucket string)
		run     func(bucket string)
		// summed over iterations
		wall time.Duration
		cpu  cpuUse
		heap float64
	}
	var written int64
	var legArchiver *archive.Archiver
	legs := []*leg{
		// The archiver's daemon is opened untimed; its target is opened in the run, timed.
		{name: "archive", prepare: func() string {
			e.resetArchive()
			bucket := s3test.BucketName()
			legArchiver = e.archiver(nil, func(o *archive.Options) {
				o.Workers = workers
				o.Target = func(context.Context) (target.Target, error) { return s3Target(b, srv, srv.Endpoint, bucket, 0), nil }
			})
			return bucket
		}, run: func(string) {
			rep, err := legArchiver.Run(ctx, nil)
			if err != nil || rep.Pakketten != nZaken || rep.Fouten != 0 {
				b.Fatalf("archive run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
			}
			written += rep.Bytes
		}},
		// Plain minio-go PutObject of the document files at the same concurrency.
		{name: "minio", run: func(bucket string) {
			putAll(len(files), func(i int) error {
				f, err := os.Open(files[i].path)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = mc.PutObject(ctx, bucket, fmt.Sprintf("plain/%05d.pdf", i), f, files[i].size, minio.PutObjectOptions{ContentType: "application/pdf"})
				return err
			})
		}},
		// The same plain loop over every object the archive writes: its requests without its work.
		{name: "minio-sip", run: func(bucket string) {
			putAll(len(objs), func(i int) error {
				r, err := openObj(objs[i])
				if err != nil {
					return err
				}
				defer r.Close()
				_, err = mc.PutObject(ctx, bucket, objs[i].key, r, objs[i].size, minio.PutObjectOptions{})
				return err
			})
		}},
		// The same objects through the archive's target (s3target.Put: SHA-256, object lock),
		// without the archive's packaging, journal and verification.
		{name: "target-sip", run: func(bucket string) {
			tsip := s3Target(b, srv, srv.Endpoint, bucket, 0)
			until := time.Now().AddDate(1, 0, 0)
			putAll(len(objs), func(i int) error {
				r, err := openObj(objs[i])
				if err != nil {
					return err
				}
				defer r.Close()
				_, err = tsip.Put(ctx, objs[i].key, r, objs[i].size, target.PutOptions{SHA256: objs[i].sha,
					Retention: &target.Retention{Mode: target.Compliance, Until: until}})
				return err
			})
		}},
	}
	for _, l := range legs[1:] {
		l.prepare = func() string {
			bucket := s3test.BucketName()
			if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
				b.Fatal(err)
			}
			return bucket
		}
	}
	if rclone != "" {
		// rclone copy of the blob directory at the same concurrency.
		legs = append(legs, &leg{name: "rclone", prepare: legs[1].prepare, run: func(bucket string) {
			cmd := exec.Command(rclone, "copy", e.blobDir, "bench:"+bucket+"/rclone", "--exclude", "tmp/**",
				"--transfers", strconv.Itoa(workers), "--checkers", strconv.Itoa(workers), "--s3-upload-cutoff", "64M",
				// rclone asks "Expect: 100-continue" for larger uploads; versitygw does not answer
				// it, so each such upload would wait out the 1 s timeout before sending its body.
				"--expect-continue-timeout", "0")
			// AWS_CA_BUNDLE (set on some machines) breaks rclone's s3 client; the endpoint is plain http.
			cmd.Env = append(withoutEnv(os.Environ(), "AWS_CA_BUNDLE"), "RCLONE_CONFIG_BENCH_TYPE=s3", "RCLONE_CONFIG_BENCH_PROVIDER=Other",
				"RCLONE_CONFIG_BENCH_ENDPOINT=http://"+srv.Endpoint, "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="+srv.AccessKey,
				"RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="+srv.SecretKey, "RCLONE_CONFIG_BENCH_REGION=us-east-1",
				"RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true", "RCLONE_CONFIG=/dev/null")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				b.Fatalf("rclone copy: %v\n%s", err, out.String())
			}
		}})
	}

	// Untimed warm-up rounds of every leg first (ZAAKARCHIEF_BENCH_WARMUP, default 1): the legs
	// right after the setup can run slower, whichever leg they are. In one 200-zaak run
	// versitygw's write(2) to its files cost 1.98, 1.63, 1.34 and 0.97 s in the four legs of the
	// first round, the same bytes each time (0.91 to 0.73 s in the next run); a single untimed
	// copy after the setup did not absorb it, and the archive leg, first in the first iteration,
	// paid for it. The rounds' walls are logged, so the effect can be seen.
	var ratios, ratiosSIP []float64 // per iteration: legs next to each other in time see the same load
	rotate := envInt("ZAAKARCHIEF_BENCH_ROTATE", 0)
	// round runs every leg once, starting with leg it+rotate, and returns their walls; timed
	// rounds count toward the results.
	round := func(it int, timed bool) map[string]time.Duration {
		walls := map[string]time.Duration{}
		for k := range legs {
			l := legs[(it+rotate+k)%len(legs)]
			bucket := l.prepare()
			syscall.Sync()
			c0 := readCPU(srv.Pid)
			if timed {
				b.StartTimer()
			}
			start := time.Now()
			heap := peakHeap(func() { profile(b, l.name, serverPprof, func() { l.run(bucket) }) })
			d := time.Since(start)
			b.StopTimer()
			if timed {
				l.heap = max(l.heap, heap)
				l.wall += d
				l.cpu = l.cpu.add(readCPU(srv.Pid).since(c0))
			}
			walls[l.name] = d
			dropBucket(bucket)
		}
		return walls
	}
	logWalls := func(what string, walls map[string]time.Duration) {
		b.Logf("%s: archive %.2fs, minio %.2fs, minio-sip %.2fs, target-sip %.2fs, rclone %.2fs", what,
			walls["archive"].Seconds(), walls["minio"].Seconds(), walls["minio-sip"].Seconds(), walls["target-sip"].Seconds(), walls["rclone"].Seconds())
	}
	b.StopTimer()
	// The setup above uses every core; the legs run on their share.
	split := os.Getenv("ZAAKARCHIEF_BENCH_SPLIT") != ""
	if split {
		splitCPUs(b, srv.Pid)
	}
	for w := range envInt("ZAAKARCHIEF_BENCH_WARMUP", 1) {
		before := written
		logWalls(fmt.Sprintf("warm-up round %d (untimed)", w), round(0, false))
		written = before
	}
	b.ResetTimer()
	b.StopTimer()
	for it := range b.N {
		// Each iteration starts with the next leg, so that no leg always comes first or last.
		walls := round(it, true)
		ratios = append(ratios, walls["minio"].Seconds()/walls["archive"].Seconds())
		ratiosSIP = append(ratiosSIP, walls["minio-sip"].Seconds()/walls["archive"].Seconds())
		logWalls(fmt.Sprintf("iteration %d", it), walls)
	}
	syscall.Sync()
	n := float64(b.N)
	median := func(xs []float64) float64 {
		ys := slices.Clone(xs)
		slices.Sort(ys)
		if len(ys)%2 == 1 {
			return ys[len(ys)/2]
		}
		return (ys[len(ys)/2-1] + ys[len(ys)/2]) / 2
	}
	mbps := func(d time.Duration) float64 { return float64(docBytes) * n / 1e6 / d.Seconds() }
	byName := map[string]*leg{}
	for _, l := range legs {
		byName[l.name] = l
	}
	arch := byName["archive"]
	b.ReportMetric(0, "ns/op")
	for _, l := range legs {
		b.ReportMetric(mbps(l.wall), l.name+"-MB/s")
		if l != arch {
			b.ReportMetric(mbps(arch.wall)/mbps(l.wall), "ratio-"+l.name)
		}
		if srv.Pid != 0 && l.name != "rclone" {
			b.ReportMetric(l.cpu.client.Seconds()/n, l.name+"-client-cpu-s")
			b.ReportMetric(l.cpu.server.Seconds()/n, l.name+"-server-cpu-s")
		}
	}
	b.ReportMetric(median(ratios), "ratio-minio-median")
	b.ReportMetric(median(ratiosSIP), "ratio-minio-sip-median")
	b.ReportMetric(arch.heap, "archive-peak-heap-MiB")
	b.ReportMetric(byName["minio"].heap, "minio-peak-heap-MiB")
	if rclone == "" {
		b.Log("rclone not on PATH (or ZAAKARCHIEF_BENCH_RCLONE=off): that leg is skipped")
	}
	if link == "" {
		link = "unlimited"
	}
	cores := "shared by client and server"
	if split {
		cores = "split between client and server"
	}
	b.Logf("%d zaken x %d documents, %.1f MB of documents, %d files; archive wrote %.1f MB in all (documents and metadata); %d workers; loopback %s; cores %s",
		nZaken, nDocs, float64(docBytes)/1e6, len(files), float64(written)/n/1e6, workers, link, cores)
}

// shapeLoopback limits the loopback interface to rate (tc's notation) with a token bucket
// filter until the benchmark ends. It needs CAP_NET_ADMIN and tc (Debian iproute2).
func shapeLoopback(b *testing.B, rate string) {
	out, err := exec.Command("tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", rate,
		"burst", "512kb", "latency", "100ms").CombinedOutput()
	if err != nil {
		b.Fatalf("ZAAKARCHIEF_BENCH_LINK=%s: limit the loopback interface: %v\n%s", rate, err, out)
	}
	b.Cleanup(func() {
		if out, err := exec.Command("tc", "qdisc", "del", "dev", "lo", "root").CombinedOutput(); err != nil {
			b.Errorf("remove the loopback limit: %v\n%s", err, out)
		}
	})
}

// splitCPUs gives this process the first half of the CPUs it may run on and the S3 server
// (process serverPid, every thread) the rest, until the benchmark ends, and sets GOMAXPROCS to
// the client's share. On one machine client and server otherwise compete for the same cores,
// and a leg's wall time follows the CPU both use together; a server on its own cores behaves
// as one across a network, where the client's work overlaps with the server's. It needs
// taskset (Debian util-linux) and at least two CPUs; new threads inherit the affinity of the
// thread that creates them.
func splitCPUs(b *testing.B, serverPid int) {
	if serverPid == 0 {
		b.Fatal("ZAAKARCHIEF_BENCH_SPLIT: the S3 server is external; its cores cannot be set")
	}
	out, err := exec.Command("taskset", "-p", strconv.Itoa(os.Getpid())).CombinedOutput()
	if err != nil {
		b.Fatalf("ZAAKARCHIEF_BENCH_SPLIT: read this process's CPUs: %v\n%s", err, out)
	}
	cpus, err := affinityCPUs(string(out))
	if err != nil || len(cpus) < 2 {
		b.Fatalf("ZAAKARCHIEF_BENCH_SPLIT: needs two CPUs or more, taskset says %q (%v)", strings.TrimSpace(string(out)), err)
	}
	join := func(xs []int) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.Itoa(x)
		}
		return strings.Join(s, ",")
	}
	client, server := cpus[:len(cpus)/2], cpus[len(cpus)/2:]
	pin := func(pid int, set []int) {
		if out, err := exec.Command("taskset", "-a", "-p", "-c", join(set), strconv.Itoa(pid)).CombinedOutput(); err != nil {
			b.Fatalf("ZAAKARCHIEF_BENCH_SPLIT: pin process %d to CPUs %s: %v\n%s", pid, join(set), err, out)
		}
	}
	pin(serverPid, server)
	pin(os.Getpid(), client)
	procs := runtime.GOMAXPROCS(len(client))
	b.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		pin(os.Getpid(), cpus)
	})
	b.Logf("cores: client (this process) %s, S3 server %s", join(client), join(server))
}

// affinityCPUs reads the CPUs of taskset -p's answer ("pid 1's current affinity mask: 3"):
// the mask in hexadecimal, lowest CPU first.
func affinityCPUs(out string) ([]int, error) {
	_, mask, ok := strings.Cut(out, "affinity mask:")
	if !ok {
		return nil, fmt.Errorf("no mask in %q", out)
	}
	mask = strings.ReplaceAll(strings.TrimSpace(mask), ",", "")
	var cpus []int
	for pos := 0; pos < len(mask); pos++ {
		d, err := strconv.ParseUint(mask[len(mask)-1-pos:len(mask)-pos], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("mask %q: %w", mask, err)
		}
		for bit := range 4 {
			if d&(1<<bit) != 0 {
				cpus = append(cpus, pos*4+bit)
			}
		}
	}
	return cpus, nil
}

// cpuUse is CPU time used so far by this process and by the S3 server process (user plus system).
type cpuUse struct{ client, server time.Duration }

// profile runs fn under the CPU profiler when ZAAKARCHIEF_BENCH_CPUPROFILE names a path: the
// profile of leg goes to that path with ".leg" appended (the last iteration's stays). When
// ZAAKARCHIEF_BENCH_SERVERPROFILE names a path, versitygw (serving pprof on serverPprof) is
// profiled for the first ZAAKARCHIEF_BENCH_SERVERPROFILE_SECONDS (default 5) of the leg, into
// that path with ".leg" appended: keep the legs longer than that.
func profile(b *testing.B, leg, serverPprof string, fn func()) {
	if sp := os.Getenv("ZAAKARCHIEF_BENCH_SERVERPROFILE"); sp != "" && serverPprof != "" {
		done := make(chan struct{})
		defer func() { <-done }()
		go func() {
			defer close(done)
			url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", serverPprof, envInt("ZAAKARCHIEF_BENCH_SERVERPROFILE_SECONDS", 5))
			resp, err := http.Get(url)
			if err != nil {
				b.Errorf("server profile: %v", err)
				return
			}
			defer resp.Body.Close()
			f, err := os.Create(sp + "." + leg)
			if err != nil {
				b.Errorf("server profile: %v", err)
				return
			}
			defer f.Close()
			if _, err := io.Copy(f, resp.Body); err != nil {
				b.Errorf("server profile: %v", err)
			}
		}()
	}
	p := os.Getenv("ZAAKARCHIEF_BENCH_CPUPROFILE")
	if p == "" {
		fn()
		return
	}
	f, err := os.Create(p + "." + leg)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	defer pprof.StopCPUProfile()
	fn()
}

func readCPU(serverPid int) cpuUse {
	var u cpuUse
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if serverPid == 0 {
		return u
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", serverPid))
	if err != nil {
		return u
	}
	// Fields after the command name (which may hold spaces, and ends with ')'): utime is the
	// 14th field, stime the 15th, in clock ticks (100 per second on Linux).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) > 12 {
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		u.server = time.Duration(ut+st) * 10 * time.Millisecond
	}
	return u
}

func (u cpuUse) since(start cpuUse) cpuUse {
	return cpuUse{u.client - start.client, u.server - start.server}
}

func (u cpuUse) add(v cpuUse) cpuUse { return cpuUse{u.client + v.client, u.server + v.server} }

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestAffinityCPUsReadsTasksetsMask(t *testing.T) {
	for _, c := range []struct {
		out  string
		want []int
	}{
		{"pid 7's current affinity mask: 3\n", []int{0, 1}},
		{"pid 7's current affinity mask: 2", []int{1}},
		{"pid 7's current affinity mask: f0", []int{4, 5, 6, 7}},
		{"pid 7's current affinity mask: 1,00000001", []int{0, 32}},
	} {
		got, err := affinityCPUs(c.out)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("affinityCPUs(%q) = %v, %v; want %v", c.out, got, err, c.want)
		}
	}
	if _, err := affinityCPUs("taskset: bad"); err == nil {
		t.Error("an answer without a mask is not an error")
	}
}
