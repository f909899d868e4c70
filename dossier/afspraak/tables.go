package afspraak

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTables prints the agreement as aligned text tables that answer the questions of the
// cooperation, per zaaktype: who is responsible in which phase and which transitions exist, who
// records what in which phase, who archives which document type from which phase, and how long
// each result is kept.
func (a *Afspraak) WriteTables(w io.Writer) error {
	sw := &stickyWriter{w: w}
	title := a.Naam
	if a.Versie != "" {
		title += " (versie " + a.Versie + ")"
	}
	fmt.Fprintf(sw, "%s\n\n", title)
	t := newTable(sw, "Organisaties", "ID", "NAAM", "RSIN", "ROLLEN")
	for _, o := range a.Organisaties {
		t.row(o.ID, o.Naam, o.RSIN, strings.Join(o.Rollen, ", "))
	}
	t.flush()
	for i := range a.Zaaktypen {
		z := &a.Zaaktypen[i]
		fmt.Fprintf(sw, "Zaaktype %s: %s\n", z.Identificatie, z.Omschrijving)
		fmt.Fprintf(sw, "bronorganisatie %s, doorlooptijd %s, vertrouwelijkheid %s, %s procestype %d\n\n",
			z.Bronorganisatie, z.Doorlooptijd, z.Vertrouwelijkheidaanduiding, z.Selectielijst.Lijst, z.Selectielijst.Procestype)
		z.writeFasen(sw)
		z.writeVastleggen(sw)
		z.writeArchivering(sw)
		z.writeResultaten(sw)
	}
	return sw.err
}

func (z *Zaaktype) writeFasen(w *stickyWriter) {
	t := newTable(w, "Fasen: wie is verantwoordelijk, en welke overgangen zijn er", "FASE", "OMSCHRIJVING", "VERANTWOORDELIJKE", "OVERGANGEN")
	for _, st := range z.gesorteerd() {
		oms := st.Omschrijving
		if st.IsEindstatus {
			oms += " (eindstatus)"
		}
		var naar []string
		for _, doel := range z.gesorteerd() {
			for _, r := range z.overgangRegels(st, doel.Volgnummer) {
				s := fmt.Sprintf("-> %d door %s", doel.Volgnummer, enLijst(r.door))
				if doel.Volgnummer != st.Volgnummer+1 {
					s += " (" + r.reden + ")"
				}
				naar = append(naar, s)
			}
		}
		t.row(strconv.Itoa(st.Volgnummer), oms, st.Verantwoordelijke, orStreep(strings.Join(naar, "; ")))
	}
	t.flush()
}

func (z *Zaaktype) writeVastleggen(w *stickyWriter) {
	t := newTable(w, "Vastleggen: wie legt in welke fase wat vast", "FASE", "ORGANISATIE", "SOORT", "WAT")
	for _, st := range z.gesorteerd() {
		fase := fmt.Sprintf("%d %s", st.Volgnummer, st.Omschrijving)
		var orgs []string
		for _, v := range st.Vastleggen {
			if !slices.Contains(orgs, v.Organisatie) {
				orgs = append(orgs, v.Organisatie)
			}
		}
		if len(orgs) == 0 {
			t.row(fase, "-", "-", "niemand legt iets vast")
		}
		for _, org := range orgs {
			toonOrg := org
			for _, s := range soorten() {
				var namen []string
				for _, v := range st.Vastleggen {
					if v.Organisatie != org {
						continue
					}
					for _, n := range v.namen(s) {
						if !slices.Contains(namen, n) {
							namen = append(namen, n)
						}
					}
				}
				if len(namen) == 0 {
					continue
				}
				wat := strings.Join(namen, ", ")
				if s == SoortContactmoment {
					wat = "toegestaan"
				}
				t.row(fase, toonOrg, s.meervoud(), wat)
				fase, toonOrg = "", ""
			}
		}
	}
	t.flush()
}

