package retention

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Soorten of a hold (bevriezing): why destruction of the zaken is suspended.
const (
	HoldJuridisch = "juridisch"
	HoldWoo       = "woo"
	HoldAudit     = "audit"
)

// HoldSoorten lists the kinds of hold.
var HoldSoorten = []string{HoldJuridisch, HoldWoo, HoldAudit}

// Bereik of a hold: what it covers.
const (
	// BereikZaak covers one zaak.
	BereikZaak = "zaak"
	// BereikZaaktype covers every zaak of a zaaktype, also those registered later.
	BereikZaaktype = "zaaktype"
	// BereikPeriode covers every zaak that ran during a period: started on or before Tot and
	// not closed before Van (still open counts as running).
	BereikPeriode = "periode"
)

// Hold is a bevriezing: while it is active (not released and its einddatum not passed), the
// zaken it covers are not put on a destruction list and not destroyed. Package archive reads
// holds with OnHold to set a legal hold on archived copies.
type Hold struct {
	ID       string         `json:"id"`
	Soort    string         `json:"soort"`
	Reden    string         `json:"reden"`
	Bereik   string         `json:"bereik"`
	Zaak     string         `json:"zaak,omitempty"`
	Zaaktype string         `json:"zaaktype,omitempty"`
	Van      *dossier.Datum `json:"van,omitempty"`
	Tot      *dossier.Datum `json:"tot,omitempty"`
	// Einddatum ends the hold by itself after that day; nil holds until released.
	Einddatum       *dossier.Datum `json:"einddatum"`
	Aangemaakt      time.Time      `json:"aangemaakt"`
	AangemaaktDoor  Wie            `json:"aangemaaktDoor"`
	Opgeheven       *time.Time     `json:"opgeheven"`
	OpgehevenDoor   *Wie           `json:"opgehevenDoor,omitempty"`
	Opheffingsreden string         `json:"opheffingsreden,omitempty"`
	// Actief says whether the hold suspends destruction today.
	Actief bool `json:"actief"`
}

// NieuweHold is a hold to place: Soort, Reden and exactly one of Zaak, Zaaktype or a period
// (Van and/or Tot).
type NieuweHold struct {
	Soort     string         `json:"soort"`
	Reden     string         `json:"reden"`
	Zaak      string         `json:"zaak"`
	Zaaktype  string         `json:"zaaktype"`
	Van       *dossier.Datum `json:"van"`
	Tot       *dossier.Datum `json:"tot"`
	Einddatum *dossier.Datum `json:"einddatum"`
}

// holdActief is the SQL condition for an active hold h on date ? (YYYY-MM-DD).
const holdActief = `h.opgeheven IS NULL AND (h.einddatum IS NULL OR h.einddatum >= ?)`

// dekt reports whether hold h covers zaak z: the zaak itself, its zaaktype, or a period the zaak
// ran in (started on or before Tot and not closed before Van; still open counts as running).
func dekt(h Hold, z *dossier.Zaak) bool {
	switch h.Bereik {
	case BereikZaak:
		return h.Zaak == z.Identificatie
	case BereikZaaktype:
		return h.Zaaktype == z.Zaaktype
	case BereikPeriode:
		if h.Van != nil && z.Einddatum != nil && z.Einddatum.Before(*h.Van) {
			return false
		}
		return h.Tot == nil || !h.Tot.Before(z.Startdatum)
	}
	return false
}

// actieveHolds returns the holds active on date op, oldest first.
func actieveHolds(ctx context.Context, tx *sqldb.Tx, op dossier.Datum) ([]Hold, error) {
	return queryHolds(ctx, tx, op, `SELECT `+holdColumns+` FROM retention_holds h WHERE `+holdActief+` ORDER BY h.aangemaakt, h.id`, op.String())
}

// dekkend returns the holds of hs that cover z, in their order.
func dekkend(hs []Hold, z *dossier.Zaak) []Hold {
	var out []Hold
	for _, h := range hs {
		if dekt(h, z) {
			out = append(out, h)
		}
	}
	return out
}

const holdColumns = `h.id, h.soort, h.reden, h.bereik, h.zaak, h.zaaktype, h.van, h.tot, h.einddatum,
	h.aangemaakt, h.aangemaakt_door, h.opgeheven, h.opgeheven_door, h.opheffingsreden`

