package dossier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// NieuweZaak is what an organisation sends to register a zaak.
type NieuweZaak struct {
	Zaaktype     string `json:"zaaktype"`
	Omschrijving string `json:"omschrijving"`
	Toelichting  string `json:"toelichting"`
	Startdatum   *Datum `json:"startdatum"`
	Initiator    string `json:"initiator"`
}

// CreateZaak registers a new zaak in its first phase. Only the organisation responsible for
// that phase may do so; the zaak gets the next identificatie of its bronorganisatie.
func (s *Service) CreateZaak(ctx context.Context, actor Actor, n NieuweZaak) (*Zaak, error) {
	return s.ImportZaak(ctx, actor, GeimporteerdeZaak{NieuweZaak: n}, nil)
}

// firstFout returns the first *Fout in a joined error, so that a client gets one field to fix
// with a clear status code.
func firstFout(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var f *Fout
			if errors.As(e, &f) {
				return f
			}
		}
	}
	return err
}

func insertStatus(ctx context.Context, tx *sqldb.Tx, zaak string, st Status) error {
	_, err := tx.Exec(ctx, `INSERT INTO statussen (id, zaak, volgnummer, datum_status_gezet, statustoelichting, organisatie, geregistreerd)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, st.ID, zaak, st.Volgnummer, fmtTime(st.DatumStatusGezet), st.Statustoelichting, st.Organisatie, fmtTime(st.Geregistreerd))
	if err != nil {
		return fmt.Errorf("insert status: %w", err)
	}
	return nil
}

// NieuweStatus moves a zaak to another phase. Statustype names the phase by its omschrijving;
// Volgnummer may be given instead.
type NieuweStatus struct {
	Statustype        string     `json:"statustype"`
	Volgnummer        int        `json:"volgnummer"`
	DatumStatusGezet  *time.Time `json:"datumStatusGezet"`
	Statustoelichting string     `json:"statustoelichting"`
}

// SetStatus moves the zaak to another phase when the agreement knows the transition (409
// otherwise) and allows this organisation to make it (403 otherwise). The eindstatus needs a
// resultaat, sets the einddatum and derives the archival fields; a non-final status on a closed
// zaak reopens it and clears them.
func (s *Service) SetStatus(ctx context.Context, actor Actor, zaak string, n NieuweStatus) (*Status, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	if err := checkText("statustoelichting", n.Statustoelichting, maxTekst, false); err != nil {
		return nil, err
	}
	if n.Statustype == "" && n.Volgnummer == 0 {
		return nil, invalid("statustype", "is required")
	}
	var out Status
	err := s.capture(ctx, actor, captureStep{zaak: zaak, actie: "status.gezet", skipAgreement: true,
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			var st *afspraak.Statustype
			var ok bool
			if n.Statustype != "" {
				st, ok = zt.StatustypeByOmschrijving(n.Statustype)
			} else {
				st, ok = zt.Statustype(n.Volgnummer)
			}
			if !ok || (n.Volgnummer != 0 && st.Volgnummer != n.Volgnummer) {
				return nil, invalid("statustype", "%q (volgnummer %d) is not a statustype of zaaktype %s", n.Statustype, n.Volgnummer, zt.Identificatie)
			}
			gezet := now
			if n.DatumStatusGezet != nil {
				gezet = *n.DatumStatusGezet
				if gezet.After(now.Add(time.Minute)) {
					return nil, invalid("datumStatusGezet", "%s lies in the future", gezet.Format(time.RFC3339))
				}
				if DatumIn(gezet, s.loc).Before(z.Startdatum) {
					return nil, invalid("datumStatusGezet", "%s is before the startdatum %s", gezet.Format(time.RFC3339), z.Startdatum)
				}
				if gezet.Before(z.FaseSinds) {
					return nil, invalid("datumStatusGezet", "%s is before the current status was set (%s): the history of a zaak runs forward",
						gezet.Format(time.RFC3339), z.FaseSinds.Format(time.RFC3339))
				}
			}
			allowed, known, rule := zt.MagOvergang(z.Fase, st.Volgnummer, actor.Organisatie)
			if !known {
				return nil, conflict(rule, "%s", rule)
			}
			if !allowed {
				return nil, refused(rule)
			}
			van := z.Fase
			z.Fase, z.FaseSinds, z.Gewijzigd = st.Volgnummer, gezet, now
			details := map[string]any{"van": van, "naar": st.Volgnummer, "statustype": st.Omschrijving, "datumStatusGezet": gezet}
			if st.IsEindstatus {
				var heeft int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM resultaten WHERE zaak = ?`, z.Identificatie).Scan(&heeft); err != nil {
					return nil, fmt.Errorf("read resultaat: %w", err)
				}
				if heeft == 0 {
					return nil, conflict("eindstatus vereist resultaat", "the eindstatus %q needs a resultaat first", st.Omschrijving)
				}
				eind := DatumIn(gezet, s.loc)
				z.Einddatum = &eind
				if err := s.closeZaak(ctx, tx, z); err != nil {
					return nil, err
				}
				details["einddatum"] = eind
				details["archief"] = z.Archief
			} else if z.Einddatum != nil {
				z.Einddatum = nil
				z.Archief = Archief{Archiefstatus: ArchiefstatusNogTeArchiveren}
				details["heropend"] = true
			}
			if err := updateZaak(ctx, tx, z); err != nil {
				return nil, err
			}
			out = Status{ID: newID(), Volgnummer: st.Volgnummer, Statustype: st.Omschrijving, DatumStatusGezet: gezet,
				Statustoelichting: n.Statustoelichting, Organisatie: actor.Organisatie, Geregistreerd: now}
			if err := insertStatus(ctx, tx, z.Identificatie, out); err != nil {
				return nil, err
			}
			return details, markDefinitief(ctx, tx, z, zt)
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// closeZaak derives the archival fields of a zaak that reaches its eindstatus.
func (s *Service) closeZaak(ctx context.Context, tx *sqldb.Tx, z *Zaak) error {
	z.Archief = Archief{Archiefstatus: ArchiefstatusNogTeArchiveren}
	if s.archief == nil {
		return nil
	}
	if err := updateZaak(ctx, tx, z); err != nil {
		return err
	}
	d, err := loadDossier(ctx, tx, z.Identificatie)
	if err != nil {
		return err
	}
	a, err := s.archief.Bepaal(ctx, tx, d)
	if err != nil {
		var f *Fout
		if errors.As(err, &f) {
			return err
		}
		return conflict("archiefactiedatum", "the eindstatus is refused: %v", err)
	}
	z.Archief = a
	return nil
}

