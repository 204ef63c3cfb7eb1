package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// staleDetail is what issuing a draft whose work changed answers, for
// hourly lines and retainer lines alike.
const staleDetail = "the work on this draft changed since it was built; refresh it (POST /invoices/{id}/refresh), check it and issue again"

// octoberWork is the October work of the retainer tests below: three
// e-mail sessions the retainer covers, 300 + 240 + 105 (100 rounded up to
// the client's 15 minutes) = 645 of 600 included minutes, 45 over at 55.55
// an hour = 41.6625, 41.66; and an hour of website work, 50.00, billed by
// the hour.
type octoberWork struct {
	e1, e2, e3, w1 int64
}

func logOctober(d *retainerDesk) octoberWork {
	d.t.Helper()
	return octoberWork{
		e1: d.log(d.email, "2026-10-05T09:00:00Z", 300),
		e2: d.log(d.email, "2026-10-06T09:00:00Z", 240),
		e3: d.log(d.email, "2026-10-08T09:00:00Z", 100),
		w1: d.log(d.website, "2026-10-07T09:00:00Z", 60),
	}
}

func overageLine(text string, minutes, amount int64) string {
	return fmt.Sprintf(`retainer "Beyond Inbox 10 in October 2026: %s at $55.55 an hour" min=%d milli=- price=5555 amount=%d service=- entries=[]`,
		text, minutes, amount)
}

func (d *retainerDesk) websiteLine(minutes, amount int64, entries ...int64) string {
	slices.Sort(entries)
	return fmt.Sprintf("time \"Website updates\" min=%d milli=- price=5000 amount=%d service=%d entries=%v", minutes, amount, d.website, entries)
}

// timeEntry is the billing state of one time entry.
type timeEntry struct {
	InvoiceID      *int64 `json:"invoice_id"`
	DraftInvoiceID *int64 `json:"draft_invoice_id"`
}

func (d *retainerDesk) timeEntry(id int64) timeEntry {
	d.t.Helper()
	var e timeEntry
	res := d.owner.Do("GET", apitest.Path("/api/v1/time-entries/%d", id), nil)
	if res.Status != http.StatusOK {
		d.t.Fatalf("entry %d: %d %s", id, res.Status, res.Body)
	}
	res.JSON(d.t, &e)
	return e
}

// heldBy reports whether an entry is held by the draft id and not locked.
func (e timeEntry) heldBy(id int64) bool {
	return e.InvoiceID == nil && e.DraftInvoiceID != nil && *e.DraftInvoiceID == id
}

func (e timeEntry) free() bool { return e.InvoiceID == nil && e.DraftInvoiceID == nil }

func (e timeEntry) lockedBy(id int64) bool {
	return e.InvoiceID != nil && *e.InvoiceID == id && e.DraftInvoiceID == nil
}

// refusedIssue issues the draft before and checks that the answer is the
// 409 of stale work and that nothing changed: the draft is as it was,
// numberless, and no entry got locked.
func (d *retainerDesk) refusedIssue(before retainerDraft, entries ...int64) {
	d.t.Helper()
	states := make([]timeEntry, len(entries))
	for i, e := range entries {
		states[i] = d.timeEntry(e)
	}
	res := d.owner.Do("POST", invPath(before.ID, "/issue"), nil)
	if res.Status != http.StatusConflict {
		d.t.Fatalf("issue of a stale retainer draft: %d %s", res.Status, res.Body)
	}
	if p := res.Problem(d.t); p.Status != http.StatusConflict || p.Title != "Conflict" || p.Detail != staleDetail {
		d.t.Fatalf("problem %+v", p)
	}
	after := d.get(before.ID)
	if after.Status != "draft" || after.Number != nil || after.Version != before.Version ||
		after.Subtotal != before.Subtotal || after.Total != before.Total || !slices.Equal(after.billed(), before.billed()) {
		d.t.Fatalf("a refused issue changed the draft\n  %+v\nwas\n  %+v", after, before)
	}
	for i, e := range entries {
		if got := d.timeEntry(e); got.InvoiceID != nil || !eqID(got.DraftInvoiceID, states[i].DraftInvoiceID) {
			d.t.Fatalf("a refused issue changed entry %d: %+v, was %+v", e, got, states[i])
		}
	}
}

func eqID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// issue issues a draft and checks it took the first number of the
// practice: a refused issue before it used none.
func (d *retainerDesk) issue(id int64) retainerDraft {
	d.t.Helper()
	inv := d.decode(d.owner.Do("POST", invPath(id, "/issue"), nil))
	if inv.Status != "issued" || inv.Number == nil || *inv.Number != "INV-2026-0001" {
		d.t.Fatalf("issued %+v", inv)
	}
	return inv
}

