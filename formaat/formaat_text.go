package formaat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

var (
	fmtPlainText = Formaat{"x-fmt/111", "Plain Text File", "text/plain"}
	fmtXML       = Formaat{"fmt/101", "Extensible Markup Language 1.0", "application/xml"}
	fmtJSON      = Formaat{"fmt/817", "JSON Data Interchange Format", "application/json"}
	fmtHTML      = Formaat{"fmt/96", "Hypertext Markup Language", "text/html"}
	fmtMIMEEmail = Formaat{"fmt/950", "MIME Email", "message/rfc822"}
	fmtRFC822    = Formaat{"fmt/278", "Internet Message Format", "message/rfc822"}
)

// htmlDoctypes maps a document type declaration to the HTML version it declares, most specific
// first.
var htmlDoctypes = []struct {
	re *regexp.Regexp
	f  Formaat
}{
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s*>`), Formaat{"fmt/471", "Hypertext Markup Language 5", "text/html"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//W3C//DTD XHTML 1\.1`), Formaat{"fmt/103", "Extensible Hypertext Markup Language 1.1", "application/xhtml+xml"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//W3C//DTD XHTML 1\.0`), Formaat{"fmt/102", "Extensible Hypertext Markup Language 1.0", "application/xhtml+xml"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//W3C//DTD HTML 4\.01`), Formaat{"fmt/100", "Hypertext Markup Language 4.01", "text/html"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//W3C//DTD HTML 4\.0`), Formaat{"fmt/99", "Hypertext Markup Language 4.0", "text/html"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//W3C//DTD HTML 3\.2`), Formaat{"fmt/98", "Hypertext Markup Language 3.2", "text/html"}},
	{regexp.MustCompile(`(?i)<!DOCTYPE\s+html\s+PUBLIC\s+"-//IETF//DTD HTML 2\.0`), Formaat{"fmt/97", "Hypertext Markup Language 2.0", "text/html"}},
}

var (
	htmlTagRE   = regexp.MustCompile(`(?i)<(html|head|body)[\s>]`)
	xmlRootRE   = regexp.MustCompile(`<([A-Za-z_][-A-Za-z0-9_.:]*)`)
	mailFieldRE = regexp.MustCompile(`^([!-9;-~]+):`)
)

// detectText identifies the text formats. A file is text when none of its bytes is a control
// character other than tab, line feed, form feed, carriage return or escape; 8-bit bytes are
// allowed, as plain text in Windows-1252 is common.
func detectText(r io.ReaderAt, size int64, head []byte) (Formaat, error) {
	if size == 0 {
		return Formaat{Naam: "Empty file"}, nil
	}
	text, err := isText(r, size)
	if err != nil {
		return Formaat{}, err
	}
	if !text {
		return Formaat{}, nil
	}
	h := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	t := bytes.TrimLeft(h, " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte(`{\rtf`)):
		return Formaat{Naam: "Rich Text Format", MIME: "application/rtf"}, nil
	case bytes.HasPrefix(t, []byte("%!PS")):
		return Formaat{Naam: "PostScript", MIME: "application/postscript"}, nil
	}
	for _, d := range htmlDoctypes {
		if loc := d.re.FindIndex(t); loc != nil && loc[0] < 1024 {
			return d.f, nil
		}
	}
	if bytes.HasPrefix(t, []byte("<")) {
		root := ""
		if m := xmlRootRE.FindSubmatch(skipXMLProlog(t)); m != nil {
			root = strings.ToLower(string(m[1]))
		}
		switch {
		case root == "svg" || strings.HasSuffix(root, ":svg"):
			return Formaat{Naam: "Scalable Vector Graphics", MIME: "image/svg+xml"}, nil
		case root == "html":
			return fmtHTML, nil
		case bytes.HasPrefix(t, []byte("<?xml")):
			return fmtXML, nil
		}
		if loc := htmlTagRE.FindIndex(t); loc != nil && loc[0] < 1024 {
			return fmtHTML, nil
		}
	}
	if f, ok := detectMail(h); ok {
		return f, nil
	}
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		ok, err := isJSON(r, size)
		if err != nil {
			return Formaat{}, err
		}
		if ok {
			return fmtJSON, nil
		}
	}
	return fmtPlainText, nil
}

// isText streams the whole file and reports whether it holds no binary control bytes.
func isText(r io.ReaderAt, size int64) (bool, error) {
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		for _, c := range buf[:n] {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1B || c == 0x7F {
				return false, nil
			}
		}
		off += int64(n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return false, fmt.Errorf("read text at %d: %w", off, err)
		}
	}
	return true, nil
}

// skipXMLProlog drops the XML declaration, comments, processing instructions and the doctype
// so that the root element comes first.
func skipXMLProlog(b []byte) []byte {
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		var end []byte
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			end = []byte("?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(b, []byte("<!")):
			end = []byte(">")
		default:
			return b
		}
		i := bytes.Index(b, end)
		if i < 0 {
			return nil
		}
		b = b[i+len(end):]
	}
}

// detectMail recognises an RFC 5322 message: a header block of "Name: value" fields (with folded
// continuation lines) that has From and at least one of Date, Subject, To, Message-ID,
// Received or Return-Path. A MIME-Version field makes it a MIME message.
func detectMail(head []byte) (Formaat, bool) {
	fields := map[string]bool{}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	complete := false
	for i, l := range lines {
		if l == "" {
			complete = i > 0
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			if i == 0 {
				return Formaat{}, false
			}
			continue
		}
		m := mailFieldRE.FindStringSubmatch(l)
		if m == nil {
			return Formaat{}, false
		}
		fields[strings.ToLower(m[1])] = true
	}
	// A header block cut off by the end of head still counts when it is long enough.
	if !complete && len(fields) < 4 {
		return Formaat{}, false
	}
	if !fields["from"] || !(fields["date"] || fields["subject"] || fields["to"] ||
		fields["message-id"] || fields["received"] || fields["return-path"]) {
		return Formaat{}, false
	}
	if fields["mime-version"] {
		return fmtMIMEEmail, true
	}
	return fmtRFC822, true
}

// isJSON streams the file through a JSON tokenizer and reports whether it holds exactly one
// well-formed JSON value.
func isJSON(r io.ReaderAt, size int64) (bool, error) {
	d := json.NewDecoder(io.NewSectionReader(r, 0, size))
	depth := 0
	values := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return values == 1 && depth == 0, nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
				return false, nil
			}
			return false, fmt.Errorf("read json: %w", err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth == 0 {
				values++
			}
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		default:
			if depth == 0 {
				values++
			}
		}
		if values > 1 {
			return false, nil
		}
	}
}
