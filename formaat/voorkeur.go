package formaat

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"zaakarchief/configs"
)

// Voorkeursformaten reads the list of preferred formats embedded in package configs
// (configs.Voorkeursformaten): each PRONOM identifier with its description. The list is the
// Noord-Hollands Archief's (noord-hollandsarchief/preingest-mdto-utilities,
// app/csv/voorkeursformaten.csv) plus the PDF/A conformance levels the Nationaal Archief's
// voorkeursformaten accept too; records managers can edit the copy in configs/.
func Voorkeursformaten() (map[string]string, error) {
	b, err := configs.FS.ReadFile(configs.Voorkeursformaten)
	if err != nil {
		return nil, fmt.Errorf("voorkeursformaten: %w", err)
	}
	return ParseVoorkeursformaten(b)
}

// ParseVoorkeursformaten reads a list of preferred formats in the NHA's CSV layout: a header,
// then lines separated by ";" with the PRONOM identifier in column "puid" and the description
// in column "description". Lines starting with "#" are comments.
func ParseVoorkeursformaten(b []byte) (map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma, r.Comment, r.FieldsPerRecord = ';', '#', -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("voorkeursformaten: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("voorkeursformaten: lege lijst")
	}
	puid, desc := -1, -1
	for i, h := range recs[0] {
		switch strings.TrimSpace(h) {
		case "puid":
			puid = i
		case "description":
			desc = i
		}
	}
	if puid < 0 || desc < 0 {
		return nil, fmt.Errorf("voorkeursformaten: kolommen puid en description ontbreken in de kop")
	}
	out := map[string]string{}
	for _, rec := range recs[1:] {
		if len(rec) <= max(puid, desc) || strings.TrimSpace(rec[puid]) == "" {
			continue
		}
		out[strings.TrimSpace(rec[puid])] = strings.Join(strings.Fields(rec[desc]), " ")
	}
	return out, nil
}