func scanHold(r interface{ Scan(...any) error }, vandaag dossier.Datum) (Hold, error) {
	var h Hold
	var van, tot, eind, opgeheven, opgehevenDoor sql.NullString
	var aangemaakt, door string
	if err := r.Scan(&h.ID, &h.Soort, &h.Reden, &h.Bereik, &h.Zaak, &h.Zaaktype, &van, &tot, &eind,
		&aangemaakt, &door, &opgeheven, &opgehevenDoor, &h.Opheffingsreden); err != nil {
		return h, err
	}
	var errs [8]error
	h.Van, errs[0] = dossier.DatumUitKolom(van)
	h.Tot, errs[1] = dossier.DatumUitKolom(tot)
	h.Einddatum, errs[2] = dossier.DatumUitKolom(eind)
	h.Aangemaakt, errs[3] = parseTime(aangemaakt)
	var w *Wie
	w, errs[4] = wieUit(sql.NullString{String: door, Valid: true})
	if w != nil {
		h.AangemaaktDoor = *w
	}
	h.Opgeheven, errs[5] = timePtr(opgeheven)
	h.OpgehevenDoor, errs[6] = wieUit(opgehevenDoor)
	if err := errors.Join(errs[:]...); err != nil {
		return h, fmt.Errorf("hold %s: %w", h.ID, err)
	}
	h.Actief = h.Opgeheven == nil && (h.Einddatum == nil || !h.Einddatum.Before(vandaag))
	return h, nil
}

