package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// reconcileHolds makes the legal hold of every package on the archive target match the holds
// in force: a package of a held zaak gets a legal hold on every object, and loses it when the
// last hold ends. Each change is audited in the zaak's chain.
func (s *runState) reconcileHolds(ctx context.Context) error {
	a := s.a
	if a.holds == nil {
		return nil
	}
	zaken, err := a.pakketZaken(ctx, s.tgt.URL(), PakketSchrijven, PakketGearchiveerd, PakketHerbeschrijven)
	if err != nil {
		return err
	}
	s.p.Start(StapLegalHold, len(zaken))
	for _, zaak := range zaken {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		start := time.Now()
		var p *pakketRow
		var on bool
		err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
			var err error
			if p, err = loadPakket(ctx, tx, zaak); err != nil || p == nil {
				return err
			}
			on, err = a.holds(ctx, in, tx, zaak)
			return err
		})
		status := ItemOngewijzigd
		if err == nil && p != nil && on != p.LegalHold {
			err = s.setHold(ctx, p, on)
			status = ItemKlaar
		}
		if err != nil {
			s.problem(ctx, Item{Zaak: zaak, Stap: StapLegalHold}, start, err)
			continue
		}
		s.p.Done(Item{Zaak: zaak, Stap: StapLegalHold, Status: status})
	}
	return nil
}

