package zgw

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// mayRead decides whether actor may see the sources: everyone but the KCC.
func mayRead(a dossier.Actor) error {
	if a.Rol == dossier.RolKCC {
		return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: "the KCC sees the status of zaken, not the sources"}
	}
	return nil
}

// maxNotificatie limits a notification body.
const maxNotificatie = 64 << 10

// Ontvang takes a notification that actor delivered as the JSON body: actor must be of role
// organisatie of an organisation with a source (checked before the body is read), and the
// notification's hoofdObject must be in that source's APIs. A notification of a kanaal other
// than zaken, documenten and besluiten (or the test message a Notificaties API sends to a new
// abonnement) is accepted and ignored; the others have their zaak synced after the debounce
// time (see Notify).
func (c *Collector) Ontvang(ctx context.Context, actor dossier.Actor, body io.Reader) error {
	if actor.Rol != dossier.RolOrganisatie {
		return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: "notifications are delivered with a token of role organisatie of the organisation whose source sends them"}
	}
	idx := slices.IndexFunc(c.bronnen, func(b *Bron) bool { return b.Organisatie == actor.Organisatie })
	if idx < 0 {
		return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("organisation %s has no bron in the agreement: its notifications are not used", actor.Organisatie)}
	}
	raw, err := io.ReadAll(io.LimitReader(body, maxNotificatie+1))
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body could not be read: " + err.Error()}
	}
	if len(raw) > maxNotificatie {
		return &dossier.Fout{Kind: dossier.ErrTooLarge, Detail: fmt.Sprintf("a notification holds at most %d bytes", maxNotificatie)}
	}
	var n Notificatie
	if err := json.Unmarshal(raw, &n); err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body is not a notification (kanaal, hoofdObject, resource, resourceUrl, actie, aanmaakdatum, kenmerken): " + err.Error()}
	}
	b := c.bronnen[idx]
	switch {
	case n.Kanaal == "":
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "kanaal", Detail: "is required"}
	case n.Kanaal != KanaalZaken && n.Kanaal != KanaalDocumenten && n.Kanaal != KanaalBesluiten:
		c.metrics.notificaties.WithLabelValues(n.Kanaal, "genegeerd").Inc()
		return nil
	case n.HoofdObject == "":
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "hoofdObject", Detail: "is required"}
	case !b.owns(n.HoofdObject):
		return &dossier.Fout{Kind: dossier.ErrForbidden, Field: "hoofdObject",
			Detail: fmt.Sprintf("%s is not in the APIs of the source of %s", n.HoofdObject, actor.Organisatie)}
	}
	c.Notify(b.Organisatie, n)
	c.metrics.notificaties.WithLabelValues(n.Kanaal, "gepland").Inc()
	return nil
}

// BronStatus is the state of one source, as GET /api/v1/bronnen shows it.
type BronStatus struct {
	Organisatie   string `json:"organisatie"`
	ZakenAPI      string `json:"zakenApi"`
	DocumentenAPI string `json:"documentenApi"`
	BesluitenAPI  string `json:"besluitenApi"`
	CatalogiAPI   string `json:"catalogiApi"`
	// Status is ok (the last pass succeeded), fout (it failed), onbekend (no pass yet) or
	// niet_ingesteld (the source cannot be used: no secret, a broken mapping).
	Status              string     `json:"status"`
	Fout                string     `json:"fout,omitempty"`
	LaatstePoging       *time.Time `json:"laatstePoging"`
	LaatsteSucces       *time.Time `json:"laatsteSucces"`
	OpeenvolgendeFouten int        `json:"opeenvolgendeFouten"`
	// Zaken counts the source's zaken by state: volledig, onvolledig, wacht, fout, nieuw.
	Zaken map[string]int `json:"zaken"`
	// Geweigerd counts the parts the agreement did not let in.
	Geweigerd int `json:"geweigerd"`
}

