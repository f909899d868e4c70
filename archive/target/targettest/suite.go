package targettest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zaakarchief/archive/target"
)

// BigObjectSize is the size of the streamed object in the suite: more than one 64 MiB part.
const BigObjectSize = 70 << 20

// Caps describes what the back end under test can show beyond the Target interface. Nil fields
// skip the cases that need them.
type Caps struct {
	// Residue lists, in the back end's own terms, everything stored for tg: files (records and
	// temporary files included), object versions and delete markers, incomplete multipart
	// uploads. The suite uses it to prove that a refused Put or a Delete left nothing behind.
	Residue func(t *testing.T, tg target.Target) []string
	// Corrupt changes stored bytes of key behind the back end's back, keeping the size.
	Corrupt func(t *testing.T, tg target.Target, key string)
	// OpenUnreachable builds a target whose server cannot be reached (a closed port). The
	// error may come from building it or from its first call.
	OpenUnreachable func(ctx context.Context) (target.Target, error)
	// MaxPutAlloc bounds the bytes a Put or a full read of the BigObjectSize object may
	// allocate, proving it streams (the S3 back end buffers one part). Zero means
	// BigObjectSize/2.
	MaxPutAlloc uint64
}

// Run runs the shared suite. newTarget returns a fresh, empty target for each case.
func Run(t *testing.T, newTarget func(t *testing.T) target.Target, caps Caps) {
	s := &suite{newTarget: newTarget, caps: caps}
	cases := []struct {
		name string
		run  func(t *testing.T)
		na   bool // not applicable to this back end
	}{
		{"PutStatOpenRoundTripReportsSameSHA256", s.roundTrip, false},
		{"EmptyObjectRoundTrips", s.emptyObject, false},
		{"WrongChecksumRefusedAndNothingStored", s.wrongChecksum, false},
		{"WrongSizeRefusedAndNothingStored", s.wrongSize, false},
		{"InvalidPutOptionsRefused", s.invalidOptions, false},
		{"InvalidKeysRefused", s.invalidKeys, false},
		{"ListByPrefixInKeyOrder", s.listByPrefix, false},
		{"MissingKeyIsNotExist", s.missingKey, false},
		{"RetentionRefusesDeleteAndIsReported", s.retention, false},
		{"LegalHoldRefusesDeleteUntilCleared", s.legalHold, false},
		{"ExtendRetentionLengthensNeverShortens", s.extendRetention, false},
		{"DeleteRemovesAllVersions", s.deleteAllVersions, false},
		{"OverwriteKeepsALockedVersionUnderItsLock", s.overwriteLocked, false},
		{"ConcurrentPutsAllStored", s.concurrentPuts, false},
		{"BigObjectStreamsInBoundedMemory", s.bigObject, false},
		{"BigObjectWithWrongChecksumLeavesNothing", s.bigWrongChecksum, false},
		{"CanceledPutLeavesNothing", s.canceledPut, false},
		{"CorruptedContentFailsOnRead", s.corrupted, caps.Corrupt == nil},
		{"UnreachableServerFailsWithClearError", s.unreachable, caps.OpenUnreachable == nil},
	}
	for _, c := range cases {
		if c.na {
			t.Logf("%s: not applicable to this back end", c.name)
			continue
		}
		t.Run(c.name, c.run)
	}
}

type suite struct {
	newTarget func(t *testing.T) target.Target
	caps      Caps
}

func ctxFor(t *testing.T) context.Context {
	// A generous safety net so that a hang fails instead of blocking the run; no case is
	// expected to come near it.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, tg target.Target, key string, data []byte, opts target.PutOptions) target.ObjectInfo {
	t.Helper()
	if opts.SHA256 == ([32]byte{}) {
		opts.SHA256 = sha256.Sum256(data)
	}
	info, err := tg.Put(ctxFor(t), key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Put(%s): %v", key, err)
	}
	return info
}

