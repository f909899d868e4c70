package dossier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// This file holds the entry points for information that organisations recorded in their own
// zaaksystemen and that a collector (package dossier/zgw) brings in. They apply the same rules
// as the capture API: who may do what is the agreement's decision, never the collector's.

// GeimporteerdeZaak is a zaak found in an organisation's own zaaksysteem.
type GeimporteerdeZaak struct {
	NieuweZaak
	// Sinds is when the zaak got its first status there: the start of the first phase. Zero
	// means now.
	Sinds time.Time
	// Statustoelichting goes with the first status.
	Statustoelichting string
	// Bron says where the zaak was found, e.g. its URL in the organisation's Zaken API; it is
	// recorded in the audit trail.
	Bron string
}

// ImportZaak registers a zaak that an organisation recorded in its own zaaksysteem (CreateZaak
// is the same with the first status dated now). The rules
// are CreateZaak's (only the organisation responsible for the first phase, a zaaktype of the
// agreement, the next identificatie of the bronorganisatie), but the first status is dated
// Sinds, so that the statuses that follow can carry the dates they had at the source.
// vastleggen, when not nil, runs inside the transaction that registers the zaak: the collector
// records there, atomically, which source zaak the dossier came from.
func (s *Service) ImportZaak(ctx context.Context, actor Actor, n GeimporteerdeZaak, vastleggen func(ctx context.Context, tx *sqldb.Tx, z *Zaak) error) (*Zaak, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	if n.Zaaktype == "" {
		return nil, invalid("zaaktype", "is required")
	}
	zt, ok := s.afspraak.Zaaktype(n.Zaaktype)
	if !ok {
		return nil, invalid("zaaktype", "%q is not a zaaktype of the agreement", n.Zaaktype)
	}
	if err := errors.Join(checkText("omschrijving", n.Omschrijving, maxOmschrijving, true),
		checkText("toelichting", n.Toelichting, maxTekst, false), checkText("initiator", n.Initiator, 200, false),
		checkText("statustoelichting", n.Statustoelichting, maxTekst, false)); err != nil {
		return nil, firstFout(err)
	}
	now := s.now()
	sinds := n.Sinds
	if sinds.IsZero() {
		sinds = now
	}
	if sinds.After(now.Add(time.Minute)) {
		return nil, invalid("datumStatusGezet", "%s lies in the future", sinds.Format(time.RFC3339))
	}
	eerste := zt.Eerste()
	if actor.Organisatie != eerste.Verantwoordelijke {
		rule := fmt.Sprintf("alleen %s, verantwoordelijk voor fase %d %q, mag een zaak van zaaktype %s registreren",
			eerste.Verantwoordelijke, eerste.Volgnummer, eerste.Omschrijving, zt.Identificatie)
		err := refused(rule)
		s.recordRefusal(ctx, actor, "", 0, "zaak.aangemaakt", err, now)
		return nil, err
	}
	bron, ok := s.afspraak.Organisatie(zt.Bronorganisatie)
	if !ok {
		return nil, conflict("bronorganisatie", "bronorganisatie %q of zaaktype %s is not an organisation of the agreement", zt.Bronorganisatie, zt.Identificatie)
	}
	start := DatumIn(sinds, s.loc)
	if n.Startdatum != nil {
		start = *n.Startdatum
		if DatumIn(now, s.loc).Before(start) {
			return nil, invalid("startdatum", "%s lies in the future", start)
		}
	}
	z := &Zaak{
		Bronorganisatie: bron.RSIN, Zaaktype: zt.Identificatie, Omschrijving: n.Omschrijving,
		Toelichting: n.Toelichting, Startdatum: start, Initiator: n.Initiator,
		Vertrouwelijkheidaanduiding: zt.Vertrouwelijkheidaanduiding, Fase: eerste.Volgnummer, FaseSinds: sinds,
		Archief: Archief{Archiefstatus: ArchiefstatusNogTeArchiveren}, Aangemaakt: now, Gewijzigd: now,
	}
	if zt.Doorlooptijd != "" {
		if d, err := afspraak.ParseDuur(zt.Doorlooptijd); err == nil {
			g := Datum{d.AddTo(start.Time())}
			z.EinddatumGepland = &g
		}
	}
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		nr, err := nextZaaknummer(ctx, tx, bron.RSIN, start.Time().Year())
		if err != nil {
			return err
		}
		z.Identificatie = fmt.Sprintf("ZAAK-%d-%07d", start.Time().Year(), nr)
		if err := insertZaak(ctx, tx, z); err != nil {
			return err
		}
		st := Status{ID: newID(), Volgnummer: eerste.Volgnummer, DatumStatusGezet: sinds, Statustoelichting: n.Statustoelichting,
			Organisatie: actor.Organisatie, Geregistreerd: now}
		if err := insertStatus(ctx, tx, z.Identificatie, st); err != nil {
			return err
		}
		details := map[string]any{"zaaktype": z.Zaaktype, "omschrijving": z.Omschrijving, "startdatum": z.Startdatum,
			"status": eerste.Omschrijving, "datumStatusGezet": sinds}
		if n.Bron != "" {
			details["bron"] = n.Bron
		}
		_, err = appendAudit(ctx, tx, z.Identificatie, actor, z.Fase, "zaak.aangemaakt", details, now)
		if err != nil {
			return err
		}
		if vastleggen != nil {
			return vastleggen(ctx, tx, z)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("register zaak: %w", err)
	}
	s.log.InfoContext(ctx, "zaak registered", "zaak", z.Identificatie, "zaaktype", z.Zaaktype, "organisatie", actor.Organisatie, "bron", n.Bron)
	return z, nil
}

