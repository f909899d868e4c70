package export

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"path"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/retention"
)

//go:embed templates/*.html
var templateFS embed.FS

// templates are parsed once per process; they hold no state.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"bytes": humanBytes,
}).ParseFS(templateFS, "templates/*.html"))

// indexView is what index.html shows.
type indexView struct {
	Titel      string
	Zaak       dossier.Zaak
	Zaaktype   string
	Bron       string
	Fasen      []faseView
	Documenten []docView
	Besluiten  []besluitView
	Resultaat  *itemView
	Eigen      []itemView
	Rollen     []itemView
	Contact    []itemView
	Bewaren    bewaarView
	Export     exportView
	Audit      auditView
	MDTO       []string
	MDTOFout   string
	Data       []string
	Vernietigd *vernietigdView
}

// faseView is one phase on the timeline.
type faseView struct {
	Volgnummer        int
	Omschrijving      string
	Verantwoordelijke string
	Gezet             []string
	Huidig            bool
	Doorlopen         bool
	Eind              bool
	Items             []itemView
}

// itemView is one thing recorded, by whom and when.
type itemView struct {
	Soort, Naam, Organisatie, Tijd, Link, Toelichting string
}

type docView struct {
	Titel, Link, Fase, Organisatie, Type, Formaat, Omvang, SHA256, Status, Vertrouwelijkheid, Creatiedatum, Geregistreerd string
}

type besluitView struct {
	Type, Datum, Ingangsdatum, Vervaldatum, Organisatie, Toelichting string
}

// bewaarView is retention's explanation of the zaak, flattened for the page.
type bewaarView struct {
	Status, Archiefnominatie, Archiefactiedatum, Brondatum, Archiefstatus, Uitgesteld string
	Resultaattype                                                                     string
	Selectielijst, Procestype, Klasse, KlasseNaam, Waardering                         string
	Procestermijn, Bewaartermijn, Termijn, Afleidingswijze                            string
	Overbrenging                                                                      string
	Stappen                                                                           []string
	Opmerkingen                                                                       []string
	Overrides                                                                         []string
	Lijsten                                                                           []string
	Holds                                                                             []holdView
}

type holdView struct {
	ID, Soort, Reden, Bereik, Sinds, Door, Einddatum string
}

type exportView struct {
	ID, Tijd, Organisatie, Rol, Token string
}

type auditView struct {
	Count    int
	LastHash string
	Intact   bool
	Breaks   []string
	JSONL    string
	CSV      string
}

// vernietigdView is the minimal record of a destroyed zaak and its verklaring.
type vernietigdView struct {
	Record                       *retention.VernietigdeZaak
	Grondslag                    string
	GoedgekeurdDoor, Goedgekeurd string
	Uitgevoerd                   string
	Afwijkingen                  []string
	VerklaringHTML               string
	VerklaringJSON               string
	Registratie                  string
}

// indexHTML renders the overview of the export.
func (j *Job) indexHTML() ([]byte, error) {
	v := j.view()
	var out bytes.Buffer
	if err := templates.ExecuteTemplate(&out, "index.html", v); err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	return out.Bytes(), nil
}

// tijdIn formats a moment for people in the zaak's time zone.
func (e *Exporter) tijd(t time.Time) string { return t.In(e.svc.Location()).Format("2006-01-02 15:04") }

// orgNaam names an organisation of the agreement, or returns its ID.
func (e *Exporter) orgNaam(id string) string {
	if o, ok := e.afspraak.Organisatie(id); ok {
		return o.Naam
	}
	return id
}

