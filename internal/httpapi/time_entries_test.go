package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// wlFixture is a practice with an owner, for the worklog tests (time
// entries, timer, expenses).
type wlFixture struct {
	t     *testing.T
	env   *apitest.Env
	owner *apitest.Actor
	seq   int
}

func newWL(t *testing.T, name string) *wlFixture {
	env := apitest.New(t)
	return &wlFixture{t: t, env: env, owner: env.NewPractice(name)}
}

// in returns a fixture for another practice on the same server.
func (f *wlFixture) in(name string) *wlFixture {
	return &wlFixture{t: f.t, env: f.env, owner: f.env.NewPractice(name)}
}

func merge(base, extra map[string]any) map[string]any {
	for k, v := range extra {
		base[k] = v
	}
	return base
}

// client creates a client with body's extra fields (rounding_minutes, ...).
func (f *wlFixture) client(extra map[string]any) int64 {
	f.t.Helper()
	f.seq++
	body := merge(map[string]any{"name": fmt.Sprintf("Client %d", f.seq)}, extra)
	return apitest.ID(f.t, f.owner.Must(201, "POST", "/api/v1/clients", body), "id")
}

// service creates a service at rate (minor units per hour).
func (f *wlFixture) service(rate int64, billable bool) int64 {
	f.t.Helper()
	f.seq++
	body := map[string]any{"name": fmt.Sprintf("Service %d", f.seq), "default_hourly_rate": rate, "billable": billable}
	return apitest.ID(f.t, f.owner.Must(201, "POST", "/api/v1/services", body), "id")
}

func (f *wlFixture) project(clientID int64, extra map[string]any) int64 {
	f.t.Helper()
	body := merge(map[string]any{"client_id": clientID, "name": "Website refresh"}, extra)
	return apitest.ID(f.t, f.owner.Must(201, "POST", "/api/v1/projects", body), "id")
}

func (f *wlFixture) task(clientID int64, extra map[string]any) int64 {
	f.t.Helper()
	body := merge(map[string]any{"client_id": clientID, "title": "Clean up the inbox"}, extra)
	return apitest.ID(f.t, f.owner.Must(201, "POST", "/api/v1/tasks", body), "id")
}

// entry logs time as the owner: 30 minutes at the clock's start unless
// body says otherwise.
func (f *wlFixture) entry(clientID, serviceID int64, extra map[string]any) map[string]any {
	f.t.Helper()
	body := merge(map[string]any{"client_id": clientID, "service_id": serviceID,
		"started_at": "2026-11-02T09:00:00Z", "minutes": 30}, extra)
	return f.owner.Must(201, "POST", "/api/v1/time-entries", body)
}

// exec runs SQL straight on the database, past the API.
func (f *wlFixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.env.Store.Write(tenant.System(context.Background())).Exec(q, args...).Error; err != nil {
		f.t.Fatal(err)
	}
}

// invoice inserts a bare invoice of clientID with status (draft or issued),
// for the lock tests; billing is not needed for that.
func (f *wlFixture) invoice(clientID int64, status string) int64 {
	f.t.Helper()
	var id int64
	err := f.env.Store.Write(tenant.System(context.Background())).Raw(`INSERT INTO invoices
		(practice_id, client_id, status, currency, period_from, period_to, created_at, updated_at)
		VALUES (?, ?, ?, 'USD', '2026-11-01', '2026-11-30', ?, ?) RETURNING id`,
		f.owner.PracticeID, clientID, status, apitest.Start, apitest.Start).Scan(&id).Error
	if err != nil || id == 0 {
		f.t.Fatalf("insert invoice: %d, %v", id, err)
	}
	return id
}

// invalid checks that a call is a 422 naming field.
func (f *wlFixture) invalid(a *apitest.Actor, method, path string, body any, field string) {
	f.t.Helper()
	res := a.Do(method, path, body)
	if res.Status != http.StatusUnprocessableEntity {
		f.t.Errorf("%s %s %v: status %d, want 422; body %s", method, path, body, res.Status, res.Body)
		return
	}
	if p := res.Problem(f.t); !p.HasField(field) {
		f.t.Errorf("%s %s %v: 422 does not name %q: %s", method, path, body, field, res.Body)
	}
}

// status checks that a call answers want (a problem document for errors).
func (f *wlFixture) status(a *apitest.Actor, want int, method, path string, body any) *apitest.Response {
	f.t.Helper()
	res := a.Do(method, path, body)
	if res.Status != want {
		f.t.Errorf("%s %s: status %d, want %d; body %s", method, path, res.Status, want, res.Body)
	} else if want >= 400 {
		res.Problem(f.t)
	}
	return res
}

