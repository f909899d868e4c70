package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// refusal is one request the API must refuse without changing anything.
type refusal struct {
	name string
	// fase is the phase the zaak is brought to first.
	fase int
	// send makes the request; zaak is the zaak in phase fase.
	send func(s *stack, tok scenarioTokens, zaak string) daemontest.Response
	code int
	// kind is the end of the problem type (urn:zaakarchief:problem:KIND).
	kind string
	// regel: the problem must name the rule of the agreement that decided.
	regel bool
	// field: the problem must name this field in invalidParams.
	field string
	// audited: the refusal is recorded as "geweigerd" in the zaak's audit trail.
	audited bool
}

func postTo(sub string, tokOf func(scenarioTokens) *daemontest.Client, body any) func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
	return func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
		return tokOf(tok).Post(zaakPath(zaak, sub), body)
	}
}

func uploadAs(tokOf func(scenarioTokens) *daemontest.Client, meta map[string]any, content []byte) func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
	return func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
		return upload(tokOf(tok), zaak, meta, content)
	}
}

func gemeente(t scenarioTokens) *daemontest.Client        { return t.gemeente }
func omgevingsdienst(t scenarioTokens) *daemontest.Client { return t.omgevingsdienst }
func kcc(t scenarioTokens) *daemontest.Client             { return t.kcc }

