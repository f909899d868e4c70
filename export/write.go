package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/httpapi"
)

// Payload paths of the generated files, relative to data/.
const (
	dossierJSON    = "dossier.json"
	bewarenJSON    = "bewaren.json"
	vernietigdJSON = "vernietigd/minimale-registratie.json"
	verklaringDir  = "vernietigd"
	indexHTML      = "index.html"
)

// Zaak statuses in bag-info.txt (Zaak-Status), as retention's explanation names them.
const statusVernietigd = "vernietigd"

// WriteTo streams the export as a ZIP to w: every document from the blob store, checked against
// its recorded SHA-256 and size on the way, the MDTO metadata, the audit trail, the dossier and
// its retention explanation as JSON, index.html and the BagIt manifests last. Nothing is held in
// memory but one copy buffer and the small generated files. A failure is recorded in the audit
// trail; what was written to w is then incomplete and must be discarded.
func (j *Job) WriteTo(ctx context.Context, w io.Writer) (*Result, error) {
	cw := &countingWriter{w: w, h: sha256.New()}
	res, err := j.write(ctx, cw)
	if err != nil {
		j.e.fail(ctx, j.p, err)
		return nil, fmt.Errorf("export %s: %w", j.p.zaak, err)
	}
	res.Bytes, res.SHA256 = cw.n, hex.EncodeToString(cw.h.Sum(nil))
	j.e.log.InfoContext(ctx, "zaak exported", "zaak", j.p.zaak, "export", j.p.id, "organisatie", j.p.actor.Organisatie,
		"rol", j.p.actor.Rol, "documenten", res.Documenten, "bytes", res.Bytes)
	return res, nil
}

// generated is a small payload file made by the export itself.
type generated struct {
	path    string
	content []byte
}

func (j *Job) write(ctx context.Context, w io.Writer) (*Result, error) {
	p := j.p
	b, err := newBagWriter(w, p.root, p.tijd)
	if err != nil {
		return nil, err
	}
	res := &Result{ExportID: p.id, Zaak: p.zaak, Documenten: len(p.docs), Vernietigd: p.vernietigd != nil}
	for _, doc := range p.docs {
		if err := j.copyDocument(ctx, b, doc); err != nil {
			return nil, err
		}
	}
	files, err := j.generated()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := b.payloadBytes(ctx, f.path, f.content); err != nil {
			return nil, err
		}
	}
	html, err := j.indexHTML()
	if err != nil {
		return nil, err
	}
	if err := b.tag(indexHTML, html); err != nil {
		return nil, err
	}
	if err := b.finish(j.bagInfo()); err != nil {
		return nil, err
	}
	res.PayloadFiles, res.PayloadBytes = len(b.payload), b.octets
	return res, nil
}

// generated returns the payload files the export makes: MDTO, audit trail, dossier, retention
// explanation, and for a destroyed zaak its minimal record and verklaring van vernietiging.
func (j *Job) generated() ([]generated, error) {
	p := j.p
	var out []generated
	for _, f := range p.mdto {
		out = append(out, generated{f.path, f.content})
	}
	jsonl, err := auditJSONLines(p.trail)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	csvData, err := auditCSVFile(p.trail)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	out = append(out, generated{auditJSONL, jsonl}, generated{auditCSV, csvData})
	add := func(path string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, generated{path, append(b, '\n')})
		return nil
	}
	if p.d != nil {
		if err := add(dossierJSON, httpapi.NewDossierView(j.e.afspraak, p.d)); err != nil {
			return nil, err
		}
	}
	if err := add(bewarenJSON, p.uitleg); err != nil {
		return nil, err
	}
	if p.vernietigd != nil {
		if err := add(vernietigdJSON, p.vernietigd); err != nil {
			return nil, err
		}
	}
	if v := p.verklaring; v != nil {
		// The verklaring exactly as retention keeps it, checked against the hashes it keeps.
		for _, f := range []struct {
			ext, want string
			content   []byte
		}{{"json", v.SHA256JSON, v.JSON}, {"html", v.SHA256HTML, v.HTML}} {
			if sum := sha256.Sum256(f.content); hex.EncodeToString(sum[:]) != f.want {
				return nil, fmt.Errorf("verklaring van vernietiging %s (%s): %w: sha256 %x, kept %s", v.Lijst, f.ext, ErrContentMismatch, sum, f.want)
			}
			out = append(out, generated{verklaringPath(v.Lijst, f.ext), f.content})
		}
	}
	return out, nil
}

// verklaringPath is where a list's verklaring van vernietiging lies in the payload.
func verklaringPath(lijst, ext string) string {
	return fmt.Sprintf("%s/verklaring-van-vernietiging-%s.%s", verklaringDir, lijst, ext)
}

