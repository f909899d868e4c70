package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
	"github.com/spf13/pflag"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/zgw"
	"zaakarchief/server"
)

const (
	// zgwSinceMargin is how far back before the previous pass an incremental pass looks, for
	// clocks that differ and changes registered late.
	zgwSinceMargin = time.Hour
)

// newCollector builds the collector on an opened data directory.
func newCollector(ctx context.Context, a *app, env *environment, reg prometheus.Registerer) (*zgw.Collector, error) {
	if err := zgw.Migrate(ctx, a.db); err != nil {
		return nil, err
	}
	spool := filepath.Join(a.cfg.Data, "tmp")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, fmt.Errorf("collector spool: %w", err)
	}
	c := a.cfg.ZGW
	return zgw.New(zgw.Options{Service: a.svc, Getenv: env.getenv, Registerer: reg, Logger: a.log, Workers: c.Workers,
		Retry: zgw.Retry{Attempts: c.Retries}, Timeout: c.Timeout, Debounce: c.Debounce, SpoolDir: spool,
		LockFile: filepath.Join(a.cfg.Data, "zgw.lock")})
}

// parseSince reads --since: an RFC 3339 time, a date, or a duration back from now (24h).
func parseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usageError{fmt.Sprintf("zgw sync: --since %q is not a time (2026-01-31T12:00:00Z), a date (2026-01-31) or a duration (24h)", s)}
}

func zgwSyncCommand() *command {
	var df dataFlags
	var source, since, zaak string
	var asJSON, verbose bool
	return &command{
		name:    "zgw sync",
		summary: "Collect zaken from the organisations' own ZGW APIs into the dossiers; exit 1 when a source or zaak failed",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&source, "source", "", "collect only from this organisation's source (default: every source)")
			fs.StringVar(&since, "since", "", "only zaken changed since: RFC 3339 time, date or duration back (24h)")
			fs.StringVar(&zaak, "zaak", "", "sync only this zaak (its URL in a Zaken API of a source) and the zaken linked to it")
			fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
			fs.BoolVarP(&verbose, "verbose", "v", false, "log every zaak and document recorded (default: warnings and errors only)")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				return usageError{"zgw sync takes no arguments"}
			}
			if zaak != "" && (source != "" || since != "") {
				return usageError{"zgw sync: --zaak does not combine with --source or --since"}
			}
			cfg, err := df.load()
			if err != nil {
				return err
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelInfo
			}
			a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level})))
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := parseSince(since, time.Now(), a.svc.Location())
			if err != nil {
				return err
			}
			coll, err := newCollector(ctx, a, env, nil)
			if err != nil {
				return err
			}
			if len(coll.Bronnen()) == 0 {
				return errors.New("the agreement names no bron: no organisation has a ZGW source to collect from")
			}
			var rap *zgw.Rapport
			if zaak != "" {
				rap, err = coll.SyncZaak(ctx, zaak)
			} else {
				rap, err = coll.Sync(ctx, zgw.SyncOptions{Bron: source, Sinds: t})
			}
			if rap != nil {
				if asJSON {
					enc := json.NewEncoder(env.stdout)
					enc.SetIndent("", "  ")
					if werr := enc.Encode(rap); werr != nil {
						return werr
					}
				} else if werr := rap.Write(env.stdout); werr != nil {
					return werr
				}
			}
			if err != nil {
				return err
			}
			if !rap.OK() {
				return fmt.Errorf("sync incomplete: %s; the next pass retries", onvolledig(rap))
			}
			return nil
		},
	}
}

// onvolledig says in a few words what a pass did not complete.
func onvolledig(rap *zgw.Rapport) string {
	var delen []string
	for _, b := range rap.Bronnen {
		if b.Fout != "" {
			delen = append(delen, "source "+b.Organisatie+" failed")
		}
	}
	if n := rap.Tel(zgw.MeldingFout); n > 0 {
		delen = append(delen, fmt.Sprintf("%d zaken failed", n))
	}
	return strings.Join(delen, ", ")
}

