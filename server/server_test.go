package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/server"
)

// fixture is a Server with the real dossier service as authenticator on a loopback port,
// serving a few routes that show what the server gives their handlers.
type fixture struct {
	t    *testing.T
	srv  *server.Server
	hs   *httptest.Server
	log  *bytes.Buffer
	svc  *dossier.Service
	org  string
	good string // a token of role organisatie
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, blobs := dossiertest.Open(t, t.TempDir())
	ag, err := afspraak.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: ag, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	org := ag.Organisaties[0].ID
	_, good, err := svc.CreateToken(context.Background(), org, dossier.RolOrganisatie, "test")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv := server.New(svc, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&logs, nil)))
	whoami := server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
		fromCtx, ok := server.ActorFrom(r.Context())
		server.WriteJSON(w, http.StatusOK, map[string]any{"rol": a.Rol, "organisatie": a.Organisatie, "ctx": ok, "ctxRol": fromCtx.Rol})
		return nil
	})
	srv.Mount(
		[]server.Route{
			server.NewRoute("GET /wie", whoami),
			{Method: http.MethodGet, Pattern: "/open", Public: true, Handler: whoami},
			server.NewRoute("GET /fout/{soort}", server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
				switch r.PathValue("soort") {
				case "geweigerd":
					return &dossier.Fout{Kind: dossier.ErrRefused, Rule: "regel-1", Detail: "not in this phase"}
				case "intern":
					return fmt.Errorf("disk on fire: %w", io.ErrUnexpectedEOF)
				}
				return &dossier.Fout{Kind: dossier.ErrNotFound, Detail: "no such thing"}
			})),
		},
		[]server.Route{{Method: http.MethodPost, Pattern: "/json", Accept: []string{"application/json"},
			Handler: server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, a dossier.Actor) error {
				var v struct {
					Naam string `json:"naam"`
				}
				if err := server.DecodeJSON(r.Body, &v); err != nil {
					return err
				}
				server.WriteJSON(w, http.StatusCreated, v)
				return nil
			})}},
	)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &fixture{t: t, srv: srv, hs: hs, log: &logs, svc: svc, org: org, good: good}
}

type reply struct {
	code   int
	header http.Header
	body   []byte
}

func (f *fixture) do(method, path, authorization, contentType, body string) reply {
	f.t.Helper()
	req, err := http.NewRequest(method, f.hs.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := f.hs.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return reply{code: res.StatusCode, header: res.Header, body: b}
}

func problemOf(t *testing.T, r reply) server.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p server.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	return p
}

func TestAuthenticationHappensOnceForEveryNonPublicRoute(t *testing.T) {
	f := newFixture(t)
	revokedTok, revoked, err := f.svc.CreateToken(context.Background(), f.org, dossier.RolAuditor, "revoked")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RevokeToken(context.Background(), revokedTok.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, authorization string
		code                      int
		wwwAuthenticate           string
		rol                       string
		ctx                       bool
	}{
		{"no header", "/wie", "", 401, `Bearer realm="zaakarchief"`, "", false},
		{"empty bearer", "/wie", "Bearer ", 401, `Bearer realm="zaakarchief"`, "", false},
		{"basic auth", "/wie", "Basic dXNlcjpwdw==", 401, `Bearer realm="zaakarchief"`, "", false},
		{"unknown token", "/wie", "Bearer za_unknown", 401, `Bearer realm="zaakarchief", error="invalid_token"`, "", false},
		{"not a token", "/wie", "Bearer secret", 401, `Bearer realm="zaakarchief", error="invalid_token"`, "", false},
		{"revoked token", "/wie", "Bearer " + revoked, 401, `Bearer realm="zaakarchief", error="invalid_token"`, "", false},
		{"bearer", "/wie", "Bearer " + f.good, 200, "", dossier.RolOrganisatie, true},
		{"token scheme of the Notificaties API", "/wie", "Token " + f.good, 200, "", dossier.RolOrganisatie, true},
		{"public without a token", "/open", "", 200, "", "", false},
		{"public ignores a bad token", "/open", "Bearer za_unknown", 200, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do("GET", tt.path, tt.authorization, "", "")
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			if got := r.header.Get("WWW-Authenticate"); got != tt.wwwAuthenticate {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.wwwAuthenticate)
			}
			if tt.code == 401 {
				p := problemOf(t, r)
				if p.Type != "urn:zaakarchief:problem:niet-geauthenticeerd" || p.Status != 401 || p.Instance != tt.path {
					t.Errorf("problem %+v", p)
				}
				return
			}
			var got struct {
				Rol, Organisatie, CtxRol string
				Ctx                      bool
			}
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Rol != tt.rol || got.CtxRol != tt.rol || got.Ctx != tt.ctx {
				t.Errorf("handler saw %+v, want rol %q in the argument and the context (%v)", got, tt.rol, tt.ctx)
			}
			if tt.ctx && got.Organisatie != f.org {
				t.Errorf("organisatie %q, want %q", got.Organisatie, f.org)
			}
		})
	}
}

