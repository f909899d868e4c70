package archive

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Run kinds and statuses as the journal keeps them.
const (
	SoortArchiveren = "archiveren"
	SoortVerifieren = "verifieren"

	RunBezig      = "bezig"
	RunVoltooid   = "voltooid"
	RunMetFouten  = "met_fouten"
	RunAfgebroken = "afgebroken"
	RunMislukt    = "mislukt"
)

// Steps of a run per zaak (Item.Stap).
const (
	StapArchiveren  = "archiveren"
	StapOverbrengen = "overbrengen"
	StapLegalHold   = "legal_hold"
	StapRetentie    = "retentie"
	// StapHerbeschrijven describes an archived package again after its zaak was revalued.
	StapHerbeschrijven = "herbeschrijven"
	StapVerifieren     = "verifieren"
	StapVerwijderen    = "verwijderen"
)

// Item statuses. Progress also hears of zaken with nothing to do (ongewijzigd, overgeslagen);
// those are not journaled.
const (
	ItemKlaar        = "klaar"
	ItemFout         = "fout"
	ItemAfwijking    = "afwijking"
	ItemOngewijzigd  = "ongewijzigd"
	ItemOvergeslagen = "overgeslagen"
)

// Package statuses.
const (
	PakketSchrijven    = "schrijven"    // planned, objects being written; no manifest yet
	PakketGearchiveerd = "gearchiveerd" // complete and verified on the archive target
	// PakketHerbeschrijven is an archived package whose description is being written again
	// after its zaak was revalued; a run cut off while doing it leaves this status, and the
	// next run finishes it. The fixity check passes it by until then.
	PakketHerbeschrijven = "herbeschrijven"
	PakketOvergedragen   = "overgedragen" // transferred to the e-Depot target
	PakketVerwijderen    = "verwijderen"  // being deleted (destruction)
	PakketVerwijderd     = "verwijderd"   // deleted from storage
	PakketAfgebroken     = "afgebroken"   // the zaak stopped being ready while it was written
)

// RunInfo is one archive run or fixity check as the journal keeps it.
type RunInfo struct {
	ID             string     `json:"id"`
	Soort          string     `json:"soort"`
	Doel           string     `json:"doel"`
	Gestart        time.Time  `json:"gestart"`
	Beeindigd      *time.Time `json:"beeindigd"`
	Status         string     `json:"status"`
	Pakketten      int        `json:"pakketten"`
	Objecten       int        `json:"objecten"`
	Bytes          int64      `json:"bytes"`
	Fouten         int        `json:"fouten"`
	Overgedragen   int        `json:"overgedragen"`
	HoldsGezet     int        `json:"holdsGezet"`
	HoldsOpgeheven int        `json:"holdsOpgeheven"`
	// RetentiesVerlengd counts packages whose object lock was extended because their zaak
	// must now be kept longer (an override or a postponed destruction).
	RetentiesVerlengd int `json:"retentiesVerlengd"`
	// Herbeschreven counts archived packages described again (new MDTO sidecars, pakbon and
	// manifest) because their zaak was revalued after it was archived.
	Herbeschreven int    `json:"herbeschreven"`
	Afwijkingen   int    `json:"afwijkingen"`
	Melding       string `json:"melding"`
}

// Item is what a run did for one zaak in one step.
type Item struct {
	Zaak     string `json:"zaak"`
	Stap     string `json:"stap"`
	Status   string `json:"status"`
	Objecten int    `json:"objecten"`
	Bytes    int64  `json:"bytes"`
	Fout     string `json:"fout,omitempty"`
}

// Report is the outcome of a run: its journal row, every zaak that failed or did not match,
// and (for a fixity check) every object that did not match.
type Report struct {
	RunInfo
	Problemen []Item      `json:"problemen"`
	Gevonden  []Afwijking `json:"gevonden,omitempty"`
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

func timePtr(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil
	}
	return &t
}

// newID returns a 32-character hex ID that sorts by creation time.
func newID(now time.Time) string {
	var b [16]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now.UnixMilli()))
	copy(b[:6], ms[2:])
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}

