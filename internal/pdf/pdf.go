// Package pdf renders invoices as PDF documents.
//
// It takes plain values (strings, minor units of money, minutes) so it knows
// nothing of the database or the billing rules; the billing code computes
// every amount and this package only lays them out. Text is UTF-8 and set in
// the Go fonts, embedded as subsets, so names such as "Zoë Łukasiewicz" print
// and can be searched and copied from the PDF.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Party is who sends or receives the invoice.
type Party struct{ Name, Company, Address, Email, Phone, TaxID string }

// Line is one row of the invoice's line table.
type Line struct {
	Description     string
	QuantityMinutes *int64 // time lines: shown as hours:minutes, e.g. "2:15 h"
	QuantityMilli   *int64 // other lines: quantity in thousandths, e.g. 1500 = "1.5"
	UnitPrice       int64  // minor units (hourly rate for time lines)
	Amount          int64  // minor units
}

// TimesheetRow is one time entry in the timesheet appended to an invoice.
type TimesheetRow struct {
	Date          string // YYYY-MM-DD
	Service, Note string
	Minutes       int64
}

// Invoice is everything printed on an invoice. Amounts are minor units of
// Currency, already computed by the caller; nothing is recalculated here.
// Discount and AmountPaid are printed as deductions ("-€10.00"); Status is
// printed only when it tells the reader something (paid, partially paid,
// void); the tax line appears when TaxName, TaxRateBP or TaxTotal is set.
type Invoice struct {
	Title  string // "Invoice", or "Draft invoice" for drafts
	Number string // may be "" for drafts
	Status string

	IssueDate, DueDate, PeriodFrom, PeriodTo string // YYYY-MM-DD, may be ""

	Currency       string // ISO 4217
	From           Party  // the practice
	PaymentDetails string // multi-line text
	To             Party  // the client

	Lines              []Line
	Subtotal, Discount int64
	TaxName            string
	TaxRateBP          int64
	TaxTotal           int64

	Total, AmountPaid, BalanceDue int64

	Notes, Footer string
	Logo          []byte
	LogoType      string         // "png" or "jpg"; optional
	Timesheet     []TimesheetRow // optional: when non-empty, a timesheet page after the totals
}

// Render writes inv as a PDF to w. The same input always gives the same
// bytes: the document dates come from the issue date, not the clock.
// Nothing is written to w unless rendering succeeds; a logo that is not a
// readable PNG or JPEG is an error.
func Render(w io.Writer, inv Invoice) (err error) {
	// gofpdf is unmaintained and has panicked on inputs nobody foresaw (the
	// text cleaning in this package covers the ones we know). An invoice
	// with odd content must fail as an error for one request, not take the
	// server down.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: rendering failed: %v", p)
		}
	}()

	cov, err := glyphs()
	if err != nil {
		return fmt.Errorf("pdf: fonts: %w", err)
	}
	var lg *logo
	if len(inv.Logo) > 0 {
		if lg, err = prepareLogo(inv.Logo, inv.LogoType); err != nil {
			return err
		}
	}

	r := newRenderer(inv, cleaner{cov})
	r.document(lg)
	if err := r.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := r.f.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// documentDate is the fixed creation date written into the PDF: the issue
// date, else the Unix epoch. gofpdf would use the current time, which makes
// two renderings of the same invoice differ byte for byte.
func documentDate(issue string) time.Time {
	if t, err := time.Parse(time.DateOnly, issue); err == nil {
		return t
	}
	return time.Unix(0, 0).UTC()
}

// newPDF sets up an empty A4 document with the Go fonts.
func newPDF(title, author string, date time.Time) *gofpdf.Fpdf {
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true) // deterministic order of fonts and images in the output
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetCreator("vadesk", true)
	// AliasNbPages must come before the fonts are added: gofpdf decides then
	// which glyphs to reserve for the page-count placeholder.
	f.AliasNbPages(nbAlias)
	// Each document gets its own copy of the font bytes: when gofpdf builds
	// the font subset it appends padding to slices of the bytes it was given,
	// writing into the shared goregular/gobold arrays (a data race between
	// concurrent renders, caught by TestRenderConcurrent under -race).
	f.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(goregular.TTF))
	f.AddUTF8FontFromBytes(fontFamily, "B", bytes.Clone(gobold.TTF))
	return f
}
