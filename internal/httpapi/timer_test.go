package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

func (f *wlFixture) timers() int64 {
	f.t.Helper()
	var n int64
	if err := f.env.Store.Read(tenant.System(context.Background())).Raw("SELECT COUNT(*) FROM timers").Scan(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestTimerStartStop(t *testing.T) {
	f := newWL(t, "Timer")
	cl := f.client(map[string]any{"rounding_minutes": 15})
	svc := f.service(6000, true)

	idle := f.owner.Must(200, "GET", "/api/v1/timer", nil)
	if idle["running"] != false || len(idle) != 10 {
		t.Fatalf("no timer: %v", idle)
	}
	for k, v := range idle {
		if k != "running" && v != nil {
			t.Errorf("idle timer has %s = %v", k, v)
		}
	}
	res := f.status(f.owner, 404, "POST", "/api/v1/timer/stop", nil)
	if !strings.Contains(res.Problem(t).Detail, "no timer") {
		t.Errorf("stop without a timer: %s", res.Body)
	}

	started := f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc, "note": "Weekly newsletter"})
	if started["running"] != true || started["started_at"] != "2026-11-02T09:00:00Z" || started["stopped_entry"] != nil ||
		num(t, started, "client_id") != cl || started["billable"] != true || started["note"] != "Weekly newsletter" {
		t.Fatalf("started: %v", started)
	}
	f.env.Clock.Advance(10 * time.Minute)
	running := f.owner.Must(200, "GET", "/api/v1/timer", nil)
	if running["running"] != true || num(t, running, "elapsed_seconds") != 600 || num(t, running, "id") != num(t, started, "id") {
		t.Errorf("running: %v", running)
	}
	if _, ok := running["stopped_entry"]; ok {
		t.Errorf("GET /timer carries stopped_entry: %v", running)
	}

	// 25:30 rounds to 26 minutes, which the client's rounding bills as 30.
	f.env.Clock.Advance(15*time.Minute + 30*time.Second)
	e := f.owner.Must(201, "POST", "/api/v1/timer/stop", nil)
	if num(t, e, "minutes") != 26 || e["started_at"] != "2026-11-02T09:00:00Z" || e["note"] != "Weekly newsletter" ||
		num(t, e, "billable_minutes") != 30 || num(t, e, "amount") != 3000 || num(t, e, "user_id") != f.owner.UserID ||
		num(t, e, "hourly_rate") != 6000 {
		t.Errorf("entry from timer: %v", e)
	}
	f.owner.Must(200, "GET", apitest.Path("/api/v1/time-entries/%d", num(t, e, "id")), nil)
	if idle := f.owner.Must(200, "GET", "/api/v1/timer", nil); idle["running"] != false {
		t.Errorf("after stop: %v", idle)
	}
	f.status(f.owner, 404, "POST", "/api/v1/timer/stop", nil)
}

// Starting a timer while one runs turns the running one into an entry in
// the same step, and says so.
func TestTimerSwitch(t *testing.T) {
	f := newWL(t, "Switch")
	a := f.client(nil)
	b := f.client(nil)
	svc := f.service(6000, true)
	free := f.service(6000, false)
	pr := f.project(b, nil)
	tk := f.task(b, map[string]any{"project_id": pr})

	f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": svc})
	f.env.Clock.Advance(40 * time.Minute)
	second := f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": b, "service_id": free, "task_id": tk, "billable": true})
	stopped, ok := second["stopped_entry"].(map[string]any)
	if !ok || num(t, stopped, "client_id") != a || num(t, stopped, "minutes") != 40 || stopped["started_at"] != "2026-11-02T09:00:00Z" {
		t.Fatalf("switch: %v", second)
	}
	if num(t, second, "client_id") != b || num(t, second, "project_id") != pr || second["billable"] != true || second["started_at"] != "2026-11-02T09:40:00Z" {
		t.Errorf("second timer: %v", second)
	}
	if n := f.timers(); n != 1 {
		t.Errorf("%d timers after a switch", n)
	}
	// A timer that runs over a day is capped at 1440 minutes; its explicit
	// billable flag carries over.
	f.env.Clock.Advance(30 * time.Hour)
	e := f.owner.Must(201, "POST", "/api/v1/timer/stop", nil)
	if num(t, e, "minutes") != 1440 || e["billable"] != true || num(t, e, "task_id") != tk || num(t, e, "project_id") != pr {
		t.Errorf("capped entry: %v", e)
	}
	// A timer stopped at once is a minute, and a non-billable service's
	// default carries over.
	f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": free})
	e = f.owner.Must(201, "POST", "/api/v1/timer/stop", nil)
	if num(t, e, "minutes") != 1 || e["billable"] != false || num(t, e, "amount") != 0 {
		t.Errorf("instant entry: %v", e)
	}
}

