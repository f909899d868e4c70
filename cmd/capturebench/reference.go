package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"modernc.org/sqlite"
)

// referentieToken is the only bearer token the reference server accepts.
const referentieToken = "referentie"

// referentie is the bare server the daemon is measured against: what any careful store must do
// and nothing more. POST /upload writes the body to a temporary file, syncs it, renames it into
// place and syncs the folder; POST /zaken decodes a JSON body and inserts one row into a SQLite
// file in WAL mode with the daemon's synchronous setting, one transaction per request.
type referentie struct {
	dir    string
	db     *sql.DB
	direct bool // uploads written with O_DIRECT (copyDirect)
}

// runReferentie serves the reference on listen until SIGTERM or SIGINT.
func runReferentie(ctx context.Context, listen, dir, synchronous string, direct bool) error {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return fmt.Errorf("referentie: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o750); err != nil {
		return fmt.Errorf("referentie: %w", err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(" + synchronous + ")"} {
		q.Add("_pragma", p)
	}
	c, err := sqlite.NewConnector("file:" + filepath.Join(dir, "referentie.db") + "?" + q.Encode())
	if err != nil {
		return fmt.Errorf("referentie: open sqlite: %w", err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS referentie (id TEXT PRIMARY KEY, zaaktype TEXT NOT NULL,
		omschrijving TEXT NOT NULL, aangemaakt TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("referentie: create table: %w", err)
	}
	ref := &referentie{dir: dir, db: db, direct: direct}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /upload", ref.upload)
	mux.HandleFunc("POST /zaken", ref.zaak)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("referentie: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.WithoutCancel(ctx))
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("referentie: %w", err)
	}
	return nil
}

func (ref *referentie) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "Bearer "+referentieToken {
		http.Error(w, "niet aangemeld", http.StatusUnauthorized)
		return false
	}
	return true
}

func (ref *referentie) upload(w http.ResponseWriter, r *http.Request) {
	if !ref.authorized(w, r) {
		return
	}
	name, size, err := ref.store(r.Body)
	if err != nil {
		slog.ErrorContext(r.Context(), "referentie upload", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": name, "bestandsomvang": size})
}

// store writes body to a temporary file, syncs it, renames it into blobs/ and syncs that folder.
func (ref *referentie) store(body io.Reader) (string, int64, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(ref.dir, "tmp", "upload-"+hex.EncodeToString(b[:]))
	defer os.Remove(tmp)
	var size int64
	var err error
	if ref.direct {
		size, err = copyDirect(tmp, body)
	} else {
		size, err = copyBuffered(tmp, body)
	}
	if err != nil {
		return "", 0, fmt.Errorf("store upload: %w", err)
	}
	name := filepath.Base(tmp)
	blobs := filepath.Join(ref.dir, "blobs")
	if err := os.Rename(tmp, filepath.Join(blobs, name)); err != nil {
		return "", 0, fmt.Errorf("store upload: %w", err)
	}
	d, err := os.Open(blobs)
	if err != nil {
		return "", 0, fmt.Errorf("store upload: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return "", 0, fmt.Errorf("store upload: sync folder: %w", err)
	}
	return name, size, nil
}

// copyBuffered writes body to the new file at name with io.Copy and syncs it.
func copyBuffered(name string, body io.Reader) (int64, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return 0, err
	}
	size, err := io.Copy(f, body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return size, err
}

func (ref *referentie) zaak(w http.ResponseWriter, r *http.Request) {
	if !ref.authorized(w, r) {
		return
	}
	var n struct {
		Zaaktype     string `json:"zaaktype"`
		Omschrijving string `json:"omschrijving"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&n); err != nil || n.Zaaktype == "" {
		http.Error(w, "ongeldige zaak", http.StatusBadRequest)
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	if _, err := ref.db.ExecContext(r.Context(), `INSERT INTO referentie (id, zaaktype, omschrijving, aangemaakt) VALUES (?, ?, ?, ?)`,
		id, n.Zaaktype, n.Omschrijving, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		slog.ErrorContext(r.Context(), "referentie zaak", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"identificatie": id})
}
