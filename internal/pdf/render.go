package pdf

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Page geometry and type sizes, in millimetres and points. A4 because most
// of a VA's clients outside North America expect it, and US printers scale
// it to Letter without losing anything at these margins.
const (
	pageHeight = 297.0
	marginX    = 18.0
	marginTop  = 16.0

	bodySize  = 9.0 // pt
	lineH     = 4.3 // mm per line of body text
	cellPad   = 1.8 // mm of horizontal padding inside table cells
	rowPad    = 1.5 // mm above and below the text of a table row
	smallSize = 7.5 // pt, page footer
	smallH    = 3.3 // mm per line of small text

	// footerBodyLimit is how many lines of invoice footer text fit in the
	// page footer; a longer footer is printed once, after the notes.
	footerBodyLimit = 3

	nbAlias = "{nb}"
)

// Colours, as RGB.
var (
	colText  = [3]int{33, 33, 33}
	colMuted = [3]int{110, 110, 110}
	colRule  = [3]int{215, 215, 215}
	colFill  = [3]int{243, 243, 243}
)

// renderer holds one document being laid out.
type renderer struct {
	f            *gofpdf.Fpdf
	inv          Invoice
	c            cleaner
	left, right  float64 // x of the margins
	width        float64 // right - left
	bottom       float64 // y below which the body must not go
	footerLines  []string
	footerInBody bool
}

func newRenderer(inv Invoice, c cleaner) *renderer {
	title := c.line(inv.Title)
	if title == "" {
		title = "Invoice"
	}
	inv.Title = title
	inv.Number = c.line(inv.Number)
	inv.Currency = strings.ToUpper(strings.TrimSpace(inv.Currency))
	docTitle := strings.TrimSpace(title + " " + inv.Number)
	author := c.line(inv.From.Name)
	if author == "" {
		author = c.line(inv.From.Company)
	}
	f := newPDF(docTitle, author, documentDate(inv.IssueDate))
	pw, _ := f.GetPageSize()
	return &renderer{f: f, inv: inv, c: c, left: marginX, right: pw - marginX, width: pw - 2*marginX}
}

// document lays out the whole invoice.
func (r *renderer) document(lg *logo) {
	f := r.f
	f.SetMargins(marginX, marginTop, marginX)
	f.SetCellMargin(0)
	f.SetTextColor(colText[0], colText[1], colText[2])
	f.SetDrawColor(colRule[0], colRule[1], colRule[2])
	f.SetLineWidth(0.2)

	// The page footer's height depends on the invoice footer text, so it is
	// measured before the first page sets the bottom margin.
	r.setFont("", smallSize)
	if ft := r.c.text(r.inv.Footer); strings.TrimSpace(ft) != "" {
		r.footerLines = r.split(ft, r.width)
		if len(r.footerLines) > footerBodyLimit {
			r.footerLines, r.footerInBody = nil, true
		}
	}
	r.bottom = footerTop(len(r.footerLines)) - 5
	f.SetAutoPageBreak(true, pageHeight-r.bottom)
	f.SetFooterFunc(r.pageFooter)

	f.AddPage()
	r.header(lg)
	r.parties()
	r.lineTable()
	r.totals()
	r.section("Payment details", r.inv.PaymentDetails)
	r.section("Notes", r.inv.Notes)
	if r.footerInBody {
		r.section("", r.inv.Footer)
	}
	if len(r.inv.Timesheet) > 0 {
		r.timesheet()
	}
}

func (r *renderer) setFont(style string, size float64) {
	r.f.SetFont(fontFamily, style, size)
}

func (r *renderer) color(c [3]int) {
	r.f.SetTextColor(c[0], c[1], c[2])
}

