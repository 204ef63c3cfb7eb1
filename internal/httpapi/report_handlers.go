package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/reports"
)

type reportHandler struct{ svc *reports.Service }

type amountJSON struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount"`
}

func toAmounts(as []reports.Amount) []amountJSON {
	out := make([]amountJSON, len(as))
	for i, a := range as {
		out[i] = amountJSON{Currency: a.Currency, Amount: a.Amount}
	}
	return out
}

type intervalJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type hoursGroupJSON struct {
	ID              *int64       `json:"id"`
	Label           string       `json:"label"`
	Minutes         int64        `json:"minutes"`
	BillableMinutes int64        `json:"billable_minutes"`
	Amounts         []amountJSON `json:"amounts"`
}

type hoursRowJSON struct {
	Start           string       `json:"start"`
	GroupID         *int64       `json:"group_id"`
	Minutes         int64        `json:"minutes"`
	BillableMinutes int64        `json:"billable_minutes"`
	Amounts         []amountJSON `json:"amounts"`
}

type hoursJSON struct {
	From            string           `json:"from"`
	To              string           `json:"to"`
	GroupBy         string           `json:"group_by"`
	Interval        string           `json:"interval"`
	Timezone        string           `json:"timezone"`
	Intervals       []intervalJSON   `json:"intervals"`
	Groups          []hoursGroupJSON `json:"groups"`
	Rows            []hoursRowJSON   `json:"rows"`
	Minutes         int64            `json:"minutes"`
	BillableMinutes int64            `json:"billable_minutes"`
	Amounts         []amountJSON     `json:"amounts"`
}

func toHours(r reports.HoursReport) hoursJSON {
	out := hoursJSON{From: r.From, To: r.To, GroupBy: r.GroupBy, Interval: r.Interval, Timezone: r.Timezone,
		Intervals: make([]intervalJSON, len(r.Intervals)), Groups: make([]hoursGroupJSON, len(r.Groups)),
		Rows: make([]hoursRowJSON, len(r.Rows)), Minutes: r.Minutes, BillableMinutes: r.BillableMinutes,
		Amounts: toAmounts(r.Amounts)}
	for i, iv := range r.Intervals {
		out.Intervals[i] = intervalJSON{Start: iv.Start, End: iv.End}
	}
	for i, g := range r.Groups {
		out.Groups[i] = hoursGroupJSON{ID: g.ID, Label: g.Label, Minutes: g.Minutes, BillableMinutes: g.BillableMinutes,
			Amounts: toAmounts(g.Amounts)}
	}
	for i, row := range r.Rows {
		out.Rows[i] = hoursRowJSON{Start: r.Intervals[row.Interval].Start, GroupID: row.GroupID, Minutes: row.Minutes,
			BillableMinutes: row.BillableMinutes, Amounts: toAmounts(row.Amounts)}
	}
	return out
}

