package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"zaakarchief/dossier"
)

// MaxJSONBody limits a JSON request body (or the metadata part of an upload): 1 MiB.
const MaxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into v strictly: unknown fields, trailing data and wrong types
// are 400 with the field named; a body over MaxJSONBody is 413.
func DecodeJSON(r io.Reader, v any) error {
	body, err := io.ReadAll(io.LimitReader(r, MaxJSONBody+1))
	if err != nil {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Detail: "the body could not be read: " + err.Error()}
	}
	if len(body) > MaxJSONBody {
		return &dossier.Fout{Kind: dossier.ErrTooLarge, Detail: fmt.Sprintf("a JSON body may hold at most %d bytes", MaxJSONBody)}
	}
	if err := invalidText(body); err != nil {
		return err
	}
	if key, ok := duplicateKey(body); ok {
		return &dossier.Fout{Kind: dossier.ErrInvalid, Field: key, Detail: "appears more than once in the same JSON object"}
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

// duplicateKey reports the first member name that occurs twice in one object of body, at any
// depth: encoding/json would silently keep the last, so {"titel": "a", "titel": "b"} could mean
// either. A body that is not valid JSON reports nothing (Decode says what is wrong with it).
func duplicateKey(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func() (string, bool, error)
	walk = func() (string, bool, error) {
		tok, err := dec.Token()
		if err != nil {
			return "", false, err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return "", false, err
				}
				key, _ := k.(string)
				if seen[key] {
					return key, true, nil
				}
				seen[key] = true
				if dup, ok, err := walk(); ok || err != nil {
					return dup, ok, err
				}
			}
			_, err = dec.Token()
			return "", false, err
		case json.Delim('['):
			for dec.More() {
				if dup, ok, err := walk(); ok || err != nil {
					return dup, ok, err
				}
			}
			_, err = dec.Token()
			return "", false, err
		}
		return "", false, nil
	}
	key, ok, _ := walk()
	return key, ok
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