func readAll(t *testing.T, tg target.Target, key string) []byte {
	t.Helper()
	rc, err := tg.Open(ctxFor(t), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

func (s *suite) assertNoResidue(t *testing.T, tg target.Target) {
	t.Helper()
	if s.caps.Residue == nil {
		return
	}
	if left := s.caps.Residue(t, tg); len(left) > 0 {
		t.Errorf("back end still stores %q", left)
	}
}

func assertNotExist(t *testing.T, tg target.Target, key string) {
	t.Helper()
	if _, err := tg.Stat(ctxFor(t), key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stat(%s) = %v, want os.ErrNotExist", key, err)
	}
}

func (s *suite) roundTrip(t *testing.T) {
	tg := s.newTarget(t)
	data := bytes.Repeat([]byte("zaakarchief MDTO package\n"), 4000)
	want := sha256.Sum256(data)
	wantHex := hex.EncodeToString(want[:])
	got := put(t, tg, "zaak/Z-1/pakket.zip", data, target.PutOptions{SHA256: want, ContentType: "application/zip"})
	if got.Key != "zaak/Z-1/pakket.zip" || got.Size != int64(len(data)) || got.SHA256 != wantHex {
		t.Errorf("Put returned %+v, want key, size %d, sha256 %s", got, len(data), wantHex)
	}
	st, err := tg.Stat(ctxFor(t), "zaak/Z-1/pakket.zip")
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != wantHex || st.Size != int64(len(data)) || st.ContentType != "application/zip" {
		t.Errorf("Stat = %+v, want sha256 %s, size %d, application/zip", st, wantHex, len(data))
	}
	if st.Retention != nil || st.LegalHold {
		t.Errorf("Stat reports a lock that was not asked for: %+v", st)
	}
	if st.ModTime.IsZero() {
		t.Error("Stat reports no ModTime")
	}
	if !bytes.Equal(readAll(t, tg, "zaak/Z-1/pakket.zip"), data) {
		t.Error("Open returned different bytes")
	}
}

func (s *suite) emptyObject(t *testing.T) {
	tg := s.newTarget(t)
	info := put(t, tg, "leeg", nil, target.PutOptions{})
	sum := sha256.Sum256(nil)
	if info.Size != 0 || info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("Put(empty) = %+v", info)
	}
	if b := readAll(t, tg, "leeg"); len(b) != 0 {
		t.Errorf("Open(empty) returned %d bytes", len(b))
	}
}

// refusalCases are the ways a refused Put can arrive: as the target's first write or after a
// good one (a back end may take a different path once it knows its server, as s3target does),
// and from a reader the back end can rewind (an io.ReaderAt) or a plain stream.
var refusalCases = []struct {
	name   string
	warm   bool
	stream bool
}{
	{"first write, io.ReaderAt", false, false},
	{"first write, stream", false, true},
	{"after a good write, io.ReaderAt", true, false},
	{"after a good write, stream", true, true},
}

// refusalSetup returns a fresh target (warmed up with a good write when warm) and a function
// that wraps content as the case's reader; done removes the warm-up object and checks that
// nothing else is left.
func (s *suite) refusalSetup(t *testing.T, warm, stream bool) (tg target.Target, reader func([]byte) io.Reader, done func()) {
	tg = s.newTarget(t)
	if warm {
		put(t, tg, "warm/up", []byte("a good object first"), target.PutOptions{})
	}
	reader = func(b []byte) io.Reader {
		if stream {
			return struct{ io.Reader }{bytes.NewReader(b)} // hides ReaderAt and Seeker
		}
		return bytes.NewReader(b)
	}
	done = func() {
		if warm {
			if err := tg.Delete(ctxFor(t), "warm/up"); err != nil {
				t.Fatal(err)
			}
		}
		s.assertNoResidue(t, tg)
	}
	return tg, reader, done
}

func (s *suite) wrongChecksum(t *testing.T) {
	for _, c := range refusalCases {
		t.Run(c.name, func(t *testing.T) {
			tg, reader, done := s.refusalSetup(t, c.warm, c.stream)
			data := []byte("the real content")
			bad := sha256.Sum256([]byte("announced content"))
			_, err := tg.Put(ctxFor(t), "a/b", reader(data), int64(len(data)), target.PutOptions{SHA256: bad})
			if !errors.Is(err, target.ErrChecksumMismatch) {
				t.Fatalf("Put with wrong sha-256 = %v, want ErrChecksumMismatch", err)
			}
			assertNotExist(t, tg, "a/b")
			done()
		})
	}
}

func (s *suite) wrongSize(t *testing.T) {
	for _, c := range refusalCases {
		t.Run(c.name, func(t *testing.T) {
			tg, reader, done := s.refusalSetup(t, c.warm, c.stream)
			data := []byte("twelve bytes")
			opts := target.PutOptions{SHA256: sha256.Sum256(data)}
			for _, size := range []int64{int64(len(data)) + 5, int64(len(data)) - 2} {
				if _, err := tg.Put(ctxFor(t), "k", reader(data), size, opts); err == nil {
					t.Errorf("Put of %d bytes announced as %d succeeded", len(data), size)
				}
			}
			assertNotExist(t, tg, "k")
			done()
		})
	}
}

func (s *suite) invalidOptions(t *testing.T) {
	tg := s.newTarget(t)
	data := []byte("x")
	sum := sha256.Sum256(data)
	past := time.Now().Add(-time.Hour)
	for name, opts := range map[string]target.PutOptions{
		"no checksum":     {},
		"retention past":  {SHA256: sum, Retention: &target.Retention{Mode: target.Compliance, Until: past}},
		"retention mode?": {SHA256: sum, Retention: &target.Retention{Mode: "FOREVER", Until: time.Now().Add(time.Hour)}},
	} {
		if _, err := tg.Put(ctxFor(t), "k", bytes.NewReader(data), 1, opts); err == nil {
			t.Errorf("Put with %s succeeded", name)
		}
	}
	s.assertNoResidue(t, tg)
}

func (s *suite) invalidKeys(t *testing.T) {
	tg := s.newTarget(t)
	data := []byte("x")
	for _, key := range []string{"", "/abs", "../escape", "a/../../b", "a//b", "a/", ".meta/x", "a/.tmp-1", "a\\b", "nul\x00"} {
		if _, err := tg.Put(ctxFor(t), key, bytes.NewReader(data), 1, target.PutOptions{SHA256: sha256.Sum256(data)}); err == nil {
			t.Errorf("Put(%q) succeeded", key)
		}
		if _, err := tg.Stat(ctxFor(t), key); err == nil || errors.Is(err, os.ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want an invalid-key error", key, err)
		}
	}
	if err := tg.List(ctxFor(t), "../", func(target.ObjectInfo) error { return nil }); err == nil {
		t.Error(`List("../") succeeded`)
	}
	s.assertNoResidue(t, tg)
}

func (s *suite) listByPrefix(t *testing.T) {
	tg := s.newTarget(t)
	keys := []string{"b/5", "a/2", "ab/4", "a/b/3", "a/1", "a-c"}
	for _, k := range keys {
		put(t, tg, k, []byte(k), target.PutOptions{})
	}
	list := func(prefix string) []string {
		var got []string
		err := tg.List(ctxFor(t), prefix, func(i target.ObjectInfo) error {
			if i.Size != int64(len(i.Key)) || i.ModTime.IsZero() {
				t.Errorf("List reports %+v, want size %d and a ModTime", i, len(i.Key))
			}
			got = append(got, i.Key)
			return nil
		})
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		return got
	}
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a-c", "a/1", "a/2", "a/b/3", "ab/4", "b/5"}},
		{"a/", []string{"a/1", "a/2", "a/b/3"}},
		{"a", []string{"a-c", "a/1", "a/2", "a/b/3", "ab/4"}},
		{"a/b", []string{"a/b/3"}},
		{"c", nil},
		{"a/b/3", []string{"a/b/3"}},
	} {
		if got := list(c.prefix); !slices.Equal(got, c.want) {
			t.Errorf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := tg.List(ctxFor(t), "", func(target.ObjectInfo) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("List with a failing fn = %v after %d calls, want the fn's error after 1", err, n)
	}
}

func (s *suite) missingKey(t *testing.T) {
	tg := s.newTarget(t)
	put(t, tg, "dir/present", []byte("x"), target.PutOptions{})
	ctx := ctxFor(t)
	for _, key := range []string{"absent", "dir/absent", "dir"} {
		checks := map[string]error{"Delete": tg.Delete(ctx, key), "SetLegalHold": tg.SetLegalHold(ctx, key, true)}
		_, checks["Stat"] = tg.Stat(ctx, key)
		rc, err := tg.Open(ctx, key)
		if err == nil {
			rc.Close()
		}
		checks["Open"] = err
		for op, err := range checks {
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s(%s) = %v, want os.ErrNotExist", op, key, err)
			}
		}
	}
}

func (s *suite) retention(t *testing.T) {
	for _, mode := range []target.RetentionMode{target.Compliance, target.Governance} {
		t.Run(string(mode), func(t *testing.T) {
			tg := s.newTarget(t)
			until := time.Now().Add(time.Hour).Add(123 * time.Millisecond)
			wantUntil := until.UTC().Truncate(time.Second).Add(time.Second)
			info := put(t, tg, "bewaar/pakket", []byte("kept"), target.PutOptions{Retention: &target.Retention{Mode: mode, Until: until}})
			for how, i := range map[string]target.ObjectInfo{"Put": info, "Stat": stat(t, tg, "bewaar/pakket")} {
				if i.Retention == nil || i.Retention.Mode != mode || !i.Retention.Until.Equal(wantUntil) {
					t.Errorf("%s reports retention %+v, want %s until %s", how, i.Retention, mode, wantUntil)
				}
			}
			if err := tg.Delete(ctxFor(t), "bewaar/pakket"); !errors.Is(err, target.ErrLocked) {
				t.Errorf("Delete before the until-date = %v, want ErrLocked", err)
			}
			if got := readAll(t, tg, "bewaar/pakket"); string(got) != "kept" {
				t.Errorf("after the refused delete the content is %q", got)
			}
		})
	}
}

func (s *suite) extendRetention(t *testing.T) {
	tg := s.newTarget(t)
	ctx := ctxFor(t)
	second := func(d time.Duration) time.Time { return time.Now().Add(d).UTC().Truncate(time.Second).Add(time.Second) }
	put(t, tg, "verleng/compliance", []byte("a"), target.PutOptions{Retention: &target.Retention{Mode: target.Compliance, Until: time.Now().Add(time.Hour)}})
	put(t, tg, "verleng/geen", []byte("b"), target.PutOptions{})
	cases := []struct {
		name, key string
		ask       target.Retention
		want      target.Retention
	}{
		{"later date is set", "verleng/compliance", target.Retention{Mode: target.Compliance, Until: second(3 * time.Hour)}, target.Retention{Mode: target.Compliance, Until: second(3 * time.Hour)}},
		{"earlier date leaves it", "verleng/compliance", target.Retention{Mode: target.Compliance, Until: second(2 * time.Hour)}, target.Retention{Mode: target.Compliance, Until: second(3 * time.Hour)}},
		{"compliance is not weakened", "verleng/compliance", target.Retention{Mode: target.Governance, Until: second(4 * time.Hour)}, target.Retention{Mode: target.Compliance, Until: second(4 * time.Hour)}},
		{"unlocked object gets a lock", "verleng/geen", target.Retention{Mode: target.Governance, Until: second(time.Hour)}, target.Retention{Mode: target.Governance, Until: second(time.Hour)}},
	}
	for _, c := range cases {
		if err := tg.ExtendRetention(ctx, c.key, c.ask); err != nil {
			t.Fatalf("%s: ExtendRetention: %v", c.name, err)
		}
		got := stat(t, tg, c.key).Retention
		// The expected dates were computed at slightly different moments: allow a second.
		if got == nil || got.Mode != c.want.Mode || got.Until.Sub(c.want.Until).Abs() > time.Second {
			t.Errorf("%s: retention %+v, want %s until %s", c.name, got, c.want.Mode, c.want.Until)
		}
	}
	for _, key := range []string{"verleng/compliance", "verleng/geen"} {
		if err := tg.Delete(ctx, key); !errors.Is(err, target.ErrLocked) {
			t.Errorf("Delete(%s) after the extension = %v, want ErrLocked", key, err)
		}
	}
	if err := tg.ExtendRetention(ctx, "verleng/ontbreekt", target.Retention{Mode: target.Compliance, Until: second(time.Hour)}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ExtendRetention of a missing key = %v, want os.ErrNotExist", err)
	}
	if err := tg.ExtendRetention(ctx, "verleng/geen", target.Retention{Mode: target.Compliance, Until: time.Now().Add(-time.Hour)}); err == nil {
		t.Error("ExtendRetention to a past date succeeded")
	}
}

func stat(t *testing.T, tg target.Target, key string) target.ObjectInfo {
	t.Helper()
	i, err := tg.Stat(ctxFor(t), key)
	if err != nil {
		t.Fatalf("Stat(%s): %v", key, err)
	}
	return i
}

func (s *suite) legalHold(t *testing.T) {
	tg := s.newTarget(t)
	ctx := ctxFor(t)
	if i := put(t, tg, "hold/at-put", []byte("a"), target.PutOptions{LegalHold: true}); !i.LegalHold {
		t.Errorf("Put with LegalHold reports %+v", i)
	}
	put(t, tg, "hold/later", []byte("b"), target.PutOptions{})
	if err := tg.SetLegalHold(ctx, "hold/later", true); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"hold/at-put", "hold/later"} {
		if !stat(t, tg, key).LegalHold {
			t.Errorf("Stat(%s) reports no legal hold", key)
		}
		if err := tg.Delete(ctx, key); !errors.Is(err, target.ErrLocked) {
			t.Errorf("Delete(%s) under legal hold = %v, want ErrLocked", key, err)
		}
		if err := tg.SetLegalHold(ctx, key, false); err != nil {
			t.Fatal(err)
		}
		if stat(t, tg, key).LegalHold {
			t.Errorf("Stat(%s) reports a legal hold after clearing it", key)
		}
		if err := tg.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%s) after clearing the hold: %v", key, err)
		}
		assertNotExist(t, tg, key)
	}
	s.assertNoResidue(t, tg)
}