func (h *reportHandler) hours(c echo.Context) error {
	rep, err := h.svc.Hours(c.Request().Context(), reports.HoursQuery{From: c.QueryParam("from"), To: c.QueryParam("to"),
		GroupBy: c.QueryParam("group_by"), Interval: c.QueryParam("interval")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toHours(rep))
}

type unbilledClientJSON struct {
	ClientID        int64   `json:"client_id"`
	ClientName      string  `json:"client_name"`
	Currency        string  `json:"currency"`
	Entries         int64   `json:"entries"`
	BillableMinutes int64   `json:"billable_minutes"`
	TimeAmount      int64   `json:"time_amount"`
	OldestEntry     *string `json:"oldest_entry_date"`
	Expenses        int64   `json:"expenses"`
	ExpenseAmount   int64   `json:"expense_amount"`
	OldestExpense   *string `json:"oldest_expense_date"`
	Total           int64   `json:"total"`
}

type unbilledJSON struct {
	Clients []unbilledClientJSON `json:"clients"`
	Totals  []amountJSON         `json:"totals"`
}

func (h *reportHandler) unbilled(c echo.Context) error {
	rep, err := h.svc.Unbilled(c.Request().Context())
	if err != nil {
		return err
	}
	out := unbilledJSON{Clients: make([]unbilledClientJSON, len(rep.Clients)), Totals: toAmounts(rep.Totals)}
	for i, u := range rep.Clients {
		out.Clients[i] = unbilledClientJSON{ClientID: u.ClientID, ClientName: u.ClientName, Currency: u.Currency,
			Entries: u.Entries, BillableMinutes: u.BillableMinutes, TimeAmount: u.TimeAmount, OldestEntry: u.OldestEntry,
			Expenses: u.Expenses, ExpenseAmount: u.ExpenseAmount, OldestExpense: u.OldestExpense, Total: u.Total}
	}
	return c.JSON(http.StatusOK, out)
}

type agingBucketsJSON struct {
	Current    int64 `json:"current"`
	Days1To30  int64 `json:"days_1_30"`
	Days31To60 int64 `json:"days_31_60"`
	Days61To90 int64 `json:"days_61_90"`
	Over90     int64 `json:"days_over_90"`
	Total      int64 `json:"total"`
}

func toBuckets(b reports.AgingBuckets) agingBucketsJSON {
	return agingBucketsJSON{Current: b.Current, Days1To30: b.Days1To30, Days31To60: b.Days31To60,
		Days61To90: b.Days61To90, Over90: b.Over90, Total: b.Total}
}

type agingClientJSON struct {
	ClientID   int64  `json:"client_id"`
	ClientName string `json:"client_name"`
	Currency   string `json:"currency"`
	Invoices   int64  `json:"invoices"`
	agingBucketsJSON
}

type agingTotalJSON struct {
	Currency string `json:"currency"`
	agingBucketsJSON
}

type agingJSON struct {
	AsOf    string            `json:"as_of"`
	Clients []agingClientJSON `json:"clients"`
	Totals  []agingTotalJSON  `json:"totals"`
}

func (h *reportHandler) aging(c echo.Context) error {
	rep, err := h.svc.Aging(c.Request().Context(), c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	out := agingJSON{AsOf: rep.AsOf, Clients: make([]agingClientJSON, len(rep.Clients)), Totals: make([]agingTotalJSON, len(rep.Totals))}
	for i, a := range rep.Clients {
		out.Clients[i] = agingClientJSON{ClientID: a.ClientID, ClientName: a.ClientName, Currency: a.Currency,
			Invoices: a.Invoices, agingBucketsJSON: toBuckets(a.AgingBuckets)}
	}
	for i, t := range rep.Totals {
		out.Totals[i] = agingTotalJSON{Currency: t.Currency, agingBucketsJSON: toBuckets(t.AgingBuckets)}
	}
	return c.JSON(http.StatusOK, out)
}

type revenueMonthJSON struct {
	Month  string       `json:"month"`
	Issued []amountJSON `json:"issued"`
	Paid   []amountJSON `json:"paid"`
}

type revenueClientJSON struct {
	ClientID            int64  `json:"client_id"`
	ClientName          string `json:"client_name"`
	Currency            string `json:"currency"`
	Invoices            int64  `json:"invoices"`
	Invoiced            int64  `json:"invoiced"`
	Paid                int64  `json:"paid"`
	BilledMinutes       int64  `json:"billed_minutes"`
	EffectiveHourlyRate *int64 `json:"effective_hourly_rate"`
}

type revenueJSON struct {
	From        string              `json:"from"`
	To          string              `json:"to"`
	Interval    string              `json:"interval"`
	Months      []revenueMonthJSON  `json:"months"`
	TotalIssued []amountJSON        `json:"total_issued"`
	TotalPaid   []amountJSON        `json:"total_paid"`
	Clients     []revenueClientJSON `json:"clients"`
}

func (h *reportHandler) revenue(c echo.Context) error {
	rep, err := h.svc.Revenue(c.Request().Context(), c.QueryParam("from"), c.QueryParam("to"), c.QueryParam("interval"))
	if err != nil {
		return err
	}
	out := revenueJSON{From: rep.From, To: rep.To, Interval: rep.Interval, Months: make([]revenueMonthJSON, len(rep.Months)),
		TotalIssued: toAmounts(rep.TotalIssued), TotalPaid: toAmounts(rep.TotalPaid), Clients: make([]revenueClientJSON, len(rep.Clients))}
	for i, m := range rep.Months {
		out.Months[i] = revenueMonthJSON{Month: m.Month, Issued: toAmounts(m.Issued), Paid: toAmounts(m.Paid)}
	}
	for i, rc := range rep.Clients {
		out.Clients[i] = revenueClientJSON{ClientID: rc.ClientID, ClientName: rc.ClientName, Currency: rc.Currency,
			Invoices: rc.Invoices, Invoiced: rc.Invoiced, Paid: rc.Paid, BilledMinutes: rc.BilledMinutes,
			EffectiveHourlyRate: rc.EffectiveHourlyRate}
	}
	return c.JSON(http.StatusOK, out)
}
