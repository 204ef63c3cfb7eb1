package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/vadesk/vadesk/internal/money"
)

// formatMinutes writes a duration as hours:minutes, e.g. 135 → "2:15 h".
func formatMinutes(m int64) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d:%02d h", sign, m/60, m%60)
}

// formatMilli writes a quantity held in thousandths with trailing zeros
// trimmed, e.g. 1500 → "1.5", 2000 → "2", 1234567 → "1,234.567".
func formatMilli(q int64) string {
	sign := ""
	if q < 0 {
		sign, q = "-", -q
	}
	s := sign + money.GroupThousands(uint64(q/1000))
	if frac := q % 1000; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%03d", frac), "0")
	}
	return s
}

// formatRate writes a rate in basis points as a percentage with up to two
// decimals, e.g. 2000 → "20%", 750 → "7.5%", 825 → "8.25%".
func formatRate(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	s := sign + strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", frac), "0")
	}
	return s + "%"
}

// period writes an invoice period; either end may be missing.
func period(from, to string) string {
	switch {
	case from != "" && to != "":
		return from + " – " + to
	case from != "":
		return "from " + from
	case to != "":
		return "until " + to
	}
	return ""
}

// humanStatus returns the status worth printing on the document, or "".
// "issued" is what every invoice a client receives is, and drafts already
// say so in their title, so only the statuses that tell the reader
// something (paid, partially paid, void) are shown.
func humanStatus(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "", "draft", "issued":
		return ""
	}
	r := []rune(strings.ReplaceAll(s, "_", " "))
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
