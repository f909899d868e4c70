package dossier

import (
	"context"
	"fmt"
	"time"

	"zaakarchief/dossier/sqldb"
)

// destroyZaak removes a zaak and everything recorded on it from the dossier store inside tx,
// except its audit trail (the record of who did what stays). Content that no other zaak holds is
// queued for deletion from the blob store; Service.PurgeBlobs deletes it after the transaction commits,
// so a crash in between is finished by the next purge. It returns how many documents went.
// Package retention calls it when an approved destruction list is executed; the minimal record
// of the zaak is retention's to keep.
func destroyZaak(ctx context.Context, tx *sqldb.Tx, zaak string, now time.Time) (int, error) {
	rows, err := tx.Query(ctx, `SELECT sha256 FROM documenten WHERE zaak = ? UNION SELECT sha256 FROM documentversies WHERE zaak = ?`, zaak, zaak)
	if err != nil {
		return 0, fmt.Errorf("destroy zaak %s: %w", zaak, err)
	}
	var shas []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, fmt.Errorf("destroy zaak %s: %w", zaak, err)
		}
		shas = append(shas, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("destroy zaak %s: %w", zaak, err)
	}
	var docs int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM documenten WHERE zaak = ?`, zaak).Scan(&docs); err != nil {
		return 0, fmt.Errorf("destroy zaak %s: %w", zaak, err)
	}
	for _, table := range []string{"documentversies", "documenten", "statussen", "besluiten", "eigenschappen", "resultaten", "rollen", "contactmomenten"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE zaak = ?`, zaak); err != nil {
			return 0, fmt.Errorf("destroy zaak %s: %s: %w", zaak, table, err)
		}
	}
	res, err := tx.Exec(ctx, `DELETE FROM zaken WHERE identificatie = ?`, zaak)
	if err != nil {
		return 0, fmt.Errorf("destroy zaak %s: %w", zaak, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, notFound("zaak %s bestaat niet", zaak)
	}
	for _, sha := range shas {
		n, err := countDocumentsWithContent(ctx, tx, sha)
		if err != nil {
			return 0, err
		}
		if n > 0 {
			continue // another zaak still holds these bytes: they go with their last holder
		}
		if _, err := tx.Exec(ctx, `INSERT INTO te_verwijderen_blobs (sha256, zaak, aangemeld) VALUES (?, ?, ?)
			ON CONFLICT (sha256) DO NOTHING`, sha, zaak, fmtTime(now)); err != nil {
			return 0, fmt.Errorf("destroy zaak %s: queue content %s: %w", zaak, sha, err)
		}
	}
	return docs, nil
}

// purgeBlobs deletes queued content from the blob store, unless a document took the same bytes
// again meanwhile. It returns how many blobs it deleted.
func purgeBlobs(ctx context.Context, db *sqldb.DB, blobs BlobStore) (int, error) {
	var queued []string
	err := db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT sha256 FROM te_verwijderen_blobs ORDER BY sha256`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			queued = append(queued, s)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("purge blobs: %w", err)
	}
	deleted := 0
	for _, sha := range queued {
		err := db.Update(ctx, func(tx *sqldb.Tx) error {
			n, err := countDocumentsWithContent(ctx, tx, sha)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := blobs.Delete(ctx, sha); err != nil {
					return err
				}
				deleted++
			}
			_, err = tx.Exec(ctx, `DELETE FROM te_verwijderen_blobs WHERE sha256 = ?`, sha)
			return err
		})
		if err != nil {
			return deleted, fmt.Errorf("purge blob %s: %w", sha, err)
		}
	}
	return deleted, nil
}
