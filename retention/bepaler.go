package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// Bepaler derives a zaak's archival fields from the agreement and the selectielijst when the
// eindstatus is set (dossier.Archiefbepaler) and keeps the derivation, step by step, for
// explanations. A derivation that cannot be made refuses the eindstatus with a conflict.
type Bepaler struct {
	afspraak     *afspraak.Afspraak
	lijsten      *Lijsten
	overbrenging Overbrenging
	now          func() time.Time
}

var _ dossier.Archiefbepaler = (*Bepaler)(nil)

// BepalerOptions configures a Bepaler.
type BepalerOptions struct {
	Afspraak *afspraak.Afspraak
	// Lijsten loads the selectielijsten the zaaktypen name.
	Lijsten *Lijsten
	// Overbrenging gives blijvend_bewaren zaken their transfer date.
	Overbrenging Overbrenging
	// Now is the clock the derivation is stamped with; nil means time.Now.
	Now func() time.Time
}

// NewBepaler builds a Bepaler.
func NewBepaler(o BepalerOptions) (*Bepaler, error) {
	if o.Afspraak == nil || o.Lijsten == nil {
		return nil, errors.New("retention bepaler needs an agreement and selectielijsten")
	}
	b := &Bepaler{afspraak: o.Afspraak, lijsten: o.Lijsten, overbrenging: o.Overbrenging, now: o.Now}
	if b.now == nil {
		b.now = time.Now
	}
	return b, nil
}

// Afleiding is how a zaak's archival fields were derived: the rule with the selectielijst entry
// it rests on, the facts, the steps and the outcome. It is stored when the zaak closes and shown
// by explain.
type Afleiding struct {
	Afgeleid      time.Time `json:"afgeleid"`
	Zaaktype      string    `json:"zaaktype"`
	Resultaattype string    `json:"resultaattype"`
	// Selectielijst is the selectielijst entry the rule rests on.
	Selectielijst Grondslag `json:"selectielijst"`
	// Regel is the rule as applied, with the selectielijst's defaults filled in.
	Regel RegelUitleg `json:"regel"`
	// Uitkomst is the result of Derive, with its steps.
	Uitkomst Uitkomst `json:"uitkomst"`
	// Overbrenging is the transfer date of a blijvend_bewaren zaak with a brondatum.
	Overbrenging *OverbrengingUitleg `json:"overbrenging,omitempty"`
}

// Grondslag names a selectielijst resultaat: the grounds for keeping or destroying a zaak.
type Grondslag struct {
	// Lijst is the name of the selectielijst file, e.g. selectielijst-2020.
	Lijst          string `json:"lijst"`
	Naam           string `json:"naam"`
	Jaar           int    `json:"jaar"`
	Procestype     int    `json:"procestype"`
	VolledigNummer string `json:"volledigNummer"`
	Resultaat      string `json:"resultaat"`
	Waardering     string `json:"waardering"`
	Procestermijn  string `json:"procestermijn"`
	Bewaartermijn  string `json:"bewaartermijn"`
}

// RegelUitleg is a Regel for people: its values as text and where they came from.
type RegelUitleg struct {
	Archiefnominatie          string `json:"archiefnominatie"`
	NominatieUitSelectielijst bool   `json:"nominatieUitSelectielijst"`
	Archiefactietermijn       string `json:"archiefactietermijn,omitempty"`
	TermijnUitSelectielijst   bool   `json:"termijnUitSelectielijst"`
	Afleidingswijze           string `json:"afleidingswijze"`
	AfleidingAangenomen       bool   `json:"afleidingAangenomen"`
	Datumkenmerk              string `json:"datumkenmerk,omitempty"`
	Objecttype                string `json:"objecttype,omitempty"`
	Registratie               string `json:"registratie,omitempty"`
	Procestermijn             string `json:"procestermijn,omitempty"`
}

// OverbrengingUitleg is the transfer date of a permanent record and the law that sets it.
type OverbrengingUitleg struct {
	Brondatum dossier.Datum `json:"brondatum"`
	Datum     dossier.Datum `json:"datum"`
	Wet       string        `json:"wet"`
}

