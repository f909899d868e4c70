package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"zaakarchief/archive/sipcheck"
)

// ErrSIPAfgekeurd reports a package that fails the checks an e-Depot runs before ingest
// (package sipcheck): the run does not seal it and a transfer does not move it. It wraps
// sipcheck.ErrAfgekeurd; the message names every failing check with its first finding.
var ErrSIPAfgekeurd = errors.New("archive: package fails the e-Depot checks")

// bytesCloser is generated content as a seekable reader.
type bytesCloser struct{ *bytes.Reader }

func (bytesCloser) Close() error { return nil }

// controleerSIP runs the e-Depot checks on a package as its plan describes it, reading each
// document with open and the generated objects from the plan. The documents' sizes and
// SHA-256 are known from the journal (the target confirmed them on write), so they are not
// hashed again; the password check reads what it needs of them.
//
// With schema set (a transfer to the e-Depot) the XSD check runs too, when xmllint is on PATH.
// A run that seals packages leaves it out: xmllint costs a process and a schema parse per
// package, about 35 ms against 2.5 ms for all the other checks together (200 generated zaken,
// TestGeneratedZakenWithAwkwardNamesPassEveryEDepotCheck, 2 shared cores), and the archive
// writes only metadata that passed mdto's own validation, which the tests hold to the XSD.
// `zaakarchief archive check` always runs it.
func (a *Archiver) controleerSIP(ctx context.Context, p *plan, open func(ctx context.Context, o object) (io.ReadCloser, error), schema bool) error {
	opt := SIPOpties()
	opt.Bekend = map[string]sipcheck.Bekend{}
	if _, err := exec.LookPath("xmllint"); err != nil || !schema {
		opt.ZonderSchema = true
	}
	var objs []sipcheck.Object
	prefix := p.Map + "/"
	for _, o := range p.Objecten {
		if o.Soort == soortPakbon || o.Soort == soortManifest {
			continue
		}
		rel, ok := strings.CutPrefix(o.Sleutel, prefix)
		if !ok {
			return fmt.Errorf("%w: object %s lies outside the package folder %s", ErrSIPAfgekeurd, o.Sleutel, p.Map)
		}
		o := o
		ob := sipcheck.Object{Pad: rel, Grootte: o.Grootte}
		if o.Soort == soortBestand {
			opt.Bekend[rel] = sipcheck.Bekend{Grootte: o.Grootte, SHA256: o.SHA256}
			ob.Open = func() (io.ReadCloser, error) { return open(ctx, o) }
		} else {
			ob.Open = func() (io.ReadCloser, error) { return bytesCloser{bytes.NewReader(o.Inhoud)}, nil }
		}
		objs = append(objs, ob)
	}
	rep, err := sipcheck.Controleer(ctx, sipcheck.ObjectFS(objs), opt)
	if err != nil {
		return fmt.Errorf("package of zaak %s: %w", p.Zaak, err)
	}
	if err := rep.Err(); err != nil {
		return fmt.Errorf("%w: zaak %s: %w", ErrSIPAfgekeurd, p.Zaak, err)
	}
	return nil
}

// uitBlobs reads a document of a plan from the blob store.
func (a *Archiver) uitBlobs(ctx context.Context, o object) (io.ReadCloser, error) {
	return a.blobs.Open(ctx, o.Blob)
}
