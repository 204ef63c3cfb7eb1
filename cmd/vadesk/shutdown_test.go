//go:build unix

package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowUpload starts a POST whose body arrives in two parts: the first now,
// the rest when finish is called; abort breaks the upload off instead. It
// returns the status channel (-1: no answer).
func slowUpload(srv *server, token, path, first, rest string) (finish, abort func(), status <-chan int) {
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, srv.url(path), pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	out := make(chan int, 1)
	go func() {
		res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
		if err != nil {
			out <- -1
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		out <- res.StatusCode
	}()
	pw.Write([]byte(first))
	return func() { pw.Write([]byte(rest)); pw.Close() }, func() { pw.CloseWithError(io.ErrUnexpectedEOF) }, out
}

// SIGTERM stops the listener, lets a request in flight finish, checkpoints
// the WAL into the database file and exits 0. The request in flight is an
// upload still arriving when the signal comes.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vadesk.db")
	env := map[string]string{"VADESK_DB": db, "VADESK_SHUTDOWN_TIMEOUT": "20s"}
	token := newOwnerToken(t, env)
	srv := startServer(t, env)
	api := newAPIClient(token)
	for i := range 20 { // leave some work in the WAL
		if code, _, err := api.do(context.Background(), http.MethodPost, srv.url("/api/v1/clients"), map[string]any{"name": "Warm " + string(rune('A'+i))}); err != nil || code != http.StatusCreated {
			t.Fatalf("warm-up: %d %v", code, err)
		}
	}
	finish, _, status := slowUpload(srv, token, "/api/v1/clients", `{"name": "Uploaded sl`, `owly", "notes": "in flight at SIGTERM"}`)
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if !srv.waitLog("shutting down", 10*time.Second) {
		t.Fatalf("no shutdown log line\n%s", srv.logText())
	}
	// New connections are refused from now on.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", srv.addr, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Error("the server still accepts connections after SIGTERM")
	}
	select {
	case <-srv.done:
		t.Fatalf("the server exited with a request in flight\n%s", srv.logText())
	case <-time.After(300 * time.Millisecond):
	}
	finish()
	if got := <-status; got != http.StatusCreated {
		t.Fatalf("request in flight at SIGTERM: status %d, want 201\n%s", got, srv.logText())
	}
	if code := srv.exitCode(30 * time.Second); code != 0 {
		t.Fatalf("exit code %d\n%s", code, srv.logText())
	}
	if !srv.waitLog("stopped", time.Second) {
		t.Errorf("no stopped log line\n%s", srv.logText())
	}
	if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the WAL holds %d bytes after a clean stop; it should be checkpointed", fi.Size())
	}
	conn := openDB(t, db)
	defer conn.Close()
	checkIntegrity(t, conn)
	var n int
	conn.QueryRow("SELECT count(*) FROM clients WHERE name = 'Uploaded slowly'").Scan(&n)
	if n != 1 {
		t.Errorf("the request in flight was acknowledged but its client is missing")
	}
}

// The grace period is bounded: a request that never finishes does not keep
// the server from stopping once VADESK_SHUTDOWN_TIMEOUT has passed, and the
// database is still closed cleanly. The exit code (3, not 0) tells the
// supervisor that requests were cut off.
func TestShutdownGraceIsBounded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vadesk.db")
	env := map[string]string{"VADESK_DB": db, "VADESK_SHUTDOWN_TIMEOUT": "500ms"}
	token := newOwnerToken(t, env)
	srv := startServer(t, env)
	_, abort, status := slowUpload(srv, token, "/api/v1/clients", `{"name": "Never fin`, `ished"}`)
	defer abort()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if code := srv.exitCode(20 * time.Second); code != exitShutdownTimedOut {
		t.Fatalf("exit code %d after a shutdown that timed out, want %d\n%s", code, exitShutdownTimedOut, srv.logText())
	}
	t.Logf("stopped %s after SIGTERM with a stuck request", time.Since(start).Round(10*time.Millisecond))
	if !strings.Contains(srv.logText(), "shutdown timed out") {
		t.Errorf("no warning that requests were cut off\n%s", srv.logText())
	}
	abort()
	if got := <-status; got == http.StatusCreated {
		t.Error("the stuck request was acknowledged")
	}
	conn := openDB(t, db)
	defer conn.Close()
	checkIntegrity(t, conn)
	var n int
	conn.QueryRow("SELECT count(*) FROM clients").Scan(&n)
	if n != 0 {
		t.Errorf("%d clients written by a request that was cut off", n)
	}
}
