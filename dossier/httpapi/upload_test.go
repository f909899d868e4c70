package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"
)

// readParts reads every part of body with formReader, in reads of step bytes.
func readParts(t *testing.T, body []byte, boundary string, step int) (map[string][]byte, []string, error) {
	t.Helper()
	fr := newFormReader(bytes.NewReader(body), boundary)
	got := map[string][]byte{}
	var order []string
	for {
		p, err := fr.NextPart()
		if errors.Is(err, io.EOF) {
			return got, order, nil
		}
		if err != nil {
			return got, order, err
		}
		var b bytes.Buffer
		buf := make([]byte, step)
		for {
			n, err := p.Read(buf)
			b.Write(buf[:n])
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return got, order, err
			}
		}
		got[p.FormName()] = b.Bytes()
		order = append(order, p.FormName())
	}
}

func TestFormReaderReadsWhatMultipartWriterWrote(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef\r\n-"), (3*uploadBufSize)/19)
	for _, tc := range []struct {
		naam   string
		inhoud []byte
		step   int
	}{
		{"leeg", nil, 4096},
		{"klein", []byte("%PDF-1.7 dakkapel"), 1},
		{"lijkt op de grens", []byte("\r\n--\r\n-\r\n--XYZ\r\n--grens-maar-niet"), 3},
		{"de grens met meer erachter", nil, 2},
		{"groter dan de buffer, kleine reads", big, 4093},
		{"groter dan de buffer, grote reads", big, 4 << 20},
	} {
		t.Run(tc.naam, func(t *testing.T) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			if tc.inhoud == nil && tc.step == 2 {
				tc.inhoud = []byte("a\r\n--" + mw.Boundary() + "x\r\n--" + mw.Boundary() + "Y")
			}
			mw.WriteField("metadata", `{"titel":"x"}`)
			fw, _ := mw.CreateFormFile("inhoud", "a.pdf")
			fw.Write(tc.inhoud)
			mw.Close()
			got, order, err := readParts(t, body.Bytes(), mw.Boundary(), tc.step)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(order, ",") != "metadata,inhoud" {
				t.Fatalf("parts %v, want metadata,inhoud", order)
			}
			if string(got["metadata"]) != `{"titel":"x"}` {
				t.Errorf("metadata = %q", got["metadata"])
			}
			if !bytes.Equal(got["inhoud"], tc.inhoud) {
				t.Errorf("inhoud: %d bytes read back, want %d (or they differ)", len(got["inhoud"]), len(tc.inhoud))
			}
		})
	}
}

func TestFormReaderRefusesMalformedBodies(t *testing.T) {
	for _, tc := range []struct {
		naam, body string
	}{
		{"geen grens", "hallo\r\n"},
		{"afgebroken inhoud", "--B\r\nContent-Disposition: form-data; name=\"inhoud\"\r\n\r\nabc"},
		{"afgebroken kop", "--B\r\nContent-Disposition: form-data"},
		{"tekst na de grens", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B tekst\r\n\r\nabc\r\n--B--\r\n"},
		{"te grote kop", "--B\r\n" + strings.Repeat("X-A: "+strings.Repeat("a", 1000)+"\r\n", 80) + "\r\nabc\r\n--B--\r\n"},
	} {
		t.Run(tc.naam, func(t *testing.T) {
			if _, _, err := readParts(t, []byte(tc.body), "B", 512); err == nil {
				t.Fatal("a malformed body was read without an error")
			}
		})
	}
}

func TestFormReaderSkipsPreambleAndUnreadParts(t *testing.T) {
	body := "preambule\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nongelezen\r\n--B\r\n" +
		"Content-Disposition: form-data; name=\"b\"\r\n\r\ninhoud\r\n--B--\r\nepiloog"
	fr := newFormReader(strings.NewReader(body), "B")
	if p, err := fr.NextPart(); err != nil || p.FormName() != "a" {
		t.Fatalf("first part %v, %v", p, err)
	}
	p, err := fr.NextPart()
	if err != nil || p.FormName() != "b" {
		t.Fatalf("second part %v, %v", p, err)
	}
	if b, err := io.ReadAll(p); err != nil || string(b) != "inhoud" {
		t.Fatalf("second part's content %q, %v", b, err)
	}
	if _, err := fr.NextPart(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last part: %v, want io.EOF", err)
	}
}
