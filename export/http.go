package export

import (
	"mime"
	"net/http"

	"zaakarchief/dossier"
	"zaakarchief/server"
)

// Routes returns the export's route: GET /api/v1/zaken/{identificatie}/export streams the ZIP.
// The checks (role, clearance) and the audit entry come first, so that a refusal is a problem
// body; once the ZIP has started, a failure cuts the connection off instead, so that the client
// never takes a truncated file for a whole one.
func (e *Exporter) Routes() []server.Route {
	return []server.Route{
		server.NewRoute("GET /api/v1/zaken/{identificatie}/export", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
			job, err := e.Prepare(r.Context(), a, r.PathValue("identificatie"))
			if err != nil {
				return err
			}
			h := w.Header()
			h.Set("Content-Type", "application/zip")
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": job.Filename()}))
			h.Set("Cache-Control", "no-store")
			h.Set("X-Export-Id", job.ID())
			w.WriteHeader(http.StatusOK)
			if _, err := job.WriteTo(r.Context(), w); err != nil {
				e.log.ErrorContext(r.Context(), "export cut off", "zaak", job.Zaak(), "export", job.ID(), "err", err)
				panic(http.ErrAbortHandler)
			}
			return nil
		})),
	}
}
