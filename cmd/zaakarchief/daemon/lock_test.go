package daemon_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// openOn opens a second daemon on dir as serve or a command does.
func openOn(t *testing.T, dir string, exclusief bool) (*daemon.Daemon, error) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Data = dir
	cfg.Retention.ProposeSchedule = "off"
	cfg.Archive.Schedule, cfg.Archive.VerifySchedule = "off", "off"
	cfg.ZGW.Schedule, cfg.ZGW.FullSchedule = "off", "off"
	return daemon.Open(context.Background(), cfg, daemon.Options{Getenv: func(string) string { return "" }, Exclusief: exclusief})
}

// TestTweeDaemonsOpEenDatadirectory: a serving daemon holds the data directory's lock; a second
// one that asks for it is refused at once with a Dutch line naming the directory and the
// holder's pid, a command (no lock) still opens it beside, and after Close the lock is free.
func TestTweeDaemonsOpEenDatadirectory(t *testing.T) {
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) { o.Exclusief = true }))

	b, err := os.ReadFile(filepath.Join(k.Dir, daemon.LockFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want this process's pid %d", got, os.Getpid())
	}

	d, err := openOn(t, k.Dir, true)
	if err == nil {
		d.Close()
		t.Fatal("a second serving daemon opened the data directory that the first one serves")
	}
	var be *daemon.BezetError
	if !errors.As(err, &be) || !errors.Is(err, daemon.ErrBezet) {
		t.Fatalf("second open: %v (%T), want a *daemon.BezetError", err, err)
	}
	msg := err.Error()
	for _, want := range []string{k.Dir, "proces " + strconv.Itoa(os.Getpid()), "in gebruik"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message is not one line: %q", msg)
	}

	// A command opens the data directory beside the serving daemon.
	c, err := openOn(t, k.Dir, false)
	if err != nil {
		t.Fatalf("a command beside the serving daemon: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// Once the first one closes, the lock is free for the next serve, and its Close frees it again.
	if err := k.Daemon.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = openOn(t, k.Dir, true)
	if err != nil {
		t.Fatalf("serve after the first one closed: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = openOn(t, k.Dir, true)
	if err != nil {
		t.Fatalf("serve after the second one closed: %v", err)
	}
	d.Close()
}
