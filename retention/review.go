package retention

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// teVernietigenOp selects, from the dossier, what may go on a destruction list on date op:
// closed, nominatie vernietigen, archiefactiedatum on or before op, not transferred. Archived
// zaken (gearchiveerd) are destroyed too when due: the archive then holds a copy that execution
// removes first.
func teVernietigenOp(op dossier.Datum) dossier.ZaakFilter {
	return dossier.ZaakFilter{Afgesloten: true, Archiefnominatie: NominatieVernietigen, ArchiefactiedatumTot: &op,
		Archiefstatussen: []string{dossier.ArchiefstatusNogTeArchiveren, dossier.ArchiefstatusGearchiveerd}}
}

// zakenOpOpenLijst returns the zaken suggested on a list that is still open.
func zakenOpOpenLijst(ctx context.Context, tx *sqldb.Tx) (map[string]bool, error) {
	zaken, err := tx.Strings(ctx, `SELECT DISTINCT i.zaak FROM retention_lijst_items i JOIN retention_lijsten l ON l.id = i.lijst
		WHERE i.status = 'suggested' AND l.status IN `+openLijstStatuses)
	if err != nil {
		return nil, fmt.Errorf("read zaken on open lists: %w", err)
	}
	out := make(map[string]bool, len(zaken))
	for _, z := range zaken {
		out[z] = true
	}
	return out, nil
}

// Voorstel is the outcome of Propose: the new list, or none when nothing is due, with what was
// left out and why.
type Voorstel struct {
	// Lijst is the new list (without items); nil when no zaak could be put on one.
	Lijst     *Lijst        `json:"lijst"`
	Peildatum dossier.Datum `json:"peildatum"`
	// Verlopen counts the zaken due for destruction on the peildatum.
	Verlopen int `json:"verlopen"`
	// AlOpLijst counts the due zaken already on an open list.
	AlOpLijst int `json:"alOpLijst"`
	// Bevroren counts the due zaken left out because a hold covers them.
	Bevroren int `json:"bevroren"`
	// Opgenomen counts the zaken on the new list.
	Opgenomen int `json:"opgenomen"`
}

// errNiets rolls back a proposal that found nothing.
var errNiets = errors.New("niets voor te stellen")

