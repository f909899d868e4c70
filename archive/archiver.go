package archive

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/archive/target"
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the archive journal's schema migrations (component "archive").
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.Migrate(ctx, "archive", sub)
}

// Opener opens a storage target. The Archiver opens its targets at the start of every run, so a
// daemon whose S3 endpoint is down at start-up still serves, and a later run reconnects.
type Opener func(ctx context.Context) (target.Target, error)

// HoldChecker reports, inside the transaction of in and tx, whether a zaak is under a hold
// (bevriezing) that is in force. Package retention answers it (retention.Service.Bevroren); nil
// means no zaak is ever held.
type HoldChecker func(ctx context.Context, in *dossier.Inzage, tx *sqldb.Tx, zaak string) (bool, error)

// Options configures an Archiver.
type Options struct {
	// DB holds the archive journal (Migrate must have run); the archive reads and changes no
	// dossier table through it.
	DB *sqldb.DB
	// Dossier is the dossier service: the archive reads the dossiers, their content and audit
	// trail through it and records archiefstatus and audit entries with it.
	Dossier *dossier.Service
	// Afspraak is the agreement in force: zaaktypen, organisations, who archives what.
	Afspraak *afspraak.Afspraak
	// Lijsten loads the selectielijsten the zaaktypen name; nil means the embedded ones.
	Lijsten *retention.Lijsten
	// Target opens the archive target. Required.
	Target Opener
	// EDepot opens the e-Depot target permanent records are transferred to; nil disables
	// transfers.
	EDepot Opener
	// LockMode is the object lock mode of retention periods (default COMPLIANCE).
	LockMode target.RetentionMode
	// Overbrenging gives the transfer date of blijvend_bewaren records (default
	// retention.StandaardOverbrenging).
	Overbrenging *retention.Overbrenging
	// Holds says whether a zaak is under a hold; nil means never.
	Holds HoldChecker
	// Workers is the number of objects written at the same time (default 4). Besides them, up
	// to (Workers+1)/2 finishers read back the listing of completed packages and write their
	// pakbon and manifest.
	Workers int
	// PartSize is the target's multipart part size: objects larger than it are read back and
	// hashed after their package is written, as the server's checksum of such an object is a
	// composite (default 64 MiB, s3target's default).
	PartSize int64
	// Attempts bounds the tries of one object write or read, each with its own AttemptTimeout,
	// on top of the target's own retries (default 3). Backoff is the pause before the second
	// try, doubled for each next one (default 1s).
	Attempts int
	Backoff  time.Duration
	// AttemptTimeout bounds one try (default 10 minutes), so that a server that stops
	// answering fails the try instead of hanging the run.
	AttemptTimeout time.Duration
	// LockLease is how long the run lock holds without renewal (default 2 minutes).
	LockLease time.Duration
	// Registerer receives the archive's Prometheus metrics; nil registers nowhere.
	Registerer prometheus.Registerer
	// Now is the clock (default time.Now); Location the civil time zone of dates (default
	// Europe/Amsterdam).
	Now      func() time.Time
	Location *time.Location
	Logger   *slog.Logger
}

// Archiver builds MDTO packages of closed zaken, writes them to the archive target, keeps their
// object lock and legal holds in step with retention, transfers permanent records to the
// e-Depot and checks their fixity. It is safe for concurrent use; runs exclude each other with
// a lock in the database.
type Archiver struct {
	db       *sqldb.DB
	dossier  *dossier.Service
	blobs    inhoudOpener
	afspraak *afspraak.Afspraak
	lijsten  *retention.Lijsten
	open     Opener
	edepot   Opener
	mode     target.RetentionMode
	overbr   retention.Overbrenging
	holds    HoldChecker
	workers  int
	partSize int64
	attempts int
	backoff  time.Duration
	timeout  time.Duration
	lease    time.Duration
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger
	m        *metrics

	mu     sync.Mutex
	cached target.Target // the archive target once opened, for VerwijderPakket
}

// inhoudOpener opens document content by its SHA-256.
type inhoudOpener interface {
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
}

// inhoud opens document content through the dossier service.
type inhoud struct{ svc *dossier.Service }

// Open returns the content with this SHA-256.
func (i inhoud) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	return i.svc.OpenInhoud(ctx, sha)
}

