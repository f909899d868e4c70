package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zaakarchief/archive"
	"zaakarchief/archive/sipcheck"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// Folders of the embedded agreement's SIP levels: the gemeente's Archief and the
// omgevingsvergunning's Serie.
const (
	archiefMap = "Gemeente_Voorbeeldstad"
	serieMap   = "omgevingsvergunning"
)

// sip is the key prefix of a zaak's Dossier folder: <zaak>/<archief>/<serie>/<zaak>.
func sip(zaak string) string { return path.Join(zaak, archiefMap, serieMap, zaak) }

// sipRel is the path of a zaak's Dossier folder within its package folder.
func sipRel(zaak string) string { return path.Join(archiefMap, serieMap, zaak) }

// checkSIP runs every e-Depot check on the package folder of zaak in dir and fails the test
// with the report unless all pass.
func checkSIP(t *testing.T, dir, zaak string) {
	t.Helper()
	rep, err := sipcheck.Controleer(context.Background(), os.DirFS(filepath.Join(dir, zaak)), archive.SIPOpties())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		var b strings.Builder
		rep.Schrijf(&b)
		t.Errorf("package of %s fails the e-Depot checks:\n%s", zaak, b.String())
	}
}

func TestSeedScenarioPackagesPassEveryEDepotCheck(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	tg := fileTarget(t, "archief")
	if _, err := e.archiver(tg).Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, zaak := range s.archived() {
		checkSIP(t, rootOf(t, tg), zaak)
	}
}

// titels and namen are document titles and file names as users type them: spaces, reserved
// characters, diacritics, device names, repeats, and far too long.
var (
	titels = []string{"Aanvraag omgevingsvergunning", "Besluit: verleend?", "Advies <welstand> & monumenten #3",
		"Zienswijze van dhr. Ærøskøbing-Müller", "CON", "?!", "Bijlage", "Bijlage",
		strings.Repeat("Situatietekening met maatvoering ", 6)}
	namen = []string{"aanvraag.pdf", "besluit verleend.pdf", "advies&welstand#3.pdf", "zienswijze (1).pdf", "nul.pdf", ".pdf",
		"bijlage.pdf", "BIJLAGE.PDF", strings.Repeat("situatietekening_bestaande_toestand_", 6) + ".pdf"}
)

// generatedZaak registers zaak i with one to four documents from titels and namen and closes
// it with resultaat Verleend or Geweigerd.
func (e *env) generatedZaak(i int) string {
	e.tb.Helper()
	ctx := context.Background()
	omschrijving := fmt.Sprintf("Zaak %d: %s", i, titels[i%len(titels)])
	omschrijving = string([]rune(omschrijving)[:min(80, utf8.RuneCountInString(omschrijving))])
	z, err := e.svc.CreateZaak(ctx, daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: daemontest.Zaaktype, Omschrijving: omschrijving})
	if err != nil {
		e.tb.Fatal(err)
	}
	for j := 0; j < 1+i%4; j++ {
		k := (i + 3*j) % len(titels)
		e.AddDocument(daemontest.GemeenteActor, z.Identificatie, daemontest.Document{Informatieobjecttype: "bijlage", Titel: titels[k], Bestandsnaam: namen[(k+j)%len(namen)], Content: daemontest.PDF(fmt.Sprintf("%d-%d", i, j), 600+i%7*100)})
	}
	e.SetStatus(daemontest.GemeenteActor, z.Identificatie, daemontest.Fase2)
	e.SetStatus(daemontest.OmgevingsdienstActor, z.Identificatie, daemontest.Fase3)
	e.SetStatus(daemontest.OmgevingsdienstActor, z.Identificatie, daemontest.Fase4)
	resultaat := daemontest.Geweigerd
	if i%3 == 0 {
		resultaat = daemontest.Verleend
	}
	if _, err := e.svc.SetResultaat(ctx, daemontest.GemeenteActor, z.Identificatie, dossier.NieuwResultaat{Resultaattype: resultaat}); err != nil {
		e.tb.Fatal(err)
	}
	e.SetStatus(daemontest.GemeenteActor, z.Identificatie, daemontest.Fase5)
	return z.Identificatie
}

