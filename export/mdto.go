package export

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"zaakarchief/dossier"
)

// mdtoDir is the payload folder of the MDTO metadata.
const mdtoDir = "mdto"

// MDTOBron gives the MDTO metadata of a dossier exactly as package archive writes it into its
// package: every informatieobject and bestand document (the dossier, each document, each file),
// keyed by its path in the archive's SIP layout relative to the package folder
// ("ZAAK-2026-0000001.mdto.xml", "Advies/Advies.mdto.xml", "Advies/advies.pdf.bestand.mdto.xml").
// The export puts them under data/mdto/ with those paths. An error means the archive cannot map
// this dossier (yet): a zaak that is still open has no waardering, a file of unknown format no
// bestandsformaat. The export then goes out without MDTO and says why.
type MDTOBron interface {
	MDTO(ctx context.Context, d *dossier.Dossier) (map[string][]byte, error)
}

// mdtoFile is one MDTO document in the payload.
type mdtoFile struct {
	// path is relative to data/.
	path    string
	content []byte
}

// mdtoFiles asks the archive for the dossier's MDTO metadata. Without an MDTOBron, or when the
// archive cannot map the dossier, it returns no files and the reason; only a cancelled context
// is an error.
func (e *Exporter) mdtoFiles(ctx context.Context, p *plan) ([]mdtoFile, string, error) {
	if e.mdto == nil {
		return nil, "this installation has no MDTO mapping configured", nil
	}
	docs, err := e.mdto.MDTO(ctx, p.d)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		e.log.InfoContext(ctx, "export without MDTO", "zaak", p.zaak, "reden", err)
		return nil, oneLineValue(err.Error()), nil
	}
	out := make([]mdtoFile, 0, len(docs))
	for name, content := range docs {
		clean := path.Clean(name)
		if clean != name || path.IsAbs(name) || strings.HasPrefix(clean, "../") || !strings.HasSuffix(name, ".mdto.xml") {
			return nil, "", fmt.Errorf("MDTO document %q: not a relative path of an .mdto.xml file", name)
		}
		out = append(out, mdtoFile{path: path.Join(mdtoDir, name), content: content})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, "", nil
}