// actor is who the archive acts as in the audit trail.
var actor = dossier.Actor{Organisatie: "", Rol: dossier.RolSysteem, TokenID: "archive"}

// New builds an Archiver.
func New(o Options) (*Archiver, error) {
	if o.DB == nil || o.Dossier == nil || o.Afspraak == nil || o.Target == nil {
		return nil, errors.New("archive: an archiver needs a database, the dossier service, an agreement and a target")
	}
	a := &Archiver{db: o.DB, dossier: o.Dossier, blobs: inhoud{o.Dossier}, afspraak: o.Afspraak, lijsten: o.Lijsten, open: o.Target, edepot: o.EDepot,
		mode: o.LockMode, holds: o.Holds, workers: o.Workers, partSize: o.PartSize, attempts: o.Attempts,
		backoff: o.Backoff, timeout: o.AttemptTimeout, lease: o.LockLease, now: o.Now, loc: o.Location, log: o.Logger}
	if a.lijsten == nil {
		a.lijsten = retention.NewLijsten(configs.FS)
	}
	if a.mode == "" {
		a.mode = target.Compliance
	}
	if !a.mode.Valid() {
		return nil, fmt.Errorf("archive: lock mode %q is not %s or %s", a.mode, target.Compliance, target.Governance)
	}
	a.overbr = retention.StandaardOverbrenging()
	if o.Overbrenging != nil {
		a.overbr = *o.Overbrenging
	}
	if a.workers <= 0 {
		a.workers = 4
	}
	if a.partSize <= 0 {
		a.partSize = 64 << 20
	}
	if a.attempts <= 0 {
		a.attempts = 3
	}
	if a.backoff <= 0 {
		a.backoff = time.Second
	}
	if a.timeout <= 0 {
		a.timeout = 10 * time.Minute
	}
	if a.lease <= 0 {
		a.lease = 2 * time.Minute
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.loc == nil {
		loc, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		a.loc = loc
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	a.m = m
	return a, nil
}

// target returns the archive target, opening it on first use.
func (a *Archiver) target(ctx context.Context) (target.Target, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cached != nil {
		return a.cached, nil
	}
	t, err := a.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: open the archive target: %w", err)
	}
	a.cached = t
	return t, nil
}

// reopen forgets the cached target and opens it again (a run starts with a fresh connection
// check).
func (a *Archiver) reopen(ctx context.Context) (target.Target, error) {
	a.mu.Lock()
	a.cached = nil
	a.mu.Unlock()
	return a.target(ctx)
}

// metrics are the archive's Prometheus metrics.
type metrics struct {
	packages   *prometheus.CounterVec
	objects    prometheus.Counter
	bytes      prometheus.Counter
	failures   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	mismatches prometheus.Counter
	verified   prometheus.Counter
	holds      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		packages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zaakarchief_archive_packages_total",
			Help: "Archive packages by outcome: gearchiveerd, herbeschreven, overgedragen, verwijderd.",
		}, []string{"uitkomst"}),
		objects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zaakarchief_archive_objects_written_total", Help: "Objects written to archive targets and verified.",
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zaakarchief_archive_bytes_written_total", Help: "Bytes written to archive targets and verified.",
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zaakarchief_archive_failures_total",
			Help: "Zaken an archive step failed for, by step: archiveren, overbrengen, legal_hold, verwijderen, verifieren.",
		}, []string{"stap"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "zaakarchief_archive_run_duration_seconds", Help: "Duration of archive runs and fixity checks.",
			Buckets: prometheus.ExponentialBuckets(0.5, 2, 16),
		}, []string{"soort"}),
		mismatches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zaakarchief_archive_fixity_mismatches_total", Help: "Archived objects that did not match the manifest and the journal.",
		}),
		verified: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zaakarchief_archive_fixity_objects_total", Help: "Archived objects re-read and checked by fixity checks.",
		}),
		holds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zaakarchief_archive_legal_holds_total", Help: "Legal holds placed (gezet) and cleared (opgeheven) on packages.",
		}, []string{"actie"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.packages, m.objects, m.bytes, m.failures, m.duration, m.mismatches, m.verified, m.holds} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("archive: register metrics: %w", err)
			}
		}
	}
	return m, nil
}
