package reports

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
)

// What the hours report can group by.
const (
	ByClient  = "client"
	ByService = "service"
	ByProject = "project"
	ByUser    = "user"
)

// Interval sizes of the hours report.
const (
	Day   = "day"
	Week  = "week"
	Month = "month"
)

// The longest range per interval size: about three years of days, ten of
// weeks and twenty of months. Longer would be a chart nobody can read and a
// query the planner has to carry thousands of boundaries through.
var maxDays = map[string]int{Day: 3*366 + 1, Week: 10*366 + 7, Month: 20*366 + 31}

// HoursQuery is what the hours report is asked. From and To are calendar
// dates (YYYY-MM-DD, inclusive) in the practice's time zone; empty takes
// a default range ending today.
type HoursQuery struct {
	From, To string
	GroupBy  string // client (default), service, project or user
	Interval string // day, week (default) or month
}

// Interval is one bucket of a report: the calendar days [Start, End] in the
// practice's time zone. Weeks start on Monday (ISO 8601).
type Interval struct {
	Start, End string
}

// HoursGroup is one client, service, project or user of the report, with
// its totals over the whole range. ID is nil for "no project".
type HoursGroup struct {
	ID              *int64
	Label           string
	Minutes         int64
	BillableMinutes int64
	Amounts         []Amount
}

// HoursRow is one group's time in one interval. Only intervals with time
// have rows; charts fill the gaps from Intervals.
type HoursRow struct {
	Interval        int // index into Intervals
	GroupID         *int64
	Minutes         int64
	BillableMinutes int64
	Amounts         []Amount
}

// HoursReport is raw minutes, billable minutes (after rounding) and their
// stored amounts, per group and interval.
type HoursReport struct {
	From, To        string
	GroupBy         string
	Interval        string
	Timezone        string
	Intervals       []Interval
	Groups          []HoursGroup
	Rows            []HoursRow
	Minutes         int64
	BillableMinutes int64
	Amounts         []Amount
}

// groupColumn is the time_entries column of each grouping, with the table
// and column its label comes from.
var groupColumn = map[string]struct{ col, table, label string }{
	ByClient:  {"client_id", "clients", "name"},
	ByService: {"service_id", "services", "name"},
	ByProject: {"project_id", "projects", "name"},
	ByUser:    {"user_id", "users", "name"},
}

