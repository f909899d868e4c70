package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// binary is the zaakarchief command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zaakarchief-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "zaakarchief")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build zaakarchief:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the command gave.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the binary with args and waits for it.
func cli(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run zaakarchief %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

var tokenLine = regexp.MustCompile(`^za_[A-Za-z0-9_-]{43}\n$`)

// createToken runs `token create` and returns the token it prints alone on stdout.
func createToken(t *testing.T, data, org, rol string) string {
	t.Helper()
	r := cli(t, "token", "create", "--data", data, "--organisation", org, "--role", rol, "--description", "e2e "+rol)
	if r.code != 0 {
		t.Fatalf("token create: exit %d: %s", r.code, r.stderr)
	}
	if !tokenLine.MatchString(r.stdout) {
		t.Fatalf("token create printed %q, want exactly one token line", r.stdout)
	}
	return strings.TrimSpace(r.stdout)
}

// lockedBuffer collects a daemon's log; the daemon writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// daemon is `zaakarchief serve` running as a subprocess.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	log  *lockedBuffer
	done chan error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startDaemon runs serve on data with extra args and waits until /healthz answers.
func startDaemon(t *testing.T, data string, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	d := &proc{t: t, url: "http://" + addr, log: &lockedBuffer{}, done: make(chan error, 1)}
	d.cmd = exec.Command(binary, append([]string{"serve", "--data", data, "--listen", addr}, extra...)...)
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		select {
		case err := <-d.done:
			t.Fatalf("daemon exited before it was healthy: %v\n%s", err, d.log)
		case <-ctx.Done():
			t.Fatalf("daemon not healthy within a minute:\n%s", d.log)
		case <-time.After(20 * time.Millisecond):
		}
		res, err := http.Get(d.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return d
			}
		}
	}
}

// stop sends SIGTERM and checks that the daemon exits cleanly.
func (d *proc) stop() {
	d.t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatal(err)
	}
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Fatalf("daemon exit after SIGTERM: %v\n%s", err, d.log)
		}
	case <-time.After(time.Minute):
		d.t.Fatalf("daemon did not stop within a minute after SIGTERM:\n%s", d.log)
	}
	if code := d.cmd.ProcessState.ExitCode(); code != 0 {
		d.t.Fatalf("exit code %d after SIGTERM", code)
	}
	if !strings.Contains(d.log.String(), "msg=stopped") {
		d.t.Errorf("daemon did not log that it stopped:\n%s", d.log)
	}
}

// call sends a request and returns the status and body.
func (d *proc) call(tok, method, path, contentType string, body io.Reader) (int, []byte) {
	d.t.Helper()
	req, err := http.NewRequest(method, d.url+path, body)
	if err != nil {
		d.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return res.StatusCode, b
}

// post sends v as JSON and fails unless the answer is want; it decodes the answer into out.
func (d *proc) post(tok, path string, v any, want int, out any) []byte {
	d.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		d.t.Fatal(err)
	}
	code, body := d.call(tok, http.MethodPost, path, "application/json", bytes.NewReader(b))
	if code != want {
		d.t.Fatalf("POST %s: %d %s, want %d", path, code, body, want)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			d.t.Fatal(err)
		}
	}
	return body
}

// upload sends a document and fails unless the answer is want.
func (d *proc) upload(tok, zaak, iot, bestandsnaam string, content []byte, want int) []byte {
	d.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	json.NewEncoder(pw).Encode(map[string]any{
		"informatieobjecttype": iot, "titel": iot, "auteur": "E. Tweeë", "creatiedatum": "2026-01-05",
		"bestandsnaam": bestandsnaam, "formaat": "application/pdf",
	})
	fw, _ := mw.CreateFormFile("inhoud", bestandsnaam)
	fw.Write(content)
	mw.Close()
	code, body := d.call(tok, http.MethodPost, "/api/v1/zaken/"+zaak+"/documenten", mw.FormDataContentType(), &buf)
	if code != want {
		d.t.Fatalf("upload %s: %d %s, want %d", iot, code, body, want)
	}
	return body
}

// get fetches path and fails unless the answer is 200.
func (d *proc) get(tok, path string) []byte {
	d.t.Helper()
	code, body := d.call(tok, http.MethodGet, path, "", nil)
	if code != http.StatusOK {
		d.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return body
}