var refusals = []refusal{
	// 403: the agreement does not allow this organisation to record this in the current phase.
	{name: "omgevingsdienst uploads its advice while the gemeente holds the zaak", fase: 1,
		send: uploadAs(omgevingsdienst, docMeta(iotAdvies, "advies.pdf"), pdf("advies")),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "gemeente uploads an advice in the omgevingsdienst's phase", fase: 3,
		send: uploadAs(gemeente, docMeta(iotAdvies, "advies.pdf"), pdf("advies")),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "omgevingsdienst records the besluit that is the gemeente's", fase: 4,
		send: postTo("besluiten", omgevingsdienst, map[string]any{"besluittype": besluittype, "datum": "2026-02-20", "ingangsdatum": "2026-02-21"}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "gemeente records the resultaat while the omgevingsdienst holds the zaak", fase: 3,
		send: postTo("resultaat", gemeente, map[string]any{"resultaattype": daemontest.Verleend}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "omgevingsdienst hands the zaak to itself before the gemeente does", fase: 1,
		send: postTo("statussen", omgevingsdienst, map[string]any{"statustype": daemontest.Fase2}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "gemeente takes the zaak back while the omgevingsdienst advises", fase: 3,
		send: postTo("statussen", gemeente, map[string]any{"statustype": daemontest.Fase4}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	// 403: the role of the token does not allow the operation.
	{name: "KCC records a besluit", fase: 4,
		send: postTo("besluiten", kcc, map[string]any{"besluittype": besluittype, "datum": "2026-02-20", "ingangsdatum": "2026-02-21"}),
		code: 403, kind: "rol-niet-toegestaan"},
	{name: "KCC uploads a document", fase: 1,
		send: uploadAs(kcc, docMeta(iotAanvraag, "aanvraag.pdf"), pdf("aanvraag")),
		code: 403, kind: "rol-niet-toegestaan"},
	// 409: a transition the agreement does not know, or that does not fit the zaak's state.
	{name: "gemeente skips from Ontvangen to Besluitvorming", fase: 1,
		send: postTo("statussen", gemeente, map[string]any{"statustype": daemontest.Fase4}),
		code: 409, kind: "conflict", regel: true, audited: true},
	{name: "eindstatus without a resultaat", fase: 4,
		send: postTo("statussen", gemeente, map[string]any{"statustype": daemontest.Fase5}),
		code: 409, kind: "conflict", regel: true, audited: true},
	{name: "omgevingsdienst reopens a closed zaak", fase: 5,
		send: postTo("statussen", omgevingsdienst, map[string]any{"statustype": daemontest.Fase2}),
		code: 409, kind: "conflict", regel: true, audited: true},
	{name: "gemeente changes the resultaat after the zaak is closed", fase: 5,
		send: postTo("resultaat", gemeente, map[string]any{"resultaattype": "Geweigerd"}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	{name: "omgevingsdienst records a contactmoment, the KCC's work", fase: 2,
		send: postTo("contactmomenten", omgevingsdienst, map[string]any{"kanaal": "telefoon", "onderwerp": "o", "tekst": "t"}),
		code: 403, kind: "geweigerd-door-afspraak", regel: true, audited: true},
	// 400: malformed or unknown input names the field.
	{name: "unknown field in a status", fase: 1,
		send: postTo("statussen", gemeente, `{"statustype":"`+daemontest.Fase2+`","geheim":true}`),
		code: 400, kind: "ongeldige-invoer", field: "geheim"},
	{name: "unknown statustype", fase: 1,
		send: postTo("statussen", gemeente, map[string]any{"statustype": "Vergeten"}),
		code: 400, kind: "ongeldige-invoer", field: "statustype"},
	{name: "wrong JSON type", fase: 4,
		send: postTo("besluiten", gemeente, `{"besluittype":"`+besluittype+`","datum":20260220,"ingangsdatum":"2026-02-21"}`),
		code: 400, kind: "ongeldige-invoer", field: "datum"},
	{name: "date that is not a date", fase: 4,
		send: postTo("besluiten", gemeente, map[string]any{"besluittype": besluittype, "datum": "20 februari", "ingangsdatum": "2026-02-21"}),
		code: 400, kind: "ongeldige-invoer", field: "datum"},
	{name: "datumStatusGezet that is not a date-time", fase: 1,
		send: postTo("statussen", gemeente, map[string]any{"statustype": daemontest.Fase2, "datumStatusGezet": "gisteren"}),
		code: 400, kind: "ongeldige-invoer", field: "datumStatusGezet"},
	{name: "datumStatusGezet in the future", fase: 1,
		send: postTo("statussen", gemeente, map[string]any{"statustype": daemontest.Fase2, "datumStatusGezet": "2999-01-01T00:00:00Z"}),
		code: 400, kind: "ongeldige-invoer", field: "datumStatusGezet"},
	{name: "malformed JSON", fase: 1,
		send: postTo("rollen", gemeente, `{"roltype":`),
		code: 400, kind: "ongeldige-invoer"},
	{name: "unknown besluittype", fase: 4,
		send: postTo("besluiten", gemeente, map[string]any{"besluittype": "kapvergunning", "datum": "2026-02-20", "ingangsdatum": "2026-02-21"}),
		code: 400, kind: "ongeldige-invoer", field: "besluittype"},
	{name: "vervaldatum before ingangsdatum", fase: 4,
		send: postTo("besluiten", gemeente, map[string]any{"besluittype": besluittype, "datum": "2026-02-20", "ingangsdatum": "2026-02-21", "vervaldatum": "2026-02-01"}),
		code: 400, kind: "ongeldige-invoer", field: "vervaldatum"},
	{name: "eigenschap that is not a number", fase: 3,
		send: postTo("eigenschappen", omgevingsdienst, map[string]any{"eigenschap": eigenschapNaam, "waarde": "veel"}),
		code: 400, kind: "ongeldige-invoer", field: "waarde"},
	{name: "unknown informatieobjecttype", fase: 1,
		send: uploadAs(gemeente, docMeta("geheime notitie", "x.pdf"), pdf("x")),
		code: 400, kind: "ongeldige-invoer", field: "informatieobjecttype"},
	{name: "unknown field in document metadata", fase: 1,
		send: uploadAs(gemeente, map[string]any{"informatieobjecttype": iotAanvraag, "pad": "/etc"}, pdf("x")),
		code: 400, kind: "ongeldige-invoer", field: "pad"},
	{name: "document without creatiedatum", fase: 1,
		send: uploadAs(gemeente, map[string]any{"informatieobjecttype": iotAanvraag, "titel": "t", "auteur": "a", "bestandsnaam": "a.pdf"}, pdf("x")),
		code: 400, kind: "ongeldige-invoer", field: "creatiedatum"},
	{name: "document whose bestandsnaam is only a path", fase: 1,
		send: uploadAs(gemeente, docMeta(iotAanvraag, "../"), pdf("x")),
		code: 400, kind: "ongeldige-invoer", field: "bestandsnaam"},
	{name: "upload that is not multipart", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return tok.gemeente.Do(http.MethodPost, zaakPath(zaak, "documenten"), "application/pdf", bytes.NewReader(pdf("x")))
		},
		code: 415, kind: "mediatype-niet-ondersteund"},
	{name: "capture with JSON sent as text", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return tok.gemeente.Do(http.MethodPost, zaakPath(zaak, "eigenschappen"), "text/plain", strings.NewReader(`{"naam":"x","waarde":"y"}`))
		},
		code: 415, kind: "mediatype-niet-ondersteund"},
	{name: "capture with a member twice", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return tok.gemeente.Do(http.MethodPost, zaakPath(zaak, "rollen"), "application/json",
				strings.NewReader(`{"roltype":"initiator","betrokkene":"A","betrokkene":"B"}`))
		},
		code: 400, kind: "ongeldige-invoer", field: "betrokkene"},
	{name: "upload with the file before its metadata", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("inhoud", "a.pdf")
			fw.Write(pdf("a"))
			if err := addMetadataPart(mw, docMeta(iotAanvraag, "a.pdf")); err != nil {
				s.tb.Fatal(err)
			}
			mw.Close()
			return tok.gemeente.Do(http.MethodPost, zaakPath(zaak, "documenten"), mw.FormDataContentType(), &buf)
		},
		code: 400, kind: "ongeldige-invoer", field: "metadata"},
	// 404: unknown zaak or document.
	{name: "status of an unknown zaak", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return tok.gemeente.Post(zaakPath("ZAAK-2026-9999999", "statussen"), map[string]any{"statustype": daemontest.Fase2})
		},
		code: 404, kind: "niet-gevonden"},
	{name: "upload to an unknown zaak", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return upload(tok.gemeente, "ZAAK-2026-9999999", docMeta(iotAanvraag, "a.pdf"), pdf("a"))
		},
		code: 404, kind: "niet-gevonden"},
	{name: "content of an unknown document", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return tok.gemeente.Get(zaakPath(zaak, "documenten", "onbekend", "inhoud"))
		},
		code: 404, kind: "niet-gevonden"},
	// 401: no token, an unknown token, a revoked token.
	{name: "capture without a token", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return s.Client("").Post(zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase2})
		},
		code: 401, kind: "niet-geauthenticeerd"},
	{name: "capture with an unknown token", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			return s.Client("za_"+strings.Repeat("A", 43)).Post(zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase2})
		},
		code: 401, kind: "niet-geauthenticeerd"},
	{name: "capture with a revoked token", fase: 1,
		send: func(s *stack, tok scenarioTokens, zaak string) daemontest.Response {
			tk, secret, err := s.Dossier.CreateToken(context.Background(), daemontest.Gemeente, dossier.RolOrganisatie, "revoked")
			if err != nil {
				s.tb.Fatal(err)
			}
			if err := s.Dossier.RevokeToken(context.Background(), tk.ID); err != nil {
				s.tb.Fatal(err)
			}
			return upload(s.Client(secret), zaak, docMeta(iotAanvraag, "a.pdf"), pdf("revoked"))
		},
		code: 401, kind: "niet-geauthenticeerd"},
}

