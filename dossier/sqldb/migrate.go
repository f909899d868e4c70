package sqldb

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrate applies, in order and each in its own transaction, the numbered SQL files
// (`0001_name.sql`, `0002_...`) in fsys that the component has not applied yet. Each package
// that owns tables calls it with its own component name and embedded files. A file may hold
// several statements separated by `;` at the end of a line.
func (db *DB) Migrate(ctx context.Context, component string, fsys fs.FS) error {
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migraties (
		component TEXT NOT NULL, versie INTEGER NOT NULL, naam TEXT NOT NULL, toegepast TEXT NOT NULL,
		PRIMARY KEY (component, versie))`); err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	sort.Strings(names)
	seen := map[int]string{}
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		if versie, err := strconv.Atoi(num); err == nil {
			if other, dup := seen[versie]; dup {
				return fmt.Errorf("migrate %s: %s and %s have the same version %d: one of them would never run", component, other, name, versie)
			}
			seen[versie] = name
		}
	}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		versie, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("migrate %s: file %s is not named NNNN_name.sql", component, name)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", component, err)
		}
		err = db.Update(ctx, func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migraties WHERE component = ? AND versie = ?`, component, versie).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(string(body)) {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migraties (component, versie, naam, toegepast) VALUES (?, ?, ?, ?)`,
				component, versie, name, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", component, err)
		}
	}
	return nil
}

// splitStatements splits a migration on semicolons that end a line; comments are kept with
// their statement, empty statements dropped.
func splitStatements(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if st := strings.TrimSpace(cur.String()); st != ";" && st != "" {
				out = append(out, st)
			}
			cur.Reset()
		}
	}
	if st := strings.TrimSpace(cur.String()); st != "" && !onlyComments(st) {
		out = append(out, st)
	}
	return out
}

func onlyComments(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}