func (j *Job) view() indexView {
	p, e := j.p, j.e
	v := indexView{
		Zaaktype: p.uitleg.Zaaktype, Bewaren: bewaren(e, p.uitleg), MDTOFout: p.mdtoFout,
		Export: exportView{ID: p.id, Tijd: e.tijd(p.tijd), Organisatie: e.orgNaam(p.actor.Organisatie), Rol: p.actor.Rol, Token: p.actor.TokenID},
		Audit: auditView{Count: p.chain.Count, LastHash: p.chain.LastHash, Intact: len(p.chain.Breaks) == 0,
			JSONL: path.Join(payloadDir, auditJSONL), CSV: path.Join(payloadDir, auditCSV)},
	}
	for _, b := range p.chain.Breaks {
		v.Audit.Breaks = append(v.Audit.Breaks, b.String())
	}
	zt, ztOK := e.afspraak.Zaaktype(p.uitleg.Zaaktype)
	if ztOK {
		v.Zaaktype = zt.Omschrijving
		if o, ok := e.afspraak.Organisatie(zt.Bronorganisatie); ok {
			v.Bron = fmt.Sprintf("%s (RSIN %s)", o.Naam, o.RSIN)
		}
	}
	for _, f := range p.mdto {
		v.MDTO = append(v.MDTO, path.Join(payloadDir, f.path))
	}
	v.Data = []string{path.Join(payloadDir, bewarenJSON), v.Audit.JSONL, v.Audit.CSV}
	if p.d == nil {
		v.Titel = fmt.Sprintf("Zaak %s (vernietigd): %s", p.zaak, p.uitleg.Omschrijving)
		v.Vernietigd = vernietigd(e, p)
		v.Data = append([]string{path.Join(payloadDir, vernietigdJSON)}, v.Data...)
		return v
	}
	d := p.d
	v.Titel = fmt.Sprintf("Zaak %s: %s", d.Zaak.Identificatie, d.Zaak.Omschrijving)
	v.Zaak = d.Zaak
	v.Data = append([]string{path.Join(payloadDir, dossierJSON)}, v.Data...)
	links := map[string]string{}
	for _, doc := range p.docs {
		link := path.Join(payloadDir, doc.Path)
		links[doc.ID] = link
		v.Documenten = append(v.Documenten, docView{
			Titel: doc.Titel, Link: link, Fase: doc.FaseNaam, Organisatie: e.orgNaam(doc.Organisatie), Type: doc.Informatieobjecttype,
			Formaat: doc.Formaat, Omvang: humanBytes(doc.Bestandsomvang), SHA256: doc.SHA256, Status: doc.Status,
			Vertrouwelijkheid: doc.Vertrouwelijkheidaanduiding, Creatiedatum: doc.Creatiedatum.String(), Geregistreerd: e.tijd(doc.Geregistreerd),
		})
	}
	v.Fasen = fasen(e, d, links)
	for _, b := range d.Besluiten {
		bv := besluitView{Type: b.Besluittype, Datum: b.Datum.String(), Ingangsdatum: b.Ingangsdatum.String(), Organisatie: e.orgNaam(b.Organisatie), Toelichting: b.Toelichting}
		if b.Vervaldatum != nil {
			bv.Vervaldatum = b.Vervaldatum.String()
		}
		v.Besluiten = append(v.Besluiten, bv)
	}
	if r := d.Resultaat; r != nil {
		v.Resultaat = &itemView{Naam: r.Resultaattype, Organisatie: e.orgNaam(r.Organisatie), Tijd: e.tijd(r.Geregistreerd), Toelichting: r.Toelichting}
	}
	for _, x := range d.Eigenschappen {
		v.Eigen = append(v.Eigen, itemView{Naam: x.Naam, Toelichting: x.Waarde, Organisatie: e.orgNaam(x.Organisatie), Tijd: e.tijd(x.Geregistreerd)})
	}
	for _, x := range d.Rollen {
		v.Rollen = append(v.Rollen, itemView{Soort: x.Roltype, Naam: x.Betrokkene, Organisatie: e.orgNaam(x.Organisatie), Tijd: e.tijd(x.Geregistreerd), Toelichting: x.Roltoelichting})
	}
	for _, x := range d.Contactmomenten {
		v.Contact = append(v.Contact, itemView{Soort: x.Kanaal, Naam: x.Onderwerp, Organisatie: e.orgNaam(x.Organisatie), Tijd: e.tijd(x.Geregistreerd), Toelichting: x.Tekst})
	}
	return v
}

// fasen lays the zaaktype's phases out as a timeline with what each organisation recorded in
// them; the grouping is the dossier API's (httpapi.NewDossierView).
func fasen(e *Exporter, d *dossier.Dossier, links map[string]string) []faseView {
	dv := httpapi.NewDossierView(e.afspraak, d)
	bereikt := map[int]bool{}
	for _, st := range d.Statussen {
		bereikt[st.Volgnummer] = true
	}
	var out []faseView
	for _, f := range dv.Fasen {
		fv := faseView{Volgnummer: f.Volgnummer, Omschrijving: f.Omschrijving, Verantwoordelijke: e.orgNaam(f.Verantwoordelijke),
			Huidig: f.Huidig, Doorlopen: bereikt[f.Volgnummer], Eind: f.IsEindstatus}
		for _, t := range f.Gezet {
			fv.Gezet = append(fv.Gezet, e.tijd(t))
		}
		for _, x := range f.Vastgelegd {
			fv.Items = append(fv.Items, itemView{Soort: soortNaam(x.Soort), Naam: x.Naam, Organisatie: e.orgNaam(x.Organisatie), Tijd: e.tijd(x.Geregistreerd), Link: links[x.ID]})
		}
		out = append(out, fv)
	}
	return out
}

