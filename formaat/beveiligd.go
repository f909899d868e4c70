package formaat

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

var (
	pdfEncrypt = []byte("/Encrypt")
	zipMagic   = []byte("PK\x03\x04")
	// cfbEncrypted are the stream names of an encrypted Office Open XML file, which Office
	// stores in a compound file instead of a ZIP ([MS-OFFCRYPTO] 2.3.4.4), in UTF-16LE.
	cfbEncrypted = [][]byte{utf16le("EncryptedPackage"), utf16le("EncryptionInfo")}
)

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// maxManifest bounds the OpenDocument manifest read to look for encryption data.
const maxManifest = 16 << 20

// Beveiligd reports why the size bytes readable from r are password protected or encrypted, so
// that an e-Depot cannot preserve them, or "" when they are not: a PDF with an encryption
// dictionary (/Encrypt), an Office file that Office encrypted into a compound file
// (EncryptedPackage), and a ZIP-based file (OpenDocument, Office Open XML) with an entry
// encrypted by a password or an OpenDocument manifest with encryption data. The reason is in
// Dutch, for the user. An error means r could not be read.
func Beveiligd(r io.ReaderAt, size int64) (string, error) {
	head := make([]byte, min(size, 8))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("beveiliging: lees begin: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF")):
		found, err := contains(r, size, [][]byte{pdfEncrypt})
		if err != nil || found < 0 {
			return "", err
		}
		return "PDF is versleuteld (/Encrypt in het document): met een wachtwoord beveiligd", nil
	case bytes.Equal(head, oleSignature):
		found, err := contains(r, size, cfbEncrypted)
		if err != nil || found < 0 {
			return "", err
		}
		return "Office-bestand is versleuteld (EncryptedPackage): met een wachtwoord beveiligd", nil
	case bytes.HasPrefix(head, zipMagic):
		return ZIPBeveiligd(r, size)
	}
	return "", nil
}

// contains streams r and returns the index of the first token found in it, or -1.
func contains(r io.ReaderAt, size int64, tokens [][]byte) (int, error) {
	const chunk = 256 << 10
	buf := make([]byte, chunk)
	var tail []byte
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[:min(int64(chunk), size-off)], off)
		if n > 0 {
			win := append(tail, buf[:n]...)
			for i, t := range tokens {
				if bytes.Contains(win, t) {
					return i, nil
				}
			}
			keep := min(len(win), 32)
			tail = append(tail[:0:0], win[len(win)-keep:]...)
			off += int64(n)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return -1, fmt.Errorf("beveiliging: lees op %d: %w", off, err)
		}
		if n == 0 {
			break
		}
	}
	return -1, nil
}

// ZIPBeveiligd looks inside a ZIP-based file (OpenDocument, Office Open XML): an entry encrypted
// with a password (general purpose flag bit 0), or an OpenDocument manifest with
// manifest:encryption-data, makes it password protected. A file that is no readable ZIP gives
// "" (the format check has its own say about it).
func ZIPBeveiligd(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", nil
	}
	for _, zf := range zr.File {
		if zf.Flags&0x1 != 0 {
			return fmt.Sprintf("ZIP-onderdeel %s is met een wachtwoord versleuteld", zf.Name), nil
		}
		if zf.Name == "META-INF/manifest.xml" {
			rc, err := zf.Open()
			if err != nil {
				return "", nil
			}
			b, err := io.ReadAll(io.LimitReader(rc, maxManifest))
			rc.Close()
			if err == nil && bytes.Contains(b, []byte("encryption-data")) {
				return "OpenDocument-bestand is met een wachtwoord versleuteld (manifest:encryption-data)", nil
			}
		}
	}
	return "", nil
}
