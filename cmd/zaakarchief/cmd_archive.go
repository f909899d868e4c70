package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
	"github.com/spf13/pflag"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/dossier"
)

// newArchiver builds the archiver over the app's stores from the archive configuration; its
// metrics go to reg (nil: none). It connects to no target yet: each run opens them.
func newArchiver(ctx context.Context, a *app, env *environment, reg prometheus.Registerer) (*archive.Archiver, error) {
	c := a.cfg.Archive
	if err := archive.Migrate(ctx, a.db); err != nil {
		return nil, err
	}
	url := c.Target
	if url == "" {
		data, err := filepath.Abs(a.cfg.Data)
		if err != nil {
			return nil, fmt.Errorf("config: data directory: %w", err)
		}
		url = "file://" + filepath.ToSlash(filepath.Join(data, "archief"))
	}
	mode := target.RetentionMode(strings.ToUpper(c.LockMode))
	if !mode.Valid() {
		return nil, fmt.Errorf("config: archive.lock_mode %q is not COMPLIANCE or GOVERNANCE", c.LockMode)
	}
	o := archive.Options{DB: a.db, Dossier: a.svc, Afspraak: a.afspraak, Target: opener(url, c.S3, env.getenv),
		LockMode: mode, Workers: c.Workers, Registerer: reg, Now: a.svc.Now, Location: a.svc.Location(), Logger: a.log}
	if a.retention != nil {
		o.Holds = a.retention.Bevroren
		ob := a.retention.Instellingen().Overbrenging
		o.Overbrenging = &ob
	}
	if c.EDepot != "" {
		o.EDepot = opener(c.EDepot, c.EDepotS3, env.getenv)
	}
	return archive.New(o)
}

// opener opens the target url with the S3 settings, the AWS_* environment as fallback.
func opener(url string, s config.S3, getenv func(string) string) archive.Opener {
	tls := true
	if s.TLS != nil {
		tls = *s.TLS
	}
	cfg := target.Config{Endpoint: s.Endpoint, Region: s.Region, AccessKey: s.AccessKey, SecretKey: s.SecretKey, UseTLS: tls,
		CreateBucket: s.CreateBucket, PartSize: s.PartSize, MaxRetries: s.MaxRetries, Getenv: getenv}
	return func(ctx context.Context) (target.Target, error) { return target.Open(ctx, url, cfg) }
}

// progressFor draws a progress bar when stdout is a terminal and logs one line per zaak
// otherwise.
func progressFor(env *environment, a *app) archive.Progress {
	if f, ok := env.stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return archive.NewBar(f)
		}
	}
	return archive.LogProgress{Log: a.log}
}

// archiveCmd builds an archive command that opens the data directory and the archiver.
func archiveCmd(name, summary string, flags func(fs *pflag.FlagSet),
	run func(ctx context.Context, env *environment, a *app, arch *archive.Archiver) error) *command {
	var df dataFlags
	var logFormat string
	return &command{
		name: name, summary: summary,
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
			if flags != nil {
				flags(fs)
			}
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				return usageError{name + " takes no arguments"}
			}
			cfg, err := df.load()
			if err != nil {
				return err
			}
			a, err := openApp(ctx, cfg, newLogger(env, logFormat))
			if err != nil {
				return err
			}
			defer a.Close()
			arch, err := newArchiver(ctx, a, env, nil)
			if err != nil {
				return err
			}
			return run(ctx, env, a, arch)
		},
	}
}

func archiveRunCommand() *command {
	return archiveCmd("archive run",
		"Archive every closed zaak now as an MDTO package, reconcile legal holds and locks, transfer due records; exit 1 if a zaak failed",
		nil, func(ctx context.Context, env *environment, a *app, arch *archive.Archiver) error {
			rep, err := arch.Run(ctx, progressFor(env, a))
			if rep != nil {
				fmt.Fprintf(env.stdout, "run %s (%s) on %s: %d packages archived, %d objects, %s; %d transferred; legal holds set %d, cleared %d; locks extended %d; %d described again; %d failed\n",
					rep.ID, rep.Status, rep.Doel, rep.Pakketten, rep.Objecten, humanBytes(rep.Bytes), rep.Overgedragen,
					rep.HoldsGezet, rep.HoldsOpgeheven, rep.RetentiesVerlengd, rep.Herbeschreven, rep.Fouten)
				for _, p := range rep.Problemen {
					fmt.Fprintf(env.stdout, "failed %s (%s): %s\n", p.Zaak, p.Stap, p.Fout)
				}
			}
			if err != nil {
				return fmt.Errorf("archive run: %w", err)
			}
			if rep.Fouten > 0 {
				return fmt.Errorf("archive run %s: %d zaken failed (see above and 'zaakarchief archive runs')", rep.ID, rep.Fouten)
			}
			return nil
		})
}

