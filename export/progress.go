package export

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// NewProgress returns a Progress that writes to w: on a terminal one bar redrawn in place, else
// one plain line per zaak, fit for a log.
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return &barProgress{w: w, now: time.Now}
	}
	return &lineProgress{w: w}
}

// barProgress draws "[#####.....] 12/40 ZAAK-2026-0000012 geexporteerd" over itself.
type barProgress struct {
	w          io.Writer
	now        func() time.Time
	total, n   int
	start      time.Time
	lastDrawn  time.Time
	lastZaak   string
	lastStatus string
}

const barWidth = 30

func (p *barProgress) Start(total int) {
	p.total, p.start = total, p.now()
	p.draw(true)
}

func (p *barProgress) Done(it BatchItem) {
	p.n++
	p.lastZaak, p.lastStatus = it.Zaak, it.Status
	if it.Status != StatusGeexporteerd {
		// Keep refusals and failures on screen: print them above the bar.
		fmt.Fprintf(p.w, "\r\x1b[K%s %s: %s\n", it.Zaak, it.Status, it.Reden)
	}
	p.draw(p.n == p.total)
}

func (p *barProgress) draw(force bool) {
	now := p.now()
	if !force && now.Sub(p.lastDrawn) < 100*time.Millisecond {
		return
	}
	p.lastDrawn = now
	filled := barWidth
	if p.total > 0 {
		filled = barWidth * p.n / p.total
	}
	bar := strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled)
	fmt.Fprintf(p.w, "\r\x1b[K[%s] %d/%d %s", bar, p.n, p.total, p.lastZaak)
}

func (p *barProgress) Finish(r *BatchResult) {
	p.draw(true)
	fmt.Fprintf(p.w, "\n%d exported, %d refused, %d failed in %s\n", r.Geexporteerd, r.Geweigerd, r.Mislukt,
		p.now().Sub(p.start).Round(time.Second))
}

// lineProgress writes one line per zaak.
type lineProgress struct {
	w        io.Writer
	total, n int
}

func (p *lineProgress) Start(total int) {
	p.total = total
	fmt.Fprintf(p.w, "export: %d zaken\n", total)
}

func (p *lineProgress) Done(it BatchItem) {
	p.n++
	line := fmt.Sprintf("export: %d/%d %s %s", p.n, p.total, it.Zaak, it.Status)
	if it.Bestand != "" {
		line += " " + it.Bestand
	}
	if it.Reden != "" {
		line += ": " + it.Reden
	}
	fmt.Fprintln(p.w, line)
}

func (p *lineProgress) Finish(r *BatchResult) {
	fmt.Fprintf(p.w, "export: %d exported, %d refused, %d failed\n", r.Geexporteerd, r.Geweigerd, r.Mislukt)
}
