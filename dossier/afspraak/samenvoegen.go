package afspraak

import "sort"

// Samenvoegen merges the findings of several checks of one agreement (the passes, e.g. Validate
// and package retention's CheckAfspraak) into one list in which every problem appears once, in
// the order of the file: by line, then by path.
//
// A finding is left out when an earlier one has the same line, path, message and severity, or
// when a finding of an earlier pass has the same line, path and severity: the passes check a
// value for the same cause (a malformed archiefactietermijn, a missing selectielijstklasse, a
// missing brondatum_archiefprocedure), so the later one says again what the earlier said. Put
// the pass whose messages are the clearest first; Validate names the allowed values.
func Samenvoegen(passen ...[]Fout) []Fout {
	type herkomst struct {
		f    Fout
		pass int
	}
	var alle []herkomst
	for i, p := range passen {
		for _, f := range p {
			alle = append(alle, herkomst{f, i})
		}
	}
	sort.SliceStable(alle, func(i, j int) bool {
		if voor(alle[i].f, alle[j].f) || voor(alle[j].f, alle[i].f) {
			return voor(alle[i].f, alle[j].f)
		}
		return alle[i].pass < alle[j].pass
	})
	type plek struct {
		line    int
		path    string
		warning bool
	}
	eerstePass := map[plek]int{}
	gezien := map[Fout]bool{}
	out := make([]Fout, 0, len(alle))
	for _, h := range alle {
		k := plek{h.f.Line, h.f.Path, h.f.Warning}
		if gezien[h.f] {
			continue
		}
		if p, ok := eerstePass[k]; ok && p != h.pass {
			continue
		}
		eerstePass[k] = h.pass
		gezien[h.f] = true
		out = append(out, h.f)
	}
	return out
}
