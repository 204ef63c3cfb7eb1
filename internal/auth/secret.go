package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// newSecret returns a random 256-bit value, URL-safe encoded, with prefix.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how session ids, API tokens and invites are stored: a
// SHA-256 of a 256-bit random value is as good as a slow hash and lets the
// lookup use an index.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// NewToken returns a fresh random 256-bit token starting with prefix, and
// the hash it is stored under (portal invites use it; the raw value is
// shown once and never stored).
func NewToken(prefix string) (raw, hash string) {
	raw = newSecret(prefix)
	return raw, hashSecret(raw)
}

// HashToken is the stored form of a raw token made by NewToken.
func HashToken(raw string) string { return hashSecret(raw) }
