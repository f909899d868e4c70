package targettest

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/rand/v2"
)

// Data returns a reader of size deterministic pseudo-random bytes for seed: big test objects
// are generated as streams, never held in memory.
func Data(seed uint64, size int64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return io.LimitReader(rand.NewChaCha8(key), size)
}

// DataSHA256 returns the SHA-256 of Data(seed, size), computed by streaming it.
func DataSHA256(seed uint64, size int64) [32]byte {
	h := sha256.New()
	if _, err := io.Copy(h, Data(seed, size)); err != nil {
		panic(err) // the generator does not fail
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
