package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/pflag"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// dataFlags are the flags every command that opens the data directory shares.
type dataFlags struct {
	config   string
	data     string
	afspraak string
}

func (f *dataFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "configuration file (YAML); defaults apply without one")
	fs.StringVar(&f.data, "data", "", "data directory (database and documents) (default ./zaakarchief-data)")
	fs.StringVar(&f.afspraak, "agreement", "", "agreement file (default: the embedded omgevingsvergunning example)")
}

// load reads the configuration file and applies the flags over it.
func (f *dataFlags) load() (config.Config, error) {
	c, err := config.Load(f.config)
	if err != nil {
		return c, err
	}
	if f.data != "" {
		c.Data = f.data
	}
	if f.afspraak != "" {
		c.Afspraak = f.afspraak
	}
	return c, nil
}

// app is what a command that works on the data directory needs, opened and migrated.
type app struct {
	cfg      config.Config
	db       *sqldb.DB
	blobs    *blobstore.Dir
	afspraak *afspraak.Afspraak
	svc      *dossier.Service
	log      *slog.Logger
	// retention runs explanations, holds and destruction lists (see cmd_retention.go).
	retention *retention.Service
}

func openApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log}
	var err error
	if cfg.Afspraak == "" {
		a.afspraak, err = afspraak.LoadDefault()
	} else {
		a.afspraak, err = afspraak.Load(cfg.Afspraak)
	}
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	if errs := blocking(a.afspraak.Validate()); len(errs) > 0 {
		return nil, fmt.Errorf("agreement has %d errors (run 'zaakarchief agreement check'): %v", len(errs), errs[0])
	}
	rw, err := newRetentionWiring(cfg, a.afspraak)
	if err != nil {
		return nil, err
	}
	dbPath, err := cfg.SQLitePath()
	if err != nil {
		return nil, fmt.Errorf("config: database: %w", err)
	}
	blobDir, err := cfg.BlobDir()
	if err != nil {
		return nil, fmt.Errorf("config: blobs: %w", err)
	}
	a.db, err = sqldb.OpenSQLite(ctx, dbPath, sqldb.WithLogger(log))
	if err != nil {
		return nil, err
	}
	if err := dossier.Migrate(ctx, a.db); err != nil {
		a.db.Close()
		return nil, err
	}
	if err := retention.Migrate(ctx, a.db); err != nil {
		a.db.Close()
		return nil, err
	}
	a.blobs, err = blobstore.Open(blobDir)
	if err != nil {
		a.db.Close()
		return nil, err
	}
	a.svc, err = dossier.NewService(dossier.Options{DB: a.db, Blobs: a.blobs, Afspraak: a.afspraak,
		MaxUpload: cfg.MaxUploadBytes, Logger: log, Archief: rw.bepaler})
	if err != nil {
		a.db.Close()
		return nil, err
	}
	if a.retention, err = rw.service(a.svc, log); err != nil {
		a.db.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) Close() error { return a.db.Close() }

// blocking keeps the errors of a validation, leaving out warnings.
func blocking(fouten []afspraak.Fout) []afspraak.Fout {
	var out []afspraak.Fout
	for _, f := range fouten {
		if !f.Warning {
			out = append(out, f)
		}
	}
	return out
}
