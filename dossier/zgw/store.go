package zgw

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"zaakarchief/dossier/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the collector's schema migrations (component "zgw").
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.Migrate(ctx, "zgw", sub)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// The states of a source zaak (zgw_zaken.toestand).
const (
	ZaakNieuw      = "nieuw"      // seen, not yet synced
	ZaakVolledig   = "volledig"   // everything the source had at the last pass is dealt with
	ZaakOnvolledig = "onvolledig" // a pass is applying it, or was cut off: not complete
	ZaakWacht      = "wacht"      // waits for the zaak of the organisation that registers it
	ZaakFout       = "fout"       // the last pass failed (reden says why); retried next pass
)

// The states of a resource found at a source (zgw_items.toestand).
const (
	ItemBezig     = "bezig"     // being recorded: after a crash, reconciled before a retry
	ItemOK        = "ok"        // in the dossier (or nothing to record: reden says why)
	ItemGeweigerd = "geweigerd" // refused by the agreement or invalid: reden and regel say why
)

// zaakRij is a source zaak as the collector keeps it.
type zaakRij struct {
	URL, Bron, Identificatie, Zaaktype, ETag, Dossier, Toestand, Reden string
	LaatstGemuteerd                                                    time.Time
}

// item is a resource found at a source and its state in the dossier.
type item struct {
	URL, Bron, ZaakURL, Dossier, Soort, Sleutel string
	Versie                                      int
	ETag, DossierID, Toestand, Reden, Regel     string
	Tijd                                        time.Time
}

// saveZaak records a source zaak as seen, with its link keys; its dossier and state stay.
func saveZaak(ctx context.Context, tx *sqldb.Tx, z zaakRij, keys []string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO zgw_zaken (url, bron, identificatie, zaaktype, laatst_gemuteerd, gezien) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET identificatie = excluded.identificatie, zaaktype = excluded.zaaktype,
		laatst_gemuteerd = excluded.laatst_gemuteerd, gezien = excluded.gezien`,
		z.URL, z.Bron, z.Identificatie, z.Zaaktype, fmtTime(z.LaatstGemuteerd), fmtTime(now))
	if err != nil {
		return fmt.Errorf("save source zaak %s: %w", z.URL, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM zgw_koppelingen WHERE url = ?`, z.URL); err != nil {
		return fmt.Errorf("save links of %s: %w", z.URL, err)
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `INSERT INTO zgw_koppelingen (sleutel, url) VALUES (?, ?) ON CONFLICT DO NOTHING`, k, z.URL); err != nil {
			return fmt.Errorf("save links of %s: %w", z.URL, err)
		}
	}
	return nil
}

// getZaken reads the source zaken with these URLs.
func getZaken(ctx context.Context, tx *sqldb.Tx, urls []string) (map[string]*zaakRij, error) {
	out := map[string]*zaakRij{}
	for _, u := range urls {
		var z zaakRij
		var lg string
		err := tx.QueryRow(ctx, `SELECT url, bron, identificatie, zaaktype, laatst_gemuteerd, etag, dossier, toestand, reden
			FROM zgw_zaken WHERE url = ?`, u).Scan(&z.URL, &z.Bron, &z.Identificatie, &z.Zaaktype, &lg, &z.ETag, &z.Dossier, &z.Toestand, &z.Reden)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read source zaak %s: %w", u, err)
		}
		z.LaatstGemuteerd = parseTime(lg)
		out[u] = &z
	}
	return out, nil
}

