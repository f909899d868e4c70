package export

import (
	"context"
	"fmt"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// zakenVanLijst lists the zaken on a destruction list, whatever became of them: those still
// there export in full, destroyed ones as their minimal record.
func (e *Exporter) zakenVanLijst(ctx context.Context, lijst string) ([]batchZaak, error) {
	var out []batchZaak
	err := e.svc.Inzien(ctx, func(_ *dossier.Inzage, tx *sqldb.Tx) error {
		items, err := retention.LijstZaken(ctx, tx, lijst)
		if err != nil {
			return err
		}
		for _, it := range items {
			out = append(out, batchZaak{id: it.Zaak, omschrijving: it.Omschrijving, zaaktype: it.Zaaktype,
				start: it.Startdatum.String(), eind: it.Einddatum.String()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: zaken of vernietigingslijst %s: %w", lijst, err)
	}
	return out, nil
}
