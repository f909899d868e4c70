package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// rolesThatRead may read the archive's runs and packages.
var rolesThatRead = []string{dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor, dossier.RolSysteem}

// mayRead decides whether actor may read the archive's runs and packages.
func mayRead(actor dossier.Actor) error {
	if slices.Contains(rolesThatRead, actor.Rol) {
		return nil
	}
	return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("role %q may not read the archive (allowed: %v)", actor.Rol, rolesThatRead)}
}

// PakketInfo is the package of a zaak as the API shows it: where it is, its state, lock and
// legal hold, and its manifest.
type PakketInfo struct {
	Zaak               string            `json:"zaak"`
	Status             string            `json:"status"`
	Doel               string            `json:"doel"`
	Map                string            `json:"map"`
	Gepland            time.Time         `json:"gepland"`
	Voltooid           *time.Time        `json:"voltooid"`
	Retentie           *target.Retention `json:"retentie"`
	LegalHold          bool              `json:"legalHold"`
	LaatstGeverifieerd *time.Time        `json:"laatstGeverifieerd"`
	ManifestSHA256     string            `json:"manifestSha256"`
	Manifest           Manifest          `json:"manifest"`
	Fout               string            `json:"fout,omitempty"`
}

// Runs returns the most recent runs (at most limit, 20 when limit is not positive), newest
// first, to an actor of role recordmanager, archivaris, auditor or systeem.
func (a *Archiver) Runs(ctx context.Context, actor dossier.Actor, limit int) ([]RunInfo, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	return a.runs(ctx, limit)
}

// Pakket returns the package of a zaak with its manifest to an actor of role recordmanager,
// archivaris, auditor or systeem; dossier.ErrNotFound when the zaak has none.
func (a *Archiver) Pakket(ctx context.Context, actor dossier.Actor, zaak string) (*PakketInfo, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	if ok, err := a.dossier.ZaakZichtbaar(ctx, actor, zaak, "pakket"); err != nil {
		return nil, err
	} else if !ok {
		return nil, &dossier.Fout{Kind: dossier.ErrNotFound, Detail: fmt.Sprintf("zaak %s niet gevonden", zaak)}
	}
	var p *pakketRow
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		var err error
		p, err = loadPakket(ctx, tx, zaak)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: package of zaak %s: %w", zaak, err)
	}
	if p == nil {
		return nil, &dossier.Fout{Kind: dossier.ErrNotFound, Detail: fmt.Sprintf("zaak %s has no archive package", zaak)}
	}
	out := &PakketInfo{Zaak: p.Zaak, Status: p.Status, Doel: p.Doel, Map: p.Map, Gepland: p.Gepland, Voltooid: p.Voltooid,
		Retentie: p.Retentie, LegalHold: p.LegalHold, LaatstGeverifieerd: p.LaatstGeverifieerd, ManifestSHA256: p.ManifestSHA, Fout: p.Fout}
	for _, o := range p.Objecten {
		if o.Soort == soortManifest {
			if err := json.Unmarshal(o.Inhoud, &out.Manifest); err != nil {
				return nil, fmt.Errorf("archive: manifest of zaak %s in the journal: %w", zaak, err)
			}
		}
	}
	return out, nil
}
