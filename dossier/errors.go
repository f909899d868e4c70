package dossier

import (
	"errors"
	"fmt"
)

// Sentinel errors callers decide on. The HTTP layer maps them to status codes in one place.
var (
	// ErrNotFound: the zaak, document or token does not exist.
	ErrNotFound = errors.New("niet gevonden")
	// ErrRefused: the agreement does not allow this organisation to record this in this phase.
	ErrRefused = errors.New("geweigerd door de samenwerkingsafspraak")
	// ErrForbidden: the role of the token does not allow the operation.
	ErrForbidden = errors.New("niet toegestaan voor deze rol")
	// ErrConflict: the operation does not fit the zaak's state (a transition the agreement does
	// not know, a closed or archived zaak, an eindstatus without resultaat).
	ErrConflict = errors.New("conflict met de toestand van de zaak")
	// ErrInvalid: malformed or unknown input.
	ErrInvalid = errors.New("ongeldige invoer")
	// ErrUnauthorized: no token, an unknown token or a revoked one.
	ErrUnauthorized = errors.New("niet geauthenticeerd")
	// ErrTooLarge: an upload over the configured limit.
	ErrTooLarge = errors.New("te groot")
)

// Fout is an error with what a client needs to correct it: its kind (one of the sentinels),
// the field at fault, and the rule of the agreement that decided.
type Fout struct {
	Kind   error
	Field  string
	Rule   string
	Detail string
}

// Error returns the detail, with the field when there is one.
func (f *Fout) Error() string {
	if f.Field != "" {
		return fmt.Sprintf("%s: %s", f.Field, f.Detail)
	}
	return f.Detail
}

// Unwrap lets errors.Is match the kind.
func (f *Fout) Unwrap() error { return f.Kind }

func invalid(field, format string, args ...any) error {
	return &Fout{Kind: ErrInvalid, Field: field, Detail: fmt.Sprintf(format, args...)}
}

func refused(rule string) error {
	return &Fout{Kind: ErrRefused, Rule: rule, Detail: rule}
}

func conflict(rule, format string, args ...any) error {
	return &Fout{Kind: ErrConflict, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &Fout{Kind: ErrNotFound, Detail: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) error {
	return &Fout{Kind: ErrForbidden, Detail: fmt.Sprintf(format, args...)}
}