// TestRefusedRequestsLeaveDossierAndBlobsUnchanged sends every kind of refused request and
// checks its status and problem body, that the dossier and the blob directory are exactly as
// before, and that a refusal by the agreement or the zaak's state is in the audit trail.
func TestRefusedRequestsLeaveDossierAndBlobsUnchanged(t *testing.T) {
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t)
			zaak, tok := s.zaakInFase(t, tc.fase)
			beforeDossier := s.dossierJSON(zaak)
			beforeBlobs := s.blobListing()
			beforeAudit := s.AuditTrail(zaak)

			r := tc.send(s, tok, zaak)

			if r.Code != tc.code {
				t.Fatalf("got %s, want %d", r, tc.code)
			}
			p := problem(t, r)
			if p.Type != "urn:zaakarchief:problem:"+tc.kind {
				t.Errorf("problem type %q, want kind %q", p.Type, tc.kind)
			}
			if tc.regel && p.Regel == "" {
				t.Errorf("problem names no regel: %s", r.Body)
			}
			if tc.field != "" && !hasParam(p, tc.field) {
				t.Errorf("problem does not name field %q: %s", tc.field, r.Body)
			}
			if tc.code == 401 && r.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if after := s.dossierJSON(zaak); !bytes.Equal(beforeDossier, after) {
				t.Errorf("dossier changed:\nbefore %s\nafter  %s", beforeDossier, after)
			}
			if after := s.blobListing(); !slices.Equal(beforeBlobs, after) {
				t.Errorf("blob directory changed:\nbefore %v\nafter  %v", beforeBlobs, after)
			}
			checkRefusalAudited(t, s, zaak, beforeAudit, tc.audited, p.Regel, tc.fase)
		})
	}
}

