package archive

import (
	"strings"
	"testing"

	"zaakarchief/archive/mdto"
)

func TestUniqueNamesDifferWithoutRegardToCaseAndStayWithinTheLimit(t *testing.T) {
	long := strings.Repeat("a", mdto.MaxNameLength-4) + ".pdf"
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"Besluit", "Besluit", "besluit"}, []string{"Besluit", "Besluit-2", "besluit-3"}},
		{[]string{"v1.2", "v1.2"}, []string{"v1.2", "v1-2.2"}},
		{[]string{"manifest.json", "pakbon.json", "Manifest.JSON"}, []string{"manifest-2.json", "pakbon-2.json", "Manifest-3.JSON"}},
		{[]string{long, long}, []string{long, strings.Repeat("a", mdto.MaxNameLength-6) + "-2.pdf"}},
	}
	for _, tt := range tests {
		used := map[string]bool{"pakbon.json": true, "manifest.json": true}
		for i, in := range tt.in {
			got := uniekKort(in, mdto.MaxNameLength, used)
			if got != tt.want[i] {
				t.Errorf("%v: name %d %q, want %q", tt.in, i, got, tt.want[i])
			}
			if len(got) > mdto.MaxNameLength {
				t.Errorf("%q is longer than %d", got, mdto.MaxNameLength)
			}
		}
	}
}
