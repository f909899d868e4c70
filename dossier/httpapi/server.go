// Package httpapi serves the dossier over HTTP: the capture API under /api/v1 that the
// organisations use, the status for the KCC, the agreement in force, health and metrics.
//
// It owns the mapping of errors to RFC 9457 problem bodies and of bearer tokens to actors, in one
// place; other packages (retention, archive, export) register their own routes on the same
// Server with Handle. It holds no business rule: every decision is the dossier service's.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zaakarchief/dossier"
)

// HandlerFunc handles an authenticated request for actor and returns an error to be written as
// a problem body.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error

// Authenticator turns a bearer token into an actor (the dossier service implements it).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (dossier.Actor, error)
}

// Server is the HTTP handler of the daemon.
type Server struct {
	auth     Authenticator
	mux      *http.ServeMux
	routes   []string
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refused  *prometheus.CounterVec
}

// NewServer builds a Server that authenticates with auth and registers its metrics on reg.
// It serves GET /healthz and GET /metrics without a token.
func NewServer(auth Authenticator, reg *prometheus.Registry, log *slog.Logger) *Server {
	s := &Server{auth: auth, mux: http.NewServeMux(), log: log}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zaakarchief_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "zaakarchief_http_request_duration_seconds", Help: "HTTP request duration by route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	s.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zaakarchief_refusals_total", Help: "Requests refused by the agreement (403) or the zaak's state (409), by route.",
	}, []string{"route", "code"})
	reg.MustRegister(s.requests, s.duration, s.refused)
	s.handlePublic("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.handlePublic("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP)
	return s
}

// Routes returns the patterns of every registered route ("METHOD /path/{param}"), sorted.
func (s *Server) Routes() []string {
	out := append([]string(nil), s.routes...)
	sort.Strings(out)
	return out
}

func (s *Server) handlePublic(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.instrument(pattern, h))
}

// Handle registers an authenticated route, e.g. Handle("GET /api/v1/zaken/{id}", h).
func (s *Server) Handle(pattern string, h HandlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.instrument(pattern, func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			token, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
		}
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="zaakarchief"`)
			s.WriteError(w, r, &dossier.Fout{Kind: dossier.ErrUnauthorized, Detail: "a bearer token is required (Authorization: Bearer ...)"})
			return
		}
		actor, err := s.auth.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="zaakarchief", error="invalid_token"`)
			s.WriteError(w, r, err)
			return
		}
		if err := h(w, r, actor); err != nil {
			s.WriteError(w, r, err)
		}
	}))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) instrument(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h(sw, r)
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		s.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
		s.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		if code == http.StatusForbidden || code == http.StatusConflict {
			s.refused.WithLabelValues(route, strconv.Itoa(code)).Inc()
		}
	})
}

// Problem is an RFC 9457 problem body; Regel names the rule of the agreement that decided and
// InvalidParams the fields at fault, as the ZGW APIs do.
type Problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail,omitempty"`
	Instance      string         `json:"instance,omitempty"`
	Regel         string         `json:"regel,omitempty"`
	InvalidParams []InvalidParam `json:"invalidParams,omitempty"`
}

// InvalidParam names one field at fault.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

var problemKinds = []struct {
	err    error
	status int
	slug   string
	title  string
}{
	{dossier.ErrUnauthorized, http.StatusUnauthorized, "niet-geauthenticeerd", "Authentication required"},
	{dossier.ErrRefused, http.StatusForbidden, "geweigerd-door-afspraak", "Refused by the cooperation agreement"},
	{dossier.ErrForbidden, http.StatusForbidden, "rol-niet-toegestaan", "Not allowed for this role"},
	{dossier.ErrNotFound, http.StatusNotFound, "niet-gevonden", "Not found"},
	{dossier.ErrConflict, http.StatusConflict, "conflict", "Conflicts with the state of the zaak"},
	{dossier.ErrTooLarge, http.StatusRequestEntityTooLarge, "te-groot", "Upload too large"},
	{dossier.ErrInvalid, http.StatusBadRequest, "ongeldige-invoer", "Invalid input"},
	{os.ErrNotExist, http.StatusNotFound, "niet-gevonden", "Not found"},
}

// ProblemFor maps an error to its problem body: the one place where errors become status codes.
func ProblemFor(err error) Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return Problem{Type: "urn:zaakarchief:problem:te-groot", Title: "Upload too large", Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}
	}
	for _, k := range problemKinds {
		if errors.Is(err, k.err) {
			p := Problem{Type: "urn:zaakarchief:problem:" + k.slug, Title: k.title, Status: k.status, Detail: err.Error()}
			var f *dossier.Fout
			if errors.As(err, &f) {
				p.Detail, p.Regel = f.Detail, f.Rule
				if f.Field != "" {
					p.InvalidParams = []InvalidParam{{Name: f.Field, Reason: f.Detail}}
					p.Detail = f.Error()
				}
			}
			return p
		}
	}
	return Problem{Type: "urn:zaakarchief:problem:interne-fout", Title: "Internal server error", Status: http.StatusInternalServerError,
		Detail: "the server could not complete the request; the error is logged"}
}

// WriteError writes err as a problem body and logs server errors.
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemFor(err)
	p.Instance = r.URL.Path
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// maxJSONBody limits a JSON request body (or the metadata part of an upload).
const maxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into v strictly: unknown fields, trailing data and wrong types
// are 400 with the field named; a body over 1 MiB is 413.
func DecodeJSON(r io.Reader, v any) error {
	body, err := io.ReadAll(io.LimitReader(r, maxJSONBody+1))
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body could not be read: " + err.Error()}
	}
	if len(body) > maxJSONBody {
		return &dossier.Fout{Kind: dossier.ErrTooLarge, Detail: fmt.Sprintf("a JSON body may hold at most %d bytes", maxJSONBody)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		err = jsonError(err)
		var f *dossier.Fout
		if errors.As(err, &f) && f.Field == "" {
			f.Field = faultyField(body, v)
		}
		return err
	}
	if dec.More() {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body holds more than one JSON value"}
	}
	return nil
}

// faultyField finds the member of a JSON object that does not decode into a value of v's type
// on its own: errors of a field's own decoder (a date, a time) do not name the field.
func faultyField(body []byte, v any) string {
	t := reflect.TypeOf(v)
	var obj map[string]json.RawMessage
	if t == nil || t.Kind() != reflect.Pointer || json.Unmarshal(body, &obj) != nil {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		one, err := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		if err != nil {
			return ""
		}
		if json.Unmarshal(one, reflect.New(t.Elem()).Interface()) != nil {
			return k
		}
	}
	return ""
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: te.Field, Detail: fmt.Sprintf("must be a JSON %s", te.Type)}
	case errors.As(err, &se):
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
	case errors.Is(err, io.EOF):
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body is empty; a JSON object is expected"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: field, Detail: "is not a known field"}
	}
	var f *dossier.Fout
	if errors.As(err, &f) {
		return err
	}
	return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: err.Error()}
}