// wieWanneer lists who may record naam of the soort, with the phases: "gemeente (fase 1, 2)".
func (z *Zaaktype) wieWanneer(soort Soort, naam string, ok func(*Statustype) bool) string {
	var orgs []string
	fasen := map[string][]string{}
	for _, st := range z.gesorteerd() {
		if !ok(st) {
			continue
		}
		for _, org := range st.wieMag(soort, naam) {
			if !slices.Contains(orgs, org) {
				orgs = append(orgs, org)
			}
			fasen[org] = append(fasen[org], strconv.Itoa(st.Volgnummer))
		}
	}
	parts := make([]string, len(orgs))
	for i, org := range orgs {
		parts[i] = fmt.Sprintf("%s (fase %s)", org, strings.Join(fasen[org], ", "))
	}
	return orStreep(strings.Join(parts, "; "))
}

func altijd(*Statustype) bool { return true }

func (z *Zaaktype) writeArchivering(w *stickyWriter) {
	t := newTable(w, "Archivering: wie archiveert welk document, definitief vanaf welke fase",
		"INFORMATIEOBJECTTYPE", "VERTROUWELIJKHEID", "VASTGELEGD DOOR", "ARCHIVEERT", "DEFINITIEF VANAF")
	for _, iot := range z.Informatieobjecttypen {
		def := "fase " + strconv.Itoa(iot.Archivering.DefinitiefInFase)
		if st, ok := z.Statustype(iot.Archivering.DefinitiefInFase); ok {
			def += " " + st.Omschrijving
		}
		t.row(iot.Omschrijving, iot.Vertrouwelijkheidaanduiding, z.wieWanneer(SoortDocument, iot.Omschrijving, altijd),
			iot.Archivering.Organisatie, def)
	}
	t.flush()
}

func (z *Zaaktype) writeResultaten(w *stickyWriter) {
	t := newTable(w, "Resultaattypen: hoe lang wordt het dossier bewaard",
		"RESULTAATTYPE", "SELECTIELIJSTKLASSE", "ARCHIEFNOMINATIE", "TERMIJN", "AFLEIDINGSWIJZE", "VASTGELEGD DOOR")
	for _, r := range z.Resultaattypen {
		nominatie, termijn := r.Archiefnominatie, r.Archiefactietermijn
		if nominatie == "" {
			nominatie = "(uit selectielijst)"
		}
		if termijn == "" && r.Archiefnominatie != "blijvend_bewaren" {
			termijn = "(uit selectielijst)"
		}
		wijze := "-"
		if b := r.BrondatumArchiefprocedure; b != nil {
			wijze = b.Afleidingswijze
			var sub []string
			for _, f := range [][2]string{{"procestermijn", b.Procestermijn}, {"datumkenmerk", b.Datumkenmerk}, {"objecttype", b.Objecttype}, {"registratie", b.Registratie}} {
				if f[1] != "" {
					sub = append(sub, f[0]+" "+f[1])
				}
			}
			if len(sub) > 0 {
				wijze += " (" + strings.Join(sub, ", ") + ")"
			}
		}
		t.row(r.Omschrijving, r.Selectielijstklasse, nominatie, orStreep(termijn), wijze,
			z.wieWanneer(SoortResultaat, r.Omschrijving, altijd))
	}
	t.flush()
}

// gesorteerd returns the phases ordered by volgnummer.
func (z *Zaaktype) gesorteerd() []*Statustype {
	out := make([]*Statustype, len(z.Statustypen))
	for i := range z.Statustypen {
		out[i] = &z.Statustypen[i]
	}
	slices.SortStableFunc(out, func(a, b *Statustype) int { return a.Volgnummer - b.Volgnummer })
	return out
}

func orStreep(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// table is one titled text table.
type table struct {
	tw *tabwriter.Writer
	w  *stickyWriter
}

func newTable(w *stickyWriter, title string, header ...string) *table {
	fmt.Fprintf(w, "%s\n", title)
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0), w: w}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		// A tab or newline in a value would break the columns.
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(c)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() {
	if err := t.tw.Flush(); err != nil && t.w.err == nil {
		t.w.err = err
	}
	fmt.Fprintln(t.w)
}

// stickyWriter remembers the first write error, so that printing can go on unchecked and the
// error is returned once at the end.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}
