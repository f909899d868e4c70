// Package zgwtest runs ZGW APIs on loopback for tests: the Zaken, Documenten, Besluiten and
// Catalogi APIs of one organisation under one host, at the paths Open Zaak serves them
// (/zaken/api/v1, /documenten/api/v1, /besluiten/api/v1, /catalogi/api/v1), answering with
// resources shaped as the OpenAPI specifications of Open Zaak 1.30 define them (the tests of
// package zgw check every answer against those schemas). It authenticates the JWT of one client
// (HS256), pages lists as the APIs do, honours If-None-Match, dates undated parts in the audit
// trail, and misbehaves on request: down, slow, 5xx, malformed JSON, a page loop, content that
// does not match its checksum.
//
// It holds no business rule of a zaaksysteem beyond what the collector reads.
package zgwtest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Amsterdam everywhere
)

var amsterdam, _ = time.LoadLocation("Europe/Amsterdam")

// Options configures a Server.
type Options struct {
	// ClientID and Secret are the credentials of the one client the server accepts.
	ClientID, Secret string
	// RSIN is the organisation's RSIN (bronorganisatie of its zaken and documents).
	RSIN string
	// PageSize is the default page size of lists; default 100 (as Open Zaak).
	PageSize int
}

// Server is the ZGW APIs of one organisation on loopback.
type Server struct {
	URL      string
	ClientID string
	Secret   string
	RSIN     string

	hs *httptest.Server

	mu         sync.Mutex
	seq        int
	data       map[string]map[string]obj
	order      map[string][]string
	inhoud     map[string][][]byte
	eioVersies map[string][]obj
	trail      map[string][]obj
	catalogus  string
	faults     []*Fault
	hits       []string
	pageSize   int
	// byZaak indexes the parts of zaken (statussen, rollen, ...) by zaak URL.
	byZaak map[string]map[string][]string

	// hook, when set (SetHook), is called with the path and query of every request before it
	// is served (outside the server's lock).
	hook atomic.Pointer[func(target string)]
}

// SetHook makes the server call fn with the path and query of every request before serving it,
// outside its lock; nil removes it. It is safe to call while requests are being served.
func (s *Server) SetHook(fn func(target string)) {
	if fn == nil {
		s.hook.Store(nil)
		return
	}
	s.hook.Store(&fn)
}

// New starts a server; it stops when the test ends.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := newServer(o)
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.hs.URL
	s.catalogus = s.URL + "/catalogi/api/v1/catalogussen/00000000-0000-4000-8000-000000000000"
	tb.Cleanup(s.hs.Close)
	return s
}

func newServer(o Options) *Server {
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	return &Server{ClientID: o.ClientID, Secret: o.Secret, RSIN: o.RSIN, pageSize: o.PageSize,
		data: map[string]map[string]obj{}, order: map[string][]string{}, inhoud: map[string][][]byte{},
		eioVersies: map[string][]obj{}, trail: map[string][]obj{}, byZaak: map[string]map[string][]string{}}
}

// ZakenAPI returns the base URL of the Zaken API; the others likewise.
func (s *Server) ZakenAPI() string { return s.URL + "/zaken/api/v1" }

// DocumentenAPI returns the base URL of the Documenten API.
func (s *Server) DocumentenAPI() string { return s.URL + "/documenten/api/v1" }

// BesluitenAPI returns the base URL of the Besluiten API.
func (s *Server) BesluitenAPI() string { return s.URL + "/besluiten/api/v1" }

// CatalogiAPI returns the base URL of the Catalogi API.
func (s *Server) CatalogiAPI() string { return s.URL + "/catalogi/api/v1" }

// Close stops the server: from then on it refuses connections (a source that is down).
func (s *Server) Close() { s.hs.Close() }

func (s *Server) nextUUID() string {
	s.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq)
}

