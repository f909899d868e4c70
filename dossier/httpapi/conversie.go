package httpapi

import (
	"errors"
	"io"
	"net/http"

	"zaakarchief/dossier"
	"zaakarchief/server"
)

// conversieRoute is POST .../documenten/{id}/conversies: a records manager's new version of a
// document in a closed zaak, converted to an archival format.
func conversieRoute(svc *dossier.Service) server.Route {
	rt := server.NewRoute("POST /api/v1/zaken/{identificatie}/documenten/{id}/conversies",
		server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
			return conversie(w, r, a, svc)
		}))
	rt.Accept = []string{"multipart/form-data"}
	return rt
}

// conversie reads a multipart body: first a part "conversie" (JSON), then a part "inhoud" (the
// converted file), streamed to the blob store.
func conversie(w http.ResponseWriter, r *http.Request, a dossier.Actor, svc *dossier.Service) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "de body moet multipart/form-data zijn met de delen conversie en inhoud: " + err.Error()}
	}
	var c *dossier.Conversie
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "onjuiste multipart body: " + err.Error()}
		}
		switch part.FormName() {
		case "conversie":
			if c != nil {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "conversie", Detail: "komt meer dan eens voor"}
			}
			c = new(dossier.Conversie)
			if err := server.DecodeJSON(part, c); err != nil {
				return err
			}
		case "inhoud":
			if c == nil {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "conversie", Detail: "het deel conversie moet voor het deel inhoud komen"}
			}
			doc, versie, err := svc.ConverteerDocument(r.Context(), a, r.PathValue("identificatie"), r.PathValue("id"), *c, part)
			if err != nil {
				return err
			}
			server.WriteJSON(w, http.StatusCreated, map[string]any{"document": doc, "versie": versie})
			return nil
		default:
			return &dossier.Fout{Kind: dossier.ErrInvalid, Field: part.FormName(), Detail: "is geen bekend deel (conversie, inhoud)"}
		}
	}
	if c == nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "conversie", Detail: "is verplicht"}
	}
	return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "inhoud", Detail: "is verplicht"}
}
