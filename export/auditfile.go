package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"zaakarchief/dossier"
)

// Payload paths of the audit trail, relative to data/.
const (
	auditJSONL = "audit/audittrail.jsonl"
	auditCSV   = "audit/audittrail.csv"
)

// auditCSVHeader names the columns of the CSV form of the audit trail.
var auditCSVHeader = []string{"volgnummer", "id", "zaak", "tijd", "organisatie", "rol", "token", "fase", "actie", "details", "vorigeHash", "hash"}

// auditJSONLines writes the trail as JSON lines, one entry per line, with the details exactly as
// stored, so that dossier.AuditEntry.ComputeHash over a line read back gives the entry's hash.
func auditJSONLines(trail []dossier.AuditEntry) ([]byte, error) {
	var out bytes.Buffer
	for _, e := range trail {
		details := []byte(e.Details)
		if !json.Valid(details) || bytes.ContainsAny(details, "\r\n") {
			// Not JSON as the dossier writes it: keep it as a string; verification then reports
			// the entry as changed, which it is.
			q, err := json.Marshal(string(details))
			if err != nil {
				return nil, err
			}
			details = q
		}
		fields := []struct {
			name string
			v    any
		}{
			{"id", e.ID}, {"zaak", e.Zaak}, {"volgnummer", e.Volgnummer}, {"tijd", e.Tijd.UTC().Format(time.RFC3339Nano)},
			{"organisatie", e.Organisatie}, {"rol", e.Rol}, {"token", e.Token}, {"fase", e.Fase}, {"actie", e.Actie},
		}
		out.WriteByte('{')
		for _, f := range fields {
			k, _ := json.Marshal(f.name)
			v, err := json.Marshal(f.v)
			if err != nil {
				return nil, fmt.Errorf("audit entry %s: %w", e.ID, err)
			}
			out.Write(k)
			out.WriteByte(':')
			out.Write(v)
			out.WriteByte(',')
		}
		out.WriteString(`"details":`)
		out.Write(details)
		prev, _ := json.Marshal(e.VorigeHash)
		h, _ := json.Marshal(e.Hash)
		out.WriteString(`,"vorigeHash":`)
		out.Write(prev)
		out.WriteString(`,"hash":`)
		out.Write(h)
		out.WriteString("}\n")
	}
	return out.Bytes(), nil
}

// auditCSVFile writes the trail as CSV (RFC 4180) with a header row, for spreadsheets.
func auditCSVFile(trail []dossier.AuditEntry) ([]byte, error) {
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.Write(auditCSVHeader); err != nil {
		return nil, err
	}
	for _, e := range trail {
		rec := []string{strconv.FormatInt(e.Volgnummer, 10), e.ID, e.Zaak, e.Tijd.UTC().Format(time.RFC3339Nano),
			e.Organisatie, e.Rol, e.Token, strconv.Itoa(e.Fase), e.Actie, string(e.Details), e.VorigeHash, e.Hash}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return out.Bytes(), w.Error()
}

// readAuditJSONLines parses the JSON lines form back into entries; a line that does not parse is
// reported by its number.
func readAuditJSONLines(r io.Reader) ([]dossier.AuditEntry, []string) {
	var out []dossier.AuditEntry
	var problems []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e dossier.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			problems = append(problems, fmt.Sprintf("line %d does not parse: %v", line, err))
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, fmt.Sprintf("cannot be read: %v", err))
	}
	return out, problems
}

// compareAuditCSV checks that the CSV form holds the same entries as the JSON lines.
func compareAuditCSV(r io.Reader, trail []dossier.AuditEntry) []string {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return []string{fmt.Sprintf("does not parse as CSV: %v", err)}
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(auditCSVHeader, ",") {
		return []string{"the header row is missing or not " + strings.Join(auditCSVHeader, ",")}
	}
	recs = recs[1:]
	var problems []string
	if len(recs) != len(trail) {
		problems = append(problems, fmt.Sprintf("holds %d entries, %s holds %d", len(recs), auditJSONL, len(trail)))
	}
	for i := 0; i < min(len(recs), len(trail)); i++ {
		e := trail[i]
		want := []string{strconv.FormatInt(e.Volgnummer, 10), e.ID, e.Zaak, e.Tijd.UTC().Format(time.RFC3339Nano),
			e.Organisatie, e.Rol, e.Token, strconv.Itoa(e.Fase), e.Actie, string(e.Details), e.VorigeHash, e.Hash}
		if strings.Join(recs[i], "\x00") != strings.Join(want, "\x00") {
			problems = append(problems, fmt.Sprintf("row %d (volgnummer %s) differs from %s", i+2, recs[i][0], auditJSONL))
		}
	}
	return problems
}

// chainState is what an export says about the audit chain it carries.
type chainState struct {
	Count    int
	LastHash string
	Breaks   []dossier.ChainBreak
}

// checkChain runs the dossier's chain verifier over a trail.
func checkChain(trail []dossier.AuditEntry) chainState {
	var v dossier.ChainVerifier
	for _, e := range trail {
		v.Next(e)
	}
	s := chainState{Count: v.Count, Breaks: v.Breaks}
	if n := len(trail); n > 0 {
		s.LastHash = trail[n-1].Hash
	}
	return s
}
