package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"sort"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

// gemeenteZaaktype is the second zaaktype of the test agreement: a copy of the
// omgevingsvergunning in which the gemeente does everything and the omgevingsdienst nothing.
const gemeenteZaaktype = "melding-gemeente"

// niveaus are the three confidentiality levels of the documents: within every clearance, above
// the auditor's (vertrouwelijk), above the recordmanager's and archivaris' (geheim).
var niveaus = []string{"zaakvertrouwelijk", "geheim", "zeer_geheim"}

// clearance is the default clearance of the daemon (dossier.DefaultClearance).
var clearance = dossier.DefaultClearance()

// exportClearance is the default clearance of the export (export.DefaultClearance).
var exportClearance = map[string]string{dossier.RolAuditor: "vertrouwelijk", dossier.RolRecordmanager: "geheim"}

// actor is one token of the matrix.
type actor struct {
	naam, organisatie, rol string
	// eigen is the zaaktype the actor handles itself; the other one is gemeenteZaaktype (for the
	// gemeente, which handles both, also the omgevingsvergunning).
	eigen string
}

var actoren = []actor{
	{"omgevingsdienst", daemontest.Omgevingsdienst, dossier.RolOrganisatie, daemontest.Zaaktype},
	{"gemeente", daemontest.Gemeente, dossier.RolOrganisatie, daemontest.Zaaktype},
	{"kcc", daemontest.Gemeente, dossier.RolKCC, daemontest.Zaaktype},
	{"recordmanager", daemontest.Gemeente, dossier.RolRecordmanager, daemontest.Zaaktype},
	{"archivaris", daemontest.Gemeente, dossier.RolArchivaris, daemontest.Zaaktype},
	{"auditor", daemontest.Gemeente, dossier.RolAuditor, daemontest.Zaaktype},
}

// geval is one cell of the matrix: an actor, a zaak of its own zaaktype or the other one, with
// a document of one confidentiality level.
type geval struct {
	actor
	zaaktype string
	niveau   string
}

// handelt reports whether the organisation of the actor handles the zaaktype of the case.
func (g geval) handelt() bool {
	return g.organisatie == daemontest.Gemeente || g.zaaktype == daemontest.Zaaktype
}

func rang(v string) int { n, _ := dossier.VertrouwelijkheidNiveau(v); return n }

// zietZaak: the actor may read the zaak (its dossier without the documents above its level).
func zietZaak(g geval) bool {
	switch g.rol {
	case dossier.RolOrganisatie:
		return g.handelt()
	case dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor:
		return true
	}
	return false
}

// zietDocument: the actor may read the case's document.
func zietDocument(g geval) bool { return zietZaak(g) && rang(g.niveau) <= rang(clearance[g.rol]) }

func rollen(rs ...string) func(geval) bool {
	return func(g geval) bool { return slices.Contains(rs, g.rol) }
}

func iedereen(geval) bool { return true }