func (s *Server) newURL(col string) (string, string) {
	id := s.nextUUID()
	api, coll, _ := strings.Cut(col, "/")
	return fmt.Sprintf("%s/%s/api/v1/%s/%s", s.URL, api, coll, id), id
}

func (s *Server) newChildURL(parent, sub string) (string, string) {
	id := s.nextUUID()
	return parent + "/" + sub + "/" + id, id
}

func uuidOf(u string) string {
	u = strings.TrimRight(strings.SplitN(u, "?", 2)[0], "/")
	return u[strings.LastIndex(u, "/")+1:]
}

func (s *Server) put(col, id string, o obj) {
	if s.data[col] == nil {
		s.data[col] = map[string]obj{}
	}
	if _, ok := s.data[col][id]; !ok {
		s.order[col] = append(s.order[col], id)
		if z, ok := o["zaak"].(string); ok && col != colZaken {
			if s.byZaak[col] == nil {
				s.byZaak[col] = map[string][]string{}
			}
			s.byZaak[col][z] = append(s.byZaak[col][z], id)
		}
	}
	s.data[col][id] = o
}

func (s *Server) get(col, id string) obj { return s.data[col][id] }

func (s *Server) list(col string) []obj {
	out := make([]obj, 0, len(s.order[col]))
	for _, id := range s.order[col] {
		out = append(out, s.data[col][id])
	}
	return out
}

// FaultKind is a way the server misbehaves.
type FaultKind int

// The faults a test can ask for.
const (
	// Down drops the connection without an answer.
	Down FaultKind = iota + 1
	// Status answers with Fault.Status and a Fout body.
	Status
	// Slow answers nothing until the client gives up.
	Slow
	// Malformed answers 200 with JSON cut off half-way.
	Malformed
	// PageLoop makes every page of a list point back at the first.
	PageLoop
	// Corrupt serves document content that does not match its checksum.
	Corrupt
)

// Fault is a misbehaviour for the requests whose path and query contain Path.
type Fault struct {
	Kind   FaultKind
	Path   string
	Status int
	// Times limits how many requests it hits; 0 means every one until Heal.
	Times int
	hits  int
}

// Fail adds a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Heal removes every fault.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// fault returns the fault of kind for a request, counting the hit.
func (s *Server) fault(r *http.Request, kinds ...FaultKind) *Fault {
	target := r.URL.RequestURI()
	for _, f := range s.faults {
		if (f.Times == 0 || f.hits < f.Times) && strings.Contains(target, f.Path) {
			for _, k := range kinds {
				if f.Kind == k {
					f.hits++
					return f
				}
			}
		}
	}
	return nil
}

// Hits counts the requests whose path and query contain substr.
func (s *Server) Hits(substr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		if strings.Contains(h, substr) {
			n++
		}
	}
	return n
}

