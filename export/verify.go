package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"zaakarchief/archive/mdto"
	"zaakarchief/dossier"
)

// Problem is one thing wrong with an export, and the file it is about (a path inside the bag,
// or the ZIP itself).
type Problem struct {
	File  string `json:"file"`
	Reden string `json:"reden"`
}

// String formats a problem as one line: "file: reason".
func (p Problem) String() string { return p.File + ": " + p.Reden }

// Report is what Verify found.
type Report struct {
	// Bag is the name of the bag's base directory (the zaak).
	Bag          string `json:"bag"`
	Files        int    `json:"files"`
	PayloadFiles int    `json:"payloadFiles"`
	MDTOFiles    int    `json:"mdtoFiles"`
	AuditEntries int    `json:"auditEntries"`
	// Documenten is how many documents dossier.json lists; each was checked against its file in
	// the payload, its MDTO bestand and its entry in the audit chain.
	Documenten int `json:"documenten"`
	// AuditLaatsteHash is the hash the audit chain in the export ends with, recomputed. Whoever
	// changed a document and rewrote every manifest, dossier.json, the MDTO and the chain's
	// entries cannot keep this hash: the auditor compares it with the system's
	// (`zaakarchief audit verify`), which is what proves the export genuine.
	AuditLaatsteHash string `json:"auditLaatsteHash,omitempty"`
	// AuditLaatsteVolgnummer is the volgnummer of the chain's last entry in the export.
	AuditLaatsteVolgnummer int64 `json:"auditLaatsteVolgnummer,omitempty"`
	// Notes say what the export lacks by design, not by damage: an open zaak has no MDTO yet.
	Notes    []string  `json:"notes,omitempty"`
	Problems []Problem `json:"problems"`
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(file, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Reden: fmt.Sprintf(format, args...)})
}

// zipFile is one file in the export with its hash, computed while verifying.
type zipFile struct {
	f    *zip.File
	sum  string
	size int64
	// listed is the SHA-256 its manifest line gives, lowercase; "" when no line lists it.
	listed string
}

// Verify checks an export ZIP without any other source: that it is one BagIt bag (bagit.txt,
// bag-info.txt with a matching Payload-Oxum), that every checksum in manifest-sha256.txt and
// tagmanifest-sha256.txt matches, that every payload file is in the manifest and every manifest
// line has a file, that every tag file is in the tag manifest, that the MDTO files validate
// against the MDTO 1.0.1 schema (xmllint), and that the audit trail's hash chain holds and ends
// where bag-info.txt says. Then it proves the documents, not only the bag: every document's
// SHA-256 and size as the hash-chained audit trail recorded them (document.toegevoegd,
// document.nieuwe_versie) must be the same in dossier.json, in the payload and in the MDTO
// bestand (checksumWaarde, omvang), and no source may hold a document the others lack; so a
// changed or deleted document is found even when every manifest was recomputed, and only a
// forger who also rewrites the chain gets through, which changes Report.AuditLaatsteHash, the
// hash the auditor compares with the system. Every problem is reported with its file; an error means the
// verification itself could not run (the file cannot be read, xmllint is missing).
func Verify(ctx context.Context, zipPath string) (*Report, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("verify %s: %w", zipPath, err)
		}
		r := &Report{}
		r.add(filepath.Base(zipPath), "is not a readable ZIP file: %v", err)
		return r, nil
	}
	defer zr.Close()
	return verifyZip(ctx, &zr.Reader, filepath.Base(zipPath))
}

