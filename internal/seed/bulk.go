// Package seed fills a database with a practice that looks lived in: a
// small demo practice made through the real services (vadesk seed --demo),
// and large generated data sets for the benchmark, whose rows are exactly
// what the API would have written (resolved rates, rounded billable minutes,
// amounts by money.LineAmount), only inserted in bulk.
package seed

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"github.com/vadesk/vadesk/internal/worklog"
)

// Size is how much a generated data set holds.
type Size struct {
	Clients int // all clients, the big one included
	Entries int // all time entries, the big client's included
	// Invoices is how many issued invoices bill the regular clients' older
	// work (the last UnbilledDays stay unbilled).
	Invoices int
	// BigClientEntries are the unbilled entries of one client, for making
	// one large invoice; 0 makes no such client.
	BigClientEntries int
	// Days is the span of the entries, ending at End.
	Days int
	// Seed makes the data set reproducible.
	Seed uint64
}

// The sizes of the benchmark.
var (
	Small = Size{Clients: 50, Entries: 100_000, Invoices: 2_000, BigClientEntries: 10_000, Days: 730, Seed: 20261101}
	Full  = Size{Clients: 200, Entries: 1_000_000, Invoices: 20_000, BigClientEntries: 10_000, Days: 730, Seed: 20261101}
)

// End is where generated data sets end (exclusive): data sets are the same
// on every run, whatever the date.
var End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// UnbilledDays is the tail of a generated data set that no invoice bills.
const UnbilledDays = 45

// BenchPassword is the password of every user of a generated data set. It
// is a throwaway database; the password is printed by nothing.
const BenchPassword = "bench password, not a secret"

// DataSet describes a generated data set, with the ids a benchmark needs.
type DataSet struct {
	PracticeID int64
	OwnerEmail string
	// Token is an API token of the owner.
	Token      string
	ClientIDs  []int64 // the regular clients
	ServiceIDs []int64 // the billable services
	// BigClientID is the client whose BigClientEntries unbilled entries lie in
	// [BigFrom, BigTo] (calendar dates, inclusive, UTC).
	BigClientID     int64
	BigFrom, BigTo  string
	From, To        time.Time // the entries lie in [From, To)
	Entries         int64
	Invoices        int64
	InvoiceLines    int64
	Projects        int
	ClientRates     int
	GenerateSeconds float64
	// Phases are the seconds each step of generating took.
	Phases map[string]float64
}

// svc is a service with what generation needs of it.
type svc struct {
	id       int64
	name     string
	rate     int64
	billable bool
}

// genClient is a client with its rates and projects, kept in memory so
// entries can resolve their rate without a query each.
type genClient struct {
	id       int64
	rounding int64
	weight   float64
	services []int           // indexes into the practice's services it uses
	rates    map[int64]int64 // service id → client rate
	projects []projects.Project
	code     string
	currency string
	terms    int64
	// dayInv maps each day of the billed span (from the data set's start)
	// to the index in gen.invoices of the invoice that bills it; nil for a
	// client without invoices.
	dayInv []int32
}

