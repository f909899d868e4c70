package zgw

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"
	"time"

	"zaakarchief/dossier/sqldb"
)

// The kanalen of the Notificaties API the collector acts on.
const (
	KanaalZaken      = "zaken"
	KanaalDocumenten = "documenten"
	KanaalBesluiten  = "besluiten"
)

// taak is a notified object waiting for its sync.
type taak struct {
	bron        string
	kanaal      string
	hoofdObject string
	due         time.Time
	pogingen    int
}

// wachtrij gathers notifications and syncs each notified zaak once its notifications have
// stopped coming for a while (debounce): a burst of notifications for one zaak (a status, three
// documents and a resultaat in one minute) becomes one sync. A notification that arrives while
// its zaak syncs waits for the next round.
type wachtrij struct {
	c        *Collector
	debounce time.Duration

	mu      sync.Mutex
	pending map[string]*taak
	wake    chan struct{}
}

func newWachtrij(c *Collector, debounce time.Duration) *wachtrij {
	if debounce <= 0 {
		debounce = 2 * time.Second
	}
	return &wachtrij{c: c, debounce: debounce, pending: map[string]*taak{}, wake: make(chan struct{}, 1)}
}

// add queues a notified object, or postpones it when it is queued already.
func (q *wachtrij) add(bron, kanaal, hoofdObject string) {
	q.mu.Lock()
	key := kanaal + " " + hoofdObject
	due := q.c.now().Add(q.debounce)
	if t, ok := q.pending[key]; ok {
		t.due = due
	} else {
		q.pending[key] = &taak{bron: bron, kanaal: kanaal, hoofdObject: hoofdObject, due: due}
	}
	q.c.metrics.notifyPending.Set(float64(len(q.pending)))
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take removes and returns the tasks due at now (all of them when all is true), and the time
// the next one is due.
func (q *wachtrij) take(now time.Time, all bool) ([]*taak, time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*taak
	var next time.Time
	for k, t := range q.pending {
		if all || !t.due.After(now) {
			out = append(out, t)
			delete(q.pending, k)
		} else if next.IsZero() || t.due.Before(next) {
			next = t.due
		}
	}
	q.c.metrics.notifyPending.Set(float64(len(q.pending)))
	sort.Slice(out, func(i, j int) bool { return out[i].hoofdObject < out[j].hoofdObject })
	return out, next
}

// requeue puts back a task whose zaak could not be found, a few times, later each time.
func (q *wachtrij) requeue(t *taak) bool {
	if t.pogingen >= 5 {
		return false
	}
	t.pogingen++
	t.due = q.c.now().Add(q.debounce << t.pogingen)
	q.mu.Lock()
	key := t.kanaal + " " + t.hoofdObject
	if _, ok := q.pending[key]; !ok {
		q.pending[key] = t
	}
	q.mu.Unlock()
	return true
}

// Notify queues a notification of organisation org's Notificaties API for a sync of its zaak.
func (c *Collector) Notify(org string, n Notificatie) {
	c.queue.add(org, n.Kanaal, stripQuery(n.HoofdObject))
}

// Run syncs notified zaken when their debounce time has passed, until ctx ends.
func (c *Collector) Run(ctx context.Context) {
	for {
		tasks, next := c.queue.take(c.now(), false)
		if len(tasks) > 0 {
			c.process(ctx, tasks)
			continue
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if !next.IsZero() {
			timer = time.NewTimer(max(next.Sub(c.now()), time.Millisecond))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-c.queue.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// VerwerkNotificaties syncs every notified zaak now, without waiting for the debounce time,
// and returns how many zaken it synced.
func (c *Collector) VerwerkNotificaties(ctx context.Context) (int, error) {
	tasks, _ := c.queue.take(c.now(), true)
	return c.process(ctx, tasks), ctx.Err()
}

// process resolves tasks to their zaken and syncs each zaak once.
func (c *Collector) process(ctx context.Context, tasks []*taak) int {
	zaken := map[string]bool{}
	var order []string
	for _, t := range tasks {
		urls, err := c.zakenVan(ctx, t)
		if err != nil {
			if ctx.Err() != nil {
				return 0
			}
			if c.queue.requeue(t) {
				c.log.WarnContext(ctx, "notified object not resolved; retrying later", "bron", t.bron, "object", t.hoofdObject, "err", err)
			} else {
				c.log.ErrorContext(ctx, "notified object not resolved; dropped (the next scheduled pass takes it)", "bron", t.bron, "object", t.hoofdObject, "err", err)
				c.metrics.notificaties.WithLabelValues(t.kanaal, "onbekend").Inc()
			}
			continue
		}
		for _, u := range urls {
			if !zaken[u] {
				zaken[u] = true
				order = append(order, u)
			}
		}
	}
	n := 0
	for _, u := range order {
		rap, err := c.SyncZaak(ctx, u)
		if err != nil {
			if ctx.Err() != nil {
				return n
			}
			c.log.ErrorContext(ctx, "sync of a notified zaak failed", "zaak", u, "err", err)
			continue
		}
		n++
		c.log.InfoContext(ctx, "notified zaak synced", "zaak", u, "vastgelegd", rap.Vastgelegd, "meldingen", len(rap.Meldingen))
	}
	return n
}

// zakenVan finds the source zaken a notified object belongs to: the zaak itself (kanaal
// zaken), the zaken a document is linked to, the zaak of a besluit.
func (c *Collector) zakenVan(ctx context.Context, t *taak) ([]string, error) {
	if t.kanaal == KanaalZaken {
		return []string{t.hoofdObject}, nil
	}
	var known string
	err := c.db.View(ctx, func(tx *sqldb.Tx) error {
		err := tx.QueryRow(ctx, `SELECT zaak_url FROM zgw_items WHERE url = ?`, t.hoofdObject).Scan(&known)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if known != "" {
		return []string{known}, nil
	}
	switch t.kanaal {
	case KanaalDocumenten:
		var out []string
		for _, b := range c.bronnen {
			cl := c.clients[b.Organisatie]
			if b.fout != "" {
				continue
			}
			var zios []ZaakInformatieObject
			q := url.Values{"informatieobject": {t.hoofdObject}}
			if _, _, err := cl.getJSON(ctx, b.ZakenAPI+"/zaakinformatieobjecten?"+q.Encode(), "", &zios); err != nil {
				return nil, err
			}
			for _, z := range zios {
				out = append(out, z.Zaak)
			}
		}
		return out, nil
	case KanaalBesluiten:
		cl, ok := c.clientFor(t.hoofdObject)
		if !ok {
			return nil, fmt.Errorf("besluit %s is in no source", t.hoofdObject)
		}
		var b Besluit
		if _, _, err := cl.getJSON(ctx, t.hoofdObject, "", &b); err != nil {
			return nil, err
		}
		if b.Zaak == "" {
			return nil, nil
		}
		return []string{b.Zaak}, nil
	}
	return nil, nil
}