func verifyZip(ctx context.Context, zr *zip.Reader, name string) (*Report, error) {
	r := &Report{}
	files := map[string]*zipFile{}
	var order []string
	for i, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if f.Name == "" {
			r.add(fmt.Sprintf("(ZIP entry %d)", i+1), "has no name")
			continue
		}
		clean := path.Clean(f.Name)
		if clean != f.Name || path.IsAbs(f.Name) || strings.HasPrefix(clean, "../") || strings.Contains(f.Name, "\\") {
			r.add(f.Name, "is not a plain relative path inside the bag")
			continue
		}
		root, rest, ok := strings.Cut(f.Name, "/")
		if !ok {
			r.add(f.Name, "lies outside the bag's base directory")
			continue
		}
		if r.Bag == "" {
			r.Bag = root
		}
		if root != r.Bag {
			r.add(f.Name, "lies outside the bag's base directory %s: a bag has one top-level directory", r.Bag)
			continue
		}
		if _, dup := files[rest]; dup {
			r.add(rest, "appears twice in the ZIP")
			continue
		}
		zf := &zipFile{f: f}
		if err := hashZipFile(ctx, zf); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			r.add(rest, "cannot be read: %v", err)
		}
		files[rest] = zf
		order = append(order, rest)
	}
	r.Files = len(files)
	if r.Bag == "" {
		r.add(name, "holds no bag")
		return r, nil
	}
	sort.Strings(order)

	checkBagitTxt(r, files)
	info := checkManifests(r, files, order)
	checkBagInfo(r, files, info)
	if err := checkMDTO(ctx, r, files, order, info); err != nil {
		return nil, err
	}
	trail := checkAudit(r, files, info)
	checkDocumenten(r, files, order, info, trail)
	if _, ok := files[indexHTML]; !ok {
		r.add(indexHTML, "is missing: the overview for people is part of every export")
	}
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].File < r.Problems[j].File })
	return r, nil
}

// hashZipFile computes the SHA-256 of an entry's content; archive/zip also checks its CRC-32.
func hashZipFile(ctx context.Context, zf *zipFile) error {
	rc, err := zf.f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx: ctx, r: rc})
	zf.sum, zf.size = hex.EncodeToString(h.Sum(nil)), n
	if errors.Is(err, zip.ErrChecksum) {
		return fmt.Errorf("its content is corrupt (the ZIP's CRC-32 does not match)")
	}
	return err
}

// readSmall reads a tag file; tag files are small, a limit keeps a hostile one from filling memory.
func readSmall(zf *zipFile) ([]byte, error) {
	rc, err := zf.f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 256<<20))
	if errors.Is(err, zip.ErrChecksum) {
		err = nil // reported by hashZipFile already; the content is still worth checking
	}
	return b, err
}

func checkBagitTxt(r *Report, files map[string]*zipFile) {
	zf, ok := files[bagitTxt]
	if !ok {
		r.add(bagitTxt, "is missing: without it this is not a BagIt bag")
		return
	}
	b, err := readSmall(zf)
	if err != nil {
		r.add(bagitTxt, "cannot be read: %v", err)
		return
	}
	fields := parseTagFields(b)
	if v := fields["BagIt-Version"]; len(v) != 1 || (v[0] != "1.0" && v[0] != "0.97") {
		r.add(bagitTxt, "does not declare BagIt-Version 1.0")
	}
	if v := fields["Tag-File-Character-Encoding"]; len(v) != 1 || !strings.EqualFold(v[0], "UTF-8") {
		r.add(bagitTxt, "does not declare Tag-File-Character-Encoding UTF-8")
	}
}

// parseTagFields reads "Label: value" lines; a line starting with white space continues the
// value before it (RFC 8493, 2.2.2).
func parseTagFields(b []byte) map[string][]string {
	out := map[string][]string{}
	var last string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			vs := out[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = strings.TrimSpace(label)
		out[last] = append(out[last], strings.TrimSpace(value))
	}
	return out
}

// manifestRE matches one manifest line: a SHA-256 and a path.
var manifestRE = regexp.MustCompile(`^([0-9a-fA-F]{64})[ \t]+\*?(.+)$`)

// checkManifests checks the payload and tag manifests and returns bag-info.txt's fields.
func checkManifests(r *Report, files map[string]*zipFile, order []string) map[string][]string {
	var payload []string
	for _, name := range order {
		if strings.HasPrefix(name, payloadDir+"/") {
			payload = append(payload, name)
		}
	}
	r.PayloadFiles = len(payload)
	listed := checkManifest(r, files, manifestTxt, func(p string) string {
		if !strings.HasPrefix(p, payloadDir+"/") {
			return "lists " + p + ", which is not under data/"
		}
		return ""
	})
	if listed != nil {
		for _, name := range payload {
			if !listed[name] {
				r.add(name, "is in the payload but not in %s", manifestTxt)
			}
		}
	}
	tagListed := checkManifest(r, files, tagmanifestTxt, func(p string) string {
		if strings.HasPrefix(p, payloadDir+"/") {
			return "lists payload file " + p + ", which belongs in " + manifestTxt
		}
		return ""
	})
	if tagListed != nil {
		for _, name := range order {
			if !strings.HasPrefix(name, payloadDir+"/") && name != tagmanifestTxt && !tagListed[name] {
				r.add(name, "is a tag file but not in %s", tagmanifestTxt)
			}
		}
	}
	info := map[string][]string{}
	if zf, ok := files[bagInfoTxt]; ok {
		if b, err := readSmall(zf); err == nil {
			info = parseTagFields(b)
		} else {
			r.add(bagInfoTxt, "cannot be read: %v", err)
		}
	} else {
		r.add(bagInfoTxt, "is missing")
	}
	return info
}