// Issuing a retainer's draft after the work it counts changed is refused,
// as for hourly work, until the draft is refreshed: otherwise the invoice
// would bill the old fee and overage, leave new covered work unbilled in a
// month that is invoiced, or lock changed entries at the old overage.
// Nothing is written by the refusal, no number is used, and the refreshed
// draft issues with the new overage to the cent.
func TestIssueStaleRetainerDraftIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		// change changes the work or the draft after the draft was
		// made; it returns the entries it logged.
		change func(d *retainerDesk, w octoberWork, draft int64) []int64
		// want are the refreshed lines and total.
		want  func(d *retainerDesk, w octoberWork, added []int64) []string
		total int64
	}{
		{
			// 30 more minutes: 675 used, 75 over = 69.4375, 69.44.
			name: "covered entry added",
			change: func(d *retainerDesk, _ octoberWork, _ int64) []int64 {
				return []int64{d.log(d.email, "2026-10-20T09:00:00Z", 30)}
			},
			want: func(d *retainerDesk, w octoberWork, added []int64) []string {
				return []string{feeLine(w.e1, w.e2, w.e3, added[0]), overageLine("1 h 15 min", 75, 6944), d.websiteLine(60, 5000, w.w1)}
			},
			total: 50000 + 6944 + 5000,
		},
		{
			// 160 minutes round to 165: 705 used, 105 over = 97.2125, 97.21.
			name: "held entry lengthened",
			change: func(d *retainerDesk, w octoberWork, _ int64) []int64 {
				d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", w.e3), map[string]any{"minutes": 160})
				return nil
			},
			want: func(d *retainerDesk, w octoberWork, _ []int64) []string {
				return []string{feeLine(w.e1, w.e2, w.e3), overageLine("1 h 45 min", 105, 9721), d.websiteLine(60, 5000, w.w1)}
			},
			total: 50000 + 9721 + 5000,
		},
		{
			// 40 minutes round to 45: 585 used, no overage.
			name: "held entry shortened",
			change: func(d *retainerDesk, w octoberWork, _ int64) []int64 {
				d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", w.e3), map[string]any{"minutes": 40})
				return nil
			},
			want: func(d *retainerDesk, w octoberWork, _ []int64) []string {
				return []string{feeLine(w.e1, w.e2, w.e3), d.websiteLine(60, 5000, w.w1)}
			},
			total: 50000 + 5000,
		},
		{
			// 405 used, no overage.
			name: "held entry deleted",
			change: func(d *retainerDesk, w octoberWork, _ int64) []int64 {
				d.owner.Must(204, "DELETE", apitest.Path("/api/v1/time-entries/%d", w.e2), nil)
				return nil
			},
			want: func(d *retainerDesk, w octoberWork, _ []int64) []string {
				return []string{feeLine(w.e1, w.e3), d.websiteLine(60, 5000, w.w1)}
			},
			total: 50000 + 5000,
		},
		{
			// Website work now, by the hour: 405 used, no overage, and
			// 300 minutes of website work at 50.00.
			name: "held entry moved to a service the retainer does not cover",
			change: func(d *retainerDesk, w octoberWork, _ int64) []int64 {
				d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", w.e2), map[string]any{"service_id": d.website})
				return nil
			},
			want: func(d *retainerDesk, w octoberWork, _ []int64) []string {
				return []string{feeLine(w.e1, w.e3), d.websiteLine(300, 25000, w.w1, w.e2)}
			},
			total: 50000 + 25000,
		},
		{
			// The overage the work runs up is billed: deleting its line
			// does not waive it (a discount does), a refresh brings it
			// back.
			name: "overage line deleted from the draft",
			change: func(d *retainerDesk, _ octoberWork, draft int64) []int64 {
				inv := d.owner.Must(200, "GET", invPath(draft), nil)
				d.owner.Must(200, "DELETE", invPath(draft, fmt.Sprintf("/lines/%d", invNum(invLines(inv)[1], "id"))), nil)
				return nil
			},
			want: func(d *retainerDesk, w octoberWork, _ []int64) []string {
				return []string{feeLine(w.e1, w.e2, w.e3), overageLine("45 min", 45, 4166), d.websiteLine(60, 5000, w.w1)}
			},
			total: 50000 + 4166 + 5000,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newRetainerDesk(t)
			w := logOctober(d)
			draft := d.invoice("2026-10")
			checkLines(t, draft, feeLine(w.e1, w.e2, w.e3), overageLine("45 min", 45, 4166), d.websiteLine(60, 5000, w.w1))
			if draft.Subtotal != 50000+4166+5000 || draft.Total != draft.Subtotal {
				t.Fatalf("draft %+v", draft)
			}

			added := tc.change(d, w, draft.ID)
			entries := append([]int64{w.e1, w.e3, w.w1}, added...)
			d.refusedIssue(d.get(draft.ID), entries...)
			for _, e := range added {
				if !d.timeEntry(e).free() {
					t.Fatalf("new entry %d taken by a refused issue: %+v", e, d.timeEntry(e))
				}
			}
			if !d.timeEntry(w.e1).heldBy(draft.ID) {
				t.Fatalf("entry %d let go by a refused issue: %+v", w.e1, d.timeEntry(w.e1))
			}

			refreshed := d.refresh(draft.ID)
			checkLines(t, refreshed, tc.want(d, w, added)...)
			if refreshed.Subtotal != tc.total || refreshed.Total != tc.total {
				t.Fatalf("refreshed %+v, want total %d", refreshed, tc.total)
			}
			issued := d.issue(draft.ID)
			if issued.Subtotal != tc.total || issued.Total != tc.total || !slices.Equal(issued.billed(), refreshed.billed()) {
				t.Fatalf("issued %+v, refreshed %+v", issued, refreshed)
			}
			for _, l := range issued.Lines {
				for _, e := range l.EntryIDs {
					if got := d.timeEntry(e); !got.lockedBy(draft.ID) {
						t.Errorf("entry %d not locked by the invoice: %+v", e, got)
					}
				}
			}
			if u := d.usage("2026-10"); u.InvoiceID == nil || *u.InvoiceID != draft.ID || u.OverageAmount != tc.total-50000-websiteAmount(issued) {
				t.Fatalf("usage %+v after issuing %+v", u, issued)
			}
		})
	}
}

