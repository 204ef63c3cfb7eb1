package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

func TestCalendarFeed(t *testing.T) {
	env := apitest.New(t)
	f := newReportFixture(t, env)
	asst := f.owner.NewUser(tenant.Assistant)
	assign := func(ids ...int64) {
		t.Helper()
		ids = append([]int64{}, ids...)
		f.owner.Must(200, "PATCH", apitest.Path("/api/v1/users/%d", asst.UserID), map[string]any{"client_ids": ids})
	}
	assign(f.usd)
	task := func(title, due string, assignee *int64, status string) {
		t.Helper()
		body := map[string]any{"client_id": f.usd, "title": title, "due_on": due, "status": status}
		if assignee != nil {
			body["assignee_id"] = *assignee
		}
		f.owner.Must(201, "POST", "/api/v1/tasks", body)
	}
	task("Send listing, photos; proofs", "2026-11-05", &asst.UserID, "todo")
	task("Unassigned renewal", "2026-11-10", nil, "in_progress")
	task("Done already", "2026-11-06", &asst.UserID, "done")
	task("Long ago", "2025-01-01", &asst.UserID, "todo")
	task("Owner's own "+strings.Repeat("very long title ", 8), "2026-12-01", &f.owner.UserID, "todo")

	made := asst.Must(201, "POST", "/api/v1/calendar-tokens", map[string]any{"name": "Google Calendar"})
	raw := made["token"].(string)
	if !strings.HasPrefix(raw, "cal_") || made["url"] != "/api/v1/calendar/"+raw+".ics" {
		t.Fatalf("created %v", made)
	}
	feed := func(token string) *apitest.Response {
		return env.Do(apitest.Request{Method: "GET", Path: "/api/v1/calendar/" + token + ".ics"})
	}
	res := feed(raw)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %s", res.Status, res.Body)
	}
	body := string(res.Body)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "DTSTART;VALUE=DATE:20261105\r\n", "DTEND;VALUE=DATE:20261106\r\n",
		`SUMMARY:Send listing\, photos\; proofs — Dana Realty`, "END:VCALENDAR\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("feed lacks %q:\n%s", want, body)
		}
	}
	for _, not := range []string{"Unassigned renewal", "Done already", "Long ago", "Owner's own"} {
		if strings.Contains(body, not) {
			t.Errorf("assistant's feed shows %q", not)
		}
	}
	for _, l := range strings.Split(body, "\r\n") {
		if len(l) > 75 {
			t.Errorf("unfolded line %q", l)
		}
	}
	// The owner's feed has their own and the unassigned tasks.
	own := f.owner.Must(201, "POST", "/api/v1/calendar-tokens", map[string]any{})
	ob := string(feed(own["token"].(string)).Body)
	if !strings.Contains(ob, "Unassigned renewal") || !strings.Contains(ob, "Owner's own") || strings.Contains(ob, "Send listing") {
		t.Errorf("owner's feed:\n%s", ob)
	}
	// Unfolded, the long title is whole.
	if !strings.Contains(strings.ReplaceAll(ob, "\r\n ", ""), "Owner's own "+strings.Repeat("very long title ", 8)) {
		t.Errorf("folding lost text:\n%s", ob)
	}

	// Taken off the client, the assistant no longer sees its tasks in the
	// feed either, though the task is still assigned to them.
	assign()
	if b := string(feed(raw).Body); strings.Contains(b, "Send listing") || !strings.Contains(b, "BEGIN:VCALENDAR") {
		t.Errorf("feed of an assistant without clients:\n%s", b)
	}
	assign(f.usd)

	list := asst.Must(200, "GET", "/api/v1/calendar-tokens", nil)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["token"] != nil || list[0].(map[string]any)["last_used_at"] == nil {
		t.Fatalf("list %v", list)
	}
	// Another user cannot revoke it; its owner can, and the feed is gone.
	id := apitest.ID(t, made, "id")
	if res := f.owner.Do("DELETE", apitest.Path("/api/v1/calendar-tokens/%d", id), nil); res.Status != http.StatusNotFound {
		t.Fatalf("someone else's revoke: %d", res.Status)
	}
	asst.Must(204, "DELETE", apitest.Path("/api/v1/calendar-tokens/%d", id), nil)
	for _, tok := range []string{raw, "cal_nonsense", "nothing"} {
		if res := feed(tok); res.Status != http.StatusNotFound {
			t.Errorf("feed %q: %d", tok, res.Status)
		}
	}
	if res := env.Do(apitest.Request{Method: "GET", Path: "/api/v1/calendar/" + own["token"].(string)}); res.Status != http.StatusNotFound {
		t.Errorf("feed without .ics: %d", res.Status)
	}
}
