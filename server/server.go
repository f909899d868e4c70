// Package server is the daemon's one HTTP server: it owns the mux, authenticates every
// non-public route in one place (bearer tokens), writes every error as an RFC 9457 problem
// body, counts requests for the metrics and knows which routes are registered, so that the
// OpenAPI document can be checked against them.
//
// The domain packages (dossier/httpapi, retention/api, archive, export, dossier/zgw) each offer
// their handlers the same way, as a method Routes() []server.Route; Server.Mount registers
// them. A handler of an authenticated route finds the caller with ActorFrom. The server holds
// no business rule: which role may do what is decided by the services.
package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zaakarchief/dossier"
)

// Authenticator turns the secret of a bearer token into an actor; dossier.Service implements
// it. An error of kind dossier.ErrUnauthorized is answered with 401.
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (dossier.Actor, error)
}

// Route is one operation of the API: the method and the path pattern of http.ServeMux (e.g.
// "GET" and "/api/v1/zaken/{identificatie}"), the handler, whether it is served without a
// token, and, when Accept is not empty, the media types its request body may have (any other
// Content-Type is answered with 415).
type Route struct {
	Method  string
	Pattern string
	Handler http.Handler
	Public  bool
	Accept  []string
}

// String is the route as the mux and the metrics name it: "GET /api/v1/zaken".
func (r Route) String() string { return r.Method + " " + r.Pattern }

// HandlerFunc is a handler that returns its error instead of writing it: the error is written
// as a problem body (see ProblemFor). actor is the authenticated caller (the zero Actor on a
// public route).
type HandlerFunc func(w http.ResponseWriter, r *http.Request, actor dossier.Actor) error

// ServeHTTP implements http.Handler.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	actor, _ := ActorFrom(r.Context())
	if err := f(w, r, actor); err != nil {
		WriteError(w, r, err)
	}
}

// request is what the server knows of a request it serves, kept in its context: one value,
// so that serving a request adds a single context.
type request struct {
	log           *slog.Logger
	actor         dossier.Actor
	authenticated bool
}

type ctxKey struct{}

// ActorFrom returns the authenticated caller of the request whose context ctx is; false on a
// public route or outside the server.
func ActorFrom(ctx context.Context) (dossier.Actor, bool) {
	if rq, ok := ctx.Value(ctxKey{}).(*request); ok && rq.authenticated {
		return rq.actor, true
	}
	return dossier.Actor{}, false
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if rq, ok := ctx.Value(ctxKey{}).(*request); ok {
		return rq.log
	}
	return slog.New(slog.DiscardHandler)
}

// Server is the HTTP handler of the daemon.
type Server struct {
	auth     Authenticator
	mux      *http.ServeMux
	routes   []string
	public   map[string]bool
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refused  *prometheus.CounterVec

	bodyIdle, writeIdle time.Duration
}

// New builds a Server that authenticates with auth, registers its metrics on reg and logs
// server errors to log. It serves GET /healthz and GET /metrics (the metrics of reg) without a
// token.
func New(auth Authenticator, reg *prometheus.Registry, log *slog.Logger) *Server {
	s := &Server{auth: auth, mux: http.NewServeMux(), log: log, public: map[string]bool{}, bodyIdle: bodyIdle, writeIdle: writeIdle}
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
	s.Mount([]Route{
		{Method: http.MethodGet, Pattern: "/healthz", Public: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{Method: http.MethodGet, Pattern: "/metrics", Public: true, Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})},
	})
	return s
}

// Mount registers every route of the groups. A route that is not public is served only with a
// valid bearer token; its handler finds the actor with ActorFrom. Like http.ServeMux.Handle it
// panics on a route without method or handler and on a pattern registered twice.
func (s *Server) Mount(groups ...[]Route) {
	for _, g := range groups {
		for _, rt := range g {
			if rt.Method == "" || rt.Handler == nil {
				panic(fmt.Sprintf("server: route %q needs a method and a handler", rt.String()))
			}
			h := rt.Handler
			accept := rt.Accept
			if len(accept) == 0 && (rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch) {
				accept = []string{"application/json"}
			}
			if len(accept) > 0 {
				h = accepting(accept, h)
			}
			h = s.deadlines(h)
			if !rt.Public {
				h = s.authenticated(h)
			}
			s.mux.Handle(rt.String(), s.instrument(rt.String(), h))
			s.routes = append(s.routes, rt.String())
			s.public[rt.String()] = rt.Public
		}
	}
}

