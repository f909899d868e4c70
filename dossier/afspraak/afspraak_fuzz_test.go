package afspraak

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary YAML to the agreement parser and, when it parses, to the checks:
// neither may panic, a refusal is an error with a message, and every finding of Validate says
// what is wrong. Seeded with the agreements in the repository (the embedded examples and the
// test agreements).
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"../../configs/*.yaml", "testdata/*.yaml"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("naam: x\nzaaktypen: [}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a refused agreement gives an empty error")
			}
			return
		}
		if a == nil {
			t.Fatal("Parse returned neither an agreement nor an error")
		}
		for _, fout := range a.Validate() {
			if fout.Error() == "" {
				t.Fatalf("a finding without a message: %#v", fout)
			}
		}
	})
}
