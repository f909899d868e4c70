package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Kinds of Afwijking.
const (
	AfwijkingOntbreekt  = "ontbreekt"  // the object is gone
	AfwijkingOnleesbaar = "onleesbaar" // the object could not be read to its end
	AfwijkingGrootte    = "grootte"    // its length differs from the journal
	AfwijkingSHA256     = "sha256"     // its content differs from the journal
	AfwijkingManifest   = "manifest"   // the stored manifest disagrees with the content or the journal
	AfwijkingPakbon     = "pakbon"     // the pakbon does not name the manifest's hash
	AfwijkingOpslag     = "opslag"     // the target's own checksum record disagrees with the content
	AfwijkingOnbekend   = "onbekend"   // an object on the target that no package names
)

// Afwijking is one archived object that does not match what the journal and the manifest say.
type Afwijking struct {
	Zaak     string `json:"zaak"`
	Doel     string `json:"doel"`
	Sleutel  string `json:"sleutel"`
	Soort    string `json:"soort"`
	Verwacht string `json:"verwacht"`
	Gevonden string `json:"gevonden"`
}

// String formats the mismatch for one line of CLI output.
func (f Afwijking) String() string {
	return fmt.Sprintf("%s %s/%s: %s: want %s, found %s", f.Zaak, f.Doel, f.Sleutel, f.Soort, f.Verwacht, f.Gevonden)
}

// VerifyOptions configures a fixity check.
type VerifyOptions struct {
	// SamplePercent is the share of archived packages to check, chosen at random, in (0, 100];
	// 0 means all. A sample that would be empty checks one package.
	SamplePercent float64
	// Progress reports per zaak; nil reports nothing.
	Progress Progress
}

// Verify re-reads archived packages (on the archive target and, for transferred ones, the
// e-Depot), recomputes the SHA-256 of every object and compares it with the journal and with
// the package's stored manifest; the pakbon must name the manifest's hash. Every mismatch is
// logged, counted, journaled, and appended to the audit trail of its zaak; the report lists
// them in Afwijkingen. The error is for a check that could not run (ErrBusy, an unreachable
// target), not for mismatches.
func (a *Archiver) Verify(ctx context.Context, o VerifyOptions) (*Report, error) {
	pct := o.SamplePercent
	if pct == 0 {
		pct = 100
	}
	if pct < 0 || pct > 100 {
		return nil, fmt.Errorf("archive verify: sample %v%% is not between 0 and 100", o.SamplePercent)
	}
	p := o.Progress
	if p == nil {
		p = NopProgress{}
	}
	lock, err := acquireLock(ctx, a.db, a.lease, a.now, a.log)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	start := time.Now()
	info, err := a.startRun(ctx, SoortVerifieren, "")
	if err != nil {
		return nil, err
	}
	s := &runState{a: a, info: info, p: p}
	var afw []Afwijking
	runErr := func() error {
		tgt, err := a.reopen(ctx)
		if err != nil {
			return err
		}
		s.tgt, s.info.Doel = tgt, tgt.URL()
		zaken, err := a.pakketZaken(ctx, "", PakketGearchiveerd, PakketOvergedragen)
		if err != nil {
			return err
		}
		zaken = sample(zaken, pct)
		var dst target.Target
		if a.edepot != nil {
			if dst, err = a.edepot(ctx); err != nil {
				return fmt.Errorf("archive: open the e-Depot target: %w", err)
			}
		}
		afw, err = s.verifyAll(ctx, zaken, dst)
		if err != nil || pct < 100 {
			return err
		}
		// A full check also looks for objects no package names: what a killed run or a
		// destruction that stopped halfway left behind.
		for _, t := range []target.Target{s.tgt, dst} {
			if t == nil {
				continue
			}
			unnamed, err := a.unnamedObjects(ctx, t)
			if err != nil {
				return err
			}
			afw = append(afw, unnamed...)
		}
		return nil
	}()
	rep := s.report(ctx, runErr)
	rep.Gevonden = afw
	rep.Afwijkingen = len(afw)
	if len(afw) > 0 && rep.Status == RunVoltooid {
		rep.Status, rep.Melding = RunMetFouten, fmt.Sprintf("%d objects do not match", len(afw))
	}
	a.m.duration.WithLabelValues(SoortVerifieren).Observe(time.Since(start).Seconds())
	if err := a.endRun(ctx, &rep.RunInfo); err != nil && runErr == nil {
		runErr = err
	}
	p.Finish(rep)
	a.log.InfoContext(ctx, "archive verify ended", "run", rep.ID, "status", rep.Status, "pakketten", rep.Pakketten,
		"objecten", rep.Objecten, "bytes", rep.Bytes, "afwijkingen", len(afw), "duur", time.Since(start).Round(time.Millisecond))
	return rep, runErr
}