// split wraps s (already cleaned) to width w in the current font; it always
// returns at least one line so callers can size rows from it.
func (r *renderer) split(s string, w float64) []string {
	lines := r.f.SplitText(s, w)
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

// ensure starts a new page when h millimetres do not fit on this one.
func (r *renderer) ensure(h float64) {
	if r.f.GetY()+h > r.bottom+0.01 {
		r.f.AddPage()
	}
}

// pageFooter runs at the end of every page.
func (r *renderer) pageFooter() {
	f := r.f
	r.setFont("", smallSize)
	r.color(colMuted)
	// AddPage restores fonts and colours after the footer but not the cell
	// margin, and the footer also runs when a table breaks across pages.
	defer f.SetCellMargin(f.GetCellMargin())
	f.SetCellMargin(0)
	f.SetY(footerTop(len(r.footerLines)))
	for _, l := range r.footerLines {
		f.SetX(r.left)
		f.CellFormat(r.width, smallH, l, "", 2, "C", false, 0, "")
	}
	ref := r.inv.Title
	if r.inv.Number != "" {
		ref += " " + r.inv.Number
	}
	// The page count is only known when the document is closed, so gofpdf
	// replaces the alias then. The text is centred because the alias is wider
	// than the number it becomes: centred, that shifts the line by a
	// millimetre; right-aligned, it would leave a visible gap at the margin.
	f.SetXY(r.left, pageLineY)
	f.CellFormat(r.width, smallH, ref+"  ·  Page "+strconv.Itoa(f.PageNo())+" of "+nbAlias, "", 0, "C", false, 0, "")
	r.color(colText)
}

// pageLineY is where the "Page N of M" line starts.
const pageLineY = pageHeight - 10 - smallH

// footerTop is where the page footer starts when it carries n lines of the
// invoice's footer text above the page line.
func footerTop(n int) float64 {
	return pageLineY - float64(n)*smallH - 1
}

// header writes the practice block, the logo and the title.
func (r *renderer) header(lg *logo) {
	f := r.f
	top := marginTop
	logoW, logoH := 0.0, 0.0
	if lg != nil {
		logoW, logoH = fitBox(float64(lg.width), float64(lg.height), 55, 22)
		opts := gofpdf.ImageOptions{ImageType: lg.kind}
		f.RegisterImageOptionsReader("logo", opts, bytes.NewReader(lg.data))
		if f.Err() {
			return
		}
		f.ImageOptions("logo", r.right-logoW, top, logoW, logoH, false, opts, 0, "")
	}
	blockW := r.width
	if lg != nil {
		blockW -= logoW + 8
	}

	from := r.inv.From
	name, company := r.c.line(from.Name), r.c.line(from.Company)
	if name == "" {
		name, company = company, ""
	}
	if company == name {
		company = ""
	}
	f.SetXY(r.left, top)
	if name != "" {
		r.setFont("B", 13)
		r.lines(r.split(name, blockW), blockW, 5.6, "L")
	}
	r.setFont("", bodySize)
	r.color(colMuted)
	for _, s := range []string{company, r.c.text(from.Address), taxID(r.c.line(from.TaxID)), joinNonEmpty("  ·  ", r.c.line(from.Email), r.c.line(from.Phone))} {
		if strings.TrimSpace(s) != "" {
			r.lines(r.split(s, blockW), blockW, lineH, "L")
		}
	}
	r.color(colText)

	y := math.Max(f.GetY(), top+logoH) + 8
	r.setFont("B", 22)
	title := r.inv.Title
	// Text() draws at a baseline, which lets the number sit on the title's
	// baseline in a smaller size.
	base := y + 8
	f.Text(r.left, base, title)
	if r.inv.Number != "" {
		tw := f.GetStringWidth(title)
		r.setFont("", 14)
		r.color(colMuted)
		f.Text(r.left+tw+4, base, r.inv.Number)
		r.color(colText)
	}
	f.SetXY(r.left, base+6)
}

// parties writes the "Bill to" block and the dates beside it.
func (r *renderer) parties() {
	f := r.f
	top := f.GetY()
	metaW := 72.0
	metaX := r.right - metaW
	billW := metaX - 8 - r.left

	to := r.inv.To
	name, company := r.c.line(to.Name), r.c.line(to.Company)
	if name == "" {
		name, company = company, ""
	}
	if company == name {
		company = ""
	}
	f.SetXY(r.left, top)
	r.setFont("B", smallSize)
	r.color(colMuted)
	f.CellFormat(billW, 4.5, "BILL TO", "", 2, "L", false, 0, "")
	r.color(colText)
	if name != "" {
		r.setFont("B", 10.5)
		r.lines(r.split(name, billW), billW, 5, "L")
	}
	r.setFont("", bodySize)
	for _, s := range []string{company, r.c.text(to.Address), taxID(r.c.line(to.TaxID)), r.c.line(to.Email), r.c.line(to.Phone)} {
		if strings.TrimSpace(s) != "" {
			r.lines(r.split(s, billW), billW, lineH, "L")
		}
	}
	billBottom := f.GetY()

	type kv struct{ k, v string }
	var meta []kv
	for _, m := range []kv{
		{"Issue date", r.c.line(r.inv.IssueDate)},
		{"Due date", r.c.line(r.inv.DueDate)},
		{"Period", period(r.c.line(r.inv.PeriodFrom), r.c.line(r.inv.PeriodTo))},
		{"Status", humanStatus(r.inv.Status)},
	} {
		if m.v != "" {
			meta = append(meta, m)
		}
	}
	y := top + 4.5 // level with the first line under "BILL TO"
	for _, m := range meta {
		f.SetXY(metaX, y)
		r.setFont("", bodySize)
		r.color(colMuted)
		f.CellFormat(26, 5, m.k, "", 0, "L", false, 0, "")
		r.color(colText)
		r.setFont("B", bodySize)
		r.fitCell(metaW-26, 5, m.v, "R", false)
		y += 5
	}
	f.SetXY(r.left, math.Max(billBottom, y)+8)
}

// lines writes already wrapped lines at the current x, one under another.
func (r *renderer) lines(ls []string, w, h float64, align string) {
	x := r.f.GetX()
	for _, l := range ls {
		r.f.SetX(x)
		r.f.CellFormat(w, h, l, "", 2, align, false, 0, "")
	}
}

// fitCell writes one line of text in a cell, shrinking the type when the
// text is wider than the cell (a very large amount in a narrow column)
// rather than letting it run into its neighbour.
func (r *renderer) fitCell(w, h float64, s, align string, fill bool) {
	f := r.f
	size, _ := f.GetFontSize()
	fit := size
	for fit > 5 && f.GetStringWidth(s) > w-2*f.GetCellMargin() {
		fit -= 0.5
		f.SetFontSize(fit)
	}
	f.CellFormat(w, h, s, "", 0, align, fill, 0, "")
	if fit != size {
		f.SetFontSize(size)
	}
}

// column describes one column of a table.
type column struct {
	title string
	width float64
	align string
	wrap  bool // long text wraps onto more lines; otherwise it is shrunk to fit
}

// row is one row of a table; cells are cleaned single-line or wrapped text.
type row struct {
	cells []string
	bold  bool
}

// table writes a table whose header row is repeated at the top of every
// page the table runs onto. A row taller than a whole page (a description
// of several thousand characters) is split between pages instead of
// overflowing the footer.
func (r *renderer) table(cols []column, rows []row) {
	f := r.f
	f.SetCellMargin(cellPad)
	defer f.SetCellMargin(0)
	const headH = 7.0

	header := func() {
		f.SetX(r.left)
		r.setFont("B", 8.5)
		r.color(colMuted)
		f.SetFillColor(colFill[0], colFill[1], colFill[2])
		for _, c := range cols {
			f.CellFormat(c.width, headH, c.title, "", 0, c.align, true, 0, "")
		}
		f.Ln(headH)
		r.color(colText)
	}
	// A header needs at least one line of a row under it.
	r.ensure(headH + lineH + 2*rowPad)
	header()

	for _, rw := range rows {
		style := ""
		if rw.bold {
			style = "B"
		}
		r.setFont(style, bodySize)
		wrapped := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			text := ""
			if i < len(rw.cells) {
				text = rw.cells[i]
			}
			if c.wrap {
				wrapped[i] = r.split(text, c.width)
			} else {
				wrapped[i] = []string{text}
			}
			n = max(n, len(wrapped[i]))
		}
		pageRoom := r.bottom - marginTop - headH - 2*rowPad
		for from := 0; from < n; {
			room := r.bottom - f.GetY() - 2*rowPad
			rest := n - from
			fitsHere := float64(rest)*lineH <= room+0.01
			fitsFresh := float64(rest)*lineH <= pageRoom+0.01
			if !fitsHere && (fitsFresh && from == 0 || room < lineH) {
				f.AddPage()
				header()
				r.setFont(style, bodySize)
				continue
			}
			k := rest
			if !fitsHere {
				k = int((room + 0.01) / lineH)
			}
			y := f.GetY() + rowPad
			x := r.left
			for i, c := range cols {
				for j := 0; j < k && from+j < len(wrapped[i]); j++ {
					f.SetXY(x, y+float64(j)*lineH)
					if c.wrap {
						f.CellFormat(c.width, lineH, wrapped[i][from+j], "", 0, c.align, false, 0, "")
					} else if from == 0 {
						r.fitCell(c.width, lineH, wrapped[i][0], c.align, false)
					}
				}
				x += c.width
			}
			end := y + float64(k)*lineH + rowPad
			f.Line(r.left, end, r.right, end)
			f.SetXY(r.left, end)
			from += k
		}
	}
	r.setFont("", bodySize)
}