// Generate creates a practice with an owner, two assistants, services,
// clients with rates and projects, and size's time entries and invoices, in
// the empty database st. The practice's time zone is UTC, so raw SQL
// references of reports need no time zone arithmetic.
func Generate(ctx context.Context, st *store.Store, size Size) (DataSet, error) {
	start := time.Now()
	r := rand.New(rand.NewPCG(size.Seed, size.Seed^0x9e3779b97f4a7c15))
	ds := DataSet{OwnerEmail: "owner@bench.example", To: End, From: End.AddDate(0, 0, -size.Days), Phases: map[string]float64{}}
	lap := start
	phase := func(name string) {
		now := time.Now()
		ds.Phases[name] = now.Sub(lap).Seconds()
		lap = now
	}

	au := auth.New(st, time.Now)
	owner, p, err := au.CreateUser(ctx, auth.NewUser{Email: ds.OwnerEmail, Name: "Bench Owner",
		Role: tenant.Owner, Practice: "Bench Virtual Assistance", Password: BenchPassword})
	if err != nil {
		return ds, fmt.Errorf("seed: owner: %w", err)
	}
	ds.PracticeID = p.ID
	users := []int64{owner.ID}
	for i, name := range []string{"Ava Assistant", "Ben Assistant"} {
		u, _, err := au.CreateUser(ctx, auth.NewUser{Email: fmt.Sprintf("assistant%d@bench.example", i+1), Name: name,
			Role: tenant.Assistant, Practice: p.Name, Password: BenchPassword})
		if err != nil {
			return ds, fmt.Errorf("seed: assistant: %w", err)
		}
		users = append(users, u.ID)
	}
	if _, ds.Token, err = au.CreateTokenFor(ctx, ds.OwnerEmail, "bench"); err != nil {
		return ds, fmt.Errorf("seed: token: %w", err)
	}
	ctx = tenant.With(ctx, owner.Scope())
	phase("users")

	services, err := benchServices(ctx, st)
	if err != nil {
		return ds, err
	}
	for _, s := range services {
		if s.billable {
			ds.ServiceIDs = append(ds.ServiceIDs, s.id)
		}
	}

	regular, regularEntries := size.Clients, size.Entries
	if size.BigClientEntries > 0 {
		regular, regularEntries = size.Clients-1, size.Entries-size.BigClientEntries
	}
	if regular < 1 || regularEntries < 0 {
		return ds, fmt.Errorf("seed: size %+v leaves no regular clients or entries", size)
	}
	cls, err := benchClients(ctx, st, r, regular, services, p.Currency, &ds)
	if err != nil {
		return ds, err
	}
	var big *genClient
	if size.BigClientEntries > 0 {
		if big, err = bigClient(ctx, st, services, p.Currency); err != nil {
			return ds, err
		}
		ds.BigClientID = big.id
	}
	for _, c := range cls {
		ds.ClientIDs = append(ds.ClientIDs, c.id)
	}
	phase("clients")

	// Bulk inserts: synchronous=OFF and a larger cache while generating,
	// restored (NORMAL and the store's cache) before anything is measured.
	db := st.SQL()
	conn, err := db.Conn(ctx)
	if err != nil {
		return ds, fmt.Errorf("seed: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=OFF; PRAGMA cache_size=-65536"); err != nil {
		return ds, fmt.Errorf("seed: pragmas: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000")

	g := &gen{r: r, conn: conn, practice: p.ID, users: users, services: services, now: time.Now().UTC(), from: ds.From}
	billedEnd := End.AddDate(0, 0, -UnbilledDays)
	if err := g.planInvoices(ctx, cls, size.Invoices, billedEnd); err != nil {
		return ds, err
	}
	phase("plan_invoices")
	if err := g.entries(ctx, cls, regularEntries, ds.From, End); err != nil {
		return ds, err
	}
	if big != nil {
		bigFrom := End.AddDate(0, 0, -min(120, size.Days))
		if err := g.entries(ctx, []*genClient{big}, size.BigClientEntries, bigFrom, End); err != nil {
			return ds, err
		}
		ds.BigFrom, ds.BigTo = bigFrom.Format(time.DateOnly), End.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	phase("entries")
	if err := g.finishInvoices(ctx, p.InvoicePattern); err != nil {
		return ds, err
	}
	phase("finish_invoices")
	for q, dst := range map[string]*int64{
		"SELECT COUNT(*) FROM time_entries WHERE practice_id = ?":  &ds.Entries,
		"SELECT COUNT(*) FROM invoices WHERE practice_id = ?":      &ds.Invoices,
		"SELECT COUNT(*) FROM invoice_lines WHERE practice_id = ?": &ds.InvoiceLines,
	} {
		if err := conn.QueryRowContext(ctx, q, p.ID).Scan(dst); err != nil {
			return ds, fmt.Errorf("seed: count: %w", err)
		}
	}
	// No ANALYZE: vadesk never runs it, so the planner sees what it would
	// see on a database grown through the API.
	ds.GenerateSeconds = time.Since(start).Seconds()
	return ds, nil
}

// benchServices adds two services to the seeded catalogue: one more that
// is billed, and one that never is (onboarding done for free).
func benchServices(ctx context.Context, st *store.Store) ([]svc, error) {
	cat := catalog.New(st)
	extra := []catalog.Input{
		{Name: ptr("Bookkeeping support"), DefaultHourlyRate: ptr(int64(4500))},
		{Name: ptr("Onboarding (not billed)"), DefaultHourlyRate: ptr(int64(0)), Billable: ptr(false)},
	}
	for _, in := range extra {
		if _, err := cat.Create(ctx, in); err != nil {
			return nil, fmt.Errorf("seed: service: %w", err)
		}
	}
	list, err := cat.List(ctx, catalog.Filter{Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("seed: services: %w", err)
	}
	out := make([]svc, len(list))
	for i, s := range list {
		out[i] = svc{id: s.ID, name: s.Name, rate: s.DefaultHourlyRate, billable: s.Billable}
	}
	return out, nil
}

// roundings are the clients' rounding rules and how common each is.
var roundings = []struct {
	minutes int64
	weight  float64
}{{0, 0.35}, {6, 0.2}, {15, 0.35}, {30, 0.1}}

func benchClients(ctx context.Context, st *store.Store, r *rand.Rand, n int, services []svc, currency string, ds *DataSet) ([]*genClient, error) {
	cs := clients.New(st)
	ps := projects.New(st)
	var billable []int
	for i, s := range services {
		if s.billable {
			billable = append(billable, i)
		}
	}
	out := make([]*genClient, 0, n)
	for i := range n {
		ind := industries[r.IntN(len(industries))]
		name := fmt.Sprintf("%s (%03d)", clientName(r, ind), i+1)
		rounding := roundings[weighted(r, len(roundings), func(i int) float64 { return roundings[i].weight })].minutes
		cur := currency
		if r.IntN(10) == 0 {
			cur = pick(r, []string{"EUR", "GBP", "CAD", "AUD"})
		}
		code := fmt.Sprintf("C%03d", i+1)
		cl, err := cs.Create(ctx, clients.Input{Name: &name, Industry: &ind.name, Code: &code,
			Email: ptr(fmt.Sprintf("office@client%03d.example", i+1)), Currency: &cur,
			RoundingMinutes: &rounding, PaymentTermsDays: ptr(int64(pick(r, []int{7, 14, 14, 30})))}, currency)
		if err != nil {
			return nil, fmt.Errorf("seed: client: %w", err)
		}
		g := &genClient{id: cl.ID, rounding: rounding, rates: map[int64]int64{}, code: code, currency: cl.Currency,
			terms: cl.PaymentTermsDays,
			// Zipf-like volumes: a few big accounts, a long tail of small ones.
			weight: 1 / math.Pow(float64(r.IntN(n)+1), 0.8)}
		// Each client uses two to four services, one of them most.
		perm := r.Perm(len(billable))
		for _, k := range perm[:2+r.IntN(3)] {
			g.services = append(g.services, billable[k])
		}
		for _, k := range g.services {
			s := services[k]
			if r.Float64() < 0.4 {
				rate := s.rate + int64(r.IntN(15)-4)*250
				if _, _, err := cs.SetRate(ctx, cl.ID, s.id, rate); err != nil {
					return nil, fmt.Errorf("seed: rate: %w", err)
				}
				g.rates[s.id] = rate
				ds.ClientRates++
			}
		}
		for k := range r.IntN(4) {
			in := projects.Input{ClientID: &cl.ID, Name: ptr(pick(r, projectNames))}
			switch {
			case k == 0 && r.IntN(3) == 0:
				in.HourlyRate = ptr(ptr(int64(6000 + 500*r.IntN(6))))
			case k == 2:
				in.Billing = ptr(projects.BillingNonBillable)
			}
			pr, err := ps.Create(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("seed: project: %w", err)
			}
			g.projects = append(g.projects, pr)
			ds.Projects++
		}
		out = append(out, g)
	}
	return out, nil
}

var projectNames = []string{
	"Spring listings push", "Website refresh", "Podcast launch", "Q3 newsletter series", "CRM clean-up",
	"Holiday campaign", "Course launch", "Open house season", "Book launch", "Grant application",
}

// bigClient is a large account whose work is not invoiced yet.
func bigClient(ctx context.Context, st *store.Store, services []svc, currency string) (*genClient, error) {
	cs := clients.New(st)
	cl, err := cs.Create(ctx, clients.Input{Name: ptr("Northwind Listings"), Industry: ptr("real estate"),
		Code: ptr("NWL"), RoundingMinutes: ptr(int64(15))}, currency)
	if err != nil {
		return nil, fmt.Errorf("seed: big client: %w", err)
	}
	g := &genClient{id: cl.ID, rounding: 15, weight: 1, rates: map[int64]int64{}, code: "NWL", currency: cl.Currency,
		terms: cl.PaymentTermsDays}
	for i, s := range services {
		if s.billable {
			g.services = append(g.services, i)
		}
	}
	first := services[g.services[0]]
	if _, _, err := cs.SetRate(ctx, cl.ID, first.id, first.rate+1000); err != nil {
		return nil, fmt.Errorf("seed: big client rate: %w", err)
	}
	g.rates[first.id] = first.rate + 1000
	return g, nil
}

// gen holds what the bulk inserts share.
type gen struct {
	r        *rand.Rand
	conn     *sql.Conn
	practice int64
	users    []int64
	services []svc
	now      time.Time
	from     time.Time // the data set's first day
	invoices []genInvoice
}

// minuteChoices are typical entry lengths, with how common each is.
var minuteChoices = []struct {
	minutes int64
	weight  float64
}{{5, 3}, {10, 5}, {15, 10}, {20, 6}, {25, 3}, {30, 12}, {40, 4}, {45, 8}, {60, 10}, {75, 3},
	{90, 6}, {120, 5}, {150, 2}, {180, 2}, {240, 1}}

// entries inserts n entries of cls spread over [from, to): weekdays busier
// than weekends, the practice growing over time, each client at its weight.
// Billable entries in a client's planned invoice periods are on those
// invoices.
func (g *gen) entries(ctx context.Context, cls []*genClient, n int, from, to time.Time) error {
	days := int(to.Sub(from).Hours() / 24)
	dayW := make([]float64, days)
	var sumW float64
	for d := range days {
		w := 1.0
		switch from.AddDate(0, 0, d).Weekday() {
		case time.Saturday:
			w = 0.15
		case time.Sunday:
			w = 0.05
		}
		w *= 0.7 + 0.6*float64(d)/float64(days)
		dayW[d] = w
		sumW += w
	}
	cum := make([]float64, len(cls))
	var acc float64
	for i, c := range cls {
		acc += c.weight
		cum[i] = acc
	}
	mcum := make([]float64, len(minuteChoices))
	acc = 0
	for i, m := range minuteChoices {
		acc += m.weight
		mcum[i] = acc
	}

	ins := &inserter{conn: g.conn}
	defer ins.abort()
	done, cumW := 0, 0.0
	type planned struct {
		c     *genClient
		start time.Time
	}
	var day []planned
	for d := range days {
		cumW += dayW[d]
		target := int(math.Round(float64(n) * cumW / sumW))
		count := target - done
		done = target
		date := from.AddDate(0, 0, d)
		day = day[:0]
		for range count {
			c := cls[sort.SearchFloat64s(cum, g.r.Float64()*cum[len(cum)-1])]
			day = append(day, planned{c, date.Add(time.Duration(8*60+g.r.IntN(600)) * time.Minute)})
		}
		slices.SortFunc(day, func(a, b planned) int { return a.start.Compare(b.start) })
		for _, pl := range day {
			minutes := minuteChoices[sort.SearchFloat64s(mcum, g.r.Float64()*mcum[len(mcum)-1])].minutes
			if g.r.IntN(4) == 0 {
				minutes += int64(g.r.IntN(9)) - 4
			}
			if err := ins.add(ctx, g.entry(pl.c, pl.start, minutes)); err != nil {
				return err
			}
		}
	}
	return ins.commit()
}

// entryColumns are the columns of a generated time entry, in the order
// entry returns their values.
const entryColumns = `practice_id, client_id, service_id, project_id, task_id, user_id, started_at, minutes,
	billable, billable_minutes, hourly_rate, amount, note, internal_note, invoice_id, draft_invoice_id,
	source_key, version, created_at, updated_at`

const entryValues = "(?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)"

// inserter writes entries with one prepared statement, committing every
// 10,000 rows. (Multi-row INSERTs were tried: SQLite's own work on the
// table and its indexes is most of the cost, so they gained nothing.)
type inserter struct {
	conn *sql.Conn
	tx   *sql.Tx
	stmt *sql.Stmt
	inTx int
}

func (in *inserter) add(ctx context.Context, row []any) error {
	if in.tx == nil {
		tx, err := in.conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("seed: begin: %w", err)
		}
		in.tx = tx
		if in.stmt, err = tx.PrepareContext(ctx, "INSERT INTO time_entries ("+entryColumns+") VALUES "+entryValues); err != nil {
			return fmt.Errorf("seed: prepare: %w", err)
		}
	}
	if _, err := in.stmt.ExecContext(ctx, row...); err != nil {
		return fmt.Errorf("seed: entries: %w", err)
	}
	if in.inTx++; in.inTx == 10_000 {
		return in.commit()
	}
	return nil
}

func (in *inserter) commit() error {
	if in.tx == nil {
		return nil
	}
	err := in.tx.Commit()
	in.tx, in.inTx = nil, 0
	if err != nil {
		return fmt.Errorf("seed: entries: %w", err)
	}
	return nil
}

func (in *inserter) abort() {
	if in.tx != nil {
		in.tx.Rollback()
	}
}

// entry returns the values of one entry of c (entryColumns) as the API
// would have stored it.
func (g *gen) entry(c *genClient, start time.Time, minutes int64) []any {
	var s svc
	if g.r.IntN(40) == 0 {
		s = g.services[len(g.services)-1] // the onboarding service, never billed
	} else {
		// The first of a client's services is its main one.
		k := c.services[0]
		if g.r.IntN(2) == 0 {
			k = c.services[g.r.IntN(len(c.services))]
		}
		s = g.services[k]
	}
	var proj *projects.Project
	if len(c.projects) > 0 && g.r.IntN(2) == 0 {
		proj = &c.projects[g.r.IntN(len(c.projects))]
	}
	var clientRate, projectRate *int64
	if v, ok := c.rates[s.id]; ok {
		clientRate = &v
	}
	billing := ""
	var projectID any
	if proj != nil {
		projectRate, billing, projectID = proj.HourlyRate, proj.Billing, proj.ID
	}
	rate := worklog.Rate(clientRate, projectRate, s.rate)
	billable := worklog.DefaultBillable(s.billable, billing) && g.r.IntN(50) != 0
	bm, amount := worklog.Amounts(minutes, c.rounding, rate, billable)
	logged := start.Add(time.Duration(minutes) * time.Minute)
	if logged.After(g.now) {
		logged = g.now
	}
	// Work on an issued invoice was locked by the issue, which bumped its
	// version and stamped its updated_at.
	var invoiceID any
	version, updated := 1, logged
	if d := int(start.Sub(g.from).Hours() / 24); billable && d >= 0 && d < len(c.dayInv) {
		inv := &g.invoices[c.dayInv[d]]
		invoiceID, version, updated = inv.id, 2, inv.issuedAt
		inv.entries++
	}
	internal := ""
	if g.r.IntN(10) == 0 {
		internal = pick(g.r, internalNotes)
	}
	user := g.users[0]
	if x := g.r.IntN(10); x >= 6 {
		user = g.users[1+x%2]
	}
	return []any{g.practice, c.id, s.id, projectID, user, start, minutes, billable, bm, rate,
		amount, noteFor(g.r, s.name), internal, invoiceID, version, logged, updated}
}

// weighted picks an index in [0, n) with probability proportional to w(i).
func weighted(r *rand.Rand, n int, w func(int) float64) int {
	var sum float64
	for i := range n {
		sum += w(i)
	}
	x := r.Float64() * sum
	for i := range n {
		if x -= w(i); x < 0 {
			return i
		}
	}
	return n - 1
}

func ptr[T any](v T) *T { return &v }
