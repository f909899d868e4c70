package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// chromium returns the path of a Chromium binary, skipping (or failing under CI) without one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	ciOrSkip(t, "chromium is not installed (apt-get install -y chromium)")
	return ""
}

// runChromium runs headless Chromium with the flags that keep it offline and alone, in a fresh
// profile, and returns its stdout.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// unzip extracts a ZIP into dir, as an auditor would.
func unzip(t *testing.T, path, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		out.Close()
	}
}

func TestIndexHTMLOpensOfflineInChromiumWithPhasesAndDocuments(t *testing.T) {
	bin := chromium(t)
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	dir := t.TempDir()
	unzip(t, path, dir)
	index := filepath.Join(dir, zaak, "index.html")
	raw, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: no script, no external resource.
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "src="} {
		if bytes.Contains(bytes.ToLower(raw), []byte(bad)) {
			t.Errorf("index.html contains %q: it must open offline without anything else", bad)
		}
	}

	dom := string(runChromium(t, bin, "--dump-dom", "file://"+index))
	phases := regexp.MustCompile(`<li class="fase[^"]*" id="fase-(\d)">\s*<div class="fase-kop">([^<]+)`).FindAllStringSubmatch(dom, -1)
	want := []string{"1. Ontvangen", "2. In behandeling bij de omgevingsdienst", "3. Advies en ontwerpbesluit", "4. Besluitvorming", "5. Resultaat geleverd"}
	if len(phases) != len(want) {
		t.Fatalf("the DOM shows %d phases, want %d:\n%s", len(phases), len(want), dom)
	}
	for i, p := range phases {
		if strings.TrimSpace(p[2]) != want[i] {
			t.Errorf("phase %d: %q, want %q", i+1, p[2], want[i])
		}
	}
	for _, org := range []string{"Verantwoordelijk: Omgevingsdienst Regio Voorbeeld", "Verantwoordelijk: Gemeente Voorbeeldstad"} {
		if !strings.Contains(dom, org) {
			t.Errorf("the DOM does not show %q", org)
		}
	}
	links := regexp.MustCompile(`<tr class="document"><td><a href="([^"]+)">([^<]+)</a>`).FindAllStringSubmatch(dom, -1)
	if len(links) != 3 {
		t.Fatalf("the DOM lists %d documents, want 3", len(links))
	}
	for _, l := range links {
		if !strings.HasPrefix(l[1], "data/documenten/") {
			t.Errorf("document %s links to %s, not into data/", l[2], l[1])
		}
		if _, err := os.Stat(filepath.Join(dir, zaak, filepath.FromSlash(l[1]))); err != nil {
			t.Errorf("document %s: its link %s does not lead to a file: %v", l[2], l[1], err)
		}
	}
	for _, want := range []string{"Verleend", "blijvend_bewaren", "11.1.6", "Bevriezingen", "De keten was bij de export intact"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM does not show %q", want)
		}
	}

	shot := filepath.Join(t.TempDir(), "index.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1200,1600", "--hide-scrollbars", "file://"+index)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[[3]uint32]bool{}
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 7 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colours) < 10 {
		t.Errorf("the screenshot has %d colours: the page rendered blank", len(colours))
	}
}

func TestManifestsCheckWithSha256sumOnTheExtractedBag(t *testing.T) {
	bin, err := exec.LookPath("sha256sum")
	if err != nil {
		ciOrSkip(t, "sha256sum (coreutils) is not installed")
	}
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	path, _ := s.exportFile(daemontest.AuditorActor, zaak)
	dir := t.TempDir()
	unzip(t, path, dir)
	for _, m := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt"} {
		cmd := exec.Command(bin, "--check", "--strict", m)
		cmd.Dir = filepath.Join(dir, zaak)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("sha256sum --check %s: %v\n%s", m, err, out)
		}
	}
}
