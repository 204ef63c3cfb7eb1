package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// retainerDraft is the part of an invoice these tests compare.
type retainerDraft struct {
	ID       int64          `json:"id"`
	Status   string         `json:"status"`
	Currency string         `json:"currency"`
	Number   *string        `json:"number"`
	Subtotal int64          `json:"subtotal"`
	Total    int64          `json:"total"`
	Version  int64          `json:"version"`
	Lines    []retainerLine `json:"lines"`
}

type retainerLine struct {
	Kind            string  `json:"kind"`
	Description     string  `json:"description"`
	QuantityMinutes *int64  `json:"quantity_minutes"`
	QuantityMilli   *int64  `json:"quantity_milli"`
	UnitPrice       int64   `json:"unit_price"`
	Amount          int64   `json:"amount"`
	ServiceID       *int64  `json:"service_id"`
	EntryIDs        []int64 `json:"entry_ids"`
}

// String is a line as a test failure shows it, entries sorted: the order
// in which a line lists them says nothing.
func (l retainerLine) String() string {
	ids := slices.Clone(l.EntryIDs)
	slices.Sort(ids)
	q := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("%s %q min=%s milli=%s price=%d amount=%d service=%s entries=%v",
		l.Kind, l.Description, q(l.QuantityMinutes), q(l.QuantityMilli), l.UnitPrice, l.Amount, q(l.ServiceID), ids)
}

// billed is the lines of d that bill work (not manual lines), as strings.
func (d retainerDraft) billed() []string {
	var out []string
	for _, l := range d.Lines {
		if l.Kind != "manual" {
			out = append(out, l.String())
		}
	}
	return out
}

// retainerDesk is a client with the retainer of newRetainer, but overage
// at 55.55 an hour so that overage amounts round half up to exact cents.
type retainerDesk struct {
	reportFixture
	t   *testing.T
	rid int64
}

func newRetainerDesk(t *testing.T) *retainerDesk {
	t.Helper()
	f := newReportFixture(t, apitest.New(t))
	return &retainerDesk{reportFixture: f, t: t, rid: newRetainer(t, f, f.usd, map[string]any{"overage_hourly_rate": 5555})}
}

// log logs billable time for the client and returns its id.
func (d *retainerDesk) log(service int64, at string, minutes int) int64 {
	d.t.Helper()
	return apitest.ID(d.t, d.entry(d.t, d.usd, service, at, minutes, true), "id")
}

// invoice makes the retainer's draft of a period.
func (d *retainerDesk) invoice(period string) retainerDraft {
	d.t.Helper()
	out := d.owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers/%d/invoices", d.usd, d.rid), map[string]any{"period": period})
	return d.get(apitest.ID(d.t, out, "invoice_id"))
}

func (d *retainerDesk) get(id int64) retainerDraft {
	d.t.Helper()
	return d.decode(d.owner.Do("GET", invPath(id), nil))
}

func (d *retainerDesk) refresh(id int64) retainerDraft {
	d.t.Helper()
	return d.decode(d.owner.Do("POST", invPath(id, "/refresh"), nil))
}

func (d *retainerDesk) decode(res *apitest.Response) retainerDraft {
	d.t.Helper()
	if res.Status != http.StatusOK {
		d.t.Fatalf("%d %s", res.Status, res.Body)
	}
	var inv retainerDraft
	res.JSON(d.t, &inv)
	return inv
}

// fresh deletes the draft and makes the period's retainer draft anew: what
// a refreshed draft must bill. It returns the new draft.
func (d *retainerDesk) fresh(id int64, period string) retainerDraft {
	d.t.Helper()
	d.owner.Must(204, "DELETE", invPath(id), nil)
	return d.invoice(period)
}

// sameAsFresh checks that a refreshed draft bills exactly what a fresh
// retainer draft of its period bills, plus its manual lines, and returns
// the fresh draft.
func (d *retainerDesk) sameAsFresh(refreshed retainerDraft, period string) retainerDraft {
	d.t.Helper()
	var manual int64
	for _, l := range refreshed.Lines {
		if l.Kind == "manual" {
			manual += l.Amount
		}
	}
	fresh := d.fresh(refreshed.ID, period)
	if got, want := refreshed.billed(), fresh.billed(); !slices.Equal(got, want) {
		d.t.Fatalf("refreshed lines\n  %s\nfresh lines\n  %s", got, want)
	}
	if refreshed.Total != fresh.Total+manual {
		d.t.Fatalf("refreshed total %d, fresh %d plus manual %d", refreshed.Total, fresh.Total, manual)
	}
	return fresh
}

