package seed

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

// DemoOptions tune Demo.
type DemoOptions struct {
	// Password of the demo owner; empty makes one up (and reports it).
	Password string
	// Force adds the demo to a practice that already has clients.
	Force bool
	// Now is the clock; the demo's month of work ends today.
	Now func() time.Time
	// API is the real router over the same store and clock, wired as the
	// server wires it (httpapi over app.New): the demo is made through it.
	// Seed takes it rather than building it so that it stays below the HTTP
	// layer in the import order.
	API http.Handler
}

// DemoResult is what Demo made.
type DemoResult struct {
	Practice string
	// Email and Password log in as the owner. Password is empty when the
	// demo went into an existing practice, whose owner keeps theirs.
	Email    string
	Password string
	Clients  int
	Entries  int
	Expenses int
	Projects int
	Tasks    int
	// Retainers is 1 when the API for retainers exists, else 0.
	Retainers int
	// Invoices counts the invoices by status, with "overdue" for issued
	// invoices past their due date.
	Invoices map[string]int
	// Notes say what was left out (an API that does not exist yet).
	Notes []string
}

// DemoEmail is the demo owner's login.
const DemoEmail = "ana@ortiz-va.example"

// ErrHasClients is returned when the practice already has clients and
// Force is off: the demo is for a fresh database.
var ErrHasClients = errors.New("seed: the practice already has clients; the demo is meant for a fresh database (--force adds it anyway)")

