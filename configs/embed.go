// Package configs carries the example agreement and the reference data the daemon needs on a
// machine with nothing else: the samenwerkingsafspraak for the omgevingsvergunning, the
// Selectielijst editions and the MDTO 1.0.1 XML schema. The files are embedded in the binary and
// also lie in this folder, so that records managers can copy and edit them.
package configs

import "embed"

// FS holds every embedded file, by its path below configs/.
//
//go:embed *.yaml selectielijst mdto sipcheck
var FS embed.FS

// DefaultAgreement is the path in FS of the agreement the daemon uses when none is given.
const DefaultAgreement = "omgevingsvergunning.yaml"

// MDTOSchema is the path in FS of the MDTO 1.0.1 XML schema.
const MDTOSchema = "mdto/MDTO-XML1.0.1.xsd"

// Voorkeursformaten is the path in FS of the list of preferred formats the e-Depot check
// (package archive/sipcheck) accepts.
const Voorkeursformaten = "sipcheck/voorkeursformaten.csv"