func TestErrorsOfHandlersBecomeProblemBodies(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		soort  string
		code   int
		typ    string
		regel  string
		detail string
		logged bool
	}{
		{"geweigerd", 403, "urn:zaakarchief:problem:geweigerd-door-afspraak", "regel-1", "not in this phase", false},
		{"weg", 404, "urn:zaakarchief:problem:niet-gevonden", "", "no such thing", false},
		{"intern", 500, "urn:zaakarchief:problem:interne-fout", "", "the server could not complete the request; the error is logged", true},
	}
	for _, tt := range tests {
		t.Run(tt.soort, func(t *testing.T) {
			f.log.Reset()
			r := f.do("GET", "/fout/"+tt.soort, "Bearer "+f.good, "", "")
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			p := problemOf(t, r)
			want := server.Problem{Type: p.Type, Title: p.Title, Status: tt.code, Detail: tt.detail, Instance: "/fout/" + tt.soort, Regel: tt.regel}
			if p.Type != tt.typ || p.Title == "" || !equalProblem(p, want) {
				t.Errorf("problem %+v, want type %s and %+v", p, tt.typ, want)
			}
			if logged := strings.Contains(f.log.String(), "disk on fire"); logged != tt.logged {
				t.Errorf("logged %v, want %v: %q", logged, tt.logged, f.log.String())
			}
		})
	}
}

func equalProblem(a, b server.Problem) bool {
	return a.Type == b.Type && a.Title == b.Title && a.Status == b.Status && a.Detail == b.Detail &&
		a.Instance == b.Instance && a.Regel == b.Regel && slices.Equal(a.InvalidParams, b.InvalidParams)
}

func TestAcceptRefusesOtherMediaTypesWith415(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, contentType string
		code              int
	}{
		{"json", "application/json", 201},
		{"json with charset", "application/json; charset=utf-8", 201},
		{"text", "text/plain", 415},
		{"form", "application/x-www-form-urlencoded", 415},
		{"none", "", 415},
		{"malformed", "application/", 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do("POST", "/json", "Bearer "+f.good, tt.contentType, `{"naam":"x"}`)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			if tt.code == 415 {
				p := problemOf(t, r)
				if p.Type != "urn:zaakarchief:problem:mediatype-niet-ondersteund" || !strings.Contains(p.Detail, "application/json") {
					t.Errorf("problem %+v", p)
				}
			}
		})
	}
	if r := f.do("POST", "/json", "", "text/plain", "{}"); r.code != 401 {
		t.Errorf("without a token: %d, want 401 before the media type is looked at", r.code)
	}
}

