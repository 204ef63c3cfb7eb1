package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/tenant"
)

// group registers routes under a prefix with middleware attached to each
// route. (Echo's Group.Use would also add catch-all routes that turn a wrong
// method into a 404 instead of a 405.)
type group struct {
	e      *echo.Echo
	prefix string
	mw     []echo.MiddlewareFunc
}

func (g group) with(mw ...echo.MiddlewareFunc) group {
	return group{e: g.e, prefix: g.prefix, mw: append(append([]echo.MiddlewareFunc{}, g.mw...), mw...)}
}

func (g group) GET(p string, h echo.HandlerFunc)    { g.e.GET(g.prefix+p, h, g.mw...) }
func (g group) POST(p string, h echo.HandlerFunc)   { g.e.POST(g.prefix+p, h, g.mw...) }
func (g group) PUT(p string, h echo.HandlerFunc)    { g.e.PUT(g.prefix+p, h, g.mw...) }
func (g group) PATCH(p string, h echo.HandlerFunc)  { g.e.PATCH(g.prefix+p, h, g.mw...) }
func (g group) DELETE(p string, h echo.HandlerFunc) { g.e.DELETE(g.prefix+p, h, g.mw...) }

// routes is the route table of the API. Each group states who may call it;
// every handler below it gets a scoped request context.
func routes(e *echo.Echo, d Deps) {
	s := d.Services
	api := group{e: e, prefix: "/api/v1", mw: []echo.MiddlewareFunc{clientAddress}}

	ah := &authHandler{svc: s.Auth, cfg: d.Config}
	api.GET("/setup", ah.setupStatus)
	api.POST("/setup", ah.setup)
	api.POST("/signup", ah.signup)
	api.POST("/auth/login", ah.login)
	api.POST("/auth/logout", ah.logout)
	pth := &portalHandler{svc: s.Portal, docs: s.Billing, auth: ah, retainers: s.Retainers}
	api.POST("/portal/accept", pth.accept)

	authed := api.with(authenticate(s.Auth))
	authed.GET("/me", ah.me)
	authed.POST("/me/password", ah.changePassword)

	staff := authed.with(allow(tenant.Owner, tenant.Assistant))
	owner := authed.with(allow(tenant.Owner))

	staff.GET("/tokens", ah.listTokens)
	staff.POST("/tokens", ah.createToken)
	staff.DELETE("/tokens/:id", ah.revokeToken)

	uh := &userHandler{svc: s.Auth}
	owner.GET("/users", uh.list)
	owner.POST("/users", uh.create)
	owner.GET("/users/:id", uh.get)
	owner.PATCH("/users/:id", uh.update)
	owner.DELETE("/users/:id", uh.disable)

	adh := &auditHandler{svc: s.Audit}
	owner.GET("/audit", adh.list)

	// The portal: client users only, every query narrowed to their client.
	client := authed.with(allow(tenant.Client))
	client.GET("/portal/me", pth.me)
	client.GET("/portal/projects", pth.projects)
	client.GET("/portal/tasks", pth.tasks)
	client.POST("/portal/tasks", pth.requestTask)
	client.GET("/portal/time-entries", pth.timeEntries)
	client.GET("/portal/invoices", pth.invoices)
	client.GET("/portal/invoices/:id", pth.invoice)
	client.GET("/portal/invoices/:id/pdf", pth.invoicePDF)
	client.GET("/portal/retainer", pth.retainer)

	sh := &settingsHandler{svc: s.Practice}
	staff.GET("/settings", sh.get)
	owner.PATCH("/settings", sh.update)

	svh := &serviceHandler{svc: s.Catalog}
	staff.GET("/services", svh.list)
	staff.GET("/services/:id", svh.get)
	owner.POST("/services", svh.create)
	owner.PATCH("/services/:id", svh.update)
	owner.DELETE("/services/:id", svh.delete)

	ch := &clientHandler{svc: s.Clients, practice: s.Practice}
	staff.GET("/clients", ch.list)
	staff.GET("/clients/:id", ch.get)
	owner.POST("/clients", ch.create)
	owner.PATCH("/clients/:id", ch.update)
	owner.DELETE("/clients/:id", ch.delete)
	staff.GET("/clients/:id/contacts", ch.listContacts)
	staff.GET("/clients/:id/contacts/:contact_id", ch.getContact)
	owner.POST("/clients/:id/contacts", ch.createContact)
	owner.PATCH("/clients/:id/contacts/:contact_id", ch.updateContact)
	owner.DELETE("/clients/:id/contacts/:contact_id", ch.deleteContact)
	owner.GET("/clients/:id/rates", ch.listRates)
	owner.GET("/clients/:id/rates/:service_id", ch.getRate)
	owner.PUT("/clients/:id/rates/:service_id", ch.putRate)
	owner.DELETE("/clients/:id/rates/:service_id", ch.deleteRate)
	pah := &portalAdminHandler{svc: s.Portal, cfg: d.Config, now: d.Now}
	owner.POST("/clients/:id/portal-invites", pah.invite)
	owner.DELETE("/clients/:id/portal-invites/:invite_id", pah.revokeInvite)
	owner.GET("/clients/:id/portal-users", pah.access)
	owner.DELETE("/clients/:id/portal-users/:user_id", pah.revokeUser)

	ph := &projectHandler{svc: s.Projects}
	staff.GET("/projects", ph.list)
	staff.GET("/projects/:id", ph.get)
	owner.POST("/projects", ph.create)
	owner.PATCH("/projects/:id", ph.update)
	owner.DELETE("/projects/:id", ph.delete)

	th := &taskHandler{svc: s.Tasks}
	staff.GET("/tasks", th.list)
	staff.GET("/tasks/:id", th.get)
	staff.POST("/tasks", th.create)
	staff.PATCH("/tasks/:id", th.update)
	staff.DELETE("/tasks/:id", th.delete)

	teh := &timeHandler{svc: s.Worklog}
	staff.GET("/time-entries", teh.list)
	staff.GET("/time-entries/:id", teh.get)
	staff.POST("/time-entries", teh.create)
	staff.PATCH("/time-entries/:id", teh.update)
	staff.DELETE("/time-entries/:id", teh.delete)
	staff.GET("/timer", teh.timer)
	staff.POST("/timer/start", teh.startTimer)
	staff.POST("/timer/stop", teh.stopTimer)

	xh := &expenseHandler{svc: s.Worklog}
	staff.GET("/expenses", xh.list)
	staff.GET("/expenses/:id", xh.get)
	staff.POST("/expenses", xh.create)
	staff.PATCH("/expenses/:id", xh.update)
	staff.DELETE("/expenses/:id", xh.delete)

	rh := &reportHandler{svc: s.Reports}
	owner.GET("/reports/hours", rh.hours)
	owner.GET("/reports/unbilled", rh.unbilled)
	owner.GET("/reports/aging", rh.aging)
	owner.GET("/reports/revenue", rh.revenue)

	xph := &exportHandler{svc: s.Transfer, practice: s.Practice, now: d.Now}
	owner.GET("/exports/time-entries.csv", xph.timeEntries)
	owner.GET("/exports/clients.csv", xph.clients)
	owner.GET("/exports/expenses.csv", xph.expenses)
	imh := &importHandler{svc: s.Transfer}
	owner.POST("/imports/time-entries", imh.timeEntries)

	rth := &retainerHandler{svc: s.Retainers}
	owner.GET("/clients/:id/retainers", rth.list)
	owner.POST("/clients/:id/retainers", rth.create)
	owner.GET("/clients/:id/retainers/:rid", rth.get)
	owner.PATCH("/clients/:id/retainers/:rid", rth.update)
	owner.DELETE("/clients/:id/retainers/:rid", rth.end)
	owner.GET("/clients/:id/retainers/:rid/usage", rth.usage)
	owner.POST("/clients/:id/retainers/:rid/invoices", rth.invoice)

	calh := &calendarHandler{svc: s.Calendar, baseURL: d.Config.BaseURL}
	staff.GET("/calendar-tokens", calh.list)
	staff.POST("/calendar-tokens", calh.create)
	staff.DELETE("/calendar-tokens/:id", calh.revoke)
	api.GET("/calendar/:token.ics", calh.feed) // the token is the credential

	ih := &invoiceHandler{svc: s.Billing}
	owner.GET("/invoices", ih.list)
	owner.POST("/invoices", ih.create)
	owner.GET("/invoices/:id", ih.get)
	owner.PATCH("/invoices/:id", ih.update)
	owner.DELETE("/invoices/:id", ih.delete)
	owner.POST("/invoices/:id/lines", ih.addLine)
	owner.PATCH("/invoices/:id/lines/:line_id", ih.updateLine)
	owner.DELETE("/invoices/:id/lines/:line_id", ih.deleteLine)
	owner.POST("/invoices/:id/refresh", ih.lifecycle((*billing.Service).Refresh))
	owner.POST("/invoices/:id/issue", ih.lifecycle((*billing.Service).Issue))
	owner.POST("/invoices/:id/void", ih.lifecycle((*billing.Service).Void))
	owner.GET("/invoices/:id/payments", ih.listPayments)
	owner.POST("/invoices/:id/payments", ih.addPayment)
	owner.DELETE("/invoices/:id/payments/:payment_id", ih.deletePayment)
	owner.GET("/invoices/:id/pdf", ih.pdf)

	lh := &logoHandler{billing: s.Billing, practice: s.Practice}
	owner.PUT("/settings/logo", lh.put)
	owner.DELETE("/settings/logo", lh.delete)

	ieh := &invoiceExportHandler{svc: s.Billing, log: d.Log, now: d.Now}
	owner.GET("/exports/invoices.csv", ieh.csv)
	owner.GET("/exports/invoices.zip", ieh.zip)
}