// startRun records a new run; runs left "bezig" by a process that died are closed as
// "afgebroken" first (the caller holds the run lock, so none of them is still running).
func (a *Archiver) startRun(ctx context.Context, soort, doel string) (RunInfo, error) {
	r := RunInfo{ID: newID(a.now()), Soort: soort, Doel: doel, Gestart: a.now().UTC(), Status: RunBezig}
	err := a.db.Update(ctx, func(tx *sqldb.Tx) error {
		if err := closeKilledRuns(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO archief_runs (id, soort, doel, gestart, status) VALUES (?, ?, ?, ?, ?)`,
			r.ID, r.Soort, r.Doel, fmtTime(r.Gestart), r.Status)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("archive: record run: %w", err)
	}
	return r, nil
}

// closeKilledRuns closes the runs a process that died left "bezig" as "afgebroken", with the
// totals of what they recorded per zaak before they stopped.
func closeKilledRuns(ctx context.Context, tx *sqldb.Tx) error {
	var ids []string
	rows, err := tx.Query(ctx, `SELECT id FROM archief_runs WHERE status = ?`, RunBezig)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		r := RunInfo{ID: id}
		end, err := itemTotals(ctx, tx, &r)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE archief_runs SET status = ?, melding = ?, beeindigd = ?, pakketten = ?, objecten = ?, bytes = ?,
			fouten = ?, overgedragen = ?, herbeschreven = ?, afwijkingen = ? WHERE id = ?`,
			RunAfgebroken, "the process stopped before the run ended; the totals are what it recorded per zaak", end,
			r.Pakketten, r.Objecten, r.Bytes, r.Fouten, r.Overgedragen, r.Herbeschreven, r.Afwijkingen, id); err != nil {
			return err
		}
	}
	return nil
}

// itemTotals fills r's totals from what the run recorded per zaak, and returns the end of its
// last item (nil without items): the true counts of a run that is still going or was killed,
// whose own row is written only when it ends.
func itemTotals(ctx context.Context, tx *sqldb.Tx, r *RunInfo) (any, error) {
	rows, err := tx.Query(ctx, `SELECT stap, status, COUNT(*), COALESCE(SUM(objecten), 0), COALESCE(SUM(bytes), 0), MAX(beeindigd)
		FROM archief_items WHERE run = ? GROUP BY stap, status`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var last sql.NullString
	for rows.Next() {
		var stap, status string
		var n, objecten int
		var bytes int64
		var eind sql.NullString
		if err := rows.Scan(&stap, &status, &n, &objecten, &bytes, &eind); err != nil {
			return nil, err
		}
		if eind.Valid && eind.String > last.String {
			last = eind
		}
		switch {
		case status == ItemFout:
			r.Fouten += n
		case stap == StapArchiveren && status == ItemKlaar, stap == StapVerifieren && (status == ItemKlaar || status == ItemAfwijking):
			r.Pakketten += n
			r.Objecten += objecten
			r.Bytes += bytes
			if status == ItemAfwijking {
				r.Afwijkingen += n
			}
		case stap == StapOverbrengen && status == ItemKlaar:
			r.Overgedragen += n
		case stap == StapHerbeschrijven && status == ItemKlaar:
			r.Herbeschreven += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !last.Valid {
		return nil, nil
	}
	return last.String, nil
}

// endRun writes the run's totals; it runs even when the run's context has ended.
func (a *Archiver) endRun(ctx context.Context, r *RunInfo) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	end := a.now().UTC()
	r.Beeindigd = &end
	err := a.db.Update(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE archief_runs SET doel = ?, beeindigd = ?, status = ?, pakketten = ?, objecten = ?, bytes = ?,
			fouten = ?, overgedragen = ?, holds_gezet = ?, holds_opgeheven = ?, retenties_verlengd = ?, herbeschreven = ?, afwijkingen = ?,
			melding = ? WHERE id = ?`,
			r.Doel, fmtTime(end), r.Status, r.Pakketten, r.Objecten, r.Bytes, r.Fouten, r.Overgedragen, r.HoldsGezet,
			r.HoldsOpgeheven, r.RetentiesVerlengd, r.Herbeschreven, r.Afwijkingen, r.Melding, r.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("archive: record end of run %s: %w", r.ID, err)
	}
	return nil
}

// recordItem writes what a run did for a zaak in a step, inside tx.
func recordItem(ctx context.Context, tx *sqldb.Tx, run string, it Item, start, end time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO archief_items (run, zaak, stap, status, objecten, bytes, fout, gestart, beeindigd)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (run, zaak, stap) DO UPDATE SET status = excluded.status, objecten = excluded.objecten,
		bytes = excluded.bytes, fout = excluded.fout, beeindigd = excluded.beeindigd`,
		run, it.Zaak, it.Stap, it.Status, it.Objecten, it.Bytes, it.Fout, fmtTime(start), fmtTime(end))
	if err != nil {
		return fmt.Errorf("record %s of zaak %s: %w", it.Stap, it.Zaak, err)
	}
	return nil
}

// runs returns the most recent runs, newest first.
func (a *Archiver) runs(ctx context.Context, limit int) ([]RunInfo, error) {
	if limit <= 0 {
		limit = 20
	}
	var out []RunInfo
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT id, soort, doel, gestart, beeindigd, status, pakketten, objecten, bytes, fouten,
			overgedragen, holds_gezet, holds_opgeheven, retenties_verlengd, herbeschreven, afwijkingen, melding FROM archief_runs ORDER BY gestart DESC, id DESC LIMIT %d`, limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r RunInfo
			var gestart string
			var eind sql.NullString
			if err := rows.Scan(&r.ID, &r.Soort, &r.Doel, &gestart, &eind, &r.Status, &r.Pakketten, &r.Objecten, &r.Bytes, &r.Fouten,
				&r.Overgedragen, &r.HoldsGezet, &r.HoldsOpgeheven, &r.RetentiesVerlengd, &r.Herbeschreven, &r.Afwijkingen, &r.Melding); err != nil {
				return err
			}
			r.Gestart, _ = parseTime(gestart)
			r.Beeindigd = timePtr(eind)
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		// A run that is still going has written its totals nowhere yet: count what it has done.
		for i := range out {
			if out[i].Status == RunBezig {
				if _, err := itemTotals(ctx, tx, &out[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: list runs: %w", err)
	}
	return out, nil
}

// RunItems returns what a run did per zaak.
func (a *Archiver) RunItems(ctx context.Context, run string) ([]Item, error) {
	var out []Item
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT zaak, stap, status, objecten, bytes, fout FROM archief_items WHERE run = ? ORDER BY zaak, stap`, run)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it Item
			if err := rows.Scan(&it.Zaak, &it.Stap, &it.Status, &it.Objecten, &it.Bytes, &it.Fout); err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("archive: items of run %s: %w", run, err)
	}
	return out, nil
}

// pakketRow is a package as the journal keeps it, besides its objects.
type pakketRow struct {
	plan
	Status             string
	Voltooid           *time.Time
	LaatstGeverifieerd *time.Time
	Fout               string
}

const pakketColumns = `zaak, map, doel, status, run, gepland, voltooid, vingerafdruk, nominatie, brondatum, archiefactiedatum,
	retentie_modus, retentie_tot, legal_hold, objecten, bytes, manifest_sha256, laatst_geverifieerd, fout`

func scanPakket(r interface{ Scan(...any) error }) (*pakketRow, error) {
	var p pakketRow
	var gepland, modus string
	var voltooid, bron, actie, tot, geverifieerd sql.NullString
	var hold, n int
	err := r.Scan(&p.Zaak, &p.Map, &p.Doel, &p.Status, &p.Run, &gepland, &voltooid, &p.Vingerafdruk, &p.Nominatie, &bron, &actie,
		&modus, &tot, &hold, &n, &p.Bytes, &p.ManifestSHA, &geverifieerd, &p.Fout)
	if err != nil {
		return nil, err
	}
	var errs []error
	var e error
	p.Gepland, e = parseTime(gepland)
	errs = append(errs, e)
	p.Voltooid, p.LaatstGeverifieerd = timePtr(voltooid), timePtr(geverifieerd)
	p.Brondatum, e = dossier.DatumUitKolom(bron)
	errs = append(errs, e)
	p.Archiefactiedatum, e = dossier.DatumUitKolom(actie)
	errs = append(errs, e)
	if modus != "" && tot.Valid {
		until, e := parseTime(tot.String)
		errs = append(errs, e)
		p.Retentie = &target.Retention{Mode: target.RetentionMode(modus), Until: until}
	}
	p.LegalHold = hold != 0
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("package of zaak %s: %w", p.Zaak, err)
	}
	return &p, nil
}

