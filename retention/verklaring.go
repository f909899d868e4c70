package retention

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"sort"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Verklaring is the verklaring van vernietiging of one executed list (Archiefbesluit 1995,
// art. 8): exactly the zaken destroyed, on what grounds, when, how, and who approved. It is
// written once when the list completes and kept permanently, as JSON and as printable HTML.
type Verklaring struct {
	Titel     string `json:"titel"`
	Grondslag string `json:"grondslag"`
	// Zorgdragers are the organisations under whose responsibility the zaken were kept (the
	// bronorganisaties of their zaaktypen).
	Zorgdragers       []Zorgdrager `json:"zorgdragers"`
	Afspraak          string       `json:"afspraak"`
	Lijst             string       `json:"lijst"`
	LijstNaam         string       `json:"lijstNaam"`
	Voorgesteld       Gebeurtenis  `json:"voorgesteld"`
	Ingediend         *Gebeurtenis `json:"ingediend"`
	Goedgekeurd       *Gebeurtenis `json:"goedgekeurd"`
	Wachttijd         string       `json:"wachttijd"`
	UitvoeringGestart *time.Time   `json:"uitvoeringGestart"`
	Uitgevoerd        time.Time    `json:"uitgevoerd"`
	// Methode says how the zaken were destroyed.
	Methode string            `json:"methode"`
	Aantal  int               `json:"aantal"`
	Zaken   []VernietigdeZaak `json:"zaken"`
}

// Zorgdrager is an organisation with its RSIN.
type Zorgdrager struct {
	Naam string `json:"naam"`
	RSIN string `json:"rsin"`
}

// Gebeurtenis is a step: when and by whom.
type Gebeurtenis struct {
	Op   time.Time `json:"op"`
	Door Wie       `json:"door"`
}

// OpgeslagenVerklaring is a verklaring as kept: the exact bytes of both forms and their hashes.
type OpgeslagenVerklaring struct {
	Lijst      string    `json:"lijst"`
	Opgesteld  time.Time `json:"opgesteld"`
	JSON       []byte    `json:"-"`
	HTML       []byte    `json:"-"`
	SHA256JSON string    `json:"sha256Json"`
	SHA256HTML string    `json:"sha256Html"`
}

//go:embed verklaring.html.tmpl
var verklaringHTML string

var verklaringTmpl = template.Must(template.New("verklaring").Funcs(template.FuncMap{
	"datum": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"tijd":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(verklaringHTML))

// methode describes how zaakarchief destroys a zaak.
func (s *Service) methode() string {
	m := "Digitale vernietiging door zaakarchief. Per zaak is in één databasetransactie alles verwijderd wat op de zaak was vastgelegd " +
		"(statussen, documenten, besluiten, eigenschappen, resultaat, rollen, contactmomenten); daarna is de inhoud van de documenten " +
		"uit de documentopslag verwijderd, behalve inhoud die ook bij een andere zaak hoort: die is alleen ontkoppeld."
	if s.pakketten != nil {
		m += " Gearchiveerde kopieën zijn vooraf uit de archiefopslag verwijderd."
	}
	return m + " Van elke zaak blijven de gegevens in deze verklaring en het audit trail bewaard."
}

// voltooi writes the verklaring and closes the list once no item is left suggested.
func (s *Service) voltooi(ctx context.Context, actor dossier.Actor, wie Wie, id string) error {
	return s.dossier.Wijzig(ctx, func(w *dossier.Wijziging, tx *sqldb.Tx) error {
		now := s.now()
		l, err := getLijst(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if l.Status == LijstDeleted {
			return nil
		}
		if n := l.Aantallen[ItemSuggested]; n > 0 {
			return fmt.Errorf("%d zaken are still to be handled (run it again to complete)", n)
		}
		zaken, err := vernietigdeZaken(ctx, tx, id)
		if err != nil {
			return err
		}
		v := Verklaring{
			Titel: "Verklaring van vernietiging", Grondslag: "Archiefwet 1995 art. 3 en 5; Archiefbesluit 1995 art. 6, 7 en 8",
			Zorgdragers: s.zorgdragers(zaken), Afspraak: s.afspraak.Naam, Lijst: l.ID, LijstNaam: l.Naam,
			Voorgesteld: Gebeurtenis{Op: l.Aangemaakt, Door: l.AangemaaktDoor}, Wachttijd: s.inst.Wachttijd.String(),
			UitvoeringGestart: l.UitvoeringGestart, Uitgevoerd: now.UTC(), Methode: s.methode(), Aantal: len(zaken), Zaken: zaken,
		}
		if l.Ingediend != nil && l.IngediendDoor != nil {
			v.Ingediend = &Gebeurtenis{Op: *l.Ingediend, Door: *l.IngediendDoor}
		}
		if l.Goedgekeurd != nil && l.GoedgekeurdDoor != nil {
			v.Goedgekeurd = &Gebeurtenis{Op: *l.Goedgekeurd, Door: *l.GoedgekeurdDoor}
		}
		js, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("verklaring of %s: %w", id, err)
		}
		js = append(js, '\n')
		var html bytes.Buffer
		if err := verklaringTmpl.Execute(&html, v); err != nil {
			return fmt.Errorf("verklaring of %s: %w", id, err)
		}
		hj, hh := sha256.Sum256(js), sha256.Sum256(html.Bytes())
		if _, err := tx.Exec(ctx, `INSERT INTO retention_verklaringen (lijst, opgesteld, json, html, sha256_json, sha256_html) VALUES (?, ?, ?, ?, ?, ?)`,
			id, fmtTime(now), string(js), html.String(), hex.EncodeToString(hj[:]), hex.EncodeToString(hh[:])); err != nil {
			return fmt.Errorf("keep verklaring of %s: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_lijsten SET status = ?, uitgevoerd = ?, gewijzigd = ? WHERE id = ?`,
			LijstDeleted, fmtTime(now), fmtTime(now), id); err != nil {
			return fmt.Errorf("close list %s: %w", id, err)
		}
		return logLijst(ctx, tx, id, wie, "verklaring.opgesteld", "", map[string]any{
			"vernietigd": len(zaken), "sha256Json": hex.EncodeToString(hj[:]), "sha256Html": hex.EncodeToString(hh[:]),
		}, now)
	})
}

// zorgdragers returns the bronorganisaties of the zaaktypen of the destroyed zaken.
func (s *Service) zorgdragers(zaken []VernietigdeZaak) []Zorgdrager {
	seen := map[string]bool{}
	out := []Zorgdrager{}
	for _, z := range zaken {
		zt, ok := s.afspraak.Zaaktype(z.Zaaktype)
		if !ok || seen[zt.Bronorganisatie] {
			continue
		}
		seen[zt.Bronorganisatie] = true
		if o, ok := s.afspraak.Organisatie(zt.Bronorganisatie); ok {
			out = append(out, Zorgdrager{Naam: o.Naam, RSIN: o.RSIN})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Naam < out[j].Naam })
	return out
}

// Verklaring returns the kept verklaring van vernietiging of a list; a conflict while the list
// has not been executed.
func (s *Service) Verklaring(ctx context.Context, actor dossier.Actor, id string) (*OpgeslagenVerklaring, error) {
	if err := requireRole(actor, lezers...); err != nil {
		return nil, err
	}
	var out *OpgeslagenVerklaring
	err := s.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		l, err := getLijst(ctx, tx, id, false)
		if err != nil {
			return err
		}
		var v OpgeslagenVerklaring
		var opgesteld, js, html string
		err = tx.QueryRow(ctx, `SELECT lijst, opgesteld, json, html, sha256_json, sha256_html FROM retention_verklaringen WHERE lijst = ?`, id).
			Scan(&v.Lijst, &opgesteld, &js, &html, &v.SHA256JSON, &v.SHA256HTML)
		if errors.Is(err, sql.ErrNoRows) {
			return conflict("nog geen verklaring", "list %s has status %s: its verklaring van vernietiging is written when it has been executed", id, l.Status)
		}
		if err != nil {
			return fmt.Errorf("read verklaring of %s: %w", id, err)
		}
		if v.Opgesteld, err = parseTime(opgesteld); err != nil {
			return fmt.Errorf("read verklaring of %s: %w", id, err)
		}
		v.JSON, v.HTML = []byte(js), []byte(html)
		out = &v
		return nil
	})
	return out, err
}