func (s *suite) deleteAllVersions(t *testing.T) {
	tg := s.newTarget(t)
	put(t, tg, "v/key", []byte("first"), target.PutOptions{})
	put(t, tg, "v/key", []byte("second, longer"), target.PutOptions{})
	if got := readAll(t, tg, "v/key"); string(got) != "second, longer" {
		t.Errorf("after overwrite Open = %q", got)
	}
	if err := tg.Delete(ctxFor(t), "v/key"); err != nil {
		t.Fatal(err)
	}
	assertNotExist(t, tg, "v/key")
	s.assertNoResidue(t, tg)
	if err := tg.Delete(ctxFor(t), "v/key"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("second Delete = %v, want os.ErrNotExist", err)
	}
}

// overwriteLocked replaces locked objects: the new content is current, and the replaced
// version stays under its lock, which keeps the key from being deleted until it is released
// (SetLegalHold reaches every version).
func (s *suite) overwriteLocked(t *testing.T) {
	tg := s.newTarget(t)
	ctx := ctxFor(t)
	put(t, tg, "v/bewaard", []byte("first"), target.PutOptions{Retention: &target.Retention{Mode: target.Compliance, Until: time.Now().Add(time.Hour)}})
	put(t, tg, "v/bewaard", []byte("second"), target.PutOptions{})
	put(t, tg, "v/hold", []byte("first"), target.PutOptions{LegalHold: true})
	put(t, tg, "v/hold", []byte("second"), target.PutOptions{})
	for _, key := range []string{"v/bewaard", "v/hold"} {
		if got := readAll(t, tg, key); string(got) != "second" {
			t.Errorf("%s after the overwrite: %q, want the new content", key, got)
		}
		if i := stat(t, tg, key); i.LegalHold || i.Retention.Active(time.Now()) {
			t.Errorf("%s: Stat reports the old version's lock %+v", key, i)
		}
		if err := tg.Delete(ctx, key); !errors.Is(err, target.ErrLocked) {
			t.Errorf("Delete(%s) while the replaced version is locked = %v, want ErrLocked", key, err)
		}
		if got := readAll(t, tg, key); string(got) != "second" {
			t.Errorf("%s after the refused delete: %q", key, got)
		}
	}
	var keys []string
	if err := tg.List(ctx, "v/", func(i target.ObjectInfo) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"v/bewaard", "v/hold"}) {
		t.Errorf("List shows %q, want each key once", keys)
	}
	if err := tg.SetLegalHold(ctx, "v/hold", false); err != nil {
		t.Fatal(err)
	}
	if err := tg.Delete(ctx, "v/hold"); err != nil {
		t.Errorf("Delete after the hold was released from every version: %v", err)
	}
	assertNotExist(t, tg, "v/hold")
}