// Demo fills st with a small practice to try vadesk with: a VA, Ana Ortiz,
// and her clients (a real-estate agent, two coaches, a bakery, a yoga
// studio, a florist) with contacts, rates, projects, tasks, six weeks of
// time entries with notes, expenses, a retainer, and invoices in every
// state: draft, issued, overdue, partially paid, paid and void. Everything but the owner is made
// through the API in-process, so rates, rounding, numbering and locks are
// the real ones. In a database without users it creates the practice and
// its owner; otherwise it adds to the first practice, as its first owner.
func Demo(ctx context.Context, st *store.Store, opt DemoOptions) (DemoResult, error) {
	if opt.API == nil {
		return DemoResult{}, errors.New("seed: the demo is made through the API, and none was given")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	res := DemoResult{Invoices: map[string]int{}}
	au := auth.New(st, opt.Now)
	fresh, err := au.NeedsSetup(ctx)
	if err != nil {
		return res, err
	}
	var email string
	if fresh {
		res.Password = opt.Password
		if res.Password == "" {
			res.Password = newPassword()
		}
		u, p, err := au.CreateUser(ctx, auth.NewUser{Email: DemoEmail, Name: "Ana Ortiz", Role: tenant.Owner,
			Practice: "Ortiz Virtual Assistance", Password: res.Password})
		if err != nil {
			return res, fmt.Errorf("seed: demo owner: %w", err)
		}
		email, res.Practice = u.Email, p.Name
	} else {
		var owner struct {
			Email, Practice string
			PracticeID      int64
		}
		err := st.ReadSQL().QueryRowContext(ctx, `SELECT u.email, p.name, p.id FROM users u JOIN practices p ON p.id = u.practice_id
			WHERE u.role = 'owner' AND u.disabled_at IS NULL ORDER BY p.id, u.id LIMIT 1`).Scan(&owner.Email, &owner.Practice, &owner.PracticeID)
		if err != nil {
			return res, fmt.Errorf("seed: find the practice's owner: %w", err)
		}
		var n int
		if err := st.ReadSQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM clients WHERE practice_id = ?", owner.PracticeID).Scan(&n); err != nil {
			return res, fmt.Errorf("seed: count clients: %w", err)
		}
		if n > 0 && !opt.Force {
			return res, ErrHasClients
		}
		email, res.Practice = owner.Email, owner.Practice
	}
	res.Email = email

	tok, raw, err := au.CreateTokenFor(ctx, email, "vadesk seed --demo")
	if err != nil {
		return res, fmt.Errorf("seed: demo token: %w", err)
	}
	a := &api{ctx: ctx, h: opt.API, auth: "Bearer " + raw}
	d := &demo{api: a, r: mrand.New(mrand.NewPCG(42, 7)), res: &res, fresh: fresh, now: opt.Now()}
	err = d.run()
	// The token was only for making the demo; it stops working now.
	if rerr := a.do(http.StatusNoContent, "DELETE", fmt.Sprintf("/tokens/%d", tok.ID), nil, nil); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

// newPassword makes a password that is easy to type from the terminal.
func newPassword() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// demo is one run of Demo.
type demo struct {
	*api
	r        *mrand.Rand
	res      *DemoResult
	fresh    bool
	now      time.Time
	loc      *time.Location
	today    time.Time // midnight, in loc
	services map[string]int64
}

// demoClient is a client of the demo and how it works with Ana.
type demoClient struct {
	name, company, industry, email, phone, website, address, code string
	rounding, terms                                               int64
	contacts                                                      [][3]string // name, e-mail, role
	rates                                                         map[string]int64
	main                                                          []string // services, the first most used
	perWeek                                                       int      // entries per week
	id                                                            int64
	projects                                                      []int64
}

func demoClients() []*demoClient {
	return []*demoClient{
		{name: "Dana Reyes Realty", company: "Dana Reyes Realty LLC", industry: "real estate", email: "dana@danareyesrealty.example",
			phone: "+1 207 555 0142", website: "https://danareyesrealty.example", address: "400 Congress Street\nPortland, ME 04101",
			code: "DRR", rounding: 15, terms: 14,
			contacts: [][3]string{{"Dana Reyes", "dana@danareyesrealty.example", "Broker and owner"}, {"Luis Ortega", "luis@danareyesrealty.example", "Transaction coordinator"}},
			rates:    map[string]int64{"Email and inbox management": 4500, "Social media management": 5000},
			main:     []string{"Email and inbox management", "Social media management", "Website updates", "Administrative support"}, perWeek: 8},
		{name: "Coach Carla Mendes", company: "Carla Mendes Coaching", industry: "coaching", email: "carla@carlamendes.example",
			phone: "+1 617 555 0188", website: "https://carlamendes.example", address: "88 Beacon Street\nBoston, MA 02108",
			code: "CCM", rounding: 6, terms: 14,
			contacts: [][3]string{{"Carla Mendes", "carla@carlamendes.example", "Coach"}},
			rates:    map[string]int64{"Administrative support": 4000},
			main:     []string{"Administrative support", "Email and inbox management", "Project management"}, perWeek: 6},
		{name: "Bright Bakery", company: "Bright Bakery Inc.", industry: "small business", email: "hello@brightbakery.example",
			phone: "+1 207 555 0117", website: "https://brightbakery.example", address: "12 Exchange Street\nPortland, ME 04101",
			code: "BB", rounding: 0, terms: 7,
			contacts: [][3]string{{"Sam Bright", "sam@brightbakery.example", "Owner"}, {"Priya Patel", "priya@brightbakery.example", "Shop manager"}},
			main:     []string{"Social media management", "Website updates"}, perWeek: 4},
		{name: "Harbor Yoga Studio", industry: "small business", email: "studio@harboryoga.example", address: "5 Fore Street\nPortland, ME 04101",
			code: "HYS", rounding: 30, terms: 14,
			contacts: [][3]string{{"Mei Nakamura", "mei@harboryoga.example", "Studio owner"}},
			main:     []string{"Administrative support", "Social media management"}, perWeek: 3},
		{name: "Maple Street Florist", industry: "small business", email: "orders@maplestreetflorist.example",
			code: "MSF", rounding: 15, terms: 14,
			contacts: [][3]string{{"Rosa Santos", "rosa@maplestreetflorist.example", "Owner"}},
			rates:    map[string]int64{"Website updates": 4500},
			main:     []string{"Website updates", "Email and inbox management"}, perWeek: 3},
		// Nadia buys a monthly package of hours: her work is billed by the
		// retainer, never by the hour.
		{name: "Nadia Ibrahim Coaching", industry: "coaching", email: "nadia@nadiaibrahim.example",
			code: "NIC", rounding: 15, terms: 7,
			contacts: [][3]string{{"Nadia Ibrahim", "nadia@nadiaibrahim.example", "Coach"}},
			main:     []string{"Email and inbox management", "Administrative support", "Social media management"}, perWeek: 4},
	}
}

func (d *demo) run() error {
	if d.fresh {
		var s struct{}
		err := d.do(http.StatusOK, "PATCH", "/settings", map[string]any{
			"timezone": "America/New_York", "email": DemoEmail, "phone": "+1 207 555 0100",
			"address":         "Ortiz Virtual Assistance\n12 Harbor Street\nPortland, ME 04101",
			"payment_details": "Bank transfer to Ortiz Virtual Assistance\nAccount 000123456789 · Routing 011000015",
			"default_notes":   "Thank you for your business!",
			"default_footer":  "Ortiz Virtual Assistance · Portland, Maine · " + DemoEmail,
		}, &s)
		if err != nil {
			return err
		}
	}
	var settings struct {
		Timezone string `json:"timezone"`
	}
	if err := d.do(http.StatusOK, "GET", "/settings", nil, &settings); err != nil {
		return err
	}
	d.loc = time.UTC
	if loc, err := time.LoadLocation(settings.Timezone); err == nil {
		d.loc = loc
	}
	n := d.now.In(d.loc)
	d.today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, d.loc)

	var services struct {
		Items []struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Archived bool   `json:"archived"`
		} `json:"items"`
	}
	if err := d.do(http.StatusOK, "GET", "/services?limit=500", nil, &services); err != nil {
		return err
	}
	d.services = map[string]int64{}
	for _, s := range services.Items {
		if !s.Archived {
			d.services[s.Name] = s.ID
		}
	}
	cls := demoClients()
	for _, c := range cls {
		if err := d.client(c); err != nil {
			return err
		}
	}
	if err := d.projectsAndTasks(cls); err != nil {
		return err
	}
	if err := d.entries(cls); err != nil {
		return err
	}
	if err := d.expenses(cls); err != nil {
		return err
	}
	if err := d.invoices(cls); err != nil {
		return err
	}
	return d.retainer(cls[5])
}