// matrix says, for every route the daemon registers, whether the actor of a case gets through
// to it. A route without an entry fails TestToegangsmatrix.
var matrix = map[string]func(geval) bool{
	"GET /healthz":                             iedereen,
	"GET /metrics":                             iedereen,
	"GET /api/v1/openapi.yaml":                 iedereen,
	"GET /api/v1/afspraak":                     iedereen,
	"GET /api/v1/zaken":                        zietZaak, // the case's zaak is in the list
	"POST /api/v1/zaken":                       func(g geval) bool { return g.rol == dossier.RolOrganisatie && g.organisatie == daemontest.Gemeente },
	"GET /api/v1/zaken/{identificatie}":        zietDocument, // 200 with the case's document listed
	"GET /api/v1/zaken/{identificatie}/status": func(g geval) bool { return g.rol == dossier.RolKCC || zietZaak(g) },
	"GET /api/v1/zaken/{identificatie}/documenten/{id}/inhoud": zietDocument,
	"POST /api/v1/zaken/{identificatie}/documenten/{id}/conversies": func(g geval) bool {
		return g.rol == dossier.RolRecordmanager && zietDocument(g)
	},
	"GET /api/v1/zaken/{identificatie}/inzage": rollen(dossier.RolAuditor),
	"GET /api/v1/zaken/{identificatie}/export": func(g geval) bool {
		max, ok := exportClearance[g.rol]
		return ok && rang(g.niveau) <= rang(max)
	},
	"GET /api/v1/zaken/{identificatie}/archief":           zietZaak,
	"POST /api/v1/zaken/{identificatie}/archief/override": rollen(dossier.RolRecordmanager),
	"GET /api/v1/zaken/{identificatie}/pakket":            rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"POST /api/v1/zaken/{identificatie}/statussen":        schrijft,
	"POST /api/v1/zaken/{identificatie}/besluiten":        schrijft,
	"POST /api/v1/zaken/{identificatie}/eigenschappen":    schrijft,
	"POST /api/v1/zaken/{identificatie}/resultaat":        schrijft,
	"POST /api/v1/zaken/{identificatie}/rollen":           schrijft,
	"POST /api/v1/zaken/{identificatie}/documenten":       schrijft,
	"POST /api/v1/zaken/{identificatie}/contactmomenten": func(g geval) bool {
		// The gemeente records contactmomenten in the first phase, also through its KCC.
		return g.organisatie == daemontest.Gemeente && (g.rol == dossier.RolKCC || (g.rol == dossier.RolOrganisatie && zietZaak(g)))
	},
	"GET /api/v1/archief/runs": rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"GET /api/v1/bronnen":      func(g geval) bool { return g.rol != dossier.RolKCC },
	// The sources and their meldingen are open to every role but the KCC (package zgw decides).
	// The meldingen name zaken and reasons of one organisation's own system: an organisation
	// reads those of its own source only.
	"GET /api/v1/bronnen/{organisatie}/meldingen": func(g geval) bool {
		return g.rol != dossier.RolKCC && (g.rol != dossier.RolOrganisatie || g.organisatie == daemontest.Gemeente)
	},
	// Notifications come from an organisation's own source; the test agreement has none.
	"POST /api/v1/notificaties":                                       func(geval) bool { return false },
	"GET /api/v1/holds":                                               rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"GET /api/v1/holds/{id}":                                          rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"POST /api/v1/holds":                                              rollen(dossier.RolRecordmanager),
	"POST /api/v1/holds/{id}/opheffen":                                rollen(dossier.RolRecordmanager),
	"GET /api/v1/vernietigingslijsten":                                rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"GET /api/v1/vernietigingslijsten/{id}":                           rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"GET /api/v1/vernietigingslijsten/{id}/logboek":                   rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"GET /api/v1/vernietigingslijsten/{id}/verklaring":                rollen(dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor),
	"POST /api/v1/vernietigingslijsten":                               rollen(dossier.RolRecordmanager),
	"POST /api/v1/vernietigingslijsten/{id}/annuleren":                rollen(dossier.RolRecordmanager, dossier.RolArchivaris),
	"POST /api/v1/vernietigingslijsten/{id}/beoordelingen":            rollen(dossier.RolArchivaris),
	"POST /api/v1/vernietigingslijsten/{id}/goedkeuren":               rollen(dossier.RolArchivaris),
	"POST /api/v1/vernietigingslijsten/{id}/indienen":                 rollen(dossier.RolRecordmanager),
	"POST /api/v1/vernietigingslijsten/{id}/items/{zaak}/afvoeren":    rollen(dossier.RolRecordmanager),
	"POST /api/v1/vernietigingslijsten/{id}/items/{zaak}/beoordeling": rollen(dossier.RolArchivaris),
	"POST /api/v1/vernietigingslijsten/{id}/uitvoeren":                rollen(dossier.RolRecordmanager, dossier.RolArchivaris),
}

// schrijft: an organisation records on a zaak of a zaaktype it handles (the agreement then
// decides what); no other role records.
func schrijft(g geval) bool { return g.rol == dossier.RolOrganisatie && g.handelt() }

// bodies are the request bodies of the POST routes: names the zaaktype does not know, so that
// an actor that gets through is answered 400 by the check after the authorization and nothing
// changes.
var bodies = map[string]any{
	"POST /api/v1/zaken":                                  map[string]any{"zaaktype": "%ZAAKTYPE%", "omschrijving": "Matrix", "toelichting": "matrix", "initiator": "M. Atrix"},
	"POST /api/v1/zaken/{identificatie}/statussen":        map[string]any{"statustype": "onbekend"},
	"POST /api/v1/zaken/{identificatie}/besluiten":        map[string]any{"besluittype": "onbekend", "datum": "2026-01-01", "ingangsdatum": "2026-01-01"},
	"POST /api/v1/zaken/{identificatie}/eigenschappen":    map[string]any{"eigenschap": "onbekend", "waarde": "x"},
	"POST /api/v1/zaken/{identificatie}/resultaat":        map[string]any{"resultaattype": "onbekend"},
	"POST /api/v1/zaken/{identificatie}/rollen":           map[string]any{"roltype": "onbekend", "betrokkene": "x"},
	"POST /api/v1/zaken/{identificatie}/contactmomenten":  map[string]any{"kanaal": "telefoon", "onderwerp": "vraag", "tekst": "hoe staat het ervoor"},
	"POST /api/v1/zaken/{identificatie}/archief/override": map[string]any{"archiefnominatie": "vernietigen", "reden": "matrix"},
	"POST /api/v1/holds":                                  map[string]any{},
	"POST /api/v1/notificaties":                           map[string]any{},
}