// Propose collects every zaak due for destruction today that no active hold covers and that is
// not on an open list yet into a new list (status new), audited in each zaak's chain. The
// recordmanager or the daemon's own job (systeem) proposes; one proposal runs at a time, and
// the database keeps two processes from listing a zaak twice.
func (s *Service) Propose(ctx context.Context, actor dossier.Actor) (*Voorstel, error) {
	if err := requireRole(actor, dossier.RolRecordmanager, dossier.RolSysteem); err != nil {
		return nil, err
	}
	s.voorstel.Lock()
	defer s.voorstel.Unlock()
	now := s.now()
	vandaag := s.vandaag()
	wie := s.wie(ctx, actor)
	v := &Voorstel{Peildatum: vandaag}
	id := "VL-" + strings.ReplaceAll(vandaag.String(), "-", "") + "-" + newID(3)
	err := s.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		opLijst, err := zakenOpOpenLijst(ctx, tx)
		if err != nil {
			return err
		}
		holds, err := actieveHolds(ctx, tx, vandaag)
		if err != nil {
			return err
		}
		naam := fmt.Sprintf("Vernietigingslijst %s", vandaag)
		if _, err := tx.Exec(ctx, `INSERT INTO retention_lijsten (id, naam, status, peildatum, aangemaakt, aangemaakt_door, gewijzigd)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, naam, LijstNew, vandaag.String(), fmtTime(now), wieJSON(wie), fmtTime(now)); err != nil {
			return fmt.Errorf("create list: %w", err)
		}
		items := newItemWriter(tx, id)
		err = w.Doorloop(ctx, teVernietigenOp(vandaag), func(z *dossier.Zaak, resultaattype string) error {
			v.Verlopen++
			switch {
			case opLijst[z.Identificatie]:
				v.AlOpLijst++
			case len(dekkend(holds, z)) > 0:
				v.Bevroren++
			default:
				v.Opgenomen++
				return items.add(ctx, z, resultaattype)
			}
			return nil
		})
		if err == nil {
			err = items.flush(ctx)
		}
		if err != nil {
			return fmt.Errorf("fill list: %w", err)
		}
		if v.Opgenomen == 0 {
			return errNiets
		}
		if _, err := auditItems(ctx, w, tx, id, actor, "vernietigingslijst.voorgesteld", map[string]any{"lijst": id, "peildatum": vandaag}); err != nil {
			return err
		}
		if err := logLijst(ctx, tx, id, wie, "aangemaakt", "", map[string]any{"peildatum": vandaag, "verlopen": v.Verlopen,
			"alOpLijst": v.AlOpLijst, "bevroren": v.Bevroren, "opgenomen": v.Opgenomen}, now); err != nil {
			return err
		}
		v.Lijst, err = getLijst(ctx, tx, id, false)
		return err
	})
	if errors.Is(err, errNiets) {
		s.log.InfoContext(ctx, "nothing to propose for destruction", "verlopen", v.Verlopen, "bevroren", v.Bevroren, "alOpLijst", v.AlOpLijst)
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("propose destruction list: %w", err)
	}
	s.log.InfoContext(ctx, "destruction list proposed", "lijst", id, "zaken", v.Opgenomen, "bevroren", v.Bevroren)
	return v, nil
}

// itemWriter puts zaken on a new list, itemsPerInsert rows per statement.
type itemWriter struct {
	tx    *sqldb.Tx
	lijst string
	args  []any
}

// itemsPerInsert keeps one statement's parameters (8 a row) well below SQLite's limit.
const itemsPerInsert = 200

func newItemWriter(tx *sqldb.Tx, lijst string) *itemWriter {
	return &itemWriter{tx: tx, lijst: lijst, args: make([]any, 0, 8*itemsPerInsert)}
}

// add queues zaak z with its resultaattype and writes the queue once it is full.
func (iw *itemWriter) add(ctx context.Context, z *dossier.Zaak, resultaattype string) error {
	iw.args = append(iw.args, iw.lijst, z.Identificatie, z.Zaaktype, z.Omschrijving, z.Startdatum.String(),
		dossier.DatumKolom(z.Einddatum), dossier.DatumKolom(z.Archief.Archiefactiedatum), resultaattype)
	if len(iw.args) == cap(iw.args) {
		return iw.flush(ctx)
	}
	return nil
}

// flush writes the queued items.
func (iw *itemWriter) flush(ctx context.Context) error {
	n := len(iw.args) / 8
	if n == 0 {
		return nil
	}
	q := `INSERT INTO retention_lijst_items (lijst, zaak, zaaktype, omschrijving, startdatum, einddatum,
		archiefactiedatum, resultaattype, status) VALUES ` + strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, 'suggested'), `, n), ", ")
	if _, err := iw.tx.Exec(ctx, q, iw.args...); err != nil {
		return err
	}
	iw.args = iw.args[:0]
	return nil
}

// auditItems appends an entry to the chain of every zaak suggested on a list, in the phase the
// zaak is in, and returns how many it wrote.
func auditItems(ctx context.Context, w *dossier.Wijziging, tx *sqldb.Tx, lijst string, actor dossier.Actor, actie string, details any) (int, error) {
	all, err := tx.Strings(ctx, `SELECT zaak FROM retention_lijst_items WHERE lijst = ? AND status = 'suggested' ORDER BY zaak`, lijst)
	if err != nil {
		return 0, fmt.Errorf("audit %s: %w", actie, err)
	}
	if err := w.AuditElk(ctx, all, actor, actie, details); err != nil {
		return 0, err
	}
	return len(all), nil
}

