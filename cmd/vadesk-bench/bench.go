package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/seed"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/web"
)

// sizeSpec is a scale: the data set and how long each phase runs.
type sizeSpec struct {
	size      seed.Size
	warm, dur time.Duration // each load phase
	runs      int           // timed runs of one-shot measurements (median taken)
	browser   int           // runs of the headless browser
	startups  int           // runs of the server binary
}

// scales keep each phase short enough that small finishes in under two
// minutes and full in under ten on a 2-core machine.
var scales = map[string]sizeSpec{
	"small": {size: seed.Small, warm: time.Second, dur: 4 * time.Second, runs: 9, browser: 3, startups: 3},
	"full":  {size: seed.Full, warm: 2 * time.Second, dur: 8 * time.Second, runs: 5, browser: 3, startups: 3},
}

// env is what the measurements share: the generated data, the running
// server and where to reach it.
type env struct {
	o       options
	spec    sizeSpec
	rep     *Report
	dir     string
	dbPath  string
	st      *store.Store
	ds      seed.DataSet
	base    string // http://127.0.0.1:port of the in-process server
	auth    string // Authorization header value
	loaded  bool   // a load phase ran (for rss)
	rows    []row
	stderr  io.Writer
	srv     *http.Server
	binary  chan buildResult
	peakRSS bool    // the peak could be reset after generating
	baseRSS float64 // MB resident when the peak was reset
}

// row is one line of the printed table.
type row struct {
	name, figure, reference, ratio, goal string
	ok                                   *bool
}

func (e *env) add(r row) { e.rows = append(e.rows, r) }

func (e *env) logf(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }

// skipped records a measurement that could not run, and why.
func (e *env) skipped(name, why string) {
	e.rep.Results[name] = map[string]any{"skipped": why}
	e.rep.note("%s skipped: %s", name, why)
	e.add(row{name: name, figure: "skipped", reference: "—", ratio: "—", goal: goals[name]})
}

// goals are the goals, as printed.
var goals = map[string]string{
	"list_entries": "≥ 30% of bare Echo, p99 ≤ 10 ms",
	"create_entry": "≥ 2,000/s, 0 errors",
	"report_hours": "≤ 1.5× raw SQL",
	"invoice_10k":  "≤ 500 ms",
	"pdf":          "60 lines ≥ 100× faster",
	"rss":          "≤ 150 MB",
	"startup":      "≤ 300 ms",
}