func (d *retainerDesk) usage(period string) retainerUsage {
	d.t.Helper()
	return getUsage(d.t, d.owner, d.usd, d.rid, period)
}

func checkLines(t *testing.T, inv retainerDraft, want ...string) {
	t.Helper()
	var got []string
	for _, l := range inv.Lines {
		got = append(got, l.String())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("lines\n  %s\nwant\n  %s", got, want)
	}
}

func feeLine(entries ...int64) string {
	slices.Sort(entries)
	return fmt.Sprintf("retainer %q min=- milli=1000 price=50000 amount=50000 service=- entries=%v",
		"Inbox 10, October 2026: 10 h included", entries)
}

// Work logged on a covered service after the retainer's draft was made is
// counted against the included hours when the draft is refreshed: within
// them it changes the usage and no money, beyond them it is overage at the
// overage rate, never hourly work. Work on other services stays hourly,
// and manual lines stay last.
func TestRefreshRetainerDraftCountsNewWorkAgainstTheHours(t *testing.T) {
	d := newRetainerDesk(t)
	e1 := d.log(d.email, "2026-10-05T09:00:00Z", 300)
	e2 := d.log(d.email, "2026-10-06T09:00:00Z", 240)
	w1 := d.log(d.website, "2026-10-07T09:00:00Z", 60)
	inv := d.invoice("2026-10")
	checkLines(t, inv, feeLine(e1, e2),
		fmt.Sprintf("time \"Website updates\" min=60 milli=- price=5000 amount=5000 service=%d entries=[%d]", d.website, w1))
	if inv.Total != 55000 {
		t.Fatalf("draft %+v", inv)
	}
	d.owner.Must(201, "POST", invPath(inv.ID, "/lines"), map[string]any{"description": "Onboarding call", "unit_price": 1234})

	// Within the hours: 585 of 600 used, the same money.
	e3 := d.log(d.email, "2026-10-08T09:00:00Z", 45)
	before := d.get(inv.ID)
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1, e2, e3),
		fmt.Sprintf("time \"Website updates\" min=60 milli=- price=5000 amount=5000 service=%d entries=[%d]", d.website, w1),
		`manual "Onboarding call" min=- milli=1000 price=1234 amount=1234 service=- entries=[]`)
	if inv.Total != 55000+1234 || inv.Status != "draft" || inv.Number != nil || inv.Version != before.Version+1 {
		t.Fatalf("refreshed within the hours %+v (before %+v)", inv, before)
	}
	if u := d.usage("2026-10"); u.UsedMinutes != 585 || u.RemainingMinutes != 15 || u.OverageMinutes != 0 || u.InvoiceID == nil || *u.InvoiceID != inv.ID {
		t.Fatalf("usage within the hours %+v", u)
	}

	// Beyond them: 100 minutes round to 105, 690 used, 90 over at 55.55 an
	// hour is 83.325, 83.33 rounded half up. New website work is hourly.
	e4 := d.log(d.email, "2026-10-09T09:00:00Z", 100)
	w2 := d.log(d.website, "2026-10-09T11:00:00Z", 30)
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1, e2, e3, e4),
		`retainer "Beyond Inbox 10 in October 2026: 1 h 30 min at $55.55 an hour" min=90 milli=- price=5555 amount=8333 service=- entries=[]`,
		fmt.Sprintf("time \"Website updates\" min=90 milli=- price=5000 amount=7500 service=%d entries=[%d %d]", d.website, w1, w2),
		`manual "Onboarding call" min=- milli=1000 price=1234 amount=1234 service=- entries=[]`)
	if inv.Subtotal != 50000+8333+7500+1234 || inv.Total != inv.Subtotal {
		t.Fatalf("refreshed beyond the hours %+v", inv)
	}
	if u := d.usage("2026-10"); u.UsedMinutes != 690 || u.OverageMinutes != 90 || u.OverageAmount != 8333 {
		t.Fatalf("usage beyond the hours %+v", u)
	}
	fresh := d.sameAsFresh(inv, "2026-10")

	// Refreshing what is current changes nothing, and issuing locks every
	// entry the retainer counted.
	again := d.refresh(fresh.ID)
	if !slices.Equal(again.billed(), fresh.billed()) || again.Total != fresh.Total {
		t.Fatalf("second refresh\n  %s\nwas\n  %s", again.billed(), fresh.billed())
	}
	issued := d.decode(d.owner.Do("POST", invPath(fresh.ID, "/issue"), nil))
	if issued.Status != "issued" || issued.Total != 50000+8333+7500 {
		t.Fatalf("issued %+v", issued)
	}
	for _, e := range []int64{e1, e2, e3, e4, w1, w2} {
		if got := d.owner.Must(200, "GET", apitest.Path("/api/v1/time-entries/%d", e), nil); invNum(got, "invoice_id") != fresh.ID {
			t.Errorf("entry %d not locked by the invoice: %v", e, got)
		}
	}
}