func (d *demo) client(c *demoClient) error {
	body := map[string]any{"name": c.name, "industry": c.industry, "email": c.email, "code": c.code,
		"rounding_minutes": c.rounding, "payment_terms_days": c.terms}
	for k, v := range map[string]string{"company": c.company, "phone": c.phone, "website": c.website, "address": c.address} {
		if v != "" {
			body[k] = v
		}
	}
	var got idOf
	if err := d.do(http.StatusCreated, "POST", "/clients", body, &got); err != nil {
		return err
	}
	c.id = got.ID
	d.res.Clients++
	for _, ct := range c.contacts {
		if err := d.do(http.StatusCreated, "POST", fmt.Sprintf("/clients/%d/contacts", c.id),
			map[string]any{"name": ct[0], "email": ct[1], "role": ct[2]}, nil); err != nil {
			return err
		}
	}
	for svc, rate := range c.rates {
		id, ok := d.services[svc]
		if !ok {
			continue
		}
		status, b, err := d.call("PUT", fmt.Sprintf("/clients/%d/rates/%d", c.id, id), map[string]any{"hourly_rate": rate})
		if err != nil {
			return err
		}
		if status != http.StatusOK && status != http.StatusCreated {
			return fmt.Errorf("seed: rate of %s: %d %s", c.name, status, b)
		}
	}
	// Keep only the services this practice still sells.
	var main []string
	for _, s := range c.main {
		if _, ok := d.services[s]; ok {
			main = append(main, s)
		}
	}
	if len(main) == 0 {
		for s := range d.services {
			main = append(main, s)
			break
		}
	}
	c.main = main
	return nil
}

