package zgw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

// Options configures a Collector.
type Options struct {
	// Service is the dossier the collector records into, with the agreement in force.
	Service *dossier.Service
	// Getenv reads the JWT secrets (the agreement names the variables); nil means os.Getenv.
	Getenv func(string) string
	// HTTPClient talks to the sources; nil means a client with sane transport timeouts.
	HTTPClient *http.Client
	// Registerer receives the collector's metrics; nil registers nothing.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	// Workers is the number of zaken fetched at the same time; default 4.
	Workers int
	// Retry configures retries of failing requests.
	Retry Retry
	// Timeout is how long a source may stay silent during one request; default 30s.
	Timeout time.Duration
	// SpoolDir holds documents between download and recording; default os.TempDir().
	SpoolDir string
	// LockFile, when set, is a file the collector locks while it runs, so that two processes
	// (the daemon and a `zgw sync`) never collect into one data directory at the same time.
	LockFile string
	// Debounce is how long notifications for a zaak are gathered before it is synced; default 2s.
	Debounce time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Collector brings zaak information from the organisations' ZGW APIs into the dossier.
type Collector struct {
	svc      *dossier.Service
	db       dossierDB
	bronnen  []*Bron
	clients  map[string]*client
	cat      *catalogus
	log      *slog.Logger
	now      func() time.Time
	metrics  *metrics
	workers  int
	spoolDir string
	lock     *procLock
	queue    *wachtrij

	// itemHook, when set (by tests), runs after the dossier recorded an item and before the
	// collector wrote that down: the moment a crash hurts most.
	itemHook func(soort string)

	// bezig holds the source zaken whose group is being recorded: two passes (a scheduled one
	// and one after a notification) never record the same group at the same time, different
	// groups are recorded side by side.
	bezig *sleutels
}

// sleutels is a set of held keys: lock waits until none of its keys is held by another.
type sleutels struct {
	mu   sync.Mutex
	cond *sync.Cond
	held map[string]bool
}

func newSleutels() *sleutels {
	s := &sleutels{held: map[string]bool{}}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// lock holds keys until the returned function is called.
func (s *sleutels) lock(keys []string) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for slices.ContainsFunc(keys, func(k string) bool { return s.held[k] }) {
		s.cond.Wait()
	}
	for _, k := range keys {
		s.held[k] = true
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, k := range keys {
			delete(s.held, k)
		}
		s.cond.Broadcast()
	}
}

// New builds a Collector for the sources the agreement describes. Sources without a secret
// are kept and reported as failing; a collector without any source is valid and does nothing.
func New(o Options) (*Collector, error) {
	if o.Service == nil {
		return nil, errors.New("zgw collector needs the dossier service")
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.SpoolDir == "" {
		o.SpoolDir = os.TempDir()
	}
	if o.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		o.HTTPClient = &http.Client{Transport: tr}
	}
	c := &Collector{svc: o.Service, db: dossierDB{o.Service}, cat: newCatalogus(), log: o.Logger, now: o.Now,
		metrics: newMetrics(o.Registerer), workers: o.Workers, spoolDir: o.SpoolDir, clients: map[string]*client{}, bezig: newSleutels()}
	c.bronnen = bronnen(o.Service.Afspraak(), o.Getenv)
	for _, b := range c.bronnen {
		c.clients[b.Organisatie] = &client{bron: b, http: o.HTTPClient, retry: o.Retry.withDefaults(), timeout: o.Timeout,
			now: o.Now, log: o.Logger, metrics: c.metrics}
	}
	if o.LockFile != "" {
		c.lock = &procLock{path: o.LockFile}
	}
	c.queue = newWachtrij(c, o.Debounce)
	return c, nil
}

// Bronnen returns the sources the agreement describes.
func (c *Collector) Bronnen() []*Bron { return slices.Clone(c.bronnen) }

// clientFor returns the client of the source whose APIs hold u.
func (c *Collector) clientFor(u string) (*client, bool) {
	for _, b := range c.bronnen {
		if b.owns(u) && b.fout == "" {
			return c.clients[b.Organisatie], true
		}
	}
	return nil, false
}

// SyncOptions selects what a Sync pass collects.
type SyncOptions struct {
	// Bron limits the pass to one organisation's source; empty means every source.
	Bron string
	// Sinds, when set, skips zaken that did not change since (by laatstGemuteerd) and zaken
	// closed before it; zaken that are incomplete or failed are always taken.
	Sinds time.Time
}

// Sync runs one pass: it lists the zaken of the mapped zaaktypen at each selected source,
// links them into groups (one group, one dossier) and syncs every group that changed, was
// incomplete or failed before. A failing source or zaak is reported and does not stop the
// others; the error is only for what stops the pass itself (the database, the context).
func (c *Collector) Sync(ctx context.Context, o SyncOptions) (*Rapport, error) {
	if o.Bron != "" {
		if _, ok := c.svc.Afspraak().Organisatie(o.Bron); !ok {
			return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "source", Detail: fmt.Sprintf("%q is not an organisation of the agreement", o.Bron)}
		}
		if !slices.ContainsFunc(c.bronnen, func(b *Bron) bool { return b.Organisatie == o.Bron }) {
			return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "source", Detail: fmt.Sprintf("organisation %q has no bron in the agreement", o.Bron)}
		}
	}
	release, err := c.lock.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	rap := newRapport(c.now())
	listed := map[string]*Zaak{}
	for _, b := range c.bronnen {
		if o.Bron != "" && b.Organisatie != o.Bron {
			continue
		}
		n, err := c.listBron(ctx, b, o.Sinds, listed)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := ""
		if err != nil {
			msg = err.Error()
			c.log.ErrorContext(ctx, "source failed", "bron", b.Organisatie, "err", err)
		}
		rap.bron(b.Organisatie, n, msg)
		c.metrics.bronUp(b.Organisatie, err == nil, c.now())
		if err := recordBron(ctx, c.db, b.Organisatie, msg, c.now()); err != nil {
			return nil, err
		}
	}
	seeds := make([]string, 0, len(listed))
	for u := range listed {
		seeds = append(seeds, u)
	}
	open, err := c.unfinished(ctx, o.Bron)
	if err != nil {
		return nil, err
	}
	seeds = append(seeds, open...)
	groups, err := c.groups(ctx, seeds)
	if err != nil {
		return nil, err
	}
	c.syncGroups(ctx, groups, listed, rap)
	if ctx.Err() != nil {
		return rap, ctx.Err()
	}
	rap.Einde = c.now()
	c.metrics.pass(rap)
	return rap, nil
}

