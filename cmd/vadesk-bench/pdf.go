package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/pdf"
)

// pdfs times pdf.Render for invoices of 1, 60 and 600 lines, and a headless
// Chromium printing an HTML invoice of 60 lines to PDF, a new browser
// process each time, as browser-based invoicing tools do.
func (e *env) pdfs(ctx context.Context) error {
	res := map[string]any{}
	var medians = map[int]float64{}
	for _, n := range []int{1, 60, 600} {
		inv := sampleInvoice(n)
		var buf bytes.Buffer
		if err := pdf.Render(&buf, inv); err != nil { // warm-up: fonts parsed once per process
			return err
		}
		var ds []time.Duration
		for range e.spec.runs {
			buf.Reset()
			t0 := time.Now()
			if err := pdf.Render(&buf, inv); err != nil {
				return err
			}
			ds = append(ds, time.Since(t0))
		}
		medians[n] = medianMS(ds)
		res[fmt.Sprintf("ms_%d", n)] = round(medians[n], 2)
		res[fmt.Sprintf("bytes_%d", n)] = buf.Len()
	}
	refMS, why, err := e.chromium(ctx, sampleInvoice(60))
	if err != nil {
		return err
	}
	r := row{name: "pdf", figure: fmt.Sprintf("1 line %s, 60 lines %s, 600 lines %s", ms(medians[1]), ms(medians[60]), ms(medians[600])),
		goal: goals["pdf"]}
	if why != "" {
		e.rep.note("pdf: browser reference skipped: %s", why)
		res["reference_skipped"] = why
		r.reference, r.ratio = "skipped ("+why+")", "—"
	} else {
		speedup := refMS / medians[60]
		res["reference_ms_60"] = round(refMS, 0)
		res["speedup_60"] = round(speedup, 0)
		r.reference = fmt.Sprintf("Chromium 60 lines %s", ms(refMS))
		r.ratio = fmt.Sprintf("%s× faster", num(speedup))
		r.ok = okp(speedup >= 100)
	}
	e.rep.Results["pdf"] = res
	e.add(r)
	return nil
}

// chromium returns the median ms of printing inv as HTML to PDF with a
// fresh headless browser, or why it could not.
func (e *env) chromium(ctx context.Context, inv pdf.Invoice) (float64, string, error) {
	if e.spec.browser == 0 {
		return 0, "the browser runs are turned off", nil
	}
	var bin string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return 0, "chromium is not installed", nil
	}
	dir := filepath.Join(e.dir, "chromium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, "", err
	}
	page := filepath.Join(dir, "invoice.html")
	if err := os.WriteFile(page, []byte(invoiceHTML(inv)), 0o644); err != nil {
		return 0, "", err
	}
	var ds []time.Duration
	for i := range e.spec.browser {
		out := filepath.Join(dir, fmt.Sprintf("invoice-%d.pdf", i))
		profile := filepath.Join(dir, fmt.Sprintf("profile-%d", i))
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		cmd := exec.CommandContext(cctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
			"--user-data-dir="+profile, "--print-to-pdf="+out, "file://"+page)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		d := time.Since(t0)
		cancel()
		if err != nil {
			return 0, fmt.Sprintf("chromium failed: %v: %.200s", err, strings.TrimSpace(stderr.String())), nil
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			return 0, "chromium wrote no PDF", nil
		}
		ds = append(ds, d)
	}
	return medianMS(ds), "", nil
}

func i64(n int64) *int64 { return &n }

// sampleInvoice is an invoice with n lines, like those vadesk issues.
func sampleInvoice(n int) pdf.Invoice {
	inv := pdf.Invoice{
		Title: "Invoice", Number: "INV-2026-0042", Status: "issued",
		IssueDate: "2026-10-31", DueDate: "2026-11-14", PeriodFrom: "2026-10-01", PeriodTo: "2026-10-31",
		Currency:       "USD",
		From:           pdf.Party{Name: "Ana Ortiz", Company: "Ortiz Virtual Assistance", Address: "12 Harbor Street\nPortland, ME 04101", Email: "ana@example.com", Phone: "+1 207 555 0100"},
		To:             pdf.Party{Name: "Dana Reyes", Company: "Dana Reyes Realty", Address: "400 Congress Street\nPortland, ME 04101", Email: "dana@example.com"},
		PaymentDetails: "Bank transfer to Ortiz Virtual Assistance\nAccount 000123456789, routing 011000015",
		Notes:          "Thank you for your business!",
		Footer:         "Ortiz Virtual Assistance · Portland, Maine · ana@example.com",
	}
	services := []string{"Email and inbox management", "Website updates", "Social media management", "Project management", "Administrative support"}
	for i := range n {
		minutes := int64(15 + (i*37)%225)
		rate := int64(4000 + 500*(i%5))
		l := pdf.Line{Description: fmt.Sprintf("%s — week %d", services[i%len(services)], i+1), QuantityMinutes: i64(minutes),
			UnitPrice: rate, Amount: money.LineAmount(minutes, rate)}
		inv.Lines = append(inv.Lines, l)
		inv.Subtotal += l.Amount
	}
	inv.Total = inv.Subtotal
	inv.BalanceDue = inv.Total
	return inv
}

// invoiceHTML is inv as the HTML page a browser-based tool would print.
func invoiceHTML(inv pdf.Invoice) string {
	var b strings.Builder
	esc := html.EscapeString
	party := func(p pdf.Party) string {
		return "<strong>" + esc(p.Company) + "</strong><br>" + esc(p.Name) + "<br>" +
			strings.ReplaceAll(esc(p.Address), "\n", "<br>") + "<br>" + esc(p.Email)
	}
	fmt.Fprintf(&b, `<!doctype html><html><head><meta charset="utf-8"><title>Invoice %s</title><style>
body{font-family:Helvetica,Arial,sans-serif;font-size:10pt;color:#222;margin:18mm}
h1{font-size:22pt;margin:0 0 4mm} .meta{color:#555} .parties{display:flex;justify-content:space-between;margin:8mm 0}
table{width:100%%;border-collapse:collapse} th{background:#f0f0f0;text-align:left;padding:2mm}
td{padding:2mm;border-bottom:1px solid #ddd} td.n,th.n{text-align:right} tfoot td{font-weight:bold;border:none}
footer{margin-top:10mm;color:#777;font-size:8pt}</style></head><body>
<h1>Invoice</h1><div class="meta">No. %s · issued %s · due %s · period %s – %s</div>
<div class="parties"><div>%s</div><div>%s</div></div>
<table><thead><tr><th>Description</th><th class="n">Hours</th><th class="n">Rate</th><th class="n">Amount</th></tr></thead><tbody>`,
		esc(inv.Number), esc(inv.Number), inv.IssueDate, inv.DueDate, inv.PeriodFrom, inv.PeriodTo, party(inv.From), party(inv.To))
	for _, l := range inv.Lines {
		m := *l.QuantityMinutes
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%d:%02d h</td><td class="n">%s</td><td class="n">%s</td></tr>`,
			esc(l.Description), m/60, m%60, money.Format(l.UnitPrice, inv.Currency), money.Format(l.Amount, inv.Currency))
	}
	fmt.Fprintf(&b, `</tbody><tfoot><tr><td colspan="3" class="n">Total</td><td class="n">%s</td></tr></tfoot></table>
<p>%s</p><p>%s</p><footer>%s</footer></body></html>`,
		money.Format(inv.Total, inv.Currency), strings.ReplaceAll(esc(inv.PaymentDetails), "\n", "<br>"), esc(inv.Notes), esc(inv.Footer))
	return b.String()
}
