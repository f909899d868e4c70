package sipcheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"zaakarchief/archive/mdto"
)

// schema validates every sidecar against the MDTO 1.0.1 XML schema the repository carries, with
// xmllint (the NHA runs the same XSD in MetadataValidationHandler.cs). Without xmllint the check
// fails: a package that was not validated is not reported as valid. skip leaves it out.
func (p *pakket) schema(ctx context.Context, skip bool) (Resultaat, error) {
	var r Resultaat
	if skip {
		r.Overgeslagen = true
		return r, nil
	}
	dir, err := os.MkdirTemp("", "sipcheck-*")
	if err != nil {
		return r, fmt.Errorf("sipcheck: schema: %w", err)
	}
	defer os.RemoveAll(dir)
	var paths []string
	orig := map[string]string{}
	for i, pad := range sortedKeys(p.sidecars) {
		b, err := fs.ReadFile(p.fsys, pad)
		if err != nil {
			return r, fmt.Errorf("sipcheck: schema: lees %s: %w", pad, err)
		}
		tmp := filepath.Join(dir, strconv.Itoa(i)+".xml")
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return r, fmt.Errorf("sipcheck: schema: %w", err)
		}
		paths = append(paths, tmp)
		orig[tmp] = pad
	}
	r.Gecontroleerd = len(paths)
	err = mdto.ValidateXSD(ctx, paths...)
	var xe *mdto.XSDError
	switch {
	case err == nil:
	case errors.Is(err, mdto.ErrNoXmllint):
		r.Fouten = append(r.Fouten, Fout{"", "xmllint ontbreekt (Debian-pakket libxml2-utils): de sidecars zijn niet tegen het XML-schema gecontroleerd"})
	case errors.As(err, &xe):
		for _, f := range xe.Failures {
			for _, m := range f.Messages {
				r.Fouten = append(r.Fouten, Fout{orig[f.Path], "voldoet niet aan het MDTO-schema: " + m})
			}
		}
	default:
		return r, fmt.Errorf("sipcheck: schema: %w", err)
	}
	return r, nil
}