// Status returns the state of every source to any actor but the KCC.
func (c *Collector) Status(ctx context.Context, actor dossier.Actor) ([]BronStatus, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	out := make([]BronStatus, 0, len(c.bronnen))
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		for _, b := range c.bronnen {
			st := BronStatus{Organisatie: b.Organisatie, ZakenAPI: b.ZakenAPI, DocumentenAPI: b.DocumentenAPI, BesluitenAPI: b.BesluitenAPI,
				CatalogiAPI: b.CatalogiAPI, Status: "onbekend", Zaken: map[string]int{}}
			var poging, succes, fout string
			err := tx.QueryRow(ctx, `SELECT laatste_poging, laatste_succes, fout, opeenvolgende_fouten FROM zgw_bronnen WHERE bron = ?`, b.Organisatie).
				Scan(&poging, &succes, &fout, &st.OpeenvolgendeFouten)
			if err == nil {
				st.Status, st.Fout = "ok", fout
				if fout != "" {
					st.Status = "fout"
				}
				st.LaatstePoging, st.LaatsteSucces = timePtr(poging), timePtr(succes)
			}
			if b.fout != "" {
				st.Status, st.Fout = "niet_ingesteld", b.fout
			}
			rows, err := tx.Query(ctx, `SELECT toestand, COUNT(*) FROM zgw_zaken WHERE bron = ? GROUP BY toestand`, b.Organisatie)
			if err != nil {
				return err
			}
			for rows.Next() {
				var t string
				var n int
				if err := rows.Scan(&t, &n); err != nil {
					rows.Close()
					return err
				}
				st.Zaken[t] = n
			}
			rows.Close()
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM zgw_items WHERE bron = ? AND toestand = ?`, b.Organisatie, ItemGeweigerd).Scan(&st.Geweigerd); err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("source status: %w", err)
	}
	return out, nil
}

func timePtr(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := parseTime(s)
	return &t
}

// Meldingen returns to any actor but the KCC what of the source of organisation bron is not
// (completely) in the dossier: refused parts and zaken that failed, wait or are incomplete,
// newest first, at most limit of each (500 when limit is not positive); dossier.ErrNotFound
// when bron has no source.
func (c *Collector) Meldingen(ctx context.Context, actor dossier.Actor, bron string, limit int) ([]Melding, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	// The meldingen name zaken and reasons from one organisation's own system: need to know.
	if actor.Rol == dossier.RolOrganisatie && actor.Organisatie != bron {
		return nil, &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("the meldingen of the source of %s are for %s and for records management", bron, bron)}
	}
	if !slices.ContainsFunc(c.bronnen, func(b *Bron) bool { return b.Organisatie == bron }) {
		return nil, &dossier.Fout{Kind: dossier.ErrNotFound, Detail: fmt.Sprintf("organisation %q has no bron", bron)}
	}
	if limit < 1 {
		limit = 500
	}
	out := []Melding{}
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT url, toestand, reden, dossier FROM zgw_zaken WHERE bron = ? AND toestand IN (?, ?, ?)
			ORDER BY gesynchroniseerd DESC, url LIMIT `+strconv.Itoa(limit), bron, ZaakFout, ZaakWacht, ZaakOnvolledig)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m Melding
			var toestand string
			if err := rows.Scan(&m.Zaak, &toestand, &m.Reden, &m.Dossier); err != nil {
				rows.Close()
				return err
			}
			m.Bron, m.Soort = bron, toestand
			if toestand == ZaakOnvolledig {
				m.Soort, m.Reden = MeldingFout, "incomplete: a pass stopped half-way; the next pass completes it"
			}
			out = append(out, m)
		}
		rows.Close()
		rows, err = tx.Query(ctx, `SELECT url, zaak_url, dossier, soort, reden, regel FROM zgw_items WHERE bron = ? AND toestand = ?
			ORDER BY bijgewerkt DESC, url LIMIT `+strconv.Itoa(limit), bron, ItemGeweigerd)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := Melding{Soort: MeldingGeweigerd, Bron: bron}
			if err := rows.Scan(&m.Resource, &m.Zaak, &m.Dossier, &m.Wat, &m.Reden, &m.Regel); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("meldingen of %s: %w", bron, err)
	}
	return out, nil
}