func queryHolds(ctx context.Context, tx *sqldb.Tx, vandaag dossier.Datum, query string, args ...any) ([]Hold, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read holds: %w", err)
	}
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		h, err := scanHold(rows, vandaag)
		if err != nil {
			return nil, fmt.Errorf("read holds: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// OnHold returns the holds that are active on date op and cover zaak, oldest first; none means
// the zaak may be destroyed (and its archived copy released) as far as holds go. ErrNotFound
// when the zaak does not exist. The zaak is read through in, the holds through tx (the same
// snapshot).
func OnHold(ctx context.Context, in *dossier.Inzage, tx *sqldb.Tx, zaak string, op dossier.Datum) ([]Hold, error) {
	z, err := in.Zaak(ctx, zaak)
	if err != nil {
		return nil, err
	}
	hs, err := actieveHolds(ctx, tx, op)
	if err != nil {
		return nil, err
	}
	return dekkend(hs, z), nil
}

// AddHold places a hold (recordmanager). A hold on one zaak is audited in that zaak's chain; a
// hold on a zaaktype or period in the chain of events without a zaak.
func (s *Service) AddHold(ctx context.Context, actor dossier.Actor, n NieuweHold) (*Hold, error) {
	if err := requireRole(actor, dossier.RolRecordmanager); err != nil {
		return nil, err
	}
	vandaag := s.vandaag()
	h := Hold{Soort: n.Soort, Reden: strings.TrimSpace(n.Reden), Zaak: n.Zaak, Zaaktype: n.Zaaktype, Van: n.Van, Tot: n.Tot, Einddatum: n.Einddatum}
	switch {
	case !slices.Contains(HoldSoorten, n.Soort):
		return nil, invalid("soort", "%q is not one of %v", n.Soort, HoldSoorten)
	case h.Reden == "":
		return nil, invalid("reden", "is required: say why destruction is suspended")
	case len(h.Reden) > 1000:
		return nil, invalid("reden", "is longer than 1000 characters")
	}
	scopes := 0
	if n.Zaak != "" {
		scopes++
		h.Bereik = BereikZaak
	}
	if n.Zaaktype != "" {
		scopes++
		h.Bereik = BereikZaaktype
		if _, ok := s.afspraak.Zaaktype(n.Zaaktype); !ok {
			return nil, invalid("zaaktype", "%q is not a zaaktype of the agreement", n.Zaaktype)
		}
	}
	if n.Van != nil || n.Tot != nil {
		scopes++
		h.Bereik = BereikPeriode
		if n.Van != nil && n.Tot != nil && n.Tot.Before(*n.Van) {
			return nil, invalid("tot", "%s is before van %s", n.Tot, n.Van)
		}
	}
	if scopes != 1 {
		return nil, invalid("zaak", "give exactly one of zaak, zaaktype or a period (van and/or tot)")
	}
	if n.Einddatum != nil && n.Einddatum.Before(vandaag) {
		return nil, invalid("einddatum", "%s lies in the past", n.Einddatum)
	}
	now := s.now()
	h.ID = "BV-" + newID(6)
	h.Aangemaakt = now.UTC()
	h.AangemaaktDoor = s.wie(ctx, actor)
	h.Actief = true
	err := s.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		auditZaak, fase := "", 0
		if h.Bereik == BereikZaak {
			z, err := w.Zaak(ctx, h.Zaak)
			if err != nil {
				return err
			}
			auditZaak, fase = z.Identificatie, z.Fase
		}
		_, err := tx.Exec(ctx, `INSERT INTO retention_holds (id, soort, reden, bereik, zaak, zaaktype, van, tot, einddatum, aangemaakt, aangemaakt_door)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Soort, h.Reden, h.Bereik, h.Zaak, h.Zaaktype,
			dossier.DatumKolom(h.Van), dossier.DatumKolom(h.Tot), dossier.DatumKolom(h.Einddatum), fmtTime(now), wieJSON(h.AangemaaktDoor))
		if err != nil {
			return fmt.Errorf("insert hold: %w", err)
		}
		_, err = w.Audit(ctx, auditZaak, actor, fase, "bevriezing.ingesteld", h)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "hold placed", "hold", h.ID, "soort", h.Soort, "bereik", h.Bereik, "zaak", h.Zaak, "zaaktype", h.Zaaktype)
	return &h, nil
}

// Holds returns the holds, newest first: only the active ones unless alle.
func (s *Service) Holds(ctx context.Context, actor dossier.Actor, alle bool) ([]Hold, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	vandaag := s.vandaag()
	var out []Hold
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		if alle {
			out, err = queryHolds(ctx, tx, vandaag, `SELECT `+holdColumns+` FROM retention_holds h ORDER BY h.aangemaakt DESC, h.id`)
		} else {
			out, err = queryHolds(ctx, tx, vandaag, `SELECT `+holdColumns+` FROM retention_holds h WHERE `+holdActief+` ORDER BY h.aangemaakt DESC, h.id`, vandaag.String())
		}
		return err
	})
	return out, err
}

// Hold returns one hold.
func (s *Service) Hold(ctx context.Context, actor dossier.Actor, id string) (*Hold, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	var h *Hold
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		var err error
		h, err = getHold(ctx, tx, id, s.vandaag())
		return err
	})
	return h, err
}

func getHold(ctx context.Context, tx *sqldb.Tx, id string, vandaag dossier.Datum) (*Hold, error) {
	hs, err := queryHolds(ctx, tx, vandaag, `SELECT `+holdColumns+` FROM retention_holds h WHERE h.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, notFound("hold %s bestaat niet", id)
	}
	return &hs[0], nil
}

// ReleaseHold lifts a hold (recordmanager) with a reason; a hold is released once.
func (s *Service) ReleaseHold(ctx context.Context, actor dossier.Actor, id, reden string) (*Hold, error) {
	if err := requireRole(actor, dossier.RolRecordmanager); err != nil {
		return nil, err
	}
	reden = strings.TrimSpace(reden)
	if reden == "" {
		return nil, invalid("reden", "is required: say why the hold is lifted")
	}
	now := s.now()
	wie := s.wie(ctx, actor)
	vandaag := s.vandaag()
	var out *Hold
	err := s.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		h, err := getHold(ctx, tx, id, vandaag)
		if err != nil {
			return err
		}
		if h.Opgeheven != nil {
			return conflict("bevriezing al opgeheven", "hold %s was released on %s", id, h.Opgeheven.Format(time.RFC3339))
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_holds SET opgeheven = ?, opgeheven_door = ?, opheffingsreden = ? WHERE id = ?`,
			fmtTime(now), wieJSON(wie), reden, id); err != nil {
			return fmt.Errorf("release hold %s: %w", id, err)
		}
		t := now.UTC()
		h.Opgeheven, h.OpgehevenDoor, h.Opheffingsreden, h.Actief = &t, &wie, reden, false
		auditZaak, fase := "", 0
		if h.Bereik == BereikZaak {
			auditZaak = h.Zaak // the chain outlives a destroyed zaak
			fase = w.Fase(ctx, h.Zaak)
		}
		if _, err := w.Audit(ctx, auditZaak, actor, fase, "bevriezing.opgeheven", map[string]any{"hold": id, "reden": reden}); err != nil {
			return err
		}
		out = h
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "hold released", "hold", id)
	return out, nil
}

// Bevroren reports, inside the transaction of in and tx, whether an active hold covers zaak
// today: the form package archive asks it in (archive.HoldChecker). A zaak that does not exist
// is not held.
func (s *Service) Bevroren(ctx context.Context, in *dossier.Inzage, tx *sqldb.Tx, zaak string) (bool, error) {
	hs, err := OnHold(ctx, in, tx, zaak, s.vandaag())
	if errors.Is(err, dossier.ErrNotFound) {
		return false, nil
	}
	return len(hs) > 0, err
}
