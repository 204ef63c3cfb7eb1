package httpapi

import (
	"github.com/labstack/echo/v4"
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
	api := group{e: e, prefix: "/api/v1"}

	ah := &authHandler{svc: s.Auth, cfg: d.Config}
	api.GET("/setup", ah.setupStatus)
	api.POST("/setup", ah.setup)
	api.POST("/signup", ah.signup)
	api.POST("/auth/login", ah.login)
	api.POST("/auth/logout", ah.logout)

	authed := api.with(authenticate(s.Auth))
	authed.GET("/me", ah.me)
	authed.POST("/me/password", ah.changePassword)

	staff := authed.with(allow(tenant.Owner, tenant.Assistant))
	owner := authed.with(allow(tenant.Owner))

	staff.GET("/tokens", ah.listTokens)
	staff.POST("/tokens", ah.createToken)
	staff.DELETE("/tokens/:id", ah.revokeToken)

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
}
