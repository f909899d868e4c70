package dossier

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zaakarchief/dossier/sqldb"
)

func openTestDB(t *testing.T) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	return db
}

func appendN(t *testing.T, db *sqldb.DB, zaak string, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.Update(ctx, func(tx *sqldb.Tx) error {
			_, err := appendAudit(ctx, tx, zaak, Actor{Organisatie: "gemeente", Rol: RolOrganisatie, TokenID: "t1"}, 1,
				"test.actie", map[string]int{"i": i}, time.Date(2026, 1, 2, 3, 4, 5, i, time.UTC))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainVerifiesUntouched(t *testing.T) {
	db := openTestDB(t)
	appendN(t, db, "ZAAK-1", 5)
	appendN(t, db, "ZAAK-2", 3)
	appendN(t, db, "", 2)
	breaks, n, err := verifyAudit(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 || len(breaks) != 0 {
		t.Fatalf("got %d entries, breaks %v; want 10 entries and no breaks", n, breaks)
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		want   string
	}{
		{"changed details", `UPDATE audit SET details = '{"i":99}' WHERE zaak = 'ZAAK-1' AND volgnummer = 3`, "was changed"},
		{"changed actor", `UPDATE audit SET organisatie = 'omgevingsdienst' WHERE zaak = 'ZAAK-1' AND volgnummer = 2`, "was changed"},
		{"deleted middle entry", `DELETE FROM audit WHERE zaak = 'ZAAK-1' AND volgnummer = 3`, "missing or inserted"},
		{"rehashed entry without its successor", `UPDATE audit SET vorige_hash = 'x' WHERE zaak = 'ZAAK-1' AND volgnummer = 4`, "vorige hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			appendN(t, db, "ZAAK-1", 5)
			appendN(t, db, "ZAAK-2", 2)
			if _, err := db.W.Exec(tc.tamper); err != nil {
				t.Fatal(err)
			}
			breaks, _, err := verifyAudit(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			if len(breaks) == 0 {
				t.Fatal("tampering was not detected")
			}
			var all []string
			for _, b := range breaks {
				if b.Zaak != "ZAAK-1" {
					t.Errorf("break reported in untouched chain %q", b.Zaak)
				}
				all = append(all, b.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("breaks %q do not mention %q", all, tc.want)
			}
		})
	}
}

func TestAuditTrailIsInOrderPerZaak(t *testing.T) {
	db := openTestDB(t)
	appendN(t, db, "ZAAK-1", 3)
	appendN(t, db, "ZAAK-2", 1)
	appendN(t, db, "ZAAK-1", 2)
	var trail []AuditEntry
	err := db.View(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		trail, err = auditTrail(context.Background(), tx, "ZAAK-1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 5 {
		t.Fatalf("got %d entries, want 5", len(trail))
	}
	for i, e := range trail {
		if e.Volgnummer != int64(i+1) {
			t.Errorf("entry %d has volgnummer %d", i, e.Volgnummer)
		}
		if i > 0 && e.VorigeHash != trail[i-1].Hash {
			t.Errorf("entry %d does not link to entry %d", i+1, i)
		}
	}
}
