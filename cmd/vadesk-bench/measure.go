package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/seed"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

// listEntries loads GET /time-entries?client_id=…&limit=50 over rotating
// clients, taking turns with a bare Echo handler that answers with a
// constant page of the same bytes under the same load; then it measures
// the latency at half the rate the API sustained.
func (e *env) listEntries(ctx context.Context) error {
	const conns = 64
	ids := e.ds.ClientIDs
	path := func(i int) string {
		return "/api/v1/time-entries?client_id=" + strconv.FormatInt(ids[i%len(ids)], 10) + "&limit=50"
	}
	status, page, err := e.call(ctx, "GET", path(0), nil)
	if err != nil {
		return err
	}
	if routeMissing(status, page) {
		e.skipped("list_entries", "GET /api/v1/time-entries is not routed yet")
		return nil
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path(0), status, page)
	}
	var probe struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(page, &probe); err != nil {
		return fmt.Errorf("GET %s: %w", path(0), err)
	}

	ref := echo.New()
	ref.HideBanner, ref.HidePort = true, true
	ref.GET("/api/v1/time-entries", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, page) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	refSrv := &http.Server{Handler: ref}
	go refSrv.Serve(ln)
	defer refSrv.Close()
	refURL := "http://" + ln.Addr().String() + "/api/v1/time-entries?limit=50"

	api, bare := alternate(ctx,
		loadSpec{conns: conns, warm: e.spec.warm, dur: e.spec.dur,
			req: func(w, i int) *http.Request {
				r, _ := http.NewRequest("GET", e.base+path(w*7+i), nil)
				r.Header.Set("Authorization", e.auth)
				return r
			},
			ok: func(s int) bool { return s == http.StatusOK }},
		loadSpec{conns: conns, warm: e.spec.warm, dur: e.spec.dur,
			req: func(w, i int) *http.Request {
				r, _ := http.NewRequest("GET", refURL, nil)
				r.Header.Set("Authorization", e.auth)
				return r
			},
			ok: func(s int) bool { return s == http.StatusOK }})
	// Then the latency of a server with room to spare: requests at half
	// the rate it just sustained, sent on time whatever the answers do.
	paced := runPaced(ctx, loadSpec{conns: conns, dur: e.spec.dur / 2,
		req: func(w, i int) *http.Request {
			r, _ := http.NewRequest("GET", e.base+path(i), nil)
			r.Header.Set("Authorization", e.auth)
			return r
		},
		ok: func(s int) bool { return s == http.StatusOK }}, api.RPS()/2)
	e.loaded = true

	ratio := 0.0
	if bare.RPS() > 0 {
		ratio = api.RPS() / bare.RPS()
	}
	res := map[string]any{
		"rps": round(api.RPS(), 0), "p50_ms": round(api.Percentile(50), 2), "p99_ms": round(api.Percentile(99), 2),
		"reference_rps": round(bare.RPS(), 0), "ratio": round(ratio, 3),
		"reference_p50_ms": round(bare.Percentile(50), 2), "reference_p99_ms": round(bare.Percentile(99), 2),
		"conns": conns, "requests": api.Requests, "errors": api.Errors, "items_per_page": len(probe.Items),
		"page_bytes": len(page), "seconds": e.spec.dur.Seconds(),
		"cpu_ms_per_request": round(api.CPUPerRequest(), 3), "reference_cpu_ms_per_request": round(bare.CPUPerRequest(), 3),
		"half_load_rps": round(paced.RPS(), 0), "half_load_p50_ms": round(paced.Percentile(50), 2),
		"half_load_p99_ms": round(paced.Percentile(99), 2),
	}
	e.rep.Results["list_entries"] = res
	e.add(row{name: "list_entries",
		figure: fmt.Sprintf("%s rps, p50 %s, p99 %s; at half load p50 %s, p99 %s", num(api.RPS()), ms(api.Percentile(50)),
			ms(api.Percentile(99)), ms(paced.Percentile(50)), ms(paced.Percentile(99))),
		reference: fmt.Sprintf("%s rps bare Echo", num(bare.RPS())),
		ratio: fmt.Sprintf("%.0f%% (CPU/request: %.0f%%)", ratio*100,
			100*bare.CPUPerRequest()/max(api.CPUPerRequest(), 1e-9)),
		goal: goals["list_entries"],
		ok:   okp(ratio >= 0.30 && api.Percentile(99) <= 10 && api.Errors == 0)})
	if api.Errors > 0 {
		e.rep.note("list_entries: %d answers were not 200: %v", api.Errors, api.Statuses)
	}
	if api.Percentile(99) > 10 {
		e.rep.note("list_entries: with %d connections always waiting, a request waits its turn: latency ≈ %d/rps (Little's law), so p99 ≤ 10 ms needs well over %s rps; at half load (%s rps, paced) p99 was %s",
			conns, conns, num(conns*1000/10), num(paced.RPS()), ms(paced.Percentile(99)))
	}
	return nil
}

