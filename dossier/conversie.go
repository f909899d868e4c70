package dossier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/formaat"
)

// Conversie is a records manager's new version of a document in a closed zaak: the document
// converted to an archival format, so that a zaak its old content kept from being archived
// can be archived after all.
type Conversie struct {
	// Reden says why the document is converted; it is required and goes into the audit trail.
	Reden string `json:"reden"`
	// Bestandsnaam and Formaat (a MIME type) describe the new content.
	Bestandsnaam string `json:"bestandsnaam"`
	Formaat      string `json:"formaat"`
}

// maxReden is the longest reden of a conversion.
const maxReden = 1000

// ConverteerDocument records, for a records manager, a new version of a document in a closed
// zaak that is not yet archived: the content converted to an archival format. Every other field
// of the document stays. The new content passes the checks of any upload (not empty, not
// password protected, a format the agreement accepts) and must moreover be in a format the
// agreement accepts for the informatieobjecttype or, when it lists none, one of the
// voorkeursformaten. The version it replaces is kept, and the audit trail records the
// conversion with its reden. It returns the document as it is now and its version number.
func (s *Service) ConverteerDocument(ctx context.Context, actor Actor, zaak, document string, c Conversie, content io.Reader) (*Document, int, error) {
	if err := requireRole(actor, RolRecordmanager); err != nil {
		return nil, 0, err
	}
	if err := checkText("reden", c.Reden, maxReden, true); err != nil {
		return nil, 0, err
	}
	if err := checkTekens("bestandsnaam", c.Bestandsnaam); err != nil {
		return nil, 0, err
	}
	c.Bestandsnaam = cleanBestandsnaam(c.Bestandsnaam)
	if err := checkText("bestandsnaam", c.Bestandsnaam, 255, true); err != nil {
		return nil, 0, err
	}
	if !formaatRe.MatchString(c.Formaat) {
		return nil, 0, invalid("formaat", "%q is geen MIME-type", c.Formaat)
	}
	var fase, versie int
	var iot *afspraak.Informatieobjecttype
	onzichtbaar := false
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		z, err := getZaak(ctx, tx, zaak)
		if err != nil {
			return err
		}
		if !s.zaakZichtbaar(actor, z) {
			onzichtbaar = true
			return nietZichtbaar(zaak)
		}
		fase = z.Fase
		zt, err := s.zaaktypeOf(z)
		if err != nil {
			return err
		}
		cur, v, err := getDocument(ctx, tx, zaak, document)
		if err != nil {
			return err
		}
		if !s.documentZichtbaar(actor, z, cur) {
			onzichtbaar = true
			return &Fout{Kind: ErrNotFound, Detail: fmt.Sprintf("document %s niet gevonden", document)}
		}
		versie = v
		iot, _ = zt.Informatieobjecttype(cur.Informatieobjecttype)
		return checkConversie(z, cur)
	})
	if err != nil {
		if onzichtbaar {
			s.logWeigering(ctx, actor, zaak, document, "document.geconverteerd", redenOnzichtbaar)
		}
		if errors.Is(err, ErrConflict) {
			s.recordRefusal(ctx, actor, zaak, fase, "document.geconverteerd", err, s.now())
		}
		return nil, 0, err
	}
	sha, size, created, err := s.putInhoud(ctx, iot, content)
	if err != nil {
		return nil, 0, err
	}
	puid, err := s.checkArchiefformaat(ctx, iot, sha, size)
	if err != nil {
		if created {
			s.dropUnheldBlob(context.WithoutCancel(ctx), sha)
		}
		return nil, 0, err
	}
	var out Document
	err = s.capture(ctx, actor, captureStep{zaak: zaak, actie: "document.geconverteerd", skipAgreement: true,
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			cur, v, err := getDocument(ctx, tx, zaak, document)
			if err != nil {
				return nil, err
			}
			if v != versie {
				return nil, conflict("documentversie", "document %s is intussen gewijzigd (versie %d, verwacht %d): probeer opnieuw", document, v, versie)
			}
			if err := checkConversie(z, cur); err != nil {
				return nil, err
			}
			rc, err := s.blobs.Open(ctx, sha)
			if err != nil {
				return nil, fmt.Errorf("content %s vanished before it was recorded (retry): %w", sha, err)
			}
			rc.Close()
			out = *cur
			out.Bestandsnaam, out.Formaat, out.Bestandsomvang, out.SHA256 = c.Bestandsnaam, c.Formaat, size, sha
			out.Vastlegging = Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}
			if err := vervangDocument(ctx, tx, zaak, cur, v, &out, now); err != nil {
				return nil, err
			}
			z.Gewijzigd = now
			if err := updateZaak(ctx, tx, z); err != nil {
				return nil, err
			}
			versie = v + 1
			return map[string]any{"document": out.ID, "versie": versie, "reden": c.Reden, "titel": out.Titel,
				"bestandsnaam": out.Bestandsnaam, "formaat": out.Formaat, "pronom": puid, "bestandsomvang": size, "sha256": sha,
				"vorigeSha256": cur.SHA256, "vorigeBestandsnaam": cur.Bestandsnaam, "vorigFormaat": cur.Formaat}, nil
		}})
	if err != nil {
		if created {
			s.dropUnheldBlob(context.WithoutCancel(ctx), sha)
		}
		return nil, 0, err
	}
	s.log.InfoContext(ctx, "document converted", "zaak", zaak, "document", out.ID, "versie", versie, "pronom", puid, "token", actor.TokenID)
	return &out, versie, nil
}