// unnamedObjects lists the objects on t that no package in the journal names. The records of
// transfers (VerklaringMap) are not packages and are left out.
func (a *Archiver) unnamedObjects(ctx context.Context, t target.Target) ([]Afwijking, error) {
	known := map[string]bool{}
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT o.sleutel FROM archief_objecten o JOIN archief_pakketten p ON p.zaak = o.zaak WHERE p.doel = ?`, t.URL())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			known[k] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("archive verify: read the journal's objects: %w", err)
	}
	var out []Afwijking
	err = t.List(ctx, "", func(oi target.ObjectInfo) error {
		if known[oi.Key] || strings.HasPrefix(oi.Key, VerklaringMap+"/") {
			return nil
		}
		f := Afwijking{Doel: t.URL(), Sleutel: oi.Key, Soort: AfwijkingOnbekend,
			Verwacht: "no object: no package names it", Gevonden: fmt.Sprintf("%d bytes", oi.Size)}
		a.log.WarnContext(ctx, "archive verify: object that no package names", "doel", f.Doel, "sleutel", f.Sleutel, "grootte", oi.Size)
		a.m.mismatches.Inc()
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive verify: list %s: %w", t.URL(), err)
	}
	return out, nil
}

// sample keeps each zaak with probability pct/100, and at least one.
func sample(zaken []string, pct float64) []string {
	if pct >= 100 || len(zaken) == 0 {
		return zaken
	}
	var out []string
	for _, z := range zaken {
		if rand.Float64()*100 < pct {
			out = append(out, z)
		}
	}
	if len(out) == 0 {
		out = append(out, zaken[rand.IntN(len(zaken))])
	}
	return out
}

// verifyAll checks packages with the run's workers.
func (s *runState) verifyAll(ctx context.Context, zaken []string, edepot target.Target) ([]Afwijking, error) {
	s.p.Start(StapVerifieren, len(zaken))
	var mu sync.Mutex
	var all []Afwijking
	var next atomic.Int64
	var wg sync.WaitGroup
	for range s.a.workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(zaken)) && ctx.Err() == nil; i = next.Add(1) - 1 {
				found := s.verifyOne(ctx, zaken[i], edepot)
				mu.Lock()
				all = append(all, found...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return all, ctx.Err()
}

// verifyOne checks one package and records what it found.
func (s *runState) verifyOne(ctx context.Context, zaak string, edepot target.Target) []Afwijking {
	a := s.a
	start := time.Now()
	it := Item{Zaak: zaak, Stap: StapVerifieren}
	var p *pakketRow
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		p, err = loadPakket(ctx, tx, zaak)
		return err
	})
	if err == nil && p == nil {
		err = errors.New("the package is no longer in the journal")
	}
	var t target.Target
	if err == nil {
		switch {
		case p.Doel == s.tgt.URL():
			t = s.tgt
		case edepot != nil && p.Doel == edepot.URL():
			t = edepot
		default:
			err = fmt.Errorf("the package is on %s, which is not a configured target", p.Doel)
		}
	}
	if err != nil {
		if ctx.Err() == nil {
			s.problem(ctx, it, start, err)
		}
		return nil
	}
	found, n, bytes := a.checkPackage(ctx, t, p)
	if ctx.Err() != nil {
		return nil
	}
	s.pakketten.Add(1)
	s.objecten.Add(int64(n))
	s.bytes.Add(bytes)
	a.m.verified.Add(float64(n))
	now := a.now()
	it.Objecten, it.Bytes, it.Status = n, bytes, ItemKlaar
	var kept []Afwijking
	err = a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		cur, err := loadPakket(ctx, tx, zaak)
		if err != nil {
			return err
		}
		if cur == nil || cur.Status != p.Status || cur.Doel != p.Doel {
			return nil // deleted or transferred meanwhile: what was missing is explained
		}
		kept = found
		for _, f := range found {
			if _, err := w.AuditInFase(ctx, zaak, actor, "archief.fixity.afwijking", map[string]any{"run": s.info.ID, "afwijking": f}); err != nil {
				return err
			}
		}
		if len(found) > 0 {
			msgs := make([]string, len(found))
			for i, f := range found {
				msgs[i] = f.String()
			}
			it.Status, it.Fout = ItemAfwijking, strings.Join(msgs, "; ")
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET laatst_geverifieerd = ? WHERE zaak = ?`, fmtTime(now), zaak); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, it, start, now)
	})
	if err != nil {
		s.problem(ctx, Item{Zaak: zaak, Stap: StapVerifieren}, start, fmt.Errorf("record the check: %w", err))
		return nil
	}
	for _, f := range kept {
		a.m.mismatches.Inc()
		a.log.ErrorContext(ctx, "archive: fixity mismatch", "run", s.info.ID, "zaak", f.Zaak, "doel", f.Doel, "key", f.Sleutel,
			"soort", f.Soort, "verwacht", f.Verwacht, "gevonden", f.Gevonden)
	}
	if len(kept) > 0 {
		s.mu.Lock()
		s.problemen = append(s.problemen, it)
		s.mu.Unlock()
	}
	s.p.Done(it)
	return kept
}