// markDefinitief makes documents final once the zaak reaches the phase in which the agreement
// says their type becomes definitief.
func markDefinitief(ctx context.Context, tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype) error {
	for _, iot := range zt.Informatieobjecttypen {
		if iot.Archivering.DefinitiefInFase == 0 || z.Fase < iot.Archivering.DefinitiefInFase {
			continue
		}
		_, err := tx.Exec(ctx, `UPDATE documenten SET status = ? WHERE zaak = ? AND informatieobjecttype = ? AND status IN (?, ?)`,
			DocumentstatusDefinitief, z.Identificatie, iot.Omschrijving, DocumentstatusInBewerking, DocumentstatusTerVaststelling)
		if err != nil {
			return fmt.Errorf("mark documents definitief: %w", err)
		}
	}
	return nil
}

// DocumentMetadata is the metadata part of a document upload.
type DocumentMetadata struct {
	Informatieobjecttype        string `json:"informatieobjecttype"`
	Titel                       string `json:"titel"`
	Auteur                      string `json:"auteur"`
	Creatiedatum                *Datum `json:"creatiedatum"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
	Taal                        string `json:"taal"`
	Bestandsnaam                string `json:"bestandsnaam"`
	Formaat                     string `json:"formaat"`
}

var (
	taalRe    = regexp.MustCompile(`^[a-z]{3}$`)
	formaatRe = regexp.MustCompile(`^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$`)
)

// cleanBestandsnaam keeps only the last element of a client's file name: it is metadata, never
// a path.
func cleanBestandsnaam(n string) string {
	n = strings.ReplaceAll(n, "\\", "/")
	n = path.Base(strings.TrimSpace(n))
	if n == "." || n == "/" || n == ".." {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
}

func (s *Service) checkDocumentMetadata(zt *afspraak.Zaaktype, m *DocumentMetadata) error {
	if m.Informatieobjecttype == "" {
		return invalid("informatieobjecttype", "is required")
	}
	iot, ok := zt.Informatieobjecttype(m.Informatieobjecttype)
	if !ok {
		return invalid("informatieobjecttype", "%q is not an informatieobjecttype of zaaktype %s", m.Informatieobjecttype, zt.Identificatie)
	}
	if err := errors.Join(checkText("titel", m.Titel, 200, true), checkText("auteur", m.Auteur, 200, true)); err != nil {
		return firstFout(err)
	}
	if m.Creatiedatum == nil {
		return invalid("creatiedatum", "is required")
	}
	if m.Vertrouwelijkheidaanduiding == "" {
		m.Vertrouwelijkheidaanduiding = iot.Vertrouwelijkheidaanduiding
	}
	if _, ok := VertrouwelijkheidNiveau(m.Vertrouwelijkheidaanduiding); !ok {
		return invalid("vertrouwelijkheidaanduiding", "%q is not one of %v", m.Vertrouwelijkheidaanduiding, Vertrouwelijkheidaanduidingen)
	}
	if m.Taal == "" {
		m.Taal = defaultTaal
	}
	if !taalRe.MatchString(m.Taal) {
		return invalid("taal", "%q is not an ISO 639-2/B code such as nld", m.Taal)
	}
	if err := checkTekens("bestandsnaam", m.Bestandsnaam); err != nil {
		return err
	}
	m.Bestandsnaam = cleanBestandsnaam(m.Bestandsnaam)
	if m.Bestandsnaam == "" {
		return invalid("bestandsnaam", "is required")
	}
	if err := checkText("bestandsnaam", m.Bestandsnaam, 255, true); err != nil {
		return err
	}
	if m.Formaat == "" {
		m.Formaat = "application/octet-stream"
	}
	if !formaatRe.MatchString(m.Formaat) {
		return invalid("formaat", "%q is not a MIME type", m.Formaat)
	}
	return nil
}

// AddDocument records a document and streams its content into the blob store. The agreement is
// checked before a byte is stored, and again in the transaction that records it; when that
// fails, content that no document holds is removed again, so a refused upload leaves nothing.
func (s *Service) AddDocument(ctx context.Context, actor Actor, zaak string, m DocumentMetadata, content io.Reader) (*Document, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	var zt *afspraak.Zaaktype
	var fase int
	onzichtbaar := false
	err := s.db.View(ctx, func(tx *sqldb.Tx) error {
		z, err := getZaak(ctx, tx, zaak)
		if err != nil {
			return err
		}
		fase = z.Fase
		if !s.zaakZichtbaar(actor, z) {
			onzichtbaar = true
			return nietZichtbaar(zaak)
		}
		if zt, err = s.zaaktypeOf(z); err != nil {
			return err
		}
		if err := s.checkDocumentMetadata(zt, &m); err != nil {
			return err
		}
		if z.Archief.Archiefstatus != ArchiefstatusNogTeArchiveren {
			return conflict("gearchiveerde zaak", "zaak %s has archiefstatus %s: its parts can no longer be changed", zaak, z.Archief.Archiefstatus)
		}
		if ok, rule := zt.MagVastleggen(z.Fase, actor.Organisatie, afspraak.SoortDocument, m.Informatieobjecttype); !ok {
			return refused(rule)
		}
		return nil
	})
	if onzichtbaar {
		s.logWeigering(ctx, actor, zaak, "", "document.toegevoegd", redenOnzichtbaar)
		return nil, err
	}
	if err != nil {
		if errors.Is(err, ErrRefused) || errors.Is(err, ErrConflict) {
			s.recordRefusal(ctx, actor, zaak, fase, "document.toegevoegd", err, s.now())
		}
		return nil, err
	}
	iot, _ := zt.Informatieobjecttype(m.Informatieobjecttype)
	sha, size, created, err := s.putInhoud(ctx, iot, content)
	if err != nil {
		return nil, err
	}
	doc := Document{ID: newID(), Informatieobjecttype: m.Informatieobjecttype, Titel: m.Titel, Auteur: m.Auteur,
		Creatiedatum: *m.Creatiedatum, Vertrouwelijkheidaanduiding: m.Vertrouwelijkheidaanduiding, Taal: m.Taal,
		Bestandsnaam: m.Bestandsnaam, Formaat: m.Formaat, Status: DocumentstatusInBewerking, Bestandsomvang: size, SHA256: sha}
	err = s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortDocument, naam: m.Informatieobjecttype, actie: "document.toegevoegd",
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			// The content must still be there: a purge of destroyed content runs in a write
			// transaction too, so this check cannot race with it.
			rc, err := s.blobs.Open(ctx, sha)
			if err != nil {
				return nil, fmt.Errorf("content %s vanished before it was recorded (retry the upload): %w", sha, err)
			}
			rc.Close()
			iot, _ := zt.Informatieobjecttype(doc.Informatieobjecttype)
			if iot != nil && iot.Archivering.DefinitiefInFase != 0 && z.Fase >= iot.Archivering.DefinitiefInFase {
				doc.Status = DocumentstatusDefinitief
			}
			doc.Vastlegging = Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}
			_, err = tx.Exec(ctx, `INSERT INTO documenten (id, zaak, informatieobjecttype, titel, auteur, creatiedatum,
				vertrouwelijkheidaanduiding, taal, bestandsnaam, formaat, status, bestandsomvang, sha256, fase, organisatie, geregistreerd)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				doc.ID, zaak, doc.Informatieobjecttype, doc.Titel, doc.Auteur, doc.Creatiedatum.String(), doc.Vertrouwelijkheidaanduiding,
				doc.Taal, doc.Bestandsnaam, doc.Formaat, doc.Status, doc.Bestandsomvang, doc.SHA256, doc.Fase, doc.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("insert document: %w", err)
			}
			return map[string]any{"document": doc.ID, "informatieobjecttype": doc.Informatieobjecttype, "titel": doc.Titel,
				"bestandsnaam": doc.Bestandsnaam, "bestandsomvang": size, "sha256": sha}, nil
		}})
	if err != nil {
		if created {
			s.dropUnheldBlob(context.WithoutCancel(ctx), sha)
		}
		return nil, err
	}
	s.log.InfoContext(ctx, "document added", "zaak", zaak, "organisatie", actor.Organisatie, "document", doc.ID, "bytes", size)
	return &doc, nil
}

