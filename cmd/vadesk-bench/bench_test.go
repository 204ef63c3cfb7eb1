package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/seed"
)

// TestBenchPlumbing runs the measurements on a tiny data set with short
// phases and checks the table and the JSON they produce. It never looks at
// the figures themselves: tests do not assert on time.
func TestBenchPlumbing(t *testing.T) {
	o, err := parse([]string{"-scale", "small", "-only", "list_entries,create_entry,report_hours,invoice_10k,pdf,rss",
		"-json", filepath.Join(t.TempDir(), "bench.json")}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	o.sizeOverride = &sizeSpec{
		size: seed.Size{Clients: 3, Entries: 200, Invoices: 4, BigClientEntries: 30, Days: 60, Seed: 1},
		warm: 50 * time.Millisecond, dur: 200 * time.Millisecond, runs: 2,
	}
	var out, logs bytes.Buffer
	if err := bench(context.Background(), o, &out, &logs); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	for _, name := range []string{"list_entries", "create_entry", "report_hours", "invoice_10k", "pdf", "rss"} {
		if !strings.Contains(out.String(), "| "+name) {
			t.Errorf("no row for %s in\n%s", name, out.String())
		}
	}
	if strings.Contains(out.String(), "| startup") {
		t.Errorf("startup ran although -only left it out")
	}

	b, err := os.ReadFile(o.jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Scale   string                    `json:"scale"`
		CPUs    int                       `json:"cpus"`
		Go      string                    `json:"go"`
		DataSet map[string]any            `json:"data_set"`
		Results map[string]map[string]any `json:"results"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&r); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if r.Scale != "small" || r.CPUs < 1 || !strings.HasPrefix(r.Go, "go") || r.DataSet["entries"] == nil {
		t.Fatalf("header: %s", b)
	}
	want := map[string][]string{
		"list_entries": {"rps", "p50_ms", "p99_ms", "reference_rps", "ratio"},
		"create_entry": {"rps", "errors", "reference_rps", "ratio"},
		"report_hours": {"ms", "reference_ms", "ratio"},
		"invoice_10k":  {"ms"},
		"pdf":          {"ms_1", "ms_60", "ms_600"},
		"rss":          {"peak_mb"},
	}
	for name, keys := range want {
		res, ok := r.Results[name]
		if !ok {
			t.Errorf("no result for %s", name)
			continue
		}
		for _, k := range keys {
			if _, ok := res[k].(json.Number); !ok {
				t.Errorf("%s has no number %q: %v", name, k, res)
			}
		}
	}
	if n, _ := r.Results["create_entry"]["errors"].(json.Number); n != "0" {
		t.Errorf("create_entry: %s answers were not 201", n)
	}
}

func TestParse(t *testing.T) {
	for _, args := range [][]string{{"-scale", "huge"}, {"-only", "list_entries,nope"}, {"extra"}} {
		if _, err := parse(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	o, err := parse([]string{"-scale", "full", "-only", "pdf, rss"}, &bytes.Buffer{})
	if err != nil || o.scale != "full" || !o.wants("pdf") || !o.wants("rss") || o.wants("startup") {
		t.Fatalf("%+v %v", o, err)
	}
}
