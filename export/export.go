package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// Audit actions an export records in the zaak's chain.
const (
	ActieGeexporteerd = "zaak.geexporteerd"
	ActieMislukt      = "export.mislukt"
	ActieGeweigerd    = "export.geweigerd"
)

// DefaultClearance returns the clearance per role when the configuration names none: an auditor
// may export up to vertrouwelijk, a recordmanager up to geheim; other roles may not export.
func DefaultClearance() map[string]string {
	return map[string]string{dossier.RolAuditor: "vertrouwelijk", dossier.RolRecordmanager: "geheim"}
}

// Options configures an Exporter.
type Options struct {
	// Service is the dossier service; its database, blob store, agreement and clock are used.
	Service *dossier.Service
	// Retention explains each zaak's retention, and keeps the minimal record and the verklaring
	// van vernietiging of destroyed zaken.
	Retention *retention.Service
	// MDTO gives the dossier's MDTO metadata as package archive writes it; nil exports without
	// MDTO (and says so in the export).
	MDTO MDTOBron
	// Clearance is, per role, the most restricted vertrouwelijkheidaanduiding it may export. A
	// role that is not in it may not export at all. Nil or empty means DefaultClearance.
	Clearance map[string]string
	Logger    *slog.Logger
}

// inhoud opens document content through the dossier service.
type inhoud struct{ svc *dossier.Service }

// Open returns the content with this SHA-256.
func (i inhoud) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	return i.svc.OpenInhoud(ctx, sha)
}

// Exporter writes complete dossiers as BagIt ZIP files for auditors.
type Exporter struct {
	svc       *dossier.Service
	retention *retention.Service
	mdto      MDTOBron
	blobs     inhoud
	afspraak  *afspraak.Afspraak
	clearance map[string]int
	log       *slog.Logger
}

