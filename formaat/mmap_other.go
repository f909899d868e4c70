//go:build !unix

package formaat

import "os"

// mapFile reports that files are read, not mapped, on this platform.
func mapFile(*os.File, int64) ([]byte, func(), bool) { return nil, nil, false }
