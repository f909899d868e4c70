package dossier

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zaakarchief/dossier/sqldb"
)

// AuditEntry is one event in the audit trail of a zaak. Entries of one zaak form a hash chain:
// each carries the hash of the one before (VorigeHash) and its own Hash over all its fields, so
// that a changed, removed or inserted row breaks the chain. Zaak "" holds events without a zaak
// (tokens created or revoked).
type AuditEntry struct {
	ID          string          `json:"id"`
	Zaak        string          `json:"zaak"`
	Volgnummer  int64           `json:"volgnummer"`
	Tijd        time.Time       `json:"tijd"`
	Organisatie string          `json:"organisatie"`
	Rol         string          `json:"rol"`
	Token       string          `json:"token"`
	Fase        int             `json:"fase"`
	Actie       string          `json:"actie"`
	Details     json.RawMessage `json:"details"`
	VorigeHash  string          `json:"vorigeHash"`
	Hash        string          `json:"hash"`
}

// genesisHash is the VorigeHash of the first entry of every chain.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash an entry must carry: SHA-256 over its fields in a fixed order,
// the details as stored, and the previous hash. Export verification uses it too.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00",
		e.ID, e.Zaak, e.Volgnummer, e.Tijd.UTC().Format(time.RFC3339Nano), e.Organisatie, e.Rol, e.Token, e.Fase, e.Actie)
	h.Write(e.Details)
	h.Write([]byte{0})
	h.Write([]byte(e.VorigeHash))
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit appends an entry to the chain of its zaak inside tx: it fills ID, Volgnummer,
// VorigeHash and Hash. details is marshalled to JSON.
func appendAudit(ctx context.Context, tx *sqldb.Tx, zaak string, actor Actor, fase int, actie string, details any, now time.Time) (*AuditEntry, error) {
	raw, err := json.Marshal(details)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", actie, err)
	}
	return appendAuditRaw(ctx, tx, zaak, actor, fase, actie, raw, now)
}

// huidigeFase asks appendAuditRaw for the phase the zaak is in now (0 when it is gone), read in
// the same query as the end of its chain.
const huidigeFase = -1

// appendAuditRaw is appendAudit with the details already marshalled; fase huidigeFase takes the
// zaak's current phase.
func appendAuditRaw(ctx context.Context, tx *sqldb.Tx, zaak string, actor Actor, fase int, actie string, raw json.RawMessage, now time.Time) (*AuditEntry, error) {
	var err error
	e := &AuditEntry{
		ID: newID(), Zaak: zaak, Tijd: now.UTC(), Organisatie: actor.Organisatie, Rol: actor.Rol,
		Token: actor.TokenID, Fase: fase, Actie: actie, Details: raw, VorigeHash: genesisHash,
	}
	var last sql.NullInt64
	var lastHash sql.NullString
	if fase == huidigeFase {
		err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT fase FROM zaken WHERE identificatie = ?), 0),
			(SELECT volgnummer FROM audit WHERE zaak = ? ORDER BY volgnummer DESC LIMIT 1),
			(SELECT hash FROM audit WHERE zaak = ? ORDER BY volgnummer DESC LIMIT 1)`, zaak, zaak, zaak).Scan(&e.Fase, &last, &lastHash)
	} else {
		err = tx.QueryRow(ctx, `SELECT volgnummer, hash FROM audit WHERE zaak = ? ORDER BY volgnummer DESC LIMIT 1`, zaak).Scan(&last, &lastHash)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("audit %s: %w", actie, err)
	}
	if last.Valid {
		e.Volgnummer = last.Int64 + 1
		e.VorigeHash = lastHash.String
	} else {
		e.Volgnummer = 1
	}
	e.Hash = e.ComputeHash()
	_, err = tx.Exec(ctx, `INSERT INTO audit (id, zaak, volgnummer, tijd, organisatie, rol, token, fase, actie, details, vorige_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Zaak, e.Volgnummer, e.Tijd.Format(time.RFC3339Nano), e.Organisatie, e.Rol, e.Token, e.Fase, e.Actie, string(e.Details), e.VorigeHash, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", actie, err)
	}
	return e, nil
}

// auditTrail returns the chain of one zaak in order.
func auditTrail(ctx context.Context, tx *sqldb.Tx, zaak string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := scanAudit(ctx, tx, `SELECT id, zaak, volgnummer, tijd, organisatie, rol, token, fase, actie, details, vorige_hash, hash
		FROM audit WHERE zaak = ? ORDER BY volgnummer`, []any{zaak}, func(e AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

func scanAudit(ctx context.Context, tx *sqldb.Tx, query string, args []any, fn func(AuditEntry) error) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read audit trail: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AuditEntry
		var tijd, details string
		if err := rows.Scan(&e.ID, &e.Zaak, &e.Volgnummer, &tijd, &e.Organisatie, &e.Rol, &e.Token, &e.Fase, &e.Actie, &details, &e.VorigeHash, &e.Hash); err != nil {
			return fmt.Errorf("read audit trail: %w", err)
		}
		if e.Tijd, err = time.Parse(time.RFC3339Nano, tijd); err != nil {
			return fmt.Errorf("read audit trail: entry %s: %w", e.ID, err)
		}
		e.Details = json.RawMessage(details)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ChainBreak describes one place where a chain does not hold.
type ChainBreak struct {
	Zaak       string `json:"zaak"`
	Volgnummer int64  `json:"volgnummer"`
	ID         string `json:"id"`
	Reden      string `json:"reden"`
}

// String formats a break for one line of CLI output.
func (b ChainBreak) String() string {
	zaak := b.Zaak
	if zaak == "" {
		zaak = "(systeem)"
	}
	return fmt.Sprintf("zaak %s entry %d (%s): %s", zaak, b.Volgnummer, b.ID, b.Reden)
}

// ChainVerifier checks entries of one chain in order; feed it with Next.
type ChainVerifier struct {
	prev   string
	volg   int64
	zaak   string
	Breaks []ChainBreak
	Count  int
}

// Next checks e against the entries before it.
func (v *ChainVerifier) Next(e AuditEntry) {
	if v.Count == 0 || e.Zaak != v.zaak {
		v.zaak, v.prev, v.volg = e.Zaak, genesisHash, 0
	}
	v.Count++
	brk := func(r string) {
		v.Breaks = append(v.Breaks, ChainBreak{Zaak: e.Zaak, Volgnummer: e.Volgnummer, ID: e.ID, Reden: r})
	}
	if e.Volgnummer != v.volg+1 {
		brk(fmt.Sprintf("volgnummer %d follows %d: an entry is missing or inserted", e.Volgnummer, v.volg))
	}
	if e.VorigeHash != v.prev {
		brk("vorige hash does not match the entry before it")
	}
	if got := e.ComputeHash(); got != e.Hash {
		brk("hash does not match the entry's content: the entry was changed")
	}
	v.prev, v.volg = e.Hash, e.Volgnummer
}

// verifyAudit walks every chain in the store and returns what does not hold, and how many
// entries it checked.
func verifyAudit(ctx context.Context, db *sqldb.DB) ([]ChainBreak, int, error) {
	var v ChainVerifier
	err := db.View(ctx, func(tx *sqldb.Tx) error {
		return scanAudit(ctx, tx, `SELECT id, zaak, volgnummer, tijd, organisatie, rol, token, fase, actie, details, vorige_hash, hash
			FROM audit ORDER BY zaak, volgnummer`, nil, func(e AuditEntry) error {
			v.Next(e)
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("verify audit trail: %w", err)
	}
	return v.Breaks, v.Count, nil
}
