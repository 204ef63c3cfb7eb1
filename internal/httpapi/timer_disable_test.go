package httpapi_test

import (
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// Disabling a staff user stops their running timer at that moment, in the
// same transaction, and its time becomes their entry: a disabled user can
// neither see nor stop a timer, and one left running would only be capped
// at a day when someone finally stopped it. The audit entry names the
// entry the timer became.
func TestTimerStopsWhenUserIsDisabled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		method  string
		body    any
		wantRes int
	}{
		{"DELETE", "DELETE", nil, 204},
		{"PATCH disabled", "PATCH", map[string]any{"disabled": true}, 200},
		{"PATCH disabled with clients", "PATCH", map[string]any{"disabled": true, "client_ids": []int64{}}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newWL(t, "Disable")
			asst := f.owner.NewUser(tenant.Assistant)
			a := f.client(nil)
			svc := f.service(6000, true)
			f.assign(asst, a)
			asst.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": svc, "note": "Inbox"})
			f.env.Clock.Advance(30 * time.Minute)

			user := apitest.Path("/api/v1/users/%d", asst.UserID)
			f.status(f.owner, tc.wantRes, tc.method, user, tc.body)
			if n := f.timers(); n != 0 {
				t.Fatalf("%d timers left after the user was disabled", n)
			}
			es := entryMaps(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", a))
			if len(es) != 1 {
				t.Fatalf("entries: %v", es)
			}
			e := es[0]
			if num(t, e, "minutes") != 30 || num(t, e, "user_id") != asst.UserID || e["started_at"] != "2026-11-02T09:00:00Z" ||
				e["note"] != "Inbox" || num(t, e, "amount") != 3000 {
				t.Errorf("entry from the stopped timer: %v", e)
			}
			log := readAudit(t, f.owner, "?action=user.disabled")
			if len(log.Items) != 1 || log.Items[0].Detail["stopped_timer_entry_id"] != float64(num(t, e, "id")) {
				t.Errorf("audit of the disable: %+v", log.Items)
			}
		})
	}
}

// Disabling a user without a timer, or re-enabling one, stops nothing
// and records no stopped entry; other users' timers run on.
func TestTimerDisableWithoutTimer(t *testing.T) {
	f := newWL(t, "DisableIdle")
	asst := f.owner.NewUser(tenant.Assistant)
	other := f.owner.NewUser(tenant.Assistant)
	a := f.client(nil)
	svc := f.service(6000, true)
	f.assign(other, a)
	// Another user's timer is not touched by disabling asst.
	other.Must(201, "POST", "/api/v1/timer/start", map[string]any{"client_id": a, "service_id": svc})
	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/users/%d", asst.UserID), nil)
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"disabled": false})
	if n := f.timers(); n != 1 {
		t.Fatalf("%d timers, want the other user's one", n)
	}
	for _, it := range readAudit(t, f.owner, "?action=user.disabled").Items {
		if _, ok := it.Detail["stopped_timer_entry_id"]; ok {
			t.Errorf("a disable without a timer records a stopped entry: %v", it.Detail)
		}
	}
}

// A timer left running for a user disabled by a version before timers
// stopped on disabling is stopped the next time the owner disables them
// again; its time is capped at a day, as any timer's.
func TestTimerLeftByADisabledUserIsStoppedOnDisable(t *testing.T) {
	f := newWL(t, "DisabledLeftover")
	asst := f.owner.NewUser(tenant.Assistant)
	a := f.client(nil)
	svc := f.service(6000, true)
	f.assign(asst, a)
	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/users/%d", asst.UserID), nil)
	f.exec(`INSERT INTO timers (practice_id, user_id, client_id, service_id, billable, note, started_at) VALUES (?, ?, ?, ?, 1, '', ?)`,
		f.owner.PracticeID, asst.UserID, a, svc, apitest.Start)
	f.env.Clock.Advance(3 * 24 * time.Hour)

	f.owner.Must(204, "DELETE", apitest.Path("/api/v1/users/%d", asst.UserID), nil)
	if n := f.timers(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
	if es := entryMaps(t, f.owner, apitest.Path("/api/v1/time-entries?client_id=%d", a)); len(es) != 1 || num(t, es[0], "minutes") != 24*60 {
		t.Errorf("entries: %v", es)
	}
}