// agreementMetGemeenteZaaktype is the embedded agreement with gemeenteZaaktype added.
func agreementMetGemeenteZaaktype(t testing.TB) *afspraak.Afspraak {
	t.Helper()
	a, err := afspraak.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	zt, ok := a.Zaaktype(daemontest.Zaaktype)
	if !ok {
		t.Fatal("no omgevingsvergunning in the embedded agreement")
	}
	b, err := json.Marshal(zt)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(`"`+daemontest.Omgevingsdienst+`"`), []byte(`"`+daemontest.Gemeente+`"`))
	var nieuw afspraak.Zaaktype
	if err := json.Unmarshal(b, &nieuw); err != nil {
		t.Fatal(err)
	}
	nieuw.Identificatie, nieuw.Omschrijving = gemeenteZaaktype, "Melding die alleen de gemeente behandelt"
	for i := range nieuw.Statustypen {
		st := &nieuw.Statustypen[i]
		var samen []afspraak.Vastlegging
		for _, v := range st.Vastleggen {
			j := slices.IndexFunc(samen, func(s afspraak.Vastlegging) bool { return s.Organisatie == v.Organisatie })
			if j < 0 {
				samen = append(samen, v)
				continue
			}
			s := &samen[j]
			s.Informatieobjecttypen = uniek(s.Informatieobjecttypen, v.Informatieobjecttypen)
			s.Besluittypen = uniek(s.Besluittypen, v.Besluittypen)
			s.Eigenschappen = uniek(s.Eigenschappen, v.Eigenschappen)
			s.Resultaattypen = uniek(s.Resultaattypen, v.Resultaattypen)
			s.Rollen = uniek(s.Rollen, v.Rollen)
			s.Contactmomenten = s.Contactmomenten || v.Contactmomenten
		}
		st.Vastleggen = samen
	}
	a.Zaaktypen = append(a.Zaaktypen, nieuw)
	return a
}

func uniek(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// opstelling is the daemon with, per zaaktype and level, one zaak holding one document of that
// level, and a token per actor.
type opstelling struct {
	k      *daemontest.Kit
	zaak   map[[2]string]string // {zaaktype, niveau} → zaak
	doc    map[[2]string]string // {zaaktype, niveau} → document
	tokens map[string]string    // actor naam → secret
}

func nieuweOpstelling(t *testing.T) *opstelling {
	t.Helper()
	a := agreementMetGemeenteZaaktype(t)
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) { o.Afspraak = a }))
	o := &opstelling{k: k, zaak: map[[2]string]string{}, doc: map[[2]string]string{}, tokens: map[string]string{}}
	ctx := context.Background()
	for _, zt := range []string{daemontest.Zaaktype, gemeenteZaaktype} {
		for _, v := range niveaus {
			z, err := k.Dossier.CreateZaak(ctx, daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: zt,
				Omschrijving: "Zaak " + v, Toelichting: "matrix", Initiator: "J. Jansen"})
			if err != nil {
				t.Fatalf("create %s zaak: %v", zt, err)
			}
			today := dossier.DatumIn(k.Clock.Now(), k.Dossier.Location())
			d, err := k.Dossier.AddDocument(ctx, daemontest.GemeenteActor, z.Identificatie, dossier.DocumentMetadata{
				Informatieobjecttype: "aanvraagformulier", Titel: "Aanvraag " + v, Auteur: "T. Ester", Creatiedatum: &today,
				Vertrouwelijkheidaanduiding: v, Bestandsnaam: "aanvraag.pdf", Formaat: "application/pdf"},
				bytes.NewReader(daemontest.PDF(z.Identificatie+" "+v, 2000)))
			if err != nil {
				t.Fatalf("add %s document to %s: %v", v, z.Identificatie, err)
			}
			o.zaak[[2]string{zt, v}], o.doc[[2]string{zt, v}] = z.Identificatie, d.ID
		}
	}
	for _, a := range actoren {
		o.tokens[a.naam] = k.Token(a.organisatie, a.rol)
	}
	return o
}