// wlWalk pages through a list with limit=2 and returns the ids in order.
func wlWalk(t *testing.T, a *apitest.Actor, path string) []int64 {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var ids []int64
	next := path + sep + "limit=2"
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		res := a.Do("GET", next, nil)
		if res.Status != 200 {
			t.Fatalf("GET %s: %d %s", next, res.Status, res.Body)
		}
		res.JSON(t, &page)
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items with limit=2", len(page.Items))
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			return ids
		}
		next = path + sep + "limit=2&cursor=" + *page.NextCursor
	}
}

func num(t *testing.T, m map[string]any, field string) int64 {
	t.Helper()
	return apitest.ID(t, m, field)
}

// The rate is the client's own rate for the service, else the project's,
// else the service's default; amounts follow from it.
func TestTimeEntryRateResolution(t *testing.T) {
	f := newWL(t, "Rates")
	cl := f.client(nil)
	svc := f.service(5000, true)
	withRate := f.project(cl, map[string]any{"hourly_rate": 6000})
	noRate := f.project(cl, nil)
	path := "/api/v1/time-entries"

	cases := []struct {
		name    string
		project any
		rate    int64
	}{
		{"service default", nil, 5000},
		{"project without a rate", noRate, 5000},
		{"project rate", withRate, 6000},
	}
	for _, c := range cases {
		m := f.entry(cl, svc, map[string]any{"project_id": c.project})
		if got := num(t, m, "hourly_rate"); got != c.rate {
			t.Errorf("%s: rate %d, want %d", c.name, got, c.rate)
		}
		if got := num(t, m, "amount"); got != c.rate/2 {
			t.Errorf("%s: amount %d for 30 minutes, want %d", c.name, got, c.rate/2)
		}
	}
	f.owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, svc), map[string]any{"hourly_rate": 7000})
	for _, c := range cases {
		m := f.entry(cl, svc, map[string]any{"project_id": c.project})
		if got := num(t, m, "hourly_rate"); got != 7000 {
			t.Errorf("%s with a client rate: rate %d, want 7000", c.name, got)
		}
	}

	// The answer carries everything the API promises.
	m := f.entry(cl, svc, map[string]any{"note": " Inbox zero ", "internal_note": "took longer: messy filters"})
	want := map[string]any{"client_id": float64(cl), "service_id": float64(svc), "project_id": nil, "task_id": nil,
		"user_id": float64(f.owner.UserID), "started_at": "2026-11-02T09:00:00Z", "minutes": float64(30),
		"billable": true, "billable_minutes": float64(30), "hourly_rate": float64(7000), "amount": float64(3500),
		"currency": "USD", "note": "Inbox zero", "internal_note": "took longer: messy filters", "invoice_id": nil,
		"draft_invoice_id": nil, "locked": false, "version": float64(1)}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	got := f.owner.Must(200, "GET", apitest.Path("%s/%d", path, num(t, m, "id")), nil)
	if fmt.Sprint(got) != fmt.Sprint(m) {
		t.Errorf("GET %v\nPOST %v", got, m)
	}
}

// A rate is stored when the entry is logged: later rate changes do not
// rewrite it, and editing minutes recomputes with the stored rate. Moving
// the entry to another service is other work and takes that work's rate.
func TestTimeEntryRateSnapshot(t *testing.T) {
	f := newWL(t, "Snapshot")
	cl := f.client(nil)
	svc := f.service(5000, true)
	other := f.service(3000, true)
	pr := f.project(cl, map[string]any{"hourly_rate": 6000})
	e := f.entry(cl, svc, nil)
	ep := f.entry(cl, svc, map[string]any{"project_id": pr})
	id, idp := num(t, e, "id"), num(t, ep, "id")

	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/services/%d", svc), map[string]any{"default_hourly_rate": 9900})
	f.owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, other), map[string]any{"hourly_rate": 4200})
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/projects/%d", pr), map[string]any{"hourly_rate": 8000})
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", cl), map[string]any{"rounding_minutes": 15})

	for _, c := range []struct {
		id         int64
		rate, amnt int64
	}{{id, 5000, 2500}, {idp, 6000, 3000}} {
		got := f.owner.Must(200, "GET", apitest.Path("/api/v1/time-entries/%d", c.id), nil)
		if num(t, got, "hourly_rate") != c.rate || num(t, got, "amount") != c.amnt {
			t.Errorf("entry %d after rate changes: %v", c.id, got)
		}
	}
	// A note edit changes no money, even though the rounding has changed.
	upd := f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", id), map[string]any{"note": "x"})
	if num(t, upd, "hourly_rate") != 5000 || num(t, upd, "amount") != 2500 || num(t, upd, "billable_minutes") != 30 || num(t, upd, "version") != 2 {
		t.Errorf("after a note edit: %v", upd)
	}
	// New minutes: stored rate, current rounding (31 → 45 minutes).
	upd = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", id), map[string]any{"minutes": 31})
	if num(t, upd, "hourly_rate") != 5000 || num(t, upd, "billable_minutes") != 45 || num(t, upd, "amount") != 3750 {
		t.Errorf("after a minutes edit: %v", upd)
	}
	upd = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", id), map[string]any{"started_at": "2026-11-03T10:00:00+01:00"})
	if upd["started_at"] != "2026-11-03T09:00:00Z" || num(t, upd, "hourly_rate") != 5000 {
		t.Errorf("after a started_at edit: %v", upd)
	}
	// Another service: the client's rate for it now applies.
	upd = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", id), map[string]any{"service_id": other})
	if num(t, upd, "hourly_rate") != 4200 || num(t, upd, "amount") != 3150 {
		t.Errorf("after a service change: %v", upd)
	}
	// Dropping the project re-resolves too: back to the service's new default.
	upd = f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", idp), map[string]any{"project_id": nil})
	if upd["project_id"] != nil || num(t, upd, "hourly_rate") != 9900 {
		t.Errorf("after dropping the project: %v", upd)
	}
}

