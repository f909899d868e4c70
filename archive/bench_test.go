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
	z, err := e.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: zaaktypeOV, Omschrijving: fmt.Sprintf("Benchmark zaak %d", i)})
	if err != nil {
		e.tb.Fatal(err)
	}
	for j, size := range sizes {
		e.addDoc(gemeente, z.Identificatie, doc{"bijlage", fmt.Sprintf("Bijlage %d", j+1), fmt.Sprintf("bijlage-%d.pdf", j+1),
			benchContent(uint64(i*1000+j), size)})
	}
	e.status(gemeente, z.Identificatie, fase2)
	e.status(omgevingsdienst, z.Identificatie, fase3)
	e.status(omgevingsdienst, z.Identificatie, fase4)
	if _, err := e.svc.SetResultaat(ctx, gemeente, z.Identificatie, dossier.NieuwResultaat{Resultaattype: geweigerd}); err != nil {
		e.tb.Fatal(err)
	}
	e.status(gemeente, z.Identificatie, fase5)
	return z.Identificatie
}

// resetArchive puts every zaak back in archiefstatus nog_te_archiveren and empties the journal,
// so that each benchmark iteration archives the same zaken again (benchmark setup only).
func (e *env) resetArchive() {
	e.tb.Helper()
	ctx := context.Background()
	err := e.db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, q := range []string{`UPDATE zaken SET archiefstatus = 'nog_te_archiveren'`, `UPDATE documenten SET status = 'definitief'`,
			`DELETE FROM archief_objecten`, `DELETE FROM archief_pakketten`, `DELETE FROM archief_items`, `DELETE FROM archief_runs`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
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
		rows, err := tx.Query(context.Background(), `SELECT sleutel, blob, grootte, sha256, inhoud FROM archief_objecten ORDER BY zaak, volgorde`)
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

// peakHeap samples the Go heap in use while a leg runs and returns its maximum in MiB.
func peakHeap(fn func()) float64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
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
	runtime.GC()
	fn()
	close(stop)
	wg.Wait()
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkArchiveVersusPlainCopy archives ZAAKARCHIEF_BENCH_ZAKEN zaken (default 50) of
// ZAAKARCHIEF_BENCH_DOCS documents (default 10, 64 KiB to 4 MiB, spread geometrically) to
// versitygw on loopback with ZAAKARCHIEF_BENCH_WORKERS writers (default 4): the full archive run
// with packaging, MDTO sidecars, retention, journal and verification. In the same iteration it
// copies the same document files with a plain minio-go PutObject loop at the same concurrency
// (minio), every object the archive wrote, sidecars included, with that same loop (minio-sip:
// the package's requests without the archive's work), the same objects through the archive's
// own target (target-sip: its checksums, locks and puts without packaging, journal and
// verification), and the document files with `rclone copy` when rclone is on PATH. MB/s counts the documents' bytes for every leg; ratio-minio is archive
// MB/s over minio MB/s over all iterations, ratio-minio-median the median of the per-iteration
// ratios (legs of one iteration run back to back and see the same background load). Peak heap
// is sampled every 20 ms while a leg runs. *-client-cpu-s and *-server-cpu-s are the CPU
// seconds (user and system) this process and versitygw used per iteration of a leg: on a
// two-core machine both share the cores, so a leg's wall time follows its total CPU.
// ZAAKARCHIEF_BENCH_CPUPROFILE=FILE profiles the archive leg; ZAAKARCHIEF_BENCH_RCLONE=off skips
// the rclone leg; ZAAKARCHIEF_S3_DIR=/dev/shm puts versitygw's data on a tmpfs (see s3test), which
// takes the disk and the file system's per-object cost out of every leg.
//
//	go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 5x
//	ZAAKARCHIEF_BENCH_ZAKEN=1000 go test ./archive -run '^$' -bench ArchiveVersusPlainCopy -benchtime 1x -timeout 3h
func BenchmarkArchiveVersusPlainCopy(b *testing.B) {
	nZaken := envInt("ZAAKARCHIEF_BENCH_ZAKEN", 50)
	nDocs := envInt("ZAAKARCHIEF_BENCH_DOCS", 10)
	workers := envInt("ZAAKARCHIEF_BENCH_WORKERS", 4)
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
			f.path = filepath.Join(e.blobs.Root(), sha[:2], sha)
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

	var tArchive, tMinio, tSIP, tTarget, tRclone time.Duration
	var ratios, ratiosSIP []float64 // per iteration: legs next to each other in time see the same load
	var heapArchive, heapMinio float64
	var cpuArchive, cpuMinio, cpuSIP, cpuTarget cpuUse // summed over iterations
	var written int64
	b.ResetTimer()
	for range b.N {
		// Leg 1: the archive run.
		b.StopTimer()
		e.resetArchive()
		bucket := s3test.BucketName()
		tg := s3Target(b, srv, srv.Endpoint, bucket, 0)
		a := e.archiver(tg, func(o *archive.Options) { o.Workers = workers })
		b.StartTimer()
		var rep *archive.Report
		if p := os.Getenv("ZAAKARCHIEF_BENCH_CPUPROFILE"); p != "" {
			f, err := os.Create(p)
			if err != nil {
				b.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer f.Close()
		}
		start, c0 := time.Now(), readCPU(srv.Pid)
		heapArchive = max(heapArchive, peakHeap(func() { rep, err = a.Run(ctx, nil) }))
		archiveLeg := time.Since(start)
		cpuArchive = cpuArchive.add(readCPU(srv.Pid).since(c0))
		tArchive += archiveLeg
		pprof.StopCPUProfile()
		b.StopTimer()
		if err != nil || rep.Pakketten != nZaken || rep.Fouten != 0 {
			b.Fatalf("archive run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
		}
		written += rep.Bytes
		dropBucket(bucket)

		// Leg 2: plain minio-go PutObject of the same files at the same concurrency.
		plain := s3test.BucketName()
		if err := mc.MakeBucket(ctx, plain, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, c0 = time.Now(), readCPU(srv.Pid)
		heapMinio = max(heapMinio, peakHeap(func() {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for i := next.Add(1) - 1; i < int64(len(files)); i = next.Add(1) - 1 {
						f, err := os.Open(files[i].path)
						if err != nil {
							b.Error(err)
							return
						}
						_, err = mc.PutObject(ctx, plain, fmt.Sprintf("plain/%05d.pdf", i), f, files[i].size, minio.PutObjectOptions{ContentType: "application/pdf"})
						f.Close()
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		}))
		minioLeg := time.Since(start)
		cpuMinio = cpuMinio.add(readCPU(srv.Pid).since(c0))
		tMinio += minioLeg
		b.StopTimer()
		dropBucket(plain)

		// Leg 2b: plain minio-go PutObject of every object the archive wrote (documents, MDTO
		// sidecars, pakbon, manifest, from the journal): the same requests without the archive's
		// packaging, retention, journal and verification.
		objs := e.journalObjects()
		sip := s3test.BucketName()
		if err := mc.MakeBucket(ctx, sip, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, c0 = time.Now(), readCPU(srv.Pid)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(objs)); i = next.Add(1) - 1 {
					o := objs[i]
					var r io.ReadCloser = io.NopCloser(bytes.NewReader(o.inhoud))
					if o.blob != "" {
						f, err := os.Open(filepath.Join(e.blobs.Root(), o.blob[:2], o.blob))
						if err != nil {
							b.Error(err)
							return
						}
						r = f
					}
					_, err := mc.PutObject(ctx, sip, o.key, r, o.size, minio.PutObjectOptions{})
					r.Close()
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		sipLeg := time.Since(start)
		cpuSIP = cpuSIP.add(readCPU(srv.Pid).since(c0))
		tSIP += sipLeg
		b.StopTimer()
		dropBucket(sip)

		// Leg 2c: the same objects through the archive target (s3target.Put with SHA-256, object
		// lock and read-back), without the archive's packaging, journal and verification.
		tbucket := s3test.BucketName()
		tsip := s3Target(b, srv, srv.Endpoint, tbucket, 0)
		until := time.Now().AddDate(1, 0, 0)
		b.StartTimer()
		start, c0 = time.Now(), readCPU(srv.Pid)
		next.Store(0)
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(objs)); i = next.Add(1) - 1 {
					o := objs[i]
					var r io.ReadCloser = io.NopCloser(bytes.NewReader(o.inhoud))
					if o.blob != "" {
						f, err := os.Open(filepath.Join(e.blobs.Root(), o.blob[:2], o.blob))
						if err != nil {
							b.Error(err)
							return
						}
						r = f
					}
					_, err := tsip.Put(ctx, o.key, r, o.size, target.PutOptions{SHA256: o.sha,
						Retention: &target.Retention{Mode: target.Compliance, Until: until}})
					r.Close()
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		targetLeg := time.Since(start)
		cpuTarget = cpuTarget.add(readCPU(srv.Pid).since(c0))
		tTarget += targetLeg
		b.StopTimer()
		dropBucket(tbucket)

		// Leg 3: rclone copy of the blob directory at the same concurrency.
		if rclone != "" {
			rb := s3test.BucketName()
			if err := mc.MakeBucket(ctx, rb, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command(rclone, "copy", e.blobs.Root(), "bench:"+rb+"/rclone", "--exclude", "tmp/**",
				"--transfers", strconv.Itoa(workers), "--checkers", strconv.Itoa(workers), "--s3-upload-cutoff", "64M")
			// AWS_CA_BUNDLE (set on some machines) breaks rclone's s3 client; the endpoint is plain http.
			cmd.Env = append(withoutEnv(os.Environ(), "AWS_CA_BUNDLE"), "RCLONE_CONFIG_BENCH_TYPE=s3", "RCLONE_CONFIG_BENCH_PROVIDER=Other",
				"RCLONE_CONFIG_BENCH_ENDPOINT=http://"+srv.Endpoint, "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="+srv.AccessKey,
				"RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="+srv.SecretKey, "RCLONE_CONFIG_BENCH_REGION=us-east-1",
				"RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true", "RCLONE_CONFIG=/dev/null")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			b.StartTimer()
			start = time.Now()
			err := cmd.Run()
			tRclone += time.Since(start)
			b.StopTimer()
			if err != nil {
				b.Fatalf("rclone copy: %v\n%s", err, out.String())
			}
			dropBucket(rb)
		}
		ratios = append(ratios, minioLeg.Seconds()/archiveLeg.Seconds())
		ratiosSIP = append(ratiosSIP, sipLeg.Seconds()/archiveLeg.Seconds())
		b.Logf("iteration: archive %.2fs, minio-go %.2fs, minio-go with every package object %.2fs, archive target with every package object %.2fs",
			archiveLeg.Seconds(), minioLeg.Seconds(), sipLeg.Seconds(), targetLeg.Seconds())
		b.StartTimer()
	}
	b.StopTimer()
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
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(mbps(tArchive), "archive-MB/s")
	b.ReportMetric(mbps(tMinio), "minio-MB/s")
	b.ReportMetric(mbps(tArchive)/mbps(tMinio), "ratio-minio")
	b.ReportMetric(mbps(tSIP), "minio-sip-MB/s")
	b.ReportMetric(mbps(tArchive)/mbps(tSIP), "ratio-minio-sip")
	b.ReportMetric(mbps(tTarget), "target-sip-MB/s")
	b.ReportMetric(mbps(tArchive)/mbps(tTarget), "ratio-target-sip")
	b.ReportMetric(median(ratios), "ratio-minio-median")
	b.ReportMetric(median(ratiosSIP), "ratio-minio-sip-median")
	if rclone != "" {
		b.ReportMetric(mbps(tRclone), "rclone-MB/s")
		b.ReportMetric(mbps(tArchive)/mbps(tRclone), "ratio-rclone")
	} else {
		b.Log("rclone not on PATH (or ZAAKARCHIEF_BENCH_RCLONE=off): that leg is skipped")
	}
	b.ReportMetric(heapArchive, "archive-peak-heap-MiB")
	b.ReportMetric(heapMinio, "minio-peak-heap-MiB")
	b.Logf("%d zaken x %d documents, %.1f MB of documents, %d files; archive wrote %.1f MB in all (documents and metadata); %d workers",
		nZaken, nDocs, float64(docBytes)/1e6, len(files), float64(written)/n/1e6, workers)
	b.Logf("archive %.2fs, minio-go %.2fs, minio-go with every package object %.2fs, archive target with every package object %.2fs, rclone %.2fs per iteration",
		tArchive.Seconds()/n, tMinio.Seconds()/n, tSIP.Seconds()/n, tTarget.Seconds()/n, tRclone.Seconds()/n)
	if srv.Pid != 0 {
		for _, l := range []struct {
			name string
			cpu  cpuUse
		}{{"archive", cpuArchive}, {"minio", cpuMinio}, {"minio-sip", cpuSIP}, {"target-sip", cpuTarget}} {
			b.ReportMetric(l.cpu.client.Seconds()/n, l.name+"-client-cpu-s")
			b.ReportMetric(l.cpu.server.Seconds()/n, l.name+"-server-cpu-s")
		}
	}
}

// cpuUse is CPU time used so far by this process and by the S3 server process (user plus system).
type cpuUse struct{ client, server time.Duration }

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