// Routes returns every registered route ("METHOD /path/{param}"), sorted.
func (s *Server) Routes() []string {
	out := slices.Clone(s.routes)
	sort.Strings(out)
	return out
}

// ServeHTTP implements http.Handler. A path no route matches is a 404, a method the path does
// not take a 405 with Allow, both as problem bodies.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &request{log: s.log}))
	if _, pattern := s.mux.Handler(r); pattern == "" {
		rec := &headerRecorder{header: http.Header{}}
		h, _ := s.mux.Handler(r)
		h.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		kind := &dossier.Fout{Kind: dossier.ErrNotFound, Detail: "no route " + r.URL.Path}
		if rec.code == http.StatusMethodNotAllowed {
			WriteError(w, r, &methodNotAllowed{method: r.Method, allow: rec.header.Get("Allow")})
			return
		}
		WriteError(w, r, kind)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// headerRecorder keeps the status and headers the mux's own 404 or 405 handler writes, and
// drops its plain-text body.
type headerRecorder struct {
	header http.Header
	code   int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int)        { h.code = code }

// bodyIdle and writeIdle bound how long a request's body may stall between two reads and an
// answer between two writes. Uploads and exports stream for as long as their size needs, but a
// client that stops sending or reading loses its connection instead of holding it forever.
const (
	bodyIdle  = 30 * time.Second
	writeIdle = 60 * time.Second
)

// SetIdleTimeouts changes how long a request body may stall between two reads and an answer
// between two writes (default 30 s and 60 s). Call it before the server serves.
func (s *Server) SetIdleTimeouts(body, write time.Duration) { s.bodyIdle, s.writeIdle = body, write }

// deadlines moves the connection's read deadline on as the body is read and its write deadline
// as the answer is written, each by its idle bound.
func (s *Server) deadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &idleReader{ReadCloser: r.Body, rc: rc, idle: s.bodyIdle}
		}
		h.ServeHTTP(&idleWriter{ResponseWriter: w, rc: rc, idle: s.writeIdle}, r)
	})
}

type idleReader struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleReader) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(time.Now().Add(b.idle))
	return b.ReadCloser.Read(p)
}

type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
}

func (w *idleWriter) Write(p []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.idle))
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authenticated serves h only to a request with a valid bearer token ("Authorization: Bearer
// za_..."; "Token za_..." as the ZGW Notificaties API sends it is accepted too).
func (s *Server) authenticated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			token, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
		}
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="zaakarchief"`)
			WriteError(w, r, &dossier.Fout{Kind: dossier.ErrUnauthorized, Detail: "a bearer token is required (Authorization: Bearer ...)"})
			return
		}
		actor, err := s.auth.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="zaakarchief", error="invalid_token"`)
			WriteError(w, r, err)
			return
		}
		// ServeHTTP put the request's value in the context before the mux chose this route.
		rq := r.Context().Value(ctxKey{}).(*request)
		rq.actor, rq.authenticated = actor, true
		h.ServeHTTP(w, r)
	})
}

// accepting answers 415 to a request with a body whose Content-Type is not one of types. A
// request without a body (an action such as opheffen that takes none) passes.
func accepting(types []string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
			h.ServeHTTP(w, r)
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !slices.Contains(types, mt) {
			w.Header().Set("Accept-Post", strings.Join(types, ", "))
			WriteError(w, r, &unsupportedMediaType{got: r.Header.Get("Content-Type"), want: types})
			return
		}
		h.ServeHTTP(w, r)
	})
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

// instrument counts the requests of route by status code and observes their duration.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
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

// NewHTTPServer returns an http.Server for handler on addr with timeouts that keep idle or
// slow clients from holding connections: 10 s for the request header, 2 min idle between
// requests. It sets no read or write timeout on the whole request, because document uploads
// and exports stream for as long as their size needs.
func NewHTTPServer(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// NewRoute returns the authenticated route of pattern ("GET /api/v1/zaken/{identificatie}")
// served by h. It panics on a pattern without a method, as a route table is code.
func NewRoute(pattern string, h http.Handler) Route {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("server: route pattern %q is not \"METHOD /path\"", pattern))
	}
	return Route{Method: method, Pattern: path, Handler: h}
}
