//go:build unix

package main

import (
	"bytes"
	"context"
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
