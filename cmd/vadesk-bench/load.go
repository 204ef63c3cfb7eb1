package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// loadSpec is one load phase: conns workers, each on its own keep-alive
// connection, send requests back to back for warm+dur; only requests that
// start after the warm-up are counted.
type loadSpec struct {
	conns     int
	warm, dur time.Duration
	// req makes the i-th request of worker w.
	req func(w, i int) *http.Request
	// ok tells a good answer from a bad one.
	ok func(status int) bool
}

// loadResult is what a load phase measured.
type loadResult struct {
	Requests int             // good answers in the measured window
	Errors   int             // bad answers and transport errors in it
	Statuses map[int]int     // status counts in it (0: transport error)
	Elapsed  time.Duration   // the measured window
	Lat      []time.Duration // latency of every counted request, sorted
	// CPU is the CPU time this process (server and load generator) used in
	// the measured window: unlike rps, it hardly changes when other work
	// on the machine takes turns on its cores.
	CPU time.Duration
}

// CPUPerRequest is the process's CPU time per good answer, in ms.
func (r loadResult) CPUPerRequest() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.CPU.Microseconds()) / 1000 / float64(r.Requests)
}

// RPS is good answers per second of the measured window.
func (r loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile latency (0 < p ≤ 100) in ms.
func (r loadResult) Percentile(p float64) float64 {
	if len(r.Lat) == 0 {
		return 0
	}
	i := int(float64(len(r.Lat))*p/100+0.5) - 1
	i = min(max(i, 0), len(r.Lat)-1)
	return float64(r.Lat[i].Microseconds()) / 1000
}

// newClient returns an HTTP client that keeps one connection per worker.
func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}}
}

// runLoad runs one load phase.
func runLoad(ctx context.Context, s loadSpec) loadResult {
	client := newClient(s.conns)
	defer client.CloseIdleConnections()
	begin := time.Now()
	measureFrom := begin.Add(s.warm)
	end := measureFrom.Add(s.dur)
	type part struct {
		good, bad int
		statuses  map[int]int
		lat       []time.Duration
	}
	parts := make([]part, s.conns)
	var wg sync.WaitGroup
	var cpu time.Duration
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(time.Until(measureFrom))
		c0 := cpuTime()
		time.Sleep(time.Until(end))
		cpu = cpuTime() - c0
	}()
	for w := range s.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			p.statuses = map[int]int{}
			p.lat = make([]time.Duration, 0, 4096)
			for i := 0; ; i++ {
				t0 := time.Now()
				if !t0.Before(end) || ctx.Err() != nil {
					return
				}
				req := s.req(w, i).WithContext(ctx)
				status := 0
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					status = res.StatusCode
				}
				t1 := time.Now()
				// A request counts when it started in the measured window
				// and ended before the window closed.
				if t0.Before(measureFrom) || t1.After(end) {
					continue
				}
				p.statuses[status]++
				if err == nil && s.ok(status) {
					p.good++
					p.lat = append(p.lat, t1.Sub(t0))
				} else {
					p.bad++
				}
			}
		}()
	}
	wg.Wait()
	out := loadResult{Statuses: map[int]int{}, Elapsed: s.dur, CPU: cpu}
	for _, p := range parts {
		out.Requests += p.good
		out.Errors += p.bad
		for k, v := range p.statuses {
			out.Statuses[k] += v
		}
		out.Lat = append(out.Lat, p.lat...)
	}
	slices.Sort(out.Lat)
	return out
}

// rounds is how many turns alternate gives each side.
const rounds = 2

// alternate runs a and b in turns, each turn a share of their duration, so
// that a machine whose load drifts (other work on it) weighs on both
// alike. Each side warms up once, before its first turn.
func alternate(ctx context.Context, a, b loadSpec) (loadResult, loadResult) {
	var ra, rb loadResult
	for i := range rounds {
		for _, side := range []struct {
			s   loadSpec
			dst *loadResult
		}{{a, &ra}, {b, &rb}} {
			s := side.s
			s.dur /= rounds
			if i > 0 {
				s.warm = 0
			}
			*side.dst = merge(*side.dst, runLoad(ctx, s))
		}
	}
	return ra, rb
}

// merge adds the counts and latencies of two phases of the same load.
func merge(a, b loadResult) loadResult {
	out := loadResult{Requests: a.Requests + b.Requests, Errors: a.Errors + b.Errors,
		Statuses: map[int]int{}, Elapsed: a.Elapsed + b.Elapsed, CPU: a.CPU + b.CPU}
	for _, m := range []map[int]int{a.Statuses, b.Statuses} {
		for k, v := range m {
			out.Statuses[k] += v
		}
	}
	out.Lat = append(append(make([]time.Duration, 0, len(a.Lat)+len(b.Lat)), a.Lat...), b.Lat...)
	slices.Sort(out.Lat)
	return out
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runPaced sends requests at a fixed rate for s.dur (open loop), whatever
// the answers' speed, over s.conns connections, and times each from the
// moment it was due: a closed loop of n connections always measures a
// latency of n/rps, while this shows the latency a request meets when the
// server has room to spare.
func runPaced(ctx context.Context, s loadSpec, rate float64) loadResult {
	client := newClient(s.conns)
	defer client.CloseIdleConnections()
	if rate <= 0 {
		return loadResult{}
	}
	interval := time.Duration(float64(time.Second) / rate)
	begin := time.Now().Add(10 * time.Millisecond)
	n := int(s.dur / interval)
	var next atomic.Int64
	parts := make([]loadResult, s.conns)
	var wg sync.WaitGroup
	for w := range s.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			p.Statuses = map[int]int{}
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				due := begin.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(due))
				status := 0
				res, err := client.Do(s.req(w, i).WithContext(ctx))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					status = res.StatusCode
				}
				p.Statuses[status]++
				if err == nil && s.ok(status) {
					p.Requests++
					p.Lat = append(p.Lat, time.Since(due))
				} else {
					p.Errors++
				}
			}
		}()
	}
	wg.Wait()
	out := loadResult{Statuses: map[int]int{}}
	for _, p := range parts {
		out = merge(out, p)
	}
	out.Elapsed = s.dur
	return out
}