// checkManifest checks every line of one manifest against the files and returns the paths it
// lists; nil when the manifest is missing.
func checkManifest(r *Report, files map[string]*zipFile, name string, wrongPlace func(string) string) map[string]bool {
	zf, ok := files[name]
	if !ok {
		r.add(name, "is missing")
		return nil
	}
	b, err := readSmall(zf)
	if err != nil {
		r.add(name, "cannot be read: %v", err)
		return nil
	}
	listed := map[string]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		m := manifestRE.FindStringSubmatch(line)
		if m == nil {
			r.add(name, "line %d is not \"sha256  path\": %q", i+1, line)
			continue
		}
		p := decodeManifestPath(strings.TrimSpace(m[2]))
		if why := wrongPlace(p); why != "" {
			r.add(name, "line %d %s", i+1, why)
			continue
		}
		if listed[p] {
			r.add(name, "lists %s twice", p)
			continue
		}
		listed[p] = true
		f, ok := files[p]
		if ok {
			f.listed = strings.ToLower(m[1])
		}
		switch {
		case !ok:
			r.add(p, "is listed in %s but missing from the ZIP", name)
		case !strings.EqualFold(f.sum, m[1]):
			r.add(p, "has SHA-256 %s, %s says %s: the file was changed", f.sum, name, strings.ToLower(m[1]))
		}
	}
	return listed
}

// checkBagInfo checks the Payload-Oxum of bag-info.txt against the payload.
func checkBagInfo(r *Report, files map[string]*zipFile, info map[string][]string) {
	if _, ok := files[bagInfoTxt]; !ok {
		return
	}
	oxum := info["Payload-Oxum"]
	if len(oxum) != 1 {
		r.add(bagInfoTxt, "has no Payload-Oxum")
		return
	}
	var octets int64
	var streams int
	for name, f := range files {
		if strings.HasPrefix(name, payloadDir+"/") {
			octets += f.size
			streams++
		}
	}
	if want := fmt.Sprintf("%d.%d", octets, streams); oxum[0] != want {
		r.add(bagInfoTxt, "Payload-Oxum is %s, the payload holds %s (bytes.files)", oxum[0], want)
	}
}

// checkMDTO validates every MDTO file in the bag against the MDTO schema, on copies in a
// temporary directory.
func checkMDTO(ctx context.Context, r *Report, files map[string]*zipFile, order []string, info map[string][]string) error {
	var names []string
	for _, n := range order {
		if strings.HasSuffix(n, ".mdto.xml") {
			names = append(names, n)
		}
	}
	r.MDTOFiles = len(names)
	if want := first(info["MDTO-Documenten"]); want != "" && want != strconv.Itoa(len(names)) {
		r.add(bagInfoTxt, "says MDTO-Documenten %s, the bag holds %d MDTO files", want, len(names))
	}
	if len(names) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "zaakarchief-verify-*")
	if err != nil {
		return fmt.Errorf("verify mdto: %w", err)
	}
	defer os.RemoveAll(dir)
	byPath := map[string]string{}
	var paths []string
	for i, n := range names {
		p := filepath.Join(dir, strconv.Itoa(i)+".mdto.xml")
		if err := extract(files[n], p); err != nil {
			r.add(n, "cannot be extracted: %v", err)
			continue
		}
		byPath[p] = n
		paths = append(paths, p)
	}
	err = mdto.ValidateXSD(ctx, paths...)
	var xe *mdto.XSDError
	switch {
	case err == nil:
	case errors.As(err, &xe):
		for _, f := range xe.Failures {
			msgs := make([]string, len(f.Messages))
			for i, m := range f.Messages {
				msgs[i] = strings.ReplaceAll(m, f.Path, byPath[f.Path])
			}
			r.add(byPath[f.Path], "does not validate against MDTO 1.0.1: %s", strings.Join(msgs, " | "))
		}
	default:
		return fmt.Errorf("verify mdto: %w", err)
	}
	return nil
}

