// Package app is the composition root's library: it builds every domain
// service over one store and clock and wires them to each other and to the
// mailer. cmd/vadesk, the API tests and the benchmark build the same graph
// through New, so what they test is what runs; the HTTP layer takes the
// result (httpapi imports app, never the other way round).
package app

import (
	"time"

	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/calendar"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/portal"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/reports"
	"github.com/vadesk/vadesk/internal/retainers"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/transfer"
	"github.com/vadesk/vadesk/internal/worklog"
)

// Services are the domain services, wired to each other.
type Services struct {
	Auth      *auth.Service
	Practice  *practice.Service
	Catalog   *catalog.Catalog
	Clients   *clients.Clients
	Projects  *projects.Projects
	Tasks     *projects.Tasks
	Worklog   *worklog.Service
	Reports   *reports.Service
	Transfer  *transfer.Service
	Retainers *retainers.Service
	Calendar  *calendar.Service
	Billing   *billing.Service
	Audit     *audit.Log
	Portal    *portal.Service
}

// New wires every domain service over one store and clock. With an SMTP
// relay in cfg, portal invites also go out by e-mail; without one they
// are only shown to the VA.
func New(cfg config.Config, st *store.Store, now func() time.Time) Services {
	authSvc := auth.New(st, now)
	// One billing service for the API and the retainers: the retainers
	// teach it to rebuild their lines when a draft of theirs is refreshed.
	bill := billing.New(st, now)
	// An assistant's timer stops when the owner takes its client from them.
	wl := worklog.New(st, now)
	authSvc.StopTimersWith(wl.StopTimerOutside)
	pt := portal.New(st, authSvc, now)
	if cfg.SMTP.Host != "" {
		pt.UseMailer(portal.NewSMTPMailer(cfg.SMTP))
	}
	return Services{
		Auth:      authSvc,
		Practice:  practice.NewService(st),
		Catalog:   catalog.New(st),
		Clients:   clients.New(st),
		Projects:  projects.New(st),
		Tasks:     projects.NewTasks(st),
		Worklog:   wl,
		Reports:   reports.New(st, now),
		Transfer:  transfer.New(st, now),
		Retainers: retainers.New(st, bill, now),
		Calendar:  calendar.New(st, now),
		Billing:   bill,
		Audit:     audit.New(st),
		Portal:    pt,
	}
}
