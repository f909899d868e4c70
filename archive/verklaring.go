package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// VerklaringOverbrenging is the verklaring van overbrenging of one run that transferred
// packages to the e-Depot (Archiefwet 1995 art. 12; Archiefbesluit 1995 art. 9): which zaken,
// in which series, with totals and the SHA-256 of every package's manifest, when, by whom,
// from where to where. It is written once when the run's transfers end, kept permanently in the
// journal (as JSON, as printable HTML and with its transfer list) and delivered to the e-Depot
// beside the packages.
type VerklaringOverbrenging struct {
	Titel     string `json:"titel"`
	Grondslag string `json:"grondslag"`
	// Zorgdragers are the organisations that transferred the zaken (the bronorganisaties of
	// their zaaktypen).
	Zorgdragers []Zorgdrager `json:"zorgdragers"`
	Afspraak    string       `json:"afspraak"`
	Run         string       `json:"run"`
	// Door says who transferred them: the archive run, for the zorgdragers.
	Door         string    `json:"door"`
	Van          string    `json:"van"`
	Naar         string    `json:"naar"`
	Overgebracht time.Time `json:"overgebracht"`
	Aantal       int       `json:"aantal"`
	Objecten     int       `json:"objecten"`
	Bytes        int64     `json:"bytes"`
	// Series are the series (zaaktypen) the zaken belong to, with their counts.
	Series []OvergebrachteSerie `json:"series"`
	Zaken  []OvergebrachteZaak  `json:"zaken"`
	// Overdrachtslijst names the transfer list: every object delivered, with size and SHA-256.
	Overdrachtslijst Overdrachtslijst `json:"overdrachtslijst"`
}

// Zorgdrager is an organisation with its RSIN.
type Zorgdrager struct {
	Naam string `json:"naam"`
	RSIN string `json:"rsin"`
}

// OvergebrachteSerie is a serie of the transferred zaken: a zaaktype.
type OvergebrachteSerie struct {
	Zaaktype     string `json:"zaaktype"`
	Omschrijving string `json:"omschrijving"`
	Aantal       int    `json:"aantal"`
}

// OvergebrachteZaak is one transferred zaak and its package.
type OvergebrachteZaak struct {
	Identificatie      string      `json:"identificatie"`
	Omschrijving       string      `json:"omschrijving"`
	Zaaktype           string      `json:"zaaktype"`
	Startdatum         string      `json:"startdatum"`
	Einddatum          string      `json:"einddatum"`
	Overbrengingsdatum string      `json:"overbrengingsdatum"`
	Wet                string      `json:"wet"`
	Map                string      `json:"map"`
	Objecten           int         `json:"objecten"`
	Bytes              int64       `json:"bytes"`
	Manifest           OverObject  `json:"manifest"`
	Pakbon             *OverObject `json:"pakbon,omitempty"`
}

// OverObject is a delivered object: its key, size and SHA-256.
type OverObject struct {
	Pad     string `json:"pad"`
	Grootte int64  `json:"grootte"`
	SHA256  string `json:"sha256"`
}

// Overdrachtslijst describes the transfer list: where it lies on the e-Depot, how many lines
// and its SHA-256.
type Overdrachtslijst struct {
	Pad    string `json:"pad"`
	Regels int    `json:"regels"`
	SHA256 string `json:"sha256"`
}

// OpgeslagenVerklaringOverbrenging is a verklaring van overbrenging as kept: the exact bytes of
// its forms and of the transfer list, with their hashes.
type OpgeslagenVerklaringOverbrenging struct {
	Run         string    `json:"run"`
	Opgesteld   time.Time `json:"opgesteld"`
	Naar        string    `json:"naar"`
	JSON        []byte    `json:"-"`
	HTML        []byte    `json:"-"`
	Lijst       []byte    `json:"-"`
	SHA256JSON  string    `json:"sha256Json"`
	SHA256HTML  string    `json:"sha256Html"`
	SHA256Lijst string    `json:"sha256Lijst"`
}

// VerklaringMap is the folder on the e-Depot target that holds the verklaringen van
// overbrenging, one subfolder per run: verklaring-van-overbrenging.json, .html and
// overdrachtslijst.csv. It is not a package folder: the e-Depot checks pass it by.
const VerklaringMap = "overbrenging"

