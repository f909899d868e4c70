package s3target_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/s3target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/archive/target/targettest"
)

// BenchmarkPut measures Put throughput against versitygw on loopback, as an archive run does
// it: each object with its SHA-256, a COMPLIANCE retention and the read-back Stat. MB/s is
// object bytes per second over all workers. BenchmarkPutMultipart covers the multipart path.
func BenchmarkPut(b *testing.B) {
	srv := s3test.Start(b)
	tg, err := s3target.New(b.Context(), s3test.BucketName(), "bench", s3target.Config{
		Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{64 << 10, 4 << 20} {
		data, err := io.ReadAll(targettest.Data(uint64(size), int64(size)))
		if err != nil {
			b.Fatal(err)
		}
		opts := objstore.PutOptions{
			SHA256:    sha256.Sum256(data),
			Retention: &objstore.Retention{Mode: objstore.Compliance, Until: time.Now().Add(time.Hour)},
		}
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("size=%dKiB/workers=%d", size>>10, workers), func(b *testing.B) {
				b.SetBytes(int64(size))
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for w := range workers {
					wg.Go(func() {
						for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
							key := fmt.Sprintf("%d/%d/%d", size, w, i)
							if _, err := tg.Put(b.Context(), key, bytes.NewReader(data), int64(size), opts); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkPutMultipart measures one 192 MiB object in three 64 MiB parts, streamed from a
// generator (the generator's cost is included; it is well above 1 GB/s).
func BenchmarkPutMultipart(b *testing.B) {
	srv := s3test.Start(b)
	tg, err := s3target.New(b.Context(), s3test.BucketName(), "bench", s3target.Config{
		Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	const size = 3 * s3target.DefaultPartSize
	sum := targettest.DataSHA256(9, size)
	b.SetBytes(size)
	for i := 0; b.Loop(); i++ {
		if _, err := tg.Put(b.Context(), fmt.Sprintf("groot/%d", i), targettest.Data(9, size), size, objstore.PutOptions{SHA256: sum}); err != nil {
			b.Fatal(err)
		}
	}
}
