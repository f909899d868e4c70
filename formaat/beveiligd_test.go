package formaat

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBeveiligd(t *testing.T) {
	plainPDF := makePDF("1.7", "")
	encryptedPDF := bytes.Replace(plainPDF, []byte("trailer\n<<"), []byte("trailer\n<< /Encrypt 9 0 R"), 1)
	if bytes.Equal(plainPDF, encryptedPDF) {
		t.Fatal("test PDF has no trailer to put /Encrypt in")
	}
	// /Encrypt straddling the boundary of two reads.
	straddling := append(append(bytes.Repeat([]byte("%"), 256<<10-4), []byte("/Encrypt")...), '\n')
	straddling = append(append([]byte(nil), plainPDF[:9]...), straddling...)
	odt := odf(t, "text", "1.2")
	encryptedODT := zipOf(t, true, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
		[2]string{"META-INF/manifest.xml", `<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`})
	cases := []struct {
		name    string
		content []byte
		want    string // part of the reason, "" for not protected
	}{
		{"plain PDF", plainPDF, ""},
		{"encrypted PDF", encryptedPDF, "/Encrypt"},
		{"encrypted PDF, token across reads", straddling, "/Encrypt"},
		{"Word 97-2003", makeOLE2("WordDocument"), ""},
		{"encrypted Office Open XML", makeOLE2("EncryptionInfo", "EncryptedPackage"), "EncryptedPackage"},
		{"OpenDocument", odt, ""},
		{"OpenDocument with a password", encryptedODT, "encryption-data"},
		{"ZIP entry with a password", zipWithEncryptedEntry(t), "wachtwoord"},
		{"Office Open XML", ooxml(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml"), ""},
		{"text", []byte("hallo"), ""},
		{"empty", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "inhoud")
			if err := os.WriteFile(path, c.content, 0o600); err != nil {
				t.Fatal(err)
			}
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			why, err := Beveiligd(fh, int64(len(c.content)))
			if err != nil {
				t.Fatalf("Beveiligd: %v", err)
			}
			if c.want == "" && why != "" || c.want != "" && !strings.Contains(why, c.want) {
				t.Errorf("Beveiligd = %q, want %q", why, c.want)
			}
		})
	}
}

func TestBeveiligdReportsReadErrors(t *testing.T) {
	if _, err := Beveiligd(failingReaderAt{}, 100); err == nil {
		t.Error("Beveiligd of an unreadable file gave no error")
	}
}

func zipWithEncryptedEntry(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "geheim.txt", Method: zip.Store, Flags: 0x1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("versleuteld")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
