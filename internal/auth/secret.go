package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewSecret returns a fresh random 256-bit secret, URL-safe encoded after
// prefix, and the hash it is stored under. Sessions, API tokens, calendar
// feed tokens and portal invites are all made here; the raw value is handed
// out once and never stored.
func NewSecret(prefix string) (raw, hash string) {
	b := make([]byte, 32)
	// crypto/rand.Read never fails: the runtime aborts the program instead.
	_, _ = rand.Read(b)
	raw = prefix + base64.RawURLEncoding.EncodeToString(b)
	return raw, HashSecret(raw)
}

// HashSecret is the stored form of a raw secret made by NewSecret: a
// SHA-256 of a 256-bit random value is as good as a slow hash and lets the
// lookup use an index. Changing it would shut out every secret already
// handed out.
func HashSecret(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}