func (s *suite) concurrentPuts(t *testing.T) {
	tg := s.newTarget(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))
			_, errs[i] = tg.Put(ctxFor(t), "c/"+string(rune('a'+i)), bytes.NewReader(data), int64(len(data)), target.PutOptions{SHA256: sha256.Sum256(data)})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	count := 0
	if err := tg.List(ctxFor(t), "c/", func(target.ObjectInfo) error { count++; return nil }); err != nil || count != n {
		t.Errorf("List after %d concurrent puts: %d objects, %v", n, count, err)
	}
}

func (s *suite) maxAlloc() uint64 {
	if s.caps.MaxPutAlloc > 0 {
		return s.caps.MaxPutAlloc
	}
	return BigObjectSize / 2
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func (s *suite) bigObject(t *testing.T) {
	tg := s.newTarget(t)
	const seed = 42
	sum := DataSHA256(seed, BigObjectSize)
	var info target.ObjectInfo
	var err error
	n := allocated(func() {
		info, err = tg.Put(ctxFor(t), "groot/pakket.zip", Data(seed, BigObjectSize), BigObjectSize, target.PutOptions{SHA256: sum})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n > s.maxAlloc() {
		t.Errorf("Put of %d MiB allocated %d MiB, want at most %d MiB", BigObjectSize>>20, n>>20, s.maxAlloc()>>20)
	}
	if info.Size != BigObjectSize || info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("Put returned %+v", info)
	}
	if st := stat(t, tg, "groot/pakket.zip"); st.SHA256 != info.SHA256 {
		t.Errorf("Stat sha-256 %s, Put %s", st.SHA256, info.SHA256)
	}
	h := sha256.New()
	n = allocated(func() {
		var rc io.ReadCloser
		if rc, err = tg.Open(ctxFor(t), "groot/pakket.zip"); err == nil {
			_, err = io.Copy(h, rc)
			rc.Close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n > s.maxAlloc() {
		t.Errorf("reading %d MiB allocated %d MiB", BigObjectSize>>20, n>>20)
	}
	if !bytes.Equal(h.Sum(nil), sum[:]) {
		t.Error("read back content differs")
	}
}

func (s *suite) bigWrongChecksum(t *testing.T) {
	tg := s.newTarget(t)
	bad := DataSHA256(7, BigObjectSize)
	_, err := tg.Put(ctxFor(t), "groot/fout", Data(8, BigObjectSize), BigObjectSize, target.PutOptions{SHA256: bad})
	if !errors.Is(err, target.ErrChecksumMismatch) {
		t.Fatalf("Put with wrong sha-256 = %v, want ErrChecksumMismatch", err)
	}
	assertNotExist(t, tg, "groot/fout")
	s.assertNoResidue(t, tg)
}

// cancelAfter cancels a context once n bytes have been read through it.
type cancelAfter struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= int64(n); c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func (s *suite) canceledPut(t *testing.T) {
	tg := s.newTarget(t)
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	// Canceled well into the stream: on S3 after some parts are uploaded.
	src := &cancelAfter{r: Data(3, BigObjectSize), n: BigObjectSize * 3 / 5, cancel: cancel}
	_, err := tg.Put(ctx, "afgebroken", src, BigObjectSize, target.PutOptions{SHA256: DataSHA256(3, BigObjectSize)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put canceled midway = %v, want context.Canceled", err)
	}
	assertNotExist(t, tg, "afgebroken")
	s.assertNoResidue(t, tg)
}

func (s *suite) corrupted(t *testing.T) {
	tg := s.newTarget(t)
	data := bytes.Repeat([]byte("archiefstuk "), 1000)
	put(t, tg, "rot/bestand", data, target.PutOptions{})
	s.caps.Corrupt(t, tg, "rot/bestand")
	rc, err := tg.Open(ctxFor(t), "rot/bestand")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); !errors.Is(err, target.ErrChecksumMismatch) {
		t.Errorf("reading corrupted content = %v, want ErrChecksumMismatch", err)
	}
}

func (s *suite) unreachable(t *testing.T) {
	ctx := ctxFor(t)
	tg, err := s.caps.OpenUnreachable(ctx)
	if err == nil {
		data := []byte("x")
		_, err = tg.Put(ctx, "k", bytes.NewReader(data), 1, target.PutOptions{SHA256: sha256.Sum256(data)})
	}
	if err == nil {
		t.Fatal("no error from an unreachable server")
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("retries were not bounded, the safety timeout ended them: %v", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("error does not say the connection was refused: %v", err)
	}
	t.Logf("unreachable server: %v", err)
}
