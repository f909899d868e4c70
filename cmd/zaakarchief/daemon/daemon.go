// Package daemon builds the whole of zaakarchief from its configuration, once: the database
// with every package's migrations, the blob store, the dossier, retention, archive, export and
// collector services, the HTTP server with every route group, and the scheduled jobs. serve,
// every command and the tests (through package daemontest) build the system with Open, so
// there is one place where the parts are put together.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/dossier/zgw"
	"zaakarchief/export"
	"zaakarchief/retention"
	retentionapi "zaakarchief/retention/api"
	"zaakarchief/server"
)

// Options are what the daemon takes from its surroundings rather than from the configuration.
type Options struct {
	// Logger receives every package's log; nil means slog.Default().
	Logger *slog.Logger
	// Getenv reads the environment (S3 credentials, the ZGW sources' secrets); nil means
	// os.Getenv.
	Getenv func(string) string
	// Now is the clock of every service; nil means time.Now. Tests move it to make zaken due.
	Now func() time.Time
	// Registry receives the metrics; nil means a new registry with the Go and process
	// collectors.
	Registry *prometheus.Registry
	// Afspraak, when set, is the agreement in force instead of the one the configuration names.
	Afspraak *afspraak.Afspraak
	// Exclusief makes Open take the data directory's lock (LockFile) and Close release it, so
	// that a second daemon that asks for it fails at once with a *BezetError naming the
	// directory and the holder's pid. serve asks for it; the commands do not, because they are
	// meant to run beside a serving daemon (token create, archive run, export, retention ...).
	Exclusief bool

	// Tune changes a service's options just before it is built: tests use them to inject
	// faults and hooks (a crash point, a target that fails). Each may be nil.
	Tune Tune
}

// Tune holds the option changes of Options.Tune.
type Tune struct {
	Dossier   func(*dossier.Options)
	Retention func(*retention.Options)
	Archive   func(*archive.Options)
	Export    func(*export.Options)
	Collector func(*zgw.Options)
}

// Daemon is zaakarchief, built: its services and its HTTP server. Open builds it, Start runs its
// scheduled jobs, Close stops them and closes the database.
type Daemon struct {
	// Config is the configuration it was built from.
	Config config.Config
	// Log is the logger every part logs to.
	Log *slog.Logger
	// Afspraak is the agreement in force.
	Afspraak *afspraak.Afspraak
	// Dossier, Retention, Archiver, Exporter and Collector are the services.
	Dossier   *dossier.Service
	Retention *retention.Service
	Archiver  *archive.Archiver
	Exporter  *export.Exporter
	Collector *zgw.Collector
	// Server serves the API: every route group is mounted on it.
	Server *server.Server
	// Registry holds the metrics the server serves at /metrics.
	Registry *prometheus.Registry

	db     *sqldb.DB
	lock   *os.File
	stops  []func()
	closed bool
}

