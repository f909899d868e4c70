package objstore

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyLen is the longest key in bytes, S3's limit (less room for a target prefix is the
// caller's concern).
const MaxKeyLen = 1024

// ValidateKey checks that key is a relative slash-separated path that every back end stores at
// the same place: not empty, at most MaxKeyLen bytes of valid UTF-8 without control characters or
// backslashes, no leading or trailing slash, no empty segment, and no segment that starts with a
// dot. The last rule refuses "." and ".." (no escape from the root) and keeps names that start
// with a dot free for a back end's own bookkeeping (the directory back end's ".meta" and
// temporary files).
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("invalid key: empty")
	}
	if err := checkChars(key); err != nil {
		return err
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("invalid key %q: absolute paths are not allowed", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if err := checkSegment(key, seg); err != nil {
			return err
		}
	}
	return nil
}

// ValidatePrefix checks a List prefix: empty, or a key whose last segment may be partial or
// empty (a trailing slash selects a "directory"). The rules are those of ValidateKey otherwise.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := checkChars(prefix); err != nil {
		return err
	}
	if strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("invalid prefix %q: absolute paths are not allowed", prefix)
	}
	segs := strings.Split(prefix, "/")
	for i, seg := range segs {
		if i == len(segs)-1 && seg == "" {
			break // trailing slash
		}
		if err := checkSegment(prefix, seg); err != nil {
			return err
		}
	}
	return nil
}

func checkChars(s string) error {
	if len(s) > MaxKeyLen {
		return fmt.Errorf("invalid key %.40q…: longer than %d bytes", s, MaxKeyLen)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid key %q: not valid UTF-8", s)
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) {
			return fmt.Errorf("invalid key %q: contains %q", s, r)
		}
	}
	return nil
}

func checkSegment(key, seg string) error {
	switch {
	case seg == "":
		return fmt.Errorf("invalid key %q: empty path segment", key)
	case seg == "." || seg == "..":
		return fmt.Errorf("invalid key %q: %q segments are not allowed", key, seg)
	case strings.HasPrefix(seg, "."):
		return fmt.Errorf("invalid key %q: segment %q starts with a dot (reserved)", key, seg)
	}
	return nil
}
