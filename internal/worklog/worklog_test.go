package worklog

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

func ptr(v int64) *int64 { return &v }

// The rate of an entry: the client's own rate beats the project's, which
// beats the service's default; a rate of 0 set on purpose still counts.
func TestRate(t *testing.T) {
	cases := []struct {
		name            string
		client, project *int64
		service         int64
		want            int64
	}{
		{"all three: client wins", ptr(7000), ptr(6000), 5000, 7000},
		{"client and service", ptr(7000), nil, 5000, 7000},
		{"client and project", ptr(7000), ptr(6000), 0, 7000},
		{"no client: project wins", nil, ptr(6000), 5000, 6000},
		{"only service", nil, nil, 5000, 5000},
		{"nothing set: free", nil, nil, 0, 0},
		{"client rate 0 is a rate", ptr(0), ptr(6000), 5000, 0},
		{"project rate 0 is a rate", nil, ptr(0), 5000, 0},
	}
	for _, c := range cases {
		if got := Rate(c.client, c.project, c.service); got != c.want {
			t.Errorf("%s: Rate = %d, want %d", c.name, got, c.want)
		}
	}
}

// Billable minutes round up to the client's increment, per entry.
func TestAmountsRounding(t *testing.T) {
	// want[i] is the billable minutes for increments 0, 6, 10, 15, 30, 60.
	incs := []int64{0, 6, 10, 15, 30, 60}
	cases := []struct {
		minutes int64
		want    [6]int64
	}{
		{1, [6]int64{1, 6, 10, 15, 30, 60}},
		{6, [6]int64{6, 6, 10, 15, 30, 60}},
		{10, [6]int64{10, 12, 10, 15, 30, 60}},
		{15, [6]int64{15, 18, 20, 15, 30, 60}},
		{30, [6]int64{30, 30, 30, 30, 30, 60}},
		{45, [6]int64{45, 48, 50, 45, 60, 60}},
		{59, [6]int64{59, 60, 60, 60, 60, 60}},
		{60, [6]int64{60, 60, 60, 60, 60, 60}},
		{61, [6]int64{61, 66, 70, 75, 90, 120}},
		{1440, [6]int64{1440, 1440, 1440, 1440, 1440, 1440}},
	}
	for _, c := range cases {
		for i, inc := range incs {
			bm, amount := Amounts(c.minutes, inc, 6000, true)
			if bm != c.want[i] {
				t.Errorf("%d min, increment %d: billable minutes %d, want %d", c.minutes, inc, bm, c.want[i])
			}
			if amount != bm*100 {
				t.Errorf("%d min, increment %d: amount %d at 60.00/h, want %d", c.minutes, inc, amount, bm*100)
			}
			if bm, amount := Amounts(c.minutes, inc, 6000, false); bm != 0 || amount != 0 {
				t.Errorf("%d min, increment %d, not billable: %d min, %d", c.minutes, inc, bm, amount)
			}
		}
	}
}

// Amounts are round_half_up(minutes × rate / 60), in integers.
func TestAmountsHalfUp(t *testing.T) {
	cases := []struct {
		name                    string
		minutes, rounding, rate int64
		wantMinutes, wantAmount int64
	}{
		{"1 min at 49.99/h is 83.316 cents", 1, 0, 4999, 1, 83},
		{"3 min at 0.50/h is 2.5 cents", 3, 0, 50, 3, 3},
		{"1 min at 0.30/h is exactly half a cent", 1, 0, 30, 1, 1},
		{"1 min at 0.29/h is under half a cent", 1, 0, 29, 1, 0},
		{"1 min at 0.31/h", 1, 0, 31, 1, 1},
		{"7 min rounded to 15 at 60.00/h", 7, 15, 6000, 15, 1500},
		{"a day at the largest rate", 1440, 0, money.MaxAmount, 1440, 24 * money.MaxAmount},
		{"free work", 90, 15, 0, 90, 0},
		{"20 min at 33.33/h is 1111 cents", 20, 0, 3333, 20, 1111},
		{"50 min at 33.33/h is 2777.5 cents", 50, 0, 3333, 50, 2778},
	}
	for _, c := range cases {
		bm, amount := Amounts(c.minutes, c.rounding, c.rate, true)
		if bm != c.wantMinutes || amount != c.wantAmount {
			t.Errorf("%s: (%d min, %d), want (%d min, %d)", c.name, bm, amount, c.wantMinutes, c.wantAmount)
		}
	}
}

