package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Overschrijving is a recordmanager's change to the archival fields of one zaak: a new
// archiefnominatie, a new archiefactiedatum or both, with the reason (required).
type Overschrijving struct {
	Archiefnominatie  string         `json:"archiefnominatie"`
	Archiefactiedatum *dossier.Datum `json:"archiefactiedatum"`
	Reden             string         `json:"reden"`
}

// Override is a recorded change of a zaak's archival fields by hand: by an override or by the
// archivaris's answer on a destruction list (Bron says which).
type Override struct {
	ID    string          `json:"id"`
	Zaak  string          `json:"zaak"`
	Tijd  time.Time       `json:"tijd"`
	Door  Wie             `json:"door"`
	Bron  string          `json:"bron"`
	Van   dossier.Archief `json:"van"`
	Naar  dossier.Archief `json:"naar"`
	Reden string          `json:"reden"`
}

// BronOverride marks an Override made with Service.Override.
const BronOverride = "override"

// Override changes the archiefnominatie and/or archiefactiedatum of one closed zaak
// (recordmanager) with a mandatory reason, audited in the zaak's chain and shown by Explain.
// A zaak on an open destruction list must be taken off it first; a transferred zaak no longer
// changes. Changing the nominatie to blijvend_bewaren without a date gives the transfer date.
func (s *Service) Override(ctx context.Context, actor dossier.Actor, zaak string, o Overschrijving) (*Override, error) {
	if err := requireRole(actor, dossier.RolRecordmanager); err != nil {
		return nil, err
	}
	if ok, err := s.dossier.ZaakZichtbaar(ctx, actor, zaak, "archief.override"); err != nil {
		return nil, err
	} else if !ok {
		return nil, err2notFound(zaak)
	}
	reden := strings.TrimSpace(o.Reden)
	switch {
	case reden == "":
		return nil, invalid("reden", "is required: an override must say why")
	case len(reden) > 1000:
		return nil, invalid("reden", "is longer than 1000 characters")
	case o.Archiefnominatie != "" && o.Archiefnominatie != NominatieVernietigen && o.Archiefnominatie != NominatieBlijvendBewaren:
		return nil, invalid("archiefnominatie", "%q is not vernietigen or blijvend_bewaren", o.Archiefnominatie)
	case o.Archiefnominatie == "" && o.Archiefactiedatum == nil:
		return nil, invalid("archiefnominatie", "give a new archiefnominatie, a new archiefactiedatum or both")
	}
	now := s.now()
	wie := s.wie(ctx, actor)
	var out *Override
	err := s.dossier.WijzigOp(ctx, now, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		z, err := w.Zaak(ctx, zaak)
		if err != nil {
			return err
		}
		if z.Einddatum == nil {
			return conflict("zaak niet afgesloten", "zaak %s is not closed: its archival fields are derived when it closes", zaak)
		}
		if z.Archief.Archiefstatus == dossier.ArchiefstatusOvergedragen {
			return conflict("zaak overgedragen", "zaak %s was transferred: its archival fields no longer change", zaak)
		}
		if lijst, err := openLijstVan(ctx, tx, zaak); err != nil {
			return err
		} else if lijst != "" {
			return conflict("zaak op vernietigingslijst", "zaak %s is on destruction list %s: take it off the list first", zaak, lijst)
		}
		naar := z.Archief
		if o.Archiefnominatie != "" {
			naar.Archiefnominatie = o.Archiefnominatie
		}
		if o.Archiefactiedatum != nil {
			if o.Archiefactiedatum.Before(*z.Einddatum) {
				return invalid("archiefactiedatum", "%s is before the einddatum %s of the zaak", o.Archiefactiedatum, z.Einddatum)
			}
			d := *o.Archiefactiedatum
			naar.Archiefactiedatum = &d
			naar.Uitgesteld = ""
		} else if naar.Archiefnominatie == NominatieBlijvendBewaren && z.Archief.Archiefnominatie != NominatieBlijvendBewaren {
			naar.Archiefactiedatum = s.overbrengingsdatum(z)
		}
		if naar.Archiefnominatie == NominatieVernietigen && naar.Archiefactiedatum == nil {
			return invalid("archiefactiedatum", "is required: zaak %s has no archiefactiedatum and vernietigen needs one", zaak)
		}
		if sameArchief(naar, z.Archief) {
			return invalid("archiefnominatie", "nothing changes: zaak %s already has these archival fields", zaak)
		}
		out, err = s.overschrijf(ctx, w, tx, actor, wie, z, naar, BronOverride, reden, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "archival fields overridden", "zaak", zaak, "nominatie", out.Naar.Archiefnominatie, "actiedatum", out.Naar.Archiefactiedatum)
	return out, nil
}

func sameArchief(a, b dossier.Archief) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// overbrengingsdatum is the transfer date of a zaak from its brondatum (or einddatum).
func (s *Service) overbrengingsdatum(z *dossier.Zaak) *dossier.Datum {
	bron := z.Archief.StartdatumBewaartermijn
	if bron == nil {
		bron = z.Einddatum
	}
	if bron == nil {
		return nil
	}
	t, _ := s.inst.Overbrenging.Datum(bron.Time())
	d := datumVan(t)
	return &d
}

// overschrijf writes new archival fields to a zaak, records the override and audits it in the
// zaak's chain, inside w (tx for the override table).
func (s *Service) overschrijf(ctx context.Context, w *dossier.Wijziging, tx *sqldb.Tx, actor dossier.Actor, wie Wie, z *dossier.Zaak, naar dossier.Archief, bron, reden string, now time.Time) (*Override, error) {
	o := &Override{ID: newID(8), Zaak: z.Identificatie, Tijd: now.UTC(), Door: wie, Bron: bron, Van: z.Archief, Naar: naar, Reden: reden}
	van, err := json.Marshal(o.Van)
	if err != nil {
		return nil, err
	}
	nieuw, err := json.Marshal(o.Naar)
	if err != nil {
		return nil, err
	}
	var last sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT MAX(volgnummer) FROM retention_overrides WHERE zaak = ?`, z.Identificatie).Scan(&last); err != nil {
		return nil, fmt.Errorf("record override of %s: %w", z.Identificatie, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO retention_overrides (id, zaak, volgnummer, tijd, door, bron, van, naar, reden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Zaak, last.Int64+1, fmtTime(now), wieJSON(wie), bron, string(van), string(nieuw), reden); err != nil {
		return nil, fmt.Errorf("record override of %s: %w", z.Identificatie, err)
	}
	nieuwe, err := w.WijzigArchief(ctx, z.Identificatie, naar, actor, "archief.overschreven",
		map[string]any{"van": o.Van, "naar": o.Naar, "reden": reden, "bron": bron, "override": o.ID})
	if err != nil {
		return nil, err
	}
	*z = *nieuwe
	return o, nil
}

// overrides returns the overrides of a zaak, oldest first.
func overrides(ctx context.Context, tx *sqldb.Tx, zaak string) ([]Override, error) {
	rows, err := tx.Query(ctx, `SELECT id, zaak, tijd, door, bron, van, naar, reden FROM retention_overrides WHERE zaak = ? ORDER BY volgnummer`, zaak)
	if err != nil {
		return nil, fmt.Errorf("read overrides of %s: %w", zaak, err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		var tijd, door, van, naar string
		if err := rows.Scan(&o.ID, &o.Zaak, &tijd, &door, &o.Bron, &van, &naar, &o.Reden); err != nil {
			return nil, fmt.Errorf("read overrides of %s: %w", zaak, err)
		}
		var e1 error
		o.Tijd, e1 = parseTime(tijd)
		e2 := json.Unmarshal([]byte(door), &o.Door)
		e3 := json.Unmarshal([]byte(van), &o.Van)
		e4 := json.Unmarshal([]byte(naar), &o.Naar)
		if err := errors.Join(e1, e2, e3, e4); err != nil {
			return nil, fmt.Errorf("read override %s: %w", o.ID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