// lineTable writes the invoice lines.
func (r *renderer) lineTable() {
	qtyW, unitW, amtW := 22.0, 30.0, 32.0
	cols := []column{
		{"Description", r.width - qtyW - unitW - amtW, "L", true},
		{"Qty", qtyW, "R", false},
		{"Unit price", unitW, "R", false},
		{"Amount", amtW, "R", false},
	}
	rows := make([]row, 0, len(r.inv.Lines))
	for _, l := range r.inv.Lines {
		qty := ""
		switch {
		case l.QuantityMinutes != nil:
			qty = formatMinutes(*l.QuantityMinutes)
		case l.QuantityMilli != nil:
			qty = formatMilli(*l.QuantityMilli)
		}
		unit := ""
		// Without a quantity a unit price means nothing, unless one was set.
		if qty != "" || l.UnitPrice != 0 {
			unit = r.c.money(l.UnitPrice, r.inv.Currency)
		}
		rows = append(rows, row{cells: []string{r.c.text(l.Description), qty, unit, r.c.money(l.Amount, r.inv.Currency)}})
	}
	r.table(cols, rows)
}

// totals writes the block of sums under the line table, aligned with the
// Amount column.
func (r *renderer) totals() {
	f := r.f
	inv := r.inv
	money := func(a int64) string { return r.c.money(a, inv.Currency) }
	type total struct {
		label, value string
		strong       bool
	}
	rows := []total{{"Subtotal", money(inv.Subtotal), false}}
	if inv.Discount != 0 {
		// Shown as a deduction whichever sign the caller stored it with.
		rows = append(rows, total{"Discount", money(-abs(inv.Discount)), false})
	}
	if inv.TaxName != "" || inv.TaxRateBP != 0 || inv.TaxTotal != 0 {
		rows = append(rows, total{taxLabel(r.c.line(inv.TaxName), inv.TaxRateBP), money(inv.TaxTotal), false})
	}
	rows = append(rows, total{"Total", money(inv.Total), true})
	if inv.AmountPaid != 0 {
		rows = append(rows, total{"Paid", money(-inv.AmountPaid), false})
	}

	const rowH, labelW, valueW = 6.0, 50.0, 32.0
	blockH := float64(len(rows))*rowH + 2 + 8
	f.SetY(f.GetY() + 3)
	r.ensure(blockH)
	x := r.right - labelW - valueW
	f.SetCellMargin(cellPad)
	defer f.SetCellMargin(0)
	for _, t := range rows {
		style := ""
		if t.strong {
			style = "B"
			y := f.GetY()
			f.Line(x, y, r.right, y)
		}
		r.setFont(style, bodySize)
		f.SetX(x)
		f.CellFormat(labelW, rowH, t.label, "", 0, "L", false, 0, "")
		r.fitCell(valueW, rowH, t.value, "R", false)
		f.Ln(rowH)
	}
	f.SetY(f.GetY() + 2)
	f.SetX(x)
	f.SetFillColor(colFill[0], colFill[1], colFill[2])
	r.setFont("B", 11)
	f.CellFormat(labelW, 8, "Balance due", "", 0, "L", true, 0, "")
	r.fitCell(valueW, 8, money(inv.BalanceDue), "R", true)
	f.Ln(8)
	f.SetY(f.GetY() + 6)
	r.setFont("", bodySize)
}

