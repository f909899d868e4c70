package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// VersityGWVersion is the versitygw release the tests are written against (CI installs it with
// go install github.com/versity/versitygw/cmd/versitygw@v1.8.0).
const VersityGWVersion = "v1.8.0"

// Server is an S3 endpoint for tests.
type Server struct {
	// Endpoint is host:port, plain http.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// DataDir is versitygw's posix root (an object is the file DataDir/bucket/object name);
	// empty for an external server.
	DataDir string
	// Pid is the versitygw process (for CPU accounting in benchmarks); 0 for an external server.
	Pid int
}

// Start returns an S3 server for the test: the external one named by ZAAKARCHIEF_S3_ENDPOINT
// (host:port, with ZAAKARCHIEF_S3_KEY and ZAAKARCHIEF_S3_SECRET), or else a versitygw it starts
// on a free 127.0.0.1 port with versioning, stopped when the test ends. The binary is $VERSITYGW,
// versitygw on PATH, or $GOPATH/bin/versitygw. Without one the test is skipped, or fails when
// CI=true. ZAAKARCHIEF_S3_DIR, when set, is the directory that holds versitygw's data (say a
// tmpfs, to take the disk out of a benchmark); by default it is the test's temporary directory.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if ep := os.Getenv("ZAAKARCHIEF_S3_ENDPOINT"); ep != "" {
		return &Server{Endpoint: ep, AccessKey: os.Getenv("ZAAKARCHIEF_S3_KEY"), SecretKey: os.Getenv("ZAAKARCHIEF_S3_SECRET")}
	}
	bin := findVersityGW()
	if bin == "" {
		msg := "versitygw not found ($VERSITYGW, PATH, $GOPATH/bin); install with go install github.com/versity/versitygw/cmd/versitygw@" + VersityGWVersion
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	root := tb.TempDir()
	if dir := os.Getenv("ZAAKARCHIEF_S3_DIR"); dir != "" {
		var err error
		if root, err = os.MkdirTemp(dir, "versitygw-"); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { os.RemoveAll(root) })
	}
	srv := &Server{
		Endpoint:  freeAddr(tb),
		AccessKey: "zaakarchief-" + randHex(4),
		SecretKey: randHex(20),
		DataDir:   filepath.Join(root, "data"),
	}
	verDir := filepath.Join(root, "versions")
	for _, d := range []string{srv.DataDir, verDir} {
		if err := os.Mkdir(d, 0o750); err != nil {
			tb.Fatal(err)
		}
	}
	// Global flags go before the backend command.
	cmd := exec.Command(bin, "--port", srv.Endpoint, "--access", srv.AccessKey, "--secret", srv.SecretKey,
		"--health", "/health", "--keep-alive", "--quiet",
		"posix", "--versioning-dir", verDir, srv.DataDir)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start versitygw: %v", err)
	}
	srv.Pid = cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	if err := waitHealthy(srv.Endpoint, exited); err != nil {
		tb.Fatalf("versitygw on %s: %v\n%s", srv.Endpoint, err, out.String())
	}
	return srv
}

// BucketName returns a fresh valid bucket name.
func BucketName() string { return "zt-" + randHex(8) }

func findVersityGW() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	var dirs []string
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(gp, "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// ClosedAddr returns a loopback address nothing listens on, and that nothing can start
// listening on until the test ends: the port is bound by a socket that never listens, so a
// connection to it is refused, and no server another test starts can take it over (a port
// that is merely closed again can be, and then answers).
func ClosedAddr(tb testing.TB) string {
	tb.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		tb.Fatalf("closed address: %v", err)
	}
	tb.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		tb.Fatalf("closed address: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		tb.Fatalf("closed address: %v", err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

func waitHealthy(addr string, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/health", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was healthy: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("not healthy: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// syncBuffer collects a child process's output for the failure message.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
