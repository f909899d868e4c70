package archive_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// seed is the set of zaken most tests archive: one per resultaat of the agreement, an open
// zaak, and a closed zaak with a file whose format cannot be identified.
type seed struct {
	verleend, geweigerd, ingetrokken, buiten, open, onbekend string
}

func (e *env) seed() seed {
	e.tb.Helper()
	var s seed
	s.verleend = e.ClosedZaak(daemontest.Verleend)
	s.geweigerd = e.ClosedZaak(daemontest.Geweigerd, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Bouwtekening gevel", Bestandsnaam: "gevel.pdf", Content: daemontest.PDF("gevel", 2000)},
		daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Bouwtekening gevel", Bestandsnaam: "gevel-2.pdf", Content: daemontest.PDF("gevel twee", 2100)})
	s.ingetrokken = e.ClosedZaak(daemontest.Ingetrokken)
	s.buiten = e.ClosedZaak(daemontest.BuitenBehandl)
	z, err := e.svc.CreateZaak(context.Background(), daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: daemontest.Zaaktype, Omschrijving: "Nog open"})
	if err != nil {
		e.tb.Fatal(err)
	}
	s.open = z.Identificatie
	noise := make([]byte, 4096)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(noise)
	s.onbekend = e.ClosedZaak(daemontest.Geweigerd, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Meetgegevens", Bestandsnaam: "meting.pdf", Content: noise})
	return s
}

func (s seed) archived() []string { return []string{s.verleend, s.geweigerd, s.ingetrokken, s.buiten} }

func TestRunArchivesClosedZakenToADirectoryAsMDTOPackagesThatValidate(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	tg := fileTarget(t, "archief")
	a := e.archiver(tg)
	ctx := context.Background()

	rep, err := a.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 4 || rep.Fouten != 1 || rep.Status != archive.RunMetFouten {
		t.Fatalf("report %+v", rep.RunInfo)
	}
	if len(rep.Problemen) != 1 || rep.Problemen[0].Zaak != s.onbekend || !strings.Contains(rep.Problemen[0].Fout, "bestandsformaat niet herkend") ||
		!strings.Contains(rep.Problemen[0].Fout, "meting.pdf") {
		t.Fatalf("problems %+v", rep.Problemen)
	}
	want := map[string]string{
		s.verleend: dossier.ArchiefstatusGearchiveerd, s.geweigerd: dossier.ArchiefstatusGearchiveerd,
		s.ingetrokken: dossier.ArchiefstatusGearchiveerd, s.buiten: dossier.ArchiefstatusGearchiveerd,
		s.open: dossier.ArchiefstatusNogTeArchiveren, s.onbekend: dossier.ArchiefstatusNogTeArchiveren,
	}
	for zaak, st := range want {
		if got := e.zaak(zaak).Archief.Archiefstatus; got != st {
			t.Errorf("zaak %s: archiefstatus %s, want %s", zaak, got, st)
		}
	}
	for _, zaak := range s.archived() {
		checkPackage(t, tg, zaak)
	}
	if got := keys(t, tg, s.onbekend+"/"); len(got) != 0 {
		t.Errorf("refused zaak left objects: %v", got)
	}

	// The layout of one package, exactly.
	wantKeys := []string{
		"Advies_veiligheidsregio/Advies_veiligheidsregio.mdto.xml", "Advies_veiligheidsregio/advies.pdf",
		"Advies_veiligheidsregio/advies.pdf.bestand.mdto.xml",
		"Aanvraag_omgevingsvergunning/Aanvraag_omgevingsvergunning.mdto.xml", "Aanvraag_omgevingsvergunning/aanvraag.pdf",
		"Aanvraag_omgevingsvergunning/aanvraag.pdf.bestand.mdto.xml",
		"Bouwtekening_gevel-2/Bouwtekening_gevel-2.mdto.xml", "Bouwtekening_gevel-2/gevel-2.pdf",
		"Bouwtekening_gevel-2/gevel-2.pdf.bestand.mdto.xml",
		"Bouwtekening_gevel/Bouwtekening_gevel.mdto.xml", "Bouwtekening_gevel/gevel.pdf", "Bouwtekening_gevel/gevel.pdf.bestand.mdto.xml",
		"Ontwerpbesluit/Ontwerpbesluit.mdto.xml", "Ontwerpbesluit/ontwerpbesluit.pdf", "Ontwerpbesluit/ontwerpbesluit.pdf.bestand.mdto.xml",
		s.geweigerd + ".mdto.xml",
	}
	for i := range wantKeys {
		wantKeys[i] = sip(s.geweigerd) + "/" + wantKeys[i]
	}
	wantKeys = append(wantKeys, s.geweigerd+"/manifest.json", s.geweigerd+"/pakbon.json",
		s.geweigerd+"/"+archiefMap+"/"+archiefMap+".mdto.xml", s.geweigerd+"/"+archiefMap+"/"+serieMap+"/"+serieMap+".mdto.xml")
	slices.Sort(wantKeys)
	if got := keys(t, tg, s.geweigerd+"/"); !slices.Equal(got, wantKeys) {
		t.Errorf("layout of %s:\n got %v\nwant %v", s.geweigerd, got, wantKeys)
	}

	checkMetadata(t, e, tg, s)
	if n := validateXML(t, tg); n != 4*3+2*(3+5+3+3) {
		t.Errorf("validated %d XML files, want an archief, a serie, a dossier and two per document of 4 zaken (40)", n)
	}

	// Retention: vernietigen until the archiefactiedatum, blijvend_bewaren until the transfer date.
	loc := e.svc.Location()
	z := e.zaak(s.geweigerd)
	y, m, d := z.Archief.Archiefactiedatum.Time().Date()
	info, err := tg.Stat(ctx, s.geweigerd+"/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if info.Retention == nil || info.Retention.Mode != target.Compliance || !info.Retention.Until.Equal(time.Date(y, m, d, 0, 0, 0, 0, loc)) {
		t.Errorf("retention of a vernietigen package: %+v, want COMPLIANCE until %d-%02d-%02d 00:00 Amsterdam", info.Retention, y, m, d)
	}
	zv := e.zaak(s.verleend)
	transfer, _ := retention.StandaardOverbrenging().Datum(zv.Archief.StartdatumBewaartermijn.Time())
	info, err = tg.Stat(ctx, sip(s.verleend)+"/"+s.verleend+".mdto.xml")
	if err != nil {
		t.Fatal(err)
	}
	ty, tm, td := transfer.Date()
	if info.Retention == nil || !info.Retention.Until.Equal(time.Date(ty, tm, td, 0, 0, 0, 0, loc)) {
		t.Errorf("retention of a blijvend_bewaren package: %+v, want until the transfer date %s", info.Retention, transfer.Format(time.DateOnly))
	}

	// Archived: the documents are gearchiveerd and the dossier refuses changes.
	dos, err := e.svc.Dossier(ctx, daemontest.GemeenteActor, s.geweigerd)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range dos.Documenten {
		if doc.Status != dossier.DocumentstatusGearchiveerd {
			t.Errorf("document %s: status %s", doc.Titel, doc.Status)
		}
	}
	today := dossier.DatumIn(time.Now(), loc)
	_, err = e.svc.AddDocument(ctx, daemontest.GemeenteActor, s.geweigerd, dossier.DocumentMetadata{Informatieobjecttype: "verzendbrief", Titel: "Late brief",
		Auteur: "x", Creatiedatum: &today, Bestandsnaam: "brief.pdf"}, strings.NewReader("%PDF-1.7\n%%EOF\n"))
	if !errors.Is(err, dossier.ErrConflict) {
		t.Errorf("document added to an archived zaak: %v", err)
	}
	var audited bool
	for _, entry := range e.AuditTrail(s.geweigerd) {
		if entry.Actie == "archiefstatus.gezet" && strings.Contains(string(entry.Details), `"manifestSha256"`) {
			audited = true
		}
	}
	if !audited {
		t.Error("no archiefstatus.gezet entry with the package in the audit trail")
	}

	// A second run writes nothing again and reports the refused zaak again.
	rep2, err := a.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Pakketten != 0 || rep2.Objecten != 0 || rep2.Fouten != 1 {
		t.Errorf("second run %+v", rep2.RunInfo)
	}
}

// checkPackage reads a package back: every object the manifest names is there with its size
// and SHA-256, nothing else is, and the pakbon names the manifest's hash and the totals.
func checkPackage(t *testing.T, tg target.Target, zaak string) archive.Manifest {
	t.Helper()
	manBytes := read(t, tg, zaak+"/"+archive.ManifestNaam)
	var man archive.Manifest
	if err := json.Unmarshal(manBytes, &man); err != nil {
		t.Fatal(err)
	}
	if man.Formaat != archive.ManifestFormaat || man.Zaak != zaak || man.Algoritme != "SHA-256" {
		t.Errorf("manifest header %+v", man)
	}
	want := []string{zaak + "/" + archive.ManifestNaam, zaak + "/" + archive.PakbonNaam}
	var total int64
	for _, o := range man.Objecten {
		key := zaak + "/" + o.Pad
		want = append(want, key)
		b := read(t, tg, key)
		sum := sha256.Sum256(b)
		if int64(len(b)) != o.Grootte || hex.EncodeToString(sum[:]) != o.SHA256 {
			t.Errorf("%s: %d bytes %x, manifest says %d bytes %s", key, len(b), sum, o.Grootte, o.SHA256)
		}
		info, err := tg.Stat(context.Background(), key)
		if err != nil || info.SHA256 != o.SHA256 {
			t.Errorf("%s: target reports sha-256 %q (%v), manifest %s", key, info.SHA256, err, o.SHA256)
		}
		total += o.Grootte
	}
	slices.Sort(want)
	if got := keys(t, tg, zaak+"/"); !slices.Equal(got, want) {
		t.Errorf("package %s holds %v, manifest names %v", zaak, got, want)
	}
	var pb archive.Pakbon
	if err := json.Unmarshal(read(t, tg, zaak+"/"+archive.PakbonNaam), &pb); err != nil {
		t.Fatal(err)
	}
	manSum := sha256.Sum256(manBytes)
	if pb.Manifest.SHA256 != hex.EncodeToString(manSum[:]) || pb.Manifest.Grootte != int64(len(manBytes)) || pb.Objecten != len(man.Objecten) {
		t.Errorf("pakbon %+v does not match manifest (%d bytes, %x, %d objects)", pb, len(manBytes), manSum, len(man.Objecten))
	}
	if pb.Bestanden*3+3 != pb.Objecten || pb.Informatieobjecten != pb.Bestanden+3 {
		t.Errorf("pakbon counts %+v", pb)
	}
	if pb.TotaalBytes != total {
		t.Errorf("pakbon total %d bytes, the manifest's objects hold %d", pb.TotaalBytes, total)
	}
	return man
}

func xmlDoc(t *testing.T, b []byte) *etree.Element {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(b); err != nil {
		t.Fatal(err)
	}
	return d.Root()
}

func texts(els []*etree.Element) []string {
	var out []string
	for _, e := range els {
		out = append(out, strings.TrimSpace(e.Text()))
	}
	return out
}

// checkMetadata reads the MDTO of the geweigerd and verleend zaken and checks what the
// agreement, the selectielijst and the dossier say.
func checkMetadata(t *testing.T, e *env, tg target.Target, s seed) {
	t.Helper()
	dos := xmlDoc(t, read(t, tg, sip(s.geweigerd)+"/"+s.geweigerd+".mdto.xml"))
	io := dos.FindElement("informatieobject")
	checks := []struct{ path, want string }{
		{"identificatie/identificatieKenmerk", s.geweigerd},
		{"identificatie/identificatieBron", "Gemeente Voorbeeldstad (RSIN 002220647)"},
		{"naam", "Dakkapel Kerkstraat Geweigerd"},
		{"aggregatieniveau/begripLabel", "Dossier"},
		{"waardering/begripCode", "V"},
		{"waardering/begripLabel", "Tijdelijk te bewaren"},
		{"bewaartermijn/termijnLooptijd", "P5Y"},
		{"bewaartermijn/termijnTriggerStartLooptijd/begripLabel", "afgehandeld"},
		{"bewaartermijn/termijnEinddatum", e.zaak(s.geweigerd).Archief.Archiefactiedatum.String()},
		{"informatiecategorie/begripCode", "11.2"},
		{"informatiecategorie/begripLabel", "Geweigerd"},
		{"informatiecategorie/begripBegrippenlijst/verwijzingNaam", "Selectielijst gemeenten en intergemeentelijke organen 2020"},
		{"beperkingGebruik/beperkingGebruikType/begripLabel", "Niet openbaar"},
		{"beperkingGebruik/beperkingGebruikType/begripCode", "Openbaarheid/NietOpenbaar/Zaakvertrouwelijk"},
	}
	for _, c := range checks {
		el := io.FindElement(c.path)
		if el == nil || strings.TrimSpace(el.Text()) != c.want {
			got := "<missing>"
			if el != nil {
				got = el.Text()
			}
			t.Errorf("dossier %s: %s, want %s", c.path, got, c.want)
		}
	}
	if got := texts(io.FindElements("archiefvormer/verwijzingNaam")); !slices.Equal(got, []string{"Gemeente Voorbeeldstad", "Omgevingsdienst Regio Voorbeeld"}) {
		t.Errorf("archiefvormers %v", got)
	}
	if got := texts(io.FindElements("event/eventType/begripLabel")); !slices.Equal(got, []string{"Ontvangen", "In behandeling bij de omgevingsdienst",
		"Advies en ontwerpbesluit", "Besluitvorming", "Resultaat geleverd"}) {
		t.Errorf("events %v", got)
	}
	if got := texts(io.FindElements("event/eventVerantwoordelijkeActor/verwijzingNaam")); !slices.Equal(got, []string{"Gemeente Voorbeeldstad",
		"Omgevingsdienst Regio Voorbeeld", "Omgevingsdienst Regio Voorbeeld", "Gemeente Voorbeeldstad", "Gemeente Voorbeeldstad"}) {
		t.Errorf("responsible per phase %v", got)
	}
	if n := len(io.FindElements("bevatOnderdeel")); n != 5 {
		t.Errorf("bevatOnderdeel %d, want 5 documents", n)
	}

	stuk := xmlDoc(t, read(t, tg, sip(s.geweigerd)+"/Ontwerpbesluit/Ontwerpbesluit.mdto.xml")).FindElement("informatieobject")
	for _, c := range []struct{ path, want string }{
		{"aggregatieniveau/begripLabel", "Archiefstuk"},
		{"isOnderdeelVan/verwijzingIdentificatie/identificatieKenmerk", s.geweigerd},
		{"heeftRepresentatie/verwijzingNaam", "ontwerpbesluit.pdf"},
		{"archiefvormer/verwijzingNaam", "Omgevingsdienst Regio Voorbeeld"},
		{"beperkingGebruik/beperkingGebruikType/begripLabel", "Beperkt openbaar"},
		{"waardering/begripCode", "V"},
	} {
		if el := stuk.FindElement(c.path); el == nil || strings.TrimSpace(el.Text()) != c.want {
			t.Errorf("archiefstuk %s: %v, want %s", c.path, el, c.want)
		}
	}
	best := xmlDoc(t, read(t, tg, sip(s.geweigerd)+"/Ontwerpbesluit/ontwerpbesluit.pdf.bestand.mdto.xml")).FindElement("bestand")
	content := read(t, tg, sip(s.geweigerd)+"/Ontwerpbesluit/ontwerpbesluit.pdf")
	sum := sha256.Sum256(content)
	for _, c := range []struct{ path, want string }{
		{"naam", "ontwerpbesluit.pdf"},
		{"omvang", "4000"},
		{"bestandsformaat/begripCode", "fmt/276"},
		{"bestandsformaat/begripBegrippenlijst/verwijzingNaam", "PRONOM-register"},
		{"checksum/checksumAlgoritme/begripLabel", "SHA-256"},
		{"checksum/checksumWaarde", hex.EncodeToString(sum[:])},
		{"isRepresentatieVan/verwijzingNaam", "Ontwerpbesluit"},
	} {
		if el := best.FindElement(c.path); el == nil || strings.TrimSpace(el.Text()) != c.want {
			t.Errorf("bestand %s: %v, want %s", c.path, el, c.want)
		}
	}
	if d := best.FindElement("checksum/checksumDatum"); d == nil || !strings.Contains(d.Text(), "T") {
		t.Errorf("checksumDatum %v is not a dateTime", d)
	}

	ver := xmlDoc(t, read(t, tg, sip(s.verleend)+"/"+s.verleend+".mdto.xml")).FindElement("informatieobject")
	for _, c := range []struct{ path, want string }{
		{"waardering/begripCode", "B"},
		{"informatiecategorie/begripCode", "11.1.6"},
		{"bewaartermijn/termijnStartdatumLooptijd", e.zaak(s.verleend).Archief.StartdatumBewaartermijn.String()},
	} {
		if el := ver.FindElement(c.path); el == nil || strings.TrimSpace(el.Text()) != c.want {
			t.Errorf("verleend %s: %v, want %s", c.path, el, c.want)
		}
	}
	if ver.FindElement("bewaartermijn/termijnEinddatum") != nil || ver.FindElement("bewaartermijn/termijnLooptijd") != nil {
		t.Error("a blijvend_bewaren zaak without term got a looptijd or einddatum")
	}
}

func TestRunArchivesToVersityGWWithVerifiedChecksumsAndOneVersionPerObject(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	srv := s3test.Start(t)
	bucket := s3test.BucketName()
	tg := s3Target(t, srv, srv.Endpoint, bucket, 0)
	a := e.archiver(tg)
	rep, err := a.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 4 || rep.Fouten != 1 {
		t.Fatalf("report %+v %+v", rep.RunInfo, rep.Problemen)
	}
	for _, zaak := range s.archived() {
		checkPackage(t, tg, zaak)
	}
	validateXML(t, tg)
	for key, n := range versions(t, srv, bucket) {
		if n != 1 {
			t.Errorf("%s has %d versions", key, n)
		}
	}
	ver, err := a.Verify(context.Background(), archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ver.Pakketten != 4 || ver.Afwijkingen != 0 || ver.Status != archive.RunVoltooid {
		t.Errorf("verify %+v %+v", ver.RunInfo, ver.Gevonden)
	}
}

func TestMultipartDocumentsAreReadBackAndHashedAfterTheirPackage(t *testing.T) {
	e := newEnv(t)
	big := benchContent(42, 11<<20) // three parts of 5 MiB
	zaak := e.ClosedZaak(daemontest.Geweigerd, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Bouwtekeningen", Bestandsnaam: "tekeningen.pdf", Content: big})
	srv := s3test.Start(t)
	px := newProxy(t, srv.Endpoint)
	var gets atomic.Int64
	px.setRule(func(r *http.Request, n int) fault {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tekeningen.pdf") {
			gets.Add(1)
		}
		return pass
	})
	bucket := s3test.BucketName()
	tg, err := target.Open(context.Background(), "s3://"+bucket+"/archief", target.Config{Endpoint: px.Endpoint,
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	a := e.archiver(tg, func(o *archive.Options) { o.PartSize = 5 << 20 })
	rep, err := a.Run(context.Background(), nil)
	if err != nil || rep.Pakketten != 1 {
		t.Fatalf("run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	if gets.Load() != 1 {
		t.Errorf("the multipart document was read back %d times during the run, want once", gets.Load())
	}
	sum := sha256.Sum256(big)
	info, err := tg.Stat(context.Background(), sip(zaak)+"/Bouwtekeningen/tekeningen.pdf")
	if err != nil || info.SHA256 != hex.EncodeToString(sum[:]) || info.Size != int64(len(big)) {
		t.Fatalf("multipart object: %+v %v", info, err)
	}
	checkPackage(t, tg, zaak)

	// Corrupt the stored file behind the server's back: verify reads it and finds out.
	f, err := os.OpenFile(filepath.Join(srv.DataDir, bucket, "archief", filepath.FromSlash(sip(zaak)), "Bouwtekeningen", "tekeningen.pdf"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("KAPOT"), 6<<20)
	f.Close()
	ver, err := a.Verify(context.Background(), archive.VerifyOptions{})
	if err != nil || ver.Afwijkingen != 1 || ver.Gevonden[0].Soort != archive.AfwijkingSHA256 {
		t.Errorf("verify after corruption: %v %+v %+v", err, ver.RunInfo, ver.Gevonden)
	}
}