// extract copies one entry to a file.
func extract(zf *zipFile, dst string) error {
	rc, err := zf.f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, rc)
	if errors.Is(err, zip.ErrChecksum) {
		err = nil
	}
	return errors.Join(err, out.Close())
}

// checkAudit recomputes the audit trail's hash chain with the dossier's own verifier, and checks
// that it ends where bag-info.txt says and that the CSV form agrees.
// It returns the trail when one was read and its chain holds, for the documents' cross-check.
func checkAudit(r *Report, files map[string]*zipFile, info map[string][]string) []dossier.AuditEntry {
	jsonlName := path.Join(payloadDir, auditJSONL)
	zf, ok := files[jsonlName]
	if !ok {
		r.add(jsonlName, "is missing: the export carries the zaak's audit trail")
		return nil
	}
	b, err := readSmall(zf)
	if err != nil {
		r.add(jsonlName, "cannot be read: %v", err)
		return nil
	}
	trail, problems := readAuditJSONLines(bytes.NewReader(b))
	for _, p := range problems {
		r.add(jsonlName, "%s", p)
	}
	r.AuditEntries = len(trail)
	if len(trail) == 0 {
		r.add(jsonlName, "holds no entries")
		return nil
	}
	chain := checkChain(trail)
	r.AuditLaatsteHash = chain.LastHash
	r.AuditLaatsteVolgnummer = trail[len(trail)-1].Volgnummer
	for _, brk := range chain.Breaks {
		r.add(jsonlName, "audit chain broken at %s", brk.String())
	}
	if zaak := first(info["Zaak-Identificatie"]); zaak != "" {
		for _, e := range trail {
			if e.Zaak != zaak {
				r.add(jsonlName, "entry %d (%s) belongs to zaak %q, not %s", e.Volgnummer, e.ID, e.Zaak, zaak)
				break
			}
		}
	}
	if n := first(info["Audit-Entries"]); n != "" && n != strconv.Itoa(chain.Count) {
		r.add(jsonlName, "holds %d entries, %s says %s: entries were added or left out", chain.Count, bagInfoTxt, n)
	}
	if h := first(info["Audit-Laatste-Hash"]); h != "" && h != chain.LastHash {
		r.add(jsonlName, "ends with hash %s, %s says %s: the end of the trail was changed", chain.LastHash, bagInfoTxt, h)
	}
	// A broken chain vouches for nothing: the documents are then checked against dossier.json
	// alone.
	vouches := trail
	if len(chain.Breaks) > 0 {
		vouches = nil
	}
	csvName := path.Join(payloadDir, auditCSV)
	cf, ok := files[csvName]
	if !ok {
		r.add(csvName, "is missing")
		return vouches
	}
	cb, err := readSmall(cf)
	if err != nil {
		r.add(csvName, "cannot be read: %v", err)
		return vouches
	}
	for _, p := range compareAuditCSV(bytes.NewReader(cb), trail) {
		r.add(csvName, "%s", p)
	}
	return vouches
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// docClaim is what one source of the export says about a document's content.
type docClaim struct {
	sha  string
	size int64
	// where names the source for a problem: "volgnummer 5", a file.
	where string
}

// dossierJSONDoc is the part of a document in dossier.json that the cross-check reads.
type dossierJSONDoc struct {
	ID             string `json:"id"`
	Titel          string `json:"titel"`
	Bestandsnaam   string `json:"bestandsnaam"`
	Bestandsomvang int64  `json:"bestandsomvang"`
	SHA256         string `json:"sha256"`
}

// mdtoBestand is the part of an MDTO bestand document that the cross-check reads.
type mdtoBestand struct {
	Bestand *struct {
		Omvang   int64 `xml:"omvang"`
		Checksum []struct {
			Algoritme string `xml:"checksumAlgoritme>begripLabel"`
			Waarde    string `xml:"checksumWaarde"`
		} `xml:"checksum"`
		Document string `xml:"isRepresentatieVan>verwijzingIdentificatie>identificatieKenmerk"`
	} `xml:"bestand"`
}

// auditDocuments reads from the chain what it recorded last about each document's content:
// the entries of the document.* actions whose details name a document and its SHA-256.
func auditDocuments(trail []dossier.AuditEntry) map[string]docClaim {
	out := map[string]docClaim{}
	for _, e := range trail {
		if !strings.HasPrefix(e.Actie, "document.") {
			continue
		}
		var d struct {
			Document       string `json:"document"`
			SHA256         string `json:"sha256"`
			Bestandsomvang int64  `json:"bestandsomvang"`
		}
		if json.Unmarshal(e.Details, &d) != nil || d.Document == "" || d.SHA256 == "" {
			continue
		}
		out[d.Document] = docClaim{sha: strings.ToLower(d.SHA256), size: d.Bestandsomvang, where: fmt.Sprintf("volgnummer %d", e.Volgnummer)}
	}
	return out
}

// exportedDocuments is how many documents the chain's last zaak.geexporteerd entry says the
// export holds, and whether there is one.
func exportedDocuments(trail []dossier.AuditEntry) (int, bool) {
	for i := len(trail) - 1; i >= 0; i-- {
		if trail[i].Actie != ActieGeexporteerd {
			continue
		}
		var d struct {
			Documenten *int `json:"documenten"`
		}
		if json.Unmarshal(trail[i].Details, &d) != nil || d.Documenten == nil {
			return 0, false
		}
		return *d.Documenten, true
	}
	return 0, false
}

// checkDocumenten cross-checks the documents between dossier.json, the payload, the MDTO bestand
// documents and the audit chain (trail; nil when it could not be read, which checkAudit
// reported). A destroyed zaak's export holds no documents and is not checked here.
func checkDocumenten(r *Report, files map[string]*zipFile, order []string, info map[string][]string, trail []dossier.AuditEntry) {
	if first(info["Zaak-Status"]) == statusVernietigd {
		return
	}
	dossierName := path.Join(payloadDir, dossierJSON)
	zf, ok := files[dossierName]
	if !ok {
		r.add(dossierName, "is missing: the export carries the zaak's dossier")
		return
	}
	b, err := readSmall(zf)
	if err != nil {
		r.add(dossierName, "cannot be read: %v", err)
		return
	}
	var dj struct {
		Zaak struct {
			Identificatie string `json:"identificatie"`
		} `json:"zaak"`
		Documenten []dossierJSONDoc `json:"documenten"`
	}
	if err := json.Unmarshal(b, &dj); err != nil {
		r.add(dossierName, "does not parse: %v", err)
		return
	}
	if zaak := first(info["Zaak-Identificatie"]); zaak != "" && dj.Zaak.Identificatie != zaak {
		r.add(dossierName, "is the dossier of zaak %q, %s says %s", dj.Zaak.Identificatie, bagInfoTxt, zaak)
	}
	r.Documenten = len(dj.Documenten)

	// The truth per document: the chain's record when there is a chain, else dossier.json's.
	audit := auditDocuments(trail)
	want := map[string]docClaim{}
	var ids []string
	for _, d := range dj.Documenten {
		if d.ID == "" {
			r.add(dossierName, "lists a document without id (%q)", d.Titel)
			continue
		}
		if _, dup := want[d.ID]; dup {
			r.add(dossierName, "lists document %s twice", d.ID)
			continue
		}
		ids = append(ids, d.ID)
		claim := docClaim{sha: strings.ToLower(d.SHA256), size: d.Bestandsomvang, where: dossierName}
		if trail != nil {
			a, ok := audit[d.ID]
			switch {
			case !ok:
				r.add(dossierName, "lists document %s (%s), which the audit trail never records: it was added outside the dossier", d.ID, d.Titel)
			case a.sha != claim.sha || a.size != claim.size:
				r.add(dossierName, "says document %s (%s) has SHA-256 %s and %d bytes, the audit trail (%s) says %s and %d bytes: the document was changed",
					d.ID, d.Titel, claim.sha, claim.size, a.where, a.sha, a.size)
				claim = a
			}
		}
		want[d.ID] = claim
	}
	if trail != nil {
		var missing []string
		for id := range audit {
			if _, ok := want[id]; !ok {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		for _, id := range missing {
			a := audit[id]
			r.add(dossierName, "does not list document %s, which the audit trail records (%s, SHA-256 %s): the document was deleted from the export", id, a.where, a.sha)
		}
		if n, ok := exportedDocuments(trail); ok && n != len(dj.Documenten) {
			r.add(dossierName, "lists %d documents, the audit trail's %s entry says the export holds %d", len(dj.Documenten), ActieGeexporteerd, n)
		}
	}

	checkPayloadDocumenten(r, files, order, ids, want)
	checkMDTOBestanden(r, files, order, info, ids, want)
}

// checkPayloadDocumenten matches the files under data/documenten/ with the documents by
// content: every document has a file with its SHA-256 and size, and every file is a document.
// A file is matched by the SHA-256 its manifest line gives: when the file does not have it,
// checkManifest has said so already, and the documents still agree with the manifest.
func checkPayloadDocumenten(r *Report, files map[string]*zipFile, order []string, ids []string, want map[string]docClaim) {
	prefix := path.Join(payloadDir, documentenDir) + "/"
	bySum := map[string][]string{}
	for _, name := range order {
		if strings.HasPrefix(name, prefix) {
			sum := files[name].listed
			if sum == "" {
				sum = files[name].sum
			}
			bySum[sum] = append(bySum[sum], name)
		}
	}
	for _, id := range ids {
		w := want[id]
		names := bySum[w.sha]
		if len(names) == 0 {
			r.add(prefix[:len(prefix)-1], "holds no file with the content of document %s (SHA-256 %s, %d bytes): the document was deleted or changed", id, w.sha, w.size)
			continue
		}
		if f := files[names[0]]; f.size != w.size && f.sum == w.sha {
			r.add(names[0], "has %d bytes, document %s has %d", f.size, id, w.size)
		}
		bySum[w.sha] = names[1:]
	}
	var extra []string
	for _, names := range bySum {
		extra = append(extra, names...)
	}
	sort.Strings(extra)
	for _, name := range extra {
		sum := files[name].listed
		if sum == "" {
			sum = files[name].sum
		}
		r.add(name, "is the content of no document in %s and the audit trail (SHA-256 %s): the file was changed or added", dossierJSON, sum)
	}
}

// checkMDTOBestanden checks every MDTO bestand document against the document it represents, and
// that every document has one; an export without MDTO says why in a note.
func checkMDTOBestanden(r *Report, files map[string]*zipFile, order []string, info map[string][]string, ids []string, want map[string]docClaim) {
	if r.MDTOFiles == 0 {
		reden := first(info["MDTO-Ontbreekt"])
		switch {
		case first(info["Zaak-Status"]) == "open":
			r.Notes = append(r.Notes, "the zaak is still open: this export has no MDTO yet (it is made when the zaak is closed)")
		case reden != "":
			r.Notes = append(r.Notes, "this export has no MDTO: "+reden)
		case len(ids) > 0:
			r.add(bagInfoTxt, "the bag holds no MDTO and does not say why (MDTO-Ontbreekt)")
		}
		return
	}
	seen := map[string]string{}
	for _, name := range order {
		if !strings.HasSuffix(name, mdto.SidecarSuffix) {
			continue
		}
		b, err := readSmall(files[name])
		if err != nil {
			r.add(name, "cannot be read: %v", err)
			continue
		}
		var m mdtoBestand
		if err := xml.Unmarshal(b, &m); err != nil || m.Bestand == nil {
			r.add(name, "is not an MDTO bestand document")
			continue
		}
		id := strings.TrimSpace(m.Bestand.Document)
		w, ok := want[id]
		if !ok {
			r.add(name, "represents document %q, which %s does not list", id, dossierJSON)
			continue
		}
		if other, dup := seen[id]; dup {
			r.add(name, "represents document %s, as %s does", id, other)
			continue
		}
		seen[id] = name
		var sum string
		for _, c := range m.Bestand.Checksum {
			if strings.EqualFold(strings.TrimSpace(c.Algoritme), "SHA-256") {
				sum = strings.ToLower(strings.TrimSpace(c.Waarde))
			}
		}
		if sum != w.sha {
			r.add(name, "has checksumWaarde %q for document %s, the audit trail and the payload say %s: the document or its MDTO was changed", sum, id, w.sha)
		}
		if m.Bestand.Omvang != w.size {
			r.add(name, "has omvang %d for document %s, which has %d bytes", m.Bestand.Omvang, id, w.size)
		}
	}
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			r.add(path.Join(payloadDir, mdtoDir), "holds no MDTO bestand (%s) for document %s", mdto.SidecarSuffix, id)
		}
	}
}