// wijzig runs one step on a list in a write transaction: it loads the list, runs fn and
// returns the list as it is afterwards (without items).
func (s *Service) wijzig(ctx context.Context, actor dossier.Actor, id string, fn func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error) (*Lijst, error) {
	now := s.now()
	wie := s.wie(ctx, actor)
	var out *Lijst
	err := s.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		l, err := getLijst(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if err := fn(w, tx, l, wie, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET gewijzigd = ? WHERE id = ?`, fmtTime(now), id); err != nil {
			return fmt.Errorf("update list %s: %w", id, err)
		}
		out, err = getLijst(ctx, tx, id, false)
		return err
	})
	return out, err
}

func wrongStatus(l *Lijst, wat string, want ...string) error {
	return conflict("status vernietigingslijst", "list %s has status %s: %s needs status %s", l.ID, l.Status, wat, strings.Join(want, " or "))
}

// Submit hands a new list to the archivaris for review (recordmanager): new -> ready_to_review.
func (s *Service) Submit(ctx context.Context, actor dossier.Actor, id string) (*Lijst, error) {
	if err := requireRole(actor, dossier.RolRecordmanager); err != nil {
		return nil, err
	}
	return s.wijzig(ctx, actor, id, func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error {
		if l.Status != LijstNew {
			return wrongStatus(l, "submitting", LijstNew)
		}
		if l.Aantallen[ItemSuggested] == 0 {
			return conflict("lege vernietigingslijst", "list %s has no zaken left: cancel it instead", l.ID)
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET status = ?, ingediend = ?, ingediend_door = ? WHERE id = ?`,
			LijstReadyToReview, fmtTime(now), wieJSON(wie), l.ID); err != nil {
			return fmt.Errorf("submit list %s: %w", l.ID, err)
		}
		if _, err := auditItems(ctx, w, tx, l.ID, actor, "vernietigingslijst.ingediend", map[string]any{"lijst": l.ID}); err != nil {
			return err
		}
		return logLijst(ctx, tx, l.ID, wie, "ingediend", "", map[string]any{"zaken": l.Aantallen[ItemSuggested]}, now)
	})
}

// Beoordeling is the archivaris's answer on one item: vernietigen; bewaren with a new, later
// archiefactiedatum and a reason (the zaak gets that date and leaves the list); or overbrengen
// with a reason (the zaak becomes blijvend_bewaren with its transfer date and leaves the list).
type Beoordeling struct {
	Zaak              string         `json:"zaak"`
	Beoordeling       string         `json:"beoordeling"`
	Reden             string         `json:"reden"`
	Archiefactiedatum *dossier.Datum `json:"archiefactiedatum"`
}

func (b *Beoordeling) check(field string) error {
	b.Reden = strings.TrimSpace(b.Reden)
	switch {
	case b.Zaak == "":
		return invalid(field+"zaak", "is required")
	case len(b.Reden) > 1000:
		return invalid(field+"reden", "is longer than 1000 characters")
	}
	switch b.Beoordeling {
	case BeoordelingVernietigen:
		if b.Archiefactiedatum != nil {
			return invalid(field+"archiefactiedatum", "is only given with bewaren")
		}
	case BeoordelingBewaren:
		if b.Archiefactiedatum == nil {
			return invalid(field+"archiefactiedatum", "is required with bewaren: the new date the zaak is due")
		}
		if b.Reden == "" {
			return invalid(field+"reden", "is required with bewaren")
		}
	case BeoordelingOverbrengen:
		if b.Reden == "" {
			return invalid(field+"reden", "is required with overbrengen")
		}
		if b.Archiefactiedatum != nil {
			return invalid(field+"archiefactiedatum", "is not given with overbrengen: the transfer date follows from the Archiefwet")
		}
	default:
		return invalid(field+"beoordeling", "%q is not one of vernietigen, bewaren, overbrengen", b.Beoordeling)
	}
	return nil
}

