package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecondServeRefusedAtOnce: a second `serve` on the data directory that a first one serves
// exits at once with one Dutch line naming the directory and the first one's pid, while the
// commands keep working beside the first (token create here), which goes on serving.
func TestSecondServeRefusedAtOnce(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := startDaemon(t, data)

	start := time.Now()
	r := cli(t, "serve", "--data", data, "--listen", freeAddr(t))
	if r.code != 1 {
		t.Fatalf("second serve: exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("second serve took %s to give up, want at once", took)
	}
	line := strings.TrimRight(r.stderr, "\n")
	if strings.Contains(line, "\n") {
		t.Errorf("second serve printed more than one line:\n%s", r.stderr)
	}
	for _, want := range []string{data, "proces " + strconv.Itoa(d.cmd.Process.Pid), "in gebruik"} {
		if !strings.Contains(line, want) {
			t.Errorf("second serve's message %q does not name %q", line, want)
		}
	}

	tok := createToken(t, data, orgGemeente, "organisatie")
	if code, body := d.call(tok, "GET", "/api/v1/zaken", "", nil); code != 200 {
		t.Fatalf("first daemon after the refused second one: %d %s", code, body)
	}
	d.stop()

	// The lock went with the first daemon: serve starts again.
	startDaemon(t, data).stop()
}