// createEntry loads POST /time-entries with 32 connections, taking turns
// with raw prepared INSERTs of the same rows (one transaction per 100) into
// a separate database file with the same schema.
func (e *env) createEntry(ctx context.Context) error {
	const conns = 32
	ids, svcs := e.ds.ClientIDs, e.ds.ServiceIDs
	day0 := seed.End.AddDate(0, 0, -28)
	body := func(w, i int) []byte {
		n := w*100_003 + i
		start := day0.Add(time.Duration(n%(27*24*60)) * time.Minute)
		return fmt.Appendf(nil, `{"client_id":%d,"service_id":%d,"started_at":%q,"minutes":%d,"note":"Benchmark entry %d"}`,
			ids[n%len(ids)], svcs[n%len(svcs)], start.Format(time.RFC3339), 5+n%115, n)
	}
	status, b, err := e.call(ctx, "POST", "/api/v1/time-entries", body(999, 0))
	if err != nil {
		return err
	}
	if routeMissing(status, b) {
		e.skipped("create_entry", "POST /api/v1/time-entries is not routed yet")
		return nil
	}
	if status != http.StatusCreated {
		return fmt.Errorf("POST /api/v1/time-entries: %d %s", status, b)
	}
	// The API and the reference take turns, so that drifting load on the
	// machine weighs on both alike.
	ref, err := e.newRawInserter(ctx)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	defer ref.close()
	var api loadResult
	for i := range rounds {
		s := loadSpec{conns: conns, warm: e.spec.warm, dur: e.spec.dur / rounds,
			req: func(w, i int) *http.Request {
				r, _ := http.NewRequest("POST", e.base+"/api/v1/time-entries", strings.NewReader(string(body(w, i))))
				r.Header.Set("Authorization", e.auth)
				r.Header.Set("Content-Type", "application/json")
				return r
			},
			ok: func(s int) bool { return s == http.StatusCreated }}
		if i > 0 {
			s.warm = 0
		}
		api = merge(api, runLoad(ctx, s))
		if err := ref.run(ctx, e.spec.dur/rounds); err != nil {
			return fmt.Errorf("reference: %w", err)
		}
	}
	e.loaded = true
	refRPS := ref.rate()
	ratio := 0.0
	if refRPS > 0 {
		ratio = api.RPS() / refRPS
	}
	e.rep.Results["create_entry"] = map[string]any{
		"rps": round(api.RPS(), 0), "errors": api.Errors, "reference_rps": round(refRPS, 0), "ratio": round(ratio, 4),
		"p50_ms": round(api.Percentile(50), 2), "p99_ms": round(api.Percentile(99), 2), "conns": conns,
		"created": api.Requests, "seconds": e.spec.dur.Seconds(), "cpu_ms_per_request": round(api.CPUPerRequest(), 3),
		"reference_cpu_ms_per_row": round(ref.cpuPerRow(), 4),
	}
	e.add(row{name: "create_entry",
		figure:    fmt.Sprintf("%s entries/s, %d errors, p99 %s", num(api.RPS()), api.Errors, ms(api.Percentile(99))),
		reference: fmt.Sprintf("%s rows/s raw INSERT", num(refRPS)),
		ratio: fmt.Sprintf("%.1f%% (CPU/row: %.1f%%)", ratio*100,
			100*ref.cpuPerRow()/max(api.CPUPerRequest(), 1e-9)),
		goal: goals["create_entry"],
		ok:   okp(api.RPS() >= 2000 && api.Errors == 0)})
	if api.Errors > 0 {
		e.rep.note("create_entry: %d answers were not 201: %v", api.Errors, api.Statuses)
	}
	return nil
}

// rawInserter measures rows/s of prepared INSERTs of entries, 100 per
// transaction, through the store's writer on a fresh database file with
// the same schema.
type rawInserter struct {
	st               *store.Store
	path             string
	practice, client int64
	service, user    int64
	rows             int
	elapsed, cpu     time.Duration
}

func (e *env) newRawInserter(ctx context.Context) (*rawInserter, error) {
	path := filepath.Join(e.dir, "reference.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return nil, err
	}
	ri := &rawInserter{st: st, path: path}
	if err := st.Migrate(ctx); err != nil {
		ri.close()
		return nil, err
	}
	u, p, err := auth.New(st, time.Now).CreateUser(ctx, auth.NewUser{Email: "ref@bench.example", Name: "Ref",
		Practice: "Reference", Password: seed.BenchPassword})
	if err != nil {
		ri.close()
		return nil, err
	}
	cl, err := clients.New(st).Create(tenant.With(ctx, u.Scope()), clients.Input{Name: ptr("Reference client")}, p.Currency)
	if err != nil {
		ri.close()
		return nil, err
	}
	ri.practice, ri.client, ri.user = p.ID, cl.ID, u.ID
	if err := st.SQL().QueryRowContext(ctx, "SELECT MIN(id) FROM services WHERE practice_id = ?", p.ID).Scan(&ri.service); err != nil {
		ri.close()
		return nil, err
	}
	return ri, nil
}

