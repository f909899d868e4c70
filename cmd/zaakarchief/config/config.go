// Package config reads the daemon's configuration file: where it listens, where its data lives,
// which agreement is in force, and the settings of the retention, archive and export jobs. Every
// field has a default, so the daemon runs without a file. Command-line flags override the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/afspraak"
)

// Config is the daemon's configuration.
type Config struct {
	// file and lines locate keys for error messages: the file read and the line of every key
	// path ("archive.verify_sample") set in it.
	file  string
	lines map[string]int
	// Listen is the address of the HTTP API.
	Listen string `yaml:"listen"`
	// Data is the directory of the database and the document blobs.
	Data string `yaml:"data"`
	// Afspraak is the path of the agreement; empty means the embedded example.
	Afspraak string `yaml:"afspraak"`
	// Database is where the dossiers, retention and archive bookkeeping live: a SQLite file as
	// sqlite:PATH or a plain path (default sqlite:<data>/zaakarchief.db). A relative path in the
	// file is taken relative to the file's directory.
	Database string `yaml:"database"`
	// Blobs is where document contents live: a local directory as file:///abs/path or a plain
	// path (default <data>/blobs).
	Blobs string `yaml:"blobs"`
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

// Defaults returns the configuration the daemon runs with when nothing is given. Every default
// of every setting is here; the commands read the settings and add none of their own. Database
// and Blobs stay empty: they follow Data (see SQLitePath and BlobDir), which a flag may change
// after the file is read.
func Defaults() Config {
	return Config{
		Listen:         "127.0.0.1:8080",
		Data:           "./zaakarchief-data",
		MaxUploadBytes: 4 << 30,
		Retention: Retention{
			OverbrengingTermijn:          "P20Y",
			OverbrengingTermijnNieuweWet: "P10Y",
			ProposeSchedule:              "0 2 * * *",
			Wachttijd:                    "P7D",
		},
		Archive: Archive{
			LockMode:       "COMPLIANCE",
			Schedule:       "0 3 * * *",
			VerifySchedule: "0 4 * * 0",
			VerifySample:   10,
			Workers:        4,
		},
		ZGW: ZGW{
			Schedule:     "*/15 * * * *",
			FullSchedule: "30 2 * * *",
			Workers:      4,
			Retries:      4,
			Timeout:      30 * time.Second,
			Debounce:     2 * time.Second,
		},
	}
}

// Load reads a configuration file over the defaults and validates it: unknown keys and values
// out of range are errors that name the file and the line of the key. Relative paths in the
// file are taken relative to the file's directory.
func Load(path string) (Config, error) {
	c := Defaults()
	if path == "" {
		return c, c.Validate()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config lezen: %w", err)
	}
	c.file = path
	if len(bytes.TrimSpace(data)) > 0 {
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
		c.lines = map[string]int{}
		keyLines(&root, "", c.lines)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&c.Data, &c.Afspraak} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if rest, ok := strings.CutPrefix(c.Database, "sqlite:"); ok && rest != "" && !strings.HasPrefix(rest, "//") && !filepath.IsAbs(rest) {
		c.Database = "sqlite:" + filepath.Join(dir, rest)
	} else if c.Database != "" && !strings.Contains(c.Database, ":") && !filepath.IsAbs(c.Database) {
		c.Database = filepath.Join(dir, c.Database)
	}
	if c.Blobs != "" && !strings.Contains(c.Blobs, "://") && !filepath.IsAbs(c.Blobs) {
		c.Blobs = filepath.Join(dir, c.Blobs)
	}
	return c, c.Validate()
}

// keyLines records the line of every mapping key under n as a dotted path.
func keyLines(n *yaml.Node, prefix string, out map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			keyLines(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if prefix != "" {
				k = prefix + "." + k
			}
			out[k] = n.Content[i].Line
			keyLines(n.Content[i+1], k, out)
		}
	}
}

// fieldError is one invalid setting, located at its key.
type fieldError struct {
	file string
	line int
	key  string
	msg  string
}

func (e *fieldError) Error() string {
	switch {
	case e.file != "" && e.line > 0:
		return fmt.Sprintf("config %s:%d: %s: %s", e.file, e.line, e.key, e.msg)
	case e.file != "":
		return fmt.Sprintf("config %s: %s: %s", e.file, e.key, e.msg)
	}
	return fmt.Sprintf("config: %s: %s", e.key, e.msg)
}

