package e2e

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	ownerEmail    = "maria@example.test"
	ownerPassword = "correct horse battery"
	clientEmail   = "pat@acme.test"
	clientPass    = "portal password 1234"
)

// TestJourneys goes through a VA's month in the browser, in order: each
// journey starts where the one before left off, in one shared browser.
func TestJourneys(t *testing.T) {
	s := newSuite(t)
	owner := s.newTab(t, "owner", false)
	var invoiceNumber string

	step := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, fn) {
			t.FailNow() // later journeys build on this one
		}
	}

	step("setup and login", func(t *testing.T) {
		b := owner.use(t)
		b.visit("/")
		b.seeHeading("Welcome to vadesk")
		b.shot("setup")
		b.fill("", "Practice name", "Maria Lopez VA")
		b.fill("", "Your name", "Maria Lopez")
		b.fill("", "Email", ownerEmail)
		b.fill("", "Password", "short")
		b.fill("", "Time zone", "UTC")
		b.fill("", "Currency", "USD · US Dollar")
		b.click("", "Create my practice")
		// The server's validation error appears next to the field it names.
		if msg := b.fieldError("", "Password"); !strings.Contains(msg, "12") {
			t.Errorf("password error = %q, want one about its length", msg)
		}
		b.shot("setup-error")
		b.fill("", "Password", ownerPassword)
		b.click("", "Create my practice")
		b.seeHeading("Today")
		b.see("Maria Lopez VA")
		b.shot("today-empty")

		b.click("", "Log out")
		b.seeHeading("Log in")
		b.fill("", "Email", ownerEmail)
		b.fill("", "Password", "wrong password!!")
		b.click("", "Log in")
		b.see("do not match")
		b.fill("", "Password", ownerPassword)
		b.click("", "Log in")
		b.seeHeading("Today")
		b.clean(t)
	})

	step("add a client and a rate", func(t *testing.T) {
		b := owner.use(t)
		b.click("Main", "Clients")
		b.seeHeading("Clients")
		b.see("No clients yet")
		b.shot("clients-empty")
		b.click("", "Add client")
		b.seeHeading("New client")
		b.click("", "Save client")
		if msg := b.fieldError("", "Name"); msg == "" {
			t.Error("saving a client without a name shows no error by the Name field")
		}
		b.fill("", "Name", "Acme Realty")
		b.fill("", "Company", "Acme Realty LLC")
		b.fill("", "Email", "office@acme.test")
		b.fill("", "Round time", "Up to 15 minutes")
		b.click("", "Save client")
		b.seeHeading("Acme Realty")

		b.fill("Set a rate for this client", "Service", "Email and inbox management")
		b.fill("Set a rate for this client", "Hourly rate", "85")
		b.click("Set a rate for this client", "Set rate")
		b.see("$85.00")
		b.open("Add contact")
		b.fill("Add contact", "Contact name", "Pat Smith")
		b.fill("Add contact", "Contact email", clientEmail)
		b.click("Add contact", "Add contact")
		b.see("Pat Smith")
		// A monthly package: 10 hours for $500, then $60/h.
		b.open("Add retainer")
		b.fill("Add a retainer", "Retainer name", "10-hour package")
		b.fill("Add a retainer", "Hours included a month", "10")
		b.fill("Add a retainer", "Monthly fee", "500")
		b.fill("Add a retainer", "Hourly rate beyond the package", "60")
		// From next month: this month's hours are billed by the hour below
		// (an hourly invoice over a retained month is refused).
		b.fill("Add a retainer", "First month", time.Now().AddDate(0, 1, 1-time.Now().Day()).Format("2006-01"))
		b.click("Add a retainer", "Add retainer")
		b.see("10h 00m a month for $500.00, then $60.00/h")
		b.see("Starts " + time.Now().AddDate(0, 1, 1-time.Now().Day()).Format("January 2006"))
		b.shot("client")

		b.click("Main", "Clients")
		b.seeHeading("Clients")
		b.see("Acme Realty LLC")
		b.fill("", "Search clients", "nobody")
		b.see("No clients match")
		b.fill("", "Search clients", "acme")
		b.see("Acme Realty LLC")
		b.shot("clients")
		b.clean(t)
	})

	step("run the timer and see the entry", func(t *testing.T) {
		b := owner.use(t)
		b.click("Main", "Today")
		b.seeHeading("Today")
		b.fill("Start the timer", "Client", "Acme Realty (Acme Realty LLC)")
		b.fill("Start the timer", "Service", "Email and inbox management")
		b.fill("Start the timer", "Note", "Inbox zero and weekly newsletter")
		b.click("", "Start timer")
		b.see("Timer running")
		b.see("Inbox zero and weekly newsletter")
		b.shot("timer-running")
		b.click("", "Stop timer")
		b.wait("the timer stops", `document.getElementById("timer-h")?.textContent === "Timer"`)
		b.see("Inbox zero and weekly newsletter") // in "Logged today"
		b.shot("today")

		b.click("Main", "Time")
		b.seeHeading("Time")
		b.see("Inbox zero and weekly newsletter")
		// Rounded up to the client's 15 minutes at $85/h: $21.25.
		b.see("$21.25")
		// A manual entry, with a duration as people write it.
		b.open("Add time")
		b.fill("Add time", "Duration", "1:30")
		b.fill("Add time", "Client", "Acme Realty (Acme Realty LLC)")
		b.fill("Add time", "Service", "Email and inbox management")
		b.fill("Add time", "Note", "Listing photos and descriptions")
		b.click("Add time", "Add time")
		b.see("Listing photos and descriptions")
		b.see("$127.50")
		// Edit it: the note the client will see.
		b.click("", "Edit entry of 1h 30m for Acme Realty")
		b.fill("Edit entry", "Note", "Listing photos and descriptions for 12 Elm St")
		b.click("Edit entry", "Save entry")
		b.see("Listing photos and descriptions for 12 Elm St")
		b.shot("time")
		b.clean(t)
	})

	step("create, issue and download an invoice", func(t *testing.T) {
		b := owner.use(t)
		b.click("Main", "Invoices")
		b.seeHeading("Invoices")
		b.see("No invoices yet")
		b.click("", "New invoice")
		b.seeHeading("New invoice")
		b.fill("New invoice", "Client", "Acme Realty (Acme Realty LLC)")
		b.click("New invoice", "This month")
		b.see("$148.75") // 15 min + 90 min at $85, rounded per entry
		b.shot("invoice-new")
		b.click("", "Create draft")
		b.seeHeading("Draft invoice")
		b.see("$148.75")
		// A manual line on the draft: 2 × $10.
		b.open("Add a line")
		b.fill("Add a line", "Description", "Printed flyers")
		b.fill("Add a line", "Quantity", "2")
		b.fill("Add a line", "Unit price", "10")
		b.click("Add a line", "Add line")
		b.wait("new total", `document.getElementById("invoice-total")?.textContent === "$168.75"`)
		b.shot("invoice-draft")
		b.click("", "Issue invoice")
		b.badge("Issued")
		invoiceNumber = strings.TrimPrefix(b.heading(), "Invoice ")
		if !strings.HasPrefix(invoiceNumber, "INV-") {
			t.Fatalf("issued invoice heading %q, want Invoice INV-…", b.heading())
		}
		b.shot("invoice-issued")
		pdf, name := b.download("", "Download PDF")
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("the download %q is not a PDF: %.20q", name, pdf)
		}
		if !strings.Contains(name, invoiceNumber) {
			t.Errorf("the PDF is called %q; want the invoice number %s in the name", name, invoiceNumber)
		}
		// A partial payment, then the rest.
		b.fill("Record a payment", "Amount", "100")
		b.click("", "Record payment")
		b.badge("Partly paid")
		b.see("$68.75")
		b.click("", "Record payment")
		b.badge("Paid")
		b.shot("invoice-paid")

		b.click("Main", "Invoices")
		b.seeHeading("Invoices") // not the invoice's page, which shows its number too
		b.see(invoiceNumber)
		b.shot("invoices")
		b.clean(t)
	})

	step("invite a client user who sees only their invoice", func(t *testing.T) {
		b := owner.use(t)
		// A second client with an invoice of its own, which Pat must not see.
		b.click("Main", "Clients")
		b.click("", "Add client")
		b.fill("", "Name", "Beta Coaching")
		b.click("", "Save client")
		b.seeHeading("Beta Coaching")
		b.click("Main", "Time")
		b.seeHeading("Time")
		b.open("Add time")
		b.fill("Add time", "Duration", "2")
		b.fill("Add time", "Client", "Beta Coaching")
		b.fill("Add time", "Service", "Website updates")
		b.click("Add time", "Add time")
		b.see("2h 00m")
		b.visit("/#/invoices/new")
		b.fill("New invoice", "Client", "Beta Coaching")
		b.click("New invoice", "This month")
		b.see("$100.00")
		b.click("", "Create draft")
		b.seeHeading("Draft invoice")
		b.click("", "Issue invoice")
		b.badge("Issued")
		other := strings.TrimPrefix(b.heading(), "Invoice ")

		b.click("Main", "Clients")
		b.click("", "Acme Realty")
		b.seeHeading("Acme Realty")
		b.fill("Invite to the portal", "Invite email", clientEmail)
		b.fill("Invite to the portal", "Invite name", "Pat Smith")
		b.click("Invite to the portal", "Invite")
		link := b.value("", "Invite link (it works once)")
		if !strings.Contains(link, "/portal/accept?token=") {
			t.Fatalf("invite link = %q", link)
		}
		b.shot("client-invited")
		b.clean(t)

		c := s.newTab(t, "client", true)
		c.goTo(link)
		c.seeHeading("Welcome to your client portal")
		c.shot("portal-accept")
		c.fill("", "Choose a password", clientPass)
		c.fill("", "Repeat the password", clientPass)
		c.click("", "Open my portal")
		c.seeHeading("Hello, Pat Smith")
		c.shot("portal")
		c.click("Main", "Invoices")
		c.seeHeading("Invoices")
		c.see(invoiceNumber)
		if txt := c.text(); strings.Contains(txt, other) || strings.Contains(txt, "Beta") {
			t.Errorf("the client portal shows another client's invoice %s:\n%s", other, txt)
		}
		if n := c.nodeCount("main tbody tr"); n != 1 {
			t.Errorf("the portal lists %d invoices, want 1", n)
		}
		if n := c.nodeCount(`.sidenav a[href="#/reports"]`); n != 0 {
			t.Errorf("the portal's navigation links to Reports")
		}
		c.shot("portal-invoices")
		pdf, _ := c.download("", "Download invoice "+invoiceNumber+" as PDF")
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("the portal's download is not a PDF: %.20q", pdf)
		}
		c.click("Main", "Time")
		c.see("Inbox zero and weekly newsletter")
		c.click("Main", "Tasks")
		c.fill("Ask for a task", "What do you need?", "Update the open house flyer")
		c.click("", "Send request")
		c.see("Your request")
		c.shot("portal-tasks")
		// The portal at phone width: every link in sight, and each invoice's
		// figures and its PDF without a sideways scroll.
		c.phone()
		for _, p := range []struct{ path, heading string }{{"/#/", "Hello, Pat Smith"}, {"/#/invoices", "Invoices"}, {"/#/tasks", "Tasks"}, {"/#/time", "Time"}} {
			c.visit(p.path)
			c.seeHeading(p.heading)
			c.noSideways("portal " + p.heading)
			c.shot("phone-portal-" + slug(p.path))
		}
		c.visit("/#/")
		c.seeHeading("Hello, Pat Smith")
		c.phoneNavigation("Overview", "Tasks", "Time", "Invoices")
		c.seeHeading("Invoices")
		c.firstRowInFull("Invoices")
		c.inFull("the PDF link", button("", "Download invoice "+invoiceNumber+" as PDF"))
		c.visit("/#/time")
		c.seeHeading("Time")
		c.firstRowInFull("Time")
		c.visit("/#/invoices")
		c.click("", invoiceNumber)
		c.seeHeading("Invoice " + invoiceNumber)
		c.noSideways("portal invoice")
		c.shot("phone-portal-invoice")
		c.firstRowInFull("Lines")
		c.desktop()
		c.clean(t)

		// The VA sees the request on the board, marked as the client's.
		b.click("Main", "Tasks")
		b.seeHeading("Tasks")
		b.see("Update the open house flyer")
		b.see("Client request")
		b.fill("", "Status of Update the open house flyer", "In progress")
		b.wait("the card moves", `!!document.querySelector(".col-in_progress .task-card") && document.querySelector(".col-in_progress").textContent.includes("Update the open house flyer")`)
		b.shot("tasks")
		b.click("", "Update the open house flyer")
		b.seeHeading("Update the open house flyer")
		b.fill("Edit task", "Due date", "2031-05-30")
		b.fill("Edit task", "Priority", "High")
		b.click("Edit task", "Save task")
		b.see("Due May 30, 2031")
		b.shot("task")
		b.clean(t)
	})

	step("phone width", func(t *testing.T) {
		b := owner.use(t)
		b.phone()
		defer b.desktop()
		// Every link of the navigation and every tab of Settings is in
		// sight at once (no sideways scroll, no hidden strip), and works.
		b.visit("/#/")
		b.seeHeading("Today")
		b.phoneNavigation("Today", "Time", "Tasks", "Clients", "Invoices", "Reports", "Settings")
		b.phoneSettingsTabs("Practice", "Services", "Invoicing", "Users", "API tokens", "Calendar", "Data")
		// Lists show their figures without a sideways scroll.
		b.visit("/#/")
		b.seeHeading("Today")
		b.firstRowInFull("Logged today")
		b.visit("/#/invoices")
		b.seeHeading("Invoices")
		b.firstRowInFull("Invoices")
		b.visit("/#/clients")
		b.seeHeading("Clients")
		b.firstRowInFull("Clients")
		b.visit("/#/settings?tab=services")
		b.seeHeading("Settings")
		b.firstRowInFull("Services")
		b.visit("/#/settings?tab=users")
		b.seeHeading("Settings")
		b.firstRowInFull("Users")
		pages := []struct{ path, heading string }{
			{"/#/", "Today"},
			{"/#/time", "Time"},
			{"/#/tasks", "Tasks"},
			{"/#/clients", "Clients"},
			{"/#/invoices", "Invoices"},
			{"/#/settings", "Settings"},
			{"/#/settings?tab=services", "Settings"},
			{"/#/reports", "Reports"},
			{"/#/settings?tab=calendar", "Settings"},
			{"/#/settings?tab=data", "Settings"},
		}
		for _, p := range pages {
			b.visit(p.path)
			b.seeHeading(p.heading)
			b.noSideways(p.heading)
			b.shot("phone-" + slug(p.path))
		}
		b.visit("/#/clients")
		b.click("", "Acme Realty")
		b.seeHeading("Acme Realty")
		b.noSideways("client page")
		b.shot("phone-client")
		for _, caption := range []string{"Hourly rates", "Recent time", "Invoices", "Portal users"} {
			b.firstRowInFull(caption)
		}
		// An expense (not billed, so the reports below stay as they are),
		// seen in full and deleted again.
		b.open("Add expense")
		b.fill("Add an expense", "Expense description", "Postage for the open house flyers")
		b.fill("Add an expense", "Expense amount", "4.20")
		b.fill("Add an expense", "Bill to the client", "false")
		b.click("Add an expense", "Add expense")
		b.see("Postage for the open house flyers")
		b.firstRowInFull("Expenses")
		b.click("Expenses", "Delete")
		b.click("Expenses", "Delete") // the confirmation
		b.see("No expenses")
		b.visit("/#/invoices")
		b.click("", invoiceNumber)
		b.seeHeading("Invoice " + invoiceNumber)
		b.noSideways("invoice page")
		b.shot("phone-invoice")
		b.firstRowInFull("Lines")
		b.firstRowInFull("Payments")
		b.clean(t)
	})

	step("an assistant logs time without seeing money", func(t *testing.T) {
		b := owner.use(t)
		b.visit("/#/settings?tab=users")
		b.open("Add an assistant")
		b.fill("Add an assistant", "Name", "Sam Lee")
		b.fill("Add an assistant", "Email", "sam@example.test")
		b.fill("Add an assistant", "Password", "assistant password 1")
		b.fill("Add an assistant", "Acme Realty", "true")
		b.click("Add an assistant", "Add assistant")
		b.see("sam@example.test")
		b.shot("settings-users")
		b.clean(t)

		a := s.newTab(t, "assistant", true)
		a.visit("/")
		a.seeHeading("Log in")
		a.fill("", "Email", "sam@example.test")
		a.fill("", "Password", "assistant password 1")
		a.click("", "Log in")
		a.seeHeading("Today")
		a.wait("navigation without invoices", `!![...document.querySelectorAll(".sidenav a")].find((a) => a.textContent.trim() === "Clients") && ![...document.querySelectorAll(".sidenav li:not([hidden]) a")].some((a) => a.textContent.trim() === "Invoices")`)
		a.click("Main", "Time")
		a.seeHeading("Time")
		a.open("Add time")
		a.fill("Add time", "Duration", "45m")
		a.fill("Add time", "Client", "Acme Realty (Acme Realty LLC)")
		a.fill("Add time", "Service", "Administrative support")
		a.fill("Add time", "Note", "Calendar for the open house")
		a.click("Add time", "Add time")
		a.see("Calendar for the open house")
		a.shot("assistant-time")
		if txt := a.text(); strings.Contains(txt, "$") || strings.Contains(txt, "Beta Coaching") {
			t.Errorf("the assistant sees money or another client's work:\n%s", txt)
		}
		a.click("Main", "Today")
		a.seeHeading("Today")
		if txt := a.text(); strings.Contains(txt, "$") || strings.Contains(txt, "Unbilled") {
			t.Errorf("the assistant's Today shows money:\n%s", txt)
		}
		a.shot("assistant-today")
		// The API answers null for the money the assistant may not see;
		// the pages must not turn it into "NaN" or "null".
		a.visit("/#/settings?tab=services")
		a.seeHeading("Settings")
		a.see("Administrative support")
		if txt := a.text(); strings.Contains(txt, "$") || strings.Contains(strings.ToLower(txt), "default rate") || regexp.MustCompile(`\b(NaN|null|undefined)\b`).MatchString(txt) {
			t.Errorf("the assistant's services show money or a missing value:\n%s", txt)
		}
		a.click("Main", "Time")
		a.seeHeading("Time")
		a.see("Calendar for the open house")
		if txt := a.text(); regexp.MustCompile(`\b(NaN|null|undefined)\b`).MatchString(txt) {
			t.Errorf("the assistant's time shows a missing value:\n%s", txt)
		}
		// Owner-only screens are neither linked nor reachable by address.
		if n := a.nodeCount(`.sidenav a[href="#/reports"]`); n != 0 {
			t.Error("the assistant's navigation links to Reports")
		}
		a.visit("/#/reports")
		a.seeHeading("Page not found")
		a.visit("/#/settings?tab=data")
		a.seeHeading("Settings")
		if n := a.nodeCount(`.tabs a[href="#/settings?tab=data"]`); n != 0 {
			t.Error("the assistant's settings offer the Data tab (import and export are the owner's)")
		}
		if n := a.nodeCount(`.tabs a[href="#/settings?tab=calendar"]`); n != 1 {
			t.Error("the assistant's settings have no Calendar tab")
		}
		// At phone width, the assistant's links and tabs are all in sight.
		a.phone()
		a.visit("/#/")
		a.seeHeading("Today")
		a.phoneNavigation("Today", "Time", "Tasks", "Clients", "Settings")
		a.phoneSettingsTabs("Practice", "Services", "API tokens", "Calendar")
		a.shot("phone-assistant-settings")
		a.visit("/#/settings?tab=services")
		a.seeHeading("Settings")
		a.firstRowInFull("Services")
		a.visit("/#/clients")
		a.seeHeading("Clients")
		a.firstRowInFull("Clients")
		a.click("", "Acme Realty")
		a.seeHeading("Acme Realty")
		a.noSideways("the assistant's client page")
		a.firstRowInFull("Recent time")
		a.desktop()
		a.clean(t)
	})

	step("settings and tokens", func(t *testing.T) {
		b := owner.use(t)
		b.visit("/#/settings?tab=invoicing")
		b.seeHeading("Settings")
		b.fill("Invoicing", "Invoice number pattern", "INV-{YYYY}")
		b.click("", "Save settings")
		if msg := b.fieldError("Invoicing", "Invoice number pattern"); !strings.Contains(msg, "SEQ") {
			t.Errorf("pattern error = %q, want one naming {SEQ}", msg)
		}
		b.shot("settings-error")
		b.visit("/#/settings?tab=tokens")
		b.fill("Create an API token", "Token name", "Zapier")
		b.click("", "Create token")
		tok := b.value("", `Token "Zapier" (copy it now: it is shown only once)`)
		if !regexp.MustCompile(`^\S{20,}$`).MatchString(tok) {
			t.Errorf("new token = %q", tok)
		}
		b.shot("settings-tokens")
		b.phone()
		b.firstRowInFull("API tokens")
		b.desktop()
		b.clean(t)
	})

	// The practice's time zone is UTC (set up above), so its days are the
	// test's UTC days.
	now := time.Now().UTC()
	today := now.Format("2006-01-02")
	firstOfLastMonth := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")

	step("reports show hours, unbilled work and a period", func(t *testing.T) {
		b := owner.use(t)
		addClient := func(name string) {
			b.click("Main", "Clients")
			b.seeHeading("Clients")
			b.click("", "Add client")
			b.seeHeading("New client")
			b.fill("", "Name", name)
			b.click("", "Save client")
			b.seeHeading(name)
		}
		logTime := func(day, dur, client, service, note string) {
			b.visit("/#/time")
			b.seeHeading("Time")
			b.open("Add time")
			b.fill("Add time", "Date", day)
			b.fill("Add time", "Duration", dur)
			b.fill("Add time", "Client", client)
			b.fill("Add time", "Service", service)
			b.fill("Add time", "Note", note)
			b.click("Add time", "Add time")
			b.see(note)
		}
		addClient("Gamma Bakery") // no rounding
		b.fill("Set a rate for this client", "Service", "Email and inbox management")
		b.fill("Set a rate for this client", "Hourly rate", "85")
		b.click("Set a rate for this client", "Set rate")
		b.see("$85.00")
		addClient("Delta Dental")
		// At $85/h, each entry rounded half up to the cent: $170.00,
		// $127.50 and 50 min = $70.833… = $70.83. Delta: 45 min of
		// website updates at the default $50/h = $37.50.
		logTime(today, "2:00", "Gamma Bakery", "Email and inbox management", "Weekly order emails")
		logTime(today, "1:30", "Gamma Bakery", "Email and inbox management", "Supplier follow-ups")
		logTime(firstOfLastMonth, "50m", "Gamma Bakery", "Email and inbox management", "Holiday menu mailing")
		logTime(today, "45m", "Delta Dental", "Website updates", "Opening hours page")

		b.click("Main", "Reports")
		b.seeHeading("Reports")
		b.see(now.Format("January 2006"))
		// Cells: this month, total, billable, value.
		if got, want := b.row("Hours by client", "Gamma Bakery"), []string{"3h 30m", "3h 30m", "3h 30m", "$297.50"}; !slices.Equal(got, want) {
			t.Errorf("this month, Gamma Bakery's hours read %q, want %q", got, want)
		}
		if got, want := b.row("Hours by client", "Delta Dental"), []string{"45m", "45m", "45m", "$37.50"}; !slices.Equal(got, want) {
			t.Errorf("this month, Delta Dental's hours read %q, want %q", got, want)
		}
		// The total row adds up every client of the month.
		var sum int
		for _, name := range b.rowHeaders("Hours by client") {
			sum += minutesOf(t, b.row("Hours by client", name)[1])
		}
		if total := b.row("Hours by client", "Total"); minutesOf(t, total[1]) != sum || sum < 3*60+30+45 {
			t.Errorf("the month's total reads %q; its clients add up to %d minutes", total[1], sum)
		}
		// Unbilled work is all of it, whatever its date: 4h 20m, $368.33.
		if got := b.row("Unbilled work by client", "Gamma Bakery"); len(got) < 5 || got[1] != "4h 20m" || got[4] != "$368.33" {
			t.Errorf("Gamma Bakery's unbilled work reads %q, want 4h 20m and $368.33", got)
		}
		if got := b.row("Unbilled work by client", "Delta Dental"); len(got) < 5 || got[4] != "$37.50" {
			t.Errorf("Delta Dental's unbilled work reads %q, want $37.50", got)
		}
		b.see("Owed to you")
		b.see("Revenue")
		b.shot("reports")

		// The period's time entries as CSV: this month's, not last month's.
		csv, name := b.download("", "Time entries (CSV)")
		if !strings.HasSuffix(name, ".csv") || !bytes.Contains(csv, []byte("Weekly order emails")) || bytes.Contains(csv, []byte("Holiday menu mailing")) {
			t.Errorf("the period's CSV %q is not this month's entries:\n%s", name, csv)
		}

		b.click("Quick periods", "Last month")
		b.wait("last month's report", `document.documentElement.dataset.route === "#/reports?period=last_month"`)
		b.see(now.AddDate(0, 0, -now.Day()).Format("January 2006"))
		if got, want := b.row("Hours by client", "Gamma Bakery"), []string{"50m", "50m", "50m", "$70.83"}; !slices.Equal(got, want) {
			t.Errorf("last month, Gamma Bakery's hours read %q, want %q", got, want)
		}
		if got := b.row("Hours by client", "Total"); got[1] != "50m" {
			t.Errorf("last month's total reads %q, want 50m", got)
		}
		if b.hasRow("Hours by client", "Delta Dental") {
			t.Error("last month's report lists Delta Dental, who had no time then")
		}
		b.shot("reports-last-month")

		b.fill("Custom period", "From", firstOfLastMonth)
		b.fill("Custom period", "To", today)
		b.click("Custom period", "Show")
		b.wait("the custom report", `document.documentElement.dataset.route === "#/reports?period=custom&from=`+firstOfLastMonth+`&to=`+today+`"`)
		// Cells: last month, this month, total, billable, value.
		if got, want := b.row("Hours by client", "Gamma Bakery"), []string{"50m", "3h 30m", "4h 20m", "4h 20m", "$368.33"}; !slices.Equal(got, want) {
			t.Errorf("over both months, Gamma Bakery's hours read %q, want %q", got, want)
		}
		b.fill("", "Group hours by", "Service")
		b.wait("hours by service", `(document.documentElement.dataset.route || "").includes("by=service")`)
		b.row("Hours by service", "Email and inbox management")
		b.shot("reports-custom-by-service")

		// At phone width the hours table opens on the latest month, also
		// when the period starts in January.
		b.phone()
		for _, p := range []string{"/#/reports", "/#/reports?period=this_year", "/#/reports?period=custom&from=" + firstOfLastMonth + "&to=" + today} {
			b.visit(p)
			b.seeHeading("Reports")
			b.noSideways("reports " + p)
			b.monthColumnInView("Hours by client", now.Format("Jan 2006"))
			b.shot("phone-" + slug(p))
		}
		// The other reports are lists of clients: each client's figures
		// in sight at once.
		b.visit("/#/reports")
		b.seeHeading("Reports")
		for _, caption := range []string{"Unbilled work by client", "Owed to you by client", "Revenue by month", "Revenue by client"} {
			b.firstRowInFull(caption)
		}
		b.desktop()
		b.clean(t)
	})

	step("import time from Toggl", func(t *testing.T) {
		b := owner.use(t)
		toggl := "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\r\n" +
			"Maria Lopez," + ownerEmail + ",Epsilon Events,Social media management,,Launch posts for the spring fair,Yes," + today + ",08:00:00,,,01:00:00,\r\n" +
			"Maria Lopez," + ownerEmail + ",Epsilon Events,Social media management,,Replies to comments,Yes," + today + ",10:00:00,,,00:30:00,\r\n" +
			"Maria Lopez," + ownerEmail + ",Epsilon Events,,,Vendor list,No," + today + ",13:00:00,,,00:15:00,\r\n" +
			"Maria Lopez," + ownerEmail + ",Epsilon Events,,,A broken row,Yes,2026-13-40,13:00:00,,,00:15:00,\r\n"
		file := filepath.Join(t.TempDir(), "toggl-detailed.csv")
		if err := os.WriteFile(file, []byte(toggl), 0o644); err != nil {
			t.Fatal(err)
		}
		b.visit("/#/settings?tab=data")
		b.seeHeading("Settings")
		b.click("Import time", "Preview")
		if msg := b.fieldError("Import time", "CSV file"); msg == "" {
			t.Error("a preview without a file shows no error by the file field")
		}
		b.upload("Import time", "CSV file", file)
		b.fill("Import time", "Exported from", "Toggl Track (detailed report)")
		b.click("Import time", "Preview")
		b.see("Preview: nothing is saved yet")
		b.wait("three entries to import", `document.getElementById("import-count")?.textContent === "3"`)
		b.see("Epsilon Events") // a new client
		if got := b.row("Rows with problems (left out)", "5"); len(got) != 1 || !strings.Contains(got[0], "2026-13-40") {
			t.Errorf("the preview's problem with row 5 reads %q", got)
		}
		b.shot("import-preview")
		// Nothing is written by a preview.
		b.visit("/#/time")
		b.seeHeading("Time")
		if strings.Contains(b.text(), "Launch posts for the spring fair") {
			t.Fatal("the preview imported the entries")
		}

		b.visit("/#/settings?tab=data")
		b.seeHeading("Settings")
		b.upload("Import time", "CSV file", file)
		b.click("Import time", "Preview")
		b.click("", "Import 3 entries")
		b.see("Imported 3 entries")
		b.shot("import-done")
		b.click("", "See them in Time")
		b.seeHeading("Time")
		for _, note := range []string{"Launch posts for the spring fair", "Replies to comments", "Vendor list"} {
			b.see(note)
		}
		b.see("Epsilon Events")
		b.shot("import-time")
		b.clean(t)
	})

	step("a calendar feed link works until it is revoked", func(t *testing.T) {
		b := owner.use(t)
		b.visit("/#/settings?tab=calendar")
		b.seeHeading("Settings")
		b.see("No calendar links yet")
		b.fill("Create a calendar link", "Link name", "Google Calendar")
		b.click("Create a calendar link", "Create link")
		feed := b.value("", `Feed link "Google Calendar" (copy it now: it is shown only once)`)
		if !strings.HasPrefix(feed, s.srv.URL+"/api/v1/calendar/") || !strings.HasSuffix(feed, ".ics") {
			t.Fatalf("feed link = %q, want an absolute link to this server's feed", feed)
		}
		b.click("", "Copy")
		b.shot("calendar-link")
		b.phone()
		b.firstRowInFull("Calendar links")
		b.desktop()
		res, err := http.Get(feed)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") || !bytes.HasPrefix(body, []byte("BEGIN:VCALENDAR")) {
			t.Fatalf("GET the feed: %d %s\n%.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}

		b.click("Calendar links", "Revoke")
		b.click("Calendar links", "Revoke") // the confirmation
		b.wait("the link is revoked", `[...document.querySelectorAll("main .badge")].some((e) => e.textContent === "Revoked")`)
		b.shot("calendar-revoked")
		res, err = http.Get(feed)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET a revoked feed: %d, want 404", res.StatusCode)
		}
		b.clean(t)
	})
}

// minutesOf reads a duration as the app writes it ("3h 30m", "45m").
func minutesOf(t *testing.T, s string) int {
	t.Helper()
	m := regexp.MustCompile(`^(?:(\d+)h )?(\d+)m$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q is not a duration like 3h 30m", s)
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	return hh*60 + mm
}

func slug(path string) string {
	s := strings.Trim(regexp.MustCompile(`[^a-z]+`).ReplaceAllString(path, "-"), "-")
	if s == "" {
		return "today"
	}
	return s
}