// Billable minutes round up per entry; money rounds half up; work that is
// not billable bills nothing, and an explicit billable wins over defaults.
func TestTimeEntryRoundingAndBillable(t *testing.T) {
	f := newWL(t, "Rounding")
	quarter := f.client(map[string]any{"rounding_minutes": 15})
	exact := f.client(nil)
	svc := f.service(6000, true)
	free := f.service(6000, false)
	odd := f.service(4999, true)
	cheap := f.service(50, true)
	internal := f.project(quarter, map[string]any{"billing": "non_billable"})

	cases := []struct {
		name         string
		client, svc  int64
		extra        map[string]any
		billable     bool
		bmin, amount int64
	}{
		{"7 min rounds up to 15", quarter, svc, map[string]any{"minutes": 7}, true, 15, 1500},
		{"15 min stays", quarter, svc, map[string]any{"minutes": 15}, true, 15, 1500},
		{"16 min rounds to 30", quarter, svc, map[string]any{"minutes": 16}, true, 30, 3000},
		{"no rounding", exact, svc, map[string]any{"minutes": 7}, true, 7, 700},
		{"1 min at 49.99/h is 83.316 cents", exact, odd, map[string]any{"minutes": 1}, true, 1, 83},
		{"3 min at 0.50/h is 2.5 cents", exact, cheap, map[string]any{"minutes": 3}, true, 3, 3},
		{"the longest entry", exact, svc, map[string]any{"minutes": 1440}, true, 1440, 144000},
		{"non-billable service", quarter, free, nil, false, 0, 0},
		{"non-billable project", quarter, svc, map[string]any{"project_id": internal}, false, 0, 0},
		{"explicitly billable", quarter, free, map[string]any{"billable": true, "minutes": 20}, true, 30, 3000},
		{"explicitly billable on a non-billable project", quarter, svc, map[string]any{"project_id": internal, "billable": true}, true, 30, 3000},
		{"explicitly not billable", quarter, svc, map[string]any{"billable": false}, false, 0, 0},
	}
	for _, c := range cases {
		m := f.entry(c.client, c.svc, c.extra)
		if m["billable"] != c.billable || num(t, m, "billable_minutes") != c.bmin || num(t, m, "amount") != c.amount {
			t.Errorf("%s: billable %v, %v min, amount %v; want %v, %d, %d", c.name, m["billable"], m["billable_minutes"], m["amount"], c.billable, c.bmin, c.amount)
		}
	}

	// Turning billable on later bills at the stored rate.
	m := f.entry(quarter, free, map[string]any{"minutes": 20})
	upd := f.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", num(t, m, "id")), map[string]any{"billable": true})
	if upd["billable"] != true || num(t, upd, "billable_minutes") != 30 || num(t, upd, "amount") != 3000 {
		t.Errorf("billable turned on: %v", upd)
	}
}

