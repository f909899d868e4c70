package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"zaakarchief/archive"
	"zaakarchief/dossier"
)

// progressFor draws a progress bar when stdout is a terminal and logs one line per zaak
// otherwise.
func progressFor(env *environment, a *app) archive.Progress {
	if f, ok := env.stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return archive.NewBar(f)
		}
	}
	return archive.LogProgress{Log: a.Log}
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
			a, err := openApp(ctx, env, cfg, newLogger(env, logFormat))
			if err != nil {
				return err
			}
			defer a.Close()
			return run(ctx, env, a, a.Archiver)
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
