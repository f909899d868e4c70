package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"zaakarchief/dossier"
)

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

// problemPrefix starts the type of every problem body.
const problemPrefix = "urn:zaakarchief:problem:"

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

// unsupportedMediaType is the error of a request body of a media type the route does not take.
type unsupportedMediaType struct {
	got  string
	want []string
}

func (e *unsupportedMediaType) Error() string {
	got := e.got
	if got == "" {
		got = "none"
	}
	return fmt.Sprintf("Content-Type %s is not accepted here (accepted: %s)", got, strings.Join(e.want, ", "))
}

// methodNotAllowed is the error of a method the path does not take.
type methodNotAllowed struct{ method, allow string }

func (e *methodNotAllowed) Error() string {
	return fmt.Sprintf("method %s is not allowed here (allowed: %s)", e.method, e.allow)
}

// ProblemFor maps an error to its problem body: the one place where errors become status codes.
// An error of none of the known kinds is a 500 whose detail does not show the error.
func ProblemFor(err error) Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return Problem{Type: problemPrefix + "te-groot", Title: "Upload too large", Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}
	}
	var mna *methodNotAllowed
	if errors.As(err, &mna) {
		return Problem{Type: problemPrefix + "methode-niet-toegestaan", Title: "Method not allowed",
			Status: http.StatusMethodNotAllowed, Detail: mna.Error()}
	}
	var umt *unsupportedMediaType
	if errors.As(err, &umt) {
		return Problem{Type: problemPrefix + "mediatype-niet-ondersteund", Title: "Unsupported media type",
			Status: http.StatusUnsupportedMediaType, Detail: umt.Error()}
	}
	for _, k := range problemKinds {
		if errors.Is(err, k.err) {
			p := Problem{Type: problemPrefix + k.slug, Title: k.title, Status: k.status, Detail: err.Error()}
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
	return Problem{Type: problemPrefix + "interne-fout", Title: "Internal server error", Status: http.StatusInternalServerError,
		Detail: "the server could not complete the request; the error is logged"}
}

// WriteError writes err as a problem body whose instance is the request's path. A server error
// (5xx) is logged with the logger of the Server that serves r.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemFor(err)
	p.Instance = r.URL.Path
	if p.Status >= 500 {
		loggerFrom(r.Context()).ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as indented JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
