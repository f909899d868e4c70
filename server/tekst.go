package server

import (
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"

	"zaakarchief/dossier"
)

// invalidText finds text in a JSON body that encoding/json would silently replace by U+FFFD:
// bytes that are not UTF-8, and \u escapes of a lone UTF-16 surrogate. It returns a problem
// naming the member of the top-level object that holds it (or none when it lies elsewhere),
// or nil when the body's text is sound.
func invalidText(body []byte) error {
	pos, ok := firstInvalidText(body)
	if !ok {
		return nil
	}
	f := &dossier.Fout{Kind: dossier.ErrInvalid,
		Detail: "is geen geldige UTF-8 (of bevat een losse UTF-16-surrogaat) op byte " + strconv.Itoa(pos) + ": de tekst zou ongemerkt veranderen"}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, bad := firstInvalidText(obj[k]); bad {
				f.Field = k
				break
			}
		}
	}
	return f
}

// firstInvalidText returns the offset of the first byte that is not UTF-8, or of the first \u
// escape of a lone surrogate.
func firstInvalidText(b []byte) (int, bool) {
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				return i, true
			}
			i += n
		}
	}
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(b):
			if b[i+1] != 'u' {
				i++
				continue
			}
			u, ok := hex4(b, i+2)
			if !ok {
				i++
				continue
			}
			switch {
			case u >= 0xD800 && u <= 0xDBFF:
				if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
					if lo, ok := hex4(b, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						i += 11
						continue
					}
				}
				return i, true
			case u >= 0xDC00 && u <= 0xDFFF:
				return i, true
			}
			i += 5
		}
	}
	return 0, false
}

// hex4 reads four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(v), err == nil
}
