package zgw

import (
	"encoding/json"
	"fmt"
	"io"
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

// maxNotificatie limits a notification body.
const maxNotificatie = 64 << 10

func (c *Collector) handleNotificatie(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotificatie+1))
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body could not be read: " + err.Error()}
	}
	if len(body) > maxNotificatie {
		return &dossier.Fout{Kind: dossier.ErrTooLarge, Detail: fmt.Sprintf("a notification holds at most %d bytes", maxNotificatie)}
	}
	var n Notificatie
	if err := json.Unmarshal(body, &n); err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body is not a notification (kanaal, hoofdObject, resource, resourceUrl, actie, aanmaakdatum, kenmerken): " + err.Error()}
	}
	if err := c.Ontvang(r.Context(), a, n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