func TestProblemFor(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		typ    string
		detail string
		params []server.InvalidParam
	}{
		{"unauthorized", &dossier.Fout{Kind: dossier.ErrUnauthorized, Detail: "unknown token"}, 401, "niet-geauthenticeerd", "unknown token", nil},
		{"forbidden", &dossier.Fout{Kind: dossier.ErrForbidden, Detail: "role"}, 403, "rol-niet-toegestaan", "role", nil},
		{"conflict wrapped", fmt.Errorf("archive: %w", &dossier.Fout{Kind: dossier.ErrConflict, Detail: "gearchiveerd"}), 409, "conflict", "gearchiveerd", nil},
		{"too large", &dossier.Fout{Kind: dossier.ErrTooLarge, Detail: "big"}, 413, "te-groot", "big", nil},
		{"max bytes", &http.MaxBytesError{Limit: 10}, 413, "te-groot", "the request body is larger than 10 bytes", nil},
		{"invalid field", &dossier.Fout{Kind: dossier.ErrInvalid, Field: "limit", Detail: "too big"},
			400, "ongeldige-invoer", (&dossier.Fout{Kind: dossier.ErrInvalid, Field: "limit", Detail: "too big"}).Error(),
			[]server.InvalidParam{{Name: "limit", Reason: "too big"}}},
		{"not exist", fmt.Errorf("blob: %w", os.ErrNotExist), 404, "niet-gevonden", "blob: file does not exist", nil},
		{"other", errors.New("secret internals"), 500, "interne-fout", "the server could not complete the request; the error is logged", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := server.ProblemFor(tt.err)
			if p.Status != tt.status || p.Type != "urn:zaakarchief:problem:"+tt.typ || p.Detail != tt.detail || !slices.Equal(p.InvalidParams, tt.params) {
				t.Errorf("ProblemFor(%v) = %+v, want %d %s %q %v", tt.err, p, tt.status, tt.typ, tt.detail, tt.params)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Naam   string `json:"naam"`
		Aantal int    `json:"aantal"`
	}
	tests := []struct {
		name  string
		in    string
		kind  error
		field string
	}{
		{"ok", `{"naam":"a","aantal":1}`, nil, ""},
		{"unknown field", `{"naam":"a","kleur":"rood"}`, dossier.ErrInvalid, "kleur"},
		{"wrong type", `{"aantal":"een"}`, dossier.ErrInvalid, "aantal"},
		{"two values", `{"naam":"a"}{"naam":"b"}`, dossier.ErrInvalid, ""},
		{"empty", ``, dossier.ErrInvalid, ""},
		{"malformed", `{"naam":`, dossier.ErrInvalid, ""},
		{"too large", `{"naam":"` + strings.Repeat("x", server.MaxJSONBody) + `"}`, dossier.ErrTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v body
			err := server.DecodeJSON(strings.NewReader(tt.in), &v)
			if tt.kind == nil {
				if err != nil || v.Naam != "a" || v.Aantal != 1 {
					t.Fatalf("DecodeJSON = %v, %+v", err, v)
				}
				return
			}
			var f *dossier.Fout
			if !errors.Is(err, tt.kind) || !errors.As(err, &f) || f.Field != tt.field {
				t.Fatalf("DecodeJSON = %#v, want kind %v and field %q", err, tt.kind, tt.field)
			}
		})
	}
}

func TestMetricsCountRequestsAndRefusalsByRoute(t *testing.T) {
	f := newFixture(t)
	f.do("GET", "/wie", "", "", "")
	f.do("GET", "/wie", "Bearer "+f.good, "", "")
	f.do("GET", "/wie", "Bearer "+f.good, "", "")
	f.do("GET", "/fout/geweigerd", "Bearer "+f.good, "", "")
	r := f.do("GET", "/metrics", "", "", "")
	if r.code != 200 {
		t.Fatalf("metrics: %d", r.code)
	}
	for _, want := range []string{
		`zaakarchief_http_requests_total{code="401",route="GET /wie"} 1`,
		`zaakarchief_http_requests_total{code="200",route="GET /wie"} 2`,
		`zaakarchief_http_requests_total{code="403",route="GET /fout/{soort}"} 1`,
		`zaakarchief_refusals_total{code="403",route="GET /fout/{soort}"} 1`,
		`zaakarchief_http_request_duration_seconds_count{route="GET /wie"} 3`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(r.body), `zaakarchief_refusals_total{code="401"`) {
		t.Error("a 401 is counted as a refusal")
	}
}

func TestRoutesListsEveryMountedRouteSorted(t *testing.T) {
	f := newFixture(t)
	want := []string{"GET /fout/{soort}", "GET /healthz", "GET /metrics", "GET /open", "GET /wie", "POST /json"}
	if got := f.srv.Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() = %q, want %q", got, want)
	}
	if r := f.do("GET", "/healthz", "", "", ""); r.code != 200 || !strings.Contains(string(r.body), `"ok"`) {
		t.Errorf("healthz: %d %s", r.code, r.body)
	}
}