func archiveVerifyCommand() *command {
	var sample float64
	return archiveCmd("archive verify",
		"Re-read archived packages, recompute every SHA-256 and compare with manifest and journal; exit 1 on any mismatch",
		func(fs *pflag.FlagSet) {
			fs.Float64Var(&sample, "sample", 100, "percentage of packages to check, chosen at random (at least one)")
		},
		func(ctx context.Context, env *environment, a *app, arch *archive.Archiver) error {
			if sample <= 0 || sample > 100 {
				return usageError{fmt.Sprintf("archive verify: --sample %v is not a percentage above 0 and at most 100", sample)}
			}
			rep, err := arch.Verify(ctx, archive.VerifyOptions{SamplePercent: sample, Progress: progressFor(env, a)})
			if rep != nil {
				for _, f := range rep.Gevonden {
					fmt.Fprintf(env.stdout, "MISMATCH %s\n", f)
				}
				for _, p := range rep.Problemen {
					if p.Status == archive.ItemFout {
						fmt.Fprintf(env.stdout, "failed %s: %s\n", p.Zaak, p.Fout)
					}
				}
				fmt.Fprintf(env.stdout, "verify %s: %d packages, %d objects, %s read; %d mismatches\n",
					rep.ID, rep.Pakketten, rep.Objecten, humanBytes(rep.Bytes), rep.Afwijkingen)
			}
			if err != nil {
				return fmt.Errorf("archive verify: %w", err)
			}
			if rep.Afwijkingen > 0 || rep.Fouten > 0 {
				return fmt.Errorf("archive verify %s: %d objects do not match, %d packages could not be checked", rep.ID, rep.Afwijkingen, rep.Fouten)
			}
			return nil
		})
}

func archiveRunsCommand() *command {
	var limit int
	return archiveCmd("archive runs", "List the most recent archive runs and fixity checks with their counts",
		func(fs *pflag.FlagSet) { fs.IntVar(&limit, "limit", 20, "how many runs to list") },
		func(ctx context.Context, env *environment, a *app, arch *archive.Archiver) error {
			runs, err := arch.Runs(ctx, dossier.Actor{Rol: dossier.RolSysteem}, limit)
			if err != nil {
				return err
			}
			return writeRuns(env.stdout, runs)
		})
}

func writeRuns(w io.Writer, runs []archive.RunInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSOORT\tGESTART\tSTATUS\tPAKKETTEN\tOBJECTEN\tBYTES\tFOUTEN\tOVERGEDRAGEN\tAFWIJKINGEN\tDOEL")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%s\n", r.ID, r.Soort, r.Gestart.Local().Format(time.DateTime), r.Status,
			r.Pakketten, r.Objecten, humanBytes(r.Bytes), r.Fouten, r.Overgedragen, r.Afwijkingen, r.Doel)
	}
	return tw.Flush()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// startArchiveJobs schedules archive runs and fixity checks in serve. A job that finds the
// other (or a CLI run) holding the lock skips its turn; stop waits for a running job, which
// ends once ctx is cancelled.
func startArchiveJobs(ctx context.Context, a *app, arch *archive.Archiver) (stop func(), err error) {
	c := a.cfg.Archive
	l := archiveCronLogger{a}
	cr := cron.New(cron.WithLocation(a.svc.Location()), cron.WithLogger(l), cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	sample := c.VerifySample
	jobs := []struct {
		name, spec string
		run        func()
	}{
		{"archive run", c.Schedule, func() {
			_, err := arch.Run(ctx, archive.LogProgress{Log: a.log})
			logJob(a, "archive run", err)
		}},
		{"archive verify", c.VerifySchedule, func() {
			_, err := arch.Verify(ctx, archive.VerifyOptions{SamplePercent: sample, Progress: archive.LogProgress{Log: a.log}})
			logJob(a, "archive verify", err)
		}},
	}
	n := 0
	for _, j := range jobs {
		spec := j.spec
		if strings.EqualFold(spec, "off") {
			a.log.Info(j.name + " job disabled")
			continue
		}
		if _, err := cr.AddFunc(spec, j.run); err != nil {
			return nil, fmt.Errorf("config: %s schedule %q: %w", j.name, spec, err)
		}
		a.log.Info(j.name+" job scheduled", "schedule", spec)
		n++
	}
	if n == 0 {
		return func() {}, nil
	}
	cr.Start()
	return func() { <-cr.Stop().Done() }, nil
}

func logJob(a *app, name string, err error) {
	switch {
	case errors.Is(err, archive.ErrBusy):
		a.log.Info(name+" skipped: another run holds the lock", "err", err)
	case err != nil:
		a.log.Error(name, "err", err)
	}
}

// archiveCronLogger sends the scheduler's messages to slog.
type archiveCronLogger struct{ a *app }

// Info logs the scheduler's routine messages at debug level.
func (l archiveCronLogger) Info(msg string, kv ...any) { l.a.log.Debug("cron: "+msg, kv...) }

// Error logs the scheduler's errors.
func (l archiveCronLogger) Error(err error, msg string, kv ...any) {
	l.a.log.Error("cron: "+msg, append(kv, "err", err)...)
}
