package httpapi

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"zaakarchief/dossier"
)

// OpenAPI is the OpenAPI 3 description of the API, served at GET /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Dossier registers the capture API of svc on s.
func (s *Server) Dossier(svc *dossier.Service) {
	s.Handle("GET /api/v1/afspraak", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		WriteJSON(w, http.StatusOK, svc.Afspraak())
		return nil
	})
	s.handlePublic("GET /api/v1/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(OpenAPI)
	})
	s.Handle("POST /api/v1/zaken", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var n dossier.NieuweZaak
		if err := DecodeJSON(r.Body, &n); err != nil {
			return err
		}
		z, err := svc.CreateZaak(r.Context(), a, n)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/zaken/"+z.Identificatie)
		WriteJSON(w, http.StatusCreated, z)
		return nil
	})
	s.Handle("GET /api/v1/zaken", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		q := r.URL.Query()
		zq := dossier.ZakenQuery{Zaaktype: q.Get("zaaktype"), Fase: q.Get("fase"), Organisatie: q.Get("organisatie")}
		for _, p := range []struct {
			name string
			dst  *int
		}{{"page", &zq.Page}, {"pageSize", &zq.PageSize}} {
			if v := q.Get(p.name); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return &dossier.Fout{Kind: dossier.ErrInvalid, Field: p.name, Detail: fmt.Sprintf("%q is not a positive whole number", v)}
				}
				*p.dst = n
			}
		}
		page, err := svc.ListZaken(r.Context(), a, zq)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, page)
		return nil
	})
	s.Handle("GET /api/v1/zaken/{identificatie}", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		d, err := svc.Dossier(r.Context(), a, r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, NewDossierView(svc.Afspraak(), d))
		return nil
	})
	s.Handle("GET /api/v1/zaken/{identificatie}/status", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		o, err := svc.ZaakStatus(r.Context(), a, r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, o)
		return nil
	})
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/statussen", svc.SetStatus)
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/besluiten", svc.AddBesluit)
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/eigenschappen", svc.SetEigenschap)
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/resultaat", svc.SetResultaat)
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/rollen", svc.AddRol)
	captureJSON(s, "POST /api/v1/zaken/{identificatie}/contactmomenten", svc.AddContactmoment)
	s.Handle("POST /api/v1/zaken/{identificatie}/documenten", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		return s.upload(w, r, a, svc)
	})
	s.Handle("GET /api/v1/zaken/{identificatie}/documenten/{id}/inhoud", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		doc, rc, err := svc.OpenDocument(r.Context(), a, r.PathValue("identificatie"), r.PathValue("id"))
		if err != nil {
			return err
		}
		defer rc.Close()
		sum, err := hex.DecodeString(doc.SHA256)
		if err != nil {
			return fmt.Errorf("document %s: stored checksum: %w", doc.ID, err)
		}
		h := w.Header()
		h.Set("Content-Type", doc.Formaat)
		h.Set("Content-Length", strconv.FormatInt(doc.Bestandsomvang, 10))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Bestandsnaam}))
		h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
		h.Set("X-Checksum-Sha256", doc.SHA256)
		h.Set("ETag", `"`+doc.SHA256+`"`)
		w.WriteHeader(http.StatusOK)
		if _, err := io.Copy(w, rc); err != nil {
			s.log.WarnContext(r.Context(), "document download cut off", "zaak", r.PathValue("identificatie"), "document", doc.ID, "err", err)
		}
		return nil
	})
}

// captureJSON registers a POST that decodes a JSON body of type T and calls fn.
func captureJSON[T any, R any](s *Server, pattern string, fn func(ctx context.Context, a dossier.Actor, zaak string, n T) (*R, error)) {
	s.Handle(pattern, func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var n T
		if err := DecodeJSON(r.Body, &n); err != nil {
			return err
		}
		out, err := fn(r.Context(), a, r.PathValue("identificatie"), n)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusCreated, out)
		return nil
	})
}

// upload reads a multipart body: first a part "metadata" (JSON), then a part "inhoud" (the
// file), streamed to the blob store without holding it in memory.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, a dossier.Actor, svc *dossier.Service) error {
	mr, err := uploadReader(r)
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body must be multipart/form-data with parts metadata and inhoud: " + err.Error()}
	}
	var meta *dossier.DocumentMetadata
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "malformed multipart body: " + err.Error()}
		}
		switch part.FormName() {
		case "metadata":
			meta = new(dossier.DocumentMetadata)
			if err := DecodeJSON(part, meta); err != nil {
				return err
			}
		case "inhoud":
			if meta == nil {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "metadata", Detail: "the part metadata must come before the part inhoud"}
			}
			doc, err := svc.AddDocument(r.Context(), a, r.PathValue("identificatie"), *meta, part)
			if err != nil {
				return err
			}
			WriteJSON(w, http.StatusCreated, doc)
			return nil
		default:
			return &dossier.Fout{Kind: dossier.ErrInvalid, Field: part.FormName(), Detail: "is not a known part (metadata, inhoud)"}
		}
	}
	if meta == nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "metadata", Detail: "is required"}
	}
	return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "inhoud", Detail: "is required"}
}
