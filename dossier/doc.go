// Package dossier keeps one complete dossier per zaak while several organisations work on it.
//
// It owns the zaak and everything recorded on it (statussen, documenten, besluiten,
// eigenschappen, resultaat, rollen, contactmomenten), the enforcement of the
// samenwerkingsafspraak (package dossier/afspraak) on every change, the audit trail with one
// hash chain per zaak, and the bearer tokens that say which organisation and role a request
// comes from.
//
// Every change goes through Service in one write transaction: the zaak is loaded, the agreement
// is asked whether this organisation may record this in the zaak's current phase, the change is
// written and the audit entry appended. A refusal changes nothing and is then recorded on its own
// in the audit trail. Document content is streamed into a BlobStore by SHA-256 before the
// transaction and removed again when the transaction refuses it and no other document holds it.
//
// It does not decide retention (package retention implements Archiefbepaler and is called when a
// zaak closes), build archive packages (package archive) or exports (package export): those read
// the dossier through LoadDossier, ListZaken and AuditTrail, and change it only through
// setArchiefstatus and DestroyZaak.
package dossier
