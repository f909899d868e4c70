package afspraak

import (
	"reflect"
	"testing"
)

func TestSamenvoegenKeepsEachProblemOnceInLineOrder(t *testing.T) {
	f := func(line int, path, msg string, warning bool) Fout {
		return Fout{File: "a.yaml", Line: line, Path: path, Msg: msg, Warning: warning}
	}
	cases := []struct {
		name   string
		passen [][]Fout
		want   []Fout
	}{
		{"empty", nil, []Fout{}},
		{"sorted by line, then path, across passes",
			[][]Fout{{f(9, "b", "x", false), f(3, "z", "y", false)}, {f(5, "c", "r", false), f(3, "a", "q", false)}},
			[]Fout{f(3, "a", "q", false), f(3, "z", "y", false), f(5, "c", "r", false), f(9, "b", "x", false)}},
		{"an exact duplicate in one pass appears once",
			[][]Fout{{f(4, "p", "m", false), f(4, "p", "m", false)}},
			[]Fout{f(4, "p", "m", false)}},
		{"two problems at one place in one pass both stay, in their order",
			[][]Fout{{f(4, "p", "tweede", false), f(4, "p", "eerste", false)}},
			[]Fout{f(4, "p", "tweede", false), f(4, "p", "eerste", false)}},
		{"the same place in a later pass keeps the earlier pass's finding",
			[][]Fout{{f(7, "p", "structuur", false)}, {f(7, "p", "bewaren", false), f(8, "q", "alleen bewaren", false)}},
			[]Fout{f(7, "p", "structuur", false), f(8, "q", "alleen bewaren", false)}},
		{"an identical finding in two passes appears once",
			[][]Fout{{f(7, "p", "zelfde", false)}, {f(7, "p", "zelfde", false)}},
			[]Fout{f(7, "p", "zelfde", false)}},
		{"a warning and an error at one place from two passes both stay",
			[][]Fout{{f(7, "p", "fout", false)}, {f(7, "p", "let op", true)}},
			[]Fout{f(7, "p", "fout", false), f(7, "p", "let op", true)}},
		{"one path on two lines is two places",
			[][]Fout{{f(7, "p", "m", false)}, {f(6, "p", "m", false)}},
			[]Fout{f(6, "p", "m", false), f(7, "p", "m", false)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Samenvoegen(tc.passen...); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%v\nwant\n%v", Fouten(got), Fouten(tc.want))
			}
		})
	}
}
