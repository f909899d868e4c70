package objstore

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ErrLocked reports that object lock (a retention period that has not ended, or a legal hold)
// forbids the operation. Back ends wrap the server's own refusal in it, so errors.Is works and
// the server's message is kept.
var ErrLocked = errors.New("object is locked")

// ErrChecksumMismatch reports that the bytes do not match the SHA-256 they were announced or
// recorded with: a refused Put, or an Open whose content turned out different from the record.
var ErrChecksumMismatch = errors.New("sha-256 checksum mismatch")

// RetentionMode is the S3 object lock retention mode. Both modes forbid deleting or changing
// the locked version before the until-date (writing its key again makes a new version; the
// locked one stays); the targets never use the governance bypass, so for them the two differ
// only in what an administrator with bypass rights could do on the server itself.
type RetentionMode string

const (
	// Governance is S3's GOVERNANCE mode: users with s3:BypassGovernanceRetention may still
	// delete early; the archive targets never do.
	Governance RetentionMode = "GOVERNANCE"
	// Compliance is S3's COMPLIANCE mode: nobody, not even the root account, can delete the
	// object or shorten the period before the until-date.
	Compliance RetentionMode = "COMPLIANCE"
)

// Valid reports whether m is one of the two S3 retention modes.
func (m RetentionMode) Valid() bool { return m == Governance || m == Compliance }

// Retention is an object lock retention: the locked version may not be deleted or changed
// before Until. S3 keeps the date to the second; back ends round Until up to the next whole second so
// that the period is never shorter than asked.
type Retention struct {
	Mode  RetentionMode `json:"mode"`
	Until time.Time     `json:"until"`
}

// Normalized returns r with Until in UTC and rounded up to a whole second.
func (r Retention) Normalized() Retention {
	u := r.Until.UTC()
	if t := u.Truncate(time.Second); !t.Equal(u) {
		u = t.Add(time.Second)
	}
	return Retention{Mode: r.Mode, Until: u}
}

// Active reports whether the retention still forbids deletion at now.
func (r *Retention) Active(now time.Time) bool {
	return r != nil && now.Before(r.Until)
}

// Extended returns the retention an object locked with cur (nil: none) gets when it must stay
// locked until want.Until: want's until-date (normalized) in want's mode, except that a
// COMPLIANCE lock in force stays COMPLIANCE (S3 never weakens it). ok is false when cur, in force
// at now, already lasts as long or longer: a retention is extended, never shortened.
func Extended(cur *Retention, want Retention, now time.Time) (next Retention, ok bool) {
	w := want.Normalized()
	if cur.Active(now) && !cur.Until.Before(w.Until) {
		return *cur, false
	}
	if cur.Active(now) && cur.Mode == Compliance {
		w.Mode = Compliance
	}
	return w, true
}

// ValidateRetention checks a retention to set at now: a valid mode and an until-date after now.
func ValidateRetention(r Retention, now time.Time) error {
	if !r.Mode.Valid() {
		return fmt.Errorf("retention mode %q is not %s or %s", r.Mode, Governance, Compliance)
	}
	if !r.Until.After(now) {
		return fmt.Errorf("retention until %s is not in the future", r.Until.UTC().Format(time.RFC3339))
	}
	return nil
}

// PutOptions are the options of a Put.
type PutOptions struct {
	// SHA256 is the SHA-256 of the whole object, computed by the caller before the put. It is
	// required: the back end refuses content that does not match it and stores nothing.
	SHA256 [32]byte
	// ContentType is the media type; empty means application/octet-stream.
	ContentType string
	// Retention, when set, locks the object until Retention.Until. The date must lie in the
	// future.
	Retention *Retention
	// LegalHold, when true, places a legal hold on the object: it cannot be deleted until the
	// hold is cleared with SetLegalHold, whatever its retention.
	LegalHold bool
}

// Validate checks the options against now: a checksum must be given and a retention must have a
// valid mode and an until-date after now.
func (o PutOptions) Validate(now time.Time) error {
	if o.SHA256 == ([32]byte{}) {
		return errors.New("put options: SHA256 is required (compute it before the put)")
	}
	if r := o.Retention; r != nil {
		if err := ValidateRetention(*r, now); err != nil {
			return fmt.Errorf("put options: %w", err)
		}
	}
	return nil
}

// SHA256Hex returns the announced checksum as lower-case hex.
func (o PutOptions) SHA256Hex() string { return hex.EncodeToString(o.SHA256[:]) }

// ObjectInfo describes a stored object. List fills Key, Size and ModTime only; Put and Stat fill
// every field.
type ObjectInfo struct {
	// Key is the object key relative to the target's root or prefix.
	Key string
	// Size is the length in bytes.
	Size int64
	// SHA256 is the whole-object SHA-256 in lower-case hex as the back end reports it: on S3
	// the server-verified x-amz-checksum-sha256 of a single-part object, or for a multipart
	// object (whose server checksum is a composite "…-N") the whole-object hash recorded in the
	// object's metadata after the target verified it; in a directory the sidecar record.
	SHA256 string
	// ContentType is the stored media type.
	ContentType string
	// Retention is the object lock retention, nil when the object has none.
	Retention *Retention
	// LegalHold reports whether a legal hold is on.
	LegalHold bool
	// ModTime is when the object was stored.
	ModTime time.Time
}

// Locked reports whether the object may not be deleted at now.
func (i ObjectInfo) Locked(now time.Time) bool {
	return i.LegalHold || i.Retention.Active(now)
}
