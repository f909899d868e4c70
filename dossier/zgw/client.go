package zgw

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Retry says how often and how patiently a request to a source is repeated when it fails in a
// way that may pass: the source is down or slow, answers 5xx, 408 or 429, or sends malformed
// JSON or a document that does not match its checksum.
type Retry struct {
	// Attempts is the number of tries in all; default 4.
	Attempts int
	// Base is the wait before the second try, doubled for every next one; default 250ms.
	Base time.Duration
	// Max caps one wait (and a Retry-After the source asks for); default 10s.
	Max time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 4
	}
	if r.Base <= 0 {
		r.Base = 250 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 10 * time.Second
	}
	return r
}

// wait returns the pause before try number attempt+1 (attempt counts from 1), with jitter.
func (r Retry) wait(attempt int, retryAfter time.Duration) time.Duration {
	d := r.Base << (attempt - 1)
	if d <= 0 || d > r.Max {
		d = r.Max
	}
	d = d/2 + rand.N(d/2+1)
	if retryAfter > d {
		d = min(retryAfter, r.Max)
	}
	return d
}

// HTTPError is an answer of a source with a status code the collector does not accept.
type HTTPError struct {
	URL    string
	Status int
	Body   string
}

// Error says which request got which answer.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s: %d %s: %s", e.URL, e.Status, http.StatusText(e.Status), e.Body)
}

// retriable reports whether an error may pass when the request is repeated.
func retriable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests || he.Status == http.StatusRequestTimeout
	}
	var te transientError
	if errors.As(err, &te) {
		return true
	}
	return !errors.Is(err, errPermanent)
}

// transientError marks a failure that may pass (malformed JSON, a checksum that does not match a
// download cut short, a stalled response).
type transientError struct{ err error }

func (t transientError) Error() string { return t.err.Error() }
func (t transientError) Unwrap() error { return t.err }

// errPermanent marks failures that repeating cannot cure (a URL outside the source).
var errPermanent = errors.New("permanent")

// maxJSON limits one JSON answer of a source.
const maxJSON = 64 << 20

// client talks to the ZGW APIs of one source with its JWT, retrying what may pass.
type client struct {
	bron    *Bron
	http    *http.Client
	retry   Retry
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
	metrics *metrics

	mu       sync.Mutex
	jwt      string
	jwtSince time.Time
}

// token returns the JWT, renewed every few minutes: the ZGW APIs refuse tokens whose iat is
// too old.
func (c *client) token() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.jwt == "" || now.Sub(c.jwtSince) > 5*time.Minute || now.Before(c.jwtSince) {
		t, err := Token(c.bron.ClientID, c.bron.secret, now)
		if err != nil {
			return "", fmt.Errorf("source %s: %w", c.bron.Organisatie, err)
		}
		c.jwt, c.jwtSince = t, now
	}
	return c.jwt, nil
}

// response is an answer whose body is being read; cancel ends the request.
type response struct {
	*http.Response
	body   io.Reader
	cancel func()
}

// stallReader cancels its request when no byte arrived for a while: a slow source fails on
// silence, not on the size of what it sends.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	return n, err
}

// get sends one GET (no retry) and returns the answer for any status code.
func (c *client) get(ctx context.Context, u, etag, accept string) (*response, error) {
	if !c.bron.owns(u) {
		return nil, fmt.Errorf("%s is not in an API of source %s: %w", u, c.bron.Organisatie, errPermanent)
	}
	tok, err := c.token()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, errPermanent)
	}
	rctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(c.timeout, cancel)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		timer.Stop()
		cancel()
		return nil, fmt.Errorf("GET %s: %v: %w", u, err, errPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Crs", "EPSG:4326")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	c.metrics.observe(c.bron.Organisatie, res, err, time.Since(start))
	if err != nil {
		timer.Stop()
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, transientError{fmt.Errorf("GET %s: %w", u, err)}
	}
	return &response{Response: res, body: &stallReader{r: res.Body, timer: timer, d: c.timeout}, cancel: func() {
		timer.Stop()
		res.Body.Close()
		cancel()
	}}, nil
}

