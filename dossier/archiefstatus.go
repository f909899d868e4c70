package dossier

import (
	"context"
	"fmt"
	"time"

	"zaakarchief/dossier/sqldb"
)

// setArchiefstatus records that a zaak was archived (gearchiveerd,
// gearchiveerd_procestermijn_onbekend) or transferred (overgedragen), inside tx, with the rules
// of the ZGW Zaken API: every document of the zaak becomes gearchiveerd, and archiefnominatie
// must be set; archiefactiedatum too, except for gearchiveerd_procestermijn_onbekend. After
// this the dossier refuses further changes to the zaak's parts. The change is audited in the
// zaak's chain as actor.
func setArchiefstatus(ctx context.Context, tx *sqldb.Tx, zaak, status string, actor Actor, details any, now time.Time) error {
	switch status {
	case ArchiefstatusGearchiveerd, ArchiefstatusProcestermijnOnb, ArchiefstatusOvergedragen, ArchiefstatusNogTeArchiveren:
	default:
		return invalid("archiefstatus", "%q is not an archiefstatus", status)
	}
	z, err := getZaak(ctx, tx, zaak)
	if err != nil {
		return err
	}
	if status != ArchiefstatusNogTeArchiveren {
		if z.Einddatum == nil {
			return conflict("archiefstatus", "zaak %s is not closed: it cannot be archived", zaak)
		}
		if z.Archief.Archiefnominatie == "" {
			return conflict("archiefstatus", "zaak %s has no archiefnominatie: it cannot be archived", zaak)
		}
		if status != ArchiefstatusProcestermijnOnb && z.Archief.Archiefactiedatum == nil {
			return conflict("archiefstatus", "zaak %s has no archiefactiedatum: use %s", zaak, ArchiefstatusProcestermijnOnb)
		}
		if _, err := tx.Exec(ctx, `UPDATE documenten SET status = ? WHERE zaak = ?`, DocumentstatusGearchiveerd, zaak); err != nil {
			return fmt.Errorf("archive documents of %s: %w", zaak, err)
		}
	}
	van := z.Archief.Archiefstatus
	z.Archief.Archiefstatus = status
	z.Gewijzigd = now
	if err := updateZaak(ctx, tx, z); err != nil {
		return err
	}
	_, err = appendAudit(ctx, tx, zaak, actor, z.Fase, "archiefstatus.gezet", map[string]any{"van": van, "naar": status, "details": details}, now)
	return err
}
