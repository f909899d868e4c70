package archive

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Progress hears how a run goes, step by step and zaak by zaak. Done is called from several
// goroutines at once. Failures are logged by the Archiver itself; a Progress need not log them.
type Progress interface {
	// Start begins a step (StapArchiveren, ...) over total zaken.
	Start(stap string, total int)
	// Done reports one zaak of the current step.
	Done(it Item)
	// Finish reports the end of the run.
	Finish(r *Report)
}

// NopProgress reports nothing.
type NopProgress struct{}

// Start implements Progress.
func (NopProgress) Start(string, int) {}

// Done implements Progress.
func (NopProgress) Done(Item) {}

// Finish implements Progress.
func (NopProgress) Finish(*Report) {}

// LogProgress writes one structured log line per zaak a step did something for (failures are
// logged by the Archiver; zaken with nothing to do are left out), for logs and files rather
// than terminals.
type LogProgress struct {
	Log *slog.Logger
}

// Start implements Progress.
func (p LogProgress) Start(stap string, total int) {
	if total > 0 && stap != StapLegalHold && stap != StapRetentie && stap != StapHerbeschrijven {
		p.Log.Info("archive step", "stap", stap, "zaken", total)
	}
}

// Done implements Progress.
func (p LogProgress) Done(it Item) {
	switch it.Status {
	case ItemFout, ItemOngewijzigd, ItemOvergeslagen:
		return
	}
	p.Log.Info("archive zaak", "zaak", it.Zaak, "stap", it.Stap, "status", it.Status, "objecten", it.Objecten, "bytes", it.Bytes)
}

// Finish implements Progress.
func (LogProgress) Finish(*Report) {}

// Bar draws a progress bar on a terminal: one line, redrawn in place.
type Bar struct {
	w     io.Writer
	mu    sync.Mutex
	stap  string
	total int
	done  int
	fout  int
	bytes int64
	start time.Time
	last  time.Time
}

// NewBar returns a progress bar that draws on w (a terminal).
func NewBar(w io.Writer) *Bar { return &Bar{w: w} }

// Start implements Progress.
func (b *Bar) Start(stap string, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stap != "" && b.total > 0 {
		fmt.Fprintln(b.w)
	}
	b.stap, b.total, b.done, b.fout, b.bytes, b.start = stap, total, 0, 0, 0, time.Now()
	if total > 0 {
		b.draw()
	}
}

// Done implements Progress.
func (b *Bar) Done(it Item) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	b.bytes += it.Bytes
	if it.Status == ItemFout {
		b.fout++
	}
	if b.done == b.total || time.Since(b.last) > 100*time.Millisecond {
		b.draw()
	}
}

// Finish implements Progress.
func (b *Bar) Finish(*Report) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.total > 0 {
		fmt.Fprintln(b.w)
	}
	b.total = 0
}

func (b *Bar) draw() {
	b.last = time.Now()
	const width = 30
	filled := 0
	if b.total > 0 {
		filled = width * b.done / b.total
	}
	rate := ""
	if s := time.Since(b.start).Seconds(); s > 0 && b.bytes > 0 {
		rate = fmt.Sprintf(" %.1f MB/s", float64(b.bytes)/1e6/s)
	}
	fout := ""
	if b.fout > 0 {
		fout = fmt.Sprintf(", %d failed", b.fout)
	}
	fmt.Fprintf(b.w, "\r%-12s [%s%s] %d/%d zaken%s %.1f MB%s\x1b[K", b.stap, strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
		b.done, b.total, fout, float64(b.bytes)/1e6, rate)
}
