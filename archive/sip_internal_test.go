package archive

import (
	"strings"
	"testing"
)

func TestKortShortensDeterministicallyKeepingTheExtensionAndApart(t *testing.T) {
	long := strings.Repeat("situatietekening_", 20)
	tests := []struct {
		name  string
		limit int
		want  string // "" means: only the properties below are checked
	}{
		{"besluit.pdf", 64, "besluit.pdf"},
		{strings.Repeat("a", 64), 64, strings.Repeat("a", 64)},
		{long + "a.pdf", 40, ""},
		{long + "b.pdf", 40, ""},
		{long, 40, ""},
		{long + ".verylongextension1", 40, ""},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		got := kort(tt.name, tt.limit)
		if tt.want != "" && got != tt.want {
			t.Errorf("kort(%q, %d) = %q, want %q", tt.name, tt.limit, got, tt.want)
		}
		if len(got) > tt.limit {
			t.Errorf("kort(%q, %d) = %q: %d bytes", tt.name, tt.limit, got, len(got))
		}
		if again := kort(tt.name, tt.limit); again != got {
			t.Errorf("kort(%q) is not deterministic: %q, then %q", tt.name, got, again)
		}
		if strings.HasSuffix(tt.name, ".pdf") && !strings.HasSuffix(got, ".pdf") {
			t.Errorf("kort(%q) = %q lost its extension", tt.name, got)
		}
		if other, ok := seen[got]; ok && other != tt.name {
			t.Errorf("kort gives %q for both %q and %q", got, other, tt.name)
		}
		seen[got] = tt.name
	}
}

func TestUniekKortKeepsNamesUniqueWithoutRegardToCaseAndWithinTheLimit(t *testing.T) {
	used := map[string]bool{}
	names := []string{"Bijlage", "bijlage", "BIJLAGE", strings.Repeat("x", 80), strings.Repeat("x", 80), strings.Repeat("X", 80)}
	got := map[string]bool{}
	for _, n := range names {
		u := uniekKort(n, 64, used)
		if len(u) > 64 {
			t.Errorf("uniekKort(%q) = %q: %d bytes", n, u, len(u))
		}
		if got[strings.ToLower(u)] {
			t.Errorf("uniekKort(%q) = %q, given before", n, u)
		}
		got[strings.ToLower(u)] = true
	}
	if len(got) != len(names) {
		t.Errorf("%d unique names for %d inputs", len(got), len(names))
	}
}