// Open builds the daemon from cfg: it reads and checks the agreement and the retention
// settings before it touches the data directory (so a bad agreement or setting changes
// nothing), opens the database and runs every package's migrations, opens the blob store and
// builds the services and the server. It starts no job (see Start).
func Open(ctx context.Context, cfg config.Config, o Options) (d *Daemon, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	d = &Daemon{Config: cfg, Log: o.Logger, Registry: o.Registry}

	if d.Afspraak = o.Afspraak; d.Afspraak == nil {
		if d.Afspraak, err = loadAfspraak(cfg.Afspraak); err != nil {
			return nil, err
		}
	}
	lijsten := retention.NewLijsten(configs.FS)
	if errs := Blocking(afspraak.Samenvoegen(d.Afspraak.Validate(), retention.CheckAfspraak(d.Afspraak, lijsten.Lijst))); len(errs) > 0 {
		return nil, fmt.Errorf("de afspraak heeft %d fouten (zie 'zaakarchief agreement check'): %v", len(errs), errs[0])
	}
	inst, err := retention.Config{
		OverbrengingTermijn:          cfg.Retention.OverbrengingTermijn,
		OverbrengingTermijnNieuweWet: cfg.Retention.OverbrengingTermijnNieuweWet,
		NieuweArchiefwetVanaf:        cfg.Retention.NieuweArchiefwetVanaf,
		Wachttijd:                    cfg.Retention.Wachttijd,
	}.Parse()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	bepaler, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: d.Afspraak, Lijsten: lijsten, Overbrenging: inst.Overbrenging, Now: o.Now})
	if err != nil {
		return nil, err
	}
	archiefURL, err := archiveURL(cfg)
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

	if o.Exclusief {
		if d.lock, err = lockData(cfg.Data); err != nil {
			return nil, err
		}
	}
	if d.db, err = sqldb.OpenSQLite(ctx, dbPath, sqldb.WithLogger(d.Log)); err != nil {
		unlock(d.lock)
		return nil, err
	}
	defer func() {
		if err != nil {
			d.db.Close()
			unlock(d.lock)
			d = nil
		}
	}()
	for _, m := range []func(context.Context, *sqldb.DB) error{dossier.Migrate, retention.Migrate, archive.Migrate, zgw.Migrate} {
		if err := m(ctx, d.db); err != nil {
			return nil, err
		}
	}
	blobs, err := blobstore.Open(blobDir)
	if err != nil {
		return nil, err
	}
	// What uploads a killed process left half written (file times are the wall clock's).
	if n, err := blobs.Sweep(time.Now().Add(-time.Hour)); err != nil {
		d.Log.Warn("sweeping interrupted uploads", "err", err)
	} else if n > 0 {
		d.Log.Info("removed what interrupted uploads left", "aantal", n)
	}
	do := dossier.Options{DB: d.db, Blobs: blobs, Afspraak: d.Afspraak,
		MaxUpload: cfg.MaxUploadBytes, Logger: d.Log, Archief: bepaler, Now: o.Now, Clearance: cfg.Export.Clearance}
	tune(o.Tune.Dossier, &do)
	if d.Dossier, err = dossier.NewService(do); err != nil {
		return nil, err
	}
	// An execution deletes archived copies through the archiver, built below.
	ro := retention.Options{Dossier: d.Dossier, Bepaler: bepaler, Lijsten: lijsten,
		Instellingen: inst, Pakketten: pakketten{d}, Logger: d.Log}
	tune(o.Tune.Retention, &ro)
	if d.Retention, err = retention.New(ro); err != nil {
		return nil, err
	}
	a := cfg.Archive
	ob := inst.Overbrenging
	ao := archive.Options{DB: d.db, Dossier: d.Dossier, Afspraak: d.Afspraak, Lijsten: lijsten,
		Target: Opener(archiefURL, a.S3, o.Getenv, o.Now), LockMode: target.RetentionMode(strings.ToUpper(a.LockMode)),
		Overbrenging: &ob, Holds: d.Retention.Bevroren, Workers: a.Workers, Registerer: d.Registry,
		Now: o.Now, Location: d.Dossier.Location(), Logger: d.Log}
	if a.EDepot != "" {
		ao.EDepot = Opener(a.EDepot, a.EDepotS3, o.Getenv, o.Now)
	}
	tune(o.Tune.Archive, &ao)
	if d.Archiver, err = archive.New(ao); err != nil {
		return nil, err
	}
	eo := export.Options{Service: d.Dossier, Retention: d.Retention, MDTO: d.Archiver,
		Clearance: cfg.Export.Clearance, Logger: d.Log}
	tune(o.Tune.Export, &eo)
	if d.Exporter, err = export.New(eo); err != nil {
		return nil, err
	}
	spool := filepath.Join(cfg.Data, "tmp")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, fmt.Errorf("collector spool: %w", err)
	}
	z := cfg.ZGW
	zo := zgw.Options{Service: d.Dossier, Getenv: o.Getenv, Registerer: d.Registry, Logger: d.Log,
		Workers: z.Workers, Retry: zgw.Retry{Attempts: z.Retries}, Timeout: z.Timeout, Debounce: z.Debounce,
		SpoolDir: spool, LockFile: filepath.Join(cfg.Data, "zgw.lock"), Now: o.Now}
	tune(o.Tune.Collector, &zo)
	if d.Collector, err = zgw.New(zo); err != nil {
		return nil, err
	}
	d.Server = server.New(d.Dossier, d.Registry, d.Log)
	d.Server.Mount(httpapi.New(d.Dossier, d.Log).Routes(), retentionapi.New(d.Retention).Routes(),
		d.Archiver.Routes(), d.Exporter.Routes(), d.Collector.Routes())
	return d, nil
}