// A refresh follows work that was changed or deleted after the retainer's
// draft was made, to exactly what a fresh draft would bill.
func TestRefreshRetainerDraftAfterEntriesChange(t *testing.T) {
	d := newRetainerDesk(t)
	e1 := d.log(d.email, "2026-10-05T09:00:00Z", 300)
	e2 := d.log(d.email, "2026-10-06T09:00:00Z", 240)
	e3 := d.log(d.email, "2026-10-08T09:00:00Z", 45)
	e4 := d.log(d.email, "2026-10-09T09:00:00Z", 100) // 105: 690 used, 90 over
	w1 := d.log(d.website, "2026-10-07T09:00:00Z", 60)
	inv := d.invoice("2026-10")
	if inv.Total != 50000+8333+5000 {
		t.Fatalf("draft %+v", inv)
	}
	website := func(minutes, amount int64, entries ...int64) string {
		slices.Sort(entries)
		return fmt.Sprintf("time \"Website updates\" min=%d milli=- price=5000 amount=%d service=%d entries=%v", minutes, amount, d.website, entries)
	}

	// Shorter: 40 minutes round to 45, 630 used, 30 over is 27.775, 27.78.
	d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", e4), map[string]any{"minutes": 40})
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1, e2, e3, e4),
		`retainer "Beyond Inbox 10 in October 2026: 30 min at $55.55 an hour" min=30 milli=- price=5555 amount=2778 service=- entries=[]`,
		website(60, 5000, w1))
	inv = d.sameAsFresh(inv, "2026-10")

	// Deleted: 585 used, no overage left.
	d.owner.Must(204, "DELETE", apitest.Path("/api/v1/time-entries/%d", e3), nil)
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1, e2, e4), website(60, 5000, w1))
	if inv.Total != 55000 {
		t.Fatalf("after a delete %+v", inv)
	}
	inv = d.sameAsFresh(inv, "2026-10")

	// Moved to a service the retainer does not cover: hourly work now.
	d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", e2), map[string]any{"service_id": d.website})
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1, e4), website(300, 25000, w1, e2))
	inv = d.sameAsFresh(inv, "2026-10")

	// Moved out of the period: neither counted nor billed.
	d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", e4), map[string]any{"started_at": "2026-11-02T08:00:00Z"})
	inv = d.refresh(inv.ID)
	checkLines(t, inv, feeLine(e1), website(300, 25000, w1, e2))
	d.sameAsFresh(inv, "2026-10")
	if u := d.usage("2026-10"); u.UsedMinutes != 300 || u.OverageMinutes != 0 {
		t.Fatalf("usage %+v", u)
	}
}

// Minutes carried over from the month before count too when a draft is
// refreshed.
func TestRefreshRetainerDraftCountsRollover(t *testing.T) {
	d := newRetainerDesk(t)
	d.log(d.email, "2026-10-05T09:00:00Z", 540) // 60 of October's hours left, carried into November
	n1 := d.log(d.email, "2026-11-02T06:00:00Z", 600)
	inv := d.invoice("2026-11")
	if len(inv.Lines) != 1 || inv.Total != 50000 {
		t.Fatalf("November draft %+v", inv)
	}
	// 100 minutes round to 105: 705 used of 660, 45 over is 41.6625, 41.66.
	n2 := d.log(d.email, "2026-11-02T20:00:00Z", 100)
	inv = d.refresh(inv.ID)
	checkLines(t, inv,
		fmt.Sprintf("retainer %q min=- milli=1000 price=50000 amount=50000 service=- entries=%v", "Inbox 10, November 2026: 10 h included", []int64{n1, n2}),
		`retainer "Beyond Inbox 10 in November 2026: 45 min at $55.55 an hour" min=45 milli=- price=5555 amount=4166 service=- entries=[]`)
	if u := d.usage("2026-11"); u.RolledOverMinutes != 60 || u.UsedMinutes != 705 || u.OverageAmount != 4166 {
		t.Fatalf("November usage %+v", u)
	}
	d.sameAsFresh(inv, "2026-11")
}
