// Package config reads the daemon's configuration file: where it listens, where its data lives,
// which agreement is in force, and the settings of the retention, archive and export jobs. Every
// field has a default, so the daemon runs without a file. Command-line flags override the file.
package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

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
	// Export configures exports for auditors.
	Export Export `yaml:"export"`
	// Retention configures transfer terms, destruction lists and their scheduled job.
	Retention Retention `yaml:"retention"`
	// Archive configures archive runs, the archive and e-Depot targets and fixity checks.
	Archive Archive `yaml:"archive"`
	// ZGW configures the collector of the organisations' own ZGW APIs (`zaakarchief zgw`).
	ZGW ZGW `yaml:"zgw"`
}

// ZGW configures `zaakarchief zgw sync` and the collector in serve; every field has a default.
type ZGW struct {
	// Schedule is the cron schedule of incremental passes (zaken changed since the previous
	// pass; default "*/15 * * * *"); "off" disables them.
	Schedule string `yaml:"schedule"`
	// FullSchedule is the cron schedule of full passes (default "30 2 * * *"); "off" disables them.
	FullSchedule string `yaml:"full_schedule"`
	// Workers is the number of zaken fetched at the same time (default 4).
	Workers int `yaml:"workers"`
	// Retries is the number of tries of a request that fails in a way that may pass (default 4).
	Retries int `yaml:"retries"`
	// Timeout is how long a source may stay silent during a request, e.g. 30s (the default).
	Timeout time.Duration `yaml:"timeout"`
	// Debounce is how long notifications about one zaak are gathered before it is synced
	// (default 2s).
	Debounce time.Duration `yaml:"debounce"`
}

// Archive configures `zaakarchief archive` and the archive jobs of serve; every field has a
// default.
type Archive struct {
	// Target is the URL of the archive target: file:///abs/path or s3://bucket/prefix (default
	// file://<data>/archief).
	Target string `yaml:"target"`
	// S3 configures an s3:// target.
	S3 S3 `yaml:"s3"`
	// LockMode is the object lock mode of retention periods: COMPLIANCE (default) or GOVERNANCE.
	LockMode string `yaml:"lock_mode"`
	// EDepot is the URL of the e-Depot target permanent records are transferred to on their
	// transfer date; empty disables transfers.
	EDepot string `yaml:"edepot"`
	// EDepotS3 configures an s3:// e-Depot target.
	EDepotS3 S3 `yaml:"edepot_s3"`
	// Schedule is the cron schedule of archive runs in serve (5 fields or @daily and the like;
	// default "0 3 * * *"); "off" disables them.
	Schedule string `yaml:"schedule"`
	// VerifySchedule is the cron schedule of fixity checks in serve (default "0 4 * * 0");
	// "off" disables them.
	VerifySchedule string `yaml:"verify_schedule"`
	// VerifySample is the percentage of packages a scheduled fixity check reads (default 10).
	VerifySample float64 `yaml:"verify_sample"`
	// Workers is the number of objects written at the same time (default 4); up to
	// (Workers+1)/2 more requests read back and seal completed packages.
	Workers int `yaml:"workers"`
}

// S3 configures the connection to an S3 target. Empty credentials, endpoint and region fall
// back to AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and AWS_REGION.
type S3 struct {
	// Endpoint is host[:port] or an http(s):// URL; empty means Amazon S3.
	Endpoint string `yaml:"endpoint"`
	Region   string `yaml:"region"`
	// AccessKey and SecretKey are the credentials.
	AccessKey string `yaml:"access_key"`
	SecretKey string `yaml:"secret_key"`
	// TLS selects https for an endpoint without a scheme (default true).
	TLS *bool `yaml:"tls"`
	// CreateBucket creates a missing bucket with object lock enabled.
	CreateBucket bool `yaml:"create_bucket"`
	// PartSize is the multipart part size in bytes (default 64 MiB).
	PartSize int64 `yaml:"part_size"`
	// MaxRetries bounds the attempts per request (default 5).
	MaxRetries int `yaml:"max_retries"`
}

// Retention configures retention; every field has a default.
type Retention struct {
	// OverbrengingTermijn is the transfer term of permanent records under the Archiefwet 1995
	// (default P20Y).
	OverbrengingTermijn string `yaml:"overbrenging_termijn"`
	// OverbrengingTermijnNieuweWet is the transfer term under the new Archiefwet (default P10Y).
	OverbrengingTermijnNieuweWet string `yaml:"overbrenging_termijn_nieuwe_wet"`
	// NieuweArchiefwetVanaf is the date (YYYY-MM-DD) the new Archiefwet is in force; empty
	// while it is not.
	NieuweArchiefwetVanaf string `yaml:"nieuwe_archiefwet_vanaf"`
	// ProposeSchedule is the cron schedule (5 fields, or @daily and the like) of the job that
	// executes approved destruction lists past their waiting period and proposes a new one;
	// default "0 2 * * *", "off" disables it.
	ProposeSchedule string `yaml:"propose_schedule"`
	// Wachttijd is the waiting period between approval and execution of a destruction list
	// (default P7D).
	Wachttijd string `yaml:"wachttijd"`
}

// Export configures `zaakarchief export` and GET /api/v1/zaken/{identificatie}/export.
type Export struct {
	// Clearance maps a role to the most restricted vertrouwelijkheidaanduiding it may export,
	// e.g. {auditor: vertrouwelijk, recordmanager: geheim}. Roles not named may not export.
	// Empty means the defaults: auditor up to vertrouwelijk, recordmanager up to geheim.
	Clearance map[string]string `yaml:"clearance"`
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
