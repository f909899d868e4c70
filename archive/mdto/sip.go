package mdto

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strings"
)

// SIP naming. The Nationaal Archief's SIP specification puts every aggregation level in a folder
// and gives every informatieobject and bestand its own MDTO file: an aggregate's inside its
// folder, a file's next to the file. Names are at most 255 characters without spaces or
// reserved characters.
const (
	// SidecarSuffix is appended to a file's name to name its bestand sidecar.
	SidecarSuffix = ".bestand.mdto.xml"
	// InformatieobjectSuffix is appended to a folder's name to name the aggregate's sidecar.
	InformatieobjectSuffix = ".mdto.xml"
	// MaxNameLength is the longest name SafeName returns, in bytes: 255 less the sidecar suffix,
	// so that a file's sidecar name stays within 255 bytes too.
	MaxNameLength = 255 - len(SidecarSuffix)
)

// extRE matches what SafeName keeps as an extension: up to 16 ASCII letters and digits.
var extRE = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)

// SafeName turns s (a title, a document name) into a name for a file or folder in a SIP. It keeps
// ASCII letters, digits, "-" and "_", folds common Latin letters with diacritics to ASCII
// (é to e, ß to ss), replaces every other run of characters with one "_", and keeps the
// extension after the last "." when it is 1 to 16 ASCII letters and digits. The result is deterministic, never empty, never "." or "..",
// never starts with "." or "-", contains no "/" or "\", avoids Windows device names (CON, NUL,
// COM1, ...) and is at most MaxNameLength bytes; a name that had to be shortened gets eight hex
// digits of the SHA-256 of s so that long names with a common start stay apart. Different
// inputs can still give the same name ("a b", "a_b"): callers make names unique per folder.
func SafeName(s string) string {
	trimmed := strings.TrimSpace(s)
	base, ext := trimmed, ""
	if i := strings.LastIndexByte(trimmed, '.'); i > 0 && extRE.MatchString(trimmed[i+1:]) {
		base, ext = trimmed[:i], trimmed[i:]
	}
	b := sanitize(base)
	if b == "" {
		b = "naamloos"
		if s != "" {
			b += "-" + shortHash(s)
		}
	}
	if isWindowsDevice(b) {
		b = "_" + b
	}
	if len(b)+len(ext) > MaxNameLength {
		h := "-" + shortHash(s)
		b = strings.TrimRight(b[:MaxNameLength-len(ext)-len(h)], "_-.") + h
	}
	return b + ext
}

// SidecarName returns the name of the MDTO sidecar of the bestand fileName, which lies next to it:
// "besluit.pdf" gives "besluit.pdf.bestand.mdto.xml". fileName may be a slash-separated path.
func SidecarName(fileName string) string {
	return fileName + SidecarSuffix
}

// InformatieobjectSidecar returns the slash-separated path of the MDTO sidecar of the aggregate
// whose folder is folder: inside the folder, named after it. "zaak-1/doc-2" gives
// "zaak-1/doc-2/doc-2.mdto.xml". A folder without a name ("", ".", "/") gives a sidecar named
// "informatieobject.mdto.xml" in that folder.
func InformatieobjectSidecar(folder string) string {
	name := path.Base(path.Clean("/" + folder))
	if name == "/" {
		name = "informatieobject"
	}
	if folder == "" {
		return name + InformatieobjectSuffix
	}
	return path.Join(folder, name+InformatieobjectSuffix)
}

// sanitize keeps [A-Za-z0-9_-], folds diacritics, turns other runs into one "_", and trims
// "_", "-" and "." from both ends.
func sanitize(s string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range s {
		var out string
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			out = string(r)
		default:
			out = fold[r]
		}
		if out == "" {
			pendingSep = true
			continue
		}
		if pendingSep && b.Len() > 0 {
			b.WriteByte('_')
		}
		pendingSep = false
		b.WriteString(out)
	}
	return strings.Trim(b.String(), "_-.")
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// isWindowsDevice reports whether name, before any ".", is a reserved Windows device name.
func isWindowsDevice(name string) bool {
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		return stem[3] >= '0' && stem[3] <= '9'
	}
	return false
}

// fold maps Latin letters with diacritics, as found in Dutch, German, French and Scandinavian
// names, to ASCII.
var fold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'Ø': "O", 'ø': "o", 'Ĳ': "IJ", 'ĳ': "ij"}
	groups := map[string]string{
		"A": "ÀÁÂÃÄÅ", "a": "àáâãäå", "C": "Ç", "c": "ç", "E": "ÈÉÊË", "e": "èéêë",
		"I": "ÌÍÎÏ", "i": "ìíîï", "N": "Ñ", "n": "ñ", "O": "ÒÓÔÕÖ", "o": "òóôõö",
		"U": "ÙÚÛÜ", "u": "ùúûü", "Y": "ÝŸ", "y": "ýÿ",
	}
	for ascii, letters := range groups {
		for _, r := range letters {
			m[r] = ascii
		}
	}
	return m
}()
