package dossier

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/sqldb"
)

// Archiefbepaler derives the archival fields of a zaak when it closes, and again while a fact it
// waits for is missing (a besluit's vervaldatum, an eigenschap). Package retention implements it;
// the dossier only calls it. An error refuses the eindstatus.
type Archiefbepaler interface {
	Bepaal(ctx context.Context, tx *sqldb.Tx, d *Dossier) (Archief, error)
}

// Options configures a Service.
type Options struct {
	DB       *sqldb.DB
	Blobs    BlobStore
	Afspraak *afspraak.Afspraak
	// Archief derives retention when a zaak closes; nil leaves the archival fields empty.
	Archief Archiefbepaler
	// MaxUpload limits the size of one document in bytes; 0 means no limit.
	MaxUpload int64
	// Clearance is, per role, the most restricted vertrouwelijkheidaanduiding it may read, over
	// DefaultClearance: the configured export clearance applies on every read path.
	Clearance map[string]string
	// Now returns the current time; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Service keeps the dossiers: it accepts what the agreement allows each organisation to record
// in the zaak's current phase, refuses the rest, and records both in the audit trail.
type Service struct {
	db        *sqldb.DB
	blobs     BlobStore
	afspraak  *afspraak.Afspraak
	archief   Archiefbepaler
	maxUpload int64
	now       func() time.Time
	loc       *time.Location
	log       *slog.Logger
	toegang   toegang
}

// NewService builds a Service.
func NewService(o Options) (*Service, error) {
	if o.DB == nil || o.Blobs == nil || o.Afspraak == nil {
		return nil, errors.New("dossier service needs a database, a blob store and an agreement")
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return nil, fmt.Errorf("dossier service: %w", err)
	}
	t, err := newToegang(o.Clearance)
	if err != nil {
		return nil, fmt.Errorf("dossier service: %w", err)
	}
	s := &Service{db: o.DB, blobs: o.Blobs, afspraak: o.Afspraak, archief: o.Archief,
		maxUpload: o.MaxUpload, now: o.Now, loc: loc, log: o.Logger, toegang: t}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Afspraak returns the agreement in force.
func (s *Service) Afspraak() *afspraak.Afspraak { return s.afspraak }

// Location is the time zone zaak dates are taken in (Europe/Amsterdam).
func (s *Service) Location() *time.Location { return s.loc }

// Now returns the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// zaaktypeOf returns the zaaktype of a zaak; a zaak whose zaaktype left the agreement is a
// conflict, never a panic.
func (s *Service) zaaktypeOf(z *Zaak) (*afspraak.Zaaktype, error) {
	zt, ok := s.afspraak.Zaaktype(z.Zaaktype)
	if !ok {
		return nil, conflict("zaaktype bestaat niet meer in de afspraak", "zaaktype %q of zaak %s is not in the agreement in force", z.Zaaktype, z.Identificatie)
	}
	return zt, nil
}

func requireRole(a Actor, roles ...string) error {
	for _, r := range roles {
		if a.Rol == r {
			return nil
		}
	}
	return forbidden("role %q may not do this (allowed: %v)", a.Rol, roles)
}

// capture is one change to a dossier: in one write transaction it loads the zaak, checks that it
// can still change, asks the agreement whether actor may record soort/naam in the current phase,
// then runs do and appends the audit entry that do describes. A refusal rolls everything back
// and is then recorded on its own in the audit trail.
type captureStep struct {
	zaak  string
	soort afspraak.Soort
	naam  string
	actie string
	do    func(tx *sqldb.Tx, z *Zaak, zt *afspraak.Zaaktype, now time.Time) (details any, err error)
	// check validates the request against the zaaktype (unknown names are 400) before the
	// agreement is asked; may be nil.
	check func(zt *afspraak.Zaaktype) error
	// skipAgreement leaves the agreement check to do (status transitions have their own rules).
	skipAgreement bool
}

func (s *Service) capture(ctx context.Context, actor Actor, st captureStep) error {
	now := s.now()
	var fase int
	onzichtbaar := false
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		z, err := getZaak(ctx, tx, st.zaak)
		if err != nil {
			return err
		}
		fase = z.Fase
		if actor.Rol != RolKCC && !s.zaakZichtbaar(actor, z) {
			onzichtbaar = true
			return nietZichtbaar(st.zaak)
		}
		zt, err := s.zaaktypeOf(z)
		if err != nil {
			return err
		}
		if st.check != nil {
			if err := st.check(zt); err != nil {
				return err
			}
		}
		if z.Archief.Archiefstatus != ArchiefstatusNogTeArchiveren && z.Archief.Archiefstatus != "" {
			return conflict("gearchiveerde zaak", "zaak %s has archiefstatus %s: its parts can no longer be changed", z.Identificatie, z.Archief.Archiefstatus)
		}
		if !st.skipAgreement {
			if ok, rule := zt.MagVastleggen(z.Fase, actor.Organisatie, st.soort, st.naam); !ok {
				return refused(rule)
			}
		}
		wasOpen := z.Einddatum == nil
		details, err := st.do(tx, z, zt, now)
		if err != nil {
			return err
		}
		if _, err = appendAudit(ctx, tx, z.Identificatie, actor, z.Fase, st.actie, details, now); err != nil {
			return err
		}
		if wasOpen {
			return nil // the step closed the zaak, which derived its archival fields
		}
		return s.rederive(ctx, tx, z, actor, now)
	})
	if onzichtbaar {
		s.logWeigering(ctx, actor, st.zaak, "", st.actie, redenOnzichtbaar)
	} else if err != nil {
		s.recordRefusal(ctx, actor, st.zaak, fase, st.actie, err, now)
	}
	return err
}

