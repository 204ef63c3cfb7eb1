package pdf

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"github.com/vadesk/vadesk/internal/money"
)

// fontFamily is the name the Go fonts are registered under in each document.
const fontFamily = "Go"

// coverage is a bit set of the Basic Multilingual Plane runes that both Go
// fonts (regular and bold have the same character set) can draw.
type coverage [0x10000 / 64]uint64

func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r/64]&(1<<(uint(r)%64)) != 0
}

var (
	fontOnce sync.Once
	fontCov  coverage
	fontErr  error
)

// glyphs parses the Go fonts once per process and returns which runes they
// cover. gofpdf still parses the font bytes itself in every document (its
// AddUTF8FontFromBytes has no way to share a parsed font), but everything we
// need beyond that is computed here only once.
func glyphs() (*coverage, error) {
	fontOnce.Do(func() {
		reg, err := sfnt.Parse(goregular.TTF)
		if err != nil {
			fontErr = err
			return
		}
		bold, err := sfnt.Parse(gobold.TTF)
		if err != nil {
			fontErr = err
			return
		}
		var buf sfnt.Buffer
		for r := rune(0); r < 0x10000; r++ {
			g1, err1 := reg.GlyphIndex(&buf, r)
			g2, err2 := bold.GlyphIndex(&buf, r)
			if err1 == nil && err2 == nil && g1 != 0 && g2 != 0 {
				fontCov[r/64] |= 1 << (uint(r) % 64)
			}
		}
	})
	return &fontCov, fontErr
}

// cleaner turns arbitrary user text into text the embedded fonts can show.
// gofpdf indexes its width tables by rune and panics on runes outside the
// BMP (emoji in a task note are enough), and a rune the font lacks would
// come out as an invisible zero-width box, so every string goes through here.
type cleaner struct{ cov *coverage }

// line cleans s for a single-line field: line breaks become spaces.
func (c cleaner) line(s string) string {
	return strings.Join(strings.Fields(c.text(s)), " ")
}

// text cleans s for a multi-line field: line breaks are kept (as \n), tabs
// become spaces, other control characters are dropped and runes the font
// cannot draw are replaced (invalid UTF-8 has already become U+FFFD,
// which the font has).
func (c cleaner) text(s string) string {
	if c.plain(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r):
			// dropped: invisible, and gofpdf would draw a box
		case c.cov.has(r):
			b.WriteRune(r)
		default:
			b.WriteString(c.substitute(r))
		}
	}
	return b.String()
}

// plain reports whether s is printable ASCII and needs no cleaning, the
// common case, so most strings are not copied.
func (c cleaner) plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// substitute finds something drawable for a rune the font lacks: its
// compatibility form (e.g. fullwidth "Ａ" → "A"), else its base
// letter without accents the font cannot place (e.g. Vietnamese "ễ" → "e"),
// else U+FFFD so the reader at least sees that something is missing.
func (c cleaner) substitute(r rune) string {
	if k := norm.NFKC.String(string(r)); c.all(k) {
		return k
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if c.cov.has(d) {
			b.WriteRune(d)
		} else if !unicode.Is(unicode.Mn, d) {
			return "\uFFFD"
		}
	}
	if b.Len() == 0 {
		return "\uFFFD"
	}
	return b.String()
}

func (c cleaner) all(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !c.cov.has(r) {
			return false
		}
	}
	return true
}

// money formats amount with money.Format, but writes the ISO code instead
// of a symbol the Go fonts do not have (₩, ₹ and ₱ are missing), so a
// Philippine invoice reads "PHP 1,234.50" rather than showing a blank box.
func (c cleaner) money(amount int64, currency string) string {
	s := money.Format(amount, currency)
	if c.all(s) {
		return s
	}
	cur := money.Lookup(currency)
	if sym := cur.Symbol; sym != "" && !c.all(sym) {
		s = strings.Replace(s, sym, cur.Code+" ", 1)
	}
	return c.line(s)
}
