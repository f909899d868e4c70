package dossier

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// newID returns a 32-character hex ID that sorts by creation time: 6 bytes of milliseconds
// since 1970 followed by 10 random bytes. IDs are made here, not by the database, so that SQL
// stays portable.
func newID() string {
	var b [16]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(time.Now().UnixMilli()))
	copy(b[:6], ms[2:])
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}