// dropUnheldBlob removes content that no document holds (after a refused upload).
func (s *Service) dropUnheldBlob(ctx context.Context, sha string) {
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		n, err := countDocumentsWithContent(ctx, tx, sha)
		if err != nil || n > 0 {
			return err
		}
		return s.blobs.Delete(ctx, sha)
	})
	if err != nil {
		s.log.ErrorContext(ctx, "remove content of a refused upload", "sha256", sha, "err", err)
	}
}

// NieuwBesluit is a decision to record.
type NieuwBesluit struct {
	Besluittype  string `json:"besluittype"`
	Datum        *Datum `json:"datum"`
	Ingangsdatum *Datum `json:"ingangsdatum"`
	Vervaldatum  *Datum `json:"vervaldatum"`
	Toelichting  string `json:"toelichting"`
}

// AddBesluit records a besluit.
func (s *Service) AddBesluit(ctx context.Context, actor Actor, zaak string, n NieuwBesluit) (*Besluit, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	switch {
	case n.Besluittype == "":
		return nil, invalid("besluittype", "is required")
	case n.Datum == nil:
		return nil, invalid("datum", "is required")
	case n.Ingangsdatum == nil:
		return nil, invalid("ingangsdatum", "is required")
	case n.Vervaldatum != nil && n.Vervaldatum.Before(*n.Ingangsdatum):
		return nil, invalid("vervaldatum", "%s is before the ingangsdatum %s", n.Vervaldatum, n.Ingangsdatum)
	}
	if err := checkText("toelichting", n.Toelichting, maxTekst, false); err != nil {
		return nil, err
	}
	var out Besluit
	err := s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortBesluit, naam: n.Besluittype, actie: "besluit.vastgelegd",
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			out = Besluit{ID: newID(), Besluittype: n.Besluittype, Datum: *n.Datum, Ingangsdatum: *n.Ingangsdatum,
				Vervaldatum: n.Vervaldatum, Toelichting: n.Toelichting, Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			_, err := tx.Exec(ctx, `INSERT INTO besluiten (id, zaak, besluittype, datum, ingangsdatum, vervaldatum, toelichting, fase, organisatie, geregistreerd)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, zaak, out.Besluittype, out.Datum.String(), out.Ingangsdatum.String(),
				datumArg(out.Vervaldatum), out.Toelichting, out.Fase, out.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("insert besluit: %w", err)
			}
			return out, nil
		}, check: func(zt *afspraak.Zaaktype) error {
			if _, ok := zt.Besluittype(n.Besluittype); !ok {
				return invalid("besluittype", "%q is not a besluittype of zaaktype %s", n.Besluittype, zt.Identificatie)
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// NieuweEigenschap is a property value to record.
type NieuweEigenschap struct {
	Eigenschap string `json:"eigenschap"`
	Waarde     string `json:"waarde"`
}

// SetEigenschap records (or replaces) the value of an eigenschap, checked against its formaat.
func (s *Service) SetEigenschap(ctx context.Context, actor Actor, zaak string, n NieuweEigenschap) (*Eigenschap, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	if n.Eigenschap == "" {
		return nil, invalid("eigenschap", "is required")
	}
	if err := checkText("waarde", n.Waarde, 255, true); err != nil {
		return nil, err
	}
	var out Eigenschap
	err := s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortEigenschap, naam: n.Eigenschap, actie: "eigenschap.vastgelegd",
		check: func(zt *afspraak.Zaaktype) error {
			e, ok := zt.Eigenschap(n.Eigenschap)
			if !ok {
				return invalid("eigenschap", "%q is not an eigenschap of zaaktype %s", n.Eigenschap, zt.Identificatie)
			}
			return checkFormaat(e.Formaat, n.Waarde)
		},
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			out = Eigenschap{Naam: n.Eigenschap, Waarde: n.Waarde, Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			_, err := tx.Exec(ctx, `INSERT INTO eigenschappen (zaak, naam, waarde, fase, organisatie, geregistreerd) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (zaak, naam) DO UPDATE SET waarde = excluded.waarde, fase = excluded.fase, organisatie = excluded.organisatie, geregistreerd = excluded.geregistreerd`,
				zaak, out.Naam, out.Waarde, out.Fase, out.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("upsert eigenschap: %w", err)
			}
			return out, nil
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func checkFormaat(formaat, v string) error {
	switch formaat {
	case "getal":
		if _, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64); err != nil {
			return invalid("waarde", "%q is not a number", v)
		}
	case "datum":
		if _, err := time.Parse("2006-01-02", v); err != nil {
			if _, err := time.Parse("20060102", v); err != nil {
				return invalid("waarde", "%q is not a date (YYYY-MM-DD)", v)
			}
		}
	case "datum_tijd":
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return invalid("waarde", "%q is not a date-time (RFC 3339)", v)
		}
	}
	return nil
}

// NieuwResultaat is the result of a zaak.
type NieuwResultaat struct {
	Resultaattype string `json:"resultaattype"`
	Toelichting   string `json:"toelichting"`
}

// SetResultaat records (or replaces, before the zaak closes) the resultaat.
func (s *Service) SetResultaat(ctx context.Context, actor Actor, zaak string, n NieuwResultaat) (*Resultaat, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	if n.Resultaattype == "" {
		return nil, invalid("resultaattype", "is required")
	}
	if err := checkText("toelichting", n.Toelichting, maxTekst, false); err != nil {
		return nil, err
	}
	var out Resultaat
	err := s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortResultaat, naam: n.Resultaattype, actie: "resultaat.vastgelegd",
		check: func(zt *afspraak.Zaaktype) error {
			if _, ok := zt.Resultaattype(n.Resultaattype); !ok {
				return invalid("resultaattype", "%q is not a resultaattype of zaaktype %s", n.Resultaattype, zt.Identificatie)
			}
			return nil
		},
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			if z.Einddatum != nil {
				return nil, conflict("afgesloten zaak", "zaak %s is closed: its resultaat can only change after it is reopened", zaak)
			}
			out = Resultaat{Resultaattype: n.Resultaattype, Toelichting: n.Toelichting, Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			_, err := tx.Exec(ctx, `INSERT INTO resultaten (zaak, resultaattype, toelichting, fase, organisatie, geregistreerd) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (zaak) DO UPDATE SET resultaattype = excluded.resultaattype, toelichting = excluded.toelichting,
				fase = excluded.fase, organisatie = excluded.organisatie, geregistreerd = excluded.geregistreerd`,
				zaak, out.Resultaattype, out.Toelichting, out.Fase, out.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("upsert resultaat: %w", err)
			}
			return out, nil
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// NieuweRol is a betrokkene in a role.
type NieuweRol struct {
	Roltype        string `json:"roltype"`
	Betrokkene     string `json:"betrokkene"`
	Roltoelichting string `json:"roltoelichting"`
}

// AddRol records a betrokkene in a role.
func (s *Service) AddRol(ctx context.Context, actor Actor, zaak string, n NieuweRol) (*Rol, error) {
	if err := requireRole(actor, RolOrganisatie); err != nil {
		return nil, err
	}
	if n.Roltype == "" {
		return nil, invalid("roltype", "is required")
	}
	if err := errors.Join(checkText("betrokkene", n.Betrokkene, 200, true), checkText("roltoelichting", n.Roltoelichting, maxTekst, false)); err != nil {
		return nil, firstFout(err)
	}
	var out Rol
	err := s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortRol, naam: n.Roltype, actie: "rol.vastgelegd",
		check: func(zt *afspraak.Zaaktype) error {
			if _, ok := zt.Roltype(n.Roltype); !ok {
				return invalid("roltype", "%q is not a roltype of zaaktype %s", n.Roltype, zt.Identificatie)
			}
			return nil
		},
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			out = Rol{ID: newID(), Roltype: n.Roltype, Betrokkene: n.Betrokkene, Roltoelichting: n.Roltoelichting,
				Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			_, err := tx.Exec(ctx, `INSERT INTO rollen (id, zaak, roltype, betrokkene, roltoelichting, fase, organisatie, geregistreerd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				out.ID, zaak, out.Roltype, out.Betrokkene, out.Roltoelichting, out.Fase, out.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("insert rol: %w", err)
			}
			return out, nil
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// NieuwContactmoment is a contact with the client.
type NieuwContactmoment struct {
	Kanaal    string `json:"kanaal"`
	Onderwerp string `json:"onderwerp"`
	Tekst     string `json:"tekst"`
}

// AddContactmoment records a contact with the client (the KCC's work).
func (s *Service) AddContactmoment(ctx context.Context, actor Actor, zaak string, n NieuwContactmoment) (*Contactmoment, error) {
	if err := requireRole(actor, RolOrganisatie, RolKCC); err != nil {
		return nil, err
	}
	if err := errors.Join(checkText("kanaal", n.Kanaal, 50, true), checkText("onderwerp", n.Onderwerp, 200, true), checkText("tekst", n.Tekst, 10000, true)); err != nil {
		return nil, firstFout(err)
	}
	var out Contactmoment
	err := s.capture(ctx, actor, captureStep{zaak: zaak, soort: afspraak.SoortContactmoment, actie: "contactmoment.vastgelegd",
		do: func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (any, error) {
			out = Contactmoment{ID: newID(), Kanaal: n.Kanaal, Onderwerp: n.Onderwerp, Tekst: n.Tekst,
				Vastlegging: Vastlegging{Fase: z.Fase, Organisatie: actor.Organisatie, Geregistreerd: now}}
			_, err := tx.Exec(ctx, `INSERT INTO contactmomenten (id, zaak, kanaal, onderwerp, tekst, fase, organisatie, geregistreerd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				out.ID, zaak, out.Kanaal, out.Onderwerp, out.Tekst, out.Fase, out.Organisatie, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("insert contactmoment: %w", err)
			}
			return map[string]any{"contactmoment": out.ID, "kanaal": out.Kanaal, "onderwerp": out.Onderwerp}, nil
		}})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
