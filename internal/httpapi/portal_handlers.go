package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/portal"
	"github.com/vadesk/vadesk/internal/retainers"
)

// invoiceDocuments reads an invoice for printing; the billing service does,
// and the portal prints through it rather than keeping PDF code of its own.
type invoiceDocuments interface {
	Document(ctx context.Context, id int64, opt billing.DocumentOptions) (billing.Document, error)
}

// portalAdminHandler is the owner's side of the portal: invites and who has
// access to a client's portal.
type portalAdminHandler struct {
	svc *portal.Service
	cfg config.Config
	now func() time.Time
}

type inviteJSON struct {
	ID         int64      `json:"id"`
	ClientID   int64      `json:"client_id"`
	ContactID  *int64     `json:"contact_id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	CreatedAt  time.Time  `json:"created_at"`
	// Token and URL are in the answer that created the invite only.
	Token   string `json:"token,omitempty"`
	URL     string `json:"url,omitempty"`
	Emailed *bool  `json:"emailed,omitempty"`
}

func toInvite(i portal.Invite, now time.Time) inviteJSON {
	return inviteJSON{ID: i.ID, ClientID: i.ClientID, ContactID: i.ContactID, Email: i.Email, Name: i.Name,
		Status: i.Status(now), ExpiresAt: i.ExpiresAt, AcceptedAt: i.AcceptedAt, CreatedAt: i.CreatedAt}
}

type portalUserJSON struct {
	userJSON
	DisabledAt *time.Time `json:"disabled_at"`
}

type portalAccessJSON struct {
	Users   []portalUserJSON `json:"users"`
	Invites []inviteJSON     `json:"invites"`
}

func (h *portalAdminHandler) invite(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	}
	if err := bind(c, &r); err != nil {
		return err
	}
	base := h.cfg.BaseURL
	if base == "" {
		// Without VADESK_BASE_URL the link points where the owner reached
		// the server, so an e-mailed invite still works on a LAN or laptop.
		base = c.Scheme() + "://" + c.Request().Host
	}
	inv, err := h.svc.Invite(c.Request().Context(), id, portal.InviteInput{Email: r.Email, Name: r.Name, BaseURL: base})
	if err != nil {
		return err
	}
	out := toInvite(inv.Invite, inv.CreatedAt)
	out.Token, out.URL, out.Emailed = inv.Token, inv.URL, &inv.Emailed
	return c.JSON(http.StatusCreated, out)
}

func (h *portalAdminHandler) access(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.svc.Access(c.Request().Context(), id)
	if err != nil {
		return err
	}
	now := h.now()
	out := portalAccessJSON{Users: make([]portalUserJSON, len(a.Users)), Invites: make([]inviteJSON, len(a.Invites))}
	for i, u := range a.Users {
		out.Users[i] = portalUserJSON{userJSON: toUser(u), DisabledAt: u.DisabledAt}
	}
	for i, inv := range a.Invites {
		out.Invites[i] = toInvite(inv, now)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *portalAdminHandler) revokeInvite(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	iid, err := pathID(c, "invite_id")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeInvite(c.Request().Context(), id, iid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *portalAdminHandler) revokeUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "user_id")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeUser(c.Request().Context(), id, uid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// portalHandler serves client users: their own client's work, nothing else.
type portalHandler struct {
	svc       *portal.Service
	docs      invoiceDocuments
	auth      *authHandler
	retainers *retainers.Service
}

// accept turns an invite into a client user and logs them in, like login.
func (h *portalHandler) accept(c echo.Context) error {
	var r struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := bind(c, &r); err != nil {
		return err
	}
	res, err := h.svc.Accept(c.Request().Context(), r.Token, r.Password)
	if err != nil {
		return err
	}
	return h.auth.writeSession(c, res, http.StatusCreated)
}

type portalMeJSON struct {
	User     userJSON `json:"user"`
	Client   idName   `json:"client"`
	Practice idName   `json:"practice"`
	Currency string   `json:"currency"`
	Locale   string   `json:"locale"`
	Timezone string   `json:"timezone"`
}

type idName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (h *portalHandler) me(c echo.Context) error {
	m, err := h.svc.Me(c.Request().Context())
	if err != nil {
		return err
	}
	out := portalMeJSON{User: toUser(m.User), Practice: idName{ID: m.User.PracticeID, Name: m.PracticeName},
		Currency: m.Currency, Locale: m.Locale, Timezone: m.Timezone}
	if m.User.ClientID != nil {
		out.Client = idName{ID: *m.User.ClientID, Name: m.ClientName}
	}
	return c.JSON(http.StatusOK, out)
}

type portalProjectJSON struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toPortalProject(p portal.Project) portalProjectJSON {
	return portalProjectJSON{ID: p.ID, Name: p.Name, Description: p.Description, Status: p.Status, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// portalPage reads limit and cursor for the portal's lists.
func portalPage(c echo.Context, newestFirst bool) (portal.Page, int, error) {
	lp, err := readList(c)
	if err != nil {
		return portal.Page{}, 0, err
	}
	id, err := lp.afterID()
	if err != nil {
		return portal.Page{}, 0, err
	}
	pg := portal.Page{Limit: lp.Limit + 1}
	if newestFirst {
		pg.BeforeID = id
	} else {
		pg.AfterID = id
	}
	return pg, lp.Limit, nil
}

func (h *portalHandler) projects(c echo.Context) error {
	pg, limit, err := portalPage(c, false)
	if err != nil {
		return err
	}
	ps, err := h.svc.Projects(c.Request().Context(), pg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(ps, limit, func(p portal.Project) int64 { return p.ID }, toPortalProject))
}

type portalTaskJSON struct {
	ID          int64     `json:"id"`
	ProjectID   *int64    `json:"project_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	DueOn       *string   `json:"due_on"`
	Priority    string    `json:"priority"`
	Requested   bool      `json:"requested"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toPortalTask(t portal.Task) portalTaskJSON {
	return portalTaskJSON{ID: t.ID, ProjectID: t.ProjectID, Title: t.Title, Description: t.Description, Status: t.Status,
		DueOn: t.DueOn, Priority: t.Priority, Requested: t.RequestedByID != nil, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (h *portalHandler) tasks(c echo.Context) error {
	pg, limit, err := portalPage(c, false)
	if err != nil {
		return err
	}
	ts, err := h.svc.Tasks(c.Request().Context(), portal.TaskFilter{Status: c.QueryParam("status"), Page: pg})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(ts, limit, func(t portal.Task) int64 { return t.ID }, toPortalTask))
}

func (h *portalHandler) requestTask(c echo.Context) error {
	var r struct {
		Title       string           `json:"title"`
		Description string           `json:"description"`
		DueOn       Optional[string] `json:"due_on"` // null: no date, as when left out
	}
	if err := bind(c, &r); err != nil {
		return err
	}
	t, err := h.svc.RequestTask(c.Request().Context(), portal.TaskRequest{Title: r.Title, Description: r.Description, DueOn: r.DueOn.OrNil()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPortalTask(t))
}

// portalEntryJSON is billable time as the client sees it: no internal note,
// no rate, no amount.
type portalEntryJSON struct {
	ID              int64  `json:"id"`
	Date            string `json:"date"`
	ServiceName     string `json:"service_name"`
	ProjectID       *int64 `json:"project_id"`
	TaskID          *int64 `json:"task_id"`
	Minutes         int64  `json:"minutes"`
	BillableMinutes int64  `json:"billable_minutes"`
	Note            string `json:"note"`
}

func (h *portalHandler) timeEntries(c echo.Context) error {
	pg, limit, err := portalPage(c, true)
	if err != nil {
		return err
	}
	es, loc, err := h.svc.TimeEntries(c.Request().Context(), portal.EntryFilter{From: c.QueryParam("from"), To: c.QueryParam("to"), Page: pg})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(es, limit, func(e portal.Entry) int64 { return e.ID }, func(e portal.Entry) portalEntryJSON {
		return portalEntryJSON{ID: e.ID, Date: e.StartedAt.In(loc).Format(time.DateOnly), ServiceName: e.ServiceName,
			ProjectID: e.ProjectID, TaskID: e.TaskID, Minutes: e.Minutes, BillableMinutes: e.BillableMinutes, Note: e.Note}
	}))
}

type portalInvoiceJSON struct {
	ID         int64      `json:"id"`
	Number     *string    `json:"number"`
	Status     string     `json:"status"`
	Overdue    bool       `json:"overdue"`
	Currency   string     `json:"currency"`
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
	IssuedAt   *time.Time `json:"issued_at"`
	VoidedAt   *time.Time `json:"voided_at"`

	Lines    []portalLineJSON    `json:"lines,omitempty"`
	Payments []portalPaymentJSON `json:"payments,omitempty"`
}

type portalLineJSON struct {
	ID              int64  `json:"id"`
	Kind            string `json:"kind"`
	Description     string `json:"description"`
	QuantityMinutes *int64 `json:"quantity_minutes"`
	QuantityMilli   *int64 `json:"quantity_milli"`
	UnitPrice       int64  `json:"unit_price"`
	Amount          int64  `json:"amount"`
}

type portalPaymentJSON struct {
	ID     int64  `json:"id"`
	Date   string `json:"date"`
	Amount int64  `json:"amount"`
}

func toPortalInvoice(i portal.Invoice) portalInvoiceJSON {
	return portalInvoiceJSON{ID: i.ID, Number: i.Number, Status: i.Status, Overdue: i.Overdue, Currency: i.Currency,
		IssueDate: i.IssueDate, DueDate: i.DueDate, PeriodFrom: i.PeriodFrom, PeriodTo: i.PeriodTo, Subtotal: i.Subtotal,
		Discount: i.Discount, TaxName: i.TaxName, TaxRate: i.TaxRate, TaxTotal: i.TaxTotal, Total: i.Total,
		AmountPaid: i.AmountPaid, BalanceDue: i.Balance(), Notes: i.Notes, Footer: i.Footer, IssuedAt: i.IssuedAt, VoidedAt: i.VoidedAt}
}

func (h *portalHandler) invoices(c echo.Context) error {
	pg, limit, err := portalPage(c, true)
	if err != nil {
		return err
	}
	is, err := h.svc.Invoices(c.Request().Context(), portal.InvoiceFilter{Status: c.QueryParam("status"), Page: pg})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageByID(is, limit, func(i portal.Invoice) int64 { return i.ID }, toPortalInvoice))
}

func (h *portalHandler) invoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.svc.Invoice(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := toPortalInvoice(inv)
	out.Lines = make([]portalLineJSON, len(inv.Lines))
	for i, l := range inv.Lines {
		out.Lines[i] = portalLineJSON{ID: l.ID, Kind: l.Kind, Description: l.Description, QuantityMinutes: l.QuantityMinutes,
			QuantityMilli: l.QuantityMilli, UnitPrice: l.UnitPrice, Amount: l.Amount}
	}
	out.Payments = make([]portalPaymentJSON, len(inv.Payments))
	for i, p := range inv.Payments {
		out.Payments[i] = portalPaymentJSON{ID: p.ID, Date: p.Date, Amount: p.Amount}
	}
	return c.JSON(http.StatusOK, out)
}

// invoicePDF is the invoice's PDF with its timesheet, printed by billing
// from the client user's scope (so it, too, only finds their invoices).
func (h *portalHandler) invoicePDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.svc.InvoiceForPDF(ctx, id); err != nil {
		return err
	}
	doc, err := h.docs.Document(ctx, id, billing.DocumentOptions{Timesheet: true})
	if err != nil {
		return err
	}
	return writePDF(c, doc)
}

// portalRetainerJSON is what a client sees of their package of hours this
// month: the hours, never the VA's rates.
type portalRetainerJSON struct {
	Name              string `json:"name"`
	Period            string `json:"period"`
	From              string `json:"from"`
	To                string `json:"to"`
	IncludedMinutes   int64  `json:"included_minutes"`
	RolledOverMinutes int64  `json:"rolled_over_minutes"`
	UsedMinutes       int64  `json:"used_minutes"`
	RemainingMinutes  int64  `json:"remaining_minutes"`
	OverageMinutes    int64  `json:"overage_minutes"`
}

// retainer answers the hours left in the client's retainer this month, or
// null when no retainer runs this month.
func (h *portalHandler) retainer(c echo.Context) error {
	p, ok := principalOf(c)
	if !ok || p.User.ClientID == nil {
		return apperr.Forbidden("only client users have a portal")
	}
	us, err := h.retainers.Current(c.Request().Context(), *p.User.ClientID)
	if err != nil {
		return err
	}
	if len(us) == 0 {
		return c.JSON(http.StatusOK, map[string]any{"retainer": nil})
	}
	u := us[0]
	return c.JSON(http.StatusOK, map[string]any{"retainer": portalRetainerJSON{
		Name: u.Name, Period: u.Period, From: u.From, To: u.To, IncludedMinutes: u.IncludedMinutes,
		RolledOverMinutes: u.RolledOverMinutes, UsedMinutes: u.UsedMinutes, RemainingMinutes: u.RemainingMinutes,
		OverageMinutes: u.OverageMinutes,
	}})
}
