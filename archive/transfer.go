package archive

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// transfer moves every permanent package (blijvend_bewaren) whose transfer date has come to the
// e-Depot target (overbrenging): copy every object with its SHA-256, the manifest last; verify
// the copy; delete the package from the archive target; mark the zaak overgedragen. A zaak under
// a hold waits. Each step can be cut off and is finished by the next run.
func (s *runState) transfer(ctx context.Context) error {
	a := s.a
	if a.edepot == nil {
		return nil
	}
	zaken, err := a.pakketZaken(ctx, s.tgt.URL(), PakketGearchiveerd)
	if err != nil {
		return err
	}
	today := dossier.DatumIn(a.now(), a.loc)
	type due struct {
		zaak  string
		datum time.Time
		wet   string
	}
	var work []due
	for _, zaak := range zaken {
		var p *pakketRow
		var held bool
		err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
			var err error
			if p, err = loadPakket(ctx, tx, zaak); err != nil || p == nil {
				return err
			}
			if a.holds != nil {
				held, err = a.holds(ctx, in, tx, zaak)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("archive: select packages to transfer: %w", err)
		}
		if p == nil || p.Nominatie != dossier.ArchiefnominatieBlijvend || p.Brondatum == nil {
			continue
		}
		datum, wet := a.overbr.Datum(p.Brondatum.Time())
		if today.Time().Before(datum) {
			continue
		}
		if held {
			a.log.InfoContext(ctx, "archive: transfer postponed, the zaak is under a hold", "zaak", zaak)
			continue
		}
		work = append(work, due{zaak, datum, wet})
	}
	if len(work) == 0 {
		return nil
	}
	dst, err := a.edepot(ctx)
	if err != nil {
		return fmt.Errorf("archive: open the e-Depot target: %w", err)
	}
	s.p.Start(StapOverbrengen, len(work))
	var gedaan []overgebracht
	for _, w := range work {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		start := time.Now()
		n, b, err := s.transferOne(ctx, dst, w.zaak, w.datum, w.wet)
		if err != nil {
			if ctx.Err() == nil {
				s.problem(ctx, Item{Zaak: w.zaak, Stap: StapOverbrengen}, start, err)
			}
			continue
		}
		s.overgedragen.Add(1)
		gedaan = append(gedaan, overgebracht{w.zaak, w.datum, w.wet})
		a.m.packages.WithLabelValues(PakketOvergedragen).Inc()
		s.p.Done(Item{Zaak: w.zaak, Stap: StapOverbrengen, Status: ItemKlaar, Objecten: n, Bytes: b})
	}
	return s.verklaarOverbrenging(context.WithoutCancel(ctx), dst, gedaan)
}