// run inserts for d.
func (ri *rawInserter) run(ctx context.Context, d time.Duration) error {
	db := ri.st.SQL()
	day0 := seed.End.AddDate(0, 0, -28)
	t0, c0 := time.Now(), cpuTime()
	end := t0.Add(d)
	defer func() { ri.elapsed, ri.cpu = ri.elapsed+time.Since(t0), ri.cpu+cpuTime()-c0 }()
	for time.Now().Before(end) && ctx.Err() == nil {
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			stmt, err := tx.PrepareContext(ctx, insertEntrySQL)
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			for range 100 {
				n := ri.rows
				minutes := int64(5 + n%115)
				_, err := stmt.ExecContext(ctx, ri.practice, ri.client, ri.service, nil, ri.user, day0.Add(time.Duration(n)*time.Minute),
					minutes, true, minutes, 4000, (2*minutes*4000+60)/120, fmt.Sprintf("Benchmark entry %d", n), "", nil, 1, now, now)
				if err != nil {
					return err
				}
				ri.rows++
			}
			return tx.Commit()
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

func (ri *rawInserter) rate() float64 {
	if ri.elapsed <= 0 {
		return 0
	}
	return float64(ri.rows) / ri.elapsed.Seconds()
}

// cpuPerRow is the CPU time per inserted row, in ms.
func (ri *rawInserter) cpuPerRow() float64 {
	if ri.rows == 0 {
		return 0
	}
	return float64(ri.cpu.Microseconds()) / 1000 / float64(ri.rows)
}

func (ri *rawInserter) close() {
	ri.st.Close()
	os.Remove(ri.path)
	os.Remove(ri.path + "-wal")
	os.Remove(ri.path + "-shm")
}

// insertEntrySQL is the INSERT the reference runs: every column of a
// time entry, as the API writes it.
const insertEntrySQL = `INSERT INTO time_entries (practice_id, client_id, service_id, project_id, task_id, user_id,
	started_at, minutes, billable, billable_minutes, hourly_rate, amount, note, internal_note, invoice_id,
	draft_invoice_id, source_key, version, created_at, updated_at)
	VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)`

// reportHours times GET /reports/hours by client and month over a year,
// and the same aggregate as one raw SQL query on the read pool.
func (e *env) reportHours(ctx context.Context) error {
	from := seed.End.AddDate(-1, 0, 0)
	to := seed.End.AddDate(0, 0, -1)
	path := "/api/v1/reports/hours?group_by=client&interval=month&from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly)
	status, b, err := e.call(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	if routeMissing(status, b) {
		e.skipped("report_hours", "GET /api/v1/reports/hours is not routed yet")
		return nil
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, status, b)
	}
	// The API and the raw query take turns, after one warm-up run of the
	// query (the probe above warmed the API).
	db := e.st.ReadSQL()
	groups, err := rawHours(ctx, db, e.ds.PracticeID, from, seed.End)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	var api, raw []time.Duration
	for range e.spec.runs {
		t0 := time.Now()
		status, _, err := e.call(ctx, "GET", path, nil)
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %v", path, status, err)
		}
		api = append(api, time.Since(t0))
		t0 = time.Now()
		if _, err := rawHours(ctx, db, e.ds.PracticeID, from, seed.End); err != nil {
			return fmt.Errorf("reference: %w", err)
		}
		raw = append(raw, time.Since(t0))
	}
	e.loaded = true
	a, r := medianMS(api), medianMS(raw)
	ratio := 0.0
	if r > 0 {
		ratio = a / r
	}
	e.rep.Results["report_hours"] = map[string]any{"ms": round(a, 2), "reference_ms": round(r, 2), "ratio": round(ratio, 2),
		"runs": e.spec.runs, "rows": groups, "from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}
	e.add(row{name: "report_hours", figure: ms(a), reference: ms(r) + " raw SQL", ratio: fmt.Sprintf("%.2f×", ratio),
		goal: goals["report_hours"], ok: okp(ratio <= 1.5)})
	return nil
}

// rawHours is the hours report as one query: minutes, billable minutes and
// amounts per client and calendar month (the practice is in UTC).
func rawHours(ctx context.Context, db *sql.DB, practiceID int64, from, to time.Time) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT client_id, substr(started_at, 1, 7) AS month,
		SUM(minutes), SUM(billable_minutes), SUM(amount)
		FROM time_entries WHERE practice_id = ? AND started_at >= ? AND started_at < ?
		GROUP BY client_id, month`, practiceID, from, to)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var client, minutes, billable, amount int64
		var month string
		if err := rows.Scan(&client, &month, &minutes, &billable, &amount); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// invoice10k makes a draft of the big client's unbilled entries, issues
// it and renders its PDF, through the API.
func (e *env) invoice10k(ctx context.Context) error {
	if e.ds.BigClientID == 0 {
		e.skipped("invoice_10k", "the data set has no client with unbilled work to invoice")
		return nil
	}
	t0, c0 := time.Now(), cpuTime()
	status, b, err := e.call(ctx, "POST", "/api/v1/invoices",
		fmt.Appendf(nil, `{"client_id":%d,"from":%q,"to":%q}`, e.ds.BigClientID, e.ds.BigFrom, e.ds.BigTo))
	if err != nil {
		return err
	}
	if routeMissing(status, b) {
		e.skipped("invoice_10k", "POST /api/v1/invoices is not routed yet")
		return nil
	}
	if status != http.StatusCreated {
		return fmt.Errorf("POST /api/v1/invoices: %d %s", status, b)
	}
	tDraft := time.Since(t0)
	var inv struct {
		ID    int64 `json:"id"`
		Lines []struct {
			EntryIDs []int64 `json:"entry_ids"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(b, &inv); err != nil {
		return err
	}
	entries := 0
	for _, l := range inv.Lines {
		entries += len(l.EntryIDs)
	}
	t1 := time.Now()
	status, b, err = e.call(ctx, "POST", fmt.Sprintf("/api/v1/invoices/%d/issue", inv.ID), nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("issue: %d %s", status, b)
	}
	tIssue := time.Since(t1)
	t2 := time.Now()
	status, b, err = e.call(ctx, "GET", fmt.Sprintf("/api/v1/invoices/%d/pdf", inv.ID), nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK || !strings.HasPrefix(string(b), "%PDF") {
		return fmt.Errorf("pdf: %d %.200s", status, b)
	}
	tPDF := time.Since(t2)
	total, cpu := time.Since(t0), cpuTime()-c0
	e.loaded = true
	msOf := func(d time.Duration) float64 { return round(float64(d.Microseconds())/1000, 1) }
	e.rep.Results["invoice_10k"] = map[string]any{"ms": msOf(total), "draft_ms": msOf(tDraft), "issue_ms": msOf(tIssue),
		"pdf_ms": msOf(tPDF), "entries": entries, "lines": len(inv.Lines), "pdf_bytes": len(b), "cpu_ms": msOf(cpu)}
	e.add(row{name: "invoice_10k",
		figure:    fmt.Sprintf("%s (draft %s, issue %s, PDF %s; %s entries)", ms(msOf(total)), ms(msOf(tDraft)), ms(msOf(tIssue)), ms(msOf(tPDF)), num(float64(entries))),
		reference: "—", ratio: "—", goal: goals["invoice_10k"], ok: okp(msOf(total) <= 500)})
	return nil
}

// rss is the peak resident set of this process (server, its database
// connections and the load generator) during the load phases.
func (e *env) rss(ctx context.Context) error {
	if !e.loaded {
		// Nothing has loaded the server in this run: a short list load.
		status, b, err := e.call(ctx, "GET", "/api/v1/time-entries?limit=50", nil)
		if err == nil && routeMissing(status, b) {
			e.skipped("rss", "no load phase ran and GET /api/v1/time-entries is not routed yet")
			return nil
		}
		runLoad(ctx, loadSpec{conns: 64, warm: 0, dur: e.spec.dur,
			req: func(w, i int) *http.Request {
				r, _ := http.NewRequest("GET", e.base+"/api/v1/time-entries?limit=50", nil)
				r.Header.Set("Authorization", e.auth)
				return r
			},
			ok: func(s int) bool { return s == http.StatusOK }})
	}
	peak, err := procStatus("self", "VmHWM")
	if err != nil {
		e.skipped("rss", err.Error())
		return nil
	}
	mb := float64(peak) / 1024
	e.rep.Results["rss"] = map[string]any{"peak_mb": round(mb, 1), "reset_after_generating": e.peakRSS,
		"before_load_mb": round(e.baseRSS, 1)}
	e.add(row{name: "rss", figure: fmt.Sprintf("%.0f MB peak", mb), reference: "—", ratio: "—", goal: goals["rss"], ok: okp(mb <= 150)})
	return nil
}

// procStatus reads a kB field of /proc/PID/status.
func procStatus(pid, field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("read /proc/%s/status: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s: %w", field, err)
			}
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%s/status", field, pid)
}

// resetPeakRSS starts VmHWM over from the current RSS (Linux ≥ 4.0).
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func ptr[T any](v T) *T { return &v }
