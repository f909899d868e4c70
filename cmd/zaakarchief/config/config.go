// Package config reads the daemon's configuration file: where it listens, where its data lives,
// which agreement is in force, and the settings of the retention, archive and export jobs. Every
// field has a default, so the daemon runs without a file. Command-line flags override the file.
package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// Config is the daemon's configuration.
type Config struct {
	// Listen is the address of the HTTP API.
	Listen string `yaml:"listen"`
	// Data is the directory of the database and the document blobs.
	Data string `yaml:"data"`
	// Afspraak is the path of the agreement; empty means the embedded example.
	Afspraak string `yaml:"afspraak"`
	// Database is empty for SQLite in Data, or a postgres:// URL.
	Database string `yaml:"database"`
	// MaxUploadBytes limits one document upload; 0 means 4 GiB.
	MaxUploadBytes int64 `yaml:"max_upload_bytes"`
}

// Defaults returns the configuration the daemon runs with when nothing is given.
func Defaults() Config {
	return Config{Listen: "127.0.0.1:8080", Data: "./zaakarchief-data", MaxUploadBytes: 4 << 30}
}

// Load reads a configuration file over the defaults; unknown keys are errors. Relative paths in
// the file are taken relative to the file's directory.
func Load(path string) (Config, error) {
	c := Defaults()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&c.Data, &c.Afspraak} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = Defaults().MaxUploadBytes
	}
	return c, nil
}
