package httpapi

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/pdf"
)

type invoiceHandler struct{ svc *billing.Service }

type invoiceLineJSON struct {
	ID              int64   `json:"id"`
	Position        int64   `json:"position"`
	Kind            string  `json:"kind"`
	Description     string  `json:"description"`
	QuantityMinutes *int64  `json:"quantity_minutes"`
	QuantityMilli   *int64  `json:"quantity_milli"`
	UnitPrice       int64   `json:"unit_price"`
	Amount          int64   `json:"amount"`
	ServiceID       *int64  `json:"service_id"`
	ProjectID       *int64  `json:"project_id"`
	TaskID          *int64  `json:"task_id"`
	EntryIDs        []int64 `json:"entry_ids"`
	ExpenseIDs      []int64 `json:"expense_ids"`
}

type invoiceSummaryJSON struct {
	ID         int64      `json:"id"`
	Number     *string    `json:"number"`
	Status     string     `json:"status"`
	Overdue    bool       `json:"overdue"`
	ClientID   int64      `json:"client_id"`
	ClientName string     `json:"client_name"`
	Currency   string     `json:"currency"`
	GroupBy    string     `json:"group_by"`
	IssueDate  *string    `json:"issue_date"`
	DueDate    *string    `json:"due_date"`
	PeriodFrom string     `json:"period_from"`
	PeriodTo   string     `json:"period_to"`
	Subtotal   int64      `json:"subtotal"`
	Discount   int64      `json:"discount"`
	TaxName    string     `json:"tax_name"`
	TaxRate    int64      `json:"tax_rate"`
	TaxTotal   int64      `json:"tax_total"`
	Total      int64      `json:"total"`
	AmountPaid int64      `json:"amount_paid"`
	BalanceDue int64      `json:"balance_due"`
	Notes      string     `json:"notes"`
	Footer     string     `json:"footer"`
	Version    int64      `json:"version"`
	IssuedAt   *time.Time `json:"issued_at"`
	VoidedAt   *time.Time `json:"voided_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// invoiceJSON is the full invoice: the summary and every line.
type invoiceJSON struct {
	invoiceSummaryJSON
	Lines []invoiceLineJSON `json:"lines"`
}

func toInvoiceSummary(inv billing.Invoice) invoiceSummaryJSON {
	return invoiceSummaryJSON{ID: inv.ID, Number: inv.Number, Status: inv.Status, Overdue: inv.Overdue, ClientID: inv.ClientID,
		ClientName: inv.ClientName, Currency: inv.Currency, GroupBy: inv.GroupBy, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		PeriodFrom: inv.PeriodFrom, PeriodTo: inv.PeriodTo, Subtotal: inv.Subtotal, Discount: inv.Discount,
		TaxName: inv.TaxName, TaxRate: inv.TaxRate, TaxTotal: inv.TaxTotal, Total: inv.Total, AmountPaid: inv.AmountPaid,
		BalanceDue: inv.BalanceDue(), Notes: inv.Notes, Footer: inv.Footer, Version: inv.Version, IssuedAt: inv.IssuedAt,
		VoidedAt: inv.VoidedAt, CreatedAt: inv.CreatedAt, UpdatedAt: inv.UpdatedAt}
}

func toInvoice(inv billing.Invoice) invoiceJSON {
	out := invoiceJSON{invoiceSummaryJSON: toInvoiceSummary(inv)}
	out.Lines = make([]invoiceLineJSON, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		jl := invoiceLineJSON{ID: l.ID, Position: l.Position, Kind: l.Kind, Description: l.Description,
			QuantityMinutes: l.QuantityMinutes, QuantityMilli: l.QuantityMilli, UnitPrice: l.UnitPrice, Amount: l.Amount,
			ServiceID: l.ServiceID, ProjectID: l.ProjectID, TaskID: l.TaskID, EntryIDs: l.EntryIDs, ExpenseIDs: l.ExpenseIDs}
		if jl.EntryIDs == nil {
			jl.EntryIDs = []int64{}
		}
		if jl.ExpenseIDs == nil {
			jl.ExpenseIDs = []int64{}
		}
		out.Lines = append(out.Lines, jl)
	}
	return out
}

type invoiceCreateRequest struct {
	ClientID  *int64  `json:"client_id"`
	From      *string `json:"from"`
	To        *string `json:"to"`
	GroupBy   *string `json:"group_by"`
	Notes     *string `json:"notes"`
	Footer    *string `json:"footer"`
	Discount  *int64  `json:"discount"`
	TaxRate   *int64  `json:"tax_rate"`
	TaxName   *string `json:"tax_name"`
	IssueDate *string `json:"issue_date"`
	DueDate   *string `json:"due_date"`
}

type invoicePatchRequest struct {
	Notes     *string          `json:"notes"`
	Footer    *string          `json:"footer"`
	Discount  *int64           `json:"discount"`
	TaxRate   *int64           `json:"tax_rate"`
	TaxName   *string          `json:"tax_name"`
	IssueDate Optional[string] `json:"issue_date"`
	DueDate   Optional[string] `json:"due_date"`
	Version   *int64           `json:"version"`
}

type invoiceLineRequest struct {
	Description   *string `json:"description"`
	QuantityMilli *int64  `json:"quantity_milli"`
	UnitPrice     *int64  `json:"unit_price"`
}

func (r invoiceLineRequest) toDomain() billing.LineInput {
	return billing.LineInput{Description: r.Description, QuantityMilli: r.QuantityMilli, UnitPrice: r.UnitPrice}
}

type paymentJSON struct {
	ID        int64     `json:"id"`
	InvoiceID int64     `json:"invoice_id"`
	Amount    int64     `json:"amount"`
	Date      string    `json:"date"`
	Method    string    `json:"method"`
	Reference string    `json:"reference"`
	CreatedAt time.Time `json:"created_at"`
}

func toPayment(p billing.Payment) paymentJSON {
	return paymentJSON{ID: p.ID, InvoiceID: p.InvoiceID, Amount: p.Amount, Date: p.Date, Method: p.Method,
		Reference: p.Reference, CreatedAt: p.CreatedAt}
}

type paymentRequest struct {
	Amount    *int64  `json:"amount"`
	Date      *string `json:"date"`
	Method    *string `json:"method"`
	Reference *string `json:"reference"`
}

func (h *invoiceHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	before, err := lp.afterID()
	if err != nil {
		return err
	}
	clientID, err := queryID(c, "client_id")
	if err != nil {
		return err
	}
	f := billing.Filter{ClientID: clientID, Status: c.QueryParam("status"), From: c.QueryParam("from"),
		To: c.QueryParam("to"), BeforeID: before, Limit: lp.Limit + 1}
	rows, err := h.svc.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(rows, lp.Limit, func(i billing.Invoice) int64 { return i.ID }, toInvoiceSummary))
}

func (h *invoiceHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.svc.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInvoice(inv))
}

func (h *invoiceHandler) create(c echo.Context) error {
	var r invoiceCreateRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	d := billing.Draft{From: orEmpty(r.From), To: orEmpty(r.To), GroupBy: orEmpty(r.GroupBy), Notes: r.Notes, Footer: r.Footer,
		Discount: r.Discount, TaxRate: r.TaxRate, TaxName: r.TaxName, IssueDate: r.IssueDate, DueDate: r.DueDate}
	if r.ClientID != nil {
		d.ClientID = *r.ClientID
	}
	inv, err := h.svc.Create(c.Request().Context(), d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInvoice(inv))
}

func (h *invoiceHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r invoicePatchRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	inv, err := h.svc.Update(c.Request().Context(), id, billing.Patch{Notes: r.Notes, Footer: r.Footer,
		Discount: r.Discount, TaxRate: r.TaxRate, TaxName: r.TaxName, IssueDate: r.IssueDate.Ptr(),
		DueDate: r.DueDate.Ptr(), Version: r.Version})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInvoice(inv))
}

func (h *invoiceHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// lifecycle answers the invoice after one of the steps that take no body
// (refresh, issue, void).
func (h *invoiceHandler) lifecycle(step func(*billing.Service, context.Context, int64) (billing.Invoice, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		inv, err := step(h.svc, c.Request().Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toInvoice(inv))
	}
}

func (h *invoiceHandler) addLine(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r invoiceLineRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	inv, err := h.svc.AddLine(c.Request().Context(), id, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInvoice(inv))
}

func (h *invoiceHandler) updateLine(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lid, err := pathID(c, "line_id")
	if err != nil {
		return err
	}
	var r invoiceLineRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	inv, err := h.svc.UpdateLine(c.Request().Context(), id, lid, r.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInvoice(inv))
}

func (h *invoiceHandler) deleteLine(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lid, err := pathID(c, "line_id")
	if err != nil {
		return err
	}
	inv, err := h.svc.DeleteLine(c.Request().Context(), id, lid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInvoice(inv))
}

func (h *invoiceHandler) listPayments(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ps, err := h.svc.Payments(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := Page[paymentJSON]{Items: make([]paymentJSON, len(ps))}
	for i, p := range ps {
		out.Items[i] = toPayment(p)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *invoiceHandler) addPayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r paymentRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	p, err := h.svc.AddPayment(c.Request().Context(), id, billing.PaymentInput{Amount: r.Amount, Date: r.Date,
		Method: r.Method, Reference: r.Reference})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPayment(p))
}

func (h *invoiceHandler) deletePayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(c, "payment_id")
	if err != nil {
		return err
	}
	if err := h.svc.DeletePayment(c.Request().Context(), id, pid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// pdf answers the invoice as a PDF. The data is read first and the document
// drawn afterwards, outside any transaction.
func (h *invoiceHandler) pdf(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ts, err := queryBool(c, "timesheet")
	if err != nil {
		return err
	}
	doc, err := h.svc.Document(c.Request().Context(), id, billing.DocumentOptions{Timesheet: ts != nil && *ts})
	if err != nil {
		return err
	}
	return writePDF(c, doc)
}

// writePDF answers doc as a PDF download, for staff and portal alike. It is
// drawn into memory first (an invoice is tens of kilobytes) so a rendering
// failure is still a clean problem answer rather than half a file.
func writePDF(c echo.Context, doc billing.Document) error {
	var buf bytes.Buffer
	if err := pdf.Render(&buf, doc.PDF); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, attachment(doc.Filename))
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// attachment is a Content-Disposition that saves the answer as name.
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
