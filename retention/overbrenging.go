package retention

import "time"

// Laws Overbrenging.Datum names.
const (
	WetArchiefwet1995  = "Archiefwet 1995"
	WetArchiefwetNieuw = "Archiefwet (Kamerstuk 35 968)"
)

// Overbrenging holds the terms after which permanent records (blijvend_bewaren) must be
// transferred (overgebracht) to the archive repository: 20 years under the Archiefwet 1995, 10
// under the new Archiefwet, whose in-force date is configuration.
type Overbrenging struct {
	// Termijn1995 is the transfer term of the Archiefwet 1995 (art. 12): P20Y.
	Termijn1995 Termijn
	// TermijnNieuw is the transfer term of the new Archiefwet: P10Y.
	TermijnNieuw Termijn
	// NieuweWetVanaf is the date the new Archiefwet is in force; nil while it is not.
	NieuweWetVanaf *time.Time
}

// StandaardOverbrenging returns the terms of both laws with the new law not (yet) in force.
func StandaardOverbrenging() Overbrenging {
	return Overbrenging{Termijn1995: Termijn{Jaren: 20}, TermijnNieuw: Termijn{Jaren: 10}}
}

// Datum returns the date a record with this brondatum is due for transfer, and the law that sets
// it. The rule:
//
//   - Without an in-force date for the new law, or when the transfer came due under the
//     Archiefwet 1995 before that date (brondatum + Termijn1995 < NieuweWetVanaf), the old
//     law's date stands: brondatum + Termijn1995.
//   - Otherwise the new law applies: brondatum + TermijnNieuw, but never before NieuweWetVanaf
//     (a record whose 10 years passed before the law came into force, but whose 20 had not,
//     is due on the in-force date).
//
// So the shorter term only ever brings a transfer forward, never to a date before the law that
// allows it. Example with the new law in force on 2026-07-01: brondatum 2000-03-01 gives
// 2020-03-01 (1995); 2010-03-01 gives 2026-07-01 (new, the in-force date); 2020-03-01 gives
// 2030-03-01 (new).
func (o Overbrenging) Datum(brondatum time.Time) (time.Time, string) {
	b := dag(brondatum)
	oud := o.Termijn1995.AddTo(b)
	if o.NieuweWetVanaf == nil {
		return oud, WetArchiefwet1995
	}
	vanaf := dag(*o.NieuweWetVanaf)
	if oud.Before(vanaf) {
		return oud, WetArchiefwet1995
	}
	nieuw := o.TermijnNieuw.AddTo(b)
	if nieuw.Before(vanaf) {
		return vanaf, WetArchiefwetNieuw
	}
	return nieuw, WetArchiefwetNieuw
}
