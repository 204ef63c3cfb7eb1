package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/worklog"
)

type expenseHandler struct{ svc *worklog.Service }

type expenseJSON struct {
	ID             int64     `json:"id"`
	ClientID       int64     `json:"client_id"`
	ProjectID      *int64    `json:"project_id"`
	Date           string    `json:"date"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Description    string    `json:"description"`
	Billable       bool      `json:"billable"`
	InvoiceID      *int64    `json:"invoice_id"`
	DraftInvoiceID *int64    `json:"draft_invoice_id"`
	Locked         bool      `json:"locked"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func toExpense(x worklog.Expense) expenseJSON {
	return expenseJSON{ID: x.ID, ClientID: x.ClientID, ProjectID: x.ProjectID, Date: x.Date, Amount: x.Amount,
		Currency: x.Currency, Description: x.Description, Billable: x.Billable, InvoiceID: x.InvoiceID,
		DraftInvoiceID: x.DraftInvoiceID, Locked: x.Locked(), Version: x.Version, CreatedAt: x.CreatedAt,
		UpdatedAt: x.UpdatedAt}
}

type expenseRequest struct {
	ClientID    *int64          `json:"client_id"`
	ProjectID   Optional[int64] `json:"project_id"`
	Date        *string         `json:"date"`
	Amount      *int64          `json:"amount"`
	Description *string         `json:"description"`
	Billable    *bool           `json:"billable"`
	Version     *int64          `json:"version"`
}

func (r expenseRequest) toDomain() (worklog.ExpenseInput, error) {
	var c apperr.Check
	in := worklog.ExpenseInput{ClientID: r.ClientID, ProjectID: refID(&c, "project_id", r.ProjectID), Date: r.Date,
		Amount: r.Amount, Description: r.Description, Billable: r.Billable, Version: r.Version}
	return in, c.Err()
}

func (h *expenseHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	f := worklog.ExpenseFilter{From: c.QueryParam("from"), To: c.QueryParam("to"), Limit: lp.Limit + 1}
	if lp.Cursor != nil {
		id, err := strconv.ParseInt(lp.Cursor[len(lp.Cursor)-1], 10, 64)
		if err != nil || len(lp.Cursor) != 2 {
			return apperr.Invalid("cursor", "is not a cursor this API gave out")
		}
		f.After = &worklog.ExpenseCursor{Date: lp.Cursor[0], ID: id}
	}
	if f.ClientID, err = queryID(c, "client_id"); err != nil {
		return err
	}
	if f.ProjectID, err = queryID(c, "project_id"); err != nil {
		return err
	}
	if f.Billable, err = queryBool(c, "billable"); err != nil {
		return err
	}
	if f.Invoiced, err = queryBool(c, "invoiced"); err != nil {
		return err
	}
	rows, err := h.svc.ListExpenses(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := Page[expenseJSON]{Items: make([]expenseJSON, 0, min(len(rows), lp.Limit))}
	for i, x := range rows {
		if i == lp.Limit {
			last := rows[i-1]
			out.NextCursor = encodeCursor(last.Date, strconv.FormatInt(last.ID, 10))
			break
		}
		out.Items = append(out.Items, toExpense(x))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *expenseHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	x, err := h.svc.GetExpense(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toExpense(x))
}

func (h *expenseHandler) create(c echo.Context) error {
	var r expenseRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	if r.Version != nil {
		return invalid("version", "is only for updates")
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	x, err := h.svc.CreateExpense(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toExpense(x))
}

func (h *expenseHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r expenseRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	x, err := h.svc.UpdateExpense(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toExpense(x))
}

func (h *expenseHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteExpense(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
