package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// reconcileRetentie extends the object lock of archived packages whose zaak must now be kept
// longer than its package is locked: after a records manager's override or an archivaris's
// postponed destruction moved the archiefactiedatum (or, for a permanent record, the transfer
// date) later, or after the lock ran out while the zaak is still kept. Every written object gets
// the new until-date and the change is audited in the zaak's chain. A lock is never shortened:
// a package locked past an earlier new date stays locked until its old one, and a destruction
// list executed before then is refused by storage, which says until when.
func (s *runState) reconcileRetentie(ctx context.Context) error {
	a := s.a
	type verlenging struct {
		zaak string
		naar target.Retention
	}
	var todo []verlenging
	// One snapshot: each archived package's lock next to what its zaak asks for now.
	err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT zaak, retentie_modus, retentie_tot FROM archief_pakketten WHERE doel = ? AND status IN (?, ?) ORDER BY zaak`,
			s.tgt.URL(), PakketGearchiveerd, PakketHerbeschrijven)
		if err != nil {
			return err
		}
		type lock struct {
			zaak string
			cur  *target.Retention
		}
		var locks []lock
		for rows.Next() {
			var l lock
			var modus string
			var tot sql.NullString
			if err := rows.Scan(&l.zaak, &modus, &tot); err != nil {
				rows.Close()
				return err
			}
			if tot.Valid && modus != "" {
				until, err := parseTime(tot.String)
				if err != nil {
					rows.Close()
					return fmt.Errorf("package of zaak %s: retentie_tot %q: %w", l.zaak, tot.String, err)
				}
				l.cur = &target.Retention{Mode: target.RetentionMode(modus), Until: until}
			}
			locks = append(locks, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := a.now()
		for _, l := range locks {
			z, err := in.Zaak(ctx, l.zaak)
			if errors.Is(err, dossier.ErrNotFound) {
				continue // destroyed meanwhile; its package goes with the destruction list
			}
			if err != nil {
				return err
			}
			if want := a.retentie(z); want != nil {
				if next, ok := target.Extended(l.cur, *want, now); ok {
					todo = append(todo, verlenging{l.zaak, next})
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: compare package locks with the zaken: %w", err)
	}
	s.p.Start(StapRetentie, len(todo))
	for _, v := range todo {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		start := time.Now()
		var p *pakketRow
		err := a.db.View(ctx, func(tx *sqldb.Tx) error {
			var err error
			p, err = loadPakket(ctx, tx, v.zaak)
			return err
		})
		if err == nil && p != nil {
			err = s.extendRetentie(ctx, p, v.naar)
		}
		if err != nil {
			s.problem(ctx, Item{Zaak: v.zaak, Stap: StapRetentie}, start, err)
			continue
		}
		s.p.Done(Item{Zaak: v.zaak, Stap: StapRetentie, Status: ItemKlaar})
	}
	return nil
}

// extendRetentie locks every written object of a package until r.Until and records it.
func (s *runState) extendRetentie(ctx context.Context, p *pakketRow, r target.Retention) error {
	a := s.a
	start := time.Now()
	n := 0
	for _, o := range p.Objecten {
		if !o.Gedaan {
			continue
		}
		err := a.try(ctx, "extend retention "+o.Sleutel, func(ctx context.Context) error {
			return s.tgt.ExtendRetention(ctx, o.Sleutel, r)
		})
		if err != nil {
			return err
		}
		n++
	}
	now := a.now()
	err := a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET retentie_modus = ?, retentie_tot = ? WHERE zaak = ?`,
			string(r.Mode), fmtTime(r.Until), p.Zaak); err != nil {
			return err
		}
		if _, err := w.AuditInFase(ctx, p.Zaak, actor, "archief.retentie.verlengd", map[string]any{"run": s.info.ID, "doel": p.Doel, "map": p.Map, "objecten": n, "van": p.Retentie, "naar": r}); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, Item{Zaak: p.Zaak, Stap: StapRetentie, Status: ItemKlaar, Objecten: n}, start, now)
	})
	if err != nil {
		return fmt.Errorf("record extended retention of zaak %s: %w", p.Zaak, err)
	}
	s.retentiesVerlengd.Add(1)
	a.log.InfoContext(ctx, "archive: object lock extended", "run", s.info.ID, "zaak", p.Zaak, "mode", r.Mode,
		"until", r.Until.Format(time.RFC3339), "objecten", n)
	return nil
}
