package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serve killed with SIGKILL in the middle of an upload leaves the upload's temporary file in
// blobs/tmp; the next serve on the data directory removes it at once (its writer is gone),
// and the dossier holds no document.
func TestAnUploadKilledMidwayLeavesNoDebrisAfterARestart(t *testing.T) {
	data := t.TempDir()
	gemeente := createToken(t, data, orgGemeente, "organisatie")
	d := startDaemon(t, data)
	var z struct{ Identificatie string }
	d.post(gemeente, "/api/v1/zaken", map[string]string{"zaaktype": zaaktypeOV, "omschrijving": "Dakkapel"}, http.StatusCreated, &z)

	const boundary = "grens"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n" +
		`{"informatieobjecttype":"aanvraagformulier","titel":"Aanvraag","auteur":"J. Jansen","creatiedatum":"2026-01-05","bestandsnaam":"groot.pdf","formaat":"application/pdf"}` +
		"\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"inhoud\"; filename=\"groot.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
	addr := strings.TrimPrefix(d.url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/zaken/%s/documenten HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
		z.Identificatie, addr, gemeente, boundary, 64<<20, head)
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	tmp := filepath.Join(data, "blobs", "tmp")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := conn.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no temporary file appeared while the upload went on")
		}
	}
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-d.done
	if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
		t.Fatal("the kill left nothing to clean up: the test does not test the restart")
	}

	d = startDaemon(t, data)
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("after the restart blobs/tmp still holds %d files", len(entries))
	}
	var dossier struct {
		Documenten []any `json:"documenten"`
	}
	code, body := d.call(gemeente, http.MethodGet, "/api/v1/zaken/"+z.Identificatie, "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET the dossier: %d %s", code, body)
	}
	if err := json.Unmarshal(body, &dossier); err != nil || len(dossier.Documenten) != 0 {
		t.Errorf("the killed upload left %d documents (%v)", len(dossier.Documenten), err)
	}
	d.stop()
}