// recordRefusal keeps a refused or conflicting request in the audit trail of the zaak.
func (s *Service) recordRefusal(ctx context.Context, actor Actor, zaak string, fase int, actie string, cause error, now time.Time) {
	var f *Fout
	if !errors.As(cause, &f) || !(errors.Is(cause, ErrRefused) || errors.Is(cause, ErrConflict)) {
		return
	}
	details := map[string]string{"verzoek": actie, "reden": f.Detail}
	if f.Rule != "" {
		details["regel"] = f.Rule
	}
	err := s.db.Update(ctx, func(tx *sqldb.Tx) error {
		_, err := appendAudit(ctx, tx, zaak, actor, fase, "geweigerd", details, now)
		return err
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record refusal in audit trail", "zaak", zaak, "err", err)
	}
	s.log.InfoContext(ctx, "request refused", "zaak", zaak, "organisatie", actor.Organisatie, "actie", actie, "reden", f.Detail)
}

// rederive asks the Archiefbepaler again for a closed zaak whose archiefactiedatum is still
// waiting for a fact, right after the fact actor recorded; a derivation that changes the
// archival fields is audited (archief.herafgeleid, from and to) after the fact's own entry.
func (s *Service) rederive(ctx context.Context, tx *sqldb.Tx, z *Zaak, actor Actor, now time.Time) error {
	if s.archief == nil || z.Einddatum == nil || z.Archief.Archiefactiedatum != nil || z.Archief.Uitgesteld == "" {
		return nil
	}
	d, err := loadDossier(ctx, tx, z.Identificatie)
	if err != nil {
		return err
	}
	a, err := s.archief.Bepaal(ctx, tx, d)
	if err != nil {
		return err
	}
	van := z.Archief
	z.Archief = a
	z.Gewijzigd = s.now()
	if err := updateZaak(ctx, tx, z); err != nil {
		return err
	}
	if sameArchief(van, a) {
		return nil
	}
	_, err = appendAudit(ctx, tx, z.Identificatie, actor, z.Fase, "archief.herafgeleid", map[string]any{"van": van, "naar": a}, now)
	return err
}

// sameArchief reports whether two sets of archival fields hold the same values.
func sameArchief(a, b Archief) bool {
	datum := func(x, y *Datum) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Archiefnominatie == b.Archiefnominatie && a.Archiefstatus == b.Archiefstatus && a.Uitgesteld == b.Uitgesteld &&
		datum(a.Archiefactiedatum, b.Archiefactiedatum) && datum(a.StartdatumBewaartermijn, b.StartdatumBewaartermijn)
}
