// Package retention decides what happens to a zaak's records after it closes, and carries it
// out.
//
// The rules are pure (no database, no HTTP, no clock; callers pass facts and get outcomes with
// the steps that explain them): the Selectielijst as data (selectielijst.go), ISO 8601 terms
// with the month-end arithmetic of the ZGW APIs (termijn.go), the derivation of
// archiefnominatie, brondatum and archiefactiedatum when the eindstatus is set, as the ZGW Zaken
// API (Open Zaak 1.30) does it (regel.go, derive.go), the check of an agreement's retention
// rules against the selectielijst (check.go), and the transfer date of permanent records under
// the Archiefwet (overbrenging.go).
//
// On top of them, with the dossier store:
//   - Bepaler (bepaler.go) is the dossier's Archiefbepaler: it finds the rule of the zaak's
//     resultaattype and its selectielijst entry, derives, gives blijvend_bewaren zaken their
//     transfer date as archiefactiedatum, and keeps the derivation for explanations.
//   - Service runs the rest, each change audited in the zaak's own chain: explanations
//     (explain.go), overrides by the recordmanager (override.go), holds (hold.go; OnHold for the
//     archive package), destruction lists after Open Archiefbeheer's practice (lijst.go,
//     review.go), their idempotent, resumable execution (execute.go) with the verklaring van
//     vernietiging of Archiefbesluit art. 8 (verklaring.go), and the scheduled job (job.go).
//
// Retention owns the tables retention_* (migrations/) and nothing else. It never reads the
// dossier's tables itself: it asks dossier.Inzage for the zaken it needs (a zaak, a dossier, the
// zaken due for destruction through a ZaakFilter) and changes a dossier only in a
// Service.Wijzig transaction through dossier.Wijziging: WijzigArchief (overrides and reviews),
// Vernietig, Audit; Service.PurgeBlobs after an execution. Its own tables are read and written
// in the same transactions. Which holds cover a zaak is decided in Go (dekt). Archiving is
// package archive's; it deletes archived copies for an execution through ArchiefVerwijderaar.
// HTTP routes are in retention/api. Dates are calendar dates held as time.Time at 00:00 UTC in
// the rules (see Datum) and as dossier.Datum at the dossier's edge. Terms are never added with
// time.AddDate, which rolls Jan 31 + 1 month over to March; Termijn.AddTo clamps to the month
// end as dateutil's relativedelta does.
package retention