// ResetHits forgets the requests counted so far.
func (s *Server) ResetHits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("API-version", "1.5.1")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func fout(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("API-version", "1.5.1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(obj{"type": "https://zaken.example.nl/ref/fouten/" + code + "/", "code": code,
		"title": http.StatusText(status), "status": status, "detail": detail, "instance": "urn:uuid:" + r.URL.Path})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if hook := s.hook.Load(); hook != nil {
		(*hook)(r.URL.RequestURI())
	}
	s.mu.Lock()
	s.hits = append(s.hits, r.URL.RequestURI())
	f := s.fault(r, Down, Status, Slow, Malformed)
	s.mu.Unlock()
	if f != nil {
		switch f.Kind {
		case Down:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case Status:
			fout(w, r, f.Status, "fout", "simulated failure")
			return
		case Slow:
			<-r.Context().Done()
			return
		case Malformed:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"count": 1, "next": null, "results": [{"url": "`))
			return
		}
	}
	if r.Method != http.MethodGet {
		fout(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "this server only reads")
		return
	}
	if status, detail := s.authenticate(r); status != 0 {
		fout(w, r, status, "not_authenticated", detail)
		return
	}
	rest, api := "", ""
	for _, a := range []string{"zaken", "documenten", "besluiten", "catalogi"} {
		if p, ok := strings.CutPrefix(r.URL.Path, "/"+a+"/api/v1/"); ok {
			rest, api = p, a
		}
	}
	if api == "" {
		fout(w, r, http.StatusNotFound, "not_found", "no such API")
		return
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if api == "zaken" && parts[0] == "zaken" && r.Header.Get("Accept-Crs") == "" {
		fout(w, r, http.StatusPreconditionFailed, "missing-accept-crs-header", "Accept-Crs header ontbreekt")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	col := api + "/" + parts[0]
	switch {
	case len(parts) == 1:
		s.serveList(w, r, col)
	case len(parts) == 2:
		s.serveDetail(w, r, col, parts[1])
	case len(parts) == 3 && parts[2] == "zaakeigenschappen" && col == colZaken:
		var out []obj
		for _, id := range s.byZaak[colZaakeigenschappen][s.URL+"/zaken/api/v1/zaken/"+parts[1]] {
			out = append(out, s.data[colZaakeigenschappen][id])
		}
		writeJSON(w, http.StatusOK, orEmpty(out))
	case len(parts) == 4 && parts[2] == "zaakeigenschappen" && col == colZaken:
		s.serveDetail(w, r, colZaakeigenschappen, parts[3])
	case len(parts) == 3 && parts[2] == "audittrail":
		u := s.URL + r.URL.Path[:strings.LastIndex(r.URL.Path, "/audittrail")]
		writeJSON(w, http.StatusOK, orEmpty(s.trail[u]))
	case len(parts) == 3 && parts[2] == "download" && col == colEIO:
		s.serveDownload(w, r, parts[1])
	default:
		fout(w, r, http.StatusNotFound, "not_found", "no such resource")
	}
}

func orEmpty(v []obj) []obj {
	if v == nil {
		return []obj{}
	}
	return v
}

// authenticate checks the JWT: HS256 with the client's secret, with client_id and iat claims.
func (s *Server) authenticate(r *http.Request) (int, string) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return http.StatusUnauthorized, "Authenticatiegegevens zijn niet opgegeven."
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return http.StatusForbidden, "malformed JWT"
	}
	var header struct{ Alg, Typ string }
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if json.Unmarshal(hb, &header) != nil || header.Alg != "HS256" || header.Typ != "JWT" {
		return http.StatusForbidden, "the JWT header must be {alg: HS256, typ: JWT}"
	}
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return http.StatusForbidden, "JWT signature does not verify"
	}
	var claims struct {
		Iss, ClientID, UserID, UserRepresentation string
		Iat                                       int64
	}
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var raw map[string]any
	if json.Unmarshal(cb, &raw) != nil {
		return http.StatusForbidden, "malformed JWT claims"
	}
	claims.ClientID, _ = raw["client_id"].(string)
	claims.Iss, _ = raw["iss"].(string)
	iat, _ := raw["iat"].(float64)
	_, hasUser := raw["user_id"]
	_, hasRepr := raw["user_representation"]
	if claims.ClientID != s.ClientID || claims.Iss != s.ClientID || iat == 0 || !hasUser || !hasRepr {
		return http.StatusForbidden, "unknown client or missing claims (iss, client_id, iat, user_id, user_representation)"
	}
	return 0, ""
}

