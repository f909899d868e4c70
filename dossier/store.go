package dossier

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"zaakarchief/dossier/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the dossier's schema migrations.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.Migrate(ctx, "dossier", sub)
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

const zaakColumns = `identificatie, bronorganisatie, zaaktype, omschrijving, toelichting, startdatum,
	einddatum_gepland, einddatum, initiator, vertrouwelijkheidaanduiding, fase, fase_sinds,
	archiefnominatie, archiefactiedatum, archiefstatus, startdatum_bewaartermijn, archief_uitgesteld,
	aangemaakt, gewijzigd`

type rowScanner interface{ Scan(dest ...any) error }

func scanZaak(r rowScanner) (*Zaak, error) {
	var z Zaak
	var start, faseSinds, aangemaakt, gewijzigd string
	var gepland, eind, actie, startBew *string
	err := r.Scan(&z.Identificatie, &z.Bronorganisatie, &z.Zaaktype, &z.Omschrijving, &z.Toelichting, &start,
		&gepland, &eind, &z.Initiator, &z.Vertrouwelijkheidaanduiding, &z.Fase, &faseSinds,
		&z.Archief.Archiefnominatie, &actie, &z.Archief.Archiefstatus, &startBew, &z.Archief.Uitgesteld,
		&aangemaakt, &gewijzigd)
	if err != nil {
		return nil, err
	}
	var errs []error
	var e error
	z.Startdatum, e = ParseDatum(start)
	errs = append(errs, e)
	z.EinddatumGepland, e = datumPtr(gepland)
	errs = append(errs, e)
	z.Einddatum, e = datumPtr(eind)
	errs = append(errs, e)
	z.Archief.Archiefactiedatum, e = datumPtr(actie)
	errs = append(errs, e)
	z.Archief.StartdatumBewaartermijn, e = datumPtr(startBew)
	errs = append(errs, e)
	z.FaseSinds, e = parseTime(faseSinds)
	errs = append(errs, e)
	z.Aangemaakt, e = parseTime(aangemaakt)
	errs = append(errs, e)
	z.Gewijzigd, e = parseTime(gewijzigd)
	errs = append(errs, e)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("zaak %s: %w", z.Identificatie, err)
	}
	return &z, nil
}