func TestTimeEntryProjectsAndTasks(t *testing.T) {
	f := newWL(t, "Links")
	cl := f.client(nil)
	otherCl := f.client(nil)
	svc := f.service(5000, true)
	pr := f.project(cl, nil)
	pr2 := f.project(cl, nil)
	otherPr := f.project(otherCl, nil)
	tk := f.task(cl, map[string]any{"project_id": pr})
	loose := f.task(cl, nil)
	otherTk := f.task(otherCl, nil)
	path := "/api/v1/time-entries"
	base := func(extra map[string]any) map[string]any {
		return merge(map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T09:00:00Z", "minutes": 30}, extra)
	}

	// A task brings its project along; a task without one leaves it open.
	m := f.entry(cl, svc, map[string]any{"task_id": tk})
	if num(t, m, "project_id") != pr || num(t, m, "task_id") != tk {
		t.Errorf("task's project not taken: %v", m)
	}
	m2 := f.entry(cl, svc, map[string]any{"task_id": loose, "project_id": pr2})
	if num(t, m2, "project_id") != pr2 {
		t.Errorf("loose task in a project: %v", m2)
	}

	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"project of another client", base(map[string]any{"project_id": otherPr}), "project_id"},
		{"task of another client", base(map[string]any{"task_id": otherTk}), "task_id"},
		{"task of another project", base(map[string]any{"task_id": tk, "project_id": pr2}), "task_id"},
		{"unknown client", base(map[string]any{"client_id": 999999}), "client_id"},
		{"unknown service", base(map[string]any{"service_id": 999999}), "service_id"},
		{"unknown project", base(map[string]any{"project_id": 999999}), "project_id"},
		{"unknown task", base(map[string]any{"task_id": 999999}), "task_id"},
	} {
		f.invalid(f.owner, "POST", path, c.body, c.field)
	}
	res := f.owner.Do("POST", path, base(map[string]any{"client_id": 999999}))
	if p := res.Problem(t); len(p.Errors) == 0 || p.Errors[0].Message != "does not exist" {
		t.Errorf("unknown client: %s", res.Body)
	}

	// Moving an entry to another client with its project still set is refused.
	id := num(t, m, "id")
	f.invalid(f.owner, "PATCH", apitest.Path("%s/%d", path, id), map[string]any{"client_id": otherCl}, "project_id")
	upd := f.owner.Must(200, "PATCH", apitest.Path("%s/%d", path, id), map[string]any{"client_id": otherCl, "project_id": nil, "task_id": nil})
	if num(t, upd, "client_id") != otherCl || upd["project_id"] != nil || upd["task_id"] != nil {
		t.Errorf("moved: %v", upd)
	}

	// Archived clients and services take no new work, but old work stays editable.
	arch := f.client(nil)
	old := f.entry(arch, svc, nil)
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", arch), map[string]any{"status": "archived"})
	f.invalid(f.owner, "POST", path, base(map[string]any{"client_id": arch}), "client_id")
	f.owner.Must(200, "PATCH", apitest.Path("%s/%d", path, num(t, old, "id")), map[string]any{"note": "still fine"})
	f.invalid(f.owner, "PATCH", apitest.Path("%s/%d", path, id), map[string]any{"client_id": arch}, "client_id")
	oldSvc := f.service(1000, true)
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/services/%d", oldSvc), map[string]any{"archived": true})
	f.invalid(f.owner, "POST", path, base(map[string]any{"service_id": oldSvc}), "service_id")
	f.invalid(f.owner, "PATCH", apitest.Path("%s/%d", path, id), map[string]any{"service_id": oldSvc}, "service_id")
}

func TestTimeEntryValidation(t *testing.T) {
	f := newWL(t, "Validation")
	cl := f.client(nil)
	svc := f.service(5000, true)
	path := "/api/v1/time-entries"
	good := func(k string, v any) map[string]any {
		b := map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T09:00:00Z", "minutes": 30}
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"no client", good("client_id", nil), "client_id"},
		{"no service", good("service_id", nil), "service_id"},
		{"no start", good("started_at", nil), "started_at"},
		{"no minutes", good("minutes", nil), "minutes"},
		{"zero minutes", good("minutes", 0), "minutes"},
		{"negative minutes", good("minutes", -5), "minutes"},
		{"more than a day", good("minutes", 1441), "minutes"},
		{"a date is not a time", good("started_at", "2026-11-02"), "started_at"},
		{"no zone", good("started_at", "2026-11-02T09:00:00"), "started_at"},
		{"words", good("started_at", "yesterday"), "started_at"},
		{"long note", good("note", strings.Repeat("n", 2001)), "note"},
		{"long internal note", good("internal_note", strings.Repeat("n", 5001)), "internal_note"},
		{"minutes as text", good("minutes", "30"), "minutes"},
		{"fractional minutes", good("minutes", 1.5), "minutes"},
		{"billable as text", good("billable", "yes"), "billable"},
		{"client as text", good("client_id", "1"), "client_id"},
		{"project as text", good("project_id", "x"), "project_id"},
		{"project 0 for none", good("project_id", 0), "project_id"},
		{"negative project", good("project_id", -3), "project_id"},
		{"task 0 for none", good("task_id", 0), "task_id"},
		{"started_at as number", good("started_at", 1762074000), "started_at"},
		{"huge number", `{"client_id":1,"service_id":1,"started_at":"2026-11-02T09:00:00Z","minutes":1e99}`, "minutes"},
		{"unknown field", good("hours", 2), "hours"},
		{"read-only field", good("amount", 100), "amount"},
		{"version on create", good("version", 1), "version"},
	}
	for _, c := range cases {
		f.invalid(f.owner, "POST", path, c.body, c.field)
	}
	res := f.owner.Do("POST", path, map[string]any{})
	if p := res.Problem(t); res.Status != 422 || !p.HasField("client_id") || !p.HasField("service_id") || !p.HasField("started_at") || !p.HasField("minutes") {
		t.Errorf("empty body should name every required field: %s", res.Body)
	}
	f.status(f.owner, 400, "POST", path, "not json")
	f.status(f.owner, 400, "POST", path, "")

	id := num(t, f.entry(cl, svc, nil), "id")
	for _, c := range []struct {
		body  any
		field string
	}{
		{map[string]any{"minutes": 0}, "minutes"},
		{map[string]any{"minutes": 1441}, "minutes"},
		{map[string]any{"started_at": "noon"}, "started_at"},
		{map[string]any{"note": strings.Repeat("n", 2001)}, "note"},
		{map[string]any{"version": "1"}, "version"},
		{map[string]any{"user_id": 5}, "user_id"},
		{map[string]any{"project_id": 0}, "project_id"},
		{map[string]any{"task_id": 0}, "task_id"},
	} {
		f.invalid(f.owner, "PATCH", apitest.Path("%s/%d", path, id), c.body, c.field)
	}
	// Nothing was written by the failures.
	got := f.owner.Must(200, "GET", apitest.Path("%s/%d", path, id), nil)
	if num(t, got, "version") != 1 || num(t, got, "minutes") != 30 {
		t.Errorf("failed PATCHes changed the entry: %v", got)
	}
	for _, q := range []string{"limit=0", "limit=501", "cursor=!!!", "cursor=bm9wZQ", "client_id=x", "billable=maybe",
		"from=2026-13-01", "to=11/02/2026", "from=2026-11-05&to=2026-11-04"} {
		field := strings.SplitN(q, "=", 2)[0]
		if q == "from=2026-11-05&to=2026-11-04" {
			field = "to"
		}
		f.invalid(f.owner, "GET", path+"?"+q, nil, field)
	}
}