// Review records the archivaris's answers on items of a list under review, in one transaction:
// all or none. An answer may be changed until the list is approved.
func (s *Service) Review(ctx context.Context, actor dossier.Actor, id string, bs []Beoordeling) (*Lijst, error) {
	if err := requireRole(actor, dossier.RolArchivaris); err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, invalid("beoordelingen", "give at least one answer")
	}
	seen := map[string]bool{}
	for i := range bs {
		field := ""
		if len(bs) > 1 {
			field = fmt.Sprintf("beoordelingen[%d].", i)
		}
		if err := bs[i].check(field); err != nil {
			return nil, err
		}
		if seen[bs[i].Zaak] {
			return nil, invalid(field+"zaak", "zaak %s is answered twice", bs[i].Zaak)
		}
		seen[bs[i].Zaak] = true
	}
	vandaag := s.vandaag()
	return s.wijzig(ctx, actor, id, func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error {
		if l.Status != LijstReadyToReview {
			return wrongStatus(l, "reviewing", LijstReadyToReview)
		}
		for _, b := range bs {
			if err := s.beoordeel(ctx, w, tx, actor, wie, l.ID, b, vandaag, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) beoordeel(ctx context.Context, w *dossier.Wijziging, tx *sqldb.Tx, actor dossier.Actor, wie Wie, lijst string, b Beoordeling, vandaag dossier.Datum, now time.Time) error {
	it, err := getItem(ctx, tx, lijst, b.Zaak)
	if err != nil {
		return err
	}
	if it.Status != ItemSuggested {
		return conflict("zaak niet meer op de lijst", "zaak %s is no longer on list %s (status %s)", b.Zaak, lijst, it.Status)
	}
	z, err := w.Zaak(ctx, b.Zaak)
	if err != nil {
		return err
	}
	status := ItemSuggested
	var nieuwe *dossier.Datum
	switch b.Beoordeling {
	case BeoordelingBewaren:
		d := *b.Archiefactiedatum
		if !vandaag.Before(d) {
			return invalid("archiefactiedatum", "%s is not after today (%s): bewaren needs a later date", d, vandaag)
		}
		if z.Archief.Archiefactiedatum != nil && !z.Archief.Archiefactiedatum.Before(d) {
			return invalid("archiefactiedatum", "%s is not after the current archiefactiedatum %s", d, z.Archief.Archiefactiedatum)
		}
		naar := z.Archief
		naar.Archiefactiedatum, naar.Uitgesteld = &d, ""
		if _, err := s.overschrijf(ctx, w, tx, actor, wie, z, naar, "vernietigingslijst "+lijst+": bewaren", b.Reden, now); err != nil {
			return err
		}
		status, nieuwe = ItemRemoved, &d
	case BeoordelingOverbrengen:
		naar := z.Archief
		naar.Archiefnominatie = NominatieBlijvendBewaren
		naar.Archiefactiedatum, naar.Uitgesteld = s.overbrengingsdatum(z), ""
		if _, err := s.overschrijf(ctx, w, tx, actor, wie, z, naar, "vernietigingslijst "+lijst+": overbrengen", b.Reden, now); err != nil {
			return err
		}
		status, nieuwe = ItemRemoved, naar.Archiefactiedatum
	}
	if _, err := tx.Exec(ctx, `UPDATE retention_lijst_items SET status = ?, beoordeling = ?, reden = ?, beoordeeld = ?, beoordeeld_door = ?,
		nieuwe_archiefactiedatum = ? WHERE lijst = ? AND zaak = ?`,
		status, b.Beoordeling, b.Reden, fmtTime(now), wieJSON(wie), dossier.DatumKolom(nieuwe), lijst, b.Zaak); err != nil {
		return fmt.Errorf("review %s on %s: %w", b.Zaak, lijst, err)
	}
	details := map[string]any{"lijst": lijst, "beoordeling": b.Beoordeling, "reden": b.Reden}
	if nieuwe != nil {
		details["archiefactiedatum"] = nieuwe
	}
	if _, err := w.Audit(ctx, z.Identificatie, actor, z.Fase, "vernietigingslijst.beoordeeld", details); err != nil {
		return err
	}
	return logLijst(ctx, tx, lijst, wie, "beoordeeld", b.Zaak, details, now)
}

// RemoveItem takes a zaak off a list before approval (recordmanager), with a reason.
func (s *Service) RemoveItem(ctx context.Context, actor dossier.Actor, id, zaak, reden string) (*Lijst, error) {
	if err := requireRole(actor, dossier.RolRecordmanager); err != nil {
		return nil, err
	}
	reden = strings.TrimSpace(reden)
	if reden == "" {
		return nil, invalid("reden", "is required: say why the zaak leaves the list")
	}
	return s.wijzig(ctx, actor, id, func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error {
		if l.Status != LijstNew && l.Status != LijstReadyToReview {
			return wrongStatus(l, "taking a zaak off", LijstNew, LijstReadyToReview)
		}
		it, err := getItem(ctx, tx, l.ID, zaak)
		if err != nil {
			return err
		}
		if it.Status != ItemSuggested {
			return conflict("zaak niet meer op de lijst", "zaak %s is no longer on list %s (status %s)", zaak, l.ID, it.Status)
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijst_items SET status = ?, beoordeling = '', reden = ?, beoordeeld = ?, beoordeeld_door = ?
			WHERE lijst = ? AND zaak = ?`, ItemRemoved, reden, fmtTime(now), wieJSON(wie), l.ID, zaak); err != nil {
			return fmt.Errorf("remove %s from %s: %w", zaak, l.ID, err)
		}
		details := map[string]any{"lijst": l.ID, "reden": reden}
		if _, err := w.AuditInFase(ctx, zaak, actor, "vernietigingslijst.afgevoerd", details); err != nil {
			return err
		}
		return logLijst(ctx, tx, l.ID, wie, "afgevoerd", zaak, details, now)
	})
}

// Approve approves a reviewed list (archivaris) once every zaak on it is answered vernietigen:
// ready_to_review -> ready_to_delete. The waiting period starts; the list can be executed
// after it and cancelled until then.
func (s *Service) Approve(ctx context.Context, actor dossier.Actor, id string) (*Lijst, error) {
	if err := requireRole(actor, dossier.RolArchivaris); err != nil {
		return nil, err
	}
	return s.wijzig(ctx, actor, id, func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error {
		if l.Status != LijstReadyToReview {
			return wrongStatus(l, "approving", LijstReadyToReview)
		}
		if n := l.Aantallen["onbeantwoord"]; n > 0 {
			return conflict("onbeantwoorde zaken", "list %s has %d zaken without an answer: answer every zaak before approving", l.ID, n)
		}
		if l.Aantallen[ItemSuggested] == 0 {
			return conflict("lege vernietigingslijst", "list %s has no zaken left to destroy: cancel it instead", l.ID)
		}
		vanaf := s.inst.Wachttijd.AddTo(now.UTC())
		if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET status = ?, goedgekeurd = ?, goedgekeurd_door = ?, uitvoerbaar_vanaf = ? WHERE id = ?`,
			LijstReadyToDelete, fmtTime(now), wieJSON(wie), fmtTime(vanaf), l.ID); err != nil {
			return fmt.Errorf("approve list %s: %w", l.ID, err)
		}
		details := map[string]any{"lijst": l.ID, "goedgekeurdDoor": wie, "uitvoerbaarVanaf": vanaf, "wachttijd": s.inst.Wachttijd.String()}
		if _, err := auditItems(ctx, w, tx, l.ID, actor, "vernietigingslijst.goedgekeurd", details); err != nil {
			return err
		}
		return logLijst(ctx, tx, l.ID, wie, "goedgekeurd", "", details, now)
	})
}

// Cancel cancels a list (recordmanager or archivaris) with a reason, at any point before its
// execution starts, also during the waiting period. Its zaken may go on a later list.
func (s *Service) Cancel(ctx context.Context, actor dossier.Actor, id, reden string) (*Lijst, error) {
	if err := requireRole(actor, dossier.RolRecordmanager, dossier.RolArchivaris); err != nil {
		return nil, err
	}
	reden = strings.TrimSpace(reden)
	if reden == "" {
		return nil, invalid("reden", "is required: say why the list is cancelled")
	}
	return s.wijzig(ctx, actor, id, func(w *dossier.Wijziging, tx *sqldb.Tx, l *Lijst, wie Wie, now time.Time) error {
		switch {
		case l.Status == LijstDeleted || l.Status == LijstCancelled:
			return wrongStatus(l, "cancelling", LijstNew, LijstReadyToReview, LijstReadyToDelete)
		case l.UitvoeringGestart != nil:
			return conflict("vernietiging gestart", "the execution of list %s started on %s: it can only be completed", l.ID, l.UitvoeringGestart.Format(time.RFC3339))
		}
		details := map[string]any{"lijst": l.ID, "reden": reden, "status": l.Status}
		if _, err := auditItems(ctx, w, tx, l.ID, actor, "vernietigingslijst.geannuleerd", details); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET status = ?, geannuleerd = ?, geannuleerd_door = ?, annuleringsreden = ? WHERE id = ?`,
			LijstCancelled, fmtTime(now), wieJSON(wie), reden, l.ID); err != nil {
			return fmt.Errorf("cancel list %s: %w", l.ID, err)
		}
		return logLijst(ctx, tx, l.ID, wie, "geannuleerd", "", details, now)
	})
}
