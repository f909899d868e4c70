package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Statuses of a destruction list, as in Open Archiefbeheer: the recordmanager proposes (new)
// and submits it (ready_to_review); the archivaris answers every item and approves it
// (ready_to_delete), which starts the waiting period; after execution it is deleted. A list can
// be cancelled until its execution starts.
const (
	LijstNew           = "new"
	LijstReadyToReview = "ready_to_review"
	LijstReadyToDelete = "ready_to_delete"
	LijstDeleted       = "deleted"
	LijstCancelled     = "cancelled"
)

// Statuses of an item on a list.
const (
	// ItemSuggested is on the list: proposed, possibly answered vernietigen, not yet executed.
	ItemSuggested = "suggested"
	// ItemRemoved left the list: kept (bewaren), to be transferred (overbrengen), or taken off.
	ItemRemoved = "removed"
	// ItemSucceeded was destroyed.
	ItemSucceeded = "succeeded"
	// ItemFailed was not destroyed because archive storage refused to delete its copy.
	ItemFailed = "failed"
	// ItemSkipped was not destroyed because at execution it was on hold or no longer due.
	ItemSkipped = "skipped"
)

// Answers of the archivaris on an item.
const (
	BeoordelingVernietigen = "vernietigen"
	BeoordelingBewaren     = "bewaren"
	BeoordelingOverbrengen = "overbrengen"
)

// openLijstStatuses are the statuses in which a list holds its suggested zaken.
const openLijstStatuses = `('new', 'ready_to_review', 'ready_to_delete')`

// Lijst is a destruction list (vernietigingslijst).
type Lijst struct {
	ID     string `json:"id"`
	Naam   string `json:"naam"`
	Status string `json:"status"`
	// Peildatum is the day the due zaken were selected on.
	Peildatum        dossier.Datum `json:"peildatum"`
	Aangemaakt       time.Time     `json:"aangemaakt"`
	AangemaaktDoor   Wie           `json:"aangemaaktDoor"`
	Ingediend        *time.Time    `json:"ingediend"`
	IngediendDoor    *Wie          `json:"ingediendDoor,omitempty"`
	Goedgekeurd      *time.Time    `json:"goedgekeurd"`
	GoedgekeurdDoor  *Wie          `json:"goedgekeurdDoor,omitempty"`
	UitvoerbaarVanaf *time.Time    `json:"uitvoerbaarVanaf"`
	Geannuleerd      *time.Time    `json:"geannuleerd"`
	GeannuleerdDoor  *Wie          `json:"geannuleerdDoor,omitempty"`
	Annuleringsreden string        `json:"annuleringsreden,omitempty"`
	// UitvoeringGestart is set when execution began; the list can no longer be cancelled.
	UitvoeringGestart *time.Time `json:"uitvoeringGestart"`
	Uitgevoerd        *time.Time `json:"uitgevoerd"`
	// Aantallen counts the items by status; "onbeantwoord" counts suggested items without an
	// answer.
	Aantallen map[string]int `json:"aantallen"`
	// Items are the zaken on the list, by identificatie; empty in overviews.
	Items []Item `json:"items,omitempty"`
}

// Item is one zaak on a destruction list, with what it was when proposed and what happened.
type Item struct {
	Zaak              string        `json:"zaak"`
	Zaaktype          string        `json:"zaaktype"`
	Omschrijving      string        `json:"omschrijving"`
	Startdatum        dossier.Datum `json:"startdatum"`
	Einddatum         dossier.Datum `json:"einddatum"`
	Archiefactiedatum dossier.Datum `json:"archiefactiedatum"`
	Resultaattype     string        `json:"resultaattype"`
	Status            string        `json:"status"`
	// Beoordeling is the archivaris's answer: vernietigen, bewaren or overbrengen ("" for none
	// yet, or when the recordmanager took the zaak off the list).
	Beoordeling             string         `json:"beoordeling"`
	Reden                   string         `json:"reden,omitempty"`
	Beoordeeld              *time.Time     `json:"beoordeeld"`
	BeoordeeldDoor          *Wie           `json:"beoordeeldDoor,omitempty"`
	NieuweArchiefactiedatum *dossier.Datum `json:"nieuweArchiefactiedatum,omitempty"`
	// Resultaat says what execution did, or why it did not destroy the zaak.
	Resultaat string     `json:"resultaat,omitempty"`
	Verwerkt  *time.Time `json:"verwerkt"`
}

// LogRegel is one step in the log of a list.
type LogRegel struct {
	Volgnummer int64           `json:"volgnummer"`
	Tijd       time.Time       `json:"tijd"`
	Door       Wie             `json:"door"`
	Actie      string          `json:"actie"`
	Zaak       string          `json:"zaak,omitempty"`
	Details    json.RawMessage `json:"details"`
}

