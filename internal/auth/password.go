package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane),
// about 30 ms on a small server, which is enough to make offline guessing slow
// without making logins feel slow.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password vadesk accepts.
const MinPasswordLength = 12

// commonPasswords are the most used passwords of at least 12 characters in
// public breach lists; vadesk refuses them outright.
var commonPasswords = map[string]bool{
	"123456789012": true, "1234567890123": true, "12345678901234": true,
	"123456789123": true, "111111111111": true, "000000000000": true,
	"qwertyuiopas": true, "qwertyuiop123": true, "qwerty123456": true,
	"password1234": true, "password12345": true, "password123!": true,
	"passwordpassword": true, "iloveyou1234": true, "abc123456789": true,
	"aaaaaaaaaaaa": true, "letmein12345": true, "welcome12345": true,
	"administrator": true, "changeme1234": true, "1q2w3e4r5t6y": true,
	"trustno1trustno1": true, "football1234": true, "baseball1234": true,
	"qwertyqwerty": true, "asdfghjkl123": true, "zaq12wsxcde3": true,
	"1qaz2wsx3edc": true, "superman1234": true, "princess1234": true,
	"q1w2e3r4t5y6": true, "1234qwerasdf": true, "123456789abc": true,
	"abcdefghijkl": true, "abcd12345678": true, "qazwsxedcrfv": true,
	"monkey123456": true, "dragon123456": true, "sunshine1234": true,
	"passw0rd1234": true, "p@ssw0rd1234": true, "p@ssword1234": true,
	"password1!password1!": true, "adminadmin12": true, "admin1234567": true,
	"mypassword12": true, "mypassword123": true, "changeme12345": true,
	"welcome1234!": true, "iloveyou12345": true, "qwerty1234567": true,
	"letmein123456": true, "123123123123": true, "121212121212": true,
	"987654321098": true, "012345678901": true, "zxcvbnm12345": true,
	"asdfasdfasdf": true, "qwerqwerqwer": true, "virtualassistant": true,
}

// CheckPassword returns a message explaining why pw is not acceptable, or "".
func CheckPassword(pw string) string {
	switch {
	case !utf8.ValidString(pw):
		return "must be valid UTF-8"
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLength)
	case len(pw) > 1024:
		return "must be at most 1024 bytes"
	case commonPasswords[strings.ToLower(pw)]:
		return "is one of the most common passwords; choose another"
	}
	return ""
}

// HashPassword returns an encoded argon2id hash of pw with a fresh salt.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword reports whether pw matches encoded, in constant time.
func VerifyPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the user does not exist, so an unknown
// e-mail takes as long to reject as a wrong password.
var dummyHash = HashPassword("vadesk-timing-equaliser")
