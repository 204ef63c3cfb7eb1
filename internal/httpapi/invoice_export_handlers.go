package httpapi

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/pdf"
)

// invoiceExportHandler streams what an accountant receives: a CSV of
// invoices and a ZIP of their PDFs. Both are written as they are read, a
// chunk of invoices at a time, so a year of invoices never sits in memory.
type invoiceExportHandler struct {
	svc *billing.Service
	log *slog.Logger
	now func() time.Time
}

// Chunk sizes: rows per CSV read, documents per ZIP read.
const (
	invoiceCSVChunk = 200
	invoiceZIPChunk = 20
)

var invoiceCSVHeader = []string{"number", "status", "client", "client_code", "issue_date", "due_date",
	"period_from", "period_to", "currency", "subtotal", "discount", "tax_name", "tax_rate_percent", "tax_total",
	"total", "amount_paid", "balance_due"}

func (h *invoiceExportHandler) csv(c echo.Context) error {
	ctx := c.Request().Context()
	ids, err := h.svc.ExportIDs(ctx, c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, attachment(invoiceExportName(c, "csv")))
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	if err := writeInvoicesCSV(ctx, h.svc, ids, res, res.Flush); err != nil {
		h.abort(c, err)
	}
	return nil
}

func (h *invoiceExportHandler) zip(c echo.Context) error {
	ctx := c.Request().Context()
	ids, err := h.svc.ExportIDs(ctx, c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "application/zip")
	res.Header().Set(echo.HeaderContentDisposition, attachment(invoiceExportName(c, "zip")))
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	if err := h.writeZIP(ctx, ids, res); err != nil {
		h.abort(c, err)
	}
	return nil
}

// writeZIP writes invoices.csv and then one PDF per invoice straight into
// the response; only one invoice's PDF is in memory at a time.
func (h *invoiceExportHandler) writeZIP(ctx context.Context, ids []int64, res *echo.Response) error {
	modified := h.now()
	zw := zip.NewWriter(res)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "invoices.csv", Method: zip.Deflate, Modified: modified})
	if err != nil {
		return err
	}
	if err := writeInvoicesCSV(ctx, h.svc, ids, w, nil); err != nil {
		return err
	}
	used := map[string]bool{"invoices.csv": true}
	for start := 0; start < len(ids); start += invoiceZIPChunk {
		docs, err := h.svc.Documents(ctx, ids[start:min(start+invoiceZIPChunk, len(ids))], billing.DocumentOptions{})
		if err != nil {
			return err
		}
		for _, d := range docs {
			name := d.Filename
			for n := 2; used[name]; n++ {
				name = strings.TrimSuffix(d.Filename, ".pdf") + "-" + strconv.Itoa(n) + ".pdf"
			}
			used[name] = true
			// PDFs are compressed already; storing them saves the CPU.
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: modified})
			if err != nil {
				return err
			}
			if err := pdf.Render(w, d.PDF); err != nil {
				return err
			}
		}
		res.Flush()
	}
	return zw.Close()
}

// abort ends a streamed answer that failed after its status was sent: the
// connection is cut instead of the body finishing normally, so the client
// sees an error and never mistakes a truncated CSV or ZIP for a whole one.
func (h *invoiceExportHandler) abort(c echo.Context, err error) {
	if c.Request().Context().Err() != nil {
		return // the client went away; there is no one to tell
	}
	h.log.Error("invoice export failed mid-stream", "request_id", requestID(c), "path", c.Request().URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// invoiceExportName is the download's file name, with the period when one
// is given: invoices-2026-10-01_2026-12-31.zip.
func invoiceExportName(c echo.Context, ext string) string {
	base := "invoices"
	if from, to := c.QueryParam("from"), c.QueryParam("to"); from != "" || to != "" {
		base += "-" + from + "_" + to
	}
	return strings.Trim(base, "_-") + "." + ext
}

// writeInvoicesCSV writes the invoices as RFC 4180 CSV with a header row,
// money as decimals in major units beside a currency column; flush, when
// set, pushes each chunk to the client.
func writeInvoicesCSV(ctx context.Context, svc *billing.Service, ids []int64, w io.Writer, flush func()) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(invoiceCSVHeader); err != nil {
		return err
	}
	for start := 0; start < len(ids); start += invoiceCSVChunk {
		rows, err := svc.Summaries(ctx, ids[start:min(start+invoiceCSVChunk, len(ids))])
		if err != nil {
			return err
		}
		for _, r := range rows {
			cur := r.Currency
			if err := cw.Write([]string{
				csvText(orEmpty(r.Number)), r.Status, csvText(r.ClientName), csvText(r.ClientCode), orEmpty(r.IssueDate),
				orEmpty(r.DueDate), r.PeriodFrom, r.PeriodTo, cur, csvMoney(r.Subtotal, cur), csvMoney(r.Discount, cur),
				csvText(r.TaxName), csvPercent(r.TaxRate), csvMoney(r.TaxTotal, cur), csvMoney(r.Total, cur),
				csvMoney(r.AmountPaid, cur), csvMoney(r.BalanceDue(), cur),
			}); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if flush != nil {
			flush()
		}
	}
	cw.Flush()
	return cw.Error()
}

func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// csvText guards a text cell against spreadsheet formula injection: a
// value starting with = + - @ or a control character would be run as a
// formula by Excel or LibreOffice, so it gets a leading apostrophe
// (OWASP's advice).
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvMoney writes minor units as a plain decimal in major units of the
// currency, e.g. 123450 USD → "1234.50", 1235 JPY → "1235", -5 → "-0.05".
func csvMoney(amount int64, currency string) string {
	digits := money.Lookup(currency).Digits
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	if digits == 0 {
		return sign + strconv.FormatInt(amount, 10)
	}
	div := int64(1)
	for range digits {
		div *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, amount/div, digits, amount%div)
}

// csvPercent writes basis points as a percentage with two decimals: 2000 → "20.00".
func csvPercent(bp int64) string { return fmt.Sprintf("%d.%02d", bp/100, bp%100) }
