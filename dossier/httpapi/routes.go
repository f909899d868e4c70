// Package httpapi serves the dossier over HTTP: the capture API under /api/v1 that the
// organisations use, the status for the KCC, the agreement in force and the OpenAPI document.
//
// It offers its handlers as Routes for the daemon's one HTTP server (package server), which
// authenticates the caller and writes errors as problem bodies. It holds no business rule:
// every decision is the dossier service's.
package httpapi

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"zaakarchief/dossier"
	"zaakarchief/server"
)

// OpenAPI is the OpenAPI 3 description of the API, served at GET /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// API is the dossier's capture API over HTTP.
type API struct {
	svc *dossier.Service
	log *slog.Logger
}

// New returns the API of svc; log receives the downloads that were cut off.
func New(svc *dossier.Service, log *slog.Logger) *API {
	return &API{svc: svc, log: log}
}

// Routes returns the dossier's routes: the agreement, the zaken and their parts, the download
// of a document, and the OpenAPI document (public).
func (api *API) Routes() []server.Route {
	svc := api.svc
	var rs []server.Route
	handle := func(pattern string, h server.HandlerFunc) {
		rs = append(rs, server.NewRoute(pattern, h))
	}
	handle("GET /api/v1/afspraak", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		server.WriteJSON(w, http.StatusOK, svc.Afspraak())
		return nil
	})
	rs = append(rs, server.Route{Method: http.MethodGet, Pattern: "/api/v1/openapi.yaml", Public: true,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(OpenAPI)
		})})
	handle("POST /api/v1/zaken", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var n dossier.NieuweZaak
		if err := server.DecodeJSON(r.Body, &n); err != nil {
			return err
		}
		z, err := svc.CreateZaak(r.Context(), a, n)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/zaken/"+z.Identificatie)
		server.WriteJSON(w, http.StatusCreated, z)
		return nil
	})
	handle("GET /api/v1/zaken", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
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
		server.WriteJSON(w, http.StatusOK, page)
		return nil
	})
	handle("GET /api/v1/zaken/{identificatie}", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		d, err := svc.Dossier(r.Context(), a, r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, NewDossierView(svc.Afspraak(), d))
		return nil
	})
	handle("GET /api/v1/zaken/{identificatie}/status", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		o, err := svc.ZaakStatus(r.Context(), a, r.PathValue("identificatie"))
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, o)
		return nil
	})
	rs = append(rs,
		captureJSON("POST /api/v1/zaken/{identificatie}/statussen", svc.SetStatus),
		captureJSON("POST /api/v1/zaken/{identificatie}/besluiten", svc.AddBesluit),
		captureJSON("POST /api/v1/zaken/{identificatie}/eigenschappen", svc.SetEigenschap),
		captureJSON("POST /api/v1/zaken/{identificatie}/resultaat", svc.SetResultaat),
		captureJSON("POST /api/v1/zaken/{identificatie}/rollen", svc.AddRol),
		captureJSON("POST /api/v1/zaken/{identificatie}/contactmomenten", svc.AddContactmoment),
	)
	handle("POST /api/v1/zaken/{identificatie}/documenten", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		return upload(w, r, a, svc)
	})
	rs[len(rs)-1].Accept = []string{"multipart/form-data"}
	handle("GET /api/v1/zaken/{identificatie}/documenten/{id}/inhoud", func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
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
			api.log.WarnContext(r.Context(), "document download cut off", "zaak", r.PathValue("identificatie"), "document", doc.ID, "err", err)
		}
		return nil
	})
	return rs
}

// captureJSON is a POST that decodes a JSON body of type T and calls fn.
func captureJSON[T any, R any](pattern string, fn func(ctx context.Context, a dossier.Actor, zaak string, n T) (*R, error)) server.Route {
	return server.NewRoute(pattern, server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		var n T
		if err := server.DecodeJSON(r.Body, &n); err != nil {
			return err
		}
		out, err := fn(r.Context(), a, r.PathValue("identificatie"), n)
		if err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusCreated, out)
		return nil
	}))
}

// upload reads a multipart body: first a part "metadata" (JSON), then a part "inhoud" (the
// file), streamed to the blob store without holding it in memory.
func upload(w http.ResponseWriter, r *http.Request, a dossier.Actor, svc *dossier.Service) error {
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
			if meta != nil {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "metadata", Detail: "appears more than once; send one metadata part"}
			}
			meta = new(dossier.DocumentMetadata)
			if err := server.DecodeJSON(part, meta); err != nil {
				return err
			}
		case "inhoud":
			if meta == nil {
				return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "metadata", Detail: "the part metadata must come before the part inhoud"}
			}
			body := &partReader{r: part}
			doc, err := svc.AddDocument(r.Context(), a, r.PathValue("identificatie"), *meta, body)
			if err != nil {
				if body.err != nil && !errors.As(err, new(*http.MaxBytesError)) {
					return &dossier.Fout{Kind: dossier.ErrInvalid, Field: "inhoud", Detail: "the upload ended before its end: " + body.err.Error()}
				}
				return err
			}
			server.WriteJSON(w, http.StatusCreated, doc)
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

// partReader remembers the error reading the upload's content ran into, so that a body cut
// off by the client is told from a failure of the server.
type partReader struct {
	r   io.Reader
	err error
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		p.err = err
	}
	return n, err
}
