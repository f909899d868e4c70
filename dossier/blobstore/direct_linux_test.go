package blobstore

import (
	"bytes"
	"os"
	"testing"
)

func TestDirectFileWritesEverySequenceOfPieces(t *testing.T) {
	dirs := map[string]string{"ext4 of tmp": t.TempDir()}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "blobstore-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shm) })
		dirs["tmpfs, zonder O_DIRECT"] = shm
	}
	buf := alignedBuf(3 * directAlign)
	for i := range buf {
		buf[i] = byte(i * 13)
	}
	for fs, dir := range dirs {
		for _, tc := range []struct {
			naam   string
			pieces [][]byte
		}{
			{"uitgelijnd", [][]byte{buf[:directAlign], buf[directAlign:]}},
			{"uitgelijnd met een staart", [][]byte{buf[:2*directAlign], buf[:100]}},
			{"eerst een korte", [][]byte{buf[:100], buf[:directAlign], buf}},
			{"niet uitgelijnd in het geheugen", [][]byte{buf[1 : directAlign+1], buf[:directAlign]}},
		} {
			t.Run(fs+"/"+tc.naam, func(t *testing.T) {
				f, err := createTemp(dir)
				if err != nil {
					t.Fatal(err)
				}
				defer os.Remove(f.Name())
				var want []byte
				for _, p := range tc.pieces {
					if n, err := f.Write(p); err != nil || n != len(p) {
						t.Fatalf("Write(%d bytes) = %d, %v", len(p), n, err)
					}
					want = append(want, p...)
				}
				if err := f.Sync(); err != nil {
					t.Fatal(err)
				}
				f.Close()
				got, err := os.ReadFile(f.Name())
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("file holds %d bytes that differ from the %d written", len(got), len(want))
				}
			})
		}
	}
}