// An entry on an issued invoice is locked; one held by a draft is not.
func TestTimeEntryLock(t *testing.T) {
	f := newWL(t, "Lock")
	cl := f.client(nil)
	svc := f.service(5000, true)
	path := "/api/v1/time-entries/%d"
	issued := num(t, f.entry(cl, svc, nil), "id")
	inv := f.invoice(cl, "issued")
	f.exec("UPDATE time_entries SET invoice_id = ? WHERE id = ?", inv, issued)

	got := f.owner.Must(200, "GET", apitest.Path(path, issued), nil)
	if got["locked"] != true || num(t, got, "invoice_id") != inv {
		t.Fatalf("locked entry: %v", got)
	}
	for _, body := range []map[string]any{{"note": "x"}, {"minutes": 45}, {"version": 1, "billable": false}} {
		res := f.status(f.owner, 409, "PATCH", apitest.Path(path, issued), body)
		if !strings.Contains(res.Problem(t).Detail, "void the invoice") {
			t.Errorf("lock message: %s", res.Body)
		}
	}
	f.status(f.owner, 409, "DELETE", apitest.Path(path, issued), nil)
	if again := f.owner.Must(200, "GET", apitest.Path(path, issued), nil); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("locked entry changed: %v", again)
	}

	drafted := num(t, f.entry(cl, svc, nil), "id")
	draft := f.invoice(cl, "draft")
	f.exec("UPDATE time_entries SET draft_invoice_id = ? WHERE id = ?", draft, drafted)
	upd := f.owner.Must(200, "PATCH", apitest.Path(path, drafted), map[string]any{"minutes": 45})
	if upd["locked"] != false || num(t, upd, "draft_invoice_id") != draft || num(t, upd, "amount") != 3750 {
		t.Errorf("draft-held entry after edit: %v", upd)
	}
	f.owner.Must(204, "DELETE", apitest.Path(path, drafted), nil)
	f.status(f.owner, 404, "GET", apitest.Path(path, drafted), nil)
}

func TestTimeEntryOptimisticLocking(t *testing.T) {
	f := newWL(t, "Versions")
	cl := f.client(nil)
	svc := f.service(5000, true)
	p := apitest.Path("/api/v1/time-entries/%d", num(t, f.entry(cl, svc, nil), "id"))
	upd := f.owner.Must(200, "PATCH", p, map[string]any{"note": "first", "version": 1})
	if num(t, upd, "version") != 2 {
		t.Fatalf("version after PATCH: %v", upd)
	}
	res := f.status(f.owner, 409, "PATCH", p, map[string]any{"note": "stale", "version": 1})
	if !strings.Contains(res.Problem(t).Detail, "version 2") {
		t.Errorf("stale message: %s", res.Body)
	}
	upd = f.owner.Must(200, "PATCH", p, map[string]any{"note": "blind"})
	if upd["note"] != "blind" || num(t, upd, "version") != 3 {
		t.Errorf("PATCH without version: %v", upd)
	}
}

