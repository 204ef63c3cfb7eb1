package practice

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzPattern holds invoice number patterns to their promises: CheckPattern
// never panics; a pattern it accepts has exactly one sequence slot in its
// scope; FormatNumber is the scope with the padded sequence in that slot,
// so within one scope distinct sequence values give distinct numbers (the
// numbers stay unique and gapless as long as the sequence does).
func FuzzPattern(f *testing.F) {
	for _, p := range []string{"INV-{YYYY}-{SEQ:4}", "{SEQ}", "{YY}{MM}-{SEQ:3}", "{CLIENT}/{SEQ:2}",
		"INV-{SEQ}-{SEQ}", "INV-{YYYY}", "{seq}", "{SEQ:0}", "{SEQ:13}", "{SEQ:12}", "{NOPE}{SEQ}",
		"INV-{SEQ", "INV-}{SEQ}", "{YYYY:2}{SEQ}", "", "\xff{SEQ}", strings.Repeat("x", 61) + "{SEQ}",
		"{{SEQ}}", "{SEQ:4}{MM}{YY}{YYYY}{CLIENT}"} {
		f.Add(p, "DANA", int64(1), int64(2), int64(1_700_000_000))
	}
	f.Add("{CLIENT}{SEQ}", "A1", int64(2), int64(12), int64(0))
	f.Fuzz(func(t *testing.T, pattern, client string, n1, n2, unix int64) {
		why := CheckPattern(pattern)
		if why != "" {
			return
		}
		if strings.ContainsAny(client, "{}") {
			t.Skip("client codes are validated elsewhere")
		}
		date := time.Unix(unix%(1<<35), 0).UTC()
		scope := SequenceScope(pattern, date, client)
		if strings.Count(scope, "{SEQ}") != 1 {
			t.Fatalf("SequenceScope(%q) = %q: want one {SEQ}", pattern, scope)
		}
		n1, n2 = abs(n1), abs(n2)
		a, b := FormatNumber(pattern, date, client, n1), FormatNumber(pattern, date, client, n2)
		width := 0
		if m := tokenRE.FindStringSubmatch(pattern[strings.Index(pattern, "{SEQ"):]); m != nil && m[2] != "" {
			fmt.Sscan(m[2], &width)
		}
		if want := strings.Replace(scope, "{SEQ}", fmt.Sprintf("%0*d", width, n1), 1); a != want {
			t.Fatalf("FormatNumber(%q, %d) = %q, want %q", pattern, n1, a, want)
		}
		if (n1 == n2) != (a == b) {
			t.Fatalf("pattern %q: sequence %d and %d give %q and %q", pattern, n1, n2, a, b)
		}
	})
}

func abs(n int64) int64 {
	if n < 0 {
		if n == -n {
			return 0
		}
		return -n
	}
	return n
}