// retryAfter reads a Retry-After in seconds.
func retryAfter(res *http.Response) time.Duration {
	if res == nil {
		return 0
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// try runs one attempt of fn up to the configured number of times while its error may pass.
func (c *client) try(ctx context.Context, what string, fn func() (time.Duration, error)) error {
	var err error
	for attempt := 1; ; attempt++ {
		var after time.Duration
		after, err = fn()
		if err == nil || ctx.Err() != nil || !retriable(err) || attempt >= c.retry.Attempts {
			break
		}
		d := c.retry.wait(attempt, after)
		c.log.WarnContext(ctx, "source request failed; retrying", "bron", c.bron.Organisatie, "request", what, "attempt", attempt, "wait", d, "err", err)
		c.metrics.retries.WithLabelValues(c.bron.Organisatie).Inc()
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// getJSON reads the JSON resource at u into v. With etag, a 304 leaves v alone and reports
// notModified; the new ETag is returned.
func (c *client) getJSON(ctx context.Context, u, etag string, v any) (newETag string, notModified bool, err error) {
	err = c.try(ctx, u, func() (time.Duration, error) {
		res, err := c.get(ctx, u, etag, "application/json")
		if err != nil {
			return 0, err
		}
		defer res.cancel()
		switch {
		case res.StatusCode == http.StatusNotModified && etag != "":
			notModified, newETag = true, etag
			return 0, nil
		case res.StatusCode != http.StatusOK:
			b, _ := io.ReadAll(io.LimitReader(res.body, 512))
			return retryAfter(res.Response), &HTTPError{URL: u, Status: res.StatusCode, Body: strings.TrimSpace(string(b))}
		}
		body, err := io.ReadAll(io.LimitReader(res.body, maxJSON+1))
		if err != nil {
			return 0, transientError{fmt.Errorf("GET %s: read body: %w", u, err)}
		}
		if len(body) > maxJSON {
			return 0, fmt.Errorf("GET %s: the answer is larger than %d bytes: %w", u, maxJSON, errPermanent)
		}
		if err := json.Unmarshal(markeerOngeldigeTekst(body), v); err != nil {
			return 0, transientError{fmt.Errorf("GET %s: malformed JSON: %w", u, err)}
		}
		newETag = res.Header.Get("ETag")
		return 0, nil
	})
	return newETag, notModified, err
}

// maxPages bounds a paginated list, against a source that pages forever.
const maxPages = 100000

// list reads every page of a paginated list, following next. A next that points at a page read
// before (a page loop) or outside the source is an error, as is a list that keeps growing past
// the count it announced.
func list[T any](ctx context.Context, c *client, u string) ([]T, error) {
	var out []T
	seen := map[string]bool{}
	count := 0
	for page := 0; u != ""; page++ {
		key := canonical(u)
		if seen[key] {
			return nil, fmt.Errorf("list %s: page %s comes back (a page loop): %w", c.bron.Organisatie, u, errPermanent)
		}
		seen[key] = true
		if page >= maxPages {
			return nil, fmt.Errorf("list %s: more than %d pages: %w", c.bron.Organisatie, maxPages, errPermanent)
		}
		var p pagina[T]
		if _, _, err := c.getJSON(ctx, u, "", &p); err != nil {
			return nil, err
		}
		count = max(count, p.Count)
		out = append(out, p.Results...)
		if len(out) > count {
			return nil, fmt.Errorf("list %s: %d results, more than the count %d the source announced (a page loop?): %w", u, len(out), count, errPermanent)
		}
		if p.Next == nil || *p.Next == "" {
			break
		}
		if len(p.Results) == 0 {
			return nil, fmt.Errorf("list %s: an empty page with a next page: %w", u, errPermanent)
		}
		u = *p.Next
	}
	return out, nil
}

// canonical orders the query of a URL so that the same page compares equal.
func canonical(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.RawQuery = p.Query().Encode()
	return p.String()
}

// download streams the content of a document into a spool, checking its size and its
// checksum (integriteit) where the source recorded them; a mismatch is retried (a download cut
// short) and then fails. It returns the spool holding the verified content.
func (c *client) download(ctx context.Context, eio *EnkelvoudigInformatieObject, dir string) (*spool, bool, error) {
	if eio.Inhoud == nil || *eio.Inhoud == "" {
		return nil, false, fmt.Errorf("document %s has no inhoud: %w", eio.URL, errPermanent)
	}
	u := *eio.Inhoud
	var out *spool
	sum, supported := newChecksum(eio.Integriteit)
	err := c.try(ctx, u, func() (time.Duration, error) {
		res, err := c.get(ctx, u, "", "*/*")
		if err != nil {
			return 0, err
		}
		defer res.cancel()
		if res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(res.body, 512))
			return retryAfter(res.Response), &HTTPError{URL: u, Status: res.StatusCode, Body: strings.TrimSpace(string(b))}
		}
		sp := newSpool(dir)
		h := sha256.New()
		w := []io.Writer{sp, h}
		if sum != nil {
			sum.h.Reset()
			w = append(w, sum.h)
		}
		if _, err := io.Copy(io.MultiWriter(w...), res.body); err != nil {
			sp.Close()
			return 0, transientError{fmt.Errorf("download %s: %w", u, err)}
		}
		if eio.Bestandsomvang != nil && *eio.Bestandsomvang != sp.size {
			sp.Close()
			return 0, transientError{fmt.Errorf("download %s: %d bytes, the source recorded bestandsomvang %d", u, sp.size, *eio.Bestandsomvang)}
		}
		if sum != nil {
			if err := sum.verify(); err != nil {
				sp.Close()
				return 0, transientError{fmt.Errorf("download %s: %w", u, err)}
			}
		}
		sp.sha = hex.EncodeToString(h.Sum(nil))
		out = sp
		return 0, nil
	})
	if err != nil {
		return nil, supported, err
	}
	return out, supported, nil
}