func TestTimeEntryListFiltersAndCursor(t *testing.T) {
	f := newWL(t, "Lists")
	asst := f.owner.NewUser(tenant.Assistant)
	a := f.client(nil)
	b := f.client(nil)
	svc := f.service(5000, true)
	free := f.service(0, false)
	pr := f.project(a, nil)
	tk := f.task(a, map[string]any{"project_id": pr})
	f.assign(asst, a, b)
	// New York is UTC-5 in November: 03:30Z on the 3rd is 22:30 on the 2nd.
	f.owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": "America/New_York"})

	mk := func(by *apitest.Actor, body map[string]any) int64 {
		t.Helper()
		return num(t, by.Must(201, "POST", "/api/v1/time-entries", body), "id")
	}
	e1 := mk(f.owner, map[string]any{"client_id": a, "service_id": svc, "started_at": "2026-11-02T05:30:00Z", "minutes": 10}) // Nov 2 00:30 NY
	e2 := mk(f.owner, map[string]any{"client_id": a, "service_id": svc, "started_at": "2026-11-03T03:30:00Z", "minutes": 10, "task_id": tk})
	e3 := mk(asst, map[string]any{"client_id": b, "service_id": free, "started_at": "2026-11-03T03:30:00Z", "minutes": 10})
	e4 := mk(asst, map[string]any{"client_id": a, "service_id": svc, "started_at": "2026-11-03T05:00:00Z", "minutes": 10}) // Nov 3 00:00 NY
	e5 := mk(f.owner, map[string]any{"client_id": b, "service_id": svc, "started_at": "2026-11-01T12:00:00Z", "minutes": 10})
	e6 := mk(f.owner, map[string]any{"client_id": a, "service_id": svc, "started_at": "2026-11-03T03:30:00Z", "minutes": 10})
	e7 := mk(f.owner, map[string]any{"client_id": b, "service_id": svc, "started_at": "2026-11-02T04:59:59Z", "minutes": 10}) // Nov 1 23:59:59 NY
	inv := f.invoice(a, "issued")
	f.exec("UPDATE time_entries SET invoice_id = ? WHERE id = ?", inv, e1)

	if owner := f.owner.Must(200, "GET", "/api/v1/time-entries?user_id="+fmt.Sprint(asst.UserID), nil); len(owner["items"].([]any)) != 2 {
		t.Errorf("assistant's entries: %v", owner)
	}
	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{e4, e6, e3, e2, e1, e7, e5}},
		{"client_id=" + fmt.Sprint(a), []int64{e4, e6, e2, e1}},
		{"client_id=" + fmt.Sprint(b), []int64{e3, e7, e5}},
		{"user_id=" + fmt.Sprint(asst.UserID), []int64{e4, e3}},
		{"service_id=" + fmt.Sprint(free), []int64{e3}},
		{"project_id=" + fmt.Sprint(pr), []int64{e2}},
		{"task_id=" + fmt.Sprint(tk), []int64{e2}},
		{"billable=false", []int64{e3}},
		{"billable=true&client_id=" + fmt.Sprint(b), []int64{e7, e5}},
		{"invoiced=true", []int64{e1}},
		{"invoiced=false&client_id=" + fmt.Sprint(a), []int64{e4, e6, e2}},
		{"from=2026-11-02&to=2026-11-02", []int64{e6, e3, e2, e1}},
		{"from=2026-11-03", []int64{e4}},
		{"to=2026-11-01", []int64{e7, e5}},
		{"from=2026-11-02&to=2026-11-02&client_id=" + fmt.Sprint(a), []int64{e6, e2, e1}},
		{"from=2026-12-01", nil},
		{"client_id=999999", nil},
	}
	for _, c := range cases {
		path := "/api/v1/time-entries"
		if c.query != "" {
			path += "?" + c.query
		}
		if got := wlWalk(t, f.owner, path); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%q: %v, want %v", c.query, got, c.want)
		}
	}
	// One page with everything, and the entries carry their client's currency.
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", b), map[string]any{"currency": "EUR"})
	var page struct {
		Items []struct {
			ClientID int64  `json:"client_id"`
			Currency string `json:"currency"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	f.owner.Do("GET", "/api/v1/time-entries?limit=500", nil).JSON(t, &page)
	if len(page.Items) != 7 || page.NextCursor != nil {
		t.Fatalf("full page: %d items, cursor %v", len(page.Items), page.NextCursor)
	}
	for _, it := range page.Items {
		want := map[int64]string{a: "USD", b: "EUR"}[it.ClientID]
		if it.Currency != want {
			t.Errorf("client %d: currency %s, want %s", it.ClientID, it.Currency, want)
		}
	}
}

// Another practice's entries do not exist for the caller, and its clients,
// services, projects and tasks cannot be used.
func TestTimeEntriesOfAnotherPracticeAre404(t *testing.T) {
	f := newWL(t, "Mine")
	g := f.in("Theirs")
	cl := g.client(nil)
	svc := g.service(5000, true)
	pr := g.project(cl, nil)
	tk := g.task(cl, nil)
	theirs := num(t, g.entry(cl, svc, nil), "id")

	myCl := f.client(nil)
	mySvc := f.service(5000, true)
	mine := num(t, f.entry(myCl, mySvc, nil), "id")
	p := apitest.Path("/api/v1/time-entries/%d", theirs)
	f.status(f.owner, 404, "GET", p, nil)
	f.status(f.owner, 404, "PATCH", p, map[string]any{"note": "x"})
	f.status(f.owner, 404, "DELETE", p, nil)
	if got := wlWalk(t, f.owner, "/api/v1/time-entries"); fmt.Sprint(got) != fmt.Sprint([]int64{mine}) {
		t.Errorf("list shows %v", got)
	}
	if got := wlWalk(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", cl)); len(got) != 0 {
		t.Errorf("filter by their client shows %v", got)
	}
	body := func(k string, v int64) map[string]any {
		return merge(map[string]any{"client_id": myCl, "service_id": mySvc, "started_at": "2026-11-02T09:00:00Z", "minutes": 5}, map[string]any{k: v})
	}
	for _, k := range []string{"client_id", "service_id", "project_id", "task_id"} {
		v := map[string]int64{"client_id": cl, "service_id": svc, "project_id": pr, "task_id": tk}[k]
		f.invalid(f.owner, "POST", "/api/v1/time-entries", body(k, v), k)
		f.invalid(f.owner, "PATCH", apitest.Path("/api/v1/time-entries/%d", mine), map[string]any{k: v}, k)
	}
	// Theirs is untouched.
	if got := g.owner.Must(200, "GET", p, nil); num(t, got, "version") != 1 {
		t.Errorf("their entry changed: %v", got)
	}
}

// Assistants log time as themselves, for the clients they are given;
// client users have no access.
func TestTimeEntryRoles(t *testing.T) {
	f := newWL(t, "Roles")
	asst := f.owner.NewUser(tenant.Assistant)
	cl := f.client(nil)
	notMine := f.client(nil)
	svc := f.service(5000, true)
	f.assign(asst, cl)
	m := asst.Must(201, "POST", "/api/v1/time-entries", map[string]any{"client_id": cl, "service_id": svc,
		"started_at": "2026-11-02T14:00:00Z", "minutes": 45})
	if num(t, m, "user_id") != asst.UserID {
		t.Errorf("assistant's entry: %v", m)
	}
	f.invalid(asst, "POST", "/api/v1/time-entries", map[string]any{"client_id": cl, "service_id": svc,
		"started_at": "2026-11-02T14:00:00Z", "minutes": 45, "user_id": f.owner.UserID}, "user_id")
	asst.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", num(t, m, "id")), map[string]any{"minutes": 50})
	f.invalid(asst, "POST", "/api/v1/time-entries", map[string]any{"client_id": notMine, "service_id": svc,
		"started_at": "2026-11-02T14:00:00Z", "minutes": 45}, "client_id")
	hidden := num(t, f.entry(notMine, svc, nil), "id")
	f.status(asst, 404, "GET", apitest.Path("/api/v1/time-entries/%d", hidden), nil)
	if got := wlWalk(t, asst, "/api/v1/time-entries"); fmt.Sprint(got) != fmt.Sprint([]int64{num(t, m, "id")}) {
		t.Errorf("assistant sees %v", got)
	}

	portal := f.clientUser(cl)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/time-entries"}, {"POST", "/api/v1/time-entries"},
		{"GET", apitest.Path("/api/v1/time-entries/%d", num(t, m, "id"))},
		{"GET", "/api/v1/timer"}, {"POST", "/api/v1/timer/start"}, {"POST", "/api/v1/timer/stop"},
		{"GET", "/api/v1/expenses"}, {"POST", "/api/v1/expenses"},
	} {
		f.status(portal, 403, r.method, r.path, map[string]any{})
	}
}

// assign gives an assistant clients to work for (assistants see only
// those).
func (f *wlFixture) assign(asst *apitest.Actor, clientIDs ...int64) {
	f.t.Helper()
	for _, id := range clientIDs {
		f.exec("INSERT INTO assistant_clients (practice_id, user_id, client_id, created_at) VALUES (?, ?, ?, ?)",
			f.owner.PracticeID, asst.UserID, id, apitest.Start)
	}
}

// clientUser adds a portal user of clientID with an API token.
func (f *wlFixture) clientUser(clientID int64) *apitest.Actor {
	f.t.Helper()
	f.seq++
	email := fmt.Sprintf("wl-portal%d-%d@example.com", clientID, f.seq)
	f.exec(`INSERT INTO users (practice_id, email, name, role, client_id, password_hash, created_at, updated_at)
		VALUES (?, ?, 'Portal', 'client', ?, 'x', ?, ?)`, f.owner.PracticeID, email, clientID, apitest.Start, apitest.Start)
	_, raw, err := f.env.Services.Auth.CreateTokenFor(context.Background(), email, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return &apitest.Actor{Env: f.env, PracticeID: f.owner.PracticeID, Email: email, Token: raw}
}

// An explicit 0 for project_id or task_id is refused with a 422 that says
// what to send instead: it used to be read as "none", which hid client
// bugs (a form's unset select sending 0) behind a silent success. Leaving
// the field out or sending null still means none, and null still clears.
func TestZeroReferenceIsNotNone(t *testing.T) {
	f := newWL(t, "Zero ids")
	cl := f.client(nil)
	svc := f.service(5000, true)
	pr := f.project(cl, nil)
	tk := f.task(cl, map[string]any{"project_id": pr})
	entry := num(t, f.entry(cl, svc, map[string]any{"project_id": pr, "task_id": tk}), "id")
	expense := num(t, f.owner.Must(201, "POST", "/api/v1/expenses", map[string]any{"client_id": cl, "project_id": pr,
		"date": "2026-11-02", "amount": 500, "description": "Postage"}), "id")
	entryBody := func(extra map[string]any) map[string]any {
		return merge(map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T10:00:00Z", "minutes": 15}, extra)
	}
	expenseBody := func(extra map[string]any) map[string]any {
		return merge(map[string]any{"client_id": cl, "date": "2026-11-02", "amount": 100, "description": "Stamps"}, extra)
	}
	timerBody := func(extra map[string]any) map[string]any {
		return merge(map[string]any{"client_id": cl, "service_id": svc}, extra)
	}
	entryPath := apitest.Path("/api/v1/time-entries/%d", entry)
	expensePath := apitest.Path("/api/v1/expenses/%d", expense)
	const msg = "must be a positive id; leave it out or send null for none"

	refused := []struct {
		method, path string
		body         map[string]any
		field        string
	}{
		{"POST", "/api/v1/time-entries", entryBody(map[string]any{"project_id": 0}), "project_id"},
		{"POST", "/api/v1/time-entries", entryBody(map[string]any{"task_id": 0}), "task_id"},
		{"POST", "/api/v1/time-entries", entryBody(map[string]any{"project_id": pr, "task_id": 0}), "task_id"},
		{"PATCH", entryPath, map[string]any{"project_id": 0}, "project_id"},
		{"PATCH", entryPath, map[string]any{"task_id": 0, "version": 1}, "task_id"},
		{"POST", "/api/v1/expenses", expenseBody(map[string]any{"project_id": 0}), "project_id"},
		{"PATCH", expensePath, map[string]any{"project_id": 0}, "project_id"},
		{"POST", "/api/v1/timer/start", timerBody(map[string]any{"project_id": 0}), "project_id"},
		{"POST", "/api/v1/timer/start", timerBody(map[string]any{"task_id": 0}), "task_id"},
		{"POST", "/api/v1/timer/start", timerBody(map[string]any{"task_id": -7}), "task_id"},
	}
	for _, c := range refused {
		res := f.owner.Do(c.method, c.path, c.body)
		p := res.Problem(t)
		if res.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Message != msg {
			t.Errorf("%s %s %v: %d %s", c.method, c.path, c.body, res.Status, res.Body)
		}
	}
	// Nothing was written by the refusals.
	if got := f.owner.Must(200, "GET", entryPath, nil); num(t, got, "version") != 1 || num(t, got, "project_id") != pr || num(t, got, "task_id") != tk {
		t.Errorf("refused PATCHes changed the entry: %v", got)
	}
	if got := f.owner.Must(200, "GET", expensePath, nil); num(t, got, "version") != 1 || num(t, got, "project_id") != pr {
		t.Errorf("refused PATCHes changed the expense: %v", got)
	}
	if n := f.timers(); n != 0 {
		t.Errorf("refused starts left %d timers", n)
	}
	if page := f.owner.Must(200, "GET", "/api/v1/time-entries", nil); len(page["items"].([]any)) != 1 {
		t.Errorf("refused creates wrote entries: %v", page)
	}

	// Left out or null: none, as before; null on PATCH clears.
	for _, body := range []map[string]any{entryBody(nil), entryBody(map[string]any{"project_id": nil, "task_id": nil})} {
		if m := f.owner.Must(201, "POST", "/api/v1/time-entries", body); m["project_id"] != nil || m["task_id"] != nil {
			t.Errorf("entry without a project: %v", m)
		}
	}
	if m := f.owner.Must(201, "POST", "/api/v1/expenses", expenseBody(map[string]any{"project_id": nil})); m["project_id"] != nil {
		t.Errorf("expense without a project: %v", m)
	}
	if m := f.owner.Must(201, "POST", "/api/v1/timer/start", timerBody(map[string]any{"project_id": nil, "task_id": nil})); m["project_id"] != nil || m["task_id"] != nil {
		t.Errorf("timer without a project: %v", m)
	}
	if m := f.owner.Must(200, "PATCH", entryPath, map[string]any{"project_id": nil, "task_id": nil}); m["project_id"] != nil || m["task_id"] != nil {
		t.Errorf("null did not clear the entry's project and task: %v", m)
	}
	if m := f.owner.Must(200, "PATCH", expensePath, map[string]any{"project_id": nil}); m["project_id"] != nil {
		t.Errorf("null did not clear the expense's project: %v", m)
	}
}