// bounds returns the intervals covering the calendar dates from to to:
// aligned to Monday or the 1st, so the first and last may reach outside
// the range (only time inside it is counted), and the UTC instants where
// each starts in the practice's calendar, plus the instant where the last
// ends.
func bounds(cal practice.Calendar, from, to time.Time, interval string) ([]Interval, []time.Time) {
	start := from
	switch interval {
	case Week:
		start = from.AddDate(0, 0, -((int(from.Weekday()) + 6) % 7))
	case Month:
		start = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	next := func(t time.Time) time.Time {
		switch interval {
		case Day:
			return t.AddDate(0, 0, 1)
		case Week:
			return t.AddDate(0, 0, 7)
		}
		return t.AddDate(0, 1, 0)
	}
	var ivs []Interval
	edges := []time.Time{cal.Start(start)}
	for t := start; !t.After(to); {
		n := next(t)
		ivs = append(ivs, Interval{Start: date(t), End: date(n.AddDate(0, 0, -1))})
		edges = append(edges, cal.Start(n))
		t = n
	}
	return ivs, edges
}

// Hours runs the hours report.
//
// It is one statement: a VALUES list of the intervals' UTC boundaries
// (computed here, in the practice's zone, so DST is right) joined to
// time_entries by a range on (practice_id, started_at). SQLite walks the
// intervals in order and, for each, seeks the index to its start, so the
// whole range is read once and in order, with no per-row date arithmetic.
func (s *Service) Hours(ctx context.Context, q HoursQuery) (HoursReport, error) {
	pid, err := scope(ctx)
	if err != nil {
		return HoursReport{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return HoursReport{}, err
	}
	if q.GroupBy == "" {
		q.GroupBy = ByClient
	}
	if q.Interval == "" {
		q.Interval = Week
	}
	var c apperr.Check
	c.OneOf("group_by", q.GroupBy, ByClient, ByService, ByProject, ByUser)
	c.OneOf("interval", q.Interval, Day, Week, Month)
	if c.Has("interval") {
		return HoursReport{}, c.Err()
	}
	today := cal.Today()
	defFrom := map[string]time.Time{
		Day:   today.AddDate(0, 0, -29),
		Week:  today.AddDate(0, 0, -7*11-((int(today.Weekday())+6)%7)),
		Month: time.Date(today.Year(), today.Month()-11, 1, 0, 0, 0, 0, time.UTC),
	}[q.Interval]
	from, to := dateRange(&c, q.From, q.To, defFrom, today, maxDays[q.Interval],
		fmt.Sprintf("at most %d days for interval=%s", maxDays[q.Interval], q.Interval))
	if err := c.Err(); err != nil {
		return HoursReport{}, err
	}
	rep := HoursReport{From: date(from), To: date(to), GroupBy: q.GroupBy, Interval: q.Interval, Timezone: cal.Location().String()}
	var edges []time.Time
	rep.Intervals, edges = bounds(cal, from, to, q.Interval)
	// Only time inside [from, to] counts, even where an interval reaches
	// outside it.
	lo, hi := cal.PeriodBounds(from, to)

	gc := groupColumn[q.GroupBy]
	ranges := make([][2]time.Time, len(rep.Intervals))
	for i := range ranges {
		ranges[i] = [2]time.Time{maxTime(edges[i], lo), minTime(edges[i+1], hi)}
	}
	query, args := hoursSQL(pid, q.GroupBy, ranges)

	db := s.st.ReadSQL()
	clientsByID, err := clientsOf(ctx, db, pid)
	if err != nil {
		return HoursReport{}, err
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return HoursReport{}, fmt.Errorf("reports: hours: %w", store.Translate(err))
	}
	defer rows.Close()

	type key struct {
		i     int
		group int64 // 0: no project
	}
	type acc struct {
		minutes, billable int64
		money             amounts
	}
	cells := map[key]*acc{}
	groups := map[int64]*acc{}
	total := acc{money: amounts{}}
	for rows.Next() {
		var i int
		var group, clientID *int64
		var minutes, billable, amount int64
		dst := []any{&i, &group}
		if q.GroupBy != ByClient {
			dst = append(dst, &clientID)
		}
		if err := rows.Scan(append(dst, &minutes, &billable, &amount)...); err != nil {
			return HoursReport{}, fmt.Errorf("reports: hours: %w", err)
		}
		var g int64
		if group != nil {
			g = *group
		}
		if clientID == nil {
			clientID = group
		}
		cur := clientsByID[*clientID].Currency
		k := key{i, g}
		cell := cells[k]
		if cell == nil {
			cell = &acc{money: amounts{}}
			cells[k] = cell
		}
		grp := groups[g]
		if grp == nil {
			grp = &acc{money: amounts{}}
			groups[g] = grp
		}
		for _, a := range []*acc{cell, grp, &total} {
			a.minutes += minutes
			a.billable += billable
			a.money.add(cur, amount)
		}
	}
	if err := rows.Err(); err != nil {
		return HoursReport{}, fmt.Errorf("reports: hours: %w", store.Translate(err))
	}

	ids := make([]int64, 0, len(groups))
	for g := range groups {
		if g != 0 {
			ids = append(ids, g)
		}
	}
	var names map[int64]string
	if q.GroupBy == ByClient {
		names = make(map[int64]string, len(clientsByID))
		for id, ci := range clientsByID {
			names[id] = ci.Name
		}
	} else if names, err = labels(ctx, db, pid, gc.table, gc.label, ids); err != nil {
		return HoursReport{}, err
	}
	idOf := func(g int64) *int64 {
		if g == 0 {
			return nil
		}
		return &g
	}
	for g, a := range groups {
		label := names[g]
		if g == 0 {
			label = "No project"
		}
		rep.Groups = append(rep.Groups, HoursGroup{ID: idOf(g), Label: label, Minutes: a.minutes,
			BillableMinutes: a.billable, Amounts: a.money.list()})
	}
	// Biggest first, as a chart legend wants; ties by label for stability.
	sort.Slice(rep.Groups, func(i, j int) bool {
		a, b := rep.Groups[i], rep.Groups[j]
		if a.Minutes != b.Minutes {
			return a.Minutes > b.Minutes
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.ID != nil && (b.ID == nil || *a.ID < *b.ID)
	})
	order := make(map[int64]int, len(rep.Groups))
	for i, g := range rep.Groups {
		var id int64
		if g.ID != nil {
			id = *g.ID
		}
		order[id] = i
	}
	for k, a := range cells {
		rep.Rows = append(rep.Rows, HoursRow{Interval: k.i, GroupID: idOf(k.group), Minutes: a.minutes,
			BillableMinutes: a.billable, Amounts: a.money.list()})
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.Interval != b.Interval {
			return a.Interval < b.Interval
		}
		return order[deref(a.GroupID)] < order[deref(b.GroupID)]
	})
	rep.Minutes, rep.BillableMinutes, rep.Amounts = total.minutes, total.billable, total.money.list()
	return rep, nil
}

// hoursSQL is the one statement of the hours report: the intervals' UTC
// ranges as a VALUES list joined to the practice's entries by a range on
// started_at. Grouping by anything but the client also groups by client_id,
// because the money of one service or user is in its clients' currencies.
func hoursSQL(practiceID int64, groupBy string, ranges [][2]time.Time) (string, []any) {
	gc := groupColumn[groupBy]
	var sb strings.Builder
	args := make([]any, 0, 3*len(ranges)+1)
	sb.WriteString("WITH b(i, lo, hi) AS (VALUES ")
	for i, r := range ranges {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?)")
		args = append(args, i, r[0], r[1])
	}
	extra := ""
	if groupBy != ByClient {
		extra = ", t.client_id"
	}
	fmt.Fprintf(&sb, `)
SELECT b.i, t.%[1]s%[2]s, SUM(t.minutes), SUM(t.billable_minutes), SUM(t.amount)
FROM b CROSS JOIN time_entries t
WHERE t.practice_id = ? AND t.started_at >= b.lo AND t.started_at < b.hi
GROUP BY b.i, t.%[1]s%[2]s`, gc.col, extra)
	return sb.String(), append(args, practiceID)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