// Each user has their own timer; an archived client does not throw away
// the time of a timer that was already running for it.
func TestTimerPerUserAndArchive(t *testing.T) {
	f := newWL(t, "PerUser")
	asst := f.owner.NewUser(tenant.Assistant)
	cl := f.client(nil)
	svc := f.service(6000, true)
	f.assign(asst, cl)
	f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc})
	f.env.Clock.Advance(5 * time.Minute)
	mine := asst.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc})
	if mine["stopped_entry"] != nil {
		t.Errorf("assistant's start stopped someone's timer: %v", mine)
	}
	if n := f.timers(); n != 2 {
		t.Errorf("%d timers for two users", n)
	}
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", cl), map[string]any{"status": "archived"})
	f.env.Clock.Advance(5 * time.Minute)
	e := f.owner.Must(201, "POST", "/api/v1/timer/stop", nil)
	if num(t, e, "minutes") != 10 || num(t, e, "user_id") != f.owner.UserID {
		t.Errorf("owner's entry: %v", e)
	}
	if got := asst.Must(200, "GET", "/api/v1/timer", nil); got["running"] != true || num(t, got, "elapsed_seconds") != 300 {
		t.Errorf("assistant's timer: %v", got)
	}
	// New work for the archived client is refused.
	f.invalid(asst, "POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc}, "client_id")
	if got := asst.Must(200, "GET", "/api/v1/timer", nil); got["running"] != true {
		t.Errorf("a refused start stopped the timer: %v", got)
	}
}

func TestTimerValidation(t *testing.T) {
	f := newWL(t, "TimerValidation")
	g := f.in("Elsewhere")
	cl := f.client(nil)
	other := f.client(nil)
	svc := f.service(6000, true)
	otherPr := f.project(other, nil)
	theirCl := g.client(nil)
	theirSvc := g.service(100, true)
	start := "/api/v1/timer/start"
	body := func(extra map[string]any) map[string]any {
		return merge(map[string]any{"client_id": cl, "service_id": svc}, extra)
	}
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"no client", map[string]any{"service_id": svc}, "client_id"},
		{"no service", map[string]any{"client_id": cl}, "service_id"},
		{"unknown client", body(map[string]any{"client_id": 999999}), "client_id"},
		{"their client", body(map[string]any{"client_id": theirCl}), "client_id"},
		{"their service", body(map[string]any{"service_id": theirSvc}), "service_id"},
		{"project of another client", body(map[string]any{"project_id": otherPr}), "project_id"},
		{"unknown task", body(map[string]any{"task_id": 999999}), "task_id"},
		{"project 0 for none", body(map[string]any{"project_id": 0}), "project_id"},
		{"task 0 for none", body(map[string]any{"task_id": 0}), "task_id"},
		{"long note", body(map[string]any{"note": strings.Repeat("n", 2001)}), "note"},
		{"started_at is the server's", body(map[string]any{"started_at": "2026-11-02T08:00:00Z"}), "started_at"},
		{"billable as text", body(map[string]any{"billable": "yes"}), "billable"},
	} {
		f.invalid(f.owner, "POST", start, c.body, c.field)
	}
	f.status(f.owner, 400, "POST", start, "[1,2]")
	if n := f.timers(); n != 0 {
		t.Errorf("failed starts left %d timers", n)
	}
}

// Ten starts at once leave exactly one timer, turn the others into
// entries, and never answer 5xx.
func TestTimerConcurrentStarts(t *testing.T) {
	f := newWL(t, "Race")
	cl := f.client(nil)
	svc := f.service(6000, true)
	const n = 10
	var wg sync.WaitGroup
	statuses := make([]int, n)
	stopped := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := f.owner.Do("POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc})
			statuses[i] = res.Status
			stopped[i] = res.Status == http.StatusCreated && !strings.Contains(string(res.Body), `"stopped_entry":null`)
		}()
	}
	wg.Wait()
	created, switched := 0, 0
	for i, s := range statuses {
		switch {
		case s == http.StatusCreated:
			created++
		case s == http.StatusConflict:
		default:
			t.Errorf("start %d: status %d", i, s)
		}
		if stopped[i] {
			switched++
		}
	}
	if n := f.timers(); n != 1 {
		t.Fatalf("%d timers after concurrent starts", n)
	}
	if switched != created-1 {
		t.Errorf("%d starts succeeded but %d stopped a timer", created, switched)
	}
	entries := wlWalk(t, f.owner, "/api/v1/time-entries")
	if len(entries) != switched {
		t.Errorf("%d entries for %d switches", len(entries), switched)
	}
	if got := f.owner.Must(200, "GET", "/api/v1/timer", nil); got["running"] != true {
		t.Errorf("timer: %v", got)
	}
}

// A task moved to another project while its timer ran does not make the
// time unstoppable: the entry follows the task to where it is now.
func TestTimerStopsAfterItsTaskMoved(t *testing.T) {
	f := newWL(t, "Moved task")
	cl := f.client(nil)
	svc := f.service(6000, true)
	from, to := f.project(cl, nil), f.project(cl, nil)
	task := f.task(cl, map[string]any{"project_id": from})
	started := f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": cl, "service_id": svc, "task_id": task})
	if num(t, started, "project_id") != from {
		t.Fatalf("started: %v", started)
	}
	tk := f.owner.Must(200, "GET", apitest.Path("/api/v1/tasks/%d", task), nil)
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/tasks/%d", task), map[string]any{"project_id": to, "version": tk["version"]})
	f.env.Clock.Advance(20 * time.Minute)
	e := f.owner.Must(201, "POST", "/api/v1/timer/stop", nil)
	if num(t, e, "minutes") != 20 || num(t, e, "task_id") != task || num(t, e, "project_id") != to {
		t.Errorf("entry from the moved task's timer: %v", e)
	}
	if f.timers() != 0 {
		t.Errorf("the timer still runs")
	}
}
