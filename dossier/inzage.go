package dossier

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"zaakarchief/dossier/sqldb"
)

// Inzage reads dossiers inside one transaction: every read sees the same snapshot. Other
// packages get one from Service.Inzien (or, embedded in a Wijziging, from Service.Wijzig) and
// ask it for the zaken they need instead of reading the dossier's tables.
type Inzage struct {
	tx *sqldb.Tx
}

// Zaak reads one zaak; ErrNotFound when it does not exist.
func (in *Inzage) Zaak(ctx context.Context, id string) (*Zaak, error) { return getZaak(ctx, in.tx, id) }

// Dossier reads a zaak with everything recorded on it; ErrNotFound when it does not exist.
func (in *Inzage) Dossier(ctx context.Context, id string) (*Dossier, error) {
	return loadDossier(ctx, in.tx, id)
}

// Fase returns the phase a zaak is in for an audit entry; 0 when the zaak does not exist (any
// more).
func (in *Inzage) Fase(ctx context.Context, zaak string) int {
	var fase int
	if err := in.tx.QueryRow(ctx, `SELECT fase FROM zaken WHERE identificatie = ?`, zaak).Scan(&fase); err != nil {
		return 0
	}
	return fase
}

// Zaken returns the zaken that match f, ordered by identificatie.
func (in *Inzage) Zaken(ctx context.Context, f ZaakFilter) ([]Zaak, error) {
	return listZaken(ctx, in.tx, f)
}

// Count counts the zaken that match f.
func (in *Inzage) Count(ctx context.Context, f ZaakFilter) (int, error) {
	return countZaken(ctx, in.tx, f)
}

// Doorloop streams the zaken that match f, ordered by identificatie, each with the
// resultaattype of its resultaat ("" when it has none), to fn; an error of fn stops it. fn may
// write the caller's own tables through the transaction's tx meanwhile.
func (in *Inzage) Doorloop(ctx context.Context, f ZaakFilter, fn func(z *Zaak, resultaattype string) error) error {
	return eachZaak(ctx, in.tx, f, fn)
}

// AuditTrail returns the chain of one zaak in order.
func (in *Inzage) AuditTrail(ctx context.Context, zaak string) ([]AuditEntry, error) {
	return auditTrail(ctx, in.tx, zaak)
}

// ZakenTeArchiveren lists the zaken ready for the archive, by identificatie: closed, with an
// archiefnominatie, and archiefstatus nog_te_archiveren.
func (in *Inzage) ZakenTeArchiveren(ctx context.Context) ([]string, error) {
	return zakenTeArchiveren(ctx, in.tx)
}

// DocumentenMetInhoud counts the documents and earlier document versions, in any zaak, that
// hold the content with this SHA-256.
func (in *Inzage) DocumentenMetInhoud(ctx context.Context, sha string) (int, error) {
	return countDocumentsWithContent(ctx, in.tx, sha)
}