// checkRefusalAudited checks that the audit trail of zaak grew by exactly one "geweigerd" entry
// naming the rule (audited) or not at all.
func checkRefusalAudited(t *testing.T, s *stack, zaak string, before []dossier.AuditEntry, audited bool, regel string, fase int) {
	t.Helper()
	after := s.AuditTrail(zaak)
	if !audited {
		if len(after) != len(before) {
			t.Errorf("audit trail grew from %d to %d entries", len(before), len(after))
		}
		return
	}
	if len(after) != len(before)+1 {
		t.Fatalf("audit trail has %d entries after the refusal, want %d", len(after), len(before)+1)
	}
	e := after[len(after)-1]
	var details map[string]string
	if err := json.Unmarshal(e.Details, &details); err != nil {
		t.Fatalf("details %s: %v", e.Details, err)
	}
	if e.Actie != "geweigerd" || details["regel"] != regel || details["verzoek"] == "" {
		t.Errorf("audit entry %s %s, want geweigerd with regel %q", e.Actie, e.Details, regel)
	}
	if e.Fase != fase {
		t.Errorf("refusal recorded in fase %d, the zaak was in fase %d", e.Fase, fase)
	}
}

func TestCreateZaakRefusedForTheOrganisationNotResponsibleForPhaseOne(t *testing.T) {
	s := newStack(t)
	tok := s.scenarioTokens()
	beforeList := tok.gemeente.Get("/api/v1/zaken").Body
	beforeSystem := s.AuditTrail("")

	r := tok.omgevingsdienst.Post("/api/v1/zaken", map[string]any{"zaaktype": daemontest.Zaaktype, "omschrijving": "Buiten de afspraak"})

	if r.Code != http.StatusForbidden {
		t.Fatalf("got %s, want 403", r)
	}
	p := problem(t, r)
	if p.Type != "urn:zaakarchief:problem:geweigerd-door-afspraak" || p.Regel == "" {
		t.Errorf("problem %+v", p)
	}
	if after := tok.gemeente.Get("/api/v1/zaken").Body; !bytes.Equal(beforeList, after) {
		t.Errorf("zaken changed: %s", after)
	}
	if after := s.blobListing(); len(after) != 2 { // the root and tmp/
		t.Errorf("blob directory: %v", after)
	}
	after := s.AuditTrail("")
	if len(after) != len(beforeSystem)+1 || after[len(after)-1].Actie != "geweigerd" {
		t.Errorf("the refused registration is not in the audit trail: %d entries before, %d after", len(beforeSystem), len(after))
	}
	// The number it would have taken is not used up.
	if z := s.createZaak(tok.gemeente); z.Identificatie != "ZAAK-2026-0000001" {
		t.Errorf("first zaak after a refusal: %s", z.Identificatie)
	}
}

func TestCreateZaakRejectsUnknownAndMissingFields(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"unknown zaaktype", `{"zaaktype":"kapvergunning","omschrijving":"x"}`, "zaaktype"},
		{"missing zaaktype", `{"omschrijving":"x"}`, "zaaktype"},
		{"missing omschrijving", `{"zaaktype":"` + daemontest.Zaaktype + `"}`, "omschrijving"},
		{"omschrijving too long", `{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"` + strings.Repeat("x", 81) + `"}`, "omschrijving"},
		{"startdatum in the future", `{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"x","startdatum":"2999-01-01"}`, "startdatum"},
		{"startdatum not a date", `{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"x","startdatum":"gisteren"}`, "startdatum"},
		{"two JSON values", `{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"x"} {}`, ""},
		{"empty body", ``, ""},
		{"unknown field", `{"zaaktype":"` + daemontest.Zaaktype + `","omschrijving":"x","bronorganisatie":"123456782"}`, "bronorganisatie"},
	}
	s := newStack(t)
	tok := s.scenarioTokens()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tok.gemeente.Post("/api/v1/zaken", tc.body)
			if r.Code != http.StatusBadRequest {
				t.Fatalf("got %s, want 400", r)
			}
			p := problem(t, r)
			if tc.field != "" && !hasParam(p, tc.field) {
				t.Errorf("problem does not name %q: %s", tc.field, r.Body)
			}
		})
	}
	if r := tok.gemeente.Get("/api/v1/zaken"); !bytes.Contains(r.Body, []byte(`"count": 0`)) {
		t.Errorf("a refused registration created a zaak: %s", r.Body)
	}
}

