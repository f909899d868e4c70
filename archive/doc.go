// Package archive hands closed zaken to durable storage as MDTO packages and keeps them there:
// runs, their journal, packaging, verification, legal holds, transfer to the e-Depot and
// deletion on an approved destruction list.
//
// # Packages
//
// A closed zaak (einddatum set, archiefnominatie derived, archiefstatus nog_te_archiveren)
// becomes one package in the Nationaal Archief's SIP layout, under the target's prefix: the
// package folder holds the package's own bookkeeping beside the SIP, and the SIP builds up from
// the Archief of the zaaktype's bronorganisatie through the Serie of the zaaktype to the Dossier
// (see sip.go):
//
//	ZAAK-2026-0000001/pakbon.json               counts, total bytes, SHA-256 of the manifest
//	ZAAK-2026-0000001/manifest.json             every other object: path, kind, size, SHA-256
//	ZAAK-2026-0000001/<archief>/<archief>.mdto.xml              Archief
//	ZAAK-2026-0000001/<archief>/<serie>/<serie>.mdto.xml        Serie, isOnderdeelVan the Archief
//	.../<serie>/ZAAK-2026-0000001/ZAAK-2026-0000001.mdto.xml    Dossier, isOnderdeelVan the Serie
//	.../ZAAK-2026-0000001/<document>/<document>.mdto.xml        Archiefstuk
//	.../ZAAK-2026-0000001/<document>/<file>                     the document's file, as uploaded
//	.../ZAAK-2026-0000001/<document>/<file>.bestand.mdto.xml
//
// Folder and file names come from mdto.SafeName of the document's title and file name,
// shortened deterministically so that every key stays within 255 characters and made unique
// per folder without regard to case ("-2", "-3"). The manifest is written last: a package
// folder without one is incomplete. The pakbon names the manifest's hash, so the pakbon and the
// manifest together cover every byte. Every package passes the checks an e-Depot runs before
// ingest (package sipcheck) before it is sealed; the XSD check among them is left to the
// tests, to `zaakarchief archive check` and to the transfer to the e-Depot, which runs them all
// again and refuses a package that fails.
//
// The metadata (metadata.go): the dossier's identificatie is the zaak's, with the bronorganisatie
// (name and RSIN) as bron; naam is the omschrijving; archiefvormer is the bronorganisatie and
// every organisation that archives a document type of the zaak per the agreement; waardering is B
// (blijvend_bewaren) or V (vernietigen); bewaartermijn runs from the brondatum
// (startdatumBewaartermijn) for the archiefactietermijn to the archiefactiedatum, triggered by the
// afleidingswijze; one event per status with the organisation the agreement makes responsible
// for that phase; informatiecategorie is the selectielijst resultaat (code volledigNummer, label
// naam, begrippenlijst the selectielijst's name and year); beperkingGebruik carries the
// vertrouwelijkheidaanduiding mapped to an openbaarheid begrip (see Openbaarheid). A document is
// an Archiefstuk, part of the dossier, represented by its bestand; the bestand has its size, its
// SHA-256 with the time the dossier computed it, and its PRONOM format identified from its
// content by mdto.DetectFormaat. A file whose format cannot be identified is never given one
// guessed from its name: the zaak is refused (ErrFormaatOnbekend, reported every run) until the
// file is replaced by one in a known format. Whether a PDF is PDF/A takes every byte of it: a
// run reads a document once, identifying the rest of its format from the bytes as they are
// written (mdto.DetectHead and its Scan), and writes the document's bestand sidecar right
// after the document; the manifest and pakbon, which name every other object's SHA-256, are
// made (sealed) when all of them are known and stored in the journal before they are written.
//
// # Runs and the journal
//
// Run archives every zaak that is ready. A run takes a lock in the database (table
// archief_slot), so that the daemon's scheduled runs and a CLI run never overlap; a lock left by
// a dead process is taken over when its lease ends, or at once when the process is gone from
// this host. The journal (tables archief_runs, archief_items, archief_pakketten,
// archief_objecten, archief_inhoud) holds every package's plan: each object with its key, size, SHA-256 and
// whether it is written and verified. The generated objects' content is kept in the journal, so
// a run that is killed at any moment is finished by the next one without rebuilding anything
// (a package killed before it was sealed is planned again, reading its formats up front, and
// keeps what it already wrote):
// objects journaled as done are skipped, and before writing an object of an interrupted package
// the run asks the target whether it is already there with the same SHA-256, so nothing is
// written twice. (Writers journal their objects in batches, off their own path; a mark lost in
// a crash costs one such question.) A zaak is marked archived (dossier.Wijziging.SetArchiefstatus: gearchiveerd, or
// gearchiveerd_procestermijn_onbekend without archiefactiedatum) in the transaction that records
// its package complete, after the manifest is written, and only while the dossier is still in
// the state it was packaged in (a fingerprint of the dossier); from then on the dossier refuses
// changes. A dossier that changed meanwhile is packaged again in the next run.
//
// A planner builds packages and feeds their objects to a pool of writers, so that packaging and
// format detection overlap with the transfers. Every object is written with the SHA-256 the
// journal has for it (a document's from the dossier, where it was computed at capture), which
// the server verifies on the write (the file target hashes what it writes). The S3
// target reads objects back after the put until the server has shown that it verifies
// checksums and applies the lock (see s3target). After a package's objects are written a
// finisher (the writers go on with the next packages meanwhile) lists the package folder and
// compares sizes, and reads back and hashes every object larger than the multipart part size
// (whose server checksum is a composite of its parts). Faults are retried by the target (connection errors, 5xx) and then
// by the run (each try bounded by a timeout, with backoff); a zaak that still fails is reported
// in the journal, the log and the metrics, and the run goes on.
//
// # Retention and holds
//
// A package is written with object lock: a vernietigen package until its archiefactiedatum, a
// blijvend_bewaren package until its transfer date (retention.Overbrenging), both from 00:00
// Europe/Amsterdam; no lock when the date is unknown or past. A package of a zaak under a hold
// gets a legal hold; every run first makes the legal holds of archived packages match the holds
// in force, and extends the lock of a package whose zaak must now be kept longer (an override
// or a postponed destruction moved its date later), each change audited in the zaak's chain.
// A lock is never shortened: moved earlier, the package stays locked until its old date.
// A zaak revalued after it was archived (its archiefnominatie, archiefactiedatum or brondatum
// changed by an override or on a destruction list) has its package described again: the MDTO
// sidecars that name its waardering and bewaartermijn, then the pakbon and the manifest, are
// written as new versions (the earlier ones stay, under their lock, as a bucket with object
// lock keeps them; the file target keeps them in .versies), the journal takes the new
// description, which the transfer goes by, and the zaak's audit trail records it. While that is
// written the package has status herbeschrijven: the fixity check passes it by, and a run cut
// off half-way is finished by the next.
// VerwijderPakket deletes a package for an approved destruction list (retention's
// ArchiefVerwijderaar); storage that refuses (lock or hold) gives an error wrapping
// target.ErrLocked and nothing is deleted. A deleted package's journal keeps its status, folder
// and manifest checksum, not its objects: their keys and MDTO sidecars describe what was
// destroyed.
//
// Permanent packages whose transfer date has come are transferred (overbrenging) to the e-Depot
// target: copied object by object with their SHA-256, the manifest last, verified there, deleted
// from the archive target, and the zaak set to overgedragen. A permanent record without
// archiefactiedatum gets its transfer date as archiefactiedatum then, which the Zaken API
// requires for that status. A zaak under a hold waits.
//
// # Fixity
//
// Verify re-reads archived packages (all, or a random sample), recomputes every SHA-256 and
// compares it with the journal and the stored manifest, and the manifest's with the pakbon.
// Every mismatch is logged, counted, journaled and appended to the zaak's audit trail.
//
// The package owns the journal tables (component "archive"), the package layout and the
// metadata mapping. It does not decide retention (package retention derives the dates and the
// holds), does not change what a dossier holds (package dossier), and does not know how objects
// are stored (package target and its back ends).
package archive
