package mdto

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current writer")

func TestWriteMatchesGoldenFilesThatValidateAgainstXSD(t *testing.T) {
	cases := []struct {
		golden string
		write  func(io.Writer) error
	}{
		{"dossier.golden", func(w io.Writer) error { return WriteInformatieobject(w, dossierFixture()) }},
		{"archiefstuk.golden", func(w io.Writer) error { return WriteInformatieobject(w, archiefstukFixture()) }},
		{"bestand.golden", func(w io.Writer) error { return WriteBestand(w, bestandFixture()) }},
	}
	var goldens []string
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.write(&buf); err != nil {
				t.Fatalf("write: %v", err)
			}
			path := filepath.Join("testdata", c.golden)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test -update to create it): %v", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", path, buf.String())
			}
		})
		goldens = append(goldens, filepath.Join("testdata", c.golden))
	}
	if err := validateXSD(t, goldens...); err != nil {
		t.Fatal(err)
	}
}

func TestWriteInformatieobjectWithOnlyRequiredElementsValidates(t *testing.T) {
	o := Informatieobject{
		Identificatie:    []Identificatie{{Kenmerk: "ZAAK-1", Bron: "test"}},
		Naam:             "Zaak 1",
		Waardering:       Waardering(WaarderingTijdelijk),
		Archiefvormer:    []Verwijzing{{Naam: "Gemeente Voorbeeldstad"}},
		BeperkingGebruik: []BeperkingGebruik{BeperkingGeen()},
	}
	path := writeTemp(t, "minimal.xml", func(w io.Writer) error { return WriteInformatieobject(w, o) })
	if err := validateXSD(t, path); err != nil {
		t.Fatal(err)
	}
}

// TestWriteEveryInformatieobjectElementInSchemaOrder fills every element the schema knows, so
// that xmllint checks the order of all of them.
func TestWriteEveryInformatieobjectElementInSchemaOrder(t *testing.T) {
	o := dossierFixture()
	o.Trefwoord = []string{"bouwen", "Dorpsstraat"}
	o.Raadpleeglocatie = []Raadpleeglocatie{{Fysiek: []Verwijzing{{Naam: "Stadsarchief"}}, Online: []string{"https://archief.example.nl/zaak/42"}}}
	o.DekkingInRuimte = []Verwijzing{{Naam: "Dorpsstraat 1, Voorbeeldstad"}}
	o.IsOnderdeelVan = []Verwijzing{{Naam: "Omgevingsvergunningen 2024"}}
	o.HeeftRepresentatie = []Verwijzing{bestandRef}
	o.AanvullendeMetagegevens = []Verwijzing{{Naam: "zaak.json"}}
	o.GerelateerdInformatieobject = []GerelateerdInformatieobject{{
		Verwijzing:  ref("Deelzaak advies", "ZAAK-2024-0000043", bronZaken),
		TypeRelatie: Begrip{Label: "deelzaak", Begrippenlijst: Verwijzing{Naam: "ZGW relatieaard"}},
	}}
	o.Betrokkene = []Betrokkene{{
		TypeRelatie: Begrip{Label: "Aanvrager", Code: "initiator", Begrippenlijst: Verwijzing{Naam: "ZGW roltype"}},
		Actor:       Verwijzing{Naam: "Café ’t Hoekje"},
	}}
	o.Activiteit = &Verwijzing{Naam: "Behandelen vergunningsaanvragen"}
	b := BeperkingGeen()
	b.NadereBeschrijving = "Openbaar na afloop van de termijn."
	b.Documentatie = []Verwijzing{{Naam: "Besluit openbaarheid"}}
	b.Termijn = &Termijn{Looptijd: "P5Y"}
	o.BeperkingGebruik = append(o.BeperkingGebruik, b)
	o.Bewaartermijn.Looptijd = "P20Y"
	o.Bewaartermijn.Einddatum = date(2044, 3, 28)

	path := writeTemp(t, "full.xml", func(w io.Writer) error { return WriteInformatieobject(w, o) })
	if err := validateXSD(t, path); err != nil {
		t.Fatal(err)
	}
}

func TestWriteKeepsTextExactlyIncludingMarkupCharactersAndSpaces(t *testing.T) {
	naam := ` Besluit <concept> & "definitief" 'bijlage' ` + "\r\nregel 2\t"
	b := bestandFixture()
	b.Naam = naam
	b.URLBestand = "https://example.nl/download?a=1&b=2"
	path := writeTemp(t, "escape.xml", func(w io.Writer) error { return WriteBestand(w, b) })
	if err := validateXSD(t, path); err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromFile(path); err != nil {
		t.Fatal(err)
	}
	if got := doc.FindElement("/MDTO/bestand/naam").Text(); got != naam {
		t.Errorf("naam read back = %q, want %q", got, naam)
	}
	if got := doc.FindElement("/MDTO/bestand/URLBestand").Text(); got != b.URLBestand {
		t.Errorf("URLBestand read back = %q, want %q", got, b.URLBestand)
	}
}

func TestWriteRootIsMDTOInNamespaceWithoutAttributesOnMDTOElements(t *testing.T) {
	path := writeTemp(t, "dossier.xml", func(w io.Writer) error { return WriteInformatieobject(w, dossierFixture()) })
	if err := validateXSD(t, path); err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.NewBuffer(content)
	if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<MDTO ") {
		t.Errorf("document does not start with the declaration and MDTO root:\n%.200s", buf.String())
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if root.Tag != "MDTO" || root.NamespaceURI() != Namespace {
		t.Errorf("root = {%s}%s, want {%s}MDTO", root.NamespaceURI(), root.Tag, Namespace)
	}
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, c := range e.ChildElements() {
			if len(c.Attr) > 0 {
				t.Errorf("element %s carries attributes %v", c.GetPath(), c.Attr)
			}
			walk(c)
		}
	}
	walk(root)
	if n := len(root.ChildElements()); n != 1 {
		t.Errorf("root holds %d objects, want 1", n)
	}
}

func TestWriteRefusesInvalidObjectsAndWritesNothing(t *testing.T) {
	o := dossierFixture()
	o.Waardering = Waardering("X")
	var buf bytes.Buffer
	if err := WriteInformatieobject(&buf, o); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteInformatieobject error = %v, want ErrInvalid", err)
	}
	b := bestandFixture()
	b.Checksum = nil
	if err := WriteBestand(&buf, b); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteBestand error = %v, want ErrInvalid", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes for invalid objects", buf.Len())
	}
}

func TestWriteReportsWriterFailure(t *testing.T) {
	err := WriteBestand(failingWriter{}, bestandFixture())
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error = %v, want the writer's error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// writeTemp writes one document into a temporary file and returns its path.
func writeTemp(t *testing.T, name string, write func(io.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func BenchmarkWriteInformatieobjectAndBestand(b *testing.B) {
	o, f := dossierFixture(), bestandFixture()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteInformatieobject(&buf, o); err != nil {
			b.Fatal(err)
		}
		if err := WriteBestand(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
}
