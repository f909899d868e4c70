package retention_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/retention"
)

// The crash test runs an execution in a child process (this test binary, re-run with
// crashHelperEnv set, see TestMain) whose retention.Options.Hook sends the process SIGKILL at a
// chosen point of the Nth zaak: a real, uncatchable death at a known place, with no deferred
// function, no rollback and no flush. The parent then runs the execution again in its own
// process over the same SQLite file, blob directory and archive directory and checks that the
// list completes with nothing lost and nothing left behind.
const crashHelperEnv = "ZAAKARCHIEF_TEST_CRASH_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(crashHelperEnv) != "" {
		os.Exit(crashHelper())
	}
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// crashHelper is the child: it executes the list and kills itself at the point it was given.
func crashHelper() int {
	dir, lijst, punt := os.Getenv("CRASH_DIR"), os.Getenv("CRASH_LIJST"), os.Getenv("CRASH_PUNT")
	na, err := strconv.Atoi(os.Getenv("CRASH_NA"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "CRASH_NA:", err)
		return 2
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv("CRASH_NU"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "CRASH_NU:", err)
		return 2
	}
	n := 0
	hook := func(p, zaak string) {
		if p != punt {
			return
		}
		if n++; n == na {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
	// The child builds the daemon as serve does, on the parent's data directory.
	st := setup{wachttijd: "P0D", pakketten: archiefDir(os.Getenv("CRASH_ARCHIEF")), hook: hook}
	cfg := config.Defaults()
	cfg.Data = dir
	st.config(&cfg)
	o := daemon.Options{Logger: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }, Now: func() time.Time { return now }}
	st.options(&o)
	d, err := daemon.Open(context.Background(), cfg, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := d.Retention.Execute(context.Background(), retention.Systeem, lijst); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	return 0 // did not reach the point: the parent fails the test
}

// archiefDir is archive storage as a directory with one file per archived zaak: the part of
// the archive package's storage that execution needs, real enough to survive a crash.
type archiefDir string

func (d archiefDir) VerwijderPakket(ctx context.Context, zaak string) error {
	err := os.Remove(filepath.Join(string(d), zaak))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func TestExecutionKilledAtAnyPointCompletesWhenRunAgain(t *testing.T) {
	for _, tc := range []struct {
		punt string
		na   int
	}{
		{"pakket-verwijderd", 1},
		{"pakket-verwijderd", 3},
		{"voor-commit", 2},
		{"zaak-vernietigd", 2},
		{"zaak-vernietigd", 4},
		{"blobs-opgeruimd", 3},
		{"voor-verklaring", 1},
	} {
		t.Run(fmt.Sprintf("%s of zaak %d", tc.punt, tc.na), func(t *testing.T) {
			c := newClock(2018, time.September, 3)
			archief := t.TempDir()
			s := newStack(t, c, setup{wachttijd: "P0D", pakketten: archiefDir(archief)})
			// Four zaken to destroy: each with its own content; two share a drawing with the
			// permanent zaak, one shares one with another zaak on the list.
			gedeeld, samen := pdf("gedeelde tekening"), pdf("samen op de lijst")
			var weg []string
			weg = append(weg, s.closedZaak(daemontest.Ingetrokken, pdf("een"), gedeeld))
			weg = append(weg, s.closedZaak(daemontest.Ingetrokken, pdf("twee"), samen))
			weg = append(weg, s.closedZaak(daemontest.Ingetrokken, pdf("drie"), samen, gedeeld))
			weg = append(weg, s.closedZaak(daemontest.BuitenBehandl, pdf("vier")))
			blijft := s.closedZaak(daemontest.Verleend, pdf("blijft"), gedeeld)
			for _, z := range append(slices.Clone(weg), blijft) {
				if err := os.WriteFile(filepath.Join(archief, z), []byte("pakket "+z), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			c.Set(dag(2026, time.February, 2))
			ctx := context.Background()
			rm, ar := s.authenticate(s.recordmanager), s.authenticate(s.archivaris)
			v, err := s.Retention.Propose(ctx, rm)
			if err != nil || v.Opgenomen != len(weg) {
				t.Fatalf("proposal %+v %v", v, err)
			}
			id := v.Lijst.ID
			mustStep(t)(s.Retention.Submit(ctx, rm, id))
			var bs []retention.Beoordeling
			for _, z := range weg {
				bs = append(bs, retention.Beoordeling{Zaak: z, Beoordeling: retention.BeoordelingVernietigen})
			}
			mustStep(t)(s.Retention.Review(ctx, ar, id, bs))
			mustStep(t)(s.Retention.Approve(ctx, ar, id))

			child := exec.Command(os.Args[0], "-test.run=^$")
			child.Env = append(os.Environ(), crashHelperEnv+"=1", "CRASH_DIR="+s.Dir, "CRASH_ARCHIEF="+archief, "CRASH_LIJST="+id, "CRASH_PUNT="+tc.punt,
				"CRASH_NA="+strconv.Itoa(tc.na), "CRASH_NU="+c.Now().Format(time.RFC3339Nano))
			out, err := child.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed at %s of zaak %d: %v\n%s", tc.punt, tc.na, err, out)
			}
			// Whatever the child finished is whole: a zaak is either destroyed with its record
			// or untouched.
			vernietigd := s.count(`SELECT COUNT(*) FROM retention_vernietigd WHERE lijst = ?`, id)
			if gelukt := s.count(`SELECT COUNT(*) FROM retention_lijst_items WHERE lijst = ? AND status = 'succeeded'`, id); gelukt != vernietigd {
				t.Errorf("after the crash %d items succeeded but %d records kept", gelukt, vernietigd)
			}
			if over := s.zaken(); over+vernietigd != len(weg)+1 {
				t.Errorf("after the crash %d zaken left and %d destroyed, want %d in all", over, vernietigd, len(weg)+1)
			}
			if q := s.queued(); tc.punt == "zaak-vernietigd" && q == 0 {
				t.Errorf("killed between commit and purge, yet nothing is queued: the test does not reach that state")
			}

			u, err := s.Retention.Execute(ctx, rm, id)
			if err != nil || !u.Voltooid {
				t.Fatalf("execution after the crash: %+v %v", u, err)
			}
			checkCompleted(t, s, id, weg, blijft, archief)
		})
	}
}

// checkCompleted checks a list whose execution completed: every zaak destroyed once with its
// record, audit entry and verklaring line; only content still held is left; archived copies of
// destroyed zaken are gone and the others are there.
func checkCompleted(t *testing.T, s *stack, id string, weg []string, blijft, archief string) {
	t.Helper()
	ctx := context.Background()
	l, err := s.Retention.Lijst(ctx, retention.Systeem, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != retention.LijstDeleted || l.Aantallen[retention.ItemSucceeded] != len(weg) {
		t.Errorf("list %s: status %s, counts %v", id, l.Status, l.Aantallen)
	}
	for _, z := range weg {
		if n := s.count(`SELECT COUNT(*) FROM retention_vernietigd WHERE zaak = ?`, z); n != 1 {
			t.Errorf("%s: %d records kept, want 1", z, n)
		}
		for _, table := range []string{"zaken WHERE identificatie = ?", "documenten WHERE zaak = ?", "statussen WHERE zaak = ?", "resultaten WHERE zaak = ?"} {
			if n := s.count(`SELECT COUNT(*) FROM `+table, z); n != 0 {
				t.Errorf("%s: %d rows left in %s", z, n, table)
			}
		}
		n := 0
		for _, e := range s.AuditTrail(z) {
			if e.Actie == "zaak.vernietigd" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d zaak.vernietigd audit entries, want 1", z, n)
		}
		if _, err := os.Stat(filepath.Join(archief, z)); !os.IsNotExist(err) {
			t.Errorf("%s: archived copy still there (%v)", z, err)
		}
	}
	if _, err := os.Stat(filepath.Join(archief, blijft)); err != nil {
		t.Errorf("archived copy of the permanent zaak: %v", err)
	}
	s.zaak(blijft)
	// The blob store holds exactly the contents documents still hold.
	held := s.heldContent()
	var files []string
	for _, f := range s.blobFiles() {
		files = append(files, filepath.ToSlash(f))
	}
	if !slices.Equal(files, held) {
		t.Errorf("blob store holds %v, documents hold %v", files, held)
	}
	if n := s.queued(); n != 0 {
		t.Errorf("%d contents still queued", n)
	}
	breaks, _, err := s.Dossier.VerifyAudit(ctx)
	if err != nil || len(breaks) > 0 {
		t.Errorf("audit chains: %v %v", breaks, err)
	}
	vk, err := s.Retention.Verklaring(ctx, retention.Systeem, id)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := jsonUnmarshal(vk.JSON, func(v *retention.Verklaring) {
		for _, z := range v.Zaken {
			ids = append(ids, z.Identificatie)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, sorted(weg...)) {
		t.Errorf("verklaring lists %v, want %v", ids, sorted(weg...))
	}
}

func jsonUnmarshal(b []byte, use func(v *retention.Verklaring)) error {
	var v retention.Verklaring
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	use(&v)
	return nil
}