// geweigerdeInzagen counts the refused entries in the access log of zaak.
func (o *opstelling) geweigerdeInzagen(t *testing.T, zaak string) int {
	t.Helper()
	log, err := o.k.Dossier.Verwerkingen(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range log {
		if !v.Toegestaan {
			n++
		}
	}
	return n
}

// doorgelaten calls route as the case's actor and reports whether it got through: not 403, and
// not a 404 the daemon recorded as a refused read (a zaak or document outside the actor's
// autorisatie is answered as one that does not exist). For the zaken list and the dossier it is
// whether the case's zaak is in the list and the case's document in the dossier.
func (o *opstelling) doorgelaten(t *testing.T, route string, g geval) bool {
	t.Helper()
	zaak, doc := o.zaak[[2]string{g.zaaktype, g.niveau}], o.doc[[2]string{g.zaaktype, g.niveau}]
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.NewReplacer("{identificatie}", zaak, "{id}", doc, "{zaak}", zaak, "{organisatie}", daemontest.Gemeente).Replace(pattern)
	if !strings.Contains(pattern, "/documenten/{id}") {
		path = strings.ReplaceAll(path, doc, "onbekend")
	}
	c := o.k.Client(o.tokens[g.naam])
	voor := o.geweigerdeInzagen(t, zaak)
	var r daemontest.Response
	switch route {
	case "GET /api/v1/zaken":
		r = c.Get("/api/v1/zaken?pageSize=500")
	case "POST /api/v1/zaken/{identificatie}/documenten":
		r = c.Upload(zaak, map[string]any{"informatieobjecttype": "onbekend", "titel": "x", "auteur": "x", "bestandsnaam": "x.pdf", "formaat": "application/pdf"},
			"x.pdf", daemontest.PDF("matrix", 500))
	case "POST /api/v1/zaken/{identificatie}/documenten/{id}/conversies":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="conversie"`)
		h.Set("Content-Type", "application/json")
		pw, _ := mw.CreatePart(h)
		pw.Write([]byte(`{"reden":"matrix","bestandsnaam":"x.pdf","formaat":"application/pdf"}`))
		fw, _ := mw.CreateFormFile("inhoud", "x.pdf")
		fw.Write(daemontest.PDF("matrix", 500))
		mw.Close()
		r = c.Do(method, path, mw.FormDataContentType(), &buf)
	default:
		var body *bytes.Reader
		ct := ""
		if method == http.MethodPost {
			in := bodies[route]
			if in == nil {
				in = map[string]any{}
			}
			b, _ := json.Marshal(in)
			b = bytes.ReplaceAll(b, []byte("%ZAAKTYPE%"), []byte(g.zaaktype))
			body, ct = bytes.NewReader(b), "application/json"
			r = c.Do(method, path, ct, body)
		} else {
			r = c.Do(method, path, "", nil)
		}
	}
	if r.Code == http.StatusUnauthorized || r.Code >= 500 {
		t.Fatalf("%s as %s: %d %s", path, g.naam, r.Code, r.Body)
	}
	switch route {
	case "GET /api/v1/zaken":
		if r.Code != http.StatusOK {
			return false
		}
		var page dossier.ZakenPage
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(page.Results, func(z dossier.Zaak) bool { return z.Identificatie == zaak })
	case "GET /api/v1/zaken/{identificatie}":
		if r.Code != http.StatusOK {
			return false
		}
		var d struct {
			Documenten []struct {
				ID string `json:"id"`
			} `json:"documenten"`
		}
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(d.Documenten, func(x struct {
			ID string `json:"id"`
		}) bool {
			return x.ID == doc
		})
	}
	if r.Code == http.StatusForbidden {
		return false
	}
	// A 404 is a refusal when the daemon recorded it as one; otherwise the thing asked for does
	// not exist (no package yet, no such hold).
	return r.Code != http.StatusNotFound || o.geweigerdeInzagen(t, zaak) == voor
}

// TestToegangsmatrix calls every route the daemon registers as every role (both organisations),
// for a zaak of the actor's own zaaktype and of the other one, with a document of each of three
// confidentiality levels, and checks allow or refuse against the matrix. A route without an
// entry fails it, as does an entry for a route that is gone.
func TestToegangsmatrix(t *testing.T) {
	o := nieuweOpstelling(t)
	routes := o.k.Server.Routes()
	for _, r := range routes {
		if _, ok := matrix[r]; !ok {
			t.Errorf("route %s has no entry in the access matrix", r)
		}
	}
	for r := range matrix {
		if !slices.Contains(routes, r) {
			t.Errorf("the access matrix names %s, which the daemon does not register", r)
		}
	}
	cellen := 0
	for _, route := range routes {
		want, ok := matrix[route]
		if !ok {
			continue
		}
		for _, a := range actoren {
			for _, zt := range []string{a.eigen, gemeenteZaaktype} {
				for _, v := range niveaus {
					g := geval{actor: a, zaaktype: zt, niveau: v}
					voor := o.geweigerdeInzagen(t, o.zaak[[2]string{zt, v}])
					got := o.doorgelaten(t, route, g)
					if got != want(g) {
						t.Errorf("%s as %s, zaaktype %s, document %s: got through %v, want %v", route, a.naam, zt, v, got, want(g))
					}
					cellen++
					if !got && strings.Contains(route, "/documenten/{id}/inhoud") && o.geweigerdeInzagen(t, o.zaak[[2]string{zt, v}]) != voor+1 {
						t.Errorf("%s as %s, zaaktype %s, document %s: the refusal is not in the access log", route, a.naam, zt, v)
					}
				}
			}
		}
	}
	t.Logf("access matrix: %d routes × %d roles (%d actors) × 2 zaaktypen × %d levels = %d cells", len(routes), 5, len(actoren), len(niveaus), cellen)
}

// TestTweeZaaktypenDrieNiveaus shows each organisation and role seeing exactly what it may: the
// list (with its count), each dossier's documents, each document's content and the status, and
// that the auditor finds every read of content and every refusal in the access log.
func TestTweeZaaktypenDrieNiveaus(t *testing.T) {
	o := nieuweOpstelling(t)
	for _, a := range actoren {
		c := o.k.Client(o.tokens[a.naam])
		var wantZaken []string
		for _, zt := range []string{daemontest.Zaaktype, gemeenteZaaktype} {
			for _, v := range niveaus {
				g := geval{actor: a, zaaktype: zt, niveau: v}
				zaak, doc := o.zaak[[2]string{zt, v}], o.doc[[2]string{zt, v}]
				if zietZaak(g) {
					wantZaken = append(wantZaken, zaak)
				}
				r := c.Get("/api/v1/zaken/" + zaak + "/documenten/" + doc + "/inhoud")
				if got := r.Code == http.StatusOK; got != zietDocument(g) {
					t.Errorf("%s reads the %s document of a %s zaak: %d %s", a.naam, v, zt, r.Code, r.Body)
				}
				if r.Code == http.StatusOK && !bytes.Equal(r.Body, daemontest.PDF(zaak+" "+v, 2000)) {
					t.Errorf("%s reads the %s document of a %s zaak: wrong content", a.naam, v, zt)
				}
				if !zietDocument(g) && a.rol != dossier.RolKCC && r.Code != http.StatusNotFound {
					t.Errorf("%s reads the %s document of a %s zaak: %d, want 404 (not listed, so not there)", a.naam, v, zt, r.Code)
				}
				if s := c.Get("/api/v1/zaken/" + zaak + "/status"); (s.Code == http.StatusOK) != (a.rol == dossier.RolKCC || zietZaak(g)) {
					t.Errorf("%s reads the status of a %s zaak: %d", a.naam, zt, s.Code)
				}
			}
		}
		sort.Strings(wantZaken)
		r := c.Get("/api/v1/zaken?pageSize=2")
		if a.rol == dossier.RolKCC {
			if r.Code != http.StatusForbidden {
				t.Errorf("kcc lists zaken: %d", r.Code)
			}
			continue
		}
		var page dossier.ZakenPage
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		if page.Count != len(wantZaken) || (len(wantZaken) > 2) != (page.Next != nil) {
			t.Errorf("%s lists %d zaken (next %v), want %d", a.naam, page.Count, page.Next, len(wantZaken))
		}
		var all []string
		for p := 1; ; p++ {
			var pg dossier.ZakenPage
			c.JSON(http.MethodGet, fmt.Sprintf("/api/v1/zaken?pageSize=2&page=%d", p), nil, http.StatusOK, &pg)
			for _, z := range pg.Results {
				all = append(all, z.Identificatie)
			}
			if pg.Next == nil {
				break
			}
		}
		if !slices.Equal(all, wantZaken) {
			t.Errorf("%s pages through %v, want %v", a.naam, all, wantZaken)
		}
		var filtered dossier.ZakenPage
		c.JSON(http.MethodGet, "/api/v1/zaken?zaaktype="+gemeenteZaaktype, nil, http.StatusOK, &filtered)
		if want := map[bool]int{true: 3, false: 0}[zietZaak(geval{actor: a, zaaktype: gemeenteZaaktype})]; filtered.Count != want {
			t.Errorf("%s lists %d zaken of %s, want %d", a.naam, filtered.Count, gemeenteZaaktype, want)
		}
	}

	// The auditor finds, per zaak, who read the content and who was refused.
	zaak := o.zaak[[2]string{gemeenteZaaktype, "geheim"}]
	var log struct {
		Results []dossier.Verwerking `json:"results"`
	}
	o.k.Client(o.tokens["auditor"]).JSON(http.MethodGet, "/api/v1/zaken/"+zaak+"/inzage", nil, http.StatusOK, &log)
	got := map[string]bool{}
	for _, v := range log.Results {
		if v.Verwerking == dossier.VerwerkingDocumentInhoud {
			got[v.Rol+"/"+v.Organisatie+"/"+fmt.Sprint(v.Toegestaan)] = true
		}
	}
	for _, want := range []string{"organisatie/gemeente/true", "organisatie/omgevingsdienst/false", "recordmanager/gemeente/true",
		"archivaris/gemeente/true", "auditor/gemeente/false", "kcc/gemeente/false"} {
		if !got[want] {
			t.Errorf("the access log of %s lacks a read %s: %+v", zaak, want, log.Results)
		}
	}
	if r := o.k.Client(o.tokens["recordmanager"]).Get("/api/v1/zaken/" + zaak + "/inzage"); r.Code != http.StatusForbidden {
		t.Errorf("a recordmanager reads the access log: %d", r.Code)
	}
	// The refusals are in the zaak's hash chain too, and the chains still verify.
	n := 0
	for _, e := range o.k.AuditTrail(zaak) {
		if e.Actie == "inzage.geweigerd" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("%d refused reads in the audit trail of %s, want the omgevingsdienst's and the auditor's at least", n, zaak)
	}
	breaks, _, err := o.k.Dossier.VerifyAudit(context.Background())
	if err != nil || len(breaks) > 0 {
		t.Errorf("audit verify: %v %v", breaks, err)
	}
}

// TestAutorisatieFromAgreementAndClearance checks the decision itself: the zaaktypen of an
// organisation come from the agreement (a phase it is responsible for or something it may
// record), the levels of the other roles from the configured clearance over the defaults.
func TestAutorisatieFromAgreementAndClearance(t *testing.T) {
	a := agreementMetGemeenteZaaktype(t)
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) { o.Afspraak = a }),
		daemontest.WithConfig(func(c *config.Config) {
			c.Export.Clearance = map[string]string{dossier.RolAuditor: "intern", dossier.RolArchivaris: "confidentieel"}
		}))
	beide := []string{daemontest.Zaaktype, gemeenteZaaktype}
	tests := []struct {
		name      string
		actor     dossier.Actor
		zaaktypen []string
		niveau    string
		status    bool
	}{
		{"gemeente", dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolOrganisatie}, beide, "zeer_geheim", false},
		{"omgevingsdienst", dossier.Actor{Organisatie: daemontest.Omgevingsdienst, Rol: dossier.RolOrganisatie}, []string{daemontest.Zaaktype}, "zeer_geheim", false},
		{"an organisation outside the agreement", dossier.Actor{Organisatie: "provincie", Rol: dossier.RolOrganisatie}, nil, "", false},
		{"kcc", dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolKCC}, nil, "", true},
		{"auditor (configured)", dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolAuditor}, beide, "intern", false},
		{"archivaris (configured)", dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolArchivaris}, beide, "confidentieel", false},
		{"recordmanager (default)", dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolRecordmanager}, beide, "geheim", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := k.Dossier.Autorisatie(tt.actor)
			var zts []string
			for zt, n := range got.Zaaktypen {
				zts = append(zts, zt)
				if n != tt.niveau {
					t.Errorf("%s: maxVertrouwelijkheidaanduiding %s, want %s", zt, n, tt.niveau)
				}
			}
			sort.Strings(zts)
			want := slices.Clone(tt.zaaktypen)
			sort.Strings(want)
			if !slices.Equal(zts, want) || got.AlleenStatus != tt.status {
				t.Errorf("autorisatie %+v, want zaaktypen %v, alleen status %v", got, want, tt.status)
			}
		})
	}
}
