package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/server"
)

func serveCommand() *command {
	var df dataFlags
	var listen, logFormat string
	return &command{
		name:    "serve",
		summary: "Run the daemon: the capture API, the KCC status, health and metrics",
		flags: func(fs *pflag.FlagSet) {
			df.add(fs)
			fs.StringVar(&listen, "listen", "", "address to listen on (default 127.0.0.1:8080)")
			fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				return usageError{"serve takes no arguments"}
			}
			cfg, err := df.load()
			if err != nil {
				return err
			}
			if listen != "" {
				cfg.Listen = listen
			}
			log := newLogger(env, logFormat)
			// serve alone holds the data directory's lock: a second serve fails at once, the
			// commands keep working beside it.
			a, err := daemon.Open(ctx, cfg, daemon.Options{Logger: log, Getenv: env.getenv, Exclusief: true})
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Start(ctx); err != nil {
				return err
			}
			srv := a.Server

			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
			}
			hs := server.NewHTTPServer(cfg.Listen, srv)
			hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
			log.Info("zaakarchief serving", "listen", ln.Addr().String(), "data", cfg.Data, "agreement", a.Afspraak.Naam)
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			select {
			case err := <-errc:
				return fmt.Errorf("serve: %w", err)
			case <-ctx.Done():
			}
			log.Info("shutting down: finishing requests in flight")
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("shutdown: %w", err)
			}
			log.Info("stopped")
			return nil
		},
	}
}

func newLogger(env *environment, format string) *slog.Logger {
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(env.stderr, nil)
	} else {
		h = slog.NewTextHandler(env.stderr, nil)
	}
	return slog.New(h)
}
