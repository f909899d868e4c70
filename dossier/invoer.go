package dossier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/formaat"
)

// This file holds the checks that refuse, at capture, input that could never be archived: text
// that XML cannot carry and document content that an e-Depot cannot preserve. Finding such
// input years later, when the archive run writes MDTO, would leave the zaak stuck.

// checkText checks a captured text: required when asked, valid UTF-8, only characters XML 1.0
// can carry, and at most max characters.
func checkText(field, v string, max int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid(field, "is required")
	}
	if err := checkTekens(field, v); err != nil {
		return err
	}
	if utf8.RuneCountInString(v) > max {
		return invalid(field, "is longer than %d characters", max)
	}
	return nil
}

// checkTekens refuses what XML 1.0 cannot carry (its production Char): invalid UTF-8, NUL and
// the other C0 control characters except TAB, LF and CR, and U+FFFE and U+FFFF. MDTO is XML, so
// a text holding them could never be archived.
func checkTekens(field, v string) error {
	for i, r := range v {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return invalid(field, "is geen geldige UTF-8: ongeldige byte 0x%02X op positie %d", v[i], i)
		case r == 0xFFFE:
			return invalid(field, "bevat het teken U+FFFE op positie %d, dat XML niet kan bevatten (de ZGW-collector zet het ook in de plaats van tekst die bij de bron geen geldige UTF-8 was)", i)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFF:
			return invalid(field, "bevat het teken U+%04X op positie %d, dat XML niet kan bevatten en dus nooit gearchiveerd kan worden", r, i)
		}
	}
	return nil
}

// putInhoud streams document content of type iot into the blob store and checks it: a document
// must hold bytes, must not be password protected or encrypted (an e-Depot cannot preserve it),
// and must have a format the agreement accepts for its type. Content that is refused and that
// no document held before is removed again, so a refused upload leaves nothing.
func (s *Service) putInhoud(ctx context.Context, iot *afspraak.Informatieobjecttype, content io.Reader) (string, int64, bool, error) {
	sha, size, created, err := s.blobs.Put(ctx, &limitReader{r: content, max: s.maxUpload})
	if err != nil {
		if f, ok := asFout(err); ok {
			return "", 0, false, f
		}
		return "", 0, false, fmt.Errorf("store document content: %w", err)
	}
	if err := s.checkInhoud(ctx, iot, sha, size); err != nil {
		if created {
			s.dropUnheldBlob(context.WithoutCancel(ctx), sha)
		}
		return "", 0, false, err
	}
	return sha, size, created, nil
}

// checkInhoud checks stored content (see putInhoud).
func (s *Service) checkInhoud(ctx context.Context, iot *afspraak.Informatieobjecttype, sha string, size int64) error {
	if size == 0 {
		return invalid("inhoud", "het bestand is leeg (0 bytes): een leeg document kan niet gearchiveerd worden")
	}
	rc, err := s.blobs.Open(ctx, sha)
	if err != nil {
		return fmt.Errorf("open content %s to check it: %w", sha, err)
	}
	defer rc.Close()
	ra, err := readerAt(rc)
	if err != nil {
		return fmt.Errorf("read content %s to check it: %w", sha, err)
	}
	why, err := formaat.Beveiligd(ra, size)
	if err != nil {
		return fmt.Errorf("check content %s for a password: %w", sha, err)
	}
	if why != "" {
		return invalid("inhoud", "%s; een e-Depot kan een beveiligd of versleuteld bestand niet bewaren: lever het zonder wachtwoord aan", why)
	}
	if iot == nil || len(iot.Formaten) == 0 {
		return nil
	}
	f, err := formaat.DetectFormaat(ra, size)
	if err != nil {
		return fmt.Errorf("detect the format of content %s: %w", sha, err)
	}
	voorkeur, err := formaat.Voorkeursformaten()
	if err != nil {
		return err
	}
	if !iot.AanvaardFormaat(f.PUID, voorkeur) {
		wat := "een onbekend formaat"
		if f.Known() {
			wat = fmt.Sprintf("formaat %s (%s)", f.PUID, f.Naam)
		}
		return invalid("inhoud", "het bestand heeft %s; de samenwerkingsafspraak aanvaardt voor informatieobjecttype %q alleen %s",
			wat, iot.Omschrijving, strings.Join(iot.Formaten, ", "))
	}
	return nil
}

// asFout returns the *Fout in err, if any.
func asFout(err error) (*Fout, bool) {
	var f *Fout
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}

// readerAt gives random access to content: the blob store's file itself, or else the content
// read into memory.
func readerAt(rc io.Reader) (io.ReaderAt, error) {
	if ra, ok := rc.(io.ReaderAt); ok {
		return ra, nil
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}
