// Package mdto writes metadata in MDTO 1.0.1 (Metagegevens Duurzaam Toegankelijke
// Overheidsinformatie, Nationaal Archief) and owns the small rules around it: the begrippen from
// the Nationaal Archief's begrippenlijsten, PRONOM format identification of a file's content,
// the names of files and sidecars in a Submission Information Package (SIP), and validation of
// written documents against the MDTO XML schema with xmllint.
//
// One document holds exactly one informatieobject or one bestand under the root element MDTO
// (WriteInformatieobject, WriteBestand). The Go types mirror the schema's complex types; their
// fields are declared in the schema's element order, which the writer follows. Validate checks
// what the schema cannot: required values that are empty, values from the closed begrippenlijsten
// (waardering, aggregatieniveau, checksumAlgoritme), the lexical form of dates and durations,
// and characters XML cannot carry. Every writer validates first and writes nothing on error.
//
// SIP layout (Nationaal Archief, "Specificatie Submission Information Package"): every
// aggregation level is a folder and every informatieobject and bestand has its own MDTO file.
// An aggregate's sidecar lies inside its folder and is named after the folder
// (zaak-1/zaak-1.mdto.xml, InformatieobjectSidecar); a file's sidecar lies next to the file
// (besluit.pdf.bestand.mdto.xml, SidecarName). SafeName turns any title into a name that is
// safe in such a package.
//
// The package does not know zaken, dossiers or retention rules: package archive maps those onto
// Informatieobject and Bestand. It does not decide what to do with a file whose format it cannot
// identify (DetectFormaat returns an empty PUID), and it does not write files or packages
// itself: callers own atomic writes and the package layout. A caller that copies a file anyway
// identifies it in the same pass: DetectHead reads the head, and the Scan it returns finishes
// the identification from the bytes the copy reads.
package mdto