// New builds an Exporter; an unknown role or vertrouwelijkheidaanduiding in the clearance is an
// error.
func New(o Options) (*Exporter, error) {
	if o.Service == nil || o.Retention == nil {
		return nil, errors.New("export needs the dossier service and the retention service")
	}
	if len(o.Clearance) == 0 {
		o.Clearance = DefaultClearance()
	}
	e := &Exporter{svc: o.Service, retention: o.Retention, mdto: o.MDTO, blobs: inhoud{o.Service},
		afspraak: o.Service.Afspraak(), clearance: map[string]int{}, log: o.Logger}
	for rol, niveau := range o.Clearance {
		if !knownRole(rol) {
			return nil, fmt.Errorf("export clearance: %q is not a role (one of %v)", rol, dossier.Rollen)
		}
		n, ok := dossier.VertrouwelijkheidNiveau(niveau)
		if !ok {
			return nil, fmt.Errorf("export clearance of %s: %q is not a vertrouwelijkheidaanduiding (one of %v)", rol, niveau, dossier.Vertrouwelijkheidaanduidingen)
		}
		e.clearance[rol] = n
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e, nil
}

func knownRole(r string) bool {
	for _, k := range dossier.Rollen {
		if k == r {
			return true
		}
	}
	return false
}

// Result says what one export wrote.
type Result struct {
	// ExportID is the ID of the audit entry that records the export.
	ExportID string `json:"exportId"`
	Zaak     string `json:"zaak"`
	// Vernietigd says the zaak was destroyed: the export holds its minimal record.
	Vernietigd   bool  `json:"vernietigd"`
	Documenten   int   `json:"documenten"`
	PayloadFiles int   `json:"payloadFiles"`
	PayloadBytes int64 `json:"payloadBytes"`
	// Bytes is the size of the ZIP written, SHA256 its hash.
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Job is an export that passed the checks and is recorded in the audit trail: everything but the
// file content is known. Write it with WriteTo, once.
type Job struct {
	e *Exporter
	p *plan
}

// plan is what an export writes, read from the store in one transaction.
type plan struct {
	id       string
	actor    dossier.Actor
	tijd     time.Time
	root     string
	zaak     string
	d        *dossier.Dossier // nil for a destroyed zaak
	zaaktype *afspraak.Zaaktype
	docs     []placedDocument
	trail    []dossier.AuditEntry
	chain    chainState
	uitleg   *retention.Uitleg
	mdto     []mdtoFile
	// mdtoFout says why the export holds no MDTO, when it holds none.
	mdtoFout string
	// vernietigd is the minimal record of a destroyed zaak; verklaring its list's verklaring van
	// vernietiging, nil while the list is not complete.
	vernietigd *retention.VernietigdeZaak
	verklaring *retention.OpgeslagenVerklaring
}

// Zaak returns the identificatie of the zaak the job exports.
func (j *Job) Zaak() string { return j.p.zaak }

// ID returns the export's ID (its audit entry).
func (j *Job) ID() string { return j.p.id }

// Filename suggests a file name for the ZIP: the zaak and the export date.
func (j *Job) Filename() string {
	return fmt.Sprintf("%s-export-%s.zip", j.p.zaak, j.p.tijd.UTC().Format("20060102T150405Z"))
}

// Prepare checks that actor may export zaak (role and clearance), reads the dossier and its audit
// trail and records the export in the zaak's chain, all in one transaction, so that the file
// shows the dossier and trail as they were at that moment, including the export's own entry.
// A refusal (dossier.ErrForbidden) is recorded too, in a transaction of its own. A destroyed
// zaak is exported as the minimal record retention kept of it, with its verklaring van
// vernietiging.
func (e *Exporter) Prepare(ctx context.Context, actor dossier.Actor, zaak string) (*Job, error) {
	maxNiveau, ok := e.clearance[actor.Rol]
	if !ok {
		err := &dossier.Fout{Kind: dossier.ErrForbidden, Detail: fmt.Sprintf("role %q may not export dossiers (allowed: %v)", actor.Rol, e.roles())}
		e.logVerwerking(ctx, actor, zaak, false, err.Error())
		return nil, err
	}
	// The clearance is checked first, so that a zaak above it is refused as such (403, audited)
	// rather than answered as one the actor cannot see.
	var vooraf error
	var voorafFase int
	err := e.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		if d, err := in.Dossier(ctx, zaak); err == nil {
			vooraf, voorafFase = e.checkClearance(actor, maxNiveau, d), d.Zaak.Fase
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", zaak, err)
	}
	if vooraf != nil {
		e.record(ctx, actor, zaak, voorafFase, ActieGeweigerd, map[string]string{"reden": vooraf.Error()})
		e.logVerwerking(ctx, actor, zaak, false, vooraf.Error())
		return nil, vooraf
	}
	uitleg, err := e.retention.Explain(ctx, actor, zaak)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", zaak, err)
	}
	now := e.svc.Now()
	p := &plan{actor: actor, tijd: now.UTC(), zaak: zaak, root: zaak, uitleg: uitleg}
	var refusal error
	var refusedFase int
	err = e.svc.WijzigOp(ctx, now, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		d, err := w.Dossier(ctx, zaak)
		fase := 0
		details := map[string]any{}
		switch {
		case errors.Is(err, dossier.ErrNotFound) && uitleg.Vernietigd != nil:
			p.vernietigd = uitleg.Vernietigd
			details["vernietigd"] = true
		case err != nil:
			return err
		default:
			if err := e.checkClearance(actor, maxNiveau, d); err != nil {
				refusal, refusedFase = err, d.Zaak.Fase
				return err
			}
			p.d, fase = d, d.Zaak.Fase
			p.zaaktype, _ = e.afspraak.Zaaktype(d.Zaak.Zaaktype)
			if p.zaaktype != nil {
				for i := range d.Statussen {
					if st, ok := p.zaaktype.Statustype(d.Statussen[i].Volgnummer); ok {
						d.Statussen[i].Statustype = st.Omschrijving
					}
				}
			}
			p.docs = placeDocuments(p.zaaktype, d.Documenten)
			details["documenten"] = len(d.Documenten)
			details["vertrouwelijkheidaanduiding"] = d.Zaak.Vertrouwelijkheidaanduiding
		}
		entry, err := w.Audit(ctx, zaak, actor, fase, ActieGeexporteerd, details)
		if err != nil {
			return err
		}
		p.id = entry.ID
		p.trail, err = w.AuditTrail(ctx, zaak)
		return err
	})
	if refusal != nil {
		e.record(ctx, actor, zaak, refusedFase, ActieGeweigerd, map[string]string{"reden": refusal.Error()})
		e.logVerwerking(ctx, actor, zaak, false, refusal.Error())
		return nil, refusal
	}
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", zaak, err)
	}
	e.logVerwerking(ctx, actor, zaak, true, "")
	p.chain = checkChain(p.trail)
	if p.vernietigd != nil {
		p.verklaring, err = e.retention.Verklaring(ctx, actor, p.vernietigd.Lijst)
		if errors.Is(err, dossier.ErrConflict) {
			p.verklaring, err = nil, nil // the list is still being executed: no verklaring yet
		}
	} else {
		p.mdto, p.mdtoFout, err = e.mdtoFiles(ctx, p)
	}
	if err != nil {
		e.fail(ctx, p, err)
		return nil, fmt.Errorf("export %s: %w", zaak, err)
	}
	return &Job{e: e, p: p}, nil
}

