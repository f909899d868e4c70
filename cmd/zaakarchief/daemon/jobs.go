package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"zaakarchief/archive"
	"zaakarchief/dossier/zgw"
)

// zgwSinceMargin is how far back before the previous pass an incremental ZGW pass looks, for
// clocks that differ and changes registered late.
const zgwSinceMargin = time.Hour

// job is one scheduled job: a name for the log, its cron schedule ("off" disables it) and what
// it runs.
type job struct {
	name, spec string
	run        func()
}

// Start runs the scheduled jobs in the Europe/Amsterdam time zone until Close: the retention
// job (execute approved destruction lists past their waiting period, then propose a new list),
// archive runs and fixity checks, and, when the agreement names ZGW sources, the collector's
// incremental and full passes and its notification worker. A job still busy when its next turn
// comes skips that turn; an archive job that finds a CLI run holding the lock skips too. The
// jobs stop when ctx ends or Close is called.
func (d *Daemon) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	l := cronLogger{d.Log}
	cr := cron.New(cron.WithLocation(d.Dossier.Location()), cron.WithLogger(l), cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	c := d.Config
	jobs := []job{
		{"retention job", c.Retention.ProposeSchedule, func() {
			v, err := d.Retention.Job(ctx)
			switch {
			case err != nil:
				d.Log.Error("retention job", "err", err)
			case v.Lijst != nil:
				d.Log.Info("retention job proposed a destruction list", "lijst", v.Lijst.ID, "zaken", v.Opgenomen)
			}
		}},
		{"archive run", c.Archive.Schedule, func() {
			_, err := d.Archiver.Run(ctx, archive.LogProgress{Log: d.Log})
			d.logArchiveJob("archive run", err)
		}},
		{"archive verify", c.Archive.VerifySchedule, func() {
			_, err := d.Archiver.Verify(ctx, archive.VerifyOptions{SamplePercent: c.Archive.VerifySample, Progress: archive.LogProgress{Log: d.Log}})
			d.logArchiveJob("archive verify", err)
		}},
	}
	bronnen := len(d.Collector.Bronnen()) > 0
	if bronnen {
		jobs = append(jobs, d.zgwJobs(ctx)...)
	} else {
		d.Log.Info("no ZGW sources in the agreement: the collector is idle")
	}
	for _, j := range jobs {
		if strings.EqualFold(j.spec, "off") {
			d.Log.Info(j.name + " job disabled")
			continue
		}
		if _, err := cr.AddFunc(j.spec, j.run); err != nil {
			cancel()
			return fmt.Errorf("config: %s schedule %q: %w", j.name, j.spec, err)
		}
		d.Log.Info(j.name+" job scheduled", "schedule", j.spec)
	}
	cr.Start()
	var wg sync.WaitGroup
	if bronnen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Collector.Run(ctx)
		}()
	}
	d.stops = append(d.stops, func() {
		<-cr.Stop().Done()
		cancel()
		wg.Wait()
	})
	return nil
}

// zgwJobs are the collector's incremental passes (zaken changed since the previous complete
// pass, with a margin) and full passes.
func (d *Daemon) zgwJobs(ctx context.Context) []job {
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
			rap, err := d.Collector.Sync(ctx, o)
			if err == nil && rap.OK() {
				mu.Lock()
				last = start
				mu.Unlock()
			}
			switch {
			case err != nil:
				d.Log.Error(name, "err", err)
			case !rap.OK():
				d.Log.Warn(name+": incomplete; the next pass retries", "onvolledig", Onvolledig(rap), "vastgelegd", rap.Vastgelegd)
			default:
				d.Log.Info(name, "zaken", rap.Zaken, "nieuwe_dossiers", rap.NieuweDossiers, "vastgelegd", rap.Vastgelegd, "geweigerd", rap.Tel(zgw.MeldingGeweigerd))
			}
		}
	}
	return []job{
		{"zgw sync", d.Config.ZGW.Schedule, pass("zgw sync", true)},
		{"zgw full sync", d.Config.ZGW.FullSchedule, pass("zgw full sync", false)},
	}
}

func (d *Daemon) logArchiveJob(name string, err error) {
	switch {
	case errors.Is(err, archive.ErrBusy):
		d.Log.Info(name+" skipped: another run holds the lock", "err", err)
	case err != nil:
		d.Log.Error(name, "err", err)
	}
}

// cronLogger sends the scheduler's messages to slog.
type cronLogger struct{ log *slog.Logger }

// Info logs the scheduler's routine messages at debug level.
func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

// Error logs a failure of the scheduler.
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// Onvolledig says in a few words what a pass did not complete.
func Onvolledig(rap *zgw.Rapport) string {
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