// DocumentVersie is an earlier version of a document, kept when a newer one replaced it.
type DocumentVersie struct {
	Versie int `json:"versie"`
	Document
	// Vervangen is when the next version replaced this one.
	Vervangen time.Time `json:"vervangen"`
}

// AddDocumentVersie records a new version of a document of the zaak: new content and metadata
// under the same document. The organisation must be allowed to record the document's
// informatieobjecttype in the current phase, and a document that became definitief (or
// gearchiveerd) no longer changes. The version it replaces is kept. It returns the document as
// it is now and its version number.
func (s *Service) AddDocumentVersie(ctx context.Context, actor Actor, zaak, document string, m DocumentMetadata, content io.Reader) (*Document, int, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, 0, err
	}
	var fase, versie int
	var iot *afspraak.Informatieobjecttype
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		z, err := getZaak(ctx, tx, zaak)
		if err != nil {
			return err
		}
		fase = z.Fase
		zt, err := s.zaaktypeOf(z)
		if err != nil {
			return err
		}
		if err := s.checkDocumentMetadata(zt, &m); err != nil {
			return err
		}
		iot, _ = zt.Informatieobjecttype(m.Informatieobjecttype)
		cur, v, err := getDocument(ctx, tx, zaak, document)
		if err != nil {
			return err
		}
		versie = v
		return s.checkNieuweVersie(z, zt, actor, cur, m)
	})
	if err != nil {
		if errors.Is(err, ErrRefused) || errors.Is(err, ErrConflict) {
			s.recordRefusal(ctx, actor, zaak, fase, "document.nieuwe_versie", err, s.now())
		}
		return nil, 0, err
	}
	sha, size, created, err := s.putInhoud(ctx, iot, content)
	if err != nil {
		return nil, 0, err
	}
	var out Document
	err = s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortDocument, naam: m.Informatieobjecttype, actie: "document.nieuwe_versie",
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			cur, v, err := getDocument(ctx, tx, zaak, document)
			if err != nil {
				return nil, err
			}
			if v != versie {
				return nil, conflict("documentversie", "document %s changed meanwhile (version %d, expected %d): retry", document, v, versie)
			}
			if err := s.checkNieuweVersie(z, zt, actor, cur, m); err != nil {
				return nil, err
			}
			rc, err := s.blobs.Open(ctx, sha)
			if err != nil {
				return nil, fmt.Errorf("content %s vanished before it was recorded (retry): %w", sha, err)
			}
			rc.Close()
			out = Document{ID: cur.ID, Informatieobjecttype: m.Informatieobjecttype, Titel: m.Titel, Auteur: m.Auteur,
				Creatiedatum: *m.Creatiedatum, Vertrouwelijkheidaanduiding: m.Vertrouwelijkheidaanduiding, Taal: m.Taal,
				Bestandsnaam: m.Bestandsnaam, Formaat: m.Formaat, Status: DocumentstatusInBewerking, Bestandsomvang: size, SHA256: sha,
				Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			if iot, ok := zt.Informatieobjecttype(out.Informatieobjecttype); ok && iot.Archivering.DefinitiefInFase != 0 && z.Fase >= iot.Archivering.DefinitiefInFase {
				out.Status = DocumentstatusDefinitief
			}
			if err := vervangDocument(ctx, tx, zaak, cur, v, &out, now); err != nil {
				return nil, err
			}
			versie = v + 1
			return map[string]any{"document": out.ID, "versie": versie, "informatieobjecttype": out.Informatieobjecttype, "titel": out.Titel,
				"bestandsnaam": out.Bestandsnaam, "bestandsomvang": size, "sha256": sha, "vorigeSha256": cur.SHA256}, nil
		}})
	if err != nil {
		if created {
			s.dropUnheldBlob(context.WithoutCancel(ctx), sha)
		}
		return nil, 0, err
	}
	s.log.InfoContext(ctx, "document version added", "zaak", zaak, "organisatie", actor.Organisatie, "document", out.ID, "versie", versie)
	return &out, versie, nil
}

