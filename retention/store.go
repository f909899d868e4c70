package retention

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies retention's schema migrations (component "retention"). The dossier's
// migrations must have run first.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.Migrate(ctx, "retention", sub)
}

// Wie says who did something: the organisation, role and token of the actor, and the token's
// description (usually the person's name), as recorded at the time.
type Wie struct {
	Organisatie  string `json:"organisatie"`
	Rol          string `json:"rol"`
	Token        string `json:"token,omitempty"`
	Omschrijving string `json:"omschrijving,omitempty"`
}

// String names who for people: "J. Jansen (archivaris, gemeente)".
func (w Wie) String() string {
	org := w.Organisatie
	if org == "" {
		org = "zaakarchief"
	}
	if w.Omschrijving != "" {
		return fmt.Sprintf("%s (%s, %s)", w.Omschrijving, w.Rol, org)
	}
	if w.Token != "" {
		return fmt.Sprintf("%s, %s (token %s)", w.Rol, org, w.Token)
	}
	return fmt.Sprintf("%s, %s", w.Rol, org)
}

func wieVan(a dossier.Actor) Wie {
	return Wie{Organisatie: a.Organisatie, Rol: a.Rol, Token: a.TokenID}
}

func wieJSON(w Wie) string {
	b, _ := json.Marshal(w) // a struct of strings always marshals
	return string(b)
}

func wieUit(s sql.NullString) (*Wie, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var w Wie
	if err := json.Unmarshal([]byte(s.String), &w); err != nil {
		return nil, fmt.Errorf("read who: %w", err)
	}
	return &w, nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

func timePtr(s sql.NullString) (*time.Time, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// newID returns n random bytes in hex.
func newID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Errors in the form the HTTP layer maps to status codes (see dossier.Fout).

func conflict(rule, format string, args ...any) error {
	return &dossier.Fout{Kind: dossier.ErrConflict, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) error {
	return &dossier.Fout{Kind: dossier.ErrInvalid, Field: field, Detail: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &dossier.Fout{Kind: dossier.ErrNotFound, Detail: fmt.Sprintf(format, args...)}
}

func requireRole(a dossier.Actor, roles ...string) error {
	if slices.Contains(roles, a.Rol) {
		return nil
	}
	return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("role %q may not do this (allowed: %v)", a.Rol, roles)}
}

// Role sets of the retention operations.
var (
	// lezers may read explanations, holds and destruction lists.
	lezers = []string{dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor, dossier.RolSysteem}
	// uitlegLezers may read one zaak's explanation: those who may read its dossier.
	uitlegLezers = []string{dossier.RolOrganisatie, dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor, dossier.RolSysteem}
)
