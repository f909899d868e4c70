package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

// Config holds the retention settings as written in the configuration file; empty fields take
// the defaults. Parse turns it into Instellingen.
type Config struct {
	// OverbrengingTermijn is the transfer term of the Archiefwet 1995 (default P20Y).
	OverbrengingTermijn string
	// OverbrengingTermijnNieuweWet is the transfer term of the new Archiefwet (default P10Y).
	OverbrengingTermijnNieuweWet string
	// NieuweArchiefwetVanaf is the date (YYYY-MM-DD) the new Archiefwet is in force; empty while
	// it is not.
	NieuweArchiefwetVanaf string
	// Wachttijd is the waiting period between the approval of a destruction list and its
	// execution (default P7D; P0D executes at once).
	Wachttijd string
}

// Instellingen are the parsed retention settings.
type Instellingen struct {
	Overbrenging Overbrenging
	Wachttijd    Termijn
}

// StandaardWachttijd is the waiting period after approval when the configuration names none:
// seven days, as Open Archiefbeheer has it.
var StandaardWachttijd = Termijn{Dagen: 7}

// Parse validates the settings and fills in the defaults; every problem is reported at once,
// naming the configuration key.
func (c Config) Parse() (Instellingen, error) {
	in := Instellingen{Overbrenging: StandaardOverbrenging(), Wachttijd: StandaardWachttijd}
	var errs []error
	termijn := func(key, v string, dst *Termijn) {
		if v == "" {
			return
		}
		t, err := ParseTermijn(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("retention.%s: %w", key, err))
			return
		}
		*dst = t
	}
	termijn("overbrenging_termijn", c.OverbrengingTermijn, &in.Overbrenging.Termijn1995)
	termijn("overbrenging_termijn_nieuwe_wet", c.OverbrengingTermijnNieuweWet, &in.Overbrenging.TermijnNieuw)
	termijn("wachttijd", c.Wachttijd, &in.Wachttijd)
	if c.NieuweArchiefwetVanaf != "" {
		d, err := dossier.ParseDatum(c.NieuweArchiefwetVanaf)
		if err != nil {
			errs = append(errs, fmt.Errorf("retention.nieuwe_archiefwet_vanaf: %w", err))
		} else {
			t := d.Time()
			in.Overbrenging.NieuweWetVanaf = &t
		}
	}
	if in.Overbrenging.Termijn1995 == (Termijn{}) || in.Overbrenging.TermijnNieuw == (Termijn{}) {
		errs = append(errs, errors.New("retention: an overbrengingstermijn of P0D would transfer records on the day they close"))
	}
	if err := errors.Join(errs...); err != nil {
		return Instellingen{}, err
	}
	return in, nil
}

// Service runs retention on the dossier store: explanations, overrides, holds, destruction
// lists and their execution, each change audited in the zaak's chain.
type Service struct {
	dossier   *dossier.Service
	afspraak  *afspraak.Afspraak
	bepaler   *Bepaler
	lijsten   *Lijsten
	inst      Instellingen
	pakketten ArchiefVerwijderaar
	now       func() time.Time
	log       *slog.Logger
	hook      func(punt, zaak string)

	// uitvoering lets one execution run at a time in this process; the database keeps two
	// processes from destroying a zaak twice.
	uitvoering sync.Mutex
	// voorstel lets one proposal run at a time in this process.
	voorstel sync.Mutex
}

// ArchiefVerwijderaar deletes the archived copy (the package in archive storage) of a zaak
// before the zaak is destroyed. Package archive implements it.
type ArchiefVerwijderaar interface {
	// VerwijderPakket deletes every archived copy of zaak. Deleting what is not there is no
	// error: after a crash the execution calls it again. An error wrapping ErrPakketBewaard
	// means storage refuses for good (a retention lock, a legal hold): the zaak is not
	// destroyed and its item records why. Any other error (storage unreachable) stops the
	// execution, which a later run resumes.
	VerwijderPakket(ctx context.Context, zaak string) error
}

// ErrPakketBewaard is wrapped by an ArchiefVerwijderaar that refuses to delete an archived
// copy (object lock, legal hold): the zaak stays and its item on the list fails.
var ErrPakketBewaard = errors.New("de archiefopslag weigert de gearchiveerde kopie te verwijderen")

// Options configures a Service.
type Options struct {
	// Dossier is the dossier service; its database, blob store, agreement and clock are used.
	Dossier *dossier.Service
	// Bepaler is the Bepaler the dossier service was given (explain re-derives with it).
	Bepaler *Bepaler
	// Lijsten loads the selectielijsten.
	Lijsten      *Lijsten
	Instellingen Instellingen
	// Pakketten deletes archived copies; nil when nothing is archived yet.
	Pakketten ArchiefVerwijderaar
	Logger    *slog.Logger
	// Hook, when set, is called at fixed points of an execution with the zaak concerned:
	// "pakket-verwijderd" (archived copy deleted, transaction not begun), "voor-commit" (inside
	// the zaak's transaction, everything written, not committed), "zaak-vernietigd" (committed,
	// contents not purged), "blobs-opgeruimd" (purged) and "voor-verklaring" (every zaak done,
	// zaak ""). It exists for the crash tests, which kill the process there; leave it nil.
	Hook func(punt, zaak string)
}

// New builds a Service.
func New(o Options) (*Service, error) {
	if o.Dossier == nil || o.Bepaler == nil || o.Lijsten == nil {
		return nil, errors.New("retention service needs the dossier service, a bepaler and selectielijsten")
	}
	s := &Service{
		dossier: o.Dossier, afspraak: o.Dossier.Afspraak(),
		bepaler: o.Bepaler, lijsten: o.Lijsten, inst: o.Instellingen, pakketten: o.Pakketten,
		now: o.Dossier.Now, log: o.Logger, hook: o.Hook,
	}
	if s.inst.Overbrenging == (Overbrenging{}) {
		s.inst.Overbrenging = StandaardOverbrenging()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Instellingen returns the settings in force.
func (s *Service) Instellingen() Instellingen { return s.inst }

// vandaag is today's date in the Netherlands.
func (s *Service) vandaag() dossier.Datum { return dossier.DatumIn(s.now(), s.dossier.Location()) }

// wie returns who an actor is, with the token's description when there is one.
func (s *Service) wie(ctx context.Context, a dossier.Actor) Wie {
	w := wieVan(a)
	if a.TokenID == "" {
		return w
	}
	tokens, err := s.dossier.ListTokens(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "read token description", "token", a.TokenID, "err", err)
		return w
	}
	for _, t := range tokens {
		if t.ID == a.TokenID {
			w.Omschrijving = t.Omschrijving
		}
	}
	return w
}

func (s *Service) punt(p, zaak string) {
	if s.hook != nil {
		s.hook(p, zaak)
	}
}
