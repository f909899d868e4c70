package dossier

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"zaakarchief/dossier/sqldb"
)

// Token is a bearer token as stored: only the hash of the secret is kept.
type Token struct {
	ID           string     `json:"id"`
	Organisatie  string     `json:"organisatie"`
	Rol          string     `json:"rol"`
	Omschrijving string     `json:"omschrijving"`
	Aangemaakt   time.Time  `json:"aangemaakt"`
	Ingetrokken  *time.Time `json:"ingetrokken"`
}

const tokenPrefix = "za_"

func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateToken makes a bearer token for an organisation of the agreement in a role and returns
// it once; only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, organisatie, rol, omschrijving string) (Token, string, error) {
	if !slices.Contains(Rollen, rol) {
		return Token{}, "", invalid("role", "%q is not one of %v", rol, Rollen)
	}
	if _, ok := s.afspraak.Organisatie(organisatie); !ok {
		return Token{}, "", invalid("organisation", "%q is not an organisation of the agreement", organisatie)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Token{}, "", fmt.Errorf("create token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	t := Token{ID: newID()[:16], Organisatie: organisatie, Rol: rol, Omschrijving: omschrijving, Aangemaakt: now}
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tokens (id, hash, organisatie, rol, omschrijving, aangemaakt) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, hashToken(secret), t.Organisatie, t.Rol, t.Omschrijving, fmtTime(now))
		if err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, "", Actor{Rol: RolSysteem}, 0, "token.aangemaakt", t, now)
		return err
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// ListTokens returns every token, revoked ones included.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, organisatie, rol, omschrijving, aangemaakt, ingetrokken FROM tokens ORDER BY aangemaakt, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t Token
			var aangemaakt string
			var ingetrokken *string
			if err := rows.Scan(&t.ID, &t.Organisatie, &t.Rol, &t.Omschrijving, &aangemaakt, &ingetrokken); err != nil {
				return err
			}
			if t.Aangemaakt, err = parseTime(aangemaakt); err != nil {
				return err
			}
			if ingetrokken != nil {
				it, err := parseTime(*ingetrokken)
				if err != nil {
					return err
				}
				t.Ingetrokken = &it
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes a token by its ID; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	now := s.now()
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE tokens SET ingetrokken = ? WHERE id = ? AND ingetrokken IS NULL`, fmtTime(now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("no active token with id %q", id)
		}
		_, err = appendAudit(ctx, tx, "", Actor{Rol: RolSysteem}, 0, "token.ingetrokken", map[string]string{"token": id}, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	return nil
}

// Authenticate returns the actor of a bearer token; ErrUnauthorized for a missing, unknown or
// revoked one.
func (s *Service) Authenticate(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Actor{}, &Fout{Kind: ErrUnauthorized, Detail: "a bearer token is required"}
	}
	var a Actor
	var ingetrokken *string
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, organisatie, rol, ingetrokken FROM tokens WHERE hash = ?`, hashToken(secret)).
			Scan(&a.TokenID, &a.Organisatie, &a.Rol, &ingetrokken)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, &Fout{Kind: ErrUnauthorized, Detail: "unknown token"}
	}
	if err != nil {
		return Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	if ingetrokken != nil {
		return Actor{}, &Fout{Kind: ErrUnauthorized, Detail: "the token was revoked"}
	}
	return a, nil
}