// Names of the files of a verklaring in its folder.
const (
	VerklaringJSON       = "verklaring-van-overbrenging.json"
	VerklaringHTML       = "verklaring-van-overbrenging.html"
	OverdrachtslijstNaam = "overdrachtslijst.csv"
)

//go:embed verklaring.html.tmpl
var verklaringHTML string

var verklaringTmpl = template.Must(template.New("verklaring").Funcs(template.FuncMap{
	"tijd":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"bytes": humanBytes,
}).Parse(verklaringHTML))

// humanBytes writes a size in bytes with a binary unit.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// overgebracht is a zaak a run transferred: when it was due and under which law.
type overgebracht struct {
	zaak  string
	datum time.Time
	wet   string
}

// verklaarOverbrenging writes the verklaring van overbrenging of the zaken this run
// transferred to dst: kept in the journal and delivered to dst beside the packages. Nothing is
// written when none was transferred.
func (s *runState) verklaarOverbrenging(ctx context.Context, dst target.Target, gedaan []overgebracht) error {
	if len(gedaan) == 0 {
		return nil
	}
	a := s.a
	now := a.now().UTC()
	v := VerklaringOverbrenging{Titel: "Verklaring van overbrenging", Grondslag: "Archiefwet 1995 art. 12 en 13; Archiefbesluit 1995 art. 9",
		Afspraak: a.afspraak.Naam, Run: s.info.ID, Door: "zaakarchief, archiefrun " + s.info.ID, Van: s.tgt.URL(), Naar: dst.URL(), Overgebracht: now}
	var lijst bytes.Buffer
	cw := csv.NewWriter(&lijst)
	cw.Comma = ';'
	cw.Write([]string{"zaak", "pad", "soort", "grootte", "sha256"})
	regels := 0
	series := map[string]*OvergebrachteSerie{}
	zorg := map[string]bool{}
	err := a.dossier.Inzien(ctx, func(in *dossier.Inzage, tx *sqldb.Tx) error {
		for _, g := range gedaan {
			p, err := loadPakket(ctx, tx, g.zaak)
			if err != nil {
				return err
			}
			z, err := in.Zaak(ctx, g.zaak)
			if err != nil {
				return err
			}
			oz := OvergebrachteZaak{Identificatie: z.Identificatie, Omschrijving: z.Omschrijving, Zaaktype: z.Zaaktype,
				Startdatum: z.Startdatum.String(), Overbrengingsdatum: dossier.DatumVan(g.datum.Date()).String(), Wet: g.wet,
				Map: p.Map, Objecten: len(p.Objecten)}
			if z.Einddatum != nil {
				oz.Einddatum = z.Einddatum.String()
			}
			for _, o := range p.Objecten {
				oz.Bytes += o.Grootte
				cw.Write([]string{g.zaak, o.Sleutel, o.Soort, strconv.FormatInt(o.Grootte, 10), o.SHA256})
				regels++
				switch o.Soort {
				case soortManifest:
					oz.Manifest = OverObject{Pad: o.Sleutel, Grootte: o.Grootte, SHA256: o.SHA256}
				case soortPakbon:
					oz.Pakbon = &OverObject{Pad: o.Sleutel, Grootte: o.Grootte, SHA256: o.SHA256}
				}
			}
			v.Zaken = append(v.Zaken, oz)
			v.Objecten += oz.Objecten
			v.Bytes += oz.Bytes
			se := series[z.Zaaktype]
			if se == nil {
				se = &OvergebrachteSerie{Zaaktype: z.Zaaktype, Omschrijving: z.Zaaktype}
				if zt, ok := a.afspraak.Zaaktype(z.Zaaktype); ok {
					se.Omschrijving = zt.Omschrijving
					if org, ok := a.afspraak.Organisatie(zt.Bronorganisatie); ok && !zorg[org.ID] {
						zorg[org.ID] = true
						v.Zorgdragers = append(v.Zorgdragers, Zorgdrager{Naam: org.Naam, RSIN: org.RSIN})
					}
				}
				series[z.Zaaktype] = se
			}
			se.Aantal++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("verklaring van overbrenging: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("verklaring van overbrenging: overdrachtslijst: %w", err)
	}
	v.Aantal = len(v.Zaken)
	for _, se := range series {
		v.Series = append(v.Series, *se)
	}
	sort.Slice(v.Series, func(i, j int) bool { return v.Series[i].Zaaktype < v.Series[j].Zaaktype })
	sort.Slice(v.Zaken, func(i, j int) bool { return v.Zaken[i].Identificatie < v.Zaken[j].Identificatie })
	sort.Slice(v.Zorgdragers, func(i, j int) bool { return v.Zorgdragers[i].Naam < v.Zorgdragers[j].Naam })
	folder := VerklaringMap + "/" + now.Format("20060102T150405Z") + "-" + s.info.ID
	ls := sha256.Sum256(lijst.Bytes())
	v.Overdrachtslijst = Overdrachtslijst{Pad: folder + "/" + OverdrachtslijstNaam, Regels: regels, SHA256: hex.EncodeToString(ls[:])}

	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("verklaring van overbrenging: %w", err)
	}
	js = append(js, '\n')
	var html bytes.Buffer
	if err := verklaringTmpl.Execute(&html, v); err != nil {
		return fmt.Errorf("verklaring van overbrenging: %w", err)
	}
	hj, hh := sha256.Sum256(js), sha256.Sum256(html.Bytes())
	err = a.db.Update(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO archief_verklaringen (run, opgesteld, naar, json, html, lijst, sha256_json, sha256_html, sha256_lijst)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.info.ID, fmtTime(now), dst.URL(), string(js), html.String(), lijst.String(),
			hex.EncodeToString(hj[:]), hex.EncodeToString(hh[:]), hex.EncodeToString(ls[:]))
		return err
	})
	if err != nil {
		return fmt.Errorf("keep the verklaring van overbrenging: %w", err)
	}
	for _, f := range []struct {
		naam, mediatype string
		inhoud          []byte
	}{{OverdrachtslijstNaam, "text/csv", lijst.Bytes()}, {VerklaringJSON, "application/json", js}, {VerklaringHTML, "text/html", html.Bytes()}} {
		o := object{Sleutel: folder + "/" + f.naam, Mediatype: f.mediatype}
		o.setInhoud(f.inhoud)
		opts := target.PutOptions{ContentType: f.mediatype}
		sum, _ := hex.DecodeString(o.SHA256)
		copy(opts.SHA256[:], sum)
		err := a.try(ctx, "put "+o.Sleutel+" on "+dst.URL(), func(ctx context.Context) error {
			_, err := dst.Put(ctx, o.Sleutel, bytes.NewReader(o.Inhoud), o.Grootte, opts)
			return err
		})
		if err != nil {
			return fmt.Errorf("deliver the verklaring van overbrenging: %w", err)
		}
	}
	a.log.InfoContext(ctx, "archive: verklaring van overbrenging written", "run", s.info.ID, "zaken", v.Aantal, "naar", dst.URL(), "map", folder)
	return nil
}

