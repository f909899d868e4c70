package zgw

import (
	"fmt"
	"net/http"
	"strconv"

	"zaakarchief/dossier"
	"zaakarchief/server"
)

// Routes returns the collector's routes on the daemon's HTTP server:
//
//   - POST /api/v1/notificaties: the webhook an organisation's Notificaties API delivers to
//     (abonnement on kanalen zaken, documenten, besluiten). Its abonnement's auth is
//     "Bearer za_...": a token of role organisatie of that organisation (zaakarchief token
//     create). The token decides which source the notification is about; a hoofdObject outside
//     that organisation's APIs is refused. It answers 204 at once; the zaak is synced after
//     the debounce time, once per burst.
//   - GET /api/v1/bronnen: the state of every source.
//   - GET /api/v1/bronnen/{organisatie}/meldingen: what of that source was not imported, why.
//
// Who may do what is decided by Ontvang, Status and Meldingen.
func (c *Collector) Routes() []server.Route {
	return []server.Route{
		server.NewRoute("POST /api/v1/notificaties", server.HandlerFunc(c.handleNotificatie)),
		server.NewRoute("GET /api/v1/bronnen", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
			st, err := c.Status(r.Context(), a)
			if err != nil {
				return err
			}
			server.WriteJSON(w, http.StatusOK, st)
			return nil
		})),
		server.NewRoute("GET /api/v1/bronnen/{organisatie}/meldingen", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
			limit := 500
			if v := r.URL.Query().Get("limit"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 5000 {
					return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "limit", Detail: fmt.Sprintf("%q is not a number from 1 to 5000", v)}
				}
				limit = n
			}
			ms, err := c.Meldingen(r.Context(), a, r.PathValue("organisatie"), limit)
			if err != nil {
				return err
			}
			server.WriteJSON(w, http.StatusOK, ms)
			return nil
		})),
	}
}

func (c *Collector) handleNotificatie(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
	if err := c.Ontvang(r.Context(), a, r.Body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