// loadPakket reads a zaak's package with its objects in write order; nil when it has none.
func loadPakket(ctx context.Context, tx *sqldb.Tx, zaak string) (*pakketRow, error) {
	p, err := scanPakket(tx.QueryRow(ctx, `SELECT `+pakketColumns+` FROM archief_pakketten WHERE zaak = ?`, zaak))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read package of zaak %s: %w", zaak, err)
	}
	rows, err := tx.Query(ctx, `SELECT o.sleutel, o.volgorde, o.soort, o.grootte, o.sha256, o.mediatype, o.blob, i.inhoud, o.gedaan
		FROM archief_objecten o LEFT JOIN archief_inhoud i ON i.zaak = o.zaak AND i.sleutel = o.sleutel
		WHERE o.zaak = ? ORDER BY o.volgorde`, zaak)
	if err != nil {
		return nil, fmt.Errorf("read objects of zaak %s: %w", zaak, err)
	}
	defer rows.Close()
	for rows.Next() {
		var o object
		var inhoud sql.NullString
		var gedaan int
		if err := rows.Scan(&o.Sleutel, &o.Volgorde, &o.Soort, &o.Grootte, &o.SHA256, &o.Mediatype, &o.Blob, &inhoud, &gedaan); err != nil {
			return nil, fmt.Errorf("read objects of zaak %s: %w", zaak, err)
		}
		if inhoud.Valid {
			o.Inhoud = []byte(inhoud.String)
		}
		o.Gedaan = gedaan != 0
		p.Objecten = append(p.Objecten, o)
	}
	return p, rows.Err()
}

