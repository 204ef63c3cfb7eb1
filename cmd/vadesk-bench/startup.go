package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vadesk/vadesk/internal/seed"
)

// buildResult is the vadesk binary built for the startup measurement.
type buildResult struct {
	path string
	why  string // why there is none
	err  error
}

// buildVadesk builds cmd/vadesk of the module this benchmark runs in.
func buildVadesk(ctx context.Context, dir string) buildResult {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return buildResult{why: "the go command is not on PATH, so the server binary cannot be built"}
	}
	out, err := exec.CommandContext(ctx, goBin, "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return buildResult{why: "not run inside the vadesk module, so the server binary cannot be built"}
	}
	bin := filepath.Join(dir, "vadesk")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/vadesk")
	cmd.Dir = filepath.Dir(mod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return buildResult{err: fmt.Errorf("go build ./cmd/vadesk: %w: %s", err, stderr.String())}
	}
	return buildResult{path: bin}
}

// startup runs the real vadesk binary on the generated database (closed
// and checkpointed) and times exec to the first healthy /healthz.
func (e *env) startup(ctx context.Context) error {
	b := <-e.binary
	if b.err != nil {
		return b.err
	}
	if b.why != "" {
		e.skipped("startup", b.why)
		return nil
	}
	var ds []time.Duration
	var idleRSS, loadedPeak int64
	for i := range e.spec.startups {
		var during func(base string, pid int)
		if i == e.spec.startups-1 && e.ds.Token != "" {
			// The last run also serves a short load: the peak RSS of the
			// server's own process, without the load generator and the
			// reference servers that share the benchmark's process.
			during = func(base string, pid int) { loadedPeak = e.serverPeak(ctx, base, pid) }
		}
		d, rss, err := startOnce(ctx, b.path, e.dbPath, during)
		if err != nil {
			return err
		}
		ds = append(ds, d)
		idleRSS = max(idleRSS, rss)
	}
	m := medianMS(ds)
	e.rep.Results["startup"] = map[string]any{"ms": round(m, 1), "runs": len(ds), "server_rss_mb_after_start": round(float64(idleRSS)/1024, 1)}
	e.add(row{name: "startup", figure: fmt.Sprintf("%s to healthy /healthz (%s entries)", ms(m), num(float64(e.ds.Entries))),
		reference: "—", ratio: "—", goal: goals["startup"], ok: okp(m <= 300)})
	if loadedPeak > 0 {
		mb := float64(loadedPeak) / 1024
		e.rep.Results["startup"].(map[string]any)["server_peak_mb_under_load"] = round(mb, 1)
		if res, ok := e.rep.Results["rss"].(map[string]any); ok {
			res["server_process_peak_mb"] = round(mb, 1)
		}
		for i := range e.rows {
			if e.rows[i].name == "rss" && e.rows[i].ok != nil {
				e.rows[i].figure += fmt.Sprintf("; vadesk process alone %.0f MB", mb)
			}
		}
	}
	return nil
}

// serverPeak loads a running vadesk (list pages and the hours report) and
// returns its peak RSS in kB.
func (e *env) serverPeak(ctx context.Context, base string, pid int) int64 {
	ids := e.ds.ClientIDs
	if len(ids) == 0 {
		return 0
	}
	runLoad(ctx, loadSpec{conns: 64, dur: e.spec.dur / 2,
		req: func(w, i int) *http.Request {
			path := fmt.Sprintf("/api/v1/time-entries?client_id=%d&limit=50", ids[(w*7+i)%len(ids)])
			if i%50 == 49 {
				path = "/api/v1/reports/hours?group_by=client&interval=month&from=" +
					seed.End.AddDate(-1, 0, 0).Format(time.DateOnly) + "&to=" + seed.End.AddDate(0, 0, -1).Format(time.DateOnly)
			}
			r, _ := http.NewRequest("GET", base+path, nil)
			r.Header.Set("Authorization", e.auth)
			return r
		},
		ok: func(s int) bool { return s == http.StatusOK }})
	kb, _ := procStatus(strconv.Itoa(pid), "VmHWM")
	return kb
}

// startOnce starts the binary, waits for /healthz to answer 200, runs
// during (when not nil), and stops it. It returns the time to healthy and
// the process's RSS then (kB).
func startOnce(ctx context.Context, bin, db string, during func(base string, pid int)) (time.Duration, int64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "VADESK_DB="+db, "VADESK_ADDR="+addr, "VADESK_LOG_LEVEL=warn")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	deadline := t0.Add(30 * time.Second)
	for {
		res, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				d := time.Since(t0)
				rss, _ := procStatus(strconv.Itoa(cmd.Process.Pid), "VmRSS")
				if during != nil {
					during("http://"+addr, cmd.Process.Pid)
				}
				return d, rss, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, 0, fmt.Errorf("vadesk did not become healthy in 30 s: %s", stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
}