// roles lists the roles that may export, sorted.
func (e *Exporter) roles() []string {
	out := make([]string, 0, len(e.clearance))
	for r := range e.clearance {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// checkClearance refuses a zaak, or a document in it, that is more confidential than the role
// may export: an export is complete or it is not made.
func (e *Exporter) checkClearance(actor dossier.Actor, maxNiveau int, d *dossier.Dossier) error {
	check := func(wat, v string) error {
		n, ok := dossier.VertrouwelijkheidNiveau(v)
		if !ok {
			n = len(dossier.Vertrouwelijkheidaanduidingen) - 1 // unknown: treat as the most restricted
		}
		if n > maxNiveau {
			return &dossier.Fout{Kind: dossier.ErrForbidden, Field: "vertrouwelijkheidaanduiding", Detail: fmt.Sprintf(
				"%s is %q; role %s may export up to %q", wat, v, actor.Rol, dossier.Vertrouwelijkheidaanduidingen[maxNiveau])}
		}
		return nil
	}
	if err := check("zaak "+d.Zaak.Identificatie, d.Zaak.Vertrouwelijkheidaanduiding); err != nil {
		return err
	}
	for _, doc := range d.Documenten {
		if err := check(fmt.Sprintf("document %s (%s) of zaak %s", doc.ID, doc.Titel, d.Zaak.Identificatie), doc.Vertrouwelijkheidaanduiding); err != nil {
			return err
		}
	}
	return nil
}

// logVerwerking records the export (or its refusal) in the dossier's access log; a failure is
// logged, as the export's own audit entry already holds it.
func (e *Exporter) logVerwerking(ctx context.Context, actor dossier.Actor, zaak string, toegestaan bool, reden string) {
	if err := e.svc.LogVerwerking(ctx, actor, zaak, "", dossier.VerwerkingExport, toegestaan, reden); err != nil {
		e.log.ErrorContext(ctx, "record export in the access log", "zaak", zaak, "err", err)
	}
}

// record appends an entry to a zaak's chain on its own; a failure is logged, since the caller
// is already reporting another error.
func (e *Exporter) record(ctx context.Context, actor dossier.Actor, zaak string, fase int, actie string, details any) {
	// The record is kept also when the request that failed was cancelled (a client that left).
	ctx = context.WithoutCancel(ctx)
	err := e.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		_, err := w.Audit(ctx, zaak, actor, fase, actie, details)
		return err
	})
	if err != nil {
		e.log.ErrorContext(ctx, "record export in audit trail", "zaak", zaak, "actie", actie, "err", err)
	}
}

// fail records that a prepared export did not complete.
func (e *Exporter) fail(ctx context.Context, p *plan, cause error) {
	fase := 0
	if p.d != nil {
		fase = p.d.Zaak.Fase
	}
	e.record(ctx, p.actor, p.zaak, fase, ActieMislukt, map[string]string{"export": p.id, "reden": cause.Error()})
	e.log.WarnContext(ctx, "export failed", "zaak", p.zaak, "export", p.id, "err", cause)
}