// bewaren flattens retention's explanation for the page.
func bewaren(e *Exporter, u *retention.Uitleg) bewaarView {
	v := bewaarView{Status: u.Status, Resultaattype: u.Resultaattype}
	if a := u.Archief; a != nil {
		v.Archiefnominatie, v.Archiefstatus, v.Uitgesteld = a.Archiefnominatie, a.Archiefstatus, a.Uitgesteld
		if a.Archiefactiedatum != nil {
			v.Archiefactiedatum = a.Archiefactiedatum.String()
		}
		if a.StartdatumBewaartermijn != nil {
			v.Brondatum = a.StartdatumBewaartermijn.String()
		}
	}
	if af := u.Afleiding; af != nil {
		g := af.Selectielijst
		v.Selectielijst = fmt.Sprintf("%s (%d)", g.Naam, g.Jaar)
		v.Procestype = fmt.Sprint(g.Procestype)
		v.Klasse, v.KlasseNaam, v.Waardering, v.Procestermijn, v.Bewaartermijn = g.VolledigNummer, g.Resultaat, g.Waardering, g.Procestermijn, g.Bewaartermijn
		r := af.Regel
		v.Termijn = r.Archiefactietermijn
		if r.TermijnUitSelectielijst {
			v.Termijn += " (uit de selectielijst)"
		}
		v.Afleidingswijze = r.Afleidingswijze
		if r.AfleidingAangenomen {
			v.Afleidingswijze += " (aangenomen: blijvend bewaren zonder brondatum-archiefprocedure)"
		}
		if r.NominatieUitSelectielijst {
			v.Opmerkingen = append(v.Opmerkingen, "De archiefnominatie komt uit de waardering in de selectielijst.")
		}
		for _, s := range af.Uitkomst.Stappen {
			var in []string
			for _, g := range s.Invoer {
				in = append(in, g.Naam+" = "+g.Waarde)
			}
			line := s.Regel
			if len(in) > 0 {
				line += " [" + strings.Join(in, ", ") + "]"
			}
			v.Stappen = append(v.Stappen, line+": "+s.Resultaat)
		}
		if v.Archiefnominatie == "" {
			v.Archiefnominatie = af.Uitkomst.Archiefnominatie
		}
	}
	if u.Herberekend {
		v.Opmerkingen = append(v.Opmerkingen, "Er was geen afleiding bewaard bij het afsluiten; deze uitleg is bij de export opnieuw berekend met de huidige afspraak.")
	}
	if u.AfleidingFout != "" {
		v.Opmerkingen = append(v.Opmerkingen, "De afleiding kon niet worden herhaald: "+u.AfleidingFout)
	}
	if o := u.Overbrenging; o != nil {
		v.Overbrenging = fmt.Sprintf("%s (%s, brondatum %s)", o.Datum, o.Wet, o.Brondatum)
	}
	for _, o := range u.Overrides {
		v.Overrides = append(v.Overrides, fmt.Sprintf("%s door %s: archiefnominatie %s → %s, archiefactiedatum %s → %s. Reden: %s",
			e.tijd(o.Tijd), o.Door, o.Van.Archiefnominatie, o.Naar.Archiefnominatie, datumOf(o.Van.Archiefactiedatum, "—"), datumOf(o.Naar.Archiefactiedatum, "—"), o.Reden))
	}
	for _, l := range u.Lijsten {
		s := fmt.Sprintf("%s %s (lijst %s, item %s)", l.Lijst, l.Naam, l.Status, l.ItemStatus)
		if l.Beoordeling != "" {
			s += ", beoordeling " + l.Beoordeling
		}
		if l.Reden != "" {
			s += ": " + l.Reden
		}
		v.Lijsten = append(v.Lijsten, s)
	}
	for _, h := range u.Holds {
		hv := holdView{ID: h.ID, Soort: h.Soort, Reden: h.Reden, Bereik: h.Bereik, Sinds: e.tijd(h.Aangemaakt), Door: h.AangemaaktDoor.String()}
		if h.Einddatum != nil {
			hv.Einddatum = h.Einddatum.String()
		}
		v.Holds = append(v.Holds, hv)
	}
	return v
}

// vernietigd shows the minimal record of a destroyed zaak.
func vernietigd(e *Exporter, p *plan) *vernietigdView {
	r := p.vernietigd
	v := &vernietigdView{Record: r, GoedgekeurdDoor: r.GoedgekeurdDoor.String(), Goedgekeurd: e.tijd(r.Goedgekeurd),
		Uitgevoerd: e.tijd(r.Uitgevoerd), Afwijkingen: r.Afwijkingen, Registratie: path.Join(payloadDir, vernietigdJSON),
		Grondslag: fmt.Sprintf("%s (%d), resultaat %s, bewaartermijn %s", r.Selectielijst, r.SelectielijstJaar, r.VolledigNummer, r.Bewaartermijn)}
	if p.verklaring != nil {
		v.VerklaringHTML = path.Join(payloadDir, verklaringPath(p.verklaring.Lijst, "html"))
		v.VerklaringJSON = path.Join(payloadDir, verklaringPath(p.verklaring.Lijst, "json"))
	}
	return v
}

// soortNaam names a kind of record for people.
func soortNaam(s string) string {
	switch afspraak.Soort(s) {
	case afspraak.SoortDocument:
		return "document"
	case afspraak.SoortBesluit:
		return "besluit"
	case afspraak.SoortEigenschap:
		return "eigenschap"
	case afspraak.SoortResultaat:
		return "resultaat"
	case afspraak.SoortRol:
		return "rol"
	case afspraak.SoortContactmoment:
		return "contactmoment"
	}
	return s
}

// humanBytes formats a size for people: "1.5 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
