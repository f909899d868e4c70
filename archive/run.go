package archive

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"zaakarchief/archive/mdto"
	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// errSkip means a zaak is not (or no longer) ready to be archived: nothing to report.
var errSkip = errors.New("archive: zaak not ready")

// errStale means the dossier changed while its package was written.
var errStale = errors.New("the dossier changed while its package was written; it is packaged again in the next run")

// runState is one run in progress.
type runState struct {
	a    *Archiver
	info RunInfo
	tgt  target.Target
	p    Progress

	pakketten, objecten, fouten, overgedragen, holdsGezet, holdsOpgeheven atomic.Int64
	retentiesVerlengd, herbeschreven, bytes                               atomic.Int64

	marks *doneMarks // journals written objects while packages are written

	mu        sync.Mutex
	problemen []Item
}

// problem records a zaak that failed a step: journal, log, metrics, progress.
func (s *runState) problem(ctx context.Context, it Item, start time.Time, err error) {
	it.Status, it.Fout = ItemFout, err.Error()
	s.fouten.Add(1)
	s.a.m.failures.WithLabelValues(it.Stap).Inc()
	s.a.log.ErrorContext(ctx, "archive: zaak failed", "run", s.info.ID, "zaak", it.Zaak, "stap", it.Stap, "err", err)
	ctx = context.WithoutCancel(ctx)
	if jerr := s.a.db.Update(ctx, func(tx *sqldb.Tx) error {
		if it.Stap == StapArchiveren {
			if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET fout = ? WHERE zaak = ? AND status = ?`, it.Fout, it.Zaak, PakketSchrijven); err != nil {
				return err
			}
		}
		return recordItem(ctx, tx, s.info.ID, it, start, s.a.now())
	}); jerr != nil {
		s.a.log.ErrorContext(ctx, "archive: journal the failure", "zaak", it.Zaak, "err", jerr)
	}
	s.mu.Lock()
	s.problemen = append(s.problemen, it)
	s.mu.Unlock()
	s.p.Done(it)
}

// Run does one archive run now: it reconciles the legal holds of archived packages with the
// holds in force, extends their object lock where the zaak must now be kept longer, describes
// again the packages of zaken revalued since they were archived, archives every closed zaak
// that is ready (finishing first what an earlier, interrupted run left), and transfers
// permanent records that are due to the e-Depot. A zaak that fails is reported (journal, log,
// metrics) and the run goes on; the report lists them.
// The error is ErrBusy (a *BusyError) when another run holds the lock, or the reason the run
// could not start or was cut off; per-zaak failures are in the report, not the error.
func (a *Archiver) Run(ctx context.Context, p Progress) (*Report, error) {
	if p == nil {
		p = NopProgress{}
	}
	lock, err := acquireLock(ctx, a.db, a.lease, a.now, a.log)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	start := time.Now()
	info, err := a.startRun(ctx, SoortArchiveren, "")
	if err != nil {
		return nil, err
	}
	s := &runState{a: a, info: info, p: p}
	a.log.InfoContext(ctx, "archive run started", "run", info.ID)
	runErr := s.run(ctx)
	rep := s.report(ctx, runErr)
	a.m.duration.WithLabelValues(SoortArchiveren).Observe(time.Since(start).Seconds())
	if err := a.endRun(ctx, &rep.RunInfo); err != nil && runErr == nil {
		runErr = err
	}
	p.Finish(rep)
	a.log.InfoContext(ctx, "archive run ended", "run", rep.ID, "status", rep.Status, "pakketten", rep.Pakketten,
		"objecten", rep.Objecten, "bytes", rep.Bytes, "fouten", rep.Fouten, "overgedragen", rep.Overgedragen,
		"holds_gezet", rep.HoldsGezet, "holds_opgeheven", rep.HoldsOpgeheven, "retenties_verlengd", rep.RetentiesVerlengd, "herbeschreven", rep.Herbeschreven, "duur", time.Since(start).Round(time.Millisecond))
	return rep, runErr
}

// sweepMargin is how old a temporary file or incomplete upload must be before a run removes it.
const sweepMargin = time.Hour

func (s *runState) run(ctx context.Context) error {
	tgt, err := s.a.reopen(ctx)
	if err != nil {
		return err
	}
	s.tgt = tgt
	s.info.Doel = tgt.URL()
	// A run holds the lock, so what an earlier, killed run left half-written is debris; the
	// margin keeps clear of a legal-hold update that may be writing right now.
	if n, err := tgt.Sweep(ctx, s.a.now().Add(-sweepMargin)); err != nil {
		s.a.log.WarnContext(ctx, "archive run: sweeping interrupted writes from the target", "err", err)
	} else if n > 0 {
		s.a.log.InfoContext(ctx, "archive run: removed what interrupted writes left in the target", "aantal", n)
	}
	if err := s.reconcileHolds(ctx); err != nil {
		return err
	}
	if err := s.reconcileRetentie(ctx); err != nil {
		return err
	}
	if err := s.herbeschrijven(ctx); err != nil {
		return err
	}
	if err := s.archive(ctx); err != nil {
		return err
	}
	return s.transfer(ctx)
}

// report fills the run's totals and status.
func (s *runState) report(ctx context.Context, runErr error) *Report {
	r := &Report{RunInfo: s.info}
	r.Pakketten, r.Objecten, r.Bytes = int(s.pakketten.Load()), int(s.objecten.Load()), s.bytes.Load()
	r.Fouten, r.Overgedragen = int(s.fouten.Load()), int(s.overgedragen.Load())
	r.HoldsGezet, r.HoldsOpgeheven = int(s.holdsGezet.Load()), int(s.holdsOpgeheven.Load())
	r.RetentiesVerlengd, r.Herbeschreven = int(s.retentiesVerlengd.Load()), int(s.herbeschreven.Load())
	s.mu.Lock()
	r.Problemen = append([]Item(nil), s.problemen...)
	s.mu.Unlock()
	switch {
	case runErr != nil && ctx.Err() != nil:
		r.Status, r.Melding = RunAfgebroken, runErr.Error()
	case runErr != nil:
		r.Status, r.Melding = RunMislukt, runErr.Error()
	case r.Fouten > 0:
		r.Status, r.Melding = RunMetFouten, fmt.Sprintf("%d zaken failed; see the items of this run", r.Fouten)
	default:
		r.Status = RunVoltooid
	}
	return r
}

// pakketRun is one package being written in this run.
type pakketRun struct {
	plan      *plan
	resumed   bool // objects may exist from an earlier run: look before writing
	start     time.Time
	remaining atomic.Int64
	objecten  atomic.Int64
	bytes     atomic.Int64

	mu  sync.Mutex
	err error
}

func (pk *pakketRun) fail(err error) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.err == nil {
		pk.err = err
	}
}

func (pk *pakketRun) failed() error {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	return pk.err
}

// job is one object to write, or (obj nil) a package whose objects are all written.
type job struct {
	pk  *pakketRun
	obj *object
}

// archive writes the packages of every zaak that is ready: a planner builds packages and feeds
// their objects to a pool of writers, so that packaging and hashing overlap with the transfers.
// The writer that completes a package's last object hands it to a finisher, which verifies the
// package and writes its pakbon and manifest while the writers go on with the next packages'
// objects: verification and journaling never take a writer's place.
func (s *runState) archive(ctx context.Context) error {
	resume, err := s.a.pakketZaken(ctx, s.tgt.URL(), PakketSchrijven)
	if err != nil {
		return err
	}
	ready, err := s.a.teArchiveren(ctx)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(resume)+len(ready))
	var work []string
	for _, z := range append(resume, ready...) {
		if !seen[z] {
			seen[z] = true
			work = append(work, z)
		}
	}
	s.p.Start(StapArchiveren, len(work))
	s.marks = s.a.startMarks()
	defer s.marks.close()
	// The planner works ahead of the writers by up to this many objects.
	jobs := make(chan job, 256)
	// Packages whose objects are all tried wait here for a finisher; when they are all busy, a
	// writer waits too, so that unfinished packages cannot pile up.
	written := make(chan *pakketRun, s.a.workers)
	var fwg sync.WaitGroup
	for range finishers(s.a.workers) {
		fwg.Go(func() {
			for pk := range written {
				s.complete(ctx, pk)
			}
		})
	}
	var wg sync.WaitGroup
	for range s.a.workers {
		wg.Go(func() {
			for j := range jobs {
				if j.obj == nil {
					written <- j.pk
					continue
				}
				if j.pk.failed() == nil && ctx.Err() == nil {
					if err := s.writeJob(ctx, j.pk, j.obj); err != nil {
						j.pk.fail(err)
					}
				}
				if j.pk.remaining.Add(-1) == 0 {
					written <- j.pk
				}
			}
		})
	}
	for _, zaak := range work {
		if ctx.Err() != nil {
			break
		}
		start := time.Now()
		pk, err := s.prepare(ctx, zaak)
		if errors.Is(err, errSkip) {
			s.p.Done(Item{Zaak: zaak, Stap: StapArchiveren, Status: ItemOvergeslagen})
			continue
		}
		if err != nil {
			if ctx.Err() == nil {
				s.problem(ctx, Item{Zaak: zaak, Stap: StapArchiveren}, start, err)
			}
			continue
		}
		var pending []*object
		for i := range pk.plan.Objecten {
			o := &pk.plan.Objecten[i]
			if !o.Gedaan && !o.volgt && o.Soort != soortPakbon && o.Soort != soortManifest {
				pending = append(pending, o)
			}
		}
		if len(pending) == 0 {
			jobs <- job{pk: pk}
			continue
		}
		pk.remaining.Store(int64(len(pending)))
		for _, o := range pending {
			jobs <- job{pk: pk, obj: o}
		}
	}
	close(jobs)
	wg.Wait()
	close(written)
	fwg.Wait()
	return ctx.Err()
}

// finishers returns how many goroutines verify and seal written packages next to workers
// writers: finishing a package (a listing, two journal transactions, two small objects) takes a
// fraction of the time its objects take to write.
func finishers(workers int) int {
	return max(1, (workers+1)/2)
}

// prepare returns the package of a zaak to write: the stored plan when an earlier run started
// it and the dossier has not changed since, or a new plan (keeping what an earlier plan already
// wrote with the same content).
func (s *runState) prepare(ctx context.Context, zaak string) (*pakketRun, error) {
	a := s.a
	d, old, hold, err := a.planInput(ctx, zaak)
	if errors.Is(err, dossier.ErrNotFound) {
		return nil, errSkip // destroyed since the run started
	}
	if err != nil {
		return nil, err
	}
	if !eligible(&d.Zaak) {
		if old != nil && old.Status == PakketSchrijven {
			err := a.db.Update(ctx, func(tx *sqldb.Tx) error {
				return setPakket(ctx, tx, zaak, PakketAfgebroken, "the zaak is no longer ready to be archived (reopened, or its archiefstatus changed)")
			})
			if err != nil {
				return nil, err
			}
			a.log.WarnContext(ctx, "archive: package abandoned, zaak no longer ready", "zaak", zaak)
		}
		return nil, errSkip
	}
	fp, err := fingerprint(d)
	if err != nil {
		return nil, err
	}
	if old != nil && old.Status == PakketSchrijven && old.Doel == s.tgt.URL() && old.Vingerafdruk == fp && old.ManifestSHA != "" {
		return &pakketRun{plan: &old.plan, resumed: true, start: time.Now()}, nil
	}
	// A package that starts afresh reads each document once, identifying its format on the
	// way out; one that picks up an earlier plan (some objects may be written already, an
	// unsealed plan is built again) reads the formats up front.
	fresh := old == nil || old.Doel != s.tgt.URL()
	p, err := a.build(ctx, d, s.tgt.URL(), s.info.ID, a.now(), hold, fresh)
	if err != nil {
		return nil, err
	}
	resumed := false
	if !fresh {
		resumed = true
		// Objects of the earlier plan may be written with its lock, which is never shortened:
		// the package keeps the later of the two.
		p.Retentie = laterRetention(old.Retentie, p.Retentie)
		had := make(map[string]object, len(old.Objecten))
		for _, o := range old.Objecten {
			had[o.Sleutel] = o
		}
		// An object the earlier plan wrote is kept as it is only when it carries this plan's
		// lock; otherwise write finds it on the target and brings its lock up to this plan.
		sameLock := old.LegalHold == p.LegalHold && sameRetention(old.Retentie, p.Retentie)
		for i := range p.Objecten {
			o := &p.Objecten[i]
			if h, ok := had[o.Sleutel]; ok && sameLock && h.Gedaan && h.SHA256 == o.SHA256 && h.Grootte == o.Grootte && o.Soort != soortManifest && o.Soort != soortPakbon {
				o.Gedaan = true
			}
			delete(had, o.Sleutel)
		}
		for k, o := range had {
			if o.Gedaan {
				a.log.WarnContext(ctx, "archive: object of an earlier plan is no longer part of the package", "zaak", zaak, "key", k)
			}
		}
	}
	if err := a.db.Update(ctx, func(tx *sqldb.Tx) error { return savePlan(ctx, tx, p) }); err != nil {
		return nil, err
	}
	return &pakketRun{plan: p, resumed: resumed, start: time.Now()}, nil
}

// planInput reads, in one snapshot, what planning a zaak's package needs: its dossier, the
// package the journal has for it (nil when none), and whether a hold is in force.
func (a *Archiver) planInput(ctx context.Context, zaak string) (d *dossier.Dossier, old *pakketRow, hold bool, err error) {
	err = a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		if d, err = in.Dossier(ctx, zaak); err != nil {
			return err
		}
		if old, err = loadPakket(ctx, tx, zaak); err != nil {
			return err
		}
		if a.holds != nil {
			hold, err = a.holds(ctx, in, tx, zaak)
		}
		return err
	})
	return d, old, hold, err
}

// writeJob writes an object and, for a document whose bestand sidecar waited for it, the
// sidecar with the format seen while the document was written.
func (s *runState) writeJob(ctx context.Context, pk *pakketRun, o *object) error {
	if err := s.write(ctx, s.tgt, pk, o); err != nil {
		return err
	}
	if o.scan == nil {
		return nil
	}
	sc, err := s.a.finishSidecar(ctx, pk.plan, o)
	if err != nil {
		return err
	}
	return s.write(ctx, s.tgt, pk, sc)
}

// write puts one object on t with its SHA-256, the package's retention and legal hold, checks
// what the target reports back, and journals it as done. For a resumed package it first looks
// whether the object is already there with the same content, so that nothing is written twice.
func (s *runState) write(ctx context.Context, t target.Target, pk *pakketRun, o *object) error {
	a := s.a
	if pk.resumed {
		var info target.ObjectInfo
		err := a.try(ctx, "stat "+o.Sleutel, func(ctx context.Context) error {
			var err error
			info, err = t.Stat(ctx, o.Sleutel)
			return err
		})
		if err == nil && info.Size == o.Grootte && info.SHA256 == o.SHA256 {
			if err := a.lockAsPlanned(ctx, t, pk.plan, o.Sleutel, info); err != nil {
				return err
			}
			o.Gedaan = true
			s.marks.mark(pk.plan.Zaak, o.Sleutel)
			return nil
		}
	}
	sum, err := hex.DecodeString(o.SHA256)
	if err != nil || len(sum) != 32 {
		return fmt.Errorf("object %s: journal checksum %q is not a SHA-256", o.Sleutel, o.SHA256)
	}
	opts := target.PutOptions{ContentType: o.Mediatype, LegalHold: pk.plan.LegalHold}
	copy(opts.SHA256[:], sum)
	if r := pk.plan.Retentie; r != nil && r.Until.After(time.Now().Add(time.Minute)) {
		rr := *r
		opts.Retention = &rr
	}
	var info target.ObjectInfo
	err = a.try(ctx, "write "+o.Sleutel, func(ctx context.Context) error {
		r, err := s.a.content(ctx, o)
		if err != nil {
			return err
		}
		defer r.Close()
		info, err = t.Put(ctx, o.Sleutel, r, o.Grootte, opts)
		return err
	})
	if err != nil {
		return err
	}
	if info.Size != o.Grootte || info.SHA256 != o.SHA256 {
		return fmt.Errorf("object %s: the target reports %d bytes with sha-256 %q after the write, want %d bytes with %s: %w",
			o.Sleutel, info.Size, info.SHA256, o.Grootte, o.SHA256, target.ErrChecksumMismatch)
	}
	o.Gedaan = true
	s.marks.mark(pk.plan.Zaak, o.Sleutel)
	pk.objecten.Add(1)
	pk.bytes.Add(o.Grootte)
	s.objecten.Add(1)
	s.bytes.Add(o.Grootte)
	a.m.objects.Inc()
	a.m.bytes.Add(float64(o.Grootte))
	return nil
}

// lockAsPlanned gives an object that an earlier plan of the package wrote (info is what the
// target reports of it) the package's retention and legal hold: a dossier that changed since
// may have a later archiefactiedatum, a hold may have been placed or lifted. A retention is
// never shortened.
func (a *Archiver) lockAsPlanned(ctx context.Context, t target.Target, p *plan, key string, info target.ObjectInfo) error {
	if r := p.Retentie; r != nil && r.Until.After(time.Now().Add(time.Minute)) {
		if _, longer := target.Extended(info.Retention, *r, time.Now()); longer {
			err := a.try(ctx, "extend retention "+key, func(ctx context.Context) error { return t.ExtendRetention(ctx, key, *r) })
			if err != nil {
				return err
			}
		}
	}
	if info.LegalHold != p.LegalHold {
		return a.try(ctx, "legal hold "+key, func(ctx context.Context) error { return t.SetLegalHold(ctx, key, p.LegalHold) })
	}
	return nil
}

// laterRetention returns the retention that ends last of a and b (nil when both are nil).
func laterRetention(a, b *target.Retention) *target.Retention {
	if a == nil || (b != nil && !a.Until.After(b.Until)) {
		return b
	}
	r := *a
	return &r
}

// sameRetention reports whether two packages' retentions are the same lock.
func sameRetention(a, b *target.Retention) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := a.Normalized(), b.Normalized()
	return x.Mode == y.Mode && x.Until.Equal(y.Until)
}

// content opens an object's bytes: a document from the blob store (shown to its format Scan
// as they are read, when it has one), or the generated content.
func (a *Archiver) content(ctx context.Context, o *object) (io.ReadCloser, error) {
	if o.Blob == "" {
		return io.NopCloser(bytes.NewReader(o.Inhoud)), nil
	}
	rc, err := a.blobs.Open(ctx, o.Blob)
	if err != nil {
		return nil, fmt.Errorf("open document content %s: %w", o.Blob, err)
	}
	if o.scan == nil {
		return rc, nil
	}
	if f, ok := rc.(seekableFile); ok {
		return &scannedFile{scannedStream{rc: f, scan: o.scan}, f}, nil
	}
	return &scannedStream{rc: rc, scan: o.scan}, nil
}

// seekableFile is content that can be read at any offset and rewound (a file), which a target
// uses to send it without a copy and to retry.
type seekableFile interface {
	io.ReadCloser
	io.ReaderAt
	io.Seeker
}

// scannedStream passes every byte read to a format Scan, with its offset.
type scannedStream struct {
	rc   io.ReadCloser
	scan *mdto.Scan
	off  int64
}

func (r *scannedStream) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.scan.Observe(r.off, p[:n])
	r.off += int64(n)
	return n, err
}

func (r *scannedStream) Close() error { return r.rc.Close() }

// scannedFile is a scannedStream that can also be read at an offset and rewound.
type scannedFile struct {
	scannedStream
	f seekableFile
}

func (r *scannedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.f.ReadAt(p, off)
	r.scan.Observe(off, p[:n])
	return n, err
}

func (r *scannedFile) Seek(offset int64, whence int) (int64, error) {
	pos, err := r.f.Seek(offset, whence)
	if err == nil {
		r.off = pos
	}
	return pos, err
}

// complete ends a package whose objects were all tried: a failure is reported, a success is
// verified and sealed with pakbon and manifest.
func (s *runState) complete(ctx context.Context, pk *pakketRun) {
	if ctx.Err() != nil {
		return // the run was stopped; the next run resumes the package
	}
	it := Item{Zaak: pk.plan.Zaak, Stap: StapArchiveren}
	if err := pk.failed(); err != nil {
		s.problem(ctx, it, pk.start, err)
		return
	}
	if err := s.finish(ctx, pk); err != nil {
		if ctx.Err() == nil {
			s.problem(ctx, it, pk.start, err)
		}
		return
	}
	it.Status, it.Objecten, it.Bytes = ItemKlaar, int(pk.objecten.Load()), pk.bytes.Load()
	s.pakketten.Add(1)
	s.a.m.packages.WithLabelValues(PakketGearchiveerd).Inc()
	s.p.Done(it)
}

// finish verifies a package whose objects are written (the listing, and every object too big
// for a server-side full-object checksum read back and hashed), checks that the dossier is
// still the one packaged, writes the pakbon and then the manifest, and marks the zaak archived
// in the same transaction that records the package complete.
func (s *runState) finish(ctx context.Context, pk *pakketRun) error {
	a, p := s.a, pk.plan
	var body []object
	for _, o := range p.Objecten {
		if o.Soort != soortPakbon && o.Soort != soortManifest {
			body = append(body, o)
		}
	}
	if err := a.verifyWritten(ctx, s.tgt, p.Zaak, p.Map, body, s.marks); err != nil {
		return err
	}
	// Nothing that names the package complete is written for a dossier that changed: the
	// seal is stored only while the dossier is the one packaged (a package sealed by an
	// earlier run is checked on its own).
	if p.ManifestSHA == "" {
		if err := a.controleerSIP(ctx, p, a.uitBlobs, false); err != nil {
			return err
		}
		if err := p.seal(); err != nil {
			return err
		}
		err := a.dossier.WijzigOp(ctx, a.now(), func(w *dossier.Wijziging, tx *sqldb.Tx) error {
			if _, err := currentDossier(ctx, &w.Inzage, p); err != nil {
				return err
			}
			return saveSeal(ctx, tx, p)
		})
		if err != nil {
			return err
		}
	} else if err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error { _, err := currentDossier(ctx, in, p); return err }); err != nil {
		return err
	}
	for i := range p.Objecten {
		o := &p.Objecten[i]
		if (o.Soort == soortPakbon || o.Soort == soortManifest) && !o.Gedaan {
			if err := s.write(ctx, s.tgt, pk, o); err != nil {
				return err
			}
		}
	}
	now := a.now()
	return a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		d, err := currentDossier(ctx, &w.Inzage, p)
		if err != nil {
			return err
		}
		status := dossier.ArchiefstatusGearchiveerd
		if d.Zaak.Archief.Archiefactiedatum == nil {
			status = dossier.ArchiefstatusProcestermijnOnb
		}
		details := map[string]any{"run": s.info.ID, "doel": p.Doel, "map": p.Map, "manifestSha256": p.ManifestSHA,
			"objecten": len(p.Objecten), "bytes": p.Bytes, "retentie": p.Retentie, "legalHold": p.LegalHold}
		if err := w.SetArchiefstatus(ctx, p.Zaak, status, actor, details); err != nil {
			return fmt.Errorf("set archiefstatus %s: %w", status, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET status = ?, voltooid = ?, fout = '' WHERE zaak = ?`,
			PakketGearchiveerd, fmtTime(now), p.Zaak); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_objecten SET gedaan = 1, geschreven = ? WHERE zaak = ? AND gedaan = 0`,
			fmtTime(now), p.Zaak); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, Item{Zaak: p.Zaak, Stap: StapArchiveren, Status: ItemKlaar,
			Objecten: int(pk.objecten.Load()), Bytes: pk.bytes.Load()}, pk.start, now)
	})
}

// currentDossier reads the zaak's dossier through in and returns it while the zaak is still
// ready and its dossier unchanged since the package was planned; errStale otherwise.
func currentDossier(ctx context.Context, in *dossier.Inzage, p *plan) (*dossier.Dossier, error) {
	d, err := in.Dossier(ctx, p.Zaak)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint(d)
	if err != nil {
		return nil, err
	}
	if !eligible(&d.Zaak) || fp != p.Vingerafdruk {
		return nil, errStale
	}
	return d, nil
}

// verifyWritten reads the listing of a package folder back and compares every object's
// presence and size; objects larger than the part size, whose server checksum is a composite of
// their parts, are read back and hashed in full. (A smaller object's SHA-256 was verified by
// the server on upload and read back by the target after the put.) An object found wrong is
// journaled as not done (when marks is set: t is the package's own target, marks the queue its
// "done" went through), so that the next run writes it again.
func (a *Archiver) verifyWritten(ctx context.Context, t target.Target, zaak, folder string, objs []object, marks *doneMarks) error {
	sizes := map[string]int64{}
	err := a.try(ctx, "list "+folder+"/", func(ctx context.Context) error {
		clear(sizes)
		return t.List(ctx, folder+"/", func(oi target.ObjectInfo) error {
			sizes[oi.Key] = oi.Size
			return nil
		})
	})
	if err != nil {
		return err
	}
	var problems []error
	synced := false
	for _, o := range objs {
		size, ok := sizes[o.Sleutel]
		switch {
		case !ok:
			problems = append(problems, fmt.Errorf("%s is missing from the listing", o.Sleutel))
		case size != o.Grootte:
			problems = append(problems, fmt.Errorf("%s has %d bytes in the listing, want %d", o.Sleutel, size, o.Grootte))
		case o.Grootte > a.partSize:
			if err := a.readBack(ctx, t, o); err != nil {
				problems = append(problems, err)
			} else {
				continue
			}
		default:
			continue
		}
		if marks == nil {
			continue
		}
		if !synced {
			marks.sync() // the object's "done" is written before its "not done"
			synced = true
		}
		if err := a.markObject(ctx, zaak, o.Sleutel, false); err != nil {
			problems = append(problems, err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("verify %s on %s: %w", folder, t.URL(), errors.Join(problems...))
	}
	return nil
}

// readBack reads an object to its end and compares its length and SHA-256 with the journal.
func (a *Archiver) readBack(ctx context.Context, t target.Target, o object) error {
	return a.try(ctx, "read back "+o.Sleutel, func(ctx context.Context) error {
		got, n, err := hashObject(ctx, t, o.Sleutel)
		if err != nil {
			return err
		}
		if n != o.Grootte || got != o.SHA256 {
			return fmt.Errorf("%s read back: %d bytes with sha-256 %s, want %d bytes with %s: %w", o.Sleutel, n, got, o.Grootte, o.SHA256, target.ErrChecksumMismatch)
		}
		return nil
	})
}
