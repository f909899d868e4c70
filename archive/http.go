package archive

import (
	"fmt"
	"net/http"
	"strconv"

	"zaakarchief/dossier"
	"zaakarchief/server"
)

// RunsPage is the list of recent runs.
type RunsPage struct {
	Results []RunInfo `json:"results"`
}

// Routes returns the archive's API: GET /api/v1/archief/runs (recent runs with their counts;
// ?limit=N, at most 200) and GET /api/v1/zaken/{identificatie}/pakket (the package and its
// manifest). Who may read them is decided by Runs and Pakket.
func (a *Archiver) Routes() []server.Route {
	return []server.Route{
		server.NewRoute("GET /api/v1/archief/runs", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error {
			limit := 20
			if v := r.URL.Query().Get("limit"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 200 {
					return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "limit", Detail: fmt.Sprintf("%q is not a whole number from 1 to 200", v)}
				}
				limit = n
			}
			runs, err := a.Runs(r.Context(), actor, limit)
			if err != nil {
				return err
			}
			if runs == nil {
				runs = []RunInfo{}
			}
			server.WriteJSON(w, http.StatusOK, RunsPage{Results: runs})
			return nil
		})),
		server.NewRoute("GET /api/v1/zaken/{identificatie}/pakket", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error {
			p, err := a.Pakket(r.Context(), actor, r.PathValue("identificatie"))
			if err != nil {
				return err
			}
			server.WriteJSON(w, http.StatusOK, p)
			return nil
		})),
	}
}
