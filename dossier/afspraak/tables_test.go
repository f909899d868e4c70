package afspraak

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestWriteTablesOfTheShippedAgreementMatchesGolden(t *testing.T) {
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.WriteTables(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "tables.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("tables differ from %s (run go test -update after checking):\n%s", golden, buf.String())
	}
	// The tables answer the seed's questions.
	for _, want := range []string{
		"2     In behandeling bij de omgevingsdienst  omgevingsdienst    -> 1 door omgevingsdienst (aanvulling nodig); -> 3 door omgevingsdienst",
		"adviesrapport          zaakvertrouwelijk  omgevingsdienst (fase 3)",
		"Verleend                    11.1.6               blijvend_bewaren",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("tables lack %q", want)
		}
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

func TestWriteTablesReportsAWriteError(t *testing.T) {
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 10} {
		if err := a.WriteTables(&failingWriter{n: n}); err == nil || err.Error() != "disk full" {
			t.Errorf("after %d writes: %v, want disk full", n, err)
		}
	}
}