func TestMountAndNewRouteRefuseMalformedRoutes(t *testing.T) {
	h := http.NotFoundHandler()
	tests := []struct {
		name string
		f    func()
	}{
		{"pattern without method", func() { server.NewRoute("/x", h) }},
		{"path without slash", func() { server.NewRoute("GET x", h) }},
		{"route without method", func() {
			server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler)).Mount([]server.Route{{Pattern: "/x", Handler: h}})
		}},
		{"route without handler", func() {
			server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler)).Mount([]server.Route{{Method: "GET", Pattern: "/x"}})
		}},
		{"route twice", func() {
			s := server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			s.Mount([]server.Route{server.NewRoute("GET /x", h)}, []server.Route{server.NewRoute("GET /x", h)})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.f()
		})
	}
}

func TestNewHTTPServerHasTimeouts(t *testing.T) {
	hs := server.NewHTTPServer("127.0.0.1:0", http.NotFoundHandler())
	if hs.Addr != "127.0.0.1:0" || hs.ReadHeaderTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("server %+v lacks its timeouts", hs)
	}
}

// Strict HTTP: the mux's own answers are problem bodies, a body of the wrong media type is 415
// (a body-less action passes), and a JSON object with a member twice is 400 naming it.
func TestStrictHTTPAnswersWithProblems(t *testing.T) {
	srv := server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	var got map[string]any
	srv.Mount([]server.Route{{Method: http.MethodPost, Pattern: "/x", Public: true, Handler: server.HandlerFunc(func(w http.ResponseWriter, r *http.Request, _ dossier.Actor) error {
		got = nil
		if r.ContentLength == 0 {
			server.WriteJSON(w, http.StatusOK, map[string]string{"body": "none"})
			return nil
		}
		if err := server.DecodeJSON(r.Body, &got); err != nil {
			return err
		}
		server.WriteJSON(w, http.StatusOK, got)
		return nil
	})}})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for _, tc := range []struct {
		name, method, path, ct, body string
		status                       int
		problem, allow               string
	}{
		{"unknown path", http.MethodGet, "/nergens", "", "", 404, "niet-gevonden", ""},
		{"wrong method", http.MethodGet, "/x", "", "", 405, "methode-niet-toegestaan", "POST"},
		{"text instead of JSON", http.MethodPost, "/x", "text/plain", `{"a":1}`, 415, "mediatype-niet-ondersteund", ""},
		{"JSON without a Content-Type", http.MethodPost, "/x", "", `{"a":1}`, 415, "mediatype-niet-ondersteund", ""},
		{"duplicate key", http.MethodPost, "/x", "application/json", `{"a":1,"b":{"c":2,"c":3}}`, 400, "ongeldige-invoer", ""},
		{"no body", http.MethodPost, "/x", "", "", 200, "", ""},
		{"JSON", http.MethodPost, "/x", "application/json; charset=utf-8", `{"a":1,"b":{"c":2}}`, 200, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, hs.URL+tc.path, strings.NewReader(tc.body))
			if tc.body == "" {
				req.Body = http.NoBody
			}
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.problem == "" {
				return
			}
			var p server.Problem
			if resp.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(b, &p) != nil || !strings.HasSuffix(p.Type, tc.problem) {
				t.Errorf("Content-Type %q, body %s; want problem %s", resp.Header.Get("Content-Type"), b, tc.problem)
			}
			if tc.allow != "" && !strings.Contains(resp.Header.Get("Allow"), tc.allow) {
				t.Errorf("Allow %q, want %s", resp.Header.Get("Allow"), tc.allow)
			}
			if tc.name == "duplicate key" && (len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "c") {
				t.Errorf("the duplicate member is not named: %+v", p)
			}
		})
	}
}

// A client that sends the headers and part of a body and then stalls loses its connection
// once the body has been idle for the limit; the handler sees a read error, not a hang.
func TestAStalledBodyEndsTheConnection(t *testing.T) {
	srv := server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	srv.SetIdleTimeouts(200*time.Millisecond, time.Second)
	readErr := make(chan error, 1)
	srv.Mount([]server.Route{{Method: http.MethodPost, Pattern: "/x", Public: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		readErr <- err
	})}})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	conn, err := net.Dial("tcp", hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":")
	select {
	case err := <-readErr:
		if err == nil {
			t.Fatal("the handler read the stalled body to its end without an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stalled body still holds the handler after 10 s")
	}
}
