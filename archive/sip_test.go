package archive_test

import "path"

// Folders of the embedded agreement's SIP levels: the gemeente's Archief and the
// omgevingsvergunning's Serie.
const (
	archiefMap = "Gemeente_Voorbeeldstad"
	serieMap   = "omgevingsvergunning"
)

// sip is the key prefix of a zaak's Dossier folder: <zaak>/<archief>/<serie>/<zaak>.
func sip(zaak string) string { return path.Join(zaak, archiefMap, serieMap, zaak) }

// sipRel is the path of a zaak's Dossier folder within its package folder.
func sipRel(zaak string) string { return path.Join(archiefMap, serieMap, zaak) }