func (d *demo) projectsAndTasks(cls []*demoClient) error {
	projects := []struct {
		client int
		body   map[string]any
	}{
		{0, map[string]any{"name": "Spring listings push", "description": "Twelve new listings: photos, copy, social posts and the open-house calendar.", "budget_minutes": 1800}},
		{1, map[string]any{"name": "Course launch", "description": "Launch of the 6-week group coaching course.", "billing": "fixed_fee", "fixed_fee": 150000}},
		{2, map[string]any{"name": "Website refresh", "description": "New menu pages and online pre-orders.", "hourly_rate": 5500}},
	}
	for _, p := range projects {
		c := cls[p.client]
		p.body["client_id"] = c.id
		var got idOf
		if err := d.do(http.StatusCreated, "POST", "/projects", p.body, &got); err != nil {
			return err
		}
		c.projects = append(c.projects, got.ID)
		d.res.Projects++
	}
	tasks := []struct {
		client                   int
		title, status, priority  string
		due                      int // days from today; 0: none
		withProject, withService bool
	}{
		{0, "Write copy for 14 Elm Street listing", "in_progress", "high", 2, true, true},
		{0, "Schedule open-house posts for Saturday", "todo", "normal", 4, true, true},
		{0, "Clean up the CRM contact list", "waiting", "low", 0, false, false},
		{1, "Set up course sales page", "in_progress", "urgent", 3, true, false},
		{1, "Send welcome e-mails to new coaching clients", "done", "normal", -2, false, true},
		{2, "Photograph and upload the holiday menu", "todo", "normal", 7, true, true},
		{3, "Update the class timetable on the website", "todo", "high", 1, false, true},
		{4, "Wedding season newsletter", "waiting", "normal", 10, false, true},
	}
	for _, t := range tasks {
		c := cls[t.client]
		body := map[string]any{"client_id": c.id, "title": t.title, "status": t.status, "priority": t.priority}
		if t.due != 0 {
			body["due_on"] = d.today.AddDate(0, 0, t.due).Format(time.DateOnly)
		}
		if t.withProject && len(c.projects) > 0 {
			body["project_id"] = c.projects[0]
		}
		if t.withService {
			body["service_id"] = d.services[c.main[0]]
		}
		if err := d.do(http.StatusCreated, "POST", "/tasks", body, nil); err != nil {
			return err
		}
		d.res.Tasks++
	}
	return nil
}

// entryMinutes are typical lengths of a VA's pieces of work.
var entryMinutes = []int64{10, 15, 20, 25, 30, 30, 40, 45, 45, 60, 60, 75, 90, 120}

// entries logs six weeks of weekday work, ending today.
func (d *demo) entries(cls []*demoClient) error {
	for day := d.today.AddDate(0, 0, -41); !day.After(d.today); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		minute := 8*60 + 30
		for _, c := range cls {
			// Each client gets its share of the week's work, at least
			// one entry in any run of three weekdays.
			if d.r.IntN(5) >= c.perWeek && int(day.Sub(d.today).Hours()/24)%3 != 0 {
				continue
			}
			for range 1 + d.r.IntN(max(1, c.perWeek/4)) {
				svc := c.main[0]
				if d.r.IntN(3) == 0 {
					svc = c.main[d.r.IntN(len(c.main))]
				}
				minutes := entryMinutes[d.r.IntN(len(entryMinutes))] + int64(d.r.IntN(7))
				start := day.Add(time.Duration(minute) * time.Minute)
				if start.After(d.now) {
					continue // nothing is logged in the future
				}
				minute += int(minutes) + 5 + d.r.IntN(20)
				body := map[string]any{"client_id": c.id, "service_id": d.services[svc],
					"started_at": start.UTC().Format(time.RFC3339), "minutes": minutes, "note": noteFor(d.r, svc)}
				if len(c.projects) > 0 && d.r.IntN(3) == 0 {
					body["project_id"] = c.projects[0]
				}
				if d.r.IntN(8) == 0 {
					body["internal_note"] = pick(d.r, internalNotes)
				}
				if err := d.do(http.StatusCreated, "POST", "/time-entries", body, nil); err != nil {
					return err
				}
				d.res.Entries++
			}
		}
	}
	return nil
}

