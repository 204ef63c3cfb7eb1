package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
)

// A server started while a restore has the database waits for it to
// finish, then serves the restored file, instead of opening the one being
// replaced; the server holds the database's lock until it has stopped.
func TestServeWaitsForARestore(t *testing.T) {
	if !store.AdvisoryLocks {
		t.Skip("no advisory locks on this platform")
	}
	db := filepath.Join(t.TempDir(), "vadesk.db")
	env := map[string]string{"VADESK_DB": db, "VADESK_ADDR": "127.0.0.1:0"}
	restoring, err := store.ExclusiveLock(db, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, pw, func(k string) string { return env[k] })
		pw.Close()
	}()
	serving := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "vadesk serving" {
				close(serving)
			}
		}
	}()
	select {
	case <-serving:
		t.Fatal("the server started while a restore held the database")
	case code := <-done:
		t.Fatalf("the server gave up at once (exit %d)", code)
	case <-time.After(300 * time.Millisecond):
	}
	restoring.Close()
	select {
	case <-serving:
	case code := <-done:
		t.Fatalf("the server exited (%d) instead of serving after the restore", code)
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start after the restore")
	}
	if _, err := store.ExclusiveLock(db, 0); err == nil {
		t.Fatal("the running server does not hold the database's lock")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
	l, err := store.ExclusiveLock(db, 0)
	if err != nil {
		t.Fatalf("the stopped server still holds the lock: %v", err)
	}
	l.Close()
}
