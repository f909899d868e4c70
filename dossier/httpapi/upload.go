package httpapi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/textproto"
)

// uploadBufSize is the read buffer of an upload's body. mime/multipart reads through a
// bufio.Reader of 4 KiB of its own and returns at most that much per Read: a GiB took about
// 262,000 read(2) calls and as many 4 KiB writes into the blob store. formReader reads the
// body in pieces of up to uploadBufSize and hands a part's content out in pieces as large as
// the caller's buffer and what has arrived allow.
const uploadBufSize = 1 << 20

// Limits on a part's header block, which comes from the client.
const (
	maxPartHeaderBytes = 64 << 10
	maxPartHeaderLines = 100
)

// uploadReader returns a reader of the parts of r's multipart/form-data body.
func uploadReader(r *http.Request) (*formReader, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, http.ErrNotMultipart
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, http.ErrMissingBoundary
	}
	if r.Body == nil {
		return nil, errors.New("no body")
	}
	return newFormReader(r.Body, boundary), nil
}

// formReader reads the parts of a multipart/form-data body (RFC 7578) one after the other,
// like multipart.Reader, through one buffer of uploadBufSize.
type formReader struct {
	br     *bufio.Reader
	dash   []byte // "--" boundary
	nlDash []byte // CRLF "--" boundary: what ends a part's content
	cur    *formPart
	begun  bool
	done   bool
}

func newFormReader(body io.Reader, boundary string) *formReader {
	nlDash := []byte("\r\n--" + boundary)
	return &formReader{br: bufio.NewReaderSize(body, uploadBufSize), nlDash: nlDash, dash: nlDash[2:]}
}

// NextPart skips what is left of the current part and returns the next one; io.EOF after the
// last.
func (fr *formReader) NextPart() (*formPart, error) {
	if fr.done {
		return nil, io.EOF
	}
	if fr.begun {
		if fr.cur != nil {
			if _, err := io.Copy(io.Discard, fr.cur); err != nil {
				return nil, err
			}
		}
		// After a delimiter: "--" ends the body, otherwise the line ends and a part follows.
		line, err := fr.br.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("after a boundary: %w", unexpected(err))
		}
		if bytes.HasPrefix(line, []byte("--")) {
			fr.done = true
			return nil, io.EOF
		}
		if len(bytes.TrimRight(line, " \t\r\n")) != 0 {
			return nil, errors.New("text after a boundary")
		}
	} else {
		fr.begun = true
		last, err := fr.skipPreamble()
		if err != nil {
			return nil, err
		}
		if last {
			fr.done = true
			return nil, io.EOF
		}
	}
	h, err := fr.readHeader()
	if err != nil {
		return nil, err
	}
	p := &formPart{fr: fr, header: h}
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
		p.name = params["name"]
	}
	fr.cur = p
	return p, nil
}

// skipPreamble reads up to and including the first delimiter line; last reports that it was
// the closing one (a form without parts).
func (fr *formReader) skipPreamble() (last bool, err error) {
	for n := 0; ; n++ {
		line, err := fr.br.ReadSlice('\n')
		if err != nil {
			return false, fmt.Errorf("no boundary: %w", unexpected(err))
		}
		if n > maxPartHeaderLines {
			return false, fmt.Errorf("no boundary in the first %d lines", maxPartHeaderLines)
		}
		line = bytes.TrimRight(line, " \t\r\n")
		if rest, ok := bytes.CutPrefix(line, fr.dash); ok && (len(rest) == 0 || string(rest) == "--") {
			return len(rest) != 0, nil
		}
	}
}

// readHeader reads a part's header block, up to the empty line, within the limits.
func (fr *formReader) readHeader() (textproto.MIMEHeader, error) {
	var block []byte
	for n := 0; ; n++ {
		line, err := fr.br.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("part header: %w", unexpected(err))
		}
		if len(block)+len(line) > maxPartHeaderBytes || n > maxPartHeaderLines {
			return nil, fmt.Errorf("a part header is larger than %d bytes or %d lines", maxPartHeaderBytes, maxPartHeaderLines)
		}
		block = append(block, line...)
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break
		}
	}
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(block))).ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("part header: %w", err)
	}
	return h, nil
}

// endsBoundary reports whether c may follow a boundary: "--" of the last one, or the end of
// its line.
func endsBoundary(c byte) bool {
	return c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// formPart is one part of a formReader's body; its content is read with Read.
type formPart struct {
	fr     *formReader
	header textproto.MIMEHeader
	name   string
	err    error // io.EOF once the delimiter after the content was read
}

// FormName returns the name parameter of the part's Content-Disposition.
func (p *formPart) FormName() string { return p.name }

// Read reads the part's content: from what is buffered, up to the delimiter that ends it,
// keeping back only a tail that could be the start of that delimiter.
func (p *formPart) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if len(b) == 0 {
		return 0, nil
	}
	br, nlDash := p.fr.br, p.fr.nlDash
	for {
		buf, _ := br.Peek(br.Buffered())
		end := len(buf)
		switch i := bytes.Index(buf, nlDash); {
		case i < 0:
			end -= len(nlDash) - 1 // the tail may be the start of the delimiter
		case i > 0:
			end = i
		case len(buf) == len(nlDash):
			end = 0 // what follows the delimiter decides whether it is one
		case !endsBoundary(buf[len(nlDash)]):
			end = 1 // the boundary followed by more text is content, as mime/multipart has it
		default:
			_, _ = br.Discard(len(nlDash))
			p.err = io.EOF
			return 0, io.EOF
		}
		if end > 0 {
			n := copy(b, buf[:end])
			_, _ = br.Discard(n)
			return n, nil
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			p.err = unexpected(err)
			return 0, p.err
		}
	}
}
