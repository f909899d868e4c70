package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/pflag"

	"zaakarchief/dossier/httpapi"
	retentionapi "zaakarchief/retention/api"
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
			a, err := openApp(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer a.Close()

			srv, stop, err := buildDaemon(ctx, a, env, log)
			if err != nil {
				return err
			}
			defer stop()

			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
			}
			hs := server.NewHTTPServer(cfg.Listen, srv)
			hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
			log.Info("zaakarchief serving", "listen", ln.Addr().String(), "data", cfg.Data, "agreement", a.afspraak.Naam)
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

// buildDaemon builds the daemon's HTTP server, mounts the routes of every package on it and
// starts the scheduled jobs behind it; stop ends the jobs.
func buildDaemon(ctx context.Context, a *app, env *environment, log *slog.Logger) (srv *server.Server, stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv = server.New(a.svc, reg, log)
	srv.Mount(httpapi.New(a.svc, log).Routes(), retentionapi.New(a.retention).Routes())
	stopRetention, err := startRetentionJob(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	stops = append(stops, stopRetention)
	arch, err := newArchiver(ctx, a, env, reg)
	if err != nil {
		return nil, nil, err
	}
	exp, err := newExporter(a, arch)
	if err != nil {
		return nil, nil, err
	}
	srv.Mount(arch.Routes(), exp.Routes())
	a.retention.SetPakketten(archivePakketten{arch})
	stopArchive, err := startArchiveJobs(ctx, a, arch)
	if err != nil {
		return nil, nil, err
	}
	stops = append(stops, stopArchive)
	stopCollector, err := startCollector(ctx, a, env, srv, reg)
	if err != nil {
		return nil, nil, err
	}
	stops = append(stops, stopCollector)
	return srv, stop, nil
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
