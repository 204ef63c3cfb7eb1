package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apitest"
)

// A practice far from UTC sees its own calendar everywhere: work logged at
// 23:30 on the last day of a month is that day and that month in the Today
// screen, an invoice, the hours report, a retainer's usage and the portal;
// work at 00:30 the next morning is the next day and month in all of them;
// and "today" and "this month" turn over at the practice's midnight. In
// Auckland the 00:30 entry is still November in UTC; in Los Angeles the
// 23:30 one is already December, so a UTC slip anywhere shows in one zone.
func TestFarFromUTCPracticeKeepsOneCalendar(t *testing.T) {
	for _, zone := range []string{"Pacific/Auckland", "America/Los_Angeles"} {
		t.Run(zone, func(t *testing.T) { checkPracticeCalendar(t, zone) })
	}
}

func checkPracticeCalendar(t *testing.T, zone string) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	local := func(month time.Month, day, hour, min int) time.Time {
		return time.Date(2026, month, day, hour, min, 0, 0, loc)
	}
	lateNov30, earlyDec1 := local(time.November, 30, 23, 30), local(time.December, 1, 0, 30)

	env := apitest.New(t)
	owner := env.NewPractice("Far from UTC " + zone)
	owner.Must(200, "PATCH", "/api/v1/settings", map[string]any{"timezone": zone})
	svc := apitest.ID(t, owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)[0].(map[string]any), "id")
	hourly := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Hourly Hana"}), "id")
	retained := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Retained Rua"}), "id")
	rid := apitest.ID(t, owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers", retained), map[string]any{
		"name": "Inbox 10h", "included_minutes": 600, "fee": 50000, "overage_hourly_rate": 6000,
		"service_ids": []int64{svc}, "starts_on": "2026-11-01",
	}), "id")

	log := func(client int64, at time.Time, minutes int) int64 {
		return apitest.ID(t, owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{
			"client_id": client, "service_id": svc, "started_at": at.UTC().Format(time.RFC3339), "minutes": minutes}), "id")
	}
	hLate, hEarly := log(hourly, lateNov30, 50), log(hourly, earlyDec1, 20)
	rLate, rEarly := log(retained, lateNov30, 40), log(retained, earlyDec1, 10)

	// The clock stands at 23:45 on 30 November in the practice: its today
	// and this month, whatever day it is in UTC.
	env.Clock.Set(local(time.November, 30, 23, 45))
	// The client logs in to the portal then (a session ends when idle).
	invite := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", retained), map[string]any{"email": "rua@example.com", "name": "Rua"})
	accepted := acceptInvite(env, invite["token"], apitest.Password)
	if accepted.Status != http.StatusCreated {
		t.Fatalf("accept: %d %s", accepted.Status, accepted.Body)
	}
	rua := secSession(t, env, accepted)

	// The Today screen lists a day's entries by asking for that date.
	if got := entryIDs(t, owner, "/api/v1/time-entries?from=2026-11-30&to=2026-11-30"); !sameIDs(got, hLate, rLate) {
		t.Errorf("entries of 30 November: %v, want %d and %d", got, hLate, rLate)
	}
	if got := entryIDs(t, owner, "/api/v1/time-entries?from=2026-12-01&to=2026-12-01"); !sameIDs(got, hEarly, rEarly) {
		t.Errorf("entries of 1 December: %v, want %d and %d", got, hEarly, rEarly)
	}

	// November's invoice bills the 23:30 work and not the 00:30 work;
	// issued now, it is dated the practice's today.
	nov := owner.Must(201, "POST", "/api/v1/invoices", map[string]any{"client_id": hourly, "from": "2026-11-01", "to": "2026-11-30"})
	if got := invoiceEntries(nov); !sameIDs(got, hLate) {
		t.Errorf("November's invoice bills %v, want %d", got, hLate)
	}
	issued := owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", apitest.ID(t, nov, "id")), nil)
	if issued["issue_date"] != "2026-11-30" {
		t.Errorf("issued on %v, want 2026-11-30", issued["issue_date"])
	}

	// The hours report counts each entry on its own day and month, and its
	// default range ends today.
	days := getHours(t, owner, "from=2026-11-30&to=2026-12-01&interval=day&group_by=client")
	if days.Timezone != zone {
		t.Errorf("report zone %s", days.Timezone)
	}
	if got := hoursBy(days, hourly); got["2026-11-30"] != 50 || got["2026-12-01"] != 20 {
		t.Errorf("hourly client by day: %v", got)
	}
	months := getHours(t, owner, "from=2026-11-01&to=2026-12-31&interval=month&group_by=client")
	if got := hoursBy(months, retained); got["2026-11-01"] != 40 || got["2026-12-01"] != 10 {
		t.Errorf("retained client by month: %v", got)
	}
	if r := getHours(t, owner, "interval=day"); r.To != "2026-11-30" {
		t.Errorf("default range ends %s, want 2026-11-30", r.To)
	}

	// The retainer's months, and this month's usage by default.
	if u := getUsage(t, owner, retained, rid, "2026-11"); u.UsedMinutes != 40 {
		t.Errorf("November usage %d minutes, want 40", u.UsedMinutes)
	}
	if u := getUsage(t, owner, retained, rid, "2026-12"); u.UsedMinutes != 10 {
		t.Errorf("December usage %d minutes, want 10", u.UsedMinutes)
	}
	if p, used := currentUsage(t, owner, retained, rid); p != "2026-11" || used != 40 {
		t.Errorf("this month's usage: %s, %d minutes; want 2026-11, 40", p, used)
	}

	// The portal tells the client the practice's dates, and this month.
	dates := portalDates(t, rua, "/api/v1/portal/time-entries")
	if dates[rLate] != "2026-11-30" || dates[rEarly] != "2026-12-01" || len(dates) != 2 {
		t.Errorf("portal dates %v", dates)
	}
	if dates := portalDates(t, rua, "/api/v1/portal/time-entries?from=2026-11-30&to=2026-11-30"); len(dates) != 1 || dates[rLate] == "" {
		t.Errorf("portal entries of 30 November: %v", dates)
	}
	if p, used := portalRetainer(t, rua); p != "2026-11" || used != 40 {
		t.Errorf("portal retainer: %s, %d minutes; want 2026-11, 40", p, used)
	}

	// Half an hour later it is December in the practice.
	env.Clock.Set(local(time.December, 1, 0, 15))
	if r := getHours(t, owner, "interval=day"); r.To != "2026-12-01" {
		t.Errorf("after midnight the default range ends %s, want 2026-12-01", r.To)
	}
	if p, used := currentUsage(t, owner, retained, rid); p != "2026-12" || used != 10 {
		t.Errorf("after midnight this month's usage: %s, %d minutes; want 2026-12, 10", p, used)
	}
	if p, used := portalRetainer(t, rua); p != "2026-12" || used != 10 {
		t.Errorf("after midnight the portal retainer: %s, %d minutes; want 2026-12, 10", p, used)
	}
	dec := owner.Must(201, "POST", "/api/v1/invoices", map[string]any{"client_id": hourly, "from": "2026-12-01", "to": "2026-12-31"})
	if got := invoiceEntries(dec); !sameIDs(got, hEarly) {
		t.Errorf("December's invoice bills %v, want %d", got, hEarly)
	}
	issued = owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", apitest.ID(t, dec, "id")), nil)
	if issued["issue_date"] != "2026-12-01" {
		t.Errorf("issued after midnight on %v, want 2026-12-01", issued["issue_date"])
	}
}