// checkPackage reads every object of a package on t and compares it with the journal and the
// stored manifest and pakbon. It returns the mismatches, the objects read and their bytes.
func (a *Archiver) checkPackage(ctx context.Context, t target.Target, p *pakketRow) ([]Afwijking, int, int64) {
	var found []Afwijking
	add := func(key, soort, want, got string) {
		found = append(found, Afwijking{Zaak: p.Zaak, Doel: t.URL(), Sleutel: key, Soort: soort, Verwacht: want, Gevonden: got})
	}
	var manifest *Manifest
	var manifestSum string
	var pakbonBytes []byte
	n, total := 0, int64(0)
	// The manifest first: the other objects are compared with it.
	order := make([]object, 0, len(p.Objecten))
	for _, o := range p.Objecten {
		if o.Soort == soortManifest {
			order = append([]object{o}, order...)
		} else {
			order = append(order, o)
		}
	}
	for _, o := range order {
		var keep []byte
		var got string
		var size int64
		var recordDiffers bool
		err := a.try(ctx, "read "+o.Sleutel, func(ctx context.Context) error {
			var e error
			keep = nil
			if o.Soort == soortManifest || o.Soort == soortPakbon {
				got, size, keep, e = readSmall(ctx, t, o.Sleutel)
			} else {
				got, size, e = hashObject(ctx, t, o.Sleutel)
			}
			recordDiffers = errors.Is(e, target.ErrChecksumMismatch) && got != ""
			if recordDiffers {
				return nil // the content was read; the mismatch is judged below
			}
			return e
		})
		switch {
		case errors.Is(err, os.ErrNotExist):
			add(o.Sleutel, AfwijkingOntbreekt, fmt.Sprintf("%d bytes, sha-256 %s", o.Grootte, o.SHA256), "no object")
			continue
		case err != nil:
			add(o.Sleutel, AfwijkingOnleesbaar, "readable", err.Error())
			continue
		}
		n++
		total += size
		if size != o.Grootte {
			add(o.Sleutel, AfwijkingGrootte, fmt.Sprint(o.Grootte), fmt.Sprint(size))
		}
		if got != o.SHA256 {
			add(o.Sleutel, AfwijkingSHA256, o.SHA256, got)
		} else if recordDiffers {
			add(o.Sleutel, AfwijkingOpslag, "the target's checksum record to match the content "+got, "a different record")
		}
		switch o.Soort {
		case soortManifest:
			manifestSum = got
			var m Manifest
			if err := json.Unmarshal(keep, &m); err != nil {
				add(o.Sleutel, AfwijkingManifest, "a manifest ("+ManifestFormaat+")", "unreadable: "+err.Error())
			} else {
				manifest = &m
			}
		case soortPakbon:
			pakbonBytes = keep
		default:
			// Content that differs from the journal is one finding (above); the manifest is
			// judged for objects whose content is as journaled.
			if manifest != nil && got == o.SHA256 && size == o.Grootte {
				rel := strings.TrimPrefix(o.Sleutel, p.Map+"/")
				e, ok := manifestEntry(manifest, rel)
				switch {
				case !ok:
					add(o.Sleutel, AfwijkingManifest, "an entry "+rel, "none")
				case e.SHA256 != got || e.Grootte != size:
					add(o.Sleutel, AfwijkingManifest, fmt.Sprintf("%d bytes, sha-256 %s (manifest)", e.Grootte, e.SHA256),
						fmt.Sprintf("%d bytes, sha-256 %s", size, got))
				}
			}
		}
	}
	if pakbonBytes != nil && manifestSum != "" {
		var pb Pakbon
		if err := json.Unmarshal(pakbonBytes, &pb); err != nil {
			add(p.Map+"/"+PakbonNaam, AfwijkingPakbon, "a pakbon ("+PakbonFormaat+")", "unreadable: "+err.Error())
		} else if pb.Manifest.SHA256 != manifestSum {
			add(p.Map+"/"+PakbonNaam, AfwijkingPakbon, "manifest sha-256 "+manifestSum, pb.Manifest.SHA256)
		}
	}
	return found, n, total
}

func manifestEntry(m *Manifest, pad string) (ManifestObject, bool) {
	for _, e := range m.Objecten {
		if e.Pad == pad {
			return e, true
		}
	}
	return ManifestObject{}, false
}

// hashObject reads an object to its end and returns the SHA-256 and length of what it read.
// When the target's own record disagrees with the content, the error wraps
// target.ErrChecksumMismatch and the hash and length are still those of the content.
func hashObject(ctx context.Context, t target.Target, key string) (string, int64, error) {
	rc, err := t.Open(ctx, key)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// maxSmall bounds what readSmall keeps in memory (manifests and pakbonnen are kilobytes).
const maxSmall = 64 << 20

// readSmall reads a small object whole, with its SHA-256 and length.
func readSmall(ctx context.Context, t target.Target, key string) (string, int64, []byte, error) {
	rc, err := t.Open(ctx, key)
	if err != nil {
		return "", 0, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSmall))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), int64(len(b)), b, err
}