// koppelingen reads every link key: url -> keys.
func koppelingen(ctx context.Context, db dossierDB) (map[string][]string, error) {
	out := map[string][]string{}
	err := db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT url, sleutel FROM zgw_koppelingen ORDER BY url, sleutel`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u, k string
			if err := rows.Scan(&u, &k); err != nil {
				return err
			}
			out[u] = append(out[u], k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	return out, nil
}

// setZaakState records the state of source zaken (and, when dossier is not empty, the dossier
// they belong to).
func setZaakState(ctx context.Context, tx *sqldb.Tx, urls []string, dossier, toestand, reden string, now time.Time) error {
	for _, u := range urls {
		q := `UPDATE zgw_zaken SET toestand = ?, reden = ?, gesynchroniseerd = ? WHERE url = ?`
		args := []any{toestand, reden, fmtTime(now), u}
		if dossier != "" {
			q = `UPDATE zgw_zaken SET toestand = ?, reden = ?, gesynchroniseerd = ?, dossier = ? WHERE url = ?`
			args = []any{toestand, reden, fmtTime(now), dossier, u}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("record state of %s: %w", u, err)
		}
	}
	return nil
}

func setZaakETag(ctx context.Context, tx *sqldb.Tx, u, etag string) error {
	if _, err := tx.Exec(ctx, `UPDATE zgw_zaken SET etag = ? WHERE url = ?`, etag, u); err != nil {
		return fmt.Errorf("record etag of %s: %w", u, err)
	}
	return nil
}

// loadItems reads the items of a group: those of its dossier and those found on its zaken.
func loadItems(ctx context.Context, tx *sqldb.Tx, dossier string, zaakURLs []string) (map[string]*item, error) {
	out := map[string]*item{}
	scan := func(query string, arg string) error {
		rows, err := tx.Query(ctx, `SELECT url, bron, zaak_url, dossier, soort, sleutel, versie, etag, dossier_id, toestand, reden, regel, tijd
			FROM zgw_items WHERE `+query, arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it item
			var tijd string
			if err := rows.Scan(&it.URL, &it.Bron, &it.ZaakURL, &it.Dossier, &it.Soort, &it.Sleutel, &it.Versie, &it.ETag,
				&it.DossierID, &it.Toestand, &it.Reden, &it.Regel, &tijd); err != nil {
				return err
			}
			it.Tijd = parseTime(tijd)
			out[it.URL] = &it
		}
		return rows.Err()
	}
	if dossier != "" {
		if err := scan("dossier = ?", dossier); err != nil {
			return nil, fmt.Errorf("read items of %s: %w", dossier, err)
		}
	}
	for _, u := range zaakURLs {
		if err := scan("zaak_url = ?", u); err != nil {
			return nil, fmt.Errorf("read items of %s: %w", u, err)
		}
	}
	return out, nil
}

// saveItems writes items in one transaction.
func saveItems(ctx context.Context, tx *sqldb.Tx, items []*item, now time.Time) error {
	for _, it := range items {
		_, err := tx.Exec(ctx, `INSERT INTO zgw_items (url, bron, zaak_url, dossier, soort, sleutel, versie, etag, dossier_id, toestand, reden, regel, tijd, bijgewerkt)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET bron = excluded.bron, zaak_url = excluded.zaak_url, dossier = excluded.dossier, soort = excluded.soort,
			sleutel = excluded.sleutel, versie = excluded.versie, etag = excluded.etag, dossier_id = excluded.dossier_id, toestand = excluded.toestand,
			reden = excluded.reden, regel = excluded.regel, tijd = excluded.tijd, bijgewerkt = excluded.bijgewerkt`,
			it.URL, it.Bron, it.ZaakURL, it.Dossier, it.Soort, it.Sleutel, it.Versie, it.ETag, it.DossierID, it.Toestand,
			it.Reden, it.Regel, fmtTime(it.Tijd), fmtTime(now))
		if err != nil {
			return fmt.Errorf("record item %s: %w", it.URL, err)
		}
	}
	return nil
}

// recordBron records the outcome of a pass over a source: errMsg empty is a success.
func recordBron(ctx context.Context, db dossierDB, bron, errMsg string, now time.Time) error {
	return db.Update(ctx, func(tx *sqldb.Tx) error {
		if errMsg == "" {
			_, err := tx.Exec(ctx, `INSERT INTO zgw_bronnen (bron, laatste_poging, laatste_succes, fout, opeenvolgende_fouten) VALUES (?, ?, ?, '', 0)
				ON CONFLICT (bron) DO UPDATE SET laatste_poging = excluded.laatste_poging, laatste_succes = excluded.laatste_succes, fout = '', opeenvolgende_fouten = 0`,
				bron, fmtTime(now), fmtTime(now))
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO zgw_bronnen (bron, laatste_poging, fout, opeenvolgende_fouten) VALUES (?, ?, ?, 1)
			ON CONFLICT (bron) DO UPDATE SET laatste_poging = excluded.laatste_poging, fout = excluded.fout,
			opeenvolgende_fouten = zgw_bronnen.opeenvolgende_fouten + 1`, bron, fmtTime(now), truncate(errMsg, 2000))
		return err
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
