package auth

import (
	"strings"
	"testing"
	"time"
)

// Tokens already handed out are looked up by this hash: it must never
// change, whatever code makes new ones.
func TestHashSecretIsStable(t *testing.T) {
	const want = "31b3bd94c5dae3caa6f2fa894bc0728665fdcf662f491b75e0825b07fab9fd74"
	if got := HashSecret("vad_abc"); got != want {
		t.Fatalf("HashSecret = %s, want %s", got, want)
	}
}

func TestIssueToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, prefix := range []string{TokenPrefix, "cal_"} {
		tok, raw, err := IssueToken(prefix, 7, "  zapier ", now)
		if err != nil {
			t.Fatal(err)
		}
		// 32 random bytes, unpadded base64url, after the prefix.
		if !strings.HasPrefix(raw, prefix) || len(raw) != len(prefix)+43 {
			t.Fatalf("raw %q", raw)
		}
		if tok.TokenHash != HashSecret(raw) || tok.Prefix != raw[:len(prefix)+6] ||
			tok.Name != "zapier" || tok.UserID != 7 || !tok.CreatedAt.Equal(now) {
			t.Fatalf("token %+v for %q", tok, raw)
		}
	}
	if _, _, err := IssueToken(TokenPrefix, 7, " ", now); err == nil {
		t.Fatal("a blank name was taken")
	}
	if _, _, err := IssueToken(TokenPrefix, 7, strings.Repeat("x", 101), now); err == nil {
		t.Fatal("a 101-character name was taken")
	}
}
