// Package export hands auditors (accountants, the archive inspector, a Woo officer, a court) a
// complete dossier in one file they can open and check without zaakarchief: a ZIP holding one
// BagIt bag (RFC 8493) named after the zaak, with every document under a readable name
// (data/documenten/<phase>/<nr>-<titel>.<ext>), the MDTO metadata of the dossier and its
// documents as package archive writes it (data/mdto/, through MDTOBron), the zaak's audit trail
// with its hash chain (JSON lines and CSV), the dossier and retention's explanation as JSON, and
// index.html, a self-contained overview of the zaak, its phases, documents, besluiten,
// resultaat, retention decision and holds. A destroyed zaak exports as the minimal record
// retention kept of it and its list's verklaring van vernietiging.
//
// An export streams: documents go from the blob store into the ZIP through one buffer, hashed on
// the way and checked against the SHA-256 and size the dossier recorded (a mismatch fails the
// export), and the manifests, which need every hash, come last. Prepare does the checks (role,
// clearance per vertrouwelijkheidaanduiding) and records the export in the zaak's audit chain in
// the same transaction that reads the dossier and the trail, so the file carries the record of
// its own making; a refusal and a failure are recorded too. Verify checks a file with nothing but
// the file: the BagIt declaration, manifests and Payload-Oxum, MDTO against the schema, and the
// audit chain, file by file. ExportMany writes one ZIP per zaak with an overall index.
//
// The package owns the export format and its verification. It does not decide retention (package
// retention), map dossiers to MDTO (package archive) or keep dossiers (package dossier); it only
// reads them.
package export