func regelUitleg(r Regel) RegelUitleg {
	u := RegelUitleg{
		Archiefnominatie: r.Archiefnominatie, NominatieUitSelectielijst: r.NominatieUitSelectielijst,
		TermijnUitSelectielijst: r.TermijnUitSelectielijst, Afleidingswijze: r.Afleidingswijze,
		AfleidingAangenomen: r.AfleidingAangenomen, Datumkenmerk: r.Datumkenmerk, Objecttype: r.Objecttype,
		Registratie: r.Registratie,
	}
	if r.Archiefactietermijn != nil {
		u.Archiefactietermijn = r.Archiefactietermijn.String()
	}
	if r.Procestermijn != nil {
		u.Procestermijn = r.Procestermijn.String()
	}
	return u
}

// Archief returns the archival fields the derivation gives the zaak.
func (a *Afleiding) Archief() dossier.Archief {
	out := dossier.Archief{Archiefnominatie: a.Uitkomst.Archiefnominatie, Archiefstatus: dossier.ArchiefstatusNogTeArchiveren}
	if a.Uitkomst.Brondatum != nil {
		d := datumVan(*a.Uitkomst.Brondatum)
		out.StartdatumBewaartermijn = &d
	}
	if a.Uitkomst.Archiefactiedatum != nil {
		d := datumVan(*a.Uitkomst.Archiefactiedatum)
		out.Archiefactiedatum = &d
	}
	if a.Uitkomst.Uitgesteld {
		out.Uitgesteld = a.Uitkomst.Reden
	}
	return out
}

func datumVan(t time.Time) dossier.Datum {
	y, m, d := t.Date()
	return dossier.DatumVan(y, m, d)
}