func entryIDs(t *testing.T, a *apitest.Actor, path string) []int64 {
	t.Helper()
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	res := a.Do("GET", path, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.Status, res.Body)
	}
	res.JSON(t, &page)
	var out []int64
	for _, e := range page.Items {
		out = append(out, e.ID)
	}
	return out
}

// invoiceEntries are the entries an invoice's lines bill.
func invoiceEntries(inv map[string]any) []int64 {
	var out []int64
	lines, _ := inv["lines"].([]any)
	for _, l := range lines {
		ids, _ := l.(map[string]any)["entry_ids"].([]any)
		for _, id := range ids {
			out = append(out, int64(id.(float64)))
		}
	}
	return out
}

func sameIDs(got []int64, want ...int64) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// hoursBy is a client's minutes in a report by the start of each interval.
func hoursBy(r hoursReport, client int64) map[string]int64 {
	out := map[string]int64{}
	for _, row := range r.Rows {
		if row.GroupID != nil && *row.GroupID == client {
			out[row.Start] += row.Minutes
		}
	}
	return out
}

func currentUsage(t *testing.T, a *apitest.Actor, client, rid int64) (string, int64) {
	t.Helper()
	var u struct {
		Period      string `json:"period"`
		UsedMinutes int64  `json:"used_minutes"`
	}
	res := a.Do("GET", apitest.Path("/api/v1/clients/%d/retainers/%d/usage", client, rid), nil)
	if res.Status != http.StatusOK {
		t.Fatalf("usage: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &u)
	return u.Period, u.UsedMinutes
}

// portalDates are the dates the portal shows, by entry.
func portalDates(t *testing.T, b *secBrowser, path string) map[int64]string {
	t.Helper()
	var page struct {
		Items []struct {
			ID   int64  `json:"id"`
			Date string `json:"date"`
		} `json:"items"`
	}
	res := b.do("GET", path, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.Status, res.Body)
	}
	res.JSON(t, &page)
	out := map[int64]string{}
	for _, e := range page.Items {
		out[e.ID] = e.Date
	}
	return out
}

func portalRetainer(t *testing.T, b *secBrowser) (string, int64) {
	t.Helper()
	var body struct {
		Retainer *struct {
			Period      string `json:"period"`
			UsedMinutes int64  `json:"used_minutes"`
		} `json:"retainer"`
	}
	res := b.do("GET", "/api/v1/portal/retainer", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("portal retainer: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &body)
	if body.Retainer == nil {
		return fmt.Sprint(nil), 0
	}
	return body.Retainer.Period, body.Retainer.UsedMinutes
}