// Validate checks every setting and returns all problems joined, each naming its key and, when
// it came from a file, the file and line. Load calls it; call it again after changing fields.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &fieldError{file: c.file, line: c.lines[key], key: key, msg: fmt.Sprintf(format, args...)})
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		bad("listen", "%q is geen adres als 127.0.0.1:8080", c.Listen)
	}
	if c.Data == "" {
		bad("data", "leeg; geef de map voor database en documenten")
	}
	if c.MaxUploadBytes <= 0 {
		bad("max_upload_bytes", "%d; moet groter dan 0 zijn", c.MaxUploadBytes)
	}
	if c.Database != "" {
		if _, err := c.SQLitePath(); err != nil {
			bad("database", "%v", err)
		}
	}
	if c.Blobs != "" {
		if _, err := c.BlobDir(); err != nil {
			bad("blobs", "%v", err)
		}
	}
	schedule := func(key, v string) {
		if v == "off" || strings.EqualFold(v, "off") {
			return
		}
		if v == "" {
			bad(key, "leeg; geef een cron-schema (5 velden of @daily) of off")
			return
		}
		if _, err := cron.ParseStandard(v); err != nil {
			bad(key, "%q is geen cron-schema: %v", v, err)
		}
	}
	termijn := func(key, v string, leegMag bool) {
		if v == "" && leegMag {
			return
		}
		d, err := afspraak.ParseTermijn(v)
		if err != nil {
			bad(key, "%v", err)
			return
		}
		if d == (afspraak.Duur{}) && !leegMag {
			bad(key, "P0D zou blijvend te bewaren stukken overbrengen op de dag dat de zaak sluit")
		}
	}
	r := c.Retention
	termijn("retention.overbrenging_termijn", r.OverbrengingTermijn, false)
	termijn("retention.overbrenging_termijn_nieuwe_wet", r.OverbrengingTermijnNieuweWet, false)
	termijn("retention.wachttijd", r.Wachttijd, true)
	if r.NieuweArchiefwetVanaf != "" {
		if _, err := time.Parse(time.DateOnly, r.NieuweArchiefwetVanaf); err != nil {
			bad("retention.nieuwe_archiefwet_vanaf", "%q is geen datum als 2027-01-01", r.NieuweArchiefwetVanaf)
		}
	}
	schedule("retention.propose_schedule", r.ProposeSchedule)
	a := c.Archive
	for key, v := range map[string]string{"archive.target": a.Target, "archive.edepot": a.EDepot} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "file" && u.Scheme != "s3") {
			bad(key, "%q is geen file:///pad of s3://bucket/prefix", v)
		}
	}
	if m := strings.ToUpper(a.LockMode); m != "COMPLIANCE" && m != "GOVERNANCE" {
		bad("archive.lock_mode", "%q is niet COMPLIANCE of GOVERNANCE", a.LockMode)
	}
	schedule("archive.schedule", a.Schedule)
	schedule("archive.verify_schedule", a.VerifySchedule)
	if a.VerifySample <= 0 || a.VerifySample > 100 {
		bad("archive.verify_sample", "%v is geen percentage boven 0 en ten hoogste 100", a.VerifySample)
	}
	if a.Workers < 1 {
		bad("archive.workers", "%d; minstens 1", a.Workers)
	}
	for key, s := range map[string]S3{"archive.s3": a.S3, "archive.edepot_s3": a.EDepotS3} {
		if s.PartSize < 0 || (s.PartSize > 0 && s.PartSize < 5<<20) {
			bad(key+".part_size", "%d; een multipart-deel is minstens 5 MiB (5242880)", s.PartSize)
		}
		if s.MaxRetries < 0 {
			bad(key+".max_retries", "%d; mag niet negatief zijn", s.MaxRetries)
		}
	}
	z := c.ZGW
	schedule("zgw.schedule", z.Schedule)
	schedule("zgw.full_schedule", z.FullSchedule)
	if z.Workers < 1 {
		bad("zgw.workers", "%d; minstens 1", z.Workers)
	}
	if z.Retries < 1 {
		bad("zgw.retries", "%d; minstens 1", z.Retries)
	}
	if z.Timeout <= 0 {
		bad("zgw.timeout", "%v; moet groter dan 0 zijn, bijvoorbeeld 30s", z.Timeout)
	}
	if z.Debounce < 0 {
		bad("zgw.debounce", "%v; mag niet negatief zijn", z.Debounce)
	}
	return errors.Join(errs...)
}

// SQLitePath returns the SQLite database file: the database setting (sqlite:PATH or a plain
// path) or zaakarchief.db in the data directory. Other schemes are refused until they are
// supported.
func (c *Config) SQLitePath() (string, error) {
	v := c.Database
	switch {
	case v == "":
		return filepath.Join(c.Data, "zaakarchief.db"), nil
	case strings.HasPrefix(v, "sqlite://"):
		return "", fmt.Errorf("%q: schrijf sqlite:PAD (bijvoorbeeld sqlite:/var/lib/zaakarchief/zaakarchief.db)", v)
	case strings.HasPrefix(v, "sqlite:"):
		if p := strings.TrimPrefix(v, "sqlite:"); p != "" {
			return p, nil
		}
		return "", fmt.Errorf("%q: geen pad na sqlite:", v)
	case strings.Contains(v, "://"):
		return "", fmt.Errorf("%q: deze versie ondersteunt alleen SQLite (sqlite:PAD)", v)
	}
	return v, nil
}

// BlobDir returns the directory of document contents: the blobs setting (file:///abs/path or a
// plain path) or blobs in the data directory.
func (c *Config) BlobDir() (string, error) {
	v := c.Blobs
	switch {
	case v == "":
		return filepath.Join(c.Data, "blobs"), nil
	case strings.HasPrefix(v, "file://"):
		u, err := url.Parse(v)
		if err != nil || u.Host != "" || u.Path == "" {
			return "", fmt.Errorf("%q: schrijf file:///absoluut/pad", v)
		}
		return filepath.FromSlash(u.Path), nil
	case strings.Contains(v, "://"):
		return "", fmt.Errorf("%q: deze versie bewaart documenten alleen in een lokale map (file:///pad)", v)
	}
	return v, nil
}