// InhoudInWachtrij counts the contents of destroyed zaken queued for deletion from the blob
// store (Service.PurgeBlobs empties the queue).
func (in *Inzage) InhoudInWachtrij(ctx context.Context) (int, error) {
	var n int
	if err := in.tx.QueryRow(ctx, `SELECT COUNT(*) FROM te_verwijderen_blobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count queued content: %w", err)
	}
	return n, nil
}

// Wijziging changes dossiers inside one write transaction. Its methods say what changes, take
// the Actor on whose behalf, write their own audit entry and keep the dossier's rules (an
// archived zaak's parts no longer change). It embeds an Inzage over the same transaction.
type Wijziging struct {
	Inzage
	nu time.Time
}

// Nu is the time the change is recorded at (audit entries, gewijzigd).
func (w *Wijziging) Nu() time.Time { return w.nu }

// Audit appends an entry to the chain of zaak ("" for events without a zaak) as actor in phase
// fase.
func (w *Wijziging) Audit(ctx context.Context, zaak string, actor Actor, fase int, actie string, details any) (*AuditEntry, error) {
	return appendAudit(ctx, w.tx, zaak, actor, fase, actie, details, w.nu)
}

// AuditInFase appends an entry to the chain of zaak in the phase the zaak is in now (0 when the
// zaak no longer exists: its chain outlives it).
func (w *Wijziging) AuditInFase(ctx context.Context, zaak string, actor Actor, actie string, details any) (*AuditEntry, error) {
	return appendAudit(ctx, w.tx, zaak, actor, huidigeFase, actie, details, w.nu)
}

// AuditElk appends the same entry to the chain of each of zaken, in the phase each zaak is in
// now (0 for a zaak that no longer exists), in the order given: one event that concerns many
// zaken, such as a destruction list handed in.
func (w *Wijziging) AuditElk(ctx context.Context, zaken []string, actor Actor, actie string, details any) error {
	raw, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", actie, err)
	}
	for _, zaak := range zaken {
		if _, err := appendAuditRaw(ctx, w.tx, zaak, actor, huidigeFase, actie, raw, w.nu); err != nil {
			return err
		}
	}
	return nil
}

// SetArchiefstatus records that a zaak was archived (gearchiveerd,
// gearchiveerd_procestermijn_onbekend) or transferred (overgedragen), with the rules of the ZGW
// Zaken API (see setArchiefstatus), audited in the zaak's chain as actor.
func (w *Wijziging) SetArchiefstatus(ctx context.Context, zaak, status string, actor Actor, details any) error {
	return setArchiefstatus(ctx, w.tx, zaak, status, actor, details, w.nu)
}

// WijzigArchief gives a closed zaak new archival fields (an override by the recordmanager, a
// review on a destruction list, the transfer date the archive sets) and audits it in the
// zaak's chain as actor with actie and details. A transferred zaak no longer changes; a zaak
// that is not closed has its archival fields derived when it closes.
func (w *Wijziging) WijzigArchief(ctx context.Context, zaak string, naar Archief, actor Actor, actie string, details any) (*Zaak, error) {
	z, err := getZaak(ctx, w.tx, zaak)
	if err != nil {
		return nil, err
	}
	if z.Einddatum == nil {
		return nil, conflict("zaak niet afgesloten", "zaak %s is not closed: its archival fields are derived when it closes", zaak)
	}
	if z.Archief.Archiefstatus == ArchiefstatusOvergedragen {
		return nil, conflict("zaak overgedragen", "zaak %s was transferred: its archival fields no longer change", zaak)
	}
	if naar.Archiefstatus != z.Archief.Archiefstatus {
		return nil, invalid("archiefstatus", "changes only through SetArchiefstatus")
	}
	z.Archief = naar
	z.Gewijzigd = w.nu
	if err := updateZaak(ctx, w.tx, z); err != nil {
		return nil, err
	}
	if actie != "" {
		if _, err := w.Audit(ctx, zaak, actor, z.Fase, actie, details); err != nil {
			return nil, err
		}
	}
	return z, nil
}

// Vernietig removes a zaak and everything recorded on it, except its audit trail, and audits
// it in the zaak's chain as actor ("zaak.vernietigd", details with the number of documents
// added as "documenten"). Content that no other zaak holds is queued; Service.PurgeBlobs
// deletes it after the transaction commits. It returns how many documents went. A zaak that
// was transferred (overgedragen) is no longer the organisation's to destroy.
func (w *Wijziging) Vernietig(ctx context.Context, zaak string, actor Actor, details map[string]any) (int, error) {
	z, err := getZaak(ctx, w.tx, zaak)
	if err != nil {
		return 0, err
	}
	if z.Archief.Archiefstatus == ArchiefstatusOvergedragen {
		return 0, conflict("zaak overgedragen", "zaak %s was transferred: it is no longer destroyed here", zaak)
	}
	docs, err := destroyZaak(ctx, w.tx, zaak, w.nu)
	if err != nil {
		return 0, err
	}
	d := make(map[string]any, len(details)+1)
	for k, v := range details {
		d[k] = v
	}
	d["documenten"] = docs
	if _, err := w.Audit(ctx, zaak, actor, z.Fase, "zaak.vernietigd", d); err != nil {
		return 0, err
	}
	return docs, nil
}

// Inzien runs fn with one read snapshot of the dossiers. tx is the same snapshot, for the
// caller's own tables; the dossier's tables are read through in.
func (s *Service) Inzien(ctx context.Context, fn func(in *Inzage, tx *sqldb.Tx) error) error {
	return s.db.View(ctx, func(tx *sqldb.Tx) error { return fn(&Inzage{tx: tx}, tx) })
}

// Wijzig runs fn in one write transaction (writers queue, so audit numbering stays right under
// concurrent writers) and commits it when fn returns nil. Changes are recorded at the service's
// clock's time; tx is the same transaction, for the caller's own tables.
func (s *Service) Wijzig(ctx context.Context, fn func(w *Wijziging, tx *sqldb.Tx) error) error {
	return s.WijzigOp(ctx, s.now(), fn)
}

// WijzigOp is Wijzig for a caller with a clock of its own: the changes are recorded at nu.
func (s *Service) WijzigOp(ctx context.Context, nu time.Time, fn func(w *Wijziging, tx *sqldb.Tx) error) error {
	return s.db.Update(ctx, func(tx *sqldb.Tx) error { return fn(&Wijziging{Inzage: Inzage{tx: tx}, nu: nu}, tx) })
}

// PurgeBlobs deletes queued content of destroyed zaken from the blob store, unless a document
// took the same bytes again meanwhile. It returns how many blobs it deleted.
func (s *Service) PurgeBlobs(ctx context.Context) (int, error) {
	return purgeBlobs(ctx, s.db, s.blobs)
}

// VerifyAudit walks every chain of the audit trail and returns what does not hold, and how
// many entries it checked.
func (s *Service) VerifyAudit(ctx context.Context) ([]ChainBreak, int, error) {
	return verifyAudit(ctx, s.db)
}

// AuditTrail returns the chain of one zaak in order, also of a zaak that was destroyed.
func (s *Service) AuditTrail(ctx context.Context, actor Actor, zaak string) ([]AuditEntry, error) {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		return nil, err
	}
	if actor.Rol != RolSysteem && actor.Rol != RolAuditor && actor.Rol != RolRecordmanager && actor.Rol != RolArchivaris {
		if err := s.MagZaakInzien(ctx, actor, zaak, "audittrail"); err != nil {
			return nil, err
		}
	}
	var out []AuditEntry
	err := s.Inzien(ctx, func(in *Inzage, _ *sqldb.Tx) error {
		var err error
		out, err = in.AuditTrail(ctx, zaak)
		return err
	})
	return out, err
}

// OpenInhoud returns document content by its SHA-256, for the packages that copy it into an
// archive package or an export; errors.Is(err, os.ErrNotExist) when it is not there.
func (s *Service) OpenInhoud(ctx context.Context, sha string) (io.ReadCloser, error) {
	return s.blobs.Open(ctx, sha)
}