// DB is the database the daemon opened. Domain code never gets it (the dossier is reached
// through its service); the tests of a package read that package's own tables through it.
func (d *Daemon) DB() *sqldb.DB { return d.db }

func tune[T any](f func(*T), o *T) {
	if f != nil {
		f(o)
	}
}

// Close stops the jobs Start started, waiting for one that is running, closes the database
// and releases the data directory's lock (Options.Exclusief). Closing again does nothing.
func (d *Daemon) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	for i := len(d.stops) - 1; i >= 0; i-- {
		d.stops[i]()
	}
	d.stops = nil
	err := d.db.Close()
	unlock(d.lock)
	d.lock = nil
	return err
}

// Blocking keeps the errors of a validation, leaving out warnings.
func Blocking(fouten []afspraak.Fout) []afspraak.Fout {
	var out []afspraak.Fout
	for _, f := range fouten {
		if !f.Warning {
			out = append(out, f)
		}
	}
	return out
}

func loadAfspraak(path string) (*afspraak.Afspraak, error) {
	var a *afspraak.Afspraak
	var err error
	if path == "" {
		a, err = afspraak.LoadDefault()
	} else {
		a, err = afspraak.Load(path)
	}
	if err != nil {
		return nil, fmt.Errorf("afspraak: %w", err)
	}
	return a, nil
}

// archiveURL is the archive target: the configured one or file://<data>/archief.
func archiveURL(cfg config.Config) (string, error) {
	if cfg.Archive.Target != "" {
		return cfg.Archive.Target, nil
	}
	data, err := filepath.Abs(cfg.Data)
	if err != nil {
		return "", fmt.Errorf("config: data directory: %w", err)
	}
	return "file://" + filepath.ToSlash(filepath.Join(data, "archief")), nil
}

// Opener opens the target url with the S3 settings, the AWS_* environment as fallback.
func Opener(url string, s config.S3, getenv func(string) string, now func() time.Time) archive.Opener {
	tls := true
	if s.TLS != nil {
		tls = *s.TLS
	}
	cfg := target.Config{Endpoint: s.Endpoint, Region: s.Region, AccessKey: s.AccessKey, SecretKey: s.SecretKey, UseTLS: tls,
		CreateBucket: s.CreateBucket, PartSize: s.PartSize, MaxRetries: s.MaxRetries, Getenv: getenv, Now: now}
	return func(ctx context.Context) (target.Target, error) { return target.Open(ctx, url, cfg) }
}

// pakketten lets a retention execution delete archived copies through the daemon's archiver;
// a refusal by object lock or legal hold becomes retention.ErrPakketBewaard (the zaak stays,
// its item fails), any other error stops the execution until a later run.
type pakketten struct{ d *Daemon }

// VerwijderPakket deletes the archived copies of zaak.
func (p pakketten) VerwijderPakket(ctx context.Context, zaak string) error {
	err := p.d.Archiver.VerwijderPakket(ctx, zaak)
	if errors.Is(err, target.ErrLocked) {
		return fmt.Errorf("%w: %w", retention.ErrPakketBewaard, err)
	}
	return err
}
