package main

import (
	"context"
	"log/slog"

	"github.com/spf13/pflag"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
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

// app is zaakarchief built from the configuration: every command and serve work on one.
type app = daemon.Daemon

// openApp builds the daemon from cfg for a command (no job starts; serve starts them).
func openApp(ctx context.Context, env *environment, cfg config.Config, log *slog.Logger) (*app, error) {
	return daemon.Open(ctx, cfg, daemon.Options{Logger: log, Getenv: env.getenv})
}
