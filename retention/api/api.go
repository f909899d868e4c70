// Package api serves retention over HTTP on the daemon's server: the explanation and override
// of a zaak's archival fields, holds, and destruction lists from proposal to the verklaring van
// vernietiging. It only decodes requests and encodes answers; every rule is package
// retention's, every status code comes from the problem mapping of package server.
package api

import (
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"zaakarchief/dossier"
	"zaakarchief/retention"
	"zaakarchief/server"
)

// API is retention over HTTP.
type API struct {
	svc *retention.Service
}

// New returns the API of svc.
func New(svc *retention.Service) *API {
	return &API{svc: svc}
}

// Routes returns the retention routes: the archival fields of a zaak and their override,
// holds, and the destruction lists with their steps and verklaring.
func (api *API) Routes() []server.Route {
	svc := api.svc
	var rs []server.Route
	handle := func(pattern string, h server.HandlerFunc) {
		rs = append(rs, server.NewRoute(pattern, h))
	}
	handle("GET /api/v1/zaken/{identificatie}/archief", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		u, err := svc.Explain(r.Context(), a, r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, u)
		return nil
	})
	handle("POST /api/v1/zaken/{identificatie}/archief/override", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var o retention.Overschrijving
		if err := server.DecodeJSON(r.Body, &o); err != nil {
			return err
		}
		out, err := svc.Override(r.Context(), a, r.PathValue("identificatie"), o)
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusCreated, out)
		return nil
	})

	handle("POST /api/v1/holds", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var n retention.NieuweHold
		if err := server.DecodeJSON(r.Body, &n); err != nil {
			return err
		}
		h, err := svc.AddHold(r.Context(), a, n)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/holds/"+h.ID)
		server.WriteJSON(w, http.StatusCreated, h)
		return nil
	})
	handle("GET /api/v1/holds", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		alle, err := boolParam(r, "alle")
		if err != nil {
			return err
		}
		hs, err := svc.Holds(r.Context(), a, alle)
		if err != nil {
			return err
		}
		if hs == nil {
			hs = []retention.Hold{}
		}
		server.WriteJSON(w, http.StatusOK, hs)
		return nil
	})
	handle("GET /api/v1/holds/{id}", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		h, err := svc.Hold(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, h)
		return nil
	})
	handle("POST /api/v1/holds/{id}/opheffen", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var body reden
		if err := server.DecodeJSON(r.Body, &body); err != nil {
			return err
		}
		h, err := svc.ReleaseHold(r.Context(), a, r.PathValue("id"), body.Reden)
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, h)
		return nil
	})

	const lijsten = "/api/v1/vernietigingslijsten"
	handle("POST "+lijsten, func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		v, err := svc.Propose(r.Context(), a)
		if err != nil {
			return err
		}
		if v.Lijst == nil {
			server.WriteJSON(w, http.StatusOK, v)
			return nil
		}
		w.Header().Set("Location", lijsten+"/"+v.Lijst.ID)
		server.WriteJSON(w, http.StatusCreated, v)
		return nil
	})
	handle("GET "+lijsten, func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		ls, err := svc.Lijsten(r.Context(), a)
		if err != nil {
			return err
		}
		if ls == nil {
			ls = []retention.Lijst{}
		}
		server.WriteJSON(w, http.StatusOK, ls)
		return nil
	})
	handle("GET "+lijsten+"/{id}", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		l, err := svc.Lijst(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, l)
		return nil
	})
	handle("GET "+lijsten+"/{id}/logboek", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		log, err := svc.Logboek(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, log)
		return nil
	})
	handle("POST "+lijsten+"/{id}/indienen", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		return answer(w)(svc.Submit(r.Context(), a, r.PathValue("id")))
	})
	handle("POST "+lijsten+"/{id}/beoordelingen", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var body struct {
			Beoordelingen []retention.Beoordeling `json:"beoordelingen"`
		}
		if err := server.DecodeJSON(r.Body, &body); err != nil {
			return err
		}
		return answer(w)(svc.Review(r.Context(), a, r.PathValue("id"), body.Beoordelingen))
	})
	handle("POST "+lijsten+"/{id}/items/{zaak}/beoordeling", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var b retention.Beoordeling
		if err := server.DecodeJSON(r.Body, &b); err != nil {
			return err
		}
		if b.Zaak != "" && b.Zaak != r.PathValue("zaak") {
			return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "zaak", Detail: "differs from the zaak in the path"}
		}
		b.Zaak = r.PathValue("zaak")
		return answer(w)(svc.Review(r.Context(), a, r.PathValue("id"), []retention.Beoordeling{b}))
	})
	handle("POST "+lijsten+"/{id}/items/{zaak}/afvoeren", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var body reden
		if err := server.DecodeJSON(r.Body, &body); err != nil {
			return err
		}
		return answer(w)(svc.RemoveItem(r.Context(), a, r.PathValue("id"), r.PathValue("zaak"), body.Reden))
	})
	handle("POST "+lijsten+"/{id}/goedkeuren", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		return answer(w)(svc.Approve(r.Context(), a, r.PathValue("id")))
	})
	handle("POST "+lijsten+"/{id}/annuleren", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var body reden
		if err := server.DecodeJSON(r.Body, &body); err != nil {
			return err
		}
		return answer(w)(svc.Cancel(r.Context(), a, r.PathValue("id"), body.Reden))
	})
	handle("POST "+lijsten+"/{id}/uitvoeren", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		u, err := svc.Execute(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, u)
		return nil
	})
	handle("GET "+lijsten+"/{id}/verklaring", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		v, err := svc.Verklaring(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Vary", "Accept")
		if wantsHTML(r.Header.Get("Accept")) {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Repr-Digest", "sha-256=:"+b64hex(v.SHA256HTML)+":")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(v.HTML)
			return nil
		}
		h.Set("Content-Type", "application/json")
		h.Set("Repr-Digest", "sha-256=:"+b64hex(v.SHA256JSON)+":")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(v.JSON)
		return nil
	})
	return rs
}

// reden is the body of the steps that only need a reason.
type reden struct {
	Reden string `json:"reden"`
}

// answer writes a list after a step.
func answer(w http.ResponseWriter) func(*retention.Lijst, error) error {
	return func(l *retention.Lijst, err error) error {
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, l)
		return nil
	}
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &dossier.Fout{Kind: dossier.ErrInvalid, Field: name, Detail: strconv.Quote(v) + " is not true or false"}
	}
	return b, nil
}

// wantsHTML reports whether an Accept header prefers text/html over application/json: the
// first of the two it names (by quality, then order) wins; JSON when it names neither.
func wantsHTML(accept string) bool {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt != "text/html" && mt != "application/json" {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = mt, q
		}
	}
	return best == "text/html"
}

// b64hex turns a hex digest into the base64 form of a Repr-Digest header.
func b64hex(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}