// getZaak reads one zaak; ErrNotFound when it does not exist.
func getZaak(ctx context.Context, tx *sqldb.Tx, id string) (*Zaak, error) {
	z, err := scanZaak(tx.QueryRow(ctx, `SELECT `+zaakColumns+` FROM zaken WHERE identificatie = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("zaak %s bestaat niet", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read zaak %s: %w", id, err)
	}
	return z, nil
}

func insertZaak(ctx context.Context, tx *sqldb.Tx, z *Zaak) error {
	_, err := tx.Exec(ctx, `INSERT INTO zaken (`+zaakColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		z.Identificatie, z.Bronorganisatie, z.Zaaktype, z.Omschrijving, z.Toelichting, z.Startdatum.String(),
		datumArg(z.EinddatumGepland), datumArg(z.Einddatum), z.Initiator, z.Vertrouwelijkheidaanduiding, z.Fase, fmtTime(z.FaseSinds),
		z.Archief.Archiefnominatie, datumArg(z.Archief.Archiefactiedatum), z.Archief.Archiefstatus, datumArg(z.Archief.StartdatumBewaartermijn), z.Archief.Uitgesteld,
		fmtTime(z.Aangemaakt), fmtTime(z.Gewijzigd))
	if err != nil {
		return fmt.Errorf("insert zaak %s: %w", z.Identificatie, err)
	}
	return nil
}

// updateZaak writes the mutable fields of a zaak (phase, dates, archival fields).
func updateZaak(ctx context.Context, tx *sqldb.Tx, z *Zaak) error {
	_, err := tx.Exec(ctx, `UPDATE zaken SET einddatum = ?, fase = ?, fase_sinds = ?, archiefnominatie = ?,
		archiefactiedatum = ?, archiefstatus = ?, startdatum_bewaartermijn = ?, archief_uitgesteld = ?, gewijzigd = ?
		WHERE identificatie = ?`,
		datumArg(z.Einddatum), z.Fase, fmtTime(z.FaseSinds), z.Archief.Archiefnominatie,
		datumArg(z.Archief.Archiefactiedatum), z.Archief.Archiefstatus, datumArg(z.Archief.StartdatumBewaartermijn), z.Archief.Uitgesteld,
		fmtTime(z.Gewijzigd), z.Identificatie)
	if err != nil {
		return fmt.Errorf("update zaak %s: %w", z.Identificatie, err)
	}
	return nil
}

// nextZaaknummer hands out the next number for a bronorganisatie in a year.
func nextZaaknummer(ctx context.Context, tx *sqldb.Tx, bron string, jaar int) (int64, error) {
	_, err := tx.Exec(ctx, `INSERT INTO zaaknummers (bronorganisatie, jaar, laatste) VALUES (?, ?, 1)
		ON CONFLICT (bronorganisatie, jaar) DO UPDATE SET laatste = zaaknummers.laatste + 1`, bron, jaar)
	if err != nil {
		return 0, fmt.Errorf("next zaaknummer: %w", err)
	}
	var n int64
	if err := tx.QueryRow(ctx, `SELECT laatste FROM zaaknummers WHERE bronorganisatie = ? AND jaar = ?`, bron, jaar).Scan(&n); err != nil {
		return 0, fmt.Errorf("next zaaknummer: %w", err)
	}
	return n, nil
}

// loadDossier reads a zaak with everything recorded on it.
func loadDossier(ctx context.Context, tx *sqldb.Tx, id string) (*Dossier, error) {
	z, err := getZaak(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	d := &Dossier{Zaak: *z}
	if err := loadParts(ctx, tx, d); err != nil {
		return nil, fmt.Errorf("read dossier %s: %w", id, err)
	}
	return d, nil
}

func loadParts(ctx context.Context, tx *sqldb.Tx, d *Dossier) error {
	id := d.Zaak.Identificatie
	var v Vastlegging
	var geregistreerd string
	vcols := func() []any { return []any{&v.Fase, &v.Organisatie, &geregistreerd} }
	fix := func() (Vastlegging, error) {
		t, err := parseTime(geregistreerd)
		out := v
		out.Geregistreerd = t
		return out, err
	}
	// statussen
	err := each(ctx, tx, `SELECT id, volgnummer, datum_status_gezet, statustoelichting, organisatie, geregistreerd
		FROM statussen WHERE zaak = ? ORDER BY datum_status_gezet, geregistreerd`, id, func(r *sql.Rows) error {
		var s Status
		var gezet, reg string
		if err := r.Scan(&s.ID, &s.Volgnummer, &gezet, &s.Statustoelichting, &s.Organisatie, &reg); err != nil {
			return err
		}
		var e1, e2 error
		s.DatumStatusGezet, e1 = parseTime(gezet)
		s.Geregistreerd, e2 = parseTime(reg)
		d.Statussen = append(d.Statussen, s)
		return errors.Join(e1, e2)
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT id, informatieobjecttype, titel, auteur, creatiedatum, vertrouwelijkheidaanduiding, taal,
		bestandsnaam, formaat, status, bestandsomvang, sha256, fase, organisatie, geregistreerd
		FROM documenten WHERE zaak = ? ORDER BY geregistreerd, id`, id, func(r *sql.Rows) error {
		var doc Document
		var creatie string
		if err := r.Scan(append([]any{&doc.ID, &doc.Informatieobjecttype, &doc.Titel, &doc.Auteur, &creatie,
			&doc.Vertrouwelijkheidaanduiding, &doc.Taal, &doc.Bestandsnaam, &doc.Formaat, &doc.Status,
			&doc.Bestandsomvang, &doc.SHA256}, vcols()...)...); err != nil {
			return err
		}
		var e1, e2 error
		doc.Creatiedatum, e1 = ParseDatum(creatie)
		doc.Vastlegging, e2 = fix()
		d.Documenten = append(d.Documenten, doc)
		return errors.Join(e1, e2)
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT id, besluittype, datum, ingangsdatum, vervaldatum, toelichting, fase, organisatie, geregistreerd
		FROM besluiten WHERE zaak = ? ORDER BY geregistreerd, id`, id, func(r *sql.Rows) error {
		var b Besluit
		var datum, ingang string
		var verval *string
		if err := r.Scan(append([]any{&b.ID, &b.Besluittype, &datum, &ingang, &verval, &b.Toelichting}, vcols()...)...); err != nil {
			return err
		}
		var e1, e2, e3, e4 error
		b.Datum, e1 = ParseDatum(datum)
		b.Ingangsdatum, e2 = ParseDatum(ingang)
		b.Vervaldatum, e3 = datumPtr(verval)
		b.Vastlegging, e4 = fix()
		d.Besluiten = append(d.Besluiten, b)
		return errors.Join(e1, e2, e3, e4)
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT naam, waarde, fase, organisatie, geregistreerd FROM eigenschappen WHERE zaak = ? ORDER BY naam`, id, func(r *sql.Rows) error {
		var e Eigenschap
		if err := r.Scan(append([]any{&e.Naam, &e.Waarde}, vcols()...)...); err != nil {
			return err
		}
		var err error
		e.Vastlegging, err = fix()
		d.Eigenschappen = append(d.Eigenschappen, e)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT resultaattype, toelichting, fase, organisatie, geregistreerd FROM resultaten WHERE zaak = ?`, id, func(r *sql.Rows) error {
		var res Resultaat
		if err := r.Scan(append([]any{&res.Resultaattype, &res.Toelichting}, vcols()...)...); err != nil {
			return err
		}
		var err error
		res.Vastlegging, err = fix()
		d.Resultaat = &res
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT id, roltype, betrokkene, roltoelichting, fase, organisatie, geregistreerd FROM rollen WHERE zaak = ? ORDER BY geregistreerd, id`, id, func(r *sql.Rows) error {
		var rol Rol
		if err := r.Scan(append([]any{&rol.ID, &rol.Roltype, &rol.Betrokkene, &rol.Roltoelichting}, vcols()...)...); err != nil {
			return err
		}
		var err error
		rol.Vastlegging, err = fix()
		d.Rollen = append(d.Rollen, rol)
		return err
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT id, kanaal, onderwerp, tekst, fase, organisatie, geregistreerd FROM contactmomenten WHERE zaak = ? ORDER BY geregistreerd, id`, id, func(r *sql.Rows) error {
		var c Contactmoment
		if err := r.Scan(append([]any{&c.ID, &c.Kanaal, &c.Onderwerp, &c.Tekst}, vcols()...)...); err != nil {
			return err
		}
		var err error
		c.Vastlegging, err = fix()
		d.Contactmomenten = append(d.Contactmomenten, c)
		return err
	})
}

func each(ctx context.Context, tx *sqldb.Tx, query string, arg any, fn func(*sql.Rows) error) error {
	rows, err := tx.Query(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ZaakFilter selects zaken.
type ZaakFilter struct {
	Zaaktype string
	// Fasen, when not nil, keeps zaken of these zaaktypen in these phases (volgnummers).
	Fasen map[string][]int
	// Afgesloten keeps the zaken that have an einddatum.
	Afgesloten bool
	// Archiefnominatie, when set, keeps the zaken with this archiefnominatie.
	Archiefnominatie string
	// ArchiefactiedatumTot, when set, keeps the zaken whose archiefactiedatum is on or before
	// this date.
	ArchiefactiedatumTot *Datum
	// Archiefstatussen, when not empty, keeps the zaken with one of these archiefstatussen.
	Archiefstatussen []string
	// Zichtbaar, when not nil, keeps the zaken of these zaaktypen with one of these
	// vertrouwelijkheidaanduidingen (nil: any): what an actor may see (Service.Autorisatie).
	Zichtbaar map[string][]string
	// Offset and Limit page through the result; Limit 0 means all.
	Offset, Limit int
}

func (f ZaakFilter) where() (string, []any, bool) {
	var where []string
	var args []any
	if f.Zaaktype != "" {
		where = append(where, "z.zaaktype = ?")
		args = append(args, f.Zaaktype)
	}
	if f.Afgesloten {
		where = append(where, "z.einddatum IS NOT NULL")
	}
	if f.Archiefnominatie != "" {
		where = append(where, "z.archiefnominatie = ?")
		args = append(args, f.Archiefnominatie)
	}
	if f.ArchiefactiedatumTot != nil {
		where = append(where, "z.archiefactiedatum IS NOT NULL AND z.archiefactiedatum <= ?")
		args = append(args, f.ArchiefactiedatumTot.String())
	}
	if len(f.Archiefstatussen) > 0 {
		where = append(where, "z.archiefstatus IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Archiefstatussen)), ", ")+")")
		for _, st := range f.Archiefstatussen {
			args = append(args, st)
		}
	}
	if f.Zichtbaar != nil {
		if len(f.Zichtbaar) == 0 {
			return "", nil, false
		}
		types := make([]string, 0, len(f.Zichtbaar))
		for zt := range f.Zichtbaar {
			types = append(types, zt)
		}
		sort.Strings(types)
		var or []string
		for _, zt := range types {
			niveaus := f.Zichtbaar[zt]
			if niveaus == nil {
				or = append(or, "(z.zaaktype = ?)")
				args = append(args, zt)
				continue
			}
			or = append(or, "(z.zaaktype = ? AND z.vertrouwelijkheidaanduiding IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(niveaus)), ", ")+"))")
			args = append(args, zt)
			for _, n := range niveaus {
				args = append(args, n)
			}
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if f.Fasen != nil {
		if len(f.Fasen) == 0 {
			return "", nil, false
		}
		types := make([]string, 0, len(f.Fasen))
		for zt := range f.Fasen {
			types = append(types, zt)
		}
		sort.Strings(types)
		var or []string
		for _, zt := range types {
			fasen := f.Fasen[zt]
			or = append(or, "(z.zaaktype = ? AND z.fase IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(fasen)), ", ")+"))")
			args = append(args, zt)
			for _, n := range fasen {
				args = append(args, n)
			}
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if len(where) == 0 {
		return "", nil, true
	}
	return " WHERE " + strings.Join(where, " AND "), args, true
}

// countZaken counts the zaken that match f.
func countZaken(ctx context.Context, tx *sqldb.Tx, f ZaakFilter) (int, error) {
	w, args, ok := f.where()
	if !ok {
		return 0, nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM zaken z`+w, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count zaken: %w", err)
	}
	return n, nil
}

// listZaken returns the zaken that match f, ordered by identificatie.
func listZaken(ctx context.Context, tx *sqldb.Tx, f ZaakFilter) ([]Zaak, error) {
	w, args, ok := f.where()
	if !ok {
		return nil, nil
	}
	q := `SELECT ` + zaakColumns + ` FROM zaken z` + w + ` ORDER BY z.identificatie`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list zaken: %w", err)
	}
	defer rows.Close()
	var out []Zaak
	for rows.Next() {
		z, err := scanZaak(rows)
		if err != nil {
			return nil, fmt.Errorf("list zaken: %w", err)
		}
		out = append(out, *z)
	}
	return out, rows.Err()
}

// zaakColumnsZ are zaakColumns qualified with the alias z, for queries that join.
var zaakColumnsZ = func() string {
	cols := strings.Split(zaakColumns, ",")
	for i, c := range cols {
		cols[i] = "z." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// eachZaak streams the zaken that match f, ordered by identificatie, each with its
// resultaattype ("" when it has none), to fn.
func eachZaak(ctx context.Context, tx *sqldb.Tx, f ZaakFilter, fn func(z *Zaak, resultaattype string) error) error {
	w, args, ok := f.where()
	if !ok {
		return nil
	}
	q := `SELECT ` + zaakColumnsZ + `, COALESCE(r.resultaattype, '') FROM zaken z LEFT JOIN resultaten r ON r.zaak = z.identificatie` +
		w + ` ORDER BY z.identificatie`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read zaken: %w", err)
	}
	defer rows.Close()
	var rt string
	for rows.Next() {
		z, err := scanZaak(resultaatScanner{rows, &rt})
		if err != nil {
			return fmt.Errorf("read zaken: %w", err)
		}
		if err := fn(z, rt); err != nil {
			return err
		}
	}
	return rows.Err()
}

// resultaatScanner scans a zaak row that carries the resultaattype as its last column.
type resultaatScanner struct {
	r  rowScanner
	rt *string
}

func (s resultaatScanner) Scan(dest ...any) error { return s.r.Scan(append(dest, s.rt)...) }

// countDocumentsWithContent counts the documents and earlier document versions, in any zaak,
// that hold the content with this SHA-256: a blob may only be deleted when none does.
func countDocumentsWithContent(ctx context.Context, tx *sqldb.Tx, sha string) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM documenten WHERE sha256 = ?) + (SELECT COUNT(*) FROM documentversies WHERE sha256 = ?)`, sha, sha).Scan(&n); err != nil {
		return 0, fmt.Errorf("count documents with %s: %w", sha, err)
	}
	return n, nil
}

// zakenTeArchiveren lists the zaken ready for the archive, by identificatie: closed, with an
// archiefnominatie, and archiefstatus nog_te_archiveren (one indexed query).
func zakenTeArchiveren(ctx context.Context, tx *sqldb.Tx) ([]string, error) {
	out, err := tx.Strings(ctx, `SELECT identificatie FROM zaken WHERE archiefstatus = ? AND archiefnominatie <> ''
		AND einddatum IS NOT NULL ORDER BY identificatie`, ArchiefstatusNogTeArchiveren)
	if err != nil {
		return nil, fmt.Errorf("list zaken to archive: %w", err)
	}
	return out, nil
}
