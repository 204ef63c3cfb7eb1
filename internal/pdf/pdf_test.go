package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vadesk/vadesk/internal/money"
)

// The PDF is checked with real parsers (qpdf and poppler's pdftotext), not
// by looking at gofpdf's output bytes: what matters is that viewers accept
// the file and that the text comes out right.

func ptr(n int64) *int64 { return &n }

func sampleInvoice(lines int, currency string) Invoice {
	inv := Invoice{
		Title:      "Invoice",
		Number:     "INV-2025-0042",
		Status:     "issued",
		IssueDate:  "2025-03-31",
		DueDate:    "2025-04-14",
		PeriodFrom: "2025-03-01",
		PeriodTo:   "2025-03-31",
		Currency:   currency,
		From: Party{
			Name:    "Zoë Łukasiewicz",
			Company: "Łukasiewicz Virtual Assistance",
			Address: "Ulica Długa 12/4\n80-831 Gdańsk\nPoland",
			Email:   "zoe@example.com",
			Phone:   "+48 555 010 203",
			TaxID:   "PL5260250274",
		},
		To: Party{
			Name:    "Jürgen Müller",
			Company: "Müller Immobilien GmbH",
			Address: "Königstraße 1\n70173 Stuttgart",
			Email:   "jm@example.de",
			TaxID:   "DE811569869",
		},
		PaymentDetails: "Bank: mBank S.A.\nIBAN: PL61 1090 1014 0000 0712 1981 2874\nBIC: WBKPPLPP",
		Notes:          "Thank you! Inbox triage moved to mornings as agreed.",
		Footer:         "Łukasiewicz Virtual Assistance · Gdańsk · zoe@example.com",
		TaxName:        "VAT",
		TaxRateBP:      2000,
	}
	for i := range lines {
		l := Line{UnitPrice: 4500}
		switch i % 3 {
		case 0:
			l.Description = fmt.Sprintf("Line %d: inbox and calendar management", i+1)
			l.QuantityMinutes = ptr(int64(45 + i%120))
			l.Amount = money.LineAmount(*l.QuantityMinutes, l.UnitPrice)
		case 1:
			l.Description = fmt.Sprintf("Line %d: website updates — new listings, photo galleries and the "+
				"weekly newsletter, which wraps onto a second line in the description column", i+1)
			l.QuantityMilli = ptr(1500)
			l.UnitPrice = 2000
			l.Amount = 3000
		default:
			l.Description = fmt.Sprintf("Line %d: social media scheduling", i+1)
			l.QuantityMilli = ptr(2000)
			l.UnitPrice = 1250
			l.Amount = 2500
		}
		inv.Lines = append(inv.Lines, l)
		inv.Subtotal += l.Amount
	}
	inv.TaxTotal = money.Tax(inv.Subtotal, inv.TaxRateBP)
	inv.Total = inv.Subtotal + inv.TaxTotal
	inv.BalanceDue = inv.Total
	return inv
}