// websiteAmount is what an invoice bills by the hour.
func websiteAmount(inv retainerDraft) int64 {
	var sum int64
	for _, l := range inv.Lines {
		if l.Kind == "time" {
			sum += l.Amount
		}
	}
	return sum
}

// A retainer's draft whose work is as it was issues as it is, and so does
// one whose changes bill nothing different: work the retainer does not
// count (not billable, in another month), and a deleted entry whose
// minutes the fee covered with no overage either way (the fee line lets go
// of it with the row).
func TestIssueCurrentRetainerDraft(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(d *retainerDesk, w octoberWork)
	}{
		{"unchanged", func(*retainerDesk, octoberWork) {}},
		{"work the retainer does not count", func(d *retainerDesk, _ octoberWork) {
			d.entry(d.t, d.usd, d.email, "2026-10-21T09:00:00Z", 120, false)
			d.log(d.email, "2026-11-02T06:00:00Z", 120)
			d.log(d.email, "2026-09-30T21:00:00Z", 120) // 23:00 on 30 September in Berlin
		}},
		{"changes within the hours", func(d *retainerDesk, w octoberWork) {
			d.owner.Must(204, "DELETE", apitest.Path("/api/v1/time-entries/%d", w.e3), nil)
			d.owner.Must(200, "PATCH", apitest.Path("/api/v1/time-entries/%d", w.e1), map[string]any{"note": "Inbox zero"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newRetainerDesk(t)
			// 540 of 600 minutes used: no overage.
			w := octoberWork{
				e1: d.log(d.email, "2026-10-05T09:00:00Z", 300),
				e2: d.log(d.email, "2026-10-06T09:00:00Z", 180),
				e3: d.log(d.email, "2026-10-08T09:00:00Z", 60),
				w1: d.log(d.website, "2026-10-07T09:00:00Z", 60),
			}
			draft := d.invoice("2026-10")
			tc.change(d, w)
			draft = d.get(draft.ID)
			issued := d.issue(draft.ID)
			if issued.Subtotal != 55000 || issued.Total != 55000 || !slices.Equal(issued.billed(), draft.billed()) {
				t.Fatalf("issued %+v, draft %+v", issued, draft)
			}
			for _, l := range issued.Lines {
				for _, e := range l.EntryIDs {
					if got := d.timeEntry(e); !got.lockedBy(draft.ID) {
						t.Errorf("entry %d not locked by the invoice: %+v", e, got)
					}
				}
			}
		})
	}
}
