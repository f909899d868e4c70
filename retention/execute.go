package retention

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Uitvoering is the outcome of Execute.
type Uitvoering struct {
	Lijst *Lijst `json:"lijst"`
	// Vernietigd, Geweigerd and Overgeslagen count what this run did: destroyed, refused by
	// archive storage, left alone because of a hold or a changed zaak.
	Vernietigd   int `json:"vernietigd"`
	Geweigerd    int `json:"geweigerd"`
	Overgeslagen int `json:"overgeslagen"`
	// BlobsVerwijderd counts the document contents deleted from the blob store.
	BlobsVerwijderd int `json:"blobsVerwijderd"`
	// Voltooid says the list is done (status deleted) and its verklaring written.
	Voltooid bool `json:"voltooid"`
}

// VernietigdeZaak is the minimal record kept of a destroyed zaak (Archiefbesluit art. 8): what
// it was, on what grounds and when it was destroyed, and who approved.
type VernietigdeZaak struct {
	Identificatie string        `json:"identificatie"`
	Zaaktype      string        `json:"zaaktype"`
	Omschrijving  string        `json:"omschrijving"`
	Startdatum    dossier.Datum `json:"startdatum"`
	Einddatum     dossier.Datum `json:"einddatum"`
	Resultaattype string        `json:"resultaattype"`
	// Selectielijst, SelectielijstJaar, VolledigNummer and Bewaartermijn are the grounds: the
	// selectielijst resultaat the resultaattype rests on and its term.
	Selectielijst     string        `json:"selectielijst"`
	SelectielijstJaar int           `json:"selectielijstJaar"`
	VolledigNummer    string        `json:"volledigNummer"`
	Bewaartermijn     string        `json:"bewaartermijn"`
	Archiefactiedatum dossier.Datum `json:"archiefactiedatum"`
	GoedgekeurdDoor   Wie           `json:"goedgekeurdDoor"`
	Goedgekeurd       time.Time     `json:"goedgekeurd"`
	// Documenten counts the documents destroyed with the zaak.
	Documenten int `json:"documenten"`
	// Afwijkingen lists the changes by hand to the derived archival fields, with their reasons.
	Afwijkingen []string  `json:"afwijkingen"`
	Uitgevoerd  time.Time `json:"uitgevoerd"`
	Lijst       string    `json:"lijst"`
}

