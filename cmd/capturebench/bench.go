package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"syscall"
	"time"
)

// zaakBody is the body of every new zaak, on both sides.
var zaakBody = []byte(`{"zaaktype":"omgevingsvergunning","omschrijving":"Dakkapel Dorpsstraat 1"}`)

// bench holds what the legs share.
type bench struct {
	o         opties
	log       *slog.Logger
	block     []byte
	client    *client
	frame     framing
	daemon    *target
	ref       *target
	uploadSeq uint64
}

// leg is one kind of work measured on both sides.
type leg struct {
	naam string
	unit string
	// run does the work once on t (a short version when warmup is set) and returns the units
	// of work done (bytes or requests) and the latencies of its requests.
	run func(ctx context.Context, t *target, warmup bool) (werk, error)
}

// werk is what one run of a leg did.
type werk struct {
	units float64
	lat   []time.Duration
}

// meting is one measured run of a leg on one side.
type meting struct {
	rate     float64 // units per second
	wall     time.Duration
	cpu      time.Duration // the server's CPU seconds during the run
	peak     int64         // the server's peak RSS during the run
	p50, p99 time.Duration
}

func (b *bench) leg(naam string) (leg, bool) {
	switch naam {
	case "groot":
		return leg{naam: fmt.Sprintf("one %d MiB document", b.o.grootMiB), unit: "MB/s", run: func(ctx context.Context, t *target, warmup bool) (werk, error) {
			size := b.o.grootMiB << 20
			if warmup {
				size = 64 << 20
			}
			return b.uploads(ctx, t, 1, size)
		}}, true
	case "klein":
		return leg{naam: fmt.Sprintf("%d × %d MiB documents", b.o.kleinAantal, b.o.kleinMiB), unit: "MB/s", run: func(ctx context.Context, t *target, warmup bool) (werk, error) {
			n := b.o.kleinAantal
			if warmup {
				n = max(1, n/10)
			}
			return b.uploads(ctx, t, n, b.o.kleinMiB<<20)
		}}, true
	case "zaak":
		return leg{naam: fmt.Sprintf("create zaak, %d clients, %d requests", b.o.clients, b.o.zaken), unit: "/s", run: func(ctx context.Context, t *target, warmup bool) (werk, error) {
			n := b.o.zaken
			if warmup {
				n = max(1, n/10)
			}
			lat, err := parallel(ctx, n, b.o.clients, func(ctx context.Context, i int) error {
				_, err := b.client.post(ctx, t.zaakURL, t.token, "application/json", bytes.NewReader(zaakBody), int64(len(zaakBody)))
				return err
			})
			return werk{units: float64(n), lat: lat}, err
		}}, true
	}
	return leg{}, false
}

// uploads sends n documents of size bytes to t one after the other.
func (b *bench) uploads(ctx context.Context, t *target, n int, size int64) (werk, error) {
	var w werk
	for range n {
		b.uploadSeq++
		content := newInhoud(b.block, b.uploadSeq, size)
		var body io.Reader = content
		length, ct := size, "application/octet-stream"
		if t.multipart {
			body, length = b.frame.body(content, size)
			ct = b.frame.contentType
		}
		t0 := time.Now()
		if _, err := b.client.post(ctx, t.uploadURL, t.token, ct, body, length); err != nil {
			return w, err
		}
		w.lat = append(w.lat, time.Since(t0))
		w.units += float64(size) / 1e6
	}
	return w, nil
}

// measure runs l once on t after a sync, and measures the server's CPU and peak RSS.
func (b *bench) measure(ctx context.Context, l leg, t *target) (meting, error) {
	syscall.Sync()
	if err := t.resetPeak(); err != nil {
		return meting{}, err
	}
	cpu0, err := t.cpu()
	if err != nil {
		return meting{}, err
	}
	t0 := time.Now()
	w, err := l.run(ctx, t, false)
	wall := time.Since(t0)
	if err != nil {
		return meting{}, err
	}
	cpu1, err := t.cpu()
	if err != nil {
		return meting{}, err
	}
	peak, err := t.peakRSS()
	if err != nil {
		return meting{}, err
	}
	return meting{rate: w.units / wall.Seconds(), wall: wall, cpu: cpu1 - cpu0, peak: peak,
		p50: percentile(w.lat, 0.5), p99: percentile(w.lat, 0.99)}, nil
}

// postJSON posts body and decodes the 201 answer into out.
func (c *client) postJSON(ctx context.Context, url, token string, body []byte, out any) error {
	b, err := c.post(ctx, url, token, "application/json", bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// uitslag is the measurements of one leg on both sides.
type uitslag struct {
	leg         leg
	daemon, ref []meting
}

func pick(ms []meting, f func(meting) float64) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = f(m)
	}
	return out
}

// report prints a Markdown table of the medians per leg and side.
func report(w io.Writer, o opties, rows []uitslag) {
	fmt.Fprintf(w, "\n%d rounds per leg and side, alternated; medians (reference: SQLite synchronous=%s, uploads with O_DIRECT: %t)\n\n", o.rounds, o.synchronous, o.direct)
	fmt.Fprintln(w, "| work | zaakarchief | referentie | ratio | ratios per round | server CPU s: zaakarchief / referentie | zaakarchief peak RSS | p50 / p99: zaakarchief | p50 / p99: referentie |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, u := range rows {
		rate := func(m meting) float64 { return m.rate }
		d, r := median(pick(u.daemon, rate)), median(pick(u.ref, rate))
		var per []byte
		for i := range u.daemon {
			if i > 0 {
				per = append(per, ' ')
			}
			per = fmt.Appendf(per, "%.2f", u.daemon[i].rate/u.ref[i].rate)
		}
		cpu := func(m meting) float64 { return m.cpu.Seconds() }
		var peak int64
		for _, m := range u.daemon {
			peak = max(peak, m.peak)
		}
		ms := func(f func(meting) time.Duration) func(meting) float64 {
			return func(m meting) float64 { return float64(f(m)) / 1e6 }
		}
		p50 := ms(func(m meting) time.Duration { return m.p50 })
		p99 := ms(func(m meting) time.Duration { return m.p99 })
		fmt.Fprintf(w, "| %s | %.1f %s | %.1f %s | **%.2f** | %s | %.2f / %.2f | %.0f MiB | %.2f / %.2f ms | %.2f / %.2f ms |\n",
			u.leg.naam, d, u.leg.unit, r, u.leg.unit, d/r, per,
			median(pick(u.daemon, cpu)), median(pick(u.ref, cpu)), float64(peak)/(1<<20),
			median(pick(u.daemon, p50)), median(pick(u.daemon, p99)), median(pick(u.ref, p50)), median(pick(u.ref, p99)))
	}
}
