package sipcheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"zaakarchief/archive/mdto"
	"zaakarchief/formaat"
)

// algoritmen are the checksum algorithms of the begrippenlijst ChecksumAlgoritme, by label.
//
// The label is spelled "SHA-256" (with a hyphen): that is how the archive writes it (see
// mdto.SHA256), and the spelling the NHA schematron names first
// (noord-hollandsarchief/preingest-xslweb, home/webapps/mdtovalidation/sch/mdto.sch: "SHA-224
// (SHA224), SHA-384 (SHA384), SHA-256 (SHA256), of SHA-512 (SHA512)"). That schematron accepts
// the spelling without hyphen too, which the Nationaal Archief's own bestand.xml example uses;
// so does this check, so that a package from another source is not refused for it.
var algoritmen = map[string]func() hash.Hash{
	mdto.SHA224: sha256.New224, "SHA224": sha256.New224,
	mdto.SHA256: sha256.New, "SHA256": sha256.New,
	mdto.SHA384: sha512.New384, "SHA384": sha512.New384,
	mdto.SHA512: sha512.New, "SHA512": sha512.New,
}

// inhoud is what reading a content file found.
type inhoud struct {
	grootte   int64
	algoritme string // the label the sum was computed for ("" when the sidecar names none usable)
	som       string
	beveiligd string // why the file is password protected, or ""
}

// zipLimit bounds the size of a ZIP-based file read into memory to look inside it, when the FS
// cannot read it at an offset.
const zipLimit = 256 << 20