// tools returns the paths of qpdf and pdftotext, or skips the test when
// they are not installed (fails instead when VADESK_PDF_TOOLS=required, as
// in CI, so a missing package cannot silently turn the checks off).
func tools(t *testing.T) {
	t.Helper()
	for _, name := range []string{"qpdf", "pdftotext"} {
		if _, err := exec.LookPath(name); err != nil {
			msg := fmt.Sprintf("!!! %s not found: PDF checks NOT RUN. Install with: apt-get install -y qpdf poppler-utils", name)
			if os.Getenv("VADESK_PDF_TOOLS") == "required" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

// render renders inv into a file in a temp dir and checks it with qpdf.
func render(t *testing.T, inv Invoice) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, inv); err != nil {
		t.Fatalf("Render: %v", err)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	return path
}

func pages(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("qpdf", "--show-npages", path).Output()
	if err != nil {
		t.Fatalf("qpdf --show-npages: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("qpdf --show-npages: %q", out)
	}
	return n
}

// text extracts the text of pages first..last (0 means to the end).
func text(t *testing.T, path string, first, last int) string {
	t.Helper()
	args := []string{"-layout", "-enc", "UTF-8", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// wordX returns where (as pdftotext prints it) word first starts on page.
func wordX(t *testing.T, path string, page int, word string) string {
	t.Helper()
	p := strconv.Itoa(page)
	out, err := exec.Command("pdftotext", "-bbox", "-f", p, "-l", p, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	m := regexp.MustCompile(`<word xMin="([0-9.]+)"[^>]*>` + regexp.QuoteMeta(word) + `</word>`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("page %d: word %q not found", page, word)
	}
	return string(m[1])
}

func contains(t *testing.T, where, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q not found in text:\n%s", where, w, got)
		}
	}
}

func TestRenderEuro(t *testing.T) {
	tools(t)
	inv := sampleInvoice(3, "EUR")
	inv.Lines[0].Amount = 123450 // €1,234.50
	inv.Subtotal, inv.Discount = 123450+5500, 1000
	inv.TaxTotal = money.Tax(inv.Subtotal-inv.Discount, inv.TaxRateBP)
	inv.Total = inv.Subtotal - inv.Discount + inv.TaxTotal
	inv.AmountPaid = 50000
	inv.BalanceDue = inv.Total - inv.AmountPaid
	path := render(t, inv)
	if n := pages(t, path); n != 1 {
		t.Errorf("pages = %d, want 1", n)
	}
	got := text(t, path, 1, 0)
	contains(t, "page 1", got,
		"Zoë Łukasiewicz", "Jürgen Müller", "Ulica Długa 12/4", "Gdańsk",
		"INV-2025-0042", "BILL TO", "2025-03-31", "2025-04-14", "2025-03-01 – 2025-03-31",
		"Description", "Qty", "Unit price", "Amount",
		"0:45 h", "1.5", "€45.00", "€1,234.50",
		"Subtotal", money.Format(inv.Subtotal, "EUR"),
		"Discount", "-€10.00",
		"VAT 20%", money.Format(inv.TaxTotal, "EUR"),
		"Total", money.Format(inv.Total, "EUR"),
		"Paid", "-€500.00",
		"Balance due", money.Format(inv.BalanceDue, "EUR"),
		"Payment details", "PL61 1090 1014 0000 0712 1981 2874",
		"Notes", "Inbox triage", "Page 1 of 1")
}

func TestRenderYen(t *testing.T) {
	tools(t)
	inv := sampleInvoice(2, "JPY")
	inv.Lines[0].Amount = 1235
	inv.TaxName, inv.TaxRateBP = "Consumption tax", 1000
	path := render(t, inv)
	got := text(t, path, 1, 0)
	contains(t, "JPY", got, "¥1,235", "Consumption tax 10%")
	if strings.Contains(got, "¥1,235.") {
		t.Error("JPY has no minor unit, but a decimal point was printed")
	}
}

// The Go fonts lack ₱, ₩ and ₹: those amounts are written with the ISO code
// so they stay readable.
func TestRenderCurrencyWithoutGlyph(t *testing.T) {
	tools(t)
	inv := sampleInvoice(1, "PHP")
	inv.Lines[0].Amount = 123450
	got := text(t, render(t, inv), 1, 0)
	contains(t, "PHP", got, "PHP 1,234.50")
}

func TestRenderPaginates(t *testing.T) {
	tools(t)
	inv := sampleInvoice(300, "EUR")
	path := render(t, inv)
	n := pages(t, path)
	if n < 5 {
		t.Fatalf("300 lines on %d pages; expected the table to break across many", n)
	}
	contains(t, "page 1", text(t, path, 1, 1), fmt.Sprintf("Page 1 of %d", n))
	p2 := text(t, path, 2, 2)
	contains(t, "page 2", p2, "Description", "Qty", "Unit price", "Amount", fmt.Sprintf("Page 2 of %d", n), "INV-2025-0042")
	if strings.Index(p2, "Description") > strings.Index(p2, "Line ") {
		t.Error("page 2: the table header is not above the first row")
	}
	// The header and rows must sit in the same columns on every page.
	x1, x2 := wordX(t, path, 1, "Description"), wordX(t, path, 2, "Description")
	if x1 != x2 {
		t.Errorf("table header at x=%s on page 1 but x=%s on page 2", x1, x2)
	}
	all := text(t, path, 1, 0)
	for i := 1; i <= 300; i++ {
		if !strings.Contains(all, fmt.Sprintf("Line %d:", i)) {
			t.Fatalf("line %d missing from the text", i)
		}
	}
	contains(t, "all", all, "Balance due", money.Format(inv.BalanceDue, "EUR"))
	contains(t, "last page", text(t, path, n, n), fmt.Sprintf("Page %d of %d", n, n))
}

// A description longer than a page is split across pages rather than
// running over the footer.
func TestRenderHugeDescription(t *testing.T) {
	tools(t)
	inv := sampleInvoice(2, "EUR")
	inv.Lines[1].Description = strings.Repeat("word ", 3000) + "THE-END"
	path := render(t, inv)
	if n := pages(t, path); n < 3 {
		t.Errorf("pages = %d, want the description to span at least 3", n)
	}
	contains(t, "all", text(t, path, 1, 0), "THE-END", "Balance due")
}

func TestRenderTimesheet(t *testing.T) {
	tools(t)
	inv := sampleInvoice(2, "USD")
	inv.Timesheet = []TimesheetRow{
		{Date: "2025-03-03", Service: "Email management", Note: "Cleared 240 emails; set up filters for Zoë", Minutes: 95},
		{Date: "2025-03-04", Service: "Website updates", Note: "", Minutes: 40},
	}
	path := render(t, inv)
	n := pages(t, path)
	if n != 2 {
		t.Fatalf("pages = %d, want the timesheet on a second page", n)
	}
	contains(t, "timesheet", text(t, path, 2, 2), "Timesheet", "Date", "Service", "Note", "Time",
		"2025-03-03", "Email management", "filters for Zoë", "1:35 h", "0:40 h", "2:15 h", "Page 2 of 2")
}

func TestRenderEmpty(t *testing.T) {
	tools(t)
	got := text(t, render(t, Invoice{}), 1, 0)
	contains(t, "empty", got, "Invoice", "Balance due", "Page 1 of 1")
}

func TestRenderDraftAndStrangeText(t *testing.T) {
	tools(t)
	inv := sampleInvoice(1, "EUR")
	inv.Title, inv.Number, inv.Status = "Draft invoice", "", "draft"
	// Emoji are outside what gofpdf can index and would panic it; tabs and
	// control characters must not reach the page; Vietnamese letters the
	// font lacks fall back to their base letters.
	inv.Lines[0].Description = "Launch 🎉 party\tprep\x07 for Nguyễn"
	inv.Notes = strings.Repeat("x", 400) // one unbreakable word
	inv.Footer = strings.Repeat("A long footer line that is printed after the notes. ", 20)
	got := text(t, render(t, inv), 1, 0)
	contains(t, "draft", got, "Draft invoice", "Launch", "party prep for Nguyen", "printed after the notes")
	if strings.Contains(got, "INV-") {
		t.Error("a draft has no number")
	}
}

func TestRenderLogo(t *testing.T) {
	tools(t)
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := range 120 {
		for y := range 40 {
			img.Set(x, y, color.NRGBA{uint8(x * 2), 80, 160, uint8(255 - y*3)})
		}
	}
	var pngBuf, jpgBuf, png16 bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, img, nil); err != nil {
		t.Fatal(err)
	}
	// Go writes 16-bit PNGs for 16-bit images; gofpdf cannot embed those.
	if err := png.Encode(&png16, image.NewRGBA64(image.Rect(0, 0, 30, 30))); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, typ string
		data      []byte
	}{{"png", "png", pngBuf.Bytes()}, {"jpg", "jpg", jpgBuf.Bytes()}, {"png16", "png", png16.Bytes()}, {"sniffed", "", jpgBuf.Bytes()}} {
		t.Run(c.name, func(t *testing.T) {
			inv := sampleInvoice(1, "EUR")
			inv.Logo, inv.LogoType = c.data, c.typ
			contains(t, c.name, text(t, render(t, inv), 1, 0), "Zoë Łukasiewicz")
		})
	}
}

func TestRenderBadLogo(t *testing.T) {
	var good bytes.Buffer
	if err := png.Encode(&good, image.NewGray(image.Rect(0, 0, 10, 10))); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data []byte
		typ  string
	}{
		"garbage":   {[]byte("not an image at all"), "png"},
		"truncated": {good.Bytes()[:len(good.Bytes())/2], "png"},
		"gif type":  {good.Bytes(), "gif"},
		"gif bytes": {[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ""},
	} {
		t.Run(name, func(t *testing.T) {
			inv := sampleInvoice(1, "EUR")
			inv.Logo, inv.LogoType = c.data, c.typ
			var buf bytes.Buffer
			if err := Render(&buf, inv); err == nil {
				t.Fatal("Render accepted a bad logo")
			}
			if buf.Len() != 0 {
				t.Error("Render wrote output despite failing")
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	inv := sampleInvoice(40, "EUR")
	inv.Timesheet = []TimesheetRow{{Date: "2025-03-03", Service: "Admin", Minutes: 30}}
	var a, b bytes.Buffer
	if err := Render(&a, inv); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, inv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same invoice differ")
	}
	if !bytes.Contains(a.Bytes(), []byte("D:20250331")) {
		t.Error("creation date is not the issue date")
	}
}

// Render is called from concurrent HTTP handlers; run under -race.
func TestRenderConcurrent(t *testing.T) {
	inv := sampleInvoice(20, "EUR")
	var want bytes.Buffer
	if err := Render(&want, inv); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			var got bytes.Buffer
			if err := Render(&got, inv); err != nil {
				t.Error(err)
			} else if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Error("concurrent rendering gave different output")
			}
		})
	}
	wg.Wait()
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{formatMinutes(135), "2:15 h"},
		{formatMinutes(0), "0:00 h"},
		{formatMinutes(6000), "100:00 h"},
		{formatMinutes(-30), "-0:30 h"},
		{formatMilli(1500), "1.5"},
		{formatMilli(2000), "2"},
		{formatMilli(1), "0.001"},
		{formatMilli(1234567), "1,234.567"},
		{formatMilli(-250), "-0.25"},
		{formatRate(2000), "20%"},
		{formatRate(750), "7.5%"},
		{formatRate(825), "8.25%"},
		{formatRate(5), "0.05%"},
		{formatRate(0), "0%"},
		{taxLabel("VAT", 2000), "VAT 20%"},
		{taxLabel("", 1000), "Tax 10%"},
		{taxLabel("GST 15%", 1500), "GST 15%"},
		{humanStatus("partially_paid"), "Partially paid"},
		{humanStatus("issued"), ""},
		{period("2025-01-01", ""), "from 2025-01-01"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCleaner(t *testing.T) {
	cov, err := glyphs()
	if err != nil {
		t.Fatal(err)
	}
	c := cleaner{cov}
	for _, tc := range []struct{ in, want string }{
		{"Zoë Łukasiewicz €", "Zoë Łukasiewicz €"},
		{"a\tb\r\nc", "a b\nc"},
		{"bell\x07", "bell"},
		{"🎉", "\uFFFD"},
		{"ＡＢＣ", "ABC"}, // fullwidth forms
		{"Nguyễn", "Nguyen"},
		{"bad \xff byte", "bad \uFFFD byte"},
	} {
		if got := c.text(tc.in); got != tc.want {
			t.Errorf("text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := c.line("two\nlines"); got != "two lines" {
		t.Errorf("line = %q", got)
	}
	if got := c.money(123450, "INR"); got != "INR 1,234.50" {
		t.Errorf("money INR = %q", got)
	}
	if got := c.money(-5, "EUR"); got != "-€0.05" {
		t.Errorf("money EUR = %q", got)
	}
}

// TestSample writes a three-page sample to the file named by
// VADESK_PDF_SAMPLE, for looking at the layout by eye.
func TestSample(t *testing.T) {
	path := os.Getenv("VADESK_PDF_SAMPLE")
	if path == "" {
		t.Skip("set VADESK_PDF_SAMPLE=/tmp/sample.pdf to write a sample invoice")
	}
	inv := sampleInvoice(30, "EUR")
	inv.Discount = 2500
	inv.TaxTotal = money.Tax(inv.Subtotal-inv.Discount, inv.TaxRateBP)
	inv.Total = inv.Subtotal - inv.Discount + inv.TaxTotal
	inv.AmountPaid = 10000
	inv.BalanceDue = inv.Total - inv.AmountPaid
	inv.Status = "partially_paid"
	var logo bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for x := range 300 {
		for y := range 100 {
			img.Set(x, y, color.NRGBA{40, uint8(100 + x/3), 140, 255})
		}
	}
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	inv.Logo, inv.LogoType = logo.Bytes(), "png"
	inv.Timesheet = []TimesheetRow{
		{Date: "2025-03-03", Service: "Email management", Note: "Cleared 240 emails; set up filters", Minutes: 95},
		{Date: "2025-03-04", Service: "Website updates", Note: "New listings on the home page, with photo gallery and a longer note that wraps to the next line", Minutes: 40},
	}
	var buf bytes.Buffer
	if err := Render(&buf, inv); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func benchmarkRender(b *testing.B, lines int) {
	inv := sampleInvoice(lines, "EUR")
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, inv); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

func BenchmarkRender60(b *testing.B)  { benchmarkRender(b, 60) }
func BenchmarkRender600(b *testing.B) { benchmarkRender(b, 600) }
