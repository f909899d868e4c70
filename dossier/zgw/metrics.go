package zgw

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the collector's Prometheus metrics, labelled by source (the organisation).
type metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	retries       *prometheus.CounterVec
	up            *prometheus.GaugeVec
	lastSuccess   *prometheus.GaugeVec
	items         *prometheus.CounterVec
	zaakFouten    *prometheus.CounterVec
	passes        prometheus.Counter
	notificaties  *prometheus.CounterVec
	notifyPending prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zaakarchief_zgw_requests_total",
			Help: "Requests to the ZGW APIs of a source, by source and status code (\"fout\" when no answer came)."}, []string{"bron", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "zaakarchief_zgw_request_duration_seconds",
			Help: "Time to the answer of a request to a source.", Buckets: prometheus.DefBuckets}, []string{"bron"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zaakarchief_zgw_retries_total",
			Help: "Requests to a source repeated after a failure that may pass."}, []string{"bron"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zaakarchief_zgw_bron_up",
			Help: "1 when the last pass over the source succeeded, 0 when it failed."}, []string{"bron"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "zaakarchief_zgw_bron_last_success_timestamp_seconds",
			Help: "When a pass over the source last succeeded (Unix time)."}, []string{"bron"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zaakarchief_zgw_items_total",
			Help: "Parts of zaken found at a source and recorded (ok) or refused by the agreement (geweigerd), by kind."}, []string{"bron", "soort", "toestand"}),
		zaakFouten: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zaakarchief_zgw_zaak_errors_total",
			Help: "Zaken that could not be synced in a pass (retried on the next)."}, []string{"bron"}),
		passes: prometheus.NewCounter(prometheus.CounterOpts{Name: "zaakarchief_zgw_passes_total",
			Help: "Sync passes run (whole or one zaak)."}),
		notificaties: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zaakarchief_zgw_notificaties_total",
			Help: "Notifications received, by kanaal and what became of them."}, []string{"kanaal", "uitkomst"}),
		notifyPending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zaakarchief_zgw_notificaties_wachtend",
			Help: "Zaken waiting for a sync after a notification."}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration, m.retries, m.up, m.lastSuccess, m.items, m.zaakFouten, m.passes, m.notificaties, m.notifyPending)
	}
	return m
}

func (m *metrics) observe(bron string, res *http.Response, err error, d time.Duration) {
	code := "fout"
	if err == nil && res != nil {
		code = strconv.Itoa(res.StatusCode)
	}
	m.requests.WithLabelValues(bron, code).Inc()
	m.duration.WithLabelValues(bron).Observe(d.Seconds())
}

func (m *metrics) bronUp(bron string, ok bool, now time.Time) {
	if ok {
		m.up.WithLabelValues(bron).Set(1)
		m.lastSuccess.WithLabelValues(bron).Set(float64(now.Unix()))
		return
	}
	m.up.WithLabelValues(bron).Set(0)
}

func (m *metrics) item(bron, soort, toestand string) {
	m.items.WithLabelValues(bron, soort, toestand).Inc()
}

func (m *metrics) zaakFout(bron string) { m.zaakFouten.WithLabelValues(bron).Inc() }

func (m *metrics) pass(*Rapport) { m.passes.Inc() }
