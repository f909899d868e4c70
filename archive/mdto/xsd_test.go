package mdto

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNationaalArchiefExamplesValidate(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "na-voorbeelden", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("found %d examples, want 4: %v", len(paths), paths)
	}
	if err := validateXSD(t, paths...); err != nil {
		t.Fatal(err)
	}
}

func TestValidateXSDNamesEachFailingFileWithXmllintMessage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join("testdata", "na-voorbeelden", "bestand.xml")
	src, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// omvang moved after bestandsformaat: well-formed, but out of schema order.
	omvang := "\t\t<omvang>57727859</omvang>\n"
	if !strings.Contains(string(src), omvang) {
		t.Fatal("example has no omvang line")
	}
	swapped := strings.Replace(string(src), omvang, "", 1)
	swapped = strings.Replace(swapped, "\t\t<checksum>", omvang+"\t\t<checksum>", 1)
	outOfOrder := filepath.Join(dir, "out-of-order.xml")
	malformed := filepath.Join(dir, "malformed.xml")
	missing := filepath.Join(dir, "missing.xml")
	writeFile(t, outOfOrder, swapped)
	writeFile(t, malformed, "<MDTO xmlns=\"https://www.nationaalarchief.nl/mdto\"><bestand>")

	err = validateXSD(t, good, outOfOrder, malformed, missing)
	var xe *XSDError
	if !errors.As(err, &xe) {
		t.Fatalf("error = %v, want *XSDError", err)
	}
	want := map[string]string{outOfOrder: "omvang", malformed: "", missing: "cannot be read"}
	if len(xe.Failures) != len(want) {
		t.Fatalf("failures = %+v, want one for each of %v", xe.Failures, want)
	}
	for _, f := range xe.Failures {
		sub, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected failure for %s: %v", f.Path, f.Messages)
			continue
		}
		if msg := strings.Join(f.Messages, " "); !strings.Contains(msg, sub) || msg == "" {
			t.Errorf("%s: messages %q do not mention %q", f.Path, msg, sub)
		}
		if !strings.Contains(err.Error(), f.Path) {
			t.Errorf("error text does not name %s:\n%v", f.Path, err)
		}
	}
}

func TestValidateXSDTreatsDashPathsAsFiles(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "bestand.golden"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "-bestand.xml"), string(src))
	t.Chdir(dir)
	if err := validateXSD(t, "-bestand.xml"); err != nil {
		t.Fatal(err)
	}
}

func TestValidateXSDWithoutXmllintReturnsErrNoXmllint(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := ValidateXSD(context.Background(), filepath.Join("testdata", "bestand.golden"))
	if !errors.Is(err, ErrNoXmllint) {
		t.Errorf("error = %v, want ErrNoXmllint", err)
	}
}

func TestValidateXSDOfNoFilesSucceeds(t *testing.T) {
	if err := ValidateXSD(context.Background()); err != nil {
		t.Errorf("error = %v, want nil", err)
	}
}

func TestValidateXSDStopsWhenContextIsCancelled(t *testing.T) {
	requireXmllint(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ValidateXSD(ctx, filepath.Join("testdata", "bestand.golden"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