// checkConversie applies the rules for a conversion: the zaak is closed and not yet archived,
// and the document is not archived.
func checkConversie(z *Zaak, cur *Document) error {
	if z.Archief.Archiefstatus != ArchiefstatusNogTeArchiveren {
		return conflict("gearchiveerde zaak", "zaak %s heeft archiefstatus %s: zijn documenten veranderen niet meer", z.Identificatie, z.Archief.Archiefstatus)
	}
	if z.Einddatum == nil {
		return conflict("zaak niet afgesloten", "zaak %s is nog open: een nieuwe versie legt de organisatie vast die het document mag vastleggen, een conversie door de recordmanager is er voor afgesloten zaken", z.Identificatie)
	}
	if cur.Status == DocumentstatusGearchiveerd {
		return conflict("document gearchiveerd", "document %s is gearchiveerd", cur.ID)
	}
	return nil
}

// checkArchiefformaat checks that stored content is in an archival format: one the agreement
// accepts for the informatieobjecttype or, when it lists none, a voorkeursformaat. It returns
// the PRONOM identifier.
func (s *Service) checkArchiefformaat(ctx context.Context, iot *afspraak.Informatieobjecttype, sha string, size int64) (string, error) {
	rc, err := s.blobs.Open(ctx, sha)
	if err != nil {
		return "", fmt.Errorf("open content %s to check it: %w", sha, err)
	}
	defer rc.Close()
	ra, err := readerAt(rc)
	if err != nil {
		return "", fmt.Errorf("read content %s to check it: %w", sha, err)
	}
	f, err := formaat.DetectFormaat(ra, size)
	if err != nil {
		return "", fmt.Errorf("detect the format of content %s: %w", sha, err)
	}
	voorkeur, err := formaat.Voorkeursformaten()
	if err != nil {
		return "", err
	}
	lijst := afspraak.Informatieobjecttype{Formaten: []string{afspraak.Voorkeursformaten}}
	if iot != nil && len(iot.Formaten) > 0 {
		lijst = *iot
	}
	if !lijst.AanvaardFormaat(f.PUID, voorkeur) {
		wat := "een onbekend formaat"
		if f.Known() {
			wat = fmt.Sprintf("formaat %s (%s)", f.PUID, f.Naam)
		}
		return "", invalid("inhoud", "de conversie heeft %s, geen archiefformaat: aanvaard zijn %s", wat, strings.Join(lijst.Formaten, ", "))
	}
	return f.PUID, nil
}
