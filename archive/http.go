package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
)

// rolesThatRead may read the archive's runs and packages.
var rolesThatRead = []string{dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor}

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

// RunsPage is the list of recent runs.
type RunsPage struct {
	Results []RunInfo `json:"results"`
}

// Pakket returns the package of a zaak with its manifest; dossier.ErrNotFound when the zaak has
// none.
func (a *Archiver) Pakket(ctx context.Context, zaak string) (*PakketInfo, error) {
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

// Routes registers the archive's API on s: GET /api/v1/archief/runs (recent runs with their
// counts; ?limit=N, at most 200) and GET /api/v1/zaken/{identificatie}/pakket (the package and
// its manifest), for the roles recordmanager, archivaris and auditor.
func (a *Archiver) Routes(s *httpapi.Server) {
	s.Handle("GET /api/v1/archief/runs", func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error {
		if err := mayRead(actor); err != nil {
			return err
		}
		limit := 20
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 200 {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "limit", Detail: fmt.Sprintf("%q is not a whole number from 1 to 200", v)}
			}
			limit = n
		}
		runs, err := a.Runs(r.Context(), limit)
		if err != nil {
			return err
		}
		if runs == nil {
			runs = []RunInfo{}
		}
		httpapi.WriteJSON(w, http.StatusOK, RunsPage{Results: runs})
		return nil
	})
	s.Handle("GET /api/v1/zaken/{identificatie}/pakket", func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error {
		if err := mayRead(actor); err != nil {
			return err
		}
		p, err := a.Pakket(r.Context(), r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, p)
		return nil
	})
}

func mayRead(actor dossier.Actor) error {
	if slices.Contains(rolesThatRead, actor.Rol) {
		return nil
	}
	return &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("role %q may not read the archive (allowed: %v)", actor.Rol, rolesThatRead)}
}
