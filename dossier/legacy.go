package dossier

import (
	"context"
	"time"

	"zaakarchief/dossier/sqldb"
)

// The transaction-level functions below remain only while their last callers outside the
// package move to Inzien and Wijzig; they go when the boundary test passes without them.

// GetZaak reads one zaak inside tx. Deprecated: use Inzage.Zaak.
func GetZaak(ctx context.Context, tx *sqldb.Tx, id string) (*Zaak, error) {
	return getZaak(ctx, tx, id)
}

// UpdateZaak writes the mutable fields of a zaak. Deprecated: use Wijziging.WijzigArchief.
func UpdateZaak(ctx context.Context, tx *sqldb.Tx, z *Zaak) error { return updateZaak(ctx, tx, z) }

// LoadDossier reads a dossier inside tx. Deprecated: use Inzage.Dossier.
func LoadDossier(ctx context.Context, tx *sqldb.Tx, id string) (*Dossier, error) {
	return loadDossier(ctx, tx, id)
}

// ListZaken lists zaken inside tx. Deprecated: use Inzage.Zaken.
func ListZaken(ctx context.Context, tx *sqldb.Tx, f ZaakFilter) ([]Zaak, error) {
	return listZaken(ctx, tx, f)
}

// ZakenTeArchiveren lists zaken inside tx. Deprecated: use Inzage.ZakenTeArchiveren.
func ZakenTeArchiveren(ctx context.Context, tx *sqldb.Tx) ([]string, error) {
	return zakenTeArchiveren(ctx, tx)
}

// AppendAudit appends an audit entry inside tx. Deprecated: use Wijziging.Audit.
func AppendAudit(ctx context.Context, tx *sqldb.Tx, zaak string, actor Actor, fase int, actie string, details any, now time.Time) (*AuditEntry, error) {
	return appendAudit(ctx, tx, zaak, actor, fase, actie, details, now)
}

// AuditTrail reads a chain inside tx. Deprecated: use Inzage.AuditTrail.
func AuditTrail(ctx context.Context, tx *sqldb.Tx, zaak string) ([]AuditEntry, error) {
	return auditTrail(ctx, tx, zaak)
}

// SetArchiefstatus sets the archiefstatus inside tx. Deprecated: use Wijziging.SetArchiefstatus.
func SetArchiefstatus(ctx context.Context, tx *sqldb.Tx, zaak, status string, actor Actor, details any, now time.Time) error {
	return setArchiefstatus(ctx, tx, zaak, status, actor, details, now)
}

// DestroyZaak destroys a zaak inside tx. Deprecated: use Wijziging.Vernietig.
func DestroyZaak(ctx context.Context, tx *sqldb.Tx, zaak string, now time.Time) (int, error) {
	return destroyZaak(ctx, tx, zaak, now)
}

// PurgeBlobs deletes queued content. Deprecated: use Service.PurgeBlobs.
func PurgeBlobs(ctx context.Context, db *sqldb.DB, blobs BlobStore) (int, error) {
	return purgeBlobs(ctx, db, blobs)
}

// VerifyAudit verifies every chain. Deprecated: use Service.VerifyAudit.
func VerifyAudit(ctx context.Context, db *sqldb.DB) ([]ChainBreak, int, error) {
	return verifyAudit(ctx, db)
}