func TestDefaultBillable(t *testing.T) {
	cases := []struct {
		service bool
		project string
		want    bool
	}{
		{true, "", true},
		{true, "hourly", true},
		{true, "fixed_fee", true},
		{true, "non_billable", false},
		{false, "", false},
		{false, "hourly", false},
	}
	for _, c := range cases {
		if got := DefaultBillable(c.service, c.project); got != c.want {
			t.Errorf("service billable %v, project %q: %v, want %v", c.service, c.project, got, c.want)
		}
	}
}

func TestTimerMinutes(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want int64
	}{
		{0, 1},
		{-time.Hour, 1},
		{29 * time.Second, 1},
		{89 * time.Second, 1},
		{90 * time.Second, 2},
		{25*time.Minute + 29*time.Second, 25},
		{25*time.Minute + 30*time.Second, 26},
		{24 * time.Hour, 1440},
		{24*time.Hour + 29*time.Second, 1440},
		{30 * time.Hour, 1440},
	}
	for _, c := range cases {
		if got := TimerMinutes(c.d); got != c.want {
			t.Errorf("TimerMinutes(%v) = %d, want %d", c.d, got, c.want)
		}
	}
}

// The entry list is the hot path: every filter combination must be served
// from an index that also gives the order, never a full scan or a sort.
func TestEntryListUsesIndexes(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "plan.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	scoped := tenant.With(ctx, tenant.Scope{PracticeID: 1, UserID: 1, Role: tenant.Owner})
	yes := true
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	week := [2]time.Time{at, at.AddDate(0, 0, 7)}
	cases := []struct {
		name    string
		f       EntryFilter
		days    [2]time.Time
		indexes []string // any of these will do
	}{
		{"no filter", EntryFilter{}, [2]time.Time{}, []string{"time_entries_started"}},
		{"dates", EntryFilter{}, week, []string{"time_entries_started"}},
		{"cursor", EntryFilter{After: &EntryCursor{StartedAt: at, ID: 9}}, [2]time.Time{}, []string{"time_entries_started"}},
		{"client", EntryFilter{ClientID: 3}, [2]time.Time{}, []string{"time_entries_client_started"}},
		{"client and dates", EntryFilter{ClientID: 3}, week, []string{"time_entries_client_started"}},
		{"client and cursor", EntryFilter{ClientID: 3, After: &EntryCursor{StartedAt: at, ID: 9}}, week, []string{"time_entries_client_started"}},
		{"client, project, billable, uninvoiced", EntryFilter{ClientID: 3, ProjectID: 4, Billable: &yes, Invoiced: new(bool)}, week, []string{"time_entries_client_started"}},
		{"user", EntryFilter{UserID: 2}, [2]time.Time{}, []string{"time_entries_user_started"}},
		// Without statistics SQLite may prefer the date index here; both
		// seek and give the order.
		{"user and dates", EntryFilter{UserID: 2}, week, []string{"time_entries_user_started", "time_entries_started"}},
		{"service", EntryFilter{ServiceID: 2}, week, []string{"time_entries_started"}},
		{"task", EntryFilter{TaskID: 2, Invoiced: &yes}, [2]time.Time{}, []string{"time_entries_started"}},
	}
	for _, c := range cases {
		c.f.Limit = 51
		scope, scopeArgs, err := st.ScopeSQL(scoped, &Entry{}, "time_entries")
		if err != nil {
			t.Fatal(err)
		}
		query, args := entrySQL(c.f, c.days[0], c.days[1], scope, scopeArgs)
		got, err := st.QueryPlan(ctx, query, args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		t.Logf("%s: %s", c.name, got)
		ok := false
		for _, idx := range c.indexes {
			ok = ok || strings.Contains(got, "INDEX "+idx+" ")
		}
		if !ok {
			t.Errorf("%s: plan %q uses none of %v", c.name, got, c.indexes)
		}
		if strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q sorts instead of reading in index order", c.name, got)
		}
		if !strings.Contains(query, "time_entries.practice_id = +?") || args[0] != int64(1) {
			t.Errorf("%s: query %q (%v) is not scoped to the practice", c.name, query, args)
		}
	}
}
