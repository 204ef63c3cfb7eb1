package practice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Invoice number patterns are literal text with tokens: {YYYY} {YY} {MM}
// {CLIENT} (the client's code) and {SEQ} or {SEQ:n} (the sequence, zero padded
// to n digits). The sequence restarts whenever the text around it would
// change: each year for INV-{YYYY}-{SEQ:4}, each month with {MM} in it.
var tokenRE = regexp.MustCompile(`\{([A-Z]+)(?::(\d+))?\}`)

// adjacentRE finds {CLIENT} and {SEQ} with nothing between them.
var adjacentRE = regexp.MustCompile(`\{CLIENT\}\{SEQ(:\d+)?\}|\{SEQ(:\d+)?\}\{CLIENT\}`)

// CheckPattern returns why p is not a usable invoice number pattern, or "".
func CheckPattern(p string) string {
	if !utf8.ValidString(p) || p == "" || utf8.RuneCountInString(p) > 60 {
		return "must be 1 to 60 characters"
	}
	seq := 0
	for _, m := range tokenRE.FindAllStringSubmatch(p, -1) {
		switch m[1] {
		case "YYYY", "YY", "MM", "CLIENT":
			if m[2] != "" {
				return fmt.Sprintf("{%s} takes no width", m[1])
			}
		case "SEQ":
			seq++
			if m[2] != "" {
				if n, _ := strconv.Atoi(m[2]); n < 1 || n > 12 {
					return "{SEQ:n} takes a width from 1 to 12"
				}
			}
		default:
			return fmt.Sprintf("unknown token {%s}; use {YYYY}, {YY}, {MM}, {CLIENT} or {SEQ:n}", m[1])
		}
	}
	rest := tokenRE.ReplaceAllString(p, "")
	if strings.ContainsAny(rest, "{}") {
		return "has an unclosed or malformed token"
	}
	if seq != 1 {
		return "must contain {SEQ} (or {SEQ:n}) exactly once"
	}
	// {CLIENT}{SEQ} side by side is ambiguous: client "A1" #2 and client "A"
	// #12 would both be A12, and the second issue would fail.
	if adjacentRE.MatchString(p) {
		return "needs a separator such as - between {CLIENT} and {SEQ}"
	}
	return ""
}

// SequenceScope is the key under which the sequence counts for a pattern on
// a date for a client: the pattern with every token but {SEQ} filled in.
func SequenceScope(pattern string, date time.Time, clientCode string) string {
	return expand(pattern, date, clientCode, func(string) string { return "{SEQ}" })
}

// FormatNumber fills pattern for date, client code and sequence n.
func FormatNumber(pattern string, date time.Time, clientCode string, n int64) string {
	return expand(pattern, date, clientCode, func(width string) string {
		w, _ := strconv.Atoi(width)
		return fmt.Sprintf("%0*d", w, n)
	})
}

func expand(pattern string, date time.Time, clientCode string, seq func(width string) string) string {
	return tokenRE.ReplaceAllStringFunc(pattern, func(tok string) string {
		m := tokenRE.FindStringSubmatch(tok)
		switch m[1] {
		case "YYYY":
			return date.Format("2006")
		case "YY":
			return date.Format("06")
		case "MM":
			return date.Format("01")
		case "CLIENT":
			return clientCode
		case "SEQ":
			return seq(m[2])
		}
		return tok
	})
}