func (d *demo) expenses(cls []*demoClient) error {
	list := []struct {
		client  int
		days    int
		amount  int64
		what    string
		billabe bool
	}{
		{0, -35, 4900, "Stock photos for the spring listings", true},
		{0, -12, 2599, "Canva Pro, one month (share)", true},
		{1, -30, 1900, "Zoom webinar add-on for the course launch", true},
		{2, -25, 1299, "Printed flyers for the holiday menu", true},
		{3, -20, 1500, "Scheduling app, one month", false},
	}
	for _, x := range list {
		body := map[string]any{"client_id": cls[x.client].id, "date": d.today.AddDate(0, 0, x.days).Format(time.DateOnly),
			"amount": x.amount, "description": x.what, "billable": x.billabe}
		if err := d.do(http.StatusCreated, "POST", "/expenses", body, nil); err != nil {
			return err
		}
		d.res.Expenses++
	}
	return nil
}

// retainer gives Nadia a monthly package of hours from the start of last
// month, and bills last month by it, when the API for retainers exists.
func (d *demo) retainer(c *demoClient) error {
	base := fmt.Sprintf("/clients/%d/retainers", c.id)
	if !d.routed("GET", base) {
		d.res.Notes = append(d.res.Notes, "no retainer: the API has no retainers yet")
		return nil
	}
	first := time.Date(d.today.Year(), d.today.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	var r idOf
	err := d.do(http.StatusCreated, "POST", base, map[string]any{
		"name": "Monthly support package", "starts_on": first.Format(time.DateOnly),
		"included_minutes": 600, "fee": 50000, "overage_hourly_rate": 5500, "rollover_minutes": 120,
	}, &r)
	if err != nil {
		return err
	}
	d.res.Retainers++
	var inv struct {
		Status string `json:"status"`
	}
	if err := d.do(http.StatusCreated, "POST", fmt.Sprintf("%s/%d/invoices", base, r.ID),
		map[string]any{"period": first.Format("2006-01"), "issue": true}, &inv); err != nil {
		return err
	}
	d.res.Invoices[inv.Status]++
	return nil
}

// invoices bills older work in every state an invoice can be in.
func (d *demo) invoices(cls []*demoClient) error {
	day := func(n int) string { return d.today.AddDate(0, 0, n).Format(time.DateOnly) }
	plans := []struct {
		client         int
		from, to, issu int
		then           string // what happens after issuing
	}{
		{0, -41, -29, -28, "paid"},
		{2, -41, -29, -28, "overdue"},
		{3, -41, -22, -21, "void"},
		{1, -41, -15, -14, "partially_paid"},
		{4, -41, -8, -7, "issued"},
		{0, -28, -1, 0, "draft"},
	}
	for _, p := range plans {
		c := cls[p.client]
		body := map[string]any{"client_id": c.id, "from": day(p.from), "to": day(p.to)}
		if p.then != "draft" {
			body["issue_date"] = day(p.issu)
		}
		var inv struct {
			ID    int64  `json:"id"`
			Total int64  `json:"total"`
			Due   string `json:"due_date"`
		}
		if err := d.do(http.StatusCreated, "POST", "/invoices", body, &inv); err != nil {
			return err
		}
		if p.then == "draft" {
			d.res.Invoices["draft"]++
			continue
		}
		if err := d.do(http.StatusOK, "POST", fmt.Sprintf("/invoices/%d/issue", inv.ID), nil, &inv); err != nil {
			return err
		}
		pay := func(amount int64, days int, method string) error {
			return d.do(http.StatusCreated, "POST", fmt.Sprintf("/invoices/%d/payments", inv.ID),
				map[string]any{"amount": amount, "date": day(days), "method": method, "reference": fmt.Sprintf("DEMO-%d", inv.ID)}, nil)
		}
		switch p.then {
		case "paid":
			if err := pay(inv.Total, -20, "bank transfer"); err != nil {
				return err
			}
		case "partially_paid":
			if err := pay(inv.Total/2, -5, "card"); err != nil {
				return err
			}
		case "void":
			if err := d.do(http.StatusOK, "POST", fmt.Sprintf("/invoices/%d/void", inv.ID), nil, nil); err != nil {
				return err
			}
		}
		d.res.Invoices[p.then]++
	}
	return nil
}