// Execute destroys the zaken of an approved list whose waiting period has passed
// (recordmanager, archivaris or the daemon's job). Per zaak: it checks again that the zaak is
// due and on no hold, asks archive storage to delete the archived copy (a refusal,
// ErrPakketBewaard, is recorded on the item and the zaak kept; any other storage error stops
// the run), then in one transaction writes the minimal record, destroys
// the zaak with dossier.Wijziging.Vernietig, which audits it, and marks the item; then it purges the freed
// document contents. When every item is done it writes the verklaring van vernietiging and the
// list becomes deleted.
//
// Execute is idempotent and resumable: it works only on items still suggested, each zaak's
// destruction is one transaction, contents queued for deletion are purged at the start of the
// next run, and deleting an archived copy that is gone is no error. After a crash anywhere,
// running it again completes the list. Executing a deleted list returns its outcome.
func (s *Service) Execute(ctx context.Context, actor dossier.Actor, id string) (*Uitvoering, error) {
	if err := requireRole(actor, dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolSysteem); err != nil {
		return nil, err
	}
	s.uitvoering.Lock()
	defer s.uitvoering.Unlock()
	u := &Uitvoering{}
	// Contents left queued by an earlier run that stopped half-way go first.
	n, err := s.dossier.PurgeBlobs(ctx)
	u.BlobsVerwijderd += n
	if err != nil {
		return nil, fmt.Errorf("execute list %s: %w", id, err)
	}
	wie := s.wie(ctx, actor)
	var l *Lijst
	err = s.dossier.Wijzig(ctx, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		var err error
		if l, err = getLijst(ctx, tx, id, false); err != nil {
			return err
		}
		now := s.now()
		switch {
		case l.Status == LijstDeleted:
			return nil
		case l.Status != LijstReadyToDelete:
			return wrongStatus(l, "executing", LijstReadyToDelete)
		case l.UitvoerbaarVanaf == nil:
			return conflict("wachttijd", "list %s has no end to its waiting period: approve it again", id)
		case now.Before(*l.UitvoerbaarVanaf):
			return conflict("wachttijd", "the waiting period of list %s runs until %s: it cannot be executed before", id, l.UitvoerbaarVanaf.Format(time.RFC3339))
		}
		actie := "uitvoering.hervat"
		if l.UitvoeringGestart == nil {
			actie = "uitvoering.gestart"
			if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET uitvoering_gestart = ?, gewijzigd = ? WHERE id = ?`, fmtTime(now), fmtTime(now), id); err != nil {
				return fmt.Errorf("start execution of %s: %w", id, err)
			}
		}
		return logLijst(ctx, tx, id, wie, actie, "", map[string]any{"zaken": l.Aantallen[ItemSuggested]}, now)
	})
	if err != nil {
		return nil, err
	}
	if l.Status == LijstDeleted {
		u.Lijst, u.Voltooid = l, true
		return u, nil
	}
	s.log.InfoContext(ctx, "executing destruction list", "lijst", id, "zaken", l.Aantallen[ItemSuggested])

	var open []Item
	if err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		open, err = lijstItems(ctx, tx, id, ItemSuggested)
		return err
	}); err != nil {
		return nil, err
	}
	for _, it := range open {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("execute list %s: stopped before zaak %s (run it again to complete): %w", id, it.Zaak, err)
		}
		if err := s.vernietigZaak(ctx, actor, wie, l, it.Zaak, u); err != nil {
			return nil, fmt.Errorf("execute list %s: zaak %s (run it again to complete): %w", id, it.Zaak, err)
		}
		n, err := s.dossier.PurgeBlobs(ctx)
		u.BlobsVerwijderd += n
		if err != nil {
			return nil, fmt.Errorf("execute list %s: after zaak %s (run it again to complete): %w", id, it.Zaak, err)
		}
		s.punt("blobs-opgeruimd", it.Zaak)
	}
	s.punt("voor-verklaring", "")
	if err := s.voltooi(ctx, actor, wie, id); err != nil {
		return nil, fmt.Errorf("execute list %s: %w", id, err)
	}
	u.Voltooid = true
	if err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		u.Lijst, err = getLijst(ctx, tx, id, false)
		return err
	}); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "destruction list executed", "lijst", id, "vernietigd", u.Vernietigd, "geweigerd", u.Geweigerd, "overgeslagen", u.Overgeslagen)
	return u, nil
}

// blokkade says why zaak may not be destroyed on date vandaag, or "" when it may.
func blokkade(ctx context.Context, in *dossier.Inzage, tx *sqldb.Tx, zaak string, vandaag dossier.Datum) (string, *dossier.Zaak, error) {
	z, err := in.Zaak(ctx, zaak)
	if errors.Is(err, dossier.ErrNotFound) {
		return "de zaak bestaat niet meer", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	a := z.Archief
	switch {
	case z.Einddatum == nil:
		return "de zaak is heropend", z, nil
	case a.Archiefnominatie != NominatieVernietigen:
		return fmt.Sprintf("de archiefnominatie is nu %q", a.Archiefnominatie), z, nil
	case a.Archiefactiedatum == nil:
		return "de zaak heeft geen archiefactiedatum meer", z, nil
	case vandaag.Before(*a.Archiefactiedatum):
		return fmt.Sprintf("de archiefactiedatum is nu %s", a.Archiefactiedatum), z, nil
	case a.Archiefstatus != dossier.ArchiefstatusNogTeArchiveren && a.Archiefstatus != dossier.ArchiefstatusGearchiveerd:
		return fmt.Sprintf("de archiefstatus is nu %s", a.Archiefstatus), z, nil
	}
	holds, err := OnHold(ctx, in, tx, zaak, vandaag)
	if err != nil {
		return "", nil, err
	}
	if len(holds) > 0 {
		h := holds[0]
		return fmt.Sprintf("bevroren door %s (%s): %s", h.ID, h.Soort, h.Reden), z, nil
	}
	return "", z, nil
}

// vernietigZaak handles one item of a list being executed.
func (s *Service) vernietigZaak(ctx context.Context, actor dossier.Actor, wie Wie, l *Lijst, zaak string, u *Uitvoering) error {
	var reden string
	if err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		reden, _, err = blokkade(ctx, in, tx, zaak, s.vandaag())
		return err
	}); err != nil {
		return err
	}
	if reden != "" {
		return s.sluitItem(ctx, actor, wie, l.ID, zaak, ItemSkipped, "niet vernietigd: "+reden, "vernietiging.overgeslagen", &u.Overgeslagen)
	}
	if s.pakketten != nil {
		if err := s.pakketten.VerwijderPakket(ctx, zaak); err != nil {
			if !errors.Is(err, ErrPakketBewaard) || ctx.Err() != nil {
				return fmt.Errorf("delete archived copy: %w", err)
			}
			s.log.WarnContext(ctx, "archive storage refused to delete the archived copy", "lijst", l.ID, "zaak", zaak, "err", err)
			return s.sluitItem(ctx, actor, wie, l.ID, zaak, ItemFailed, "niet vernietigd: "+err.Error(), "vernietiging.geweigerd", &u.Geweigerd)
		}
		s.punt("pakket-verwijderd", zaak)
	}
	done := false
	err := s.dossier.Wijzig(ctx, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		now := w.Nu()
		it, err := getItem(ctx, tx, l.ID, zaak)
		if err != nil {
			return err
		}
		if it.Status != ItemSuggested {
			return nil // another run finished it
		}
		reden, z, err := blokkade(ctx, &w.Inzage, tx, zaak, s.vandaag())
		if err != nil {
			return err
		}
		if reden != "" {
			return errBlokkade{reden}
		}
		rec, err := s.minimaalRecord(ctx, &w.Inzage, tx, z, l, now)
		if err != nil {
			return err
		}
		docs, err := w.Vernietig(ctx, zaak, actor, map[string]any{
			"lijst": l.ID, "goedgekeurdDoor": rec.GoedgekeurdDoor, "goedgekeurd": rec.Goedgekeurd,
			"selectielijst": rec.Selectielijst, "jaar": rec.SelectielijstJaar, "volledigNummer": rec.VolledigNummer, "bewaartermijn": rec.Bewaartermijn,
		})
		if err != nil {
			return err
		}
		rec.Documenten = docs
		if err := insertVernietigd(ctx, tx, rec); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijst_items SET status = ?, resultaat = ?, verwerkt = ? WHERE lijst = ? AND zaak = ?`,
			ItemSucceeded, fmt.Sprintf("vernietigd (%d documenten)", docs), fmtTime(now), l.ID, zaak); err != nil {
			return fmt.Errorf("mark %s destroyed: %w", zaak, err)
		}
		if err := logLijst(ctx, tx, l.ID, wie, "zaak.vernietigd", zaak, map[string]any{"documenten": docs}, now); err != nil {
			return err
		}
		s.punt("voor-commit", zaak)
		done = true
		return nil
	})
	var b errBlokkade
	if errors.As(err, &b) {
		// Changed between the check and the transaction (or its grounds are unknown).
		return s.sluitItem(ctx, actor, wie, l.ID, zaak, ItemSkipped, "niet vernietigd: "+b.reden, "vernietiging.overgeslagen", &u.Overgeslagen)
	}
	if err != nil {
		return err
	}
	if done {
		u.Vernietigd++
		s.punt("zaak-vernietigd", zaak)
	}
	return nil
}

