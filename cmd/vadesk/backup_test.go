package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vadesk.db")
	env := map[string]string{"VADESK_DB": db}
	if r := runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--practice", "Ana VA", "--password-stdin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	backup := filepath.Join(dir, "backups", "first.db")

	r := runCLI(t, env, "", "backup", backup)
	if r.code != 0 || !strings.Contains(r.stdout, "backed up") {
		t.Fatalf("backup: %+v", r)
	}
	if _, err := store.Inspect(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, env, "", "backup", backup)
	if r.code == 0 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("backup over an existing file: %+v", r)
	}
	if r = runCLI(t, env, "", "backup", backup, "--force"); r.code != 0 {
		t.Fatalf("backup --force after the file name: %+v", r)
	}
	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "a.db", "b.db"}} {
		if r := runCLI(t, env, "", args...); r.code == 0 || !strings.Contains(r.stderr, "usage") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if r := runCLI(t, map[string]string{"VADESK_DB": filepath.Join(dir, "none.db")}, "", "backup", filepath.Join(dir, "x.db")); r.code == 0 {
		t.Errorf("backup of a missing database: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("backup created the missing database")
	}

	// A second user makes the live database newer than the backup.
	if r := runCLI(t, env, "another long password\n", "user", "create", "--email", "bo@example.com", "--name", "Bo", "--password-stdin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	r = runCLI(t, env, "", "restore", backup)
	if r.code == 0 || !strings.Contains(r.stderr, "newer") {
		t.Fatalf("restore over newer work: %+v", r)
	}
	r = runCLI(t, env, "", "restore", "--force", backup)
	if r.code != 0 || !strings.Contains(r.stdout, "restored") || !strings.Contains(r.stdout, "kept as") {
		t.Fatalf("restore --force: %+v", r)
	}
	// The restored database is the backup: bo is gone, ana can get a token.
	if r := runCLI(t, env, "", "token", "create", "--user", "bo@example.com", "--name", "x"); r.code == 0 {
		t.Errorf("a user created after the backup survived the restore: %+v", r)
	}
	if r := runCLI(t, env, "", "token", "create", "--user", "ana@example.com", "--name", "x"); r.code != 0 {
		t.Errorf("token after restore: %+v", r)
	}
}

// With VADESK_BACKUP_DIR set, serve takes a backup every
// VADESK_BACKUP_INTERVAL and keeps the newest VADESK_BACKUP_KEEP.
func TestScheduledBackups(t *testing.T) {
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	env := map[string]string{
		"VADESK_DB": filepath.Join(dir, "vadesk.db"), "VADESK_ADDR": "127.0.0.1:0",
		"VADESK_BACKUP_DIR": backups, "VADESK_BACKUP_KEEP": "2", "VADESK_BACKUP_INTERVAL": "1s",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, pw, func(k string) string { return env[k] })
		pw.Close()
	}()
	taken := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "backup taken" {
				taken <- line["file"].(string)
			}
		}
	}()
	var files []string
	for len(files) < 3 {
		select {
		case f := <-taken:
			files = append(files, f)
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d scheduled backups in 30s", len(files))
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
	all, err := store.Rotation{Dir: backups, Keep: 2}.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d backups kept, want 2: %+v", len(all), all)
	}
	for _, b := range all {
		if _, err := store.Inspect(context.Background(), b.Path); err != nil {
			t.Error(err)
		}
	}
	if r := runCLI(t, map[string]string{"VADESK_BACKUP_KEEP": "0"}, "", "version"); r.code == 0 {
		t.Errorf("VADESK_BACKUP_KEEP=0 accepted: %+v", r)
	}
	if r := runCLI(t, map[string]string{"VADESK_BACKUP_INTERVAL": "daily"}, "", "version"); r.code == 0 {
		t.Errorf("VADESK_BACKUP_INTERVAL=daily accepted: %+v", r)
	}
}