// checkNieuweVersie applies the rules for a new version of cur: same informatieobjecttype, not
// yet definitief, and the agreement lets actor record the type in the zaak's phase.
func (s *Service) checkNieuweVersie(z *Zaak, zt *afspraak.Zaaktype, actor Actor, cur *Document, m DocumentMetadata) error {
	if z.Archief.Archiefstatus != ArchiefstatusNogTeArchiveren {
		return conflict("gearchiveerde zaak", "zaak %s has archiefstatus %s: its parts can no longer be changed", z.Identificatie, z.Archief.Archiefstatus)
	}
	if cur.Informatieobjecttype != m.Informatieobjecttype {
		return invalid("informatieobjecttype", "a new version of document %s must keep informatieobjecttype %q, not %q", cur.ID, cur.Informatieobjecttype, m.Informatieobjecttype)
	}
	if cur.Status == DocumentstatusDefinitief || cur.Status == DocumentstatusGearchiveerd {
		return conflict("document definitief", "document %s (%s %q) is %s: it no longer changes, a new version is not accepted",
			cur.ID, cur.Informatieobjecttype, cur.Titel, cur.Status)
	}
	if ok, rule := zt.MagVastleggen(z.Fase, actor.Organisatie, afspraak.SoortDocument, m.Informatieobjecttype); !ok {
		return refused(rule)
	}
	return nil
}

// getDocument reads one document of a zaak and its version number.
func getDocument(ctx context.Context, tx *sqldb.Tx, zaak, id string) (*Document, int, error) {
	var doc Document
	var creatie, geregistreerd string
	var versie int
	err := tx.QueryRow(ctx, `SELECT id, informatieobjecttype, titel, auteur, creatiedatum, vertrouwelijkheidaanduiding, taal,
		bestandsnaam, formaat, status, bestandsomvang, sha256, fase, organisatie, geregistreerd, versie
		FROM documenten WHERE zaak = ? AND id = ?`, zaak, id).Scan(&doc.ID, &doc.Informatieobjecttype, &doc.Titel, &doc.Auteur, &creatie,
		&doc.Vertrouwelijkheidaanduiding, &doc.Taal, &doc.Bestandsnaam, &doc.Formaat, &doc.Status, &doc.Bestandsomvang, &doc.SHA256,
		&doc.Fase, &doc.Organisatie, &geregistreerd, &versie)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, notFound("document %s is not in zaak %s", id, zaak)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read document %s: %w", id, err)
	}
	var e1, e2 error
	doc.Creatiedatum, e1 = ParseDatum(creatie)
	doc.Geregistreerd, e2 = parseTime(geregistreerd)
	if err := errors.Join(e1, e2); err != nil {
		return nil, 0, fmt.Errorf("read document %s: %w", id, err)
	}
	return &doc, versie, nil
}

