package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/retainers"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

// `vadesk invoices recur` makes the month's retainer invoice once.
func TestInvoicesRecur(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	if r := runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--password-stdin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var owner struct{ ID, PracticeID int64 }
	if err := st.Read(tenant.System(ctx)).Raw("SELECT id, practice_id FROM users").Scan(&owner).Error; err != nil {
		t.Fatal(err)
	}
	sc := tenant.With(ctx, tenant.Scope{PracticeID: owner.PracticeID, UserID: owner.ID, Role: tenant.Owner})
	name := "Dana Realty"
	cl, err := clients.New(st).Create(sc, clients.Input{Name: &name}, "USD")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	rname, starts, auto := "Inbox 10", month.Format("2006-01-02"), retainers.AutoIssue
	minutes, fee, rate := int64(600), int64(50000), int64(6000)
	_, err = retainers.New(st, billing.New(st, time.Now), time.Now).Create(sc, cl.ID, retainers.Input{Name: &rname, StartsOn: &starts,
		AutoInvoice: &auto, IncludedMinutes: &minutes, Fee: &fee, OverageHourlyRate: &rate})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	next := month.AddDate(0, 1, 0).Format("2006-01-02")
	r := runCLI(t, env, "", "invoices", "recur", "--date", next)
	if r.code != 0 || !strings.Contains(r.stdout, "issued invoice") || !strings.Contains(r.stdout, month.Format("2006-01")+": $500.00") {
		t.Fatalf("recur: %+v", r)
	}
	if r := runCLI(t, env, "", "invoices", "recur", "--date", next); r.code != 0 || !strings.Contains(r.stdout, "nothing to invoice") {
		t.Fatalf("recur again: %+v", r)
	}
	if r := runCLI(t, env, "", "invoices", "recur", "--date", "soon"); r.code == 0 || !strings.Contains(r.stderr, "date") {
		t.Fatalf("bad date: %+v", r)
	}
	if r := runCLI(t, env, "", "invoices"); r.code == 0 || !strings.Contains(r.stderr, "usage") {
		t.Fatalf("no subcommand: %+v", r)
	}
}
