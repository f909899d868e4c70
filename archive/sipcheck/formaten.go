package sipcheck

import (
	"fmt"

	"zaakarchief/formaat"
)

// Voorkeursformaten reads the list of preferred formats embedded in package configs
// (configs.Voorkeursformaten); see formaat.Voorkeursformaten.
func Voorkeursformaten() (map[string]string, error) {
	m, err := formaat.Voorkeursformaten()
	if err != nil {
		return nil, fmt.Errorf("sipcheck: %w", err)
	}
	return m, nil
}

// ParseVoorkeursformaten reads a list of preferred formats in the NHA's CSV layout; see
// formaat.ParseVoorkeursformaten.
func ParseVoorkeursformaten(b []byte) (map[string]string, error) {
	m, err := formaat.ParseVoorkeursformaten(b)
	if err != nil {
		return nil, fmt.Errorf("sipcheck: %w", err)
	}
	return m, nil
}
