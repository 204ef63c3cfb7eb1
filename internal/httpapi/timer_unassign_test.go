package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/tenant"
	"github.com/vadesk/vadesk/internal/worklog"
)

// An assistant's running timer never outlives their work for its client:
// when the owner takes the client from them, the timer stops at that
// moment and its time becomes their entry (the owner sees it; nothing is
// lost), so the assistant is not left with a timer they can neither see
// nor stop, and can start the next one at once.
func TestTimerStopsWhenClientIsUnassigned(t *testing.T) {
	f := newWL(t, "Unassign")
	asst := f.owner.NewUser(tenant.Assistant)
	a, b := f.client(nil), f.client(nil)
	svc := f.service(6000, true)
	user := apitest.Path("/api/v1/users/%d", asst.UserID)
	f.owner.Must(200, "PATCH", user, map[string]any{"client_ids": []int64{a, b}})

	started := asst.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": svc, "note": "Listings"})
	f.env.Clock.Advance(20 * time.Minute)
	// Changing other things, or the list without taking a away, leaves
	// the timer running.
	f.owner.Must(200, "PATCH", user, map[string]any{"name": "Renamed"})
	f.owner.Must(200, "PATCH", user, map[string]any{"client_ids": []int64{b, a}})
	if got := asst.Must(200, "GET", "/api/v1/timer", nil); got["running"] != true || num(t, got, "id") != num(t, started, "id") {
		t.Fatalf("timer after a change that keeps its client: %v", got)
	}

	f.owner.Must(200, "PATCH", user, map[string]any{"client_ids": []int64{b}})
	if n := f.timers(); n != 0 {
		t.Fatalf("%d timers left after the client was taken away", n)
	}
	if got := asst.Must(200, "GET", "/api/v1/timer", nil); got["running"] != false {
		t.Errorf("the assistant still has a timer: %v", got)
	}
	f.status(asst, 404, "POST", "/api/v1/timer/stop", nil)
	// The time up to the change is the assistant's entry, which the owner
	// sees and the assistant (no longer working for a) does not.
	es := entryMaps(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", a))
	if len(es) != 1 {
		t.Fatalf("entries of the client taken away: %v", es)
	}
	e := es[0]
	if num(t, e, "minutes") != 20 || num(t, e, "user_id") != asst.UserID || e["started_at"] != "2026-11-02T09:00:00Z" ||
		e["note"] != "Listings" || num(t, e, "amount") != 2000 {
		t.Errorf("entry from the stopped timer: %v", e)
	}
	if mine := wlWalk(t, asst, "/api/v1/time-entries"); len(mine) != 0 {
		t.Errorf("the assistant sees entries of a client they no longer work for: %v", mine)
	}
	// The next timer starts at once; nothing was left to switch from.
	next := asst.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": b, "service_id": svc})
	if next["stopped_entry"] != nil {
		t.Errorf("the next start stopped something: %v", next)
	}
	// Taking every client away stops that one too.
	f.env.Clock.Advance(5 * time.Minute)
	f.owner.Must(200, "PATCH", user, map[string]any{"client_ids": []int64{}})
	if n := f.timers(); n != 0 {
		t.Fatalf("%d timers left after every client was taken away", n)
	}
	if es := entryMaps(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", b)); len(es) != 1 || num(t, es[0], "minutes") != 5 {
		t.Errorf("entries of b: %v", es)
	}
	// The owner's own timer is not an assistant's: no client list to leave.
	f.owner.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": svc})
	f.owner.Must(200, "PATCH", user, map[string]any{"client_ids": []int64{b}})
	if got := f.owner.Must(200, "GET", "/api/v1/timer", nil); got["running"] != true {
		t.Errorf("the owner's timer stopped: %v", got)
	}
}

// A timer left on a client the assistant no longer works for (by a
// version before timers stopped on unassignment) is stopped the next time
// the owner saves the assistant's clients, whatever the change.
func TestTimerLeftOnAnUnassignedClientIsStoppedOnSave(t *testing.T) {
	f := newWL(t, "Leftover")
	asst := f.owner.NewUser(tenant.Assistant)
	a, b := f.client(nil), f.client(nil)
	svc := f.service(6000, true)
	f.assign(asst, b)
	f.exec(`INSERT INTO timers (practice_id, user_id, client_id, service_id, billable, note, started_at) VALUES (?, ?, ?, ?, 1, '', ?)`,
		f.owner.PracticeID, asst.UserID, a, svc, apitest.Start)
	f.env.Clock.Advance(45 * time.Minute)
	f.status(asst, 409, "POST", "/api/v1/timer/start", map[string]any{"client_id": b, "service_id": svc})

	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": []int64{b}})
	if n := f.timers(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
	if es := entryMaps(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", a)); len(es) != 1 || num(t, es[0], "minutes") != 45 ||
		num(t, es[0], "user_id") != asst.UserID {
		t.Errorf("entries of a: %v", es)
	}
	asst.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": b, "service_id": svc})
}

// A start that read the assistant's clients just before the owner took
// the client away (so no timer was there to stop) is refused, rather than
// leaving a timer its user cannot see.
func TestTimerStartAfterUnassignmentInFlight(t *testing.T) {
	f := newWL(t, "InFlight")
	asst := f.owner.NewUser(tenant.Assistant)
	a := f.client(nil)
	svc := f.service(6000, true)
	// The scope as the request read it: a was still assigned then.
	stale := tenant.With(context.Background(), tenant.Scope{PracticeID: f.owner.PracticeID, UserID: asst.UserID,
		Role: tenant.Assistant, Restricted: true, AssignedClients: []int64{a}})
	_, _, err := f.env.Services.Worklog.StartTimer(stale, worklog.TimerInput{ClientID: &a, ServiceID: &svc})
	if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindInvalid || len(ae.Fields) != 1 || ae.Fields[0].Field != "client_id" {
		t.Fatalf("start for a client taken away in flight: %v", err)
	}
	if n := f.timers(); n != 0 {
		t.Fatalf("%d timers", n)
	}
	f.assign(asst, a)
	if _, _, err := f.env.Services.Worklog.StartTimer(stale, worklog.TimerInput{ClientID: &a, ServiceID: &svc}); err != nil {
		t.Fatalf("start for an assigned client: %v", err)
	}
}

// entryMaps is the first page of entries at path.
func entryMaps(t *testing.T, a *apitest.Actor, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range a.Must(200, "GET", path, nil)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}
