// Package zgw collects zaak information from the organisations' own zaaksystemen through the ZGW
// APIs (Zaken, Documenten, Besluiten, Catalogi; Open Zaak and its peers) and the Notificaties
// API, and brings it into the dossier.
//
// The collector only brings information in; the agreement decides. Every status, document,
// besluit, eigenschap, resultaat and rol found at a source is recorded through the same
// dossier.Service methods the capture API calls, as the organisation that holds the source, so
// that what the agreement does not allow that organisation in that phase is refused and reported,
// never imported. The zaken of two organisations that work on one zaak (the gemeente's zaak and
// the omgevingsdienst's linked zaak, found through relevanteAndereZaken, a shared kenmerk or the
// same bronorganisatie and identificatie) become one dossier: their events are merged in time
// order so that the phases line up.
//
// Design. A sync pass works per group of linked source zaken: first it fetches everything of the
// group (zaken, statussen, resultaat, rollen, zaakeigenschappen, zaakinformatieobjecten with their
// documents and content, besluiten, and the audit trail that dates what ZGW leaves undated), with
// retries and backoff; when any of it fails, nothing of the group is applied in that pass. Then
// it applies the group's timeline, one dossier.Service call per item. A call commits on its own,
// so exactly-once comes from this package's own bookkeeping (tables zgw_*): an item is written
// "bezig" before its call and "ok" after; an item still "bezig" after a crash is reconciled
// against the dossier by its content before anything is repeated. A group is marked onvolledig
// while it is applied, so a pass cut off half-way is never shown as complete, and resumes on the
// next pass. Identity is the URL of the resource at the source; a document is identified by its
// enkelvoudiginformatieobject URL and its versie, so a new version becomes a new version of the
// dossier's document. Refused items are not retried unless the history before them changed.
//
// Notifications (POST /api/v1/notificaties) trigger a sync of just the zaak they are about,
// coalesced per zaak. GET /api/v1/bronnen reports the state of every source; the same numbers
// are Prometheus metrics. One process at a time collects into a data directory (a file lock).
//
// Configuration. A source is part of the agreement (organisaties[].bron), checked by
// `zaakarchief agreement check`; `zaakarchief zgw map --source ORG` proposes its mapping:
//
//	bron:
//	  zaken_api: https://zaken.voorbeeldstad.nl/zaken/api/v1
//	  documenten_api: https://zaken.voorbeeldstad.nl/documenten/api/v1
//	  besluiten_api: https://zaken.voorbeeldstad.nl/besluiten/api/v1
//	  catalogi_api: https://zaken.voorbeeldstad.nl/catalogi/api/v1
//	  client_id: zaakarchief
//	  secret_env: ZGW_GEMEENTE_SECRET       # the JWT secret itself stays out of the file
//	  mapping:                              # source type (URL, or soort:identificatie) -> agreement
//	    "https://zaken.voorbeeldstad.nl/catalogi/api/v1/zaaktypen/1b2c...": omgevingsvergunning
//	    "https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/3d4e...": Ontvangen
//	    "statustype:Intern overleg": ""     # no phase of the agreement: ignored
//	    "informatieobjecttype:Aanvraagformulier": aanvraagformulier
//
// A statustype maps onto a phase by omschrijving or volgnummer. A zaakeigenschap, resultaat or
// besluit carries no date in ZGW: the zaak's (or besluit's) audit trail dates it, and without
// one it is placed just before the last status of its zaak. A status of the phase the dossier
// is in already (the omgevingsdienst's intake after the gemeente's hand-over) changes nothing.
// A zaak becomes a dossier through the zaak of the organisation responsible for the first phase;
// a zaak of another organisation waits for it, or joins a dossier registered through the capture
// API by a kenmerk {bron: "zaakarchief", kenmerk: "ZAAK-2026-0000001"}.
//
// Not here: the rules (package dossier and its agreement), the capture API (dossier/httpapi),
// and pushing anything back to the sources: the collector only reads.
package zgw
