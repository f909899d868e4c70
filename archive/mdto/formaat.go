package mdto

import (
	"io"

	"zaakarchief/formaat"
)

// Formaat is a file format identified from a file's content (see package formaat).
type Formaat = formaat.Formaat

// Scan finishes the identification DetectHead began (see formaat.Scan).
type Scan = formaat.Scan

// DetectFormaat identifies the format of the size bytes readable from r by their content (see
// formaat.DetectFormaat).
func DetectFormaat(r io.ReaderAt, size int64) (Formaat, error) { return formaat.DetectFormaat(r, size) }

// DetectHead identifies a format from the head of a file, deferring the PDF/A scan to the
// caller's own read (see formaat.DetectHead).
func DetectHead(r io.ReaderAt, size int64) (Formaat, *Scan, error) {
	return formaat.DetectHead(r, size)
}

// FormaatBegrip returns the bestandsformaat begrip of f: label Naam, code PUID, list the
// PRONOM-register.
func FormaatBegrip(f Formaat) Begrip {
	return Begrip{Label: f.Naam, Code: f.PUID, Begrippenlijst: Verwijzing{Naam: PRONOMRegister}}
}