// leesBestanden reads every content file once: its size, its checksum with the algorithm its
// sidecar names, and whether it is password protected.
func (p *pakket) leesBestanden(ctx context.Context) (map[string]*inhoud, error) {
	out := map[string]*inhoud{}
	for _, e := range p.objecten() {
		if e.dir {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		algo := mdto.SHA256
		if pad, ok := p.vindSidecar(e); ok {
			if s := p.sidecars[pad]; s.bestand != nil && len(s.bestand.Checksum) == 1 {
				algo = s.bestand.Checksum[0].Algoritme.Label
			}
		}
		in, err := p.leesBestand(e.pad, algo)
		if err != nil {
			return nil, fmt.Errorf("sipcheck: lees %s: %w", e.pad, err)
		}
		out[e.pad] = in
	}
	return out, nil
}

var (
	pdfEncrypt = []byte("/Encrypt")
	cfbMagic   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
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

// headTail is how much of the start and of the end of a PDF with a known checksum is read
// for its encryption dictionary, which the trailer names (at the end of the file, and for a
// linearized PDF at its start as well).
const headTail = 1 << 20

func (p *pakket) leesBestand(pad, algo string) (*inhoud, error) {
	f, err := p.fsys.Open(pad)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in := &inhoud{}
	var h hash.Hash
	bekend, isBekend := p.bekend[pad]
	switch mk, ok := algoritmen[algo]; {
	case isBekend && ok && strings.EqualFold(strings.ReplaceAll(algo, "-", ""), "SHA256"):
		in.algoritme, in.som, in.grootte = algo, bekend.SHA256, bekend.Grootte
	case ok:
		h, in.algoritme = mk(), algo
	}
	var head []byte
	var tokens [][]byte
	found := -1
	var tail []byte
	var read int64
	buf := make([]byte, 256<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if h != nil {
				h.Write(chunk)
			}
			if len(head) < 8 {
				head = append(head, chunk[:min(len(chunk), 8-len(head))]...)
				if len(head) >= 4 && tokens == nil {
					switch {
					case bytes.HasPrefix(head, []byte("%PDF")):
						tokens = [][]byte{pdfEncrypt}
					case len(head) == 8 && bytes.Equal(head, cfbMagic):
						tokens = cfbEncrypted
					}
				}
			}
			if found < 0 && tokens != nil {
				win := append(tail, chunk...)
				for i, t := range tokens {
					if bytes.Contains(win, t) {
						found = i
						break
					}
				}
				keep := min(len(win), 32)
				tail = append([]byte(nil), win[len(win)-keep:]...)
			}
			read += int64(n)
			if !isBekend || h != nil {
				in.grootte = read
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if isBekend && h == nil && len(head) >= 8 {
			// The content is known: read only as far as the password check needs.
			if found >= 0 || (tokens == nil && !bytes.HasPrefix(head, zipMagic)) {
				break
			}
			if sk, ok := f.(io.Seeker); ok && tokens != nil && !bytes.Equal(tokens[0], cfbEncrypted[0]) &&
				read >= headTail && bekend.Grootte > read+headTail {
				if _, err := sk.Seek(bekend.Grootte-headTail, io.SeekStart); err == nil {
					read, tail = bekend.Grootte-headTail, nil
				} // else read on: the middle is scanned too

			}
		}
	}
	if h != nil {
		in.som = hex.EncodeToString(h.Sum(nil))
	}
	switch {
	case found >= 0 && bytes.Equal(tokens[found], pdfEncrypt):
		in.beveiligd = "PDF is versleuteld (/Encrypt in het document): met een wachtwoord beveiligd"
	case found >= 0:
		in.beveiligd = "Office-bestand is versleuteld (EncryptedPackage): met een wachtwoord beveiligd"
	case bytes.HasPrefix(head, zipMagic):
		why, err := p.zipBeveiligd(f, pad, in.grootte)
		if err != nil {
			return nil, err
		}
		in.beveiligd = why
	}
	return in, nil
}

// zipBeveiligd looks inside a ZIP-based file (OpenDocument, Office Open XML): an entry encrypted
// with a password (general purpose flag bit 0), or an OpenDocument manifest with
// manifest:encryption-data, makes it password protected.
func (p *pakket) zipBeveiligd(f fs.File, pad string, size int64) (string, error) {
	ra, ok := f.(io.ReaderAt)
	if !ok {
		if size > zipLimit {
			return "", nil // too big to look inside without random access; the format check still applies
		}
		b, err := fs.ReadFile(p.fsys, pad)
		if err != nil {
			return "", err
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	return formaat.ZIPBeveiligd(ra, size)
}

// checksum checks every bestand's checksum and omvang against its content (mdto.sch: exactly
// one checksum, an algorithm from the list, a value; ContainerChecksumHandler.cs and
// preingest-mdto-utilities' fixity.py: the value recomputed from the file).
func (p *pakket) checksum(bin map[string]*inhoud) Resultaat {
	var r Resultaat
	for _, e := range p.objecten() {
		if e.dir {
			continue
		}
		pad, ok := p.vindSidecar(e)
		if !ok || p.sidecars[pad].bestand == nil {
			continue // reported by the sidecar and aggregation checks
		}
		b, in := p.sidecars[pad].bestand, bin[e.pad]
		r.Gecontroleerd++
		if om, err := strconv.ParseInt(strings.TrimSpace(b.Omvang), 10, 64); err != nil || om != in.grootte {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("omvang %q klopt niet: het bestand is %d bytes", b.Omvang, in.grootte)})
		}
		if n := len(b.Checksum); n != 1 {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("heeft %d checksums, verwacht precies één", n)})
			continue
		}
		c := b.Checksum[0]
		if _, ok := algoritmen[c.Algoritme.Label]; !ok {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("checksumAlgoritme %q is niet SHA-224, SHA-256, SHA-384 of SHA-512", c.Algoritme.Label)})
			continue
		}
		if c.Algoritme.Lijst.Naam != mdto.BegrippenlijstChecksumAlgoritme {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("checksumAlgoritme komt uit %q, verwacht %q", c.Algoritme.Lijst.Naam, mdto.BegrippenlijstChecksumAlgoritme)})
		}
		w := strings.TrimSpace(c.Waarde)
		switch {
		case w == "":
			r.Fouten = append(r.Fouten, Fout{pad, "checksumWaarde is leeg"})
		case !strings.EqualFold(w, in.som):
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("checksumWaarde %s klopt niet met de inhoud van %s (%s %s)", w, path.Base(e.pad), in.algoritme, in.som)})
		}
	}
	return r
}

// wachtwoord reports password-protected files (PasswordDetectionHandler.cs).
func (p *pakket) wachtwoord(bin map[string]*inhoud) Resultaat {
	var r Resultaat
	for _, pad := range sortedKeys(bin) {
		r.Gecontroleerd++
		if why := bin[pad].beveiligd; why != "" {
			r.Fouten = append(r.Fouten, Fout{pad, why})
		}
	}
	return r
}

func sortStrings(s []string) { sort.Strings(s) }