// DocumentVersies returns the version number of a document and its earlier versions, oldest
// first; a document outside the actor's autorisatie is not there, earlier versions above its
// level are left out.
func (s *Service) DocumentVersies(ctx context.Context, actor Actor, zaak, document string) (int, []DocumentVersie, error) {
	if err := requireRole(actor, rolesThatRead...); err != nil {
		return 0, nil, err
	}
	var versie int
	var out []DocumentVersie
	onzichtbaar := false
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		z, err := getZaak(ctx, tx, zaak)
		if err != nil {
			return err
		}
		var cur *Document
		if cur, versie, err = getDocument(ctx, tx, zaak, document); err != nil {
			return err
		}
		if !s.documentZichtbaar(actor, z, cur) || !s.zaakZichtbaar(actor, z) {
			onzichtbaar = true
			return notFound("document %s is not in zaak %s", document, zaak)
		}
		return each(ctx, tx, `SELECT versie, informatieobjecttype, titel, auteur, creatiedatum, vertrouwelijkheidaanduiding, taal,
			bestandsnaam, formaat, status, bestandsomvang, sha256, fase, organisatie, geregistreerd, vervangen
			FROM documentversies WHERE document = ? ORDER BY versie`, document, func(r *sql.Rows) error {
			v := DocumentVersie{Document: Document{ID: document}}
			var creatie, geregistreerd, vervangen string
			if err := r.Scan(&v.Versie, &v.Informatieobjecttype, &v.Titel, &v.Auteur, &creatie, &v.Vertrouwelijkheidaanduiding, &v.Taal,
				&v.Bestandsnaam, &v.Formaat, &v.Status, &v.Bestandsomvang, &v.SHA256, &v.Fase, &v.Organisatie, &geregistreerd, &vervangen); err != nil {
				return err
			}
			var e1, e2, e3 error
			v.Creatiedatum, e1 = ParseDatum(creatie)
			v.Geregistreerd, e2 = parseTime(geregistreerd)
			v.Vervangen, e3 = parseTime(vervangen)
			if s.documentZichtbaar(actor, z, &v.Document) {
				out = append(out, v)
			}
			return errors.Join(e1, e2, e3)
		})
	})
	if onzichtbaar {
		s.logWeigering(ctx, actor, zaak, document, "document.versies", "document buiten de autorisatie")
	}
	if err != nil {
		return 0, nil, fmt.Errorf("document versions of %s: %w", document, err)
	}
	return versie, out, nil
}

// vervangDocument keeps cur, version v of a document of zaak, among its earlier versions and
// makes out its version v+1.
func vervangDocument(ctx context.Context, tx *sqldb.Tx, zaak string, cur *Document, v int, out *Document, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO documentversies (document, versie, zaak, informatieobjecttype, titel, auteur, creatiedatum,
		vertrouwelijkheidaanduiding, taal, bestandsnaam, formaat, status, bestandsomvang, sha256, fase, organisatie, geregistreerd, vervangen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cur.ID, v, zaak, cur.Informatieobjecttype, cur.Titel, cur.Auteur, cur.Creatiedatum.String(), cur.Vertrouwelijkheidaanduiding,
		cur.Taal, cur.Bestandsnaam, cur.Formaat, cur.Status, cur.Bestandsomvang, cur.SHA256, cur.Fase, cur.Organisatie,
		fmtTime(cur.Geregistreerd), fmtTime(now))
	if err != nil {
		return fmt.Errorf("keep version %d of document %s: %w", v, cur.ID, err)
	}
	_, err = tx.Exec(ctx, `UPDATE documenten SET titel = ?, auteur = ?, creatiedatum = ?, vertrouwelijkheidaanduiding = ?, taal = ?,
		bestandsnaam = ?, formaat = ?, status = ?, bestandsomvang = ?, sha256 = ?, fase = ?, organisatie = ?, geregistreerd = ?, versie = ?
		WHERE id = ? AND zaak = ?`,
		out.Titel, out.Auteur, out.Creatiedatum.String(), out.Vertrouwelijkheidaanduiding, out.Taal, out.Bestandsnaam, out.Formaat,
		out.Status, out.Bestandsomvang, out.SHA256, out.Fase, out.Organisatie, fmtTime(now), v+1, cur.ID, zaak)
	if err != nil {
		return fmt.Errorf("update document %s: %w", cur.ID, err)
	}
	return nil
}
