package retention

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Uitleg explains the retention of one zaak: its archival fields, how they were derived (rule,
// dates, selectielijst entry with its year, step by step), changes by hand, holds, its transfer
// date when it is kept permanently, the destruction lists it was on, and, once destroyed, the
// record kept of it.
type Uitleg struct {
	Zaak string `json:"zaak"`
	// Status is open, afgesloten or vernietigd.
	Status        string           `json:"status"`
	Zaaktype      string           `json:"zaaktype"`
	Omschrijving  string           `json:"omschrijving"`
	Startdatum    *dossier.Datum   `json:"startdatum"`
	Einddatum     *dossier.Datum   `json:"einddatum"`
	Resultaattype string           `json:"resultaattype,omitempty"`
	Archief       *dossier.Archief `json:"archief"`
	// Afleiding is the derivation in force: the one at the eindstatus, or the last one a later
	// fact caused.
	Afleiding *Afleiding `json:"afleiding"`
	// Afleidingen are all derivations of the zaak in order, each with what it gave, so that a
	// date that changed shows when and from which facts.
	Afleidingen []Afleidingsmoment `json:"afleidingen"`
	// Herberekend says no derivation was kept (the zaak closed before it was) and Afleiding was
	// computed now from the current agreement; AfleidingFout says why that failed.
	Herberekend   bool   `json:"herberekend,omitempty"`
	AfleidingFout string `json:"afleidingFout,omitempty"`
	// Overrides are the changes by hand, oldest first.
	Overrides []Override `json:"overrides"`
	// Holds are the active holds that cover the zaak.
	Holds []Hold `json:"holds"`
	// Overbrenging is the transfer date under the settings in force, for blijvend_bewaren.
	Overbrenging *OverbrengingUitleg `json:"overbrenging,omitempty"`
	// Lijsten are the destruction lists the zaak is or was on.
	Lijsten []LijstPlaats `json:"lijsten"`
	// Vernietigd is the record kept of the zaak after its destruction.
	Vernietigd *VernietigdeZaak `json:"vernietigd,omitempty"`
}

// LijstPlaats is a zaak's place on a destruction list.
type LijstPlaats struct {
	Lijst       string `json:"lijst"`
	Naam        string `json:"naam"`
	Status      string `json:"status"`
	ItemStatus  string `json:"itemStatus"`
	Beoordeling string `json:"beoordeling,omitempty"`
	Reden       string `json:"reden,omitempty"`
	Resultaat   string `json:"resultaat,omitempty"`
}

// Explain returns the retention explanation of a zaak, also after it was destroyed.
func (s *Service) Explain(ctx context.Context, actor dossier.Actor, zaak string) (*Uitleg, error) {
	if err := requireRole(actor, uitlegLezers...); err != nil {
		return nil, err
	}
	if ok, err := s.dossier.ZaakZichtbaar(ctx, actor, zaak, "archief"); err != nil {
		return nil, err
	} else if !ok {
		return nil, err2notFound(zaak)
	}
	vandaag := s.vandaag()
	u := &Uitleg{Zaak: zaak, Overrides: []Override{}, Holds: []Hold{}, Lijsten: []LijstPlaats{}}
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		d, err := in.Dossier(ctx, zaak)
		switch {
		case errors.Is(err, dossier.ErrNotFound):
			rec, err := vernietigdRecord(ctx, tx, zaak)
			if err != nil {
				return err
			}
			if rec == nil {
				return err2notFound(zaak)
			}
			u.Status, u.Vernietigd = "vernietigd", rec
			u.Zaaktype, u.Omschrijving, u.Resultaattype = rec.Zaaktype, rec.Omschrijving, rec.Resultaattype
			u.Startdatum, u.Einddatum = &rec.Startdatum, &rec.Einddatum
		case err != nil:
			return err
		default:
			z := d.Zaak
			u.Status = "open"
			if z.Einddatum != nil {
				u.Status = "afgesloten"
			}
			u.Zaaktype, u.Omschrijving, u.Startdatum, u.Einddatum, u.Archief = z.Zaaktype, z.Omschrijving, &z.Startdatum, z.Einddatum, &z.Archief
			if d.Resultaat != nil {
				u.Resultaattype = d.Resultaat.Resultaattype
			}
			if u.Holds, err = OnHold(ctx, in, tx, zaak, vandaag); err != nil {
				return err
			}
			if u.Holds == nil {
				u.Holds = []Hold{}
			}
			if z.Archief.Archiefnominatie == NominatieBlijvendBewaren && z.Archief.StartdatumBewaartermijn != nil {
				datum, wet := s.inst.Overbrenging.Datum(z.Archief.StartdatumBewaartermijn.Time())
				u.Overbrenging = &OverbrengingUitleg{Brondatum: *z.Archief.StartdatumBewaartermijn, Datum: datumVan(datum), Wet: wet}
			}
		}
		if u.Afleiding, err = storedAfleiding(ctx, tx, zaak); err != nil {
			return err
		}
		if u.Afleidingen, err = afleidingHistorie(ctx, tx, zaak); err != nil {
			return err
		}
		if u.Afleiding == nil && d != nil && d.Zaak.Einddatum != nil {
			u.Herberekend = true
			if u.Afleiding, err = s.bepaler.Leid(d); err != nil {
				u.AfleidingFout = err.Error()
			}
		}
		if u.Overrides, err = overrides(ctx, tx, zaak); err != nil {
			return err
		}
		if u.Overrides == nil {
			u.Overrides = []Override{}
		}
		u.Lijsten, err = lijstPlaatsen(ctx, tx, zaak)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func err2notFound(zaak string) error { return notFound("zaak %s bestaat niet", zaak) }

func lijstPlaatsen(ctx context.Context, tx *sqldb.Tx, zaak string) ([]LijstPlaats, error) {
	rows, err := tx.Query(ctx, `SELECT l.id, l.naam, l.status, i.status, i.beoordeling, i.reden, i.resultaat
		FROM retention_lijst_items i JOIN retention_lijsten l ON l.id = i.lijst WHERE i.zaak = ? ORDER BY l.aangemaakt, l.id`, zaak)
	if err != nil {
		return nil, fmt.Errorf("read lists of %s: %w", zaak, err)
	}
	defer rows.Close()
	out := []LijstPlaats{}
	for rows.Next() {
		var p LijstPlaats
		if err := rows.Scan(&p.Lijst, &p.Naam, &p.Status, &p.ItemStatus, &p.Beoordeling, &p.Reden, &p.Resultaat); err != nil {
			return nil, fmt.Errorf("read lists of %s: %w", zaak, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Afleidingsmoment is one derivation of a zaak in its history: when, what it gave, and the
// inputs of the step that gave the brondatum.
type Afleidingsmoment struct {
	Volgnummer        int            `json:"volgnummer"`
	Afgeleid          time.Time      `json:"afgeleid"`
	Archiefnominatie  string         `json:"archiefnominatie"`
	Brondatum         *dossier.Datum `json:"brondatum"`
	Archiefactiedatum *dossier.Datum `json:"archiefactiedatum"`
	Uitgesteld        string         `json:"uitgesteld,omitempty"`
	// Invoer are the facts the brondatum was read from (the eigenschap, the besluiten).
	Invoer []Gegeven `json:"invoer,omitempty"`
}

// afleidingHistorie reads every kept derivation of zaak, oldest first.
func afleidingHistorie(ctx context.Context, tx *sqldb.Tx, zaak string) ([]Afleidingsmoment, error) {
	rows, err := tx.Query(ctx, `SELECT volgnummer, afleiding FROM retention_afleidingen_historie WHERE zaak = ? ORDER BY volgnummer`, zaak)
	if err != nil {
		return nil, fmt.Errorf("read the derivations of %s: %w", zaak, err)
	}
	defer rows.Close()
	out := []Afleidingsmoment{}
	for rows.Next() {
		var n int
		var raw string
		if err := rows.Scan(&n, &raw); err != nil {
			return nil, fmt.Errorf("read the derivations of %s: %w", zaak, err)
		}
		var af Afleiding
		if err := json.Unmarshal([]byte(raw), &af); err != nil {
			return nil, fmt.Errorf("read derivation %d of %s: %w", n, zaak, err)
		}
		a := af.Archief()
		m := Afleidingsmoment{Volgnummer: n, Afgeleid: af.Afgeleid, Archiefnominatie: a.Archiefnominatie,
			Brondatum: a.StartdatumBewaartermijn, Archiefactiedatum: a.Archiefactiedatum, Uitgesteld: a.Uitgesteld}
		for _, st := range af.Uitkomst.Stappen {
			if strings.HasPrefix(st.Regel, "brondatum volgens afleidingswijze") {
				m.Invoer = st.Invoer
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
