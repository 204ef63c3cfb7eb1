package httpapi_test

import (
	"context"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// secWork is one client's work, written straight into the tables (the
// schema is the contract) so the security tests do not depend on other
// areas' request shapes. Every text carries the marker, so a test can tell
// whose data an answer holds.
type secWork struct {
	Client, Contact, Service, Project, Task int64
	Entry, Unbillable, Expense              int64
	Invoice, Draft, Line, Payment           int64
}

func secInsert(t *testing.T, env *apitest.Env, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := env.Store.Write(tenant.System(context.Background())).Raw(q+" RETURNING id", args...).Scan(&id).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// secSeed gives clientID (of owner's practice) a contact, a project, a task,
// a billable and an unbillable time entry, an expense, an issued invoice with
// a line and a payment, and a draft invoice.
func secSeed(t *testing.T, owner *apitest.Actor, clientID int64, marker string) secWork {
	t.Helper()
	env := owner.Env
	now := apitest.Start
	w := secWork{Client: clientID}
	svcs := owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)
	w.Service = apitest.ID(t, svcs[0].(map[string]any), "id")
	p := owner.PracticeID
	w.Contact = secInsert(t, env, `INSERT INTO contacts (practice_id, client_id, name, email, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p, clientID, "Contact "+marker, "contact-"+marker+"@example.com", "Notes "+marker, now, now)
	w.Project = secInsert(t, env, `INSERT INTO projects (practice_id, client_id, name, description, hourly_rate, created_at, updated_at)
		VALUES (?, ?, ?, ?, 7777, ?, ?)`, p, clientID, "Project "+marker, "About "+marker, now, now)
	w.Task = secInsert(t, env, `INSERT INTO tasks (practice_id, client_id, project_id, title, description, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p, clientID, w.Project, "Task "+marker, "Do "+marker, now, now)
	entry := `INSERT INTO time_entries (practice_id, client_id, service_id, project_id, task_id, user_id, started_at, minutes,
		billable, billable_minutes, hourly_rate, amount, note, internal_note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 50, ?, 60, 4321, 4321, ?, ?, ?, ?)`
	w.Entry = secInsert(t, env, entry, p, clientID, w.Service, w.Project, w.Task, owner.UserID, now, true,
		"Note "+marker, "INTERNAL "+marker, now, now)
	w.Unbillable = secInsert(t, env, entry, p, clientID, w.Service, w.Project, w.Task, owner.UserID, now, false,
		"Unbillable "+marker, "INTERNAL "+marker, now, now)
	w.Expense = secInsert(t, env, `INSERT INTO expenses (practice_id, client_id, project_id, date, amount, description, created_at, updated_at)
		VALUES (?, ?, ?, '2026-11-02', 1500, ?, ?, ?)`, p, clientID, w.Project, "Expense "+marker, now, now)
	w.Invoice = secInsert(t, env, `INSERT INTO invoices (practice_id, client_id, number, status, currency, issue_date, due_date,
		period_from, period_to, subtotal, total, amount_paid, notes, issued_at, created_at, updated_at)
		VALUES (?, ?, ?, 'partially_paid', 'USD', '2026-10-01', '2026-10-15', '2026-09-01', '2026-09-30', 10000, 10000, 2500, ?, ?, ?, ?)`,
		p, clientID, "INV-"+marker, "Invoice "+marker, now, now, now)
	w.Line = secInsert(t, env, `INSERT INTO invoice_lines (practice_id, invoice_id, position, kind, description, quantity_minutes,
		unit_price, amount, created_at, updated_at) VALUES (?, ?, 1, 'time', ?, 120, 5000, 10000, ?, ?)`,
		p, w.Invoice, "Line "+marker, now, now)
	w.Payment = secInsert(t, env, `INSERT INTO payments (practice_id, invoice_id, amount, date, method, reference, created_at)
		VALUES (?, ?, 2500, '2026-10-10', 'bank', ?, ?)`, p, w.Invoice, "Ref "+marker, now)
	w.Draft = secInsert(t, env, `INSERT INTO invoices (practice_id, client_id, status, currency, period_from, period_to, notes,
		created_at, updated_at) VALUES (?, ?, 'draft', 'USD', '2026-11-01', '2026-11-30', ?, ?, ?)`,
		p, clientID, "Draft "+marker, now, now)
	return w
}