// paginated lists the collections the APIs page; the others answer a plain array.
func paginated(col string) bool { return col != colZIO }

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, col string) {
	q := r.URL.Query()
	var out []obj
	var all []obj
	if z := q.Get("zaak"); z != "" && s.byZaak[col] != nil {
		for _, id := range s.byZaak[col][z] {
			all = append(all, s.data[col][id])
		}
	} else {
		all = s.list(col)
	}
	for _, o := range all {
		if matches(o, q) {
			out = append(out, o)
		}
	}
	if !paginated(col) {
		writeJSON(w, http.StatusOK, orEmpty(out))
		return
	}
	size := s.pageSize
	if v, err := strconv.Atoi(q.Get("pageSize")); err == nil && v > 0 {
		size = min(v, 500)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	from := (page - 1) * size
	if from > len(out) && len(out) > 0 {
		fout(w, r, http.StatusNotFound, "not_found", "Ongeldige pagina.")
		return
	}
	to := min(from+size, len(out))
	pageURL := func(n int) any {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return s.URL + r.URL.Path + "?" + v.Encode()
	}
	var next, prev any
	if to < len(out) {
		next = pageURL(page + 1)
	}
	if page > 1 {
		prev = pageURL(page - 1)
	}
	if f := s.fault(r, PageLoop); f != nil {
		next = pageURL(1)
	}
	writeJSON(w, http.StatusOK, obj{"count": len(out), "next": next, "previous": prev, "results": orEmpty(out[from:to])})
}

// matches applies the query filters of the ZGW list endpoints the collector uses.
func matches(o obj, q url.Values) bool {
	for k, vs := range q {
		v := vs[0]
		switch k {
		case "page", "pageSize":
			continue
		case "status":
			if v == "alles" {
				continue
			}
		case "einddatum__isnull":
			if (o["einddatum"] == nil) != (v == "true") {
				return false
			}
			continue
		case "einddatum__gt":
			e, _ := o["einddatum"].(string)
			if e == "" || e <= v {
				return false
			}
			continue
		}
		field := k
		if _, ok := o[field]; !ok {
			field = k + "n" // informatieobjecttypen?zaaktype= filters on zaaktypen
		}
		switch fv := o[field].(type) {
		case string:
			if fv != v {
				return false
			}
		case []any:
			found := false
			for _, x := range fv {
				found = found || x == v
			}
			if !found {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (s *Server) serveDetail(w http.ResponseWriter, r *http.Request, col, id string) {
	o := s.get(col, id)
	if o == nil {
		fout(w, r, http.StatusNotFound, "not_found", "Niet gevonden.")
		return
	}
	if col == colEIO {
		if v, err := strconv.Atoi(r.URL.Query().Get("versie")); err == nil {
			if v < 1 || v > len(s.eioVersies[id]) {
				fout(w, r, http.StatusNotFound, "not_found", "Niet gevonden.")
				return
			}
			o = s.eioVersies[id][v-1]
		}
	}
	b, _ := json.Marshal(o)
	sum := md5.Sum(b)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	if col == colZaken || col == colEIO || col == colStatussen || col == colRollen || col == colResultaten || col == colZIO {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if col == colZaken {
		w.Header().Set("Content-Crs", "EPSG:4326")
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, id string) {
	versies := s.inhoud[id]
	if len(versies) == 0 {
		fout(w, r, http.StatusNotFound, "not_found", "Niet gevonden.")
		return
	}
	v := len(versies)
	if n, err := strconv.Atoi(r.URL.Query().Get("versie")); err == nil {
		v = n
	}
	if v < 1 || v > len(versies) {
		fout(w, r, http.StatusNotFound, "not_found", "Niet gevonden.")
		return
	}
	b := versies[v-1]
	if f := s.fault(r, Corrupt); f != nil {
		b = append([]byte(nil), b...)
		if len(b) > 0 {
			b[len(b)/2] ^= 0xff
		}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// Objects returns every resource the server holds, by collection, for schema checks.
func (s *Server) Objects() map[string][]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]map[string]any{}
	cols := make([]string, 0, len(s.order))
	for c := range s.order {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		for _, o := range s.list(c) {
			out[c] = append(out[c], o)
		}
	}
	var trails []map[string]any
	for _, t := range s.trail {
		trails = append(trails, t...)
	}
	out["audittrail"] = trails
	return out
}

// SetPageSize sets the default page size of lists.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = n
}