// section writes a heading and a block of free text (payment details,
// notes), keeping the heading with at least two lines of its text.
func (r *renderer) section(title, body string) {
	f := r.f
	text := strings.TrimSpace(r.c.text(body))
	if text == "" {
		return
	}
	headH := 0.0
	if title != "" {
		headH = 6
	}
	r.ensure(headH + 2*lineH)
	f.SetX(r.left)
	if title != "" {
		r.setFont("B", 9.5)
		f.CellFormat(r.width, headH, title, "", 2, "L", false, 0, "")
	} else {
		r.color(colMuted)
	}
	r.setFont("", bodySize)
	f.MultiCell(r.width, lineH, text, "", "L", false)
	r.color(colText)
	f.SetY(f.GetY() + 5)
}

// timesheet writes the time entries behind the invoice on a page of their own.
func (r *renderer) timesheet() {
	f := r.f
	f.AddPage()
	f.SetX(r.left)
	r.setFont("B", 14)
	f.CellFormat(r.width, 8, "Timesheet", "", 2, "L", false, 0, "")
	r.setFont("", bodySize)
	r.color(colMuted)
	sub := joinNonEmpty("  ·  ", strings.TrimSpace(r.inv.Title+" "+r.inv.Number), period(r.c.line(r.inv.PeriodFrom), r.c.line(r.inv.PeriodTo)))
	f.CellFormat(r.width, lineH, sub, "", 2, "L", false, 0, "")
	r.color(colText)
	f.SetY(f.GetY() + 4)

	dateW, serviceW, timeW := 24.0, 42.0, 22.0
	cols := []column{
		{"Date", dateW, "L", false},
		{"Service", serviceW, "L", true},
		{"Note", r.width - dateW - serviceW - timeW, "L", true},
		{"Time", timeW, "R", false},
	}
	rows := make([]row, 0, len(r.inv.Timesheet)+1)
	var sum int64
	for _, t := range r.inv.Timesheet {
		sum += t.Minutes
		rows = append(rows, row{cells: []string{r.c.line(t.Date), r.c.text(t.Service), r.c.text(t.Note), formatMinutes(t.Minutes)}})
	}
	rows = append(rows, row{cells: []string{"Total", "", "", formatMinutes(sum)}, bold: true})
	r.table(cols, rows)
}

// fitBox scales w×h to fit inside maxW×maxH, keeping the aspect ratio.
func fitBox(w, h, maxW, maxH float64) (float64, float64) {
	s := math.Min(maxW/w, maxH/h)
	return w * s, h * s
}

// taxLabel names the tax line, e.g. "VAT 20%". A name that already carries
// its rate ("VAT 20%") is used as it is.
func taxLabel(name string, bp int64) string {
	if name == "" {
		name = "Tax"
	}
	if strings.Contains(name, "%") {
		return name
	}
	return name + " " + formatRate(bp)
}

func taxID(id string) string {
	if id == "" {
		return ""
	}
	return "Tax ID: " + id
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
