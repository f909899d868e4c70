// Command capturebench measures how fast the daemon captures: it builds zaakarchief, starts
// `zaakarchief serve` on a temporary data folder on loopback, and in the same run a bare
// reference server (this command's own `referentie` mode) that does only what any careful
// store must do, and alternates the two on each leg:
//
//   - groot: one upload of a large document (default 1 GiB), MB/s;
//   - klein: many uploads of a small document (default 100 of 8 MiB), one at a time, MB/s;
//   - zaak: creating zaken (default 10,000) from concurrent clients (default 8), requests/s and
//     latency percentiles.
//
// The reference writes an upload's body to a temporary file, syncs it, renames it into place
// and syncs the folder, and answers a new zaak with one INSERT into a SQLite file in WAL mode
// with the daemon's synchronous setting (NORMAL; -synchronous changes it). With
// -referentie-direct it writes uploads past the page cache as the daemon does (O_DIRECT). Each leg runs
// -rounds times on each side, the order alternating per round, after `sync` so that one side's
// dirty pages do not slow the other. It prints each leg's median per side, the ratio of the
// medians (zaakarchief / referentie), the servers' CPU seconds and the daemon's peak RSS
// (VmHWM, reset before each leg).
//
// Run it inside the module:
//
//	go run ./cmd/capturebench
//	go run ./cmd/capturebench -rounds 5 -legs zaak -zaken 20000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	ctx := context.Background()
	if len(os.Args) > 1 && os.Args[1] == "referentie" {
		fs := flag.NewFlagSet("referentie", flag.ExitOnError)
		listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
		dir := fs.String("dir", "", "folder for the uploads and the SQLite file")
		sync := fs.String("synchronous", "NORMAL", "SQLite synchronous setting")
		direct := fs.Bool("direct", false, "write uploads with O_DIRECT")
		_ = fs.Parse(os.Args[2:])
		if err := runReferentie(ctx, *listen, *dir, *sync, *direct); err != nil {
			fmt.Fprintln(os.Stderr, "capturebench referentie:", err)
			os.Exit(1)
		}
		return
	}
	var o opties
	flag.IntVar(&o.rounds, "rounds", 3, "rounds per leg and side")
	flag.Int64Var(&o.grootMiB, "groot-mib", 1024, "size of the large document in MiB")
	flag.IntVar(&o.kleinAantal, "klein-aantal", 100, "number of small documents")
	flag.Int64Var(&o.kleinMiB, "klein-mib", 8, "size of a small document in MiB")
	flag.IntVar(&o.zaken, "zaken", 10000, "zaken created per round")
	flag.IntVar(&o.clients, "clients", 8, "concurrent clients creating zaken")
	flag.StringVar(&o.legs, "legs", "groot,klein,zaak", "legs to run, comma-separated")
	flag.StringVar(&o.dir, "dir", "", "folder for the servers' data (default: a new temporary folder, removed afterwards)")
	flag.StringVar(&o.bin, "zaakarchief", "", "zaakarchief binary (default: built from the module)")
	flag.StringVar(&o.synchronous, "synchronous", "NORMAL", "SQLite synchronous setting of the reference")
	flag.BoolVar(&o.direct, "referentie-direct", false, "the reference writes uploads with O_DIRECT in 1 MiB pieces, as the daemon does")
	flag.BoolVar(&o.warmup, "warmup", true, "an untimed short round of every leg on both sides first")
	flag.Parse()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "capturebench:", err)
		os.Exit(1)
	}
}

// opties are the command's flags.
type opties struct {
	rounds, kleinAantal, zaken, clients int
	grootMiB, kleinMiB                  int64
	legs, dir, bin, synchronous         string
	warmup, direct                      bool
}