const lijstColumns = `id, naam, status, peildatum, aangemaakt, aangemaakt_door, ingediend, ingediend_door, goedgekeurd,
	goedgekeurd_door, uitvoerbaar_vanaf, geannuleerd, geannuleerd_door, annuleringsreden, uitvoering_gestart, uitgevoerd`

func scanLijst(r interface{ Scan(...any) error }) (*Lijst, error) {
	var l Lijst
	var peildatum, aangemaakt, door string
	var ingediend, ingediendDoor, goedgekeurd, goedgekeurdDoor, vanaf, geannuleerd, geannuleerdDoor, gestart, uitgevoerd sql.NullString
	if err := r.Scan(&l.ID, &l.Naam, &l.Status, &peildatum, &aangemaakt, &door, &ingediend, &ingediendDoor, &goedgekeurd,
		&goedgekeurdDoor, &vanaf, &geannuleerd, &geannuleerdDoor, &l.Annuleringsreden, &gestart, &uitgevoerd); err != nil {
		return nil, err
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	l.Peildatum, err = dossier.ParseDatum(peildatum)
	add(err)
	l.Aangemaakt, err = parseTime(aangemaakt)
	add(err)
	add(json.Unmarshal([]byte(door), &l.AangemaaktDoor))
	for _, p := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&l.Ingediend, ingediend}, {&l.Goedgekeurd, goedgekeurd}, {&l.UitvoerbaarVanaf, vanaf}, {&l.Geannuleerd, geannuleerd},
		{&l.UitvoeringGestart, gestart}, {&l.Uitgevoerd, uitgevoerd}} {
		*p.dst, err = timePtr(p.src)
		add(err)
	}
	for _, p := range []struct {
		dst **Wie
		src sql.NullString
	}{{&l.IngediendDoor, ingediendDoor}, {&l.GoedgekeurdDoor, goedgekeurdDoor}, {&l.GeannuleerdDoor, geannuleerdDoor}} {
		*p.dst, err = wieUit(p.src)
		add(err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("list %s: %w", l.ID, err)
	}
	return &l, nil
}