func TestKCCSeesTheStatusButNotTheDossier(t *testing.T) {
	s := newStack(t)
	zaak, tok := s.zaakInFase(t, 2)
	for _, path := range []string{zaakPath(zaak), "/api/v1/zaken"} {
		r := tok.kcc.Get(path)
		if r.Code != http.StatusForbidden || problem(t, r).Type != "urn:zaakarchief:problem:rol-niet-toegestaan" {
			t.Errorf("KCC GET %s: %s, want 403 rol-niet-toegestaan", path, r)
		}
	}
	d := s.dossierView(zaak)
	r := tok.kcc.Get(zaakPath(zaak, "documenten", d.Documenten[0].ID, "inhoud"))
	if r.Code != http.StatusForbidden {
		t.Errorf("KCC downloads a document: %d", r.Code)
	}
	s.checkKCCStatus(t, tok.kcc, zaak, 2, daemontest.Fase2)
}

func TestUploadOverTheLimitIs413AndStoresNothing(t *testing.T) {
	const limit = 64 << 10
	s := newStack(t, withMaxUpload(limit))
	zaak, tok := s.zaakInFase(t, 1)
	beforeDossier, beforeBlobs, beforeAudit := s.dossierJSON(zaak), s.blobListing(), s.AuditTrail(zaak)

	r := upload(tok.gemeente, zaak, docMeta(iotAanvraag, "groot.pdf"), bytes.Repeat([]byte("x"), limit+1))

	if r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %s, want 413", r)
	}
	if p := problem(t, r); p.Type != "urn:zaakarchief:problem:te-groot" {
		t.Errorf("problem type %q", p.Type)
	}
	if after := s.dossierJSON(zaak); !bytes.Equal(beforeDossier, after) {
		t.Errorf("dossier changed: %s", after)
	}
	if after := s.blobListing(); !slices.Equal(beforeBlobs, after) {
		t.Errorf("blob directory changed:\nbefore %v\nafter  %v", beforeBlobs, after)
	}
	if after := s.AuditTrail(zaak); len(after) != len(beforeAudit) {
		t.Errorf("audit trail changed by an upload over the limit")
	}
	// Exactly the limit is fine.
	s.mustUpload(tok.gemeente, zaak, docMeta(iotAanvraag, "precies.pdf"), bytes.Repeat([]byte("x"), limit))
}

func TestUploadFileNameNeverBecomesAPath(t *testing.T) {
	tests := []struct{ sent, kept string }{
		{"../../etc/passwd", "passwd"},
		{`..\..\Windows\system.ini`, "system.ini"},
		{"/tmp/aanvraag.pdf", "aanvraag.pdf"},
		{"rapport\x00.pdf", "rapport.pdf"},
		{"aanvraag met spaties.pdf", "aanvraag met spaties.pdf"},
	}
	s := newStack(t)
	zaak, tok := s.zaakInFase(t, 1)
	for i, tc := range tests {
		content := pdf("naam" + string(rune('a'+i)))
		d := s.mustUpload(tok.gemeente, zaak, docMeta(iotAanvraag, tc.sent), content)
		if d.Bestandsnaam != tc.kept {
			t.Errorf("bestandsnaam %q kept as %q, want %q", tc.sent, d.Bestandsnaam, tc.kept)
		}
		r := tok.gemeente.Get(zaakPath(zaak, "documenten", d.ID, "inhoud"))
		if !bytes.Equal(r.Body, content) {
			t.Errorf("content of %q differs", tc.sent)
		}
	}
	for _, f := range s.blobListing() {
		name := strings.Fields(f)[0]
		if strings.Contains(name, "passwd") || strings.Contains(name, ".pdf") || strings.Contains(name, "ini") {
			t.Errorf("a client's file name became a path: %s", f)
		}
	}
	for _, f := range daemontest.Tree(t, s.Dir) {
		if strings.Contains(f, "passwd") || strings.Contains(f, "system.ini") {
			t.Errorf("a client's file name became a path: %s", f)
		}
	}
}