// savePlan stores a plan as the zaak's package in status schrijven, replacing any earlier plan
// and its object rows. Generated content goes to archief_inhoud, apart from the object rows
// the writers update.
func savePlan(ctx context.Context, tx *sqldb.Tx, p *plan) error {
	var modus string
	var tot any
	if p.Retentie != nil {
		r := p.Retentie.Normalized()
		modus, tot = string(r.Mode), fmtTime(r.Until)
	}
	hold := 0
	if p.LegalHold {
		hold = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO archief_pakketten (`+pakketColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '')
		ON CONFLICT (zaak) DO UPDATE SET map = excluded.map, doel = excluded.doel, status = excluded.status, run = excluded.run,
		gepland = excluded.gepland, voltooid = NULL, vingerafdruk = excluded.vingerafdruk, nominatie = excluded.nominatie,
		brondatum = excluded.brondatum, archiefactiedatum = excluded.archiefactiedatum, retentie_modus = excluded.retentie_modus,
		retentie_tot = excluded.retentie_tot, legal_hold = excluded.legal_hold, objecten = excluded.objecten, bytes = excluded.bytes,
		manifest_sha256 = excluded.manifest_sha256, laatst_geverifieerd = NULL, fout = ''`,
		p.Zaak, p.Map, p.Doel, PakketSchrijven, p.Run, fmtTime(p.Gepland), p.Vingerafdruk, p.Nominatie, dossier.DatumKolom(p.Brondatum),
		dossier.DatumKolom(p.Archiefactiedatum), modus, tot, hold, len(p.Objecten), p.Bytes, p.ManifestSHA)
	if err != nil {
		return fmt.Errorf("save package of zaak %s: %w", p.Zaak, err)
	}
	if err := deleteObjectRows(ctx, tx, p.Zaak); err != nil {
		return fmt.Errorf("save package of zaak %s: %w", p.Zaak, err)
	}
	ins, err := tx.Prepare(ctx, `INSERT INTO archief_objecten (zaak, sleutel, volgorde, soort, grootte, sha256, mediatype, blob, gedaan)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("save package of zaak %s: %w", p.Zaak, err)
	}
	defer ins.Close()
	insInhoud, err := tx.Prepare(ctx, `INSERT INTO archief_inhoud (zaak, sleutel, inhoud) VALUES (?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("save package of zaak %s: %w", p.Zaak, err)
	}
	defer insInhoud.Close()
	for _, o := range p.Objecten {
		gedaan := 0
		if o.Gedaan {
			gedaan = 1
		}
		if _, err := ins.ExecContext(ctx, p.Zaak, o.Sleutel, o.Volgorde, o.Soort, o.Grootte, o.SHA256, o.Mediatype, o.Blob, gedaan); err != nil {
			return fmt.Errorf("save object %s: %w", o.Sleutel, err)
		}
		if o.Inhoud == nil {
			continue
		}
		if _, err := insInhoud.ExecContext(ctx, p.Zaak, o.Sleutel, string(o.Inhoud)); err != nil {
			return fmt.Errorf("save content of object %s: %w", o.Sleutel, err)
		}
	}
	return nil
}

// deleteObjectRows removes a package's object rows and their generated content.
func deleteObjectRows(ctx context.Context, tx *sqldb.Tx, zaak string) error {
	for _, q := range []string{`DELETE FROM archief_inhoud WHERE zaak = ?`, `DELETE FROM archief_objecten WHERE zaak = ?`} {
		if _, err := tx.Exec(ctx, q, zaak); err != nil {
			return err
		}
	}
	return nil
}

// saveSeal stores what sealing a plan settled: the content of the sidecars that waited for
// their documents, the pakbon and manifest, and the package's size and manifest checksum. It
// is stored before the pakbon and manifest are written, so that a run that resumes the
// package writes the same bytes.
func saveSeal(ctx context.Context, tx *sqldb.Tx, p *plan) error {
	upd, err := tx.Prepare(ctx, `UPDATE archief_objecten SET grootte = ?, sha256 = ? WHERE zaak = ? AND sleutel = ?`)
	if err != nil {
		return fmt.Errorf("seal package of zaak %s: %w", p.Zaak, err)
	}
	defer upd.Close()
	put, err := tx.Prepare(ctx, `INSERT INTO archief_inhoud (zaak, sleutel, inhoud) VALUES (?, ?, ?)
		ON CONFLICT (zaak, sleutel) DO UPDATE SET inhoud = excluded.inhoud`)
	if err != nil {
		return fmt.Errorf("seal package of zaak %s: %w", p.Zaak, err)
	}
	defer put.Close()
	for _, o := range p.Objecten {
		if o.volgt || o.Soort == soortPakbon || o.Soort == soortManifest {
			if _, err := upd.ExecContext(ctx, o.Grootte, o.SHA256, p.Zaak, o.Sleutel); err != nil {
				return fmt.Errorf("seal object %s: %w", o.Sleutel, err)
			}
			if _, err := put.ExecContext(ctx, p.Zaak, o.Sleutel, string(o.Inhoud)); err != nil {
				return fmt.Errorf("seal object %s: %w", o.Sleutel, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE archief_pakketten SET bytes = ?, manifest_sha256 = ? WHERE zaak = ?`, p.Bytes, p.ManifestSHA, p.Zaak); err != nil {
		return fmt.Errorf("seal package of zaak %s: %w", p.Zaak, err)
	}
	return nil
}

// markObject records that an object is (or is no longer) written and verified on the
// package's target.
func (a *Archiver) markObject(ctx context.Context, zaak, sleutel string, done bool) error {
	ctx = context.WithoutCancel(ctx)
	err := a.db.Update(ctx, func(tx *sqldb.Tx) error {
		if done {
			_, err := tx.Exec(ctx, `UPDATE archief_objecten SET gedaan = 1, geschreven = ? WHERE zaak = ? AND sleutel = ?`,
				fmtTime(a.now()), zaak, sleutel)
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE archief_objecten SET gedaan = 0 WHERE zaak = ? AND sleutel = ?`, zaak, sleutel)
		return err
	})
	if err != nil {
		return fmt.Errorf("journal object %s: %w", sleutel, err)
	}
	return nil
}

// doneMarks journals written objects in batches off the writers' path, so that a writer never
// waits for the database (a WAL checkpoint can take a while). A mark lost in a crash costs one
// Stat when the package is resumed; a package that completes has all its objects marked in
// the transaction that completes it. So the marks only spare a resumed package its Stats, and
// are written at most every marksInterval or marksBatch objects: a transaction per tick would
// cost the run more than the Stats it saves.
type doneMarks struct {
	a     *Archiver
	ch    chan [2]string
	flush chan chan struct{}
	done  chan struct{}
}

// marksInterval and marksBatch bound how long, and for how many objects, marks wait.
const (
	marksInterval = time.Second
	marksBatch    = 512
)

func (a *Archiver) startMarks() *doneMarks {
	m := &doneMarks{a: a, ch: make(chan [2]string, 1024), flush: make(chan chan struct{}), done: make(chan struct{})}
	go m.loop()
	return m
}

// mark queues "written and verified" for an object; on a nil doneMarks (a step that journals
// its objects itself) it does nothing.
func (m *doneMarks) mark(zaak, sleutel string) {
	if m != nil {
		m.ch <- [2]string{zaak, sleutel}
	}
}

// sync writes every queued mark before it returns.
func (m *doneMarks) sync() {
	ack := make(chan struct{})
	m.flush <- ack
	<-ack
}

// close writes what is queued and stops.
func (m *doneMarks) close() {
	close(m.ch)
	<-m.done
}

func (m *doneMarks) loop() {
	defer close(m.done)
	var batch [][2]string
	t := time.NewTicker(marksInterval)
	defer t.Stop()
	write := func() {
		if len(batch) == 0 {
			return
		}
		ctx := context.Background()
		now := fmtTime(m.a.now())
		err := m.a.db.Update(ctx, func(tx *sqldb.Tx) error {
			upd, err := tx.Prepare(ctx, `UPDATE archief_objecten SET gedaan = 1, geschreven = ? WHERE zaak = ? AND sleutel = ?`)
			if err != nil {
				return err
			}
			defer upd.Close()
			for _, k := range batch {
				if _, err := upd.ExecContext(ctx, now, k[0], k[1]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			m.a.log.Error("archive: journal written objects (they are looked up again when their package resumes)", "objects", len(batch), "err", err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case k, ok := <-m.ch:
			if !ok {
				write()
				return
			}
			batch = append(batch, k)
			if len(batch) >= marksBatch {
				write()
			}
		case ack := <-m.flush:
			for drained := false; !drained; {
				select {
				case k := <-m.ch:
					batch = append(batch, k)
				default:
					drained = true
				}
			}
			write()
			close(ack)
		case <-t.C:
			write()
		}
	}
}

// setPakket updates a package's status and error text.
func setPakket(ctx context.Context, tx *sqldb.Tx, zaak, status, fout string) error {
	_, err := tx.Exec(ctx, `UPDATE archief_pakketten SET status = ?, fout = ? WHERE zaak = ?`, status, fout, zaak)
	if err != nil {
		return fmt.Errorf("set package of zaak %s to %s: %w", zaak, status, err)
	}
	return nil
}

// pakketZaken lists the zaken whose package is in one of the statuses on doel ("" = any).
func (a *Archiver) pakketZaken(ctx context.Context, doel string, statuses ...string) ([]string, error) {
	var out []string
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		q := `SELECT zaak FROM archief_pakketten WHERE status IN (` + placeholders(len(statuses)) + `)`
		args := make([]any, 0, len(statuses)+1)
		for _, s := range statuses {
			args = append(args, s)
		}
		if doel != "" {
			q += ` AND doel = ?`
			args = append(args, doel)
		}
		var err error
		out, err = tx.Strings(ctx, q+` ORDER BY gepland, zaak`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: list packages: %w", err)
	}
	return out, nil
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// teArchiveren lists the zaken ready to be archived (dossier.Inzage.ZakenTeArchiveren).
func (a *Archiver) teArchiveren(ctx context.Context) ([]string, error) {
	var out []string
	err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		out, err = in.ZakenTeArchiveren(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return out, nil
}