// getLijst reads a list with its counts, and its items when items is set.
func getLijst(ctx context.Context, tx *sqldb.Tx, id string, items bool) (*Lijst, error) {
	l, err := scanLijst(tx.QueryRow(ctx, `SELECT `+lijstColumns+` FROM retention_lijsten WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("vernietigingslijst %s bestaat niet", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read list %s: %w", id, err)
	}
	if l.Aantallen, err = aantallen(ctx, tx, id); err != nil {
		return nil, err
	}
	if items {
		if l.Items, err = lijstItems(ctx, tx, id, ""); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func aantallen(ctx context.Context, tx *sqldb.Tx, id string) (map[string]int, error) {
	rows, err := tx.Query(ctx, `SELECT status, beoordeling, COUNT(*) FROM retention_lijst_items WHERE lijst = ? GROUP BY status, beoordeling`, id)
	if err != nil {
		return nil, fmt.Errorf("count items of %s: %w", id, err)
	}
	defer rows.Close()
	out := map[string]int{ItemSuggested: 0, ItemRemoved: 0, ItemSucceeded: 0, ItemFailed: 0, ItemSkipped: 0, "onbeantwoord": 0}
	for rows.Next() {
		var status, beoordeling string
		var n int
		if err := rows.Scan(&status, &beoordeling, &n); err != nil {
			return nil, fmt.Errorf("count items of %s: %w", id, err)
		}
		out[status] += n
		if status == ItemSuggested && beoordeling == "" {
			out["onbeantwoord"] += n
		}
	}
	return out, rows.Err()
}

const itemColumns = `zaak, zaaktype, omschrijving, startdatum, einddatum, archiefactiedatum, resultaattype, status, beoordeling,
	reden, beoordeeld, beoordeeld_door, nieuwe_archiefactiedatum, resultaat, verwerkt`

func scanItem(r interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var start, eind, actie string
	var beoordeeld, door, nieuwe, verwerkt sql.NullString
	if err := r.Scan(&it.Zaak, &it.Zaaktype, &it.Omschrijving, &start, &eind, &actie, &it.Resultaattype, &it.Status, &it.Beoordeling,
		&it.Reden, &beoordeeld, &door, &nieuwe, &it.Resultaat, &verwerkt); err != nil {
		return it, err
	}
	var errs [7]error
	it.Startdatum, errs[0] = dossier.ParseDatum(start)
	it.Einddatum, errs[1] = dossier.ParseDatum(eind)
	it.Archiefactiedatum, errs[2] = dossier.ParseDatum(actie)
	it.Beoordeeld, errs[3] = timePtr(beoordeeld)
	it.BeoordeeldDoor, errs[4] = wieUit(door)
	it.NieuweArchiefactiedatum, errs[5] = dossier.DatumUitKolom(nieuwe)
	it.Verwerkt, errs[6] = timePtr(verwerkt)
	if err := errors.Join(errs[:]...); err != nil {
		return it, fmt.Errorf("item %s: %w", it.Zaak, err)
	}
	return it, nil
}

// lijstItems reads the items of a list, by zaak; status "" means every item.
func lijstItems(ctx context.Context, tx *sqldb.Tx, id, status string) ([]Item, error) {
	q := `SELECT ` + itemColumns + ` FROM retention_lijst_items WHERE lijst = ?`
	args := []any{id}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY zaak`, args...)
	if err != nil {
		return nil, fmt.Errorf("read items of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("read items of %s: %w", id, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func getItem(ctx context.Context, tx *sqldb.Tx, lijst, zaak string) (*Item, error) {
	it, err := scanItem(tx.QueryRow(ctx, `SELECT `+itemColumns+` FROM retention_lijst_items WHERE lijst = ? AND zaak = ?`, lijst, zaak))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("zaak %s staat niet op vernietigingslijst %s", zaak, lijst)
	}
	if err != nil {
		return nil, fmt.Errorf("read item %s of %s: %w", zaak, lijst, err)
	}
	return &it, nil
}

// openLijstVan returns the open list that holds zaak as suggested, or "".
func openLijstVan(ctx context.Context, tx *sqldb.Tx, zaak string) (string, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT l.id FROM retention_lijst_items i JOIN retention_lijsten l ON l.id = i.lijst
		WHERE i.zaak = ? AND i.status = 'suggested' AND l.status IN `+openLijstStatuses+` LIMIT 1`, zaak).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find open list of %s: %w", zaak, err)
	}
	return id, nil
}

// logLijst appends a step to the log of a list.
func logLijst(ctx context.Context, tx *sqldb.Tx, lijst string, wie Wie, actie, zaak string, details any, now time.Time) error {
	raw, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("log %s: %w", actie, err)
	}
	var last sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT MAX(volgnummer) FROM retention_lijst_log WHERE lijst = ?`, lijst).Scan(&last); err != nil {
		return fmt.Errorf("log %s: %w", actie, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO retention_lijst_log (lijst, volgnummer, tijd, door, actie, zaak, details) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		lijst, last.Int64+1, fmtTime(now), wieJSON(wie), actie, zaak, string(raw))
	if err != nil {
		return fmt.Errorf("log %s: %w", actie, err)
	}
	return nil
}

// Lijsten returns every destruction list without items, newest first.
func (s *Service) Lijsten(ctx context.Context, actor dossier.Actor) ([]Lijst, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	var out []Lijst
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+lijstColumns+` FROM retention_lijsten ORDER BY aangemaakt DESC, id`)
		if err != nil {
			return fmt.Errorf("read lists: %w", err)
		}
		for rows.Next() {
			l, err := scanLijst(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("read lists: %w", err)
			}
			out = append(out, *l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if out[i].Aantallen, err = aantallen(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Lijst returns one destruction list with its items.
func (s *Service) Lijst(ctx context.Context, actor dossier.Actor, id string) (*Lijst, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	var out *Lijst
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		out, err = getLijst(ctx, tx, id, true)
		return err
	})
	return out, err
}

// Logboek returns the log of a list: every step, in order.
func (s *Service) Logboek(ctx context.Context, actor dossier.Actor, id string) ([]LogRegel, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	var out []LogRegel
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		if _, err := getLijst(ctx, tx, id, false); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT volgnummer, tijd, door, actie, zaak, details FROM retention_lijst_log WHERE lijst = ? ORDER BY volgnummer`, id)
		if err != nil {
			return fmt.Errorf("read log of %s: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r LogRegel
			var tijd, door, details string
			if err := rows.Scan(&r.Volgnummer, &tijd, &door, &r.Actie, &r.Zaak, &details); err != nil {
				return fmt.Errorf("read log of %s: %w", id, err)
			}
			var e1 error
			r.Tijd, e1 = parseTime(tijd)
			if err := errors.Join(e1, json.Unmarshal([]byte(door), &r.Door)); err != nil {
				return fmt.Errorf("read log of %s: %w", id, err)
			}
			r.Details = json.RawMessage(details)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// LijstZaken returns the items of a destruction list inside tx, by zaak, whatever their
// status (package export exports the zaken of a list with it); ErrNotFound for an unknown list.
func LijstZaken(ctx context.Context, tx *sqldb.Tx, lijst string) ([]Item, error) {
	if _, err := getLijst(ctx, tx, lijst, false); err != nil {
		return nil, err
	}
	return lijstItems(ctx, tx, lijst, "")
}
