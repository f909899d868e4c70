package export

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify runs the export check on arbitrary ZIPs: it must not panic and must not fail to
// run (an error is only for a file it cannot read or a missing xmllint); whatever is wrong is a
// problem in the report, with a file and a reason. Seeded with real exports of a closed zaak
// (with MDTO) and an open one (testdata/verify-seed, made by `zaakarchief export`).
func FuzzVerify(f *testing.F) {
	seeds, err := filepath.Glob("testdata/verify-seed/*.zip")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed exports in testdata/verify-seed: %v", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return // Verify reports it as "is not a readable ZIP file"
		}
		r, err := verifyZip(context.Background(), zr, "fuzz.zip")
		if err != nil {
			t.Fatalf("verify could not run: %v", err)
		}
		for _, p := range r.Problems {
			if p.File == "" || p.Reden == "" {
				t.Fatalf("a problem without file or reason: %+v", p)
			}
		}
		if r.OK() && r.Bag == "" {
			t.Fatal("a ZIP without a bag verifies as ok")
		}
	})
}