func TestGeneratedZakenWithAwkwardNamesPassEveryEDepotCheck(t *testing.T) {
	n := envInt("ARCHIVE_SIP_ZAKEN", 200)
	if testing.Short() {
		n = 30
	}
	e := newEnv(t)
	var zaken []string
	for i := range n {
		zaken = append(zaken, e.generatedZaak(i))
	}
	tg := fileTarget(t, "archief")
	start := time.Now()
	rep, err := e.archiver(tg).Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if rep.Pakketten != n || rep.Fouten != 0 {
		t.Fatalf("run: %+v %+v", rep.RunInfo, rep.Problemen)
	}
	root := rootOf(t, tg)
	longest := 0
	for _, zaak := range zaken {
		checkSIP(t, root, zaak)
		for _, k := range keys(t, tg, zaak+"/") {
			longest = max(longest, utf8.RuneCountInString(k))
		}
	}
	if longest > archive.MaxSleutel {
		t.Errorf("longest key has %d characters, want at most %d", longest, archive.MaxSleutel)
	}
	t.Logf("%d zaken archived in %v, longest key %d characters", n, took.Round(time.Millisecond), longest)
}

func TestRunRefusesAPackageWithAPasswordProtectedPDF(t *testing.T) {
	e := newEnv(t)
	locked := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n")
	zaak := e.ClosedZaak(daemontest.Geweigerd, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Beveiligde bijlage", Bestandsnaam: "beveiligd.pdf", Content: locked})
	tg := fileTarget(t, "archief")
	rep, err := e.archiver(tg).Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 0 || rep.Fouten != 1 || len(rep.Problemen) != 1 || !strings.Contains(rep.Problemen[0].Fout, "wachtwoord") ||
		!strings.Contains(rep.Problemen[0].Fout, "beveiligd.pdf") {
		t.Fatalf("run: %+v %+v", rep.RunInfo, rep.Problemen)
	}
	if got := e.zaak(zaak).Archief.Archiefstatus; got != dossier.ArchiefstatusNogTeArchiveren {
		t.Errorf("archiefstatus %s, want %s", got, dossier.ArchiefstatusNogTeArchiveren)
	}
	for _, k := range keys(t, tg, zaak+"/") {
		if strings.HasSuffix(k, "/"+archive.ManifestNaam) || strings.HasSuffix(k, "/"+archive.PakbonNaam) {
			t.Errorf("the refused package was sealed: %s", k)
		}
	}
}

// A package that fails the checks is not transferred: here one whose archief sidecar, as the
// journal holds it, lacks the begripCode of its beperkingGebruikType (as a package written
// before the checks could), or lacks its naam (which only the XSD check sees).
func TestTransferRefusesAPackageThatFailsTheEDepotChecks(t *testing.T) {
	tests := []struct {
		name, from, to, check string
	}{
		{"beperkingGebruik without code", "<begripCode>Openbaarheid/Openbaar</begripCode>", "", sipcheck.ControleBeperkingGebruik},
		{"not valid against the XSD", "<naam>Archief Gemeente Voorbeeldstad</naam>", "", sipcheck.ControleSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			zaak := e.ClosedZaak(daemontest.Verleend)
			tg := fileTarget(t, "archief")
			edepot := fileTarget(t, "edepot")
			ctx := context.Background()
			now := retention.Overbrenging{TermijnNieuw: retention.Termijn{Jaren: 10}}
			if rep, err := e.archiver(tg, func(o *archive.Options) { o.Overbrenging = &now }).Run(ctx, nil); err != nil || rep.Pakketten != 1 {
				t.Fatalf("archive run: %v %+v", err, rep)
			}
			key := zaak + "/" + archiefMap + "/" + archiefMap + ".mdto.xml"
			var n int64
			err := e.db.Update(ctx, func(tx *sqldb.Tx) error {
				res, err := tx.Exec(ctx, `UPDATE archief_inhoud SET inhoud = replace(inhoud, ?, ?) WHERE sleutel = ? AND instr(inhoud, ?) > 0`, tt.from, tt.to, key, tt.from)
				if err == nil {
					n, err = res.RowsAffected()
				}
				return err
			})
			if err != nil || n != 1 {
				t.Fatalf("break the journal's sidecar: %d rows, %v", n, err)
			}
			a := e.archiver(tg, func(o *archive.Options) { o.EDepot = fixed(edepot); o.Overbrenging = &now })
			rep, err := a.Run(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Overgedragen != 0 || rep.Fouten != 1 || len(rep.Problemen) != 1 || !strings.Contains(rep.Problemen[0].Fout, tt.check) {
				t.Fatalf("transfer run: %+v %+v", rep.RunInfo, rep.Problemen)
			}
			if got := keys(t, edepot, ""); len(got) != 0 {
				t.Errorf("the refused package reached the e-Depot: %v", got)
			}
			if got := e.zaak(zaak).Archief.Archiefstatus; got != dossier.ArchiefstatusGearchiveerd {
				t.Errorf("archiefstatus %s, want %s", got, dossier.ArchiefstatusGearchiveerd)
			}
		})
	}
}

func TestTransferWritesTheVerklaringVanOverbrengingAndTheEDepotCopyPassesEveryCheck(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Verleend)
	tijdelijk := e.ClosedZaak(daemontest.Geweigerd)
	tg := fileTarget(t, "archief")
	edepot := fileTarget(t, "edepot")
	ctx := context.Background()
	now := retention.Overbrenging{TermijnNieuw: retention.Termijn{Jaren: 10}}
	a := e.archiver(tg, func(o *archive.Options) { o.EDepot = fixed(edepot); o.Overbrenging = &now })
	rep, err := a.Run(ctx, nil)
	if err != nil || rep.Overgedragen != 1 || rep.Fouten != 0 {
		t.Fatalf("run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	checkSIP(t, rootOf(t, edepot), zaak)

	v, err := a.VerklaringOverbrengingVan(ctx, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	var vo archive.VerklaringOverbrenging
	if err := json.Unmarshal(v.JSON, &vo); err != nil {
		t.Fatal(err)
	}
	p, err := a.Pakket(ctx, systeem, zaak)
	if err != nil {
		t.Fatal(err)
	}
	if vo.Aantal != 1 || len(vo.Zaken) != 1 || vo.Zaken[0].Identificatie != zaak || vo.Zaken[0].Manifest.SHA256 != p.ManifestSHA256 ||
		len(vo.Series) != 1 || vo.Series[0].Zaaktype != daemontest.Zaaktype || vo.Series[0].Aantal != 1 ||
		len(vo.Zorgdragers) != 1 || vo.Zorgdragers[0].RSIN != "002220647" || vo.Naar != edepot.URL() || vo.Objecten != len(p.Manifest.Objecten)+2 {
		t.Errorf("verklaring: %s", v.JSON)
	}
	if !strings.Contains(string(v.HTML), zaak) || !strings.Contains(string(v.HTML), "Verklaring van overbrenging") ||
		strings.Contains(string(v.HTML), tijdelijk) {
		t.Errorf("HTML does not name exactly the transferred zaak:\n%s", v.HTML)
	}
	// The verklaring and the transfer list lie on the e-Depot beside the packages, as kept; the
	// transfer list names every object of the package with its size and SHA-256 as delivered.
	folder := ""
	for _, k := range keys(t, edepot, archive.VerklaringMap+"/") {
		folder = path.Dir(k)
	}
	for naam, want := range map[string][]byte{archive.VerklaringJSON: v.JSON, archive.VerklaringHTML: v.HTML, archive.OverdrachtslijstNaam: v.Lijst} {
		if got := read(t, edepot, folder+"/"+naam); !bytes.Equal(got, want) {
			t.Errorf("%s on the e-Depot differs from the one kept", naam)
		}
	}
	cr := csv.NewReader(bytes.NewReader(v.Lijst))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err == nil && len(rows) > 0 {
		rows = rows[1:]
	}
	onEDepot := keys(t, edepot, zaak+"/")
	if err != nil || len(rows) != len(onEDepot) || vo.Overdrachtslijst.Regels != len(rows) {
		t.Fatalf("transfer list: %d lines (%v), the e-Depot holds %d objects of the package", len(rows), err, len(onEDepot))
	}
	for _, r := range rows {
		f := r
		sum := sha256.Sum256(read(t, edepot, f[1]))
		if f[0] != zaak || fmt.Sprint(len(read(t, edepot, f[1]))) != f[3] || hex.EncodeToString(sum[:]) != f[4] {
			t.Errorf("transfer list line %q does not match the e-Depot's object", r)
		}
	}
	if _, err := a.VerklaringOverbrengingVan(ctx, "geen-run"); !errors.Is(err, archive.ErrGeenVerklaring) {
		t.Errorf("verklaring of an unknown run: %v", err)
	}
}
