// Package retention decides what happens to a zaak's records after it closes: the Selectielijst
// as data, ISO 8601 terms with the month-end arithmetic of the ZGW APIs, the derivation of
// archiefnominatie, brondatum and archiefactiedatum when the eindstatus is set (as the ZGW Zaken
// API, Open Zaak 1.30, does it), the check of an agreement's retention rules against the
// selectielijst, and the transfer date of permanent records under the Archiefwet.
//
// It owns these rules and nothing else. It is pure: no database, no HTTP, no clock; callers pass
// the facts (Feiten) and get an Uitkomst with the steps that explain it. Storing the outcome,
// refusing the eindstatus, destruction lists and archiving live in packages dossier, archive and
// export. The agreement types come from dossier/afspraak; the selectielijst files from
// configs/selectielijst.
//
// Dates are calendar dates held as time.Time at 00:00 UTC (see Datum). Terms are never added with
// time.AddDate, which rolls Jan 31 + 1 month over to March; Termijn.AddTo clamps to the month end
// as dateutil's relativedelta does.
package retention
