//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
)

// "vadesk backup" from a second process while the server writes: the copy
// is sound and holds every client acknowledged before the backup began.
// "vadesk restore" meanwhile refuses to touch the database in use.
func TestBackupAndRestoreWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	api := newAPIClient(newOwnerToken(t, env))
	srv := startServer(t, env)

	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	acked := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("Busy %d-%d", w, i)
				code, m, err := api.do(ctx, http.MethodPost, srv.url("/api/v1/clients"), map[string]any{"name": name})
				if err == nil && code == http.StatusCreated {
					mu.Lock()
					acked[num(m, "id")] = name
					mu.Unlock()
				} else if err == nil {
					t.Errorf("POST /api/v1/clients during a backup: %d %v", code, m)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := map[int64]string{}
	for id, name := range acked {
		before[id] = name
	}
	mu.Unlock()
	backup := filepath.Join(dir, "live.db")
	out := cliRun(t, env, "", "backup", backup)
	time.Sleep(100 * time.Millisecond)

	cmd := exec.Command(vadeskBinary(t), "restore", "--force", backup)
	cmd.Env = processEnv(env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "stop vadesk serve") {
		t.Errorf("restore under a running server: %v %s", err, stderr.String())
	}
	cancel()
	wg.Wait()
	t.Logf("%s(%d clients acknowledged before it began)", out, len(before))

	if _, err := store.Inspect(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	conn := openDB(t, backup)
	defer conn.Close()
	for id, name := range before {
		var got string
		if err := conn.QueryRow("SELECT name FROM clients WHERE id = ?", id).Scan(&got); err != nil || got != name {
			t.Errorf("client %d %q acknowledged before the backup: %q %v", id, name, got, err)
		}
	}
	// The server is unharmed and still serving.
	if code, _, err := api.do(context.Background(), http.MethodGet, srv.url("/api/v1/clients?limit=1"), nil); err != nil || code != http.StatusOK {
		t.Errorf("serving after backup and refused restore: %d %v", code, err)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if c := srv.exitCode(30 * time.Second); c != 0 {
		t.Errorf("exit code %d", c)
	}
}

// cliResult runs a vadesk command to completion, successful or not.
func cliResult(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd := exec.Command(vadeskBinary(t), args...)
	cmd.Env = processEnv(env)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return result{0, out.String(), errb.String()}
	case errors.As(err, &ee):
		return result{ee.ExitCode(), out.String(), errb.String()}
	}
	t.Fatalf("vadesk %s: %v", strings.Join(args, " "), err)
	return result{}
}

// "vadesk restore" detects a running server on the same database, even an
// idle one, and refuses (exit 1, naming the cause) without touching the
// database; once the server has stopped, the same restore runs. A
// "vadesk migrate" with nothing to do still runs beside the server, and
// so does "vadesk backup".
func TestRestoreRefusedWhileServing(t *testing.T) {
	if !store.AdvisoryLocks {
		t.Skip("no advisory locks on this platform")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	api := newAPIClient(newOwnerToken(t, env))
	backup := filepath.Join(dir, "before.db")
	cliRun(t, env, "", "backup", backup)
	srv := startServer(t, env)
	code, m, err := api.do(context.Background(), http.MethodPost, srv.url("/api/v1/clients"), map[string]any{"name": "After the backup"})
	if err != nil || code != http.StatusCreated {
		t.Fatalf("POST /api/v1/clients: %d %v %v", code, m, err)
	}
	time.Sleep(50 * time.Millisecond) // idle: no request, no transaction open

	r := cliResult(t, env, "restore", "--force", backup)
	if r.code != 1 || !strings.Contains(r.stderr, "stop vadesk serve") || !strings.Contains(r.stderr, db+".lock is held") {
		t.Fatalf("restore under a running server: %+v", r)
	}
	if strings.Contains(r.stdout, "restored") {
		t.Errorf("restore said it restored: %q", r.stdout)
	}
	if got, err := filepath.Glob(db + ".replaced-*"); err != nil || len(got) != 0 {
		t.Errorf("a refused restore kept a replaced database: %v", got)
	}
	code, m, err = api.do(context.Background(), http.MethodGet, srv.url("/api/v1/clients"), nil)
	if err != nil || code != http.StatusOK || len(m["items"].([]any)) != 1 {
		t.Fatalf("the server after a refused restore: %d %v %v", code, m, err)
	}
	if r := cliResult(t, env, "migrate"); r.code != 0 {
		t.Errorf("migrate with nothing pending beside the server: %+v", r)
	}
	if r := cliResult(t, env, "backup", filepath.Join(dir, "while-serving.db")); r.code != 0 {
		t.Errorf("backup while serving: %+v", r)
	}

	srv.cmd.Process.Signal(syscall.SIGTERM)
	if c := srv.exitCode(30 * time.Second); c != 0 {
		t.Fatalf("exit code %d\n%s", c, srv.logText())
	}
	conn := openDB(t, db)
	var n int
	conn.QueryRow("SELECT count(*) FROM clients WHERE name = 'After the backup'").Scan(&n)
	conn.Close()
	if n != 1 {
		t.Fatal("the refused restore changed the database")
	}
	r = cliResult(t, env, "restore", "--force", backup)
	if r.code != 0 || !strings.Contains(r.stdout, "restored") {
		t.Fatalf("restore after the server stopped: %+v", r)
	}
	conn = openDB(t, db)
	defer conn.Close()
	conn.QueryRow("SELECT count(*) FROM clients").Scan(&n)
	if n != 0 {
		t.Errorf("%d clients after restoring a backup that had none", n)
	}
}

// A newer vadesk does not migrate the schema under a running server: with
// migrations pending, "vadesk migrate" refuses while the server has the
// database open and changes nothing.
func TestMigrateRefusedWhileServing(t *testing.T) {
	if !store.AdvisoryLocks {
		t.Skip("no advisory locks on this platform")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	newOwnerToken(t, env)
	srv := startServer(t, env)
	latest, _ := store.LatestVersion()
	withMigrations(t, embeddedPlus(t, map[string]string{
		fmt.Sprintf("%05d_next.sql", latest+1): "-- +goose Up\nCREATE TABLE next_release (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE next_release;\n",
	}))
	r := runCLI(t, env, "", "migrate")
	if r.code != 1 || !strings.Contains(r.stderr, "stop the running vadesk serve") {
		t.Fatalf("migrate beside a running server: %+v", r)
	}
	if info, err := store.Inspect(context.Background(), db); err != nil || info.Version != latest {
		t.Errorf("the database after a refused migration: %+v %v", info, err)
	}
	if got := preMigrateBackups(t, dir); len(got) != 0 {
		t.Errorf("a refused migration took a backup: %v", got)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if c := srv.exitCode(30 * time.Second); c != 0 {
		t.Fatalf("exit code %d\n%s", c, srv.logText())
	}
	if r := runCLI(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("schema version %d", latest+1)) {
		t.Fatalf("migrate after the server stopped: %+v", r)
	}
}
