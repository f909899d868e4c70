package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/zgw"
)

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
			a, err := openApp(ctx, env, cfg, slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level})))
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := parseSince(since, time.Now(), a.Dossier.Location())
			if err != nil {
				return err
			}
			coll := a.Collector
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
				return fmt.Errorf("sync incomplete: %s; the next pass retries", daemon.Onvolledig(rap))
			}
			return nil
		},
	}
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