// Bepaal derives the archival fields of a zaak that reaches its eindstatus (or waits for a
// missing fact), stores the derivation in tx and returns the fields. An error is a
// *dossier.Fout of kind dossier.ErrConflict: the eindstatus is refused.
func (b *Bepaler) Bepaal(ctx context.Context, tx *sqldb.Tx, d *dossier.Dossier) (dossier.Archief, error) {
	af, err := b.Leid(d)
	if err != nil {
		return dossier.Archief{}, err
	}
	raw, err := json.Marshal(af)
	if err != nil {
		return dossier.Archief{}, fmt.Errorf("store derivation of %s: %w", d.Zaak.Identificatie, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO retention_afleidingen (zaak, afgeleid, afleiding) VALUES (?, ?, ?)
		ON CONFLICT (zaak) DO UPDATE SET afgeleid = excluded.afgeleid, afleiding = excluded.afleiding`,
		d.Zaak.Identificatie, fmtTime(af.Afgeleid), string(raw))
	if err != nil {
		return dossier.Archief{}, fmt.Errorf("store derivation of %s: %w", d.Zaak.Identificatie, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO retention_afleidingen_historie (zaak, volgnummer, afgeleid, afleiding)
		SELECT ?, COALESCE(MAX(volgnummer), 0) + 1, ?, ? FROM retention_afleidingen_historie WHERE zaak = ?`,
		d.Zaak.Identificatie, fmtTime(af.Afgeleid), string(raw), d.Zaak.Identificatie)
	if err != nil {
		return dossier.Archief{}, fmt.Errorf("keep derivation of %s in its history: %w", d.Zaak.Identificatie, err)
	}
	return af.Archief(), nil
}

// regelRefusal is the rule named in a refused eindstatus.
const regelRefusal = "archiefactiedatum niet te bepalen"

// Leid derives without storing anything: the rule of the zaak's resultaattype with its
// selectielijst entry, the facts of the dossier, Derive, and the transfer date of a
// blijvend_bewaren zaak (its archiefactiedatum when the resultaattype sets no term: in the ZGW
// Zaken API that is the date the dossier is to be destroyed or transferred). Hoofdzaak, related
// zaken and zaakobjecten are not kept in the dossier yet: those afleidingswijzen see none.
func (b *Bepaler) Leid(d *dossier.Dossier) (*Afleiding, error) {
	z := &d.Zaak
	weiger := func(format string, args ...any) (*Afleiding, error) {
		return nil, conflict(regelRefusal, "zaak %s: de eindstatus wordt geweigerd: %s", z.Identificatie, fmt.Sprintf(format, args...))
	}
	if z.Einddatum == nil {
		return weiger("de zaak heeft geen einddatum")
	}
	zt, ok := b.afspraak.Zaaktype(z.Zaaktype)
	if !ok {
		return weiger("zaaktype %q staat niet in de afspraak", z.Zaaktype)
	}
	if d.Resultaat == nil {
		return weiger("de zaak heeft geen resultaat")
	}
	rt, ok := zt.Resultaattype(d.Resultaat.Resultaattype)
	if !ok {
		return weiger("resultaattype %q staat niet bij zaaktype %s in de afspraak", d.Resultaat.Resultaattype, zt.Identificatie)
	}
	lijst, err := b.lijsten.Lijst(zt.Selectielijst.Lijst)
	if err != nil {
		return weiger("selectielijst van zaaktype %s: %v", zt.Identificatie, err)
	}
	sr, ok := lijst.Resultaat(rt.Selectielijstklasse)
	if !ok {
		return weiger("selectielijstklasse %q van resultaattype %q bestaat niet in %s %d", rt.Selectielijstklasse, rt.Omschrijving, lijst.Naam, lijst.Jaar)
	}
	regel, err := NewRegel(*rt, sr)
	if err != nil {
		return weiger("%v", err)
	}
	u, err := Derive(regel, feitenVan(d))
	if err != nil {
		return weiger("%v", err)
	}
	af := &Afleiding{
		Afgeleid: b.now().UTC(), Zaaktype: zt.Identificatie, Resultaattype: rt.Omschrijving,
		Selectielijst: grondslagVan(zt.Selectielijst.Lijst, lijst, sr), Regel: regelUitleg(regel), Uitkomst: u,
	}
	if u.Archiefnominatie == NominatieBlijvendBewaren && u.Brondatum != nil {
		datum, wet := b.overbrenging.Datum(*u.Brondatum)
		af.Overbrenging = &OverbrengingUitleg{Brondatum: datumVan(*u.Brondatum), Datum: datumVan(datum), Wet: wet}
		if u.Archiefactiedatum == nil {
			af.Uitkomst.Archiefactiedatum = &datum
			af.Uitkomst.stap("blijvend_bewaren zonder archiefactietermijn: archiefactiedatum = datum van overbrenging naar de archiefbewaarplaats",
				datumTekst(datum), Gegeven{"brondatum", datumTekst(*u.Brondatum)}, Gegeven{"wet", wet},
				Gegeven{"overbrengingstermijn", b.overbrenging.termijn(wet).String()})
		}
	}
	return af, nil
}

// termijn returns the transfer term of a law named by Datum.
func (o Overbrenging) termijn(wet string) Termijn {
	if wet == WetArchiefwetNieuw {
		return o.TermijnNieuw
	}
	return o.Termijn1995
}

func grondslagVan(naam string, l *Selectielijst, r *Resultaat) Grondslag {
	return Grondslag{Lijst: naam, Naam: l.Naam, Jaar: l.Jaar, Procestype: r.ProcestypeNummer, VolledigNummer: r.VolledigNummer,
		Resultaat: r.Label(), Waardering: r.Waardering, Procestermijn: r.Procestermijn, Bewaartermijn: r.Bewaartermijn}
}

// feitenVan collects the facts Derive reads from a dossier.
func feitenVan(d *dossier.Dossier) Feiten {
	f := Feiten{Einddatum: d.Zaak.Einddatum.Time(), Eigenschappen: make(map[string]string, len(d.Eigenschappen))}
	if s := d.Zaak.Archief.StartdatumBewaartermijn; s != nil {
		t := s.Time()
		f.StartdatumBewaartermijn = &t
	}
	for _, e := range d.Eigenschappen {
		f.Eigenschappen[e.Naam] = e.Waarde
	}
	for _, b := range d.Besluiten {
		bs := Besluit{Ingangsdatum: b.Ingangsdatum.Time()}
		if b.Vervaldatum != nil {
			t := b.Vervaldatum.Time()
			bs.Vervaldatum = &t
		}
		f.Besluiten = append(f.Besluiten, bs)
	}
	return f
}

// storedAfleiding reads the stored derivation of a zaak; nil when there is none.
func storedAfleiding(ctx context.Context, tx *sqldb.Tx, zaak string) (*Afleiding, error) {
	var raw string
	err := tx.QueryRow(ctx, `SELECT afleiding FROM retention_afleidingen WHERE zaak = ?`, zaak).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read derivation of %s: %w", zaak, err)
	}
	var af Afleiding
	if err := json.Unmarshal([]byte(raw), &af); err != nil {
		return nil, fmt.Errorf("read derivation of %s: %w", zaak, err)
	}
	return &af, nil
}