func zgwMapCommand() *command {
	var df dataFlags
	var source string
	return &command{
		name:    "zgw map",
		summary: "Propose the mapping of an organisation's ZGW catalogue onto the agreement (YAML to paste under its bron)",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&source, "source", "", "the organisation whose Catalogi API to read (required)")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				return usageError{"zgw map takes no arguments"}
			}
			if source == "" {
				return usageError{"zgw map: --source is required"}
			}
			cfg, err := df.load()
			if err != nil {
				return err
			}
			var a *afspraak.Afspraak
			if cfg.Afspraak == "" {
				a, err = afspraak.LoadDefault()
			} else {
				a, err = afspraak.Load(cfg.Afspraak)
			}
			if err != nil {
				return fmt.Errorf("agreement: %w", err)
			}
			v, err := zgw.StelMappingVoor(ctx, a, source, zgw.MapOptions{Getenv: env.getenv, Timeout: cfg.ZGW.Timeout,
				Retry: zgw.Retry{Attempts: cfg.ZGW.Retries}, Logger: newLogger(env, "text")})
			if err != nil {
				return err
			}
			return v.WriteYAML(env.stdout, time.Now())
		},
	}
}

// startCollector registers the collector's routes and, when the agreement names sources, runs
// the notification worker and the scheduled passes until ctx ends: incremental passes (zaken
// changed since the previous pass) and full passes. stop waits for them.
func startCollector(ctx context.Context, a *app, env *environment, srv *server.Server, reg prometheus.Registerer) (stop func(), err error) {
	coll, err := newCollector(ctx, a, env, reg)
	if err != nil {
		return nil, err
	}
	srv.Mount(coll.Routes())
	if len(coll.Bronnen()) == 0 {
		a.log.Info("no ZGW sources in the agreement: the collector is idle")
		return func() {}, nil
	}
	c := a.cfg.ZGW
	l := zgwCronLogger{a}
	cr := cron.New(cron.WithLocation(a.svc.Location()), cron.WithLogger(l), cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	var mu sync.Mutex
	var last time.Time
	pass := func(name string, incremental bool) func() {
		return func() {
			mu.Lock()
			o := zgw.SyncOptions{}
			if incremental && !last.IsZero() {
				o.Sinds = last.Add(-zgwSinceMargin)
			}
			mu.Unlock()
			start := time.Now()
			rap, err := coll.Sync(ctx, o)
			if err == nil && rap.OK() {
				mu.Lock()
				last = start
				mu.Unlock()
			}
			switch {
			case err != nil:
				a.log.Error(name, "err", err)
			case !rap.OK():
				a.log.Warn(name+": incomplete; the next pass retries", "onvolledig", onvolledig(rap), "vastgelegd", rap.Vastgelegd)
			default:
				a.log.Info(name, "zaken", rap.Zaken, "nieuwe_dossiers", rap.NieuweDossiers, "vastgelegd", rap.Vastgelegd, "geweigerd", rap.Tel(zgw.MeldingGeweigerd))
			}
		}
	}
	for _, j := range []struct {
		name, spec  string
		incremental bool
	}{
		{"zgw sync", c.Schedule, true},
		{"zgw full sync", c.FullSchedule, false},
	} {
		spec := j.spec
		if strings.EqualFold(spec, "off") {
			a.log.Info(j.name + " job disabled")
			continue
		}
		if _, err := cr.AddFunc(spec, pass(j.name, j.incremental)); err != nil {
			return nil, fmt.Errorf("config: %s schedule %q: %w", j.name, spec, err)
		}
		a.log.Info(j.name+" job scheduled", "schedule", spec)
	}
	cr.Start()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		coll.Run(ctx)
	}()
	return func() {
		<-cr.Stop().Done()
		wg.Wait()
	}, nil
}

// zgwCronLogger sends the scheduler's messages to slog.
type zgwCronLogger struct{ a *app }

// Info logs the scheduler's chatter at debug level.
func (l zgwCronLogger) Info(msg string, kv ...any) { l.a.log.Debug("cron: "+msg, kv...) }

// Error logs a failure of the scheduler.
func (l zgwCronLogger) Error(err error, msg string, kv ...any) {
	l.a.log.Error("cron: "+msg, append(kv, "err", err)...)
}
