package zgw

import (
	"strconv"
	"unicode/utf8"
)

// markeringTeken is what markeerOngeldigeTekst puts in the place of text that is not UTF-8:
// U+FFFE, a noncharacter that XML cannot carry, so that the dossier's capture checks refuse
// the one part that holds it, and the collector reports it as it reports every refusal.
const markeringTeken = "\uFFFE"

// markeerOngeldigeTekst replaces, in a JSON answer of a source, every byte that is not UTF-8
// and every \u escape of a lone UTF-16 surrogate by U+FFFE. encoding/json would silently turn
// them into U+FFFD, and the dossier would keep a text that differs from the source's without
// anyone knowing. It returns body itself when there is nothing to replace.
func markeerOngeldigeTekst(body []byte) []byte {
	if utf8.Valid(body) && !heeftLosseSurrogaat(body) {
		return body
	}
	out := make([]byte, 0, len(body)+16)
	inString := false
	for i := 0; i < len(body); {
		c := body[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				out = append(out, markeringTeken...)
			} else {
				out = append(out, body[i:i+n]...)
			}
			i += n
			continue
		}
		switch {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(body):
			n, los := escape(body, i)
			if los {
				out = append(out, `\ufffe`...)
			} else {
				out = append(out, body[i:i+n]...)
			}
			i += n
			continue
		}
		out = append(out, c)
		i++
	}
	return out
}

// heeftLosseSurrogaat reports whether a JSON text holds a \u escape of a lone surrogate.
func heeftLosseSurrogaat(body []byte) bool {
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(body):
			n, los := escape(body, i)
			if los {
				return true
			}
			i += n - 1
		}
	}
	return false
}

// escape reads the escape at body[i] (a backslash inside a string): its length, and whether it
// is a \u escape of a lone surrogate. A surrogate pair counts as one escape of 12 bytes.
func escape(body []byte, i int) (int, bool) {
	if body[i+1] != 'u' {
		return 2, false
	}
	u, ok := hex4(body, i+2)
	if !ok {
		return 2, false
	}
	switch {
	case u >= 0xD800 && u <= 0xDBFF:
		if i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
			if lo, ok := hex4(body, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return 12, false
			}
		}
		return 6, true
	case u >= 0xDC00 && u <= 0xDFFF:
		return 6, true
	}
	return 6, false
}

// hex4 reads four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(v), err == nil
}
