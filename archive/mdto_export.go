package archive

import (
	"context"
	"strings"
	"time"

	"zaakarchief/dossier"
)

// MDTO returns the MDTO sidecars of a zaak's package exactly as a run would write them, keyed
// by their path inside the package folder: the dossier's, and per document the archiefstuk's
// and the bestand's. Package export puts them in its ZIPs, so an auditor sees the same metadata
// the archive holds. It fails, as a run would, for a zaak that cannot be archived yet (open,
// no nominatie, a file format that is not recognised).
func (a *Archiver) MDTO(ctx context.Context, d *dossier.Dossier) (map[string][]byte, error) {
	p, err := a.build(ctx, d, "export", "", time.Now(), false, false)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, o := range p.Objecten {
		if o.Soort == soortMDTO {
			out[strings.TrimPrefix(o.Sleutel, p.Map+"/")] = o.Inhoud
		}
	}
	return out, nil
}
