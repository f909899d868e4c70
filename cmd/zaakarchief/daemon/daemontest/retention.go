package daemontest

import (
	"context"
	"net/http"
)

// NamedToken creates a bearer token for an organisation and role with omschrijving, the name
// the audit trail and the answers show for whoever uses it, and returns its secret.
func (k *Kit) NamedToken(organisatie, rol, omschrijving string) string {
	k.tb.Helper()
	_, secret, err := k.Dossier.CreateToken(context.Background(), organisatie, rol, omschrijving)
	if err != nil {
		k.tb.Fatalf("create token %q for %s/%s: %v", omschrijving, organisatie, rol, err)
	}
	return secret
}

// Accepting returns a copy of the client that asks for mediaType (the Accept header) in
// every request, for routes that answer in more than one format.
func (c *Client) Accepting(mediaType string) *Client {
	cp := *c
	hc := *c.hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = acceptTransport{base: base, mediaType: mediaType}
	cp.hc = &hc
	return &cp
}

type acceptTransport struct {
	base      http.RoundTripper
	mediaType string
}

func (t acceptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", t.mediaType)
	return t.base.RoundTrip(r)
}