// SyncZaak syncs the group of one source zaak (after a notification, or by hand).
func (c *Collector) SyncZaak(ctx context.Context, zaakURL string) (*Rapport, error) {
	if _, ok := c.clientFor(zaakURL); !ok {
		return nil, &dossier.Fout{Kind: dossier.ErrInvalid, Field: "zaak", Detail: fmt.Sprintf("%s is not in the Zaken API of a source of the agreement", zaakURL)}
	}
	release, err := c.lock.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	rap := newRapport(c.now())
	groups, err := c.groups(ctx, []string{zaakURL})
	if err != nil {
		return nil, err
	}
	c.syncGroups(ctx, groups, nil, rap)
	rap.Einde = c.now()
	c.metrics.pass(rap)
	return rap, ctx.Err()
}

// syncGroups syncs groups with the configured number of workers.
func (c *Collector) syncGroups(ctx context.Context, groups [][]string, listed map[string]*Zaak, rap *Rapport) {
	work := make(chan []string)
	var wg sync.WaitGroup
	for range min(c.workers, max(len(groups), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				c.syncGroup(ctx, g, listed, rap)
			}
		}()
	}
	for _, g := range groups {
		select {
		case work <- g:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
}

// unfinished returns the source zaken a pass must take again: not complete, failed, waiting.
func (c *Collector) unfinished(ctx context.Context, bron string) ([]string, error) {
	var out []string
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		q := `SELECT url FROM zgw_zaken WHERE toestand IN (?, ?, ?, ?)`
		args := []any{ZaakNieuw, ZaakOnvolledig, ZaakWacht, ZaakFout}
		if bron != "" {
			q += ` AND bron = ?`
			args = append(args, bron)
		}
		rows, err := tx.Query(ctx, q+` ORDER BY url`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read unfinished zaken: %w", err)
	}
	return out, nil
}

// groups links seeds with every source zaak they share a link key with, directly or through
// others, and returns one list of URLs per group, each sorted, the groups in a stable order.
func (c *Collector) groups(ctx context.Context, seeds []string) ([][]string, error) {
	links, err := koppelingen(ctx, c.db)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[rb] = ra
		}
	}
	byKey := map[string]string{}
	for u, keys := range links {
		find(u)
		for _, k := range keys {
			if first, ok := byKey[k]; ok {
				union(first, u)
			} else {
				byKey[k] = u
			}
		}
	}
	extra := map[string]bool{}
	for _, s := range seeds {
		// A zaak not seen before joins the zaken that point at it.
		if _, known := links[s]; known {
			continue
		}
		if other, ok := byKey["url:"+s]; ok {
			union(other, s)
			extra[s] = true
		}
	}
	members := map[string][]string{}
	for u := range links {
		r := find(u)
		members[r] = append(members[r], u)
	}
	for s := range extra {
		members[find(s)] = append(members[find(s)], s)
	}
	seen := map[string]bool{}
	var out [][]string
	for _, s := range seeds {
		r := find(s)
		if seen[r] {
			continue
		}
		seen[r] = true
		g := members[r]
		if len(g) == 0 {
			g = []string{s}
		}
		sort.Strings(g)
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, nil
}

// dossierDB runs the collector's transactions through the dossier service: its own tables
// (zgw_*) are written in the dossier's transactions, and the dossier's tables are read only
// through dossier.Inzage.
type dossierDB struct{ svc *dossier.Service }

// View runs fn in one read snapshot.
func (d dossierDB) View(ctx context.Context, fn func(tx *sqldb.Tx) error) error {
	return d.svc.Inzien(ctx, func(_ *dossier.Inzage, tx *sqldb.Tx) error { return fn(tx) })
}

// Update runs fn in one write transaction.
func (d dossierDB) Update(ctx context.Context, fn func(tx *sqldb.Tx) error) error {
	return d.svc.Wijzig(ctx, func(_ *dossier.Wijziging, tx *sqldb.Tx) error { return fn(tx) })
}