// copyDocument streams one document from the blob store into the bag, checking its content.
func (j *Job) copyDocument(ctx context.Context, b *bagWriter, doc placedDocument) error {
	rc, err := j.e.blobs.Open(ctx, doc.SHA256)
	if err != nil {
		return fmt.Errorf("document %s (%s): %w", doc.ID, doc.Titel, err)
	}
	defer rc.Close()
	_, _, err = b.payloadFile(ctx, doc.Path, rc, storeUncompressed(doc.Path), doc.Geregistreerd, want{sha: doc.SHA256, size: doc.Bestandsomvang})
	if err != nil {
		return fmt.Errorf("document %s (%s): %w", doc.ID, doc.Titel, err)
	}
	return nil
}

// bagInfo returns the fields of bag-info.txt (Payload-Oxum is added by the bag writer).
func (j *Job) bagInfo() []bagInfoField {
	p := j.p
	door := p.actor.Organisatie
	if o, ok := j.e.afspraak.Organisatie(p.actor.Organisatie); ok {
		door = fmt.Sprintf("%s (%s)", o.Naam, o.ID)
	}
	zaaktype, omschrijving, bron, vertrouwelijk := p.uitleg.Zaaktype, p.uitleg.Omschrijving, "", ""
	if p.d != nil {
		bron, vertrouwelijk = p.d.Zaak.Bronorganisatie, p.d.Zaak.Vertrouwelijkheidaanduiding
	}
	bronNaam := bron
	if zt, ok := j.e.afspraak.Zaaktype(zaaktype); ok {
		if o, ok := j.e.afspraak.Organisatie(zt.Bronorganisatie); ok {
			bronNaam = o.Naam
			if bron == "" {
				bron = o.RSIN
			}
		}
	}
	beschrijving := fmt.Sprintf("Volledig dossier van zaak %s: %s", p.zaak, omschrijving)
	if p.vernietigd != nil {
		beschrijving = fmt.Sprintf("Minimale registratie van de vernietigde zaak %s: %s, met de verklaring van vernietiging", p.zaak, omschrijving)
	}
	f := []bagInfoField{
		{"Source-Organization", bronNaam},
		{"External-Identifier", p.zaak},
		{"External-Description", beschrijving},
		{"Bagging-Date", p.tijd.Format(time.DateOnly)},
		{"Bag-Software-Agent", "zaakarchief export"},
		{"Internal-Sender-Identifier", p.id},
		{"Zaak-Identificatie", p.zaak},
		{"Zaak-Status", p.uitleg.Status},
		{"Zaaktype", zaaktype},
		{"Bronorganisatie", bron},
	}
	if vertrouwelijk != "" {
		f = append(f, bagInfoField{"Vertrouwelijkheidaanduiding", vertrouwelijk})
	}
	if p.d != nil {
		f = append(f, bagInfoField{"MDTO-Documenten", fmt.Sprint(len(p.mdto))})
		if p.mdtoFout != "" {
			f = append(f, bagInfoField{"MDTO-Ontbreekt", p.mdtoFout})
		}
	}
	return append(f,
		bagInfoField{"Export-Id", p.id},
		bagInfoField{"Export-Tijd", p.tijd.Format(time.RFC3339)},
		bagInfoField{"Export-Organisatie", door},
		bagInfoField{"Export-Rol", p.actor.Rol},
		bagInfoField{"Export-Token", p.actor.TokenID},
		bagInfoField{"Audit-Entries", fmt.Sprint(p.chain.Count)},
		bagInfoField{"Audit-Laatste-Hash", p.chain.LastHash},
	)
}

// ExportFile writes the export of zaak to path atomically: into a temporary file next to it,
// synced and renamed into place. On any error nothing is left at path.
func (e *Exporter) ExportFile(ctx context.Context, actor dossier.Actor, zaak, path string) (*Result, error) {
	job, err := e.Prepare(ctx, actor, zaak)
	if err != nil {
		return nil, err
	}
	return job.WriteFile(ctx, path)
}

// WriteFile writes the job to path atomically, as ExportFile does. What an export to the same
// path that was killed left (its temporary file, not touched for an hour) is removed first.
func (j *Job) WriteFile(ctx context.Context, path string) (*Result, error) {
	dir := filepath.Dir(path)
	removeStaleTemps(dir, filepath.Base(path), time.Now().Add(-staleTemp))
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		j.e.fail(ctx, j.p, err)
		return nil, fmt.Errorf("export %s: %w", j.p.zaak, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	res, err := j.WriteTo(ctx, tmp)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		j.e.fail(ctx, j.p, err)
		return nil, fmt.Errorf("export %s: write %s: %w", j.p.zaak, path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		j.e.fail(ctx, j.p, err)
		return nil, fmt.Errorf("export %s: %w", j.p.zaak, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return res, nil
}

// countingWriter counts and hashes the bytes written through it.
type countingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	return n, err
}

// staleTemp is how long a temporary export file must be untouched before a later export to
// the same path takes it for the debris of a killed one: a running export writes it
// continuously.
const staleTemp = time.Hour

// removeStaleTemps removes the temporary files (.NAME.*.tmp) of exports to dir/name that were
// last written before before.
func removeStaleTemps(dir, name string, before time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(name)+".*.tmp"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(before) {
			_ = os.Remove(m)
		}
	}
}

// globEscape quotes the characters filepath.Match gives a meaning.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