func bench(ctx context.Context, o options, stdout, stderr io.Writer) error {
	began := time.Now()
	spec := scales[o.scale]
	if o.sizeOverride != nil {
		spec = *o.sizeOverride
	}
	e := &env{o: o, spec: spec, rep: newReport(o.scale), stderr: stderr}
	dir, err := os.MkdirTemp("", "vadesk-bench-*")
	if err != nil {
		return err
	}
	e.dir = dir
	if o.keep {
		e.logf("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.wants("startup") {
		// Building overlaps generating, which is not measured.
		e.binary = make(chan buildResult, 1)
		go func() { e.binary <- buildVadesk(ctx, dir) }()
	}

	e.dbPath = filepath.Join(dir, "bench.db")
	if err := e.generate(ctx); err != nil {
		return err
	}
	if err := e.startServer(); err != nil {
		e.st.Close()
		return err
	}
	// What generating allocated is not the server's: return it to the OS
	// and start the peak over.
	runtime.GC()
	debug.FreeOSMemory()
	trimCHeap()
	e.peakRSS = resetPeakRSS() == nil
	if kb, err := procStatus("self", "VmRSS"); err == nil {
		e.baseRSS = float64(kb) / 1024
	}
	if !e.peakRSS {
		e.rep.note("rss: /proc/self/clear_refs could not reset the peak, so rss includes generating the data set")
	}

	e.rep.LoadAverage = append(e.rep.LoadAverage, loadAverage())
	stopProfile, err := startProfile(o.cpuprofile)
	if err != nil {
		e.stopServer()
		return err
	}
	measures := map[string]func(context.Context) error{
		"list_entries": e.listEntries,
		"report_hours": e.reportHours,
		"create_entry": e.createEntry,
		"invoice_10k":  e.invoice10k,
		"pdf":          e.pdfs,
		"rss":          e.rss,
	}
	for _, name := range names {
		m, ok := measures[name]
		if !ok || !o.wants(name) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		e.logf("measuring %s ...", name)
		if err := m(ctx); err != nil {
			stopProfile()
			e.stopServer()
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := e.stopServer(); err != nil {
		stopProfile()
		return err
	}
	if o.wants("startup") && ctx.Err() == nil {
		e.logf("measuring startup ...")
		if err := e.startup(ctx); err != nil {
			stopProfile()
			return fmt.Errorf("startup: %w", err)
		}
	}
	stopProfile()
	if err := ctx.Err(); err != nil {
		return err
	}
	e.rep.Seconds = round(time.Since(began).Seconds(), 1)
	e.rep.LoadAverage = append(e.rep.LoadAverage, loadAverage())
	if busy := slices.Max(e.rep.LoadAverage); busy > float64(e.rep.CPUs) {
		e.rep.note("the machine was busy (load average up to %.1f on %d CPUs): other work took turns on the cores, so rps and ms are worse than on an idle machine; the ratios and the cpu_ms fields in the JSON are steadier", busy, e.rep.CPUs)
	}
	printTable(stdout, e)
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, e.rep); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) generate(ctx context.Context) error {
	st, err := store.Open(ctx, e.dbPath, store.Options{})
	if err != nil {
		return err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	e.st = st
	e.logf("generating the %s data set (%d entries, %d clients, %d invoices) ...",
		e.o.scale, e.spec.size.Entries, e.spec.size.Clients, e.spec.size.Invoices)
	ds, err := seed.Generate(ctx, st, e.spec.size)
	if err != nil {
		st.Close()
		return err
	}
	// The server starts on the database as vadesk serve would: opened
	// afresh, without the generator's connections and caches.
	if err := st.Close(); err != nil {
		return err
	}
	if e.st, err = store.Open(ctx, e.dbPath, store.Options{}); err != nil {
		return err
	}
	if err := e.st.Migrate(ctx); err != nil {
		e.st.Close()
		return err
	}
	e.ds = ds
	e.auth = "Bearer " + ds.Token
	fi, _ := os.Stat(e.dbPath)
	var mb float64
	if fi != nil {
		mb = round(float64(fi.Size())/(1<<20), 1)
	}
	e.rep.DataSet = map[string]any{
		"entries": ds.Entries, "clients": len(ds.ClientIDs) + btoi(ds.BigClientID != 0), "invoices": ds.Invoices,
		"invoice_lines": ds.InvoiceLines, "projects": ds.Projects, "client_rates": ds.ClientRates,
		"services": len(ds.ServiceIDs) + 1, "from": ds.From.Format(time.DateOnly), "to": ds.To.AddDate(0, 0, -1).Format(time.DateOnly),
		"db_mb": mb, "generate_s": round(ds.GenerateSeconds, 1), "seed": e.spec.size.Seed,
	}
	phases := map[string]float64{}
	for k, v := range ds.Phases {
		phases[k] = round(v, 2)
	}
	e.rep.DataSet["generate_phases_s"] = phases
	e.logf("generated %d entries and %d invoices in %.1f s (%.0f MB)", ds.Entries, ds.Invoices, ds.GenerateSeconds, mb)
	e.rep.note("the data set is generated with synchronous=OFF; the store's synchronous=NORMAL is restored before anything is measured")
	return nil
}

// startServer runs the real router in-process, wired as cmd/vadesk's serve
// does; request logs are formatted as in production but discarded.
func (e *env) startServer() error {
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		return err
	}
	cfg.DB = e.dbPath
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: cfg.LogLevel}))
	h := httpapi.New(httpapi.Deps{
		Config:   cfg,
		Store:    e.st,
		Services: app.New(cfg, e.st, time.Now),
		Log:      log,
		Web:      web.Static(),
	})
	e.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.base = "http://" + ln.Addr().String()
	go e.srv.Serve(ln)
	return nil
}

func (e *env) stopServer() error {
	if e.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	e.srv = nil
	return errors.Join(err, e.st.Close())
}

// call sends one authenticated request to the in-process server.
func (e *env) call(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", e.auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// routeMissing reports whether an answer says the route does not exist
// (yet): the benchmark then skips the measurement instead of failing.
func routeMissing(status int, body []byte) bool { return seed.RouteMissing(status, body) }

func printTable(w io.Writer, e *env) {
	head := []string{"name", "figure", "reference", "ratio", "goal", "ok?"}
	cells := [][]string{head}
	for _, r := range e.rows {
		ok := "—"
		if r.ok != nil {
			ok = map[bool]string{true: "yes", false: "NO"}[*r.ok]
		}
		cells = append(cells, []string{r.name, r.figure, r.reference, r.ratio, r.goal, ok})
	}
	width := make([]int, len(head))
	for _, c := range cells {
		for i, s := range c {
			width[i] = max(width[i], len([]rune(s)))
		}
	}
	line := func(c []string) {
		var b strings.Builder
		for i, s := range c {
			b.WriteString("| ")
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", width[i]-len([]rune(s))+1))
		}
		b.WriteString("|\n")
		io.WriteString(w, b.String())
	}
	fmt.Fprintf(w, "\nvadesk-bench -scale %s: %s entries, %s invoices; %d CPUs (%s), %s, %s; load average %v; %.0f s\n\n",
		e.rep.Scale, num(float64(e.ds.Entries)), num(float64(e.ds.Invoices)), e.rep.CPUs, e.rep.Machine, e.rep.Go, e.rep.OS,
		e.rep.LoadAverage, e.rep.Seconds)
	line(cells[0])
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, c := range cells[1:] {
		line(c)
	}
	for _, n := range e.rep.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if v >= 0 {
		return float64(int64(v*p+0.5)) / p
	}
	return -float64(int64(-v*p+0.5)) / p
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func okp(b bool) *bool { return &b }

// median of durations in ms.
func medianMS(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var m time.Duration
	if n := len(s); n%2 == 1 {
		m = s[n/2]
	} else {
		m = (s[n/2-1] + s[n/2]) / 2
	}
	return float64(m.Microseconds()) / 1000
}

// num writes n with thousands separators.
func num(n float64) string {
	s := strconv.FormatInt(int64(n+0.5), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func ms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}