// transferOne copies one package to dst, verifies it there, deletes it from the archive target
// and records the transfer.
func (s *runState) transferOne(ctx context.Context, dst target.Target, zaak string, datum time.Time, wet string) (int, int64, error) {
	a, src := s.a, s.tgt
	var p *pakketRow
	if err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		p, err = loadPakket(ctx, tx, zaak)
		return err
	}); err != nil {
		return 0, 0, err
	}
	// A package an e-Depot would refuse is not moved (ErrSIPAfgekeurd): it stays where it is.
	if err := a.controleerSIP(ctx, &p.plan, func(ctx context.Context, o object) (io.ReadCloser, error) { return src.Open(ctx, o.Sleutel) }, true); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	var copied int
	var bytes int64
	var body []object
	for _, o := range p.Objecten { // in write order: the manifest last
		if o.Soort != soortPakbon && o.Soort != soortManifest {
			body = append(body, o)
		}
		if o.Soort == soortManifest {
			if err := a.verifyWritten(ctx, dst, zaak, p.Map, body, nil); err != nil {
				return copied, bytes, err
			}
		}
		n, err := a.copyObject(ctx, src, dst, o)
		if err != nil {
			return copied, bytes, err
		}
		if n > 0 {
			copied++
			bytes += n
		}
	}
	if _, err := a.deleteObjects(ctx, src, p.Objecten); err != nil {
		return copied, bytes, fmt.Errorf("remove the transferred package from %s: %w", src.URL(), err)
	}
	now := a.now()
	actiedatum := dossier.DatumVan(datum.Date())
	err := a.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		z, err := w.Zaak(ctx, zaak)
		if err != nil {
			return err
		}
		details := map[string]any{"run": s.info.ID, "van": src.URL(), "naar": dst.URL(), "map": p.Map, "wet": wet,
			"overbrengingsdatum": actiedatum, "manifestSha256": p.ManifestSHA, "objecten": len(p.Objecten)}
		if z.Archief.Archiefactiedatum == nil {
			// A permanent record without a term gets its transfer date as archiefactiedatum,
			// which the Zaken API requires for archiefstatus overgedragen.
			naar := z.Archief
			naar.Archiefactiedatum = &actiedatum
			if _, err := w.WijzigArchief(ctx, zaak, naar, actor, "", nil); err != nil {
				return err
			}
			details["archiefactiedatumGezet"] = actiedatum
		}
		if err := w.SetArchiefstatus(ctx, zaak, dossier.ArchiefstatusOvergedragen, actor, details); err != nil {
			return fmt.Errorf("set archiefstatus overgedragen: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET doel = ?, status = ?, retentie_modus = '', retentie_tot = NULL, fout = '' WHERE zaak = ?`,
			dst.URL(), PakketOvergedragen, zaak); err != nil {
			return err
		}
		return recordItem(ctx, tx, s.info.ID, Item{Zaak: zaak, Stap: StapOverbrengen, Status: ItemKlaar, Objecten: copied, Bytes: bytes}, start, now)
	})
	if err != nil {
		return copied, bytes, fmt.Errorf("record the transfer: %w", err)
	}
	a.log.InfoContext(ctx, "archive: package transferred", "run", s.info.ID, "zaak", zaak, "naar", dst.URL(), "wet", wet)
	return copied, bytes, nil
}

// copyObject copies one object from src to dst with its journal SHA-256, unless dst already
// holds it with that content. It returns the bytes written (0 when it was there).
func (a *Archiver) copyObject(ctx context.Context, src, dst target.Target, o object) (int64, error) {
	var info target.ObjectInfo
	err := a.try(ctx, "stat "+o.Sleutel, func(ctx context.Context) error {
		var err error
		info, err = dst.Stat(ctx, o.Sleutel)
		return err
	})
	if err == nil && info.Size == o.Grootte && info.SHA256 == o.SHA256 {
		return 0, nil
	}
	opts := target.PutOptions{ContentType: o.Mediatype}
	sum, err := hex.DecodeString(o.SHA256)
	if err != nil || len(sum) != 32 {
		return 0, fmt.Errorf("object %s: journal checksum %q is not a SHA-256", o.Sleutel, o.SHA256)
	}
	copy(opts.SHA256[:], sum)
	err = a.try(ctx, "copy "+o.Sleutel+" to "+dst.URL(), func(ctx context.Context) error {
		rc, err := src.Open(ctx, o.Sleutel)
		if err != nil {
			return err
		}
		defer rc.Close()
		info, err = dst.Put(ctx, o.Sleutel, rc, o.Grootte, opts)
		return err
	})
	if err != nil {
		return 0, err
	}
	if info.Size != o.Grootte || info.SHA256 != o.SHA256 {
		return 0, fmt.Errorf("object %s on %s: %d bytes with sha-256 %q, want %d bytes with %s: %w",
			o.Sleutel, dst.URL(), info.Size, info.SHA256, o.Grootte, o.SHA256, target.ErrChecksumMismatch)
	}
	a.m.objects.Inc()
	a.m.bytes.Add(float64(o.Grootte))
	return o.Grootte, nil
}