func run(ctx context.Context, o opties, out io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "capturebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := o.bin
	if bin == "" {
		var err error
		if bin, err = buildDaemon(ctx, dir); err != nil {
			return err
		}
	}
	b := &bench{o: o, log: log, block: newBlock(), client: newClient(o.clients)}
	var err error
	if b.daemon, err = startDaemon(ctx, bin, filepath.Join(dir, "zaakarchief")); err != nil {
		return err
	}
	defer b.daemon.stop()
	if b.ref, err = startRef(ctx, filepath.Join(dir, "referentie"), o.synchronous, o.direct); err != nil {
		return err
	}
	defer b.ref.stop()
	if b.frame, err = newFraming(map[string]any{
		"informatieobjecttype": "aanvraagformulier", "titel": "Aanvraag", "auteur": "C. Bench", "creatiedatum": "2026-01-05",
		"vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "taal": "nld", "bestandsnaam": "aanvraag.pdf", "formaat": "application/pdf",
	}, "aanvraag.pdf"); err != nil {
		return err
	}
	var legs []leg
	for naam := range strings.SplitSeq(o.legs, ",") {
		l, ok := b.leg(strings.TrimSpace(naam))
		if !ok {
			return fmt.Errorf("unknown leg %q (groot, klein, zaak)", naam)
		}
		legs = append(legs, l)
	}
	if o.warmup {
		for _, l := range legs {
			for _, t := range []*target{b.daemon, b.ref} {
				if _, err := l.run(ctx, t, true); err != nil {
					return fmt.Errorf("warm-up %s %s: %w", l.naam, t.naam, err)
				}
			}
		}
	}
	var rows []uitslag
	for _, l := range legs {
		u := uitslag{leg: l}
		for r := range o.rounds {
			order := []*target{b.daemon, b.ref}
			if r%2 == 1 {
				order = []*target{b.ref, b.daemon}
			}
			for _, t := range order {
				m, err := b.measure(ctx, l, t)
				if err != nil {
					return fmt.Errorf("%s %s round %d: %w", l.naam, t.naam, r+1, err)
				}
				log.Info("gemeten", "leg", l.naam, "server", t.naam, "ronde", r+1, "rate", fmt.Sprintf("%.1f %s", m.rate, l.unit),
					"wall", m.wall.Round(time.Millisecond), "cpu", m.cpu.Round(10*time.Millisecond), "peak_rss_mib", m.peak>>20,
					"p50", m.p50.Round(10*time.Microsecond), "p99", m.p99.Round(10*time.Microsecond))
				if t == b.daemon {
					u.daemon = append(u.daemon, m)
				} else {
					u.ref = append(u.ref, m)
				}
			}
		}
		rows = append(rows, u)
	}
	report(out, o, rows)
	return nil
}

// target is one of the two servers with what the legs need to talk to it.
type target struct {
	*server
	token     string
	uploadURL string
	zaakURL   string
	multipart bool // the daemon's uploads are multipart/form-data, the reference's raw
}

func startDaemon(ctx context.Context, bin, data string) (*target, error) {
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	tok, err := exec.CommandContext(ctx, bin, "token", "create", "--data", data, "--organisation", "gemeente",
		"--role", "organisatie", "--description", "capturebench").Output()
	if err != nil {
		return nil, fmt.Errorf("zaakarchief token create: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s, err := startServer(ctx, "zaakarchief", filepath.Join(data, "serve.log"), addr, bin, "serve", "--data", data, "--listen", addr)
	if err != nil {
		return nil, err
	}
	t := &target{server: s, token: strings.TrimSpace(string(tok)), zaakURL: s.url + "/api/v1/zaken", multipart: true}
	c := newClient(1)
	var z struct {
		Identificatie string `json:"identificatie"`
	}
	if err := c.postJSON(ctx, t.zaakURL, t.token, zaakBody, &z); err != nil {
		s.stop()
		return nil, fmt.Errorf("create the zaak for the uploads: %w", err)
	}
	t.uploadURL = t.zaakURL + "/" + z.Identificatie + "/documenten"
	return t, nil
}

func startRef(ctx context.Context, dir, synchronous string, direct bool) (*target, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s, err := startServer(ctx, "referentie", filepath.Join(dir, "referentie.log"), addr, self, "referentie",
		"-listen", addr, "-dir", dir, "-synchronous", synchronous, fmt.Sprintf("-direct=%t", direct))
	if err != nil {
		return nil, err
	}
	return &target{server: s, token: referentieToken, uploadURL: s.url + "/upload", zaakURL: s.url + "/zaken"}, nil
}