// setHold places or clears the legal hold on every written object of a package and records it.
func (s *runState) setHold(ctx context.Context, p *pakketRow, on bool) error {
	a := s.a
	start := time.Now()
	n := 0
	for _, o := range p.Objecten {
		if !o.Gedaan {
			continue
		}
		err := a.try(ctx, "legal hold "+o.Sleutel, func(ctx context.Context) error {
			return s.tgt.SetLegalHold(ctx, o.Sleutel, on)
		})
		if err != nil {
			return err
		}
		n++
	}
	actie, telling := "archief.legal_hold.opgeheven", &s.holdsOpgeheven
	if on {
		actie, telling = "archief.legal_hold.gezet", &s.holdsGezet
	}
	now := a.now()
	err := a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		v := 0
		if on {
			v = 1
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET legal_hold = ? WHERE zaak = ?`, v, p.Zaak); err != nil {
			return err
		}
		if _, err := w.AuditInFase(ctx, p.Zaak, actor, actie, map[string]any{"run": s.info.ID, "doel": p.Doel, "map": p.Map, "objecten": n}); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, Item{Zaak: p.Zaak, Stap: StapLegalHold, Status: ItemKlaar, Objecten: n}, start, now)
	})
	if err != nil {
		return fmt.Errorf("record legal hold of zaak %s: %w", p.Zaak, err)
	}
	telling.Add(1)
	a.m.holds.WithLabelValues(map[bool]string{true: "gezet", false: "opgeheven"}[on]).Inc()
	a.log.InfoContext(ctx, "archive: legal hold changed", "run", s.info.ID, "zaak", p.Zaak, "on", on, "objecten", n)
	return nil
}

// The Archiver deletes archived copies for retention's destruction lists.
var _ retention.ArchiefVerwijderaar = (*Archiver)(nil)

// VerwijderPakket deletes the archived package of a zaak from the archive target, for the
// execution of an approved destruction list (retention.ArchiefVerwijderaar). The manifest goes
// first, so that a package cut off halfway is visibly incomplete. A zaak without a package, or
// whose package is already gone, is no error. A package under retention or legal hold is
// refused by storage: the error wraps retention.ErrPakketBewaard and target.ErrLocked, says
// until when, and nothing is deleted. A package that was transferred to the e-Depot is not
// deleted here (retention.ErrPakketBewaard too). A package that a run may still be writing is
// deleted only under the run lock (ErrBusy while a run holds it). Any other error (storage
// unreachable, busy) leaves the package for a later call to finish.
func (a *Archiver) VerwijderPakket(ctx context.Context, zaak string) error {
	var p *pakketRow
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		p, err = loadPakket(ctx, tx, zaak)
		return err
	})
	if err != nil {
		return fmt.Errorf("archive: delete package of zaak %s: %w", zaak, err)
	}
	if p == nil || p.Status == PakketVerwijderd {
		return nil
	}
	if p.Status == PakketOvergedragen {
		return fmt.Errorf("archive: the package of zaak %s was transferred to %s (e-Depot); it is not deleted by a destruction list: %w",
			zaak, p.Doel, retention.ErrPakketBewaard)
	}
	if p.Status == PakketSchrijven || p.Status == PakketHerbeschrijven {
		// A run may be writing this package right now: delete it only while no run does.
		lock, err := acquireLock(ctx, a.db, a.lease, a.now, a.log)
		if err != nil {
			return fmt.Errorf("archive: delete the unfinished package of zaak %s: %w", zaak, err)
		}
		defer lock.release()
	}
	t, err := a.target(ctx)
	if err != nil {
		return fmt.Errorf("archive: delete package of zaak %s: %w", zaak, err)
	}
	if p.Doel != t.URL() {
		return fmt.Errorf("archive: the package of zaak %s is on %s, not on the archive target %s", zaak, p.Doel, t.URL())
	}
	was := p.Status
	if err := a.db.Update(ctx, func(tx *sqldb.Tx) error { return setPakket(ctx, tx, zaak, PakketVerwijderen, "") }); err != nil {
		return fmt.Errorf("archive: delete package of zaak %s: %w", zaak, err)
	}
	n, err := a.deleteObjects(ctx, t, p.Objecten)
	if err != nil {
		if n == 0 { // nothing went: the package is as it was
			bg := context.WithoutCancel(ctx)
			_ = a.db.Update(bg, func(tx *sqldb.Tx) error { return setPakket(bg, tx, zaak, was, err.Error()) })
		}
		a.m.failures.WithLabelValues(StapVerwijderen).Inc()
		if errors.Is(err, target.ErrLocked) {
			return fmt.Errorf("archive: delete package of zaak %s from %s: %w: %w", zaak, t.URL(), retention.ErrPakketBewaard, err)
		}
		return fmt.Errorf("archive: delete package of zaak %s from %s: %w", zaak, t.URL(), err)
	}
	now := a.now()
	err = a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		if err := setPakket(ctx, tx, zaak, PakketVerwijderd, ""); err != nil {
			return err
		}
		// The journal's objects carry the package's keys (document titles) and its MDTO
		// sidecars: what was destroyed must not stay behind in the journal.
		if err := deleteObjectRows(ctx, tx, zaak); err != nil {
			return err
		}
		_, err := w.AuditInFase(ctx, zaak, actor, "archief.pakket.verwijderd", map[string]any{"doel": p.Doel, "map": p.Map, "objecten": len(p.Objecten), "manifestSha256": p.ManifestSHA})
		return err
	})
	if err != nil {
		return fmt.Errorf("archive: record deletion of the package of zaak %s: %w", zaak, err)
	}
	a.m.packages.WithLabelValues(PakketVerwijderd).Inc()
	a.log.InfoContext(ctx, "archive: package deleted", "zaak", zaak, "doel", p.Doel, "objecten", len(p.Objecten))
	return nil
}

// deleteObjects deletes a package's objects from t, the manifest first, then the pakbon, then
// the rest; an object already gone counts as deleted. It returns how many it deleted.
func (a *Archiver) deleteObjects(ctx context.Context, t target.Target, objs []object) (int, error) {
	order := slices.Clone(objs)
	slices.SortStableFunc(order, func(x, y object) int { return rank(x) - rank(y) })
	n := 0
	for _, o := range order {
		err := a.try(ctx, "delete "+o.Sleutel, func(ctx context.Context) error {
			err := t.Delete(ctx, o.Sleutel)
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// rank orders objects for deletion: manifest, pakbon, then the rest.
func rank(o object) int {
	switch o.Soort {
	case soortManifest:
		return 0
	case soortPakbon:
		return 1
	}
	return 2
}