// errBlokkade stops the destruction transaction of a zaak that may not be destroyed.
type errBlokkade struct{ reden string }

func (e errBlokkade) Error() string { return e.reden }

// sluitItem ends an item without destroying its zaak, audited in the zaak's chain.
func (s *Service) sluitItem(ctx context.Context, actor dossier.Actor, wie Wie, lijst, zaak, status, resultaat, actie string, teller *int) error {
	err := s.dossier.Wijzig(ctx, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		now := w.Nu()
		res, err := tx.Exec(ctx, `UPDATE retention_lijst_items SET status = ?, resultaat = ?, verwerkt = ? WHERE lijst = ? AND zaak = ? AND status = 'suggested'`,
			status, resultaat, fmtTime(now), lijst, zaak)
		if err != nil {
			return fmt.Errorf("close item %s: %w", zaak, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		*teller++
		details := map[string]any{"lijst": lijst, "resultaat": resultaat}
		if _, err := w.AuditInFase(ctx, zaak, actor, actie, details); err != nil {
			return err
		}
		return logLijst(ctx, tx, lijst, wie, actie, zaak, details, now)
	})
	if err == nil {
		s.log.InfoContext(ctx, "zaak not destroyed", "lijst", lijst, "zaak", zaak, "reden", resultaat)
	}
	return err
}

// minimaalRecord builds the record kept of z: the grounds from the stored derivation, or from
// the agreement when the zaak closed before derivations were kept. Grounds that cannot be
// found are an errBlokkade: no zaak is destroyed without them.
func (s *Service) minimaalRecord(ctx context.Context, in *dossier.Inzage, tx *sqldb.Tx, z *dossier.Zaak, l *Lijst, now time.Time) (*VernietigdeZaak, error) {
	rec := &VernietigdeZaak{
		Identificatie: z.Identificatie, Zaaktype: z.Zaaktype, Omschrijving: z.Omschrijving, Startdatum: z.Startdatum,
		Einddatum: *z.Einddatum, Archiefactiedatum: *z.Archief.Archiefactiedatum, Uitgevoerd: now.UTC(), Lijst: l.ID,
		Afwijkingen: []string{},
	}
	if l.GoedgekeurdDoor != nil && l.Goedgekeurd != nil {
		rec.GoedgekeurdDoor, rec.Goedgekeurd = *l.GoedgekeurdDoor, *l.Goedgekeurd
	}
	af, err := storedAfleiding(ctx, tx, z.Identificatie)
	if err != nil {
		return nil, err
	}
	if af == nil {
		d, err := in.Dossier(ctx, z.Identificatie)
		if err != nil {
			return nil, err
		}
		if af, err = s.bepaler.Leid(d); err != nil {
			return nil, errBlokkade{"de grondslag is niet te bepalen: " + err.Error()}
		}
	}
	g := af.Selectielijst
	rec.Resultaattype = af.Resultaattype
	rec.Selectielijst, rec.SelectielijstJaar, rec.VolledigNummer = g.Naam, g.Jaar, g.VolledigNummer
	rec.Bewaartermijn = g.Bewaartermijn
	if t := af.Regel.Archiefactietermijn; t != "" && t != g.Bewaartermijn {
		if rec.Bewaartermijn == "" {
			rec.Bewaartermijn = t
		} else {
			rec.Afwijkingen = append(rec.Afwijkingen, fmt.Sprintf("archiefactietermijn %s van het resultaattype in plaats van bewaartermijn %s", t, g.Bewaartermijn))
		}
	}
	ovs, err := overrides(ctx, tx, z.Identificatie)
	if err != nil {
		return nil, err
	}
	for _, o := range ovs {
		rec.Afwijkingen = append(rec.Afwijkingen, fmt.Sprintf("%s: %s door %s (%s): %s", o.Tijd.Format(time.DateOnly), beschrijfWijziging(o), o.Door, o.Bron, o.Reden))
	}
	return rec, nil
}

// beschrijfWijziging says what an override changed.
func beschrijfWijziging(o Override) string {
	var out string
	if o.Van.Archiefnominatie != o.Naar.Archiefnominatie {
		out = fmt.Sprintf("archiefnominatie %s -> %s", leeg(o.Van.Archiefnominatie), o.Naar.Archiefnominatie)
	}
	van, naar := "-", "-"
	if o.Van.Archiefactiedatum != nil {
		van = o.Van.Archiefactiedatum.String()
	}
	if o.Naar.Archiefactiedatum != nil {
		naar = o.Naar.Archiefactiedatum.String()
	}
	if van != naar {
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("archiefactiedatum %s -> %s", van, naar)
	}
	return out
}

func leeg(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func insertVernietigd(ctx context.Context, tx *sqldb.Tx, r *VernietigdeZaak) error {
	afw, err := json.Marshal(r.Afwijkingen)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO retention_vernietigd (zaak, lijst, zaaktype, omschrijving, startdatum, einddatum, resultaattype,
		selectielijst, selectielijst_jaar, volledig_nummer, bewaartermijn, archiefactiedatum, goedgekeurd_door, goedgekeurd,
		documenten, afwijkingen, uitgevoerd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Identificatie, r.Lijst, r.Zaaktype, r.Omschrijving, r.Startdatum.String(), r.Einddatum.String(), r.Resultaattype,
		r.Selectielijst, r.SelectielijstJaar, r.VolledigNummer, r.Bewaartermijn, r.Archiefactiedatum.String(),
		wieJSON(r.GoedgekeurdDoor), fmtTime(r.Goedgekeurd), r.Documenten, string(afw), fmtTime(r.Uitgevoerd))
	if err != nil {
		return fmt.Errorf("keep record of destroyed zaak %s: %w", r.Identificatie, err)
	}
	return nil
}

const vernietigdColumns = `zaak, lijst, zaaktype, omschrijving, startdatum, einddatum, resultaattype, selectielijst, selectielijst_jaar,
	volledig_nummer, bewaartermijn, archiefactiedatum, goedgekeurd_door, goedgekeurd, documenten, afwijkingen, uitgevoerd`

func scanVernietigd(r interface{ Scan(...any) error }) (VernietigdeZaak, error) {
	var v VernietigdeZaak
	var start, eind, actie, door, goedgekeurd, afw, uitgevoerd string
	if err := r.Scan(&v.Identificatie, &v.Lijst, &v.Zaaktype, &v.Omschrijving, &start, &eind, &v.Resultaattype, &v.Selectielijst,
		&v.SelectielijstJaar, &v.VolledigNummer, &v.Bewaartermijn, &actie, &door, &goedgekeurd, &v.Documenten, &afw, &uitgevoerd); err != nil {
		return v, err
	}
	var errs [8]error
	v.Startdatum, errs[0] = dossier.ParseDatum(start)
	v.Einddatum, errs[1] = dossier.ParseDatum(eind)
	v.Archiefactiedatum, errs[2] = dossier.ParseDatum(actie)
	errs[3] = json.Unmarshal([]byte(door), &v.GoedgekeurdDoor)
	v.Goedgekeurd, errs[4] = parseTime(goedgekeurd)
	errs[5] = json.Unmarshal([]byte(afw), &v.Afwijkingen)
	v.Uitgevoerd, errs[6] = parseTime(uitgevoerd)
	if err := errors.Join(errs[:]...); err != nil {
		return v, fmt.Errorf("record of destroyed zaak %s: %w", v.Identificatie, err)
	}
	return v, nil
}

// vernietigdeZaken returns the records of the zaken a list destroyed, by identificatie.
func vernietigdeZaken(ctx context.Context, tx *sqldb.Tx, lijst string) ([]VernietigdeZaak, error) {
	rows, err := tx.Query(ctx, `SELECT `+vernietigdColumns+` FROM retention_vernietigd WHERE lijst = ? ORDER BY zaak`, lijst)
	if err != nil {
		return nil, fmt.Errorf("read destroyed zaken of %s: %w", lijst, err)
	}
	defer rows.Close()
	out := []VernietigdeZaak{}
	for rows.Next() {
		v, err := scanVernietigd(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// vernietigdRecord returns the record of one destroyed zaak, or nil.
func vernietigdRecord(ctx context.Context, tx *sqldb.Tx, zaak string) (*VernietigdeZaak, error) {
	rows, err := tx.Query(ctx, `SELECT `+vernietigdColumns+` FROM retention_vernietigd WHERE zaak = ?`, zaak)
	if err != nil {
		return nil, fmt.Errorf("read record of destroyed zaak %s: %w", zaak, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	v, err := scanVernietigd(rows)
	if err != nil {
		return nil, err
	}
	return &v, nil
}