// ErrGeenVerklaring means the run transferred nothing and has no verklaring van overbrenging.
var ErrGeenVerklaring = errors.New("archive: no verklaring van overbrenging for this run")

// VerklaringOverbrengingVan returns the kept verklaring van overbrenging of a run, or
// ErrGeenVerklaring.
func (a *Archiver) VerklaringOverbrengingVan(ctx context.Context, run string) (*OpgeslagenVerklaringOverbrenging, error) {
	var v OpgeslagenVerklaringOverbrenging
	err := a.db.View(ctx, func(tx *sqldb.Tx) error {
		var opgesteld, js, html, lijst string
		err := tx.QueryRow(ctx, `SELECT run, opgesteld, naar, json, html, lijst, sha256_json, sha256_html, sha256_lijst FROM archief_verklaringen WHERE run = ?`, run).
			Scan(&v.Run, &opgesteld, &v.Naar, &js, &html, &lijst, &v.SHA256JSON, &v.SHA256HTML, &v.SHA256Lijst)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("run %s: %w", run, ErrGeenVerklaring)
		}
		if err != nil {
			return fmt.Errorf("read the verklaring van overbrenging of run %s: %w", run, err)
		}
		if v.Opgesteld, err = parseTime(opgesteld); err != nil {
			return fmt.Errorf("read the verklaring van overbrenging of run %s: %w", run, err)
		}
		v.JSON, v.HTML, v.Lijst = []byte(js), []byte(html), []byte(lijst)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}
