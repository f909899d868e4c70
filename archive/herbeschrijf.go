package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// herbeschrijven describes archived packages again whose zaak was revalued after it was
// archived: a records manager's override or an archivaris's answer on a destruction list
// changed its archiefnominatie, archiefactiedatum or brondatum (or the archiefactiedatum of a
// zaak archived with procestermijn onbekend became known). The MDTO metadata in storage then
// names a waardering or bewaartermijn the zaak no longer has, and the transfer to the e-Depot
// follows the package's nominatie; both must follow the zaak.
//
// For each such package the run builds the package again from the dossier (whose content
// cannot have changed since it was archived), writes the sidecars whose content changed, then
// the pakbon and the manifest last, as new versions: the earlier versions stay on the target
// under their lock. The journal takes the new plan, the package's lock never becomes shorter
// than it was, and the zaak's audit trail records the change. A run cut off half-way leaves the
// journal at the earlier description with status herbeschrijven (which the fixity check passes
// by), and the next run describes the package again, skipping what it finds written with the
// same content.
func (s *runState) herbeschrijven(ctx context.Context) error {
	a := s.a
	var todo []string
	err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT zaak, status, nominatie, brondatum, archiefactiedatum FROM archief_pakketten
			WHERE doel = ? AND status IN (?, ?) ORDER BY zaak`, s.tgt.URL(), PakketGearchiveerd, PakketHerbeschrijven)
		if err != nil {
			return err
		}
		type beschreven struct{ zaak, status, nominatie, brondatum, actie string }
		var pakketten []beschreven
		for rows.Next() {
			var p beschreven
			var bron, actie *string
			if err := rows.Scan(&p.zaak, &p.status, &p.nominatie, &bron, &actie); err != nil {
				rows.Close()
				return err
			}
			if bron != nil {
				p.brondatum = *bron
			}
			if actie != nil {
				p.actie = *actie
			}
			pakketten = append(pakketten, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range pakketten {
			z, err := in.Zaak(ctx, p.zaak)
			if errors.Is(err, dossier.ErrNotFound) {
				continue // destroyed meanwhile; its package goes with the destruction list
			}
			if err != nil {
				return err
			}
			ar := z.Archief
			if p.status == PakketHerbeschrijven || ar.Archiefnominatie != p.nominatie || datumKolom(ar.StartdatumBewaartermijn) != p.brondatum ||
				datumKolom(ar.Archiefactiedatum) != p.actie {
				todo = append(todo, p.zaak)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: compare package descriptions with the zaken: %w", err)
	}
	s.p.Start(StapHerbeschrijven, len(todo))
	for _, zaak := range todo {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		start := time.Now()
		it, err := s.herbeschrijf(ctx, zaak)
		if err != nil {
			if ctx.Err() == nil {
				s.problem(ctx, Item{Zaak: zaak, Stap: StapHerbeschrijven}, start, err)
			}
			continue
		}
		s.p.Done(it)
	}
	return nil
}

// datumKolom is a date as the journal's columns hold it ("" for none).
func datumKolom(d *dossier.Datum) string {
	if v, ok := dossier.DatumKolom(d).(string); ok {
		return v
	}
	return ""
}

// herbeschrijf describes the package of one revalued zaak again (see herbeschrijven).
func (s *runState) herbeschrijf(ctx context.Context, zaak string) (Item, error) {
	a := s.a
	it := Item{Zaak: zaak, Stap: StapHerbeschrijven}
	d, old, hold, err := a.planInput(ctx, zaak)
	if err != nil {
		return it, err
	}
	if old == nil || (old.Status != PakketGearchiveerd && old.Status != PakketHerbeschrijven) {
		return it, fmt.Errorf("the package of zaak %s is no longer archived on %s", zaak, s.tgt.URL())
	}
	p, err := a.build(ctx, d, s.tgt.URL(), s.info.ID, a.now(), hold, false)
	if err != nil {
		return it, err
	}
	// A lock is never shortened: objects already written keep theirs, and the package
	// (with what is written now) keeps the later of the two.
	p.Retentie = laterRetention(old.Retentie, p.Retentie)
	if p.Map != old.Map {
		return it, fmt.Errorf("the package folder would move from %s to %s", old.Map, p.Map)
	}
	if err := a.controleerSIP(ctx, p, func(ctx context.Context, o object) (io.ReadCloser, error) { return s.tgt.Open(ctx, o.Sleutel) }, false); err != nil {
		return it, err
	}
	had := make(map[string]object, len(old.Objecten))
	for _, o := range old.Objecten {
		had[o.Sleutel] = o
	}
	var write []*object
	for i := range p.Objecten {
		o := &p.Objecten[i]
		h, ok := had[o.Sleutel]
		delete(had, o.Sleutel)
		switch {
		case ok && h.Gedaan && h.SHA256 == o.SHA256 && h.Grootte == o.Grootte:
			o.Gedaan = true
		case o.Soort == soortBestand:
			// The documents of an archived dossier cannot change: a different file means
			// the package no longer matches its zaak, which a person must look into.
			return it, fmt.Errorf("document %s differs from the archived one (sha-256 %s, archived %s)", o.Sleutel, o.SHA256, h.SHA256)
		default:
			write = append(write, o)
		}
	}
	for k := range had {
		return it, fmt.Errorf("object %s of the archived package has no place in its new description", k)
	}
	// Until the new description is complete, storage and journal disagree: the status says
	// so (the fixity check passes the package by, a cut-off run is finished by the next).
	if old.Status != PakketHerbeschrijven {
		if err := a.db.Update(ctx, func(tx *sqldb.Tx) error { return setPakket(ctx, tx, zaak, PakketHerbeschrijven, "") }); err != nil {
			return it, err
		}
	}
	// In write order, so the manifest goes last, after the listing shows the rest in place.
	pk := &pakketRun{plan: p, resumed: true, start: time.Now()}
	for _, o := range write {
		if o.Soort == soortManifest {
			var body []object
			for _, b := range p.Objecten {
				if b.Soort != soortPakbon && b.Soort != soortManifest {
					body = append(body, b)
				}
			}
			if err := a.verifyWritten(ctx, s.tgt, zaak, p.Map, body, nil); err != nil {
				return it, err
			}
		}
		if err := s.write(ctx, s.tgt, pk, o); err != nil {
			return it, err
		}
	}
	now := a.now()
	it.Status, it.Objecten, it.Bytes = ItemKlaar, int(pk.objecten.Load()), pk.bytes.Load()
	err = a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		if err := savePlan(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET status = ?, voltooid = ? WHERE zaak = ?`,
			PakketGearchiveerd, fmtTime(now), zaak); err != nil {
			return err
		}
		details := map[string]any{"run": s.info.ID, "doel": p.Doel, "map": p.Map, "objecten": it.Objecten,
			"manifestSha256": p.ManifestSHA, "vorigManifestSha256": old.ManifestSHA,
			"van":  map[string]any{"archiefnominatie": old.Nominatie, "brondatum": old.Brondatum, "archiefactiedatum": old.Archiefactiedatum},
			"naar": map[string]any{"archiefnominatie": p.Nominatie, "brondatum": p.Brondatum, "archiefactiedatum": p.Archiefactiedatum}}
		if _, err := w.AuditInFase(ctx, zaak, actor, "archief.pakket.herbeschreven", details); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, it, pk.start, now)
	})
	if err != nil {
		return it, fmt.Errorf("record the new description of zaak %s: %w", zaak, err)
	}
	s.herbeschreven.Add(1)
	a.m.packages.WithLabelValues("herbeschreven").Inc()
	a.log.InfoContext(ctx, "archive: package described again after revaluation", "run", s.info.ID, "zaak", zaak,
		"nominatie", p.Nominatie, "archiefactiedatum", p.Archiefactiedatum, "objecten", it.Objecten)
	return it, nil
}
