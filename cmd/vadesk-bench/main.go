// Command vadesk-bench measures vadesk against the limits of the machine it
// runs on: it generates a data set through the real store, starts the real
// server in-process on loopback, loads it with its own HTTP load generator,
// and prints each figure beside a reference measured in the same run (a bare
// Echo handler, raw SQL, a headless browser), their ratio and the goal.
//
//	go run ./cmd/vadesk-bench -scale small -json bench.json
//	go run ./cmd/vadesk-bench -scale full -only list_entries,create_entry
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// names are the measurements, in the order they run: reads before the
// writes that change the data, the server's own process last.
var names = []string{"list_entries", "report_hours", "create_entry", "invoice_10k", "pdf", "rss", "startup"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "vadesk-bench:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	scale      string
	jsonPath   string
	only       map[string]bool
	cpuprofile string
	keep       bool
	// sizeOverride replaces the scale's size (tests).
	sizeOverride *sizeSpec
}

func (o options) wants(name string) bool { return len(o.only) == 0 || o.only[name] }

func parse(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("vadesk-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var only string
	fs.StringVar(&o.scale, "scale", "small", "data set size: small (100,000 entries) or full (1,000,000)")
	fs.StringVar(&o.jsonPath, "json", "", "write the results as JSON to this file")
	fs.StringVar(&only, "only", "", "comma-separated measurements to run: "+strings.Join(names, ","))
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured phases to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the generated database")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if _, ok := scales[o.scale]; !ok {
		return o, fmt.Errorf("-scale must be small or full, not %q", o.scale)
	}
	if only != "" {
		o.only = map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			n = strings.TrimSpace(n)
			known := false
			for _, k := range names {
				known = known || k == n
			}
			if !known {
				return o, fmt.Errorf("-only: unknown measurement %q (known: %s)", n, strings.Join(names, ","))
			}
			o.only[n] = true
		}
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	return bench(ctx, o, stdout, stderr)
}

// Report is the JSON the benchmark writes; runs can be compared over time.
type Report struct {
	Scale     string  `json:"scale"`
	CPUs      int     `json:"cpus"`
	Go        string  `json:"go"`
	Machine   string  `json:"machine"`
	OS        string  `json:"os"`
	Timestamp string  `json:"timestamp"`
	Seconds   float64 `json:"seconds"`
	// LoadAverage is the machine's 1-minute load average when the
	// measurements began and when they ended: above CPUs, other work
	// competed for the cores and the figures are low.
	LoadAverage []float64      `json:"load_average"`
	DataSet     map[string]any `json:"data_set"`
	Results     map[string]any `json:"results"`
	Notes       []string       `json:"notes,omitempty"`
}

func newReport(scale string) *Report {
	return &Report{Scale: scale, CPUs: runtime.NumCPU(), Go: runtime.Version(), Machine: cpuModel(),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Timestamp: time.Now().UTC().Format(time.RFC3339),
		DataSet: map[string]any{}, Results: map[string]any{}}
}

// loadAverage is the 1-minute load average, or -1 when unknown.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// cpuModel is the processor's name from /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func writeJSON(path string, r *Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
