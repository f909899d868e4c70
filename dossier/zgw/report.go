package zgw

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// The kinds of Melding.
const (
	// MeldingGeweigerd: the agreement (or the zaak's state, or invalid data) did not allow the
	// part to be recorded; Regel names the rule.
	MeldingGeweigerd = "geweigerd"
	// MeldingWacht: the zaak waits for the zaak of the organisation that registers it.
	MeldingWacht = "wacht"
	// MeldingFout: the zaak could not be synced in this pass (a source failed, a document did
	// not match its checksum); it is retried on the next pass.
	MeldingFout = "fout"
	// MeldingWaarschuwing: something the collector left out or could not check.
	MeldingWaarschuwing = "waarschuwing"
)

// Melding is one thing a pass reports: what was not imported, or not checked, and why.
type Melding struct {
	Soort string `json:"soort"`
	// Bron is the organisation whose source holds it.
	Bron string `json:"bron"`
	// Zaak is the URL of the source zaak; Dossier the dossier it belongs to, when there is one.
	Zaak    string `json:"zaak,omitempty"`
	Dossier string `json:"dossier,omitempty"`
	// Resource is the URL of the part at the source; Wat names it (e.g. "document adviesrapport").
	Resource string `json:"resource,omitempty"`
	Wat      string `json:"wat,omitempty"`
	Reden    string `json:"reden"`
	Regel    string `json:"regel,omitempty"`
}

// BronRapport is how one source fared in a pass.
type BronRapport struct {
	Organisatie string `json:"organisatie"`
	// Zaken is the number of zaken listed at the source.
	Zaken int    `json:"zaken"`
	Fout  string `json:"fout,omitempty"`
}

// Rapport is what a pass did.
type Rapport struct {
	Begin   time.Time     `json:"begin"`
	Einde   time.Time     `json:"einde"`
	Bronnen []BronRapport `json:"bronnen"`
	// Zaken is the number of dossiers (groups of source zaken) synced completely.
	Zaken          int `json:"zaken"`
	NieuweDossiers int `json:"nieuweDossiers"`
	// Vastgelegd counts the parts recorded, by kind.
	Vastgelegd map[string]int `json:"vastgelegd"`
	// AlAanwezig counts the parts that were in the dossier already (or dealt with before).
	AlAanwezig int       `json:"alAanwezig"`
	Meldingen  []Melding `json:"meldingen"`

	mu sync.Mutex
}

func newRapport(now time.Time) *Rapport {
	return &Rapport{Begin: now, Bronnen: []BronRapport{}, Vastgelegd: map[string]int{}, Meldingen: []Melding{}}
}

func (r *Rapport) bron(org string, zaken int, fout string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Bronnen = append(r.Bronnen, BronRapport{Organisatie: org, Zaken: zaken, Fout: fout})
}

func (r *Rapport) melding(m Melding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Meldingen = append(r.Meldingen, m)
}

func (r *Rapport) waarschuwingen(ms []Melding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Meldingen = append(r.Meldingen, ms...)
}

func (r *Rapport) zaak() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Zaken++
}

func (r *Rapport) nieuwDossier() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.NieuweDossiers++
}

func (r *Rapport) vastgelegd(soort string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Vastgelegd[soort]++
}

func (r *Rapport) alAanwezig() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.AlAanwezig++
}

// Tel counts the meldingen of a kind.
func (r *Rapport) Tel(soort string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.Meldingen {
		if m.Soort == soort {
			n++
		}
	}
	return n
}

// OK reports whether every source answered and every zaak was synced; refusals by the
// agreement are not failures: they are the agreement at work.
func (r *Rapport) OK() bool {
	for _, b := range r.Bronnen {
		if b.Fout != "" {
			return false
		}
	}
	return r.Tel(MeldingFout) == 0
}

// Write prints the report for people: per source, the totals, then every melding.
func (r *Rapport) Write(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	for _, b := range r.Bronnen {
		if b.Fout != "" {
			p("bron %s: FOUT: %s\n", b.Organisatie, b.Fout)
		} else {
			p("bron %s: %d zaken\n", b.Organisatie, b.Zaken)
		}
	}
	var soorten []string
	total := 0
	for s, n := range r.Vastgelegd {
		soorten = append(soorten, fmt.Sprintf("%s %d", s, n))
		total += n
	}
	sort.Strings(soorten)
	p("%d zaken gesynchroniseerd, %d nieuwe dossiers, %d delen vastgelegd %v, %d al aanwezig\n",
		r.Zaken, r.NieuweDossiers, total, soorten, r.AlAanwezig)
	for _, m := range r.Meldingen {
		wat := m.Wat
		if wat == "" {
			wat = "zaak"
		}
		where := m.Zaak
		if m.Resource != "" && m.Resource != m.Zaak {
			where = m.Resource
		}
		p("%s: %s %s (%s): %s", m.Soort, m.Bron, wat, where, m.Reden)
		if m.Regel != "" && m.Regel != m.Reden {
			p(" [regel: %s]", m.Regel)
		}
		p("\n")
	}
	return err
}
