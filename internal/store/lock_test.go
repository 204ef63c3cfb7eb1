package store_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
)

func needLocks(t *testing.T) {
	t.Helper()
	if !store.AdvisoryLocks {
		t.Skip("no advisory locks on this platform")
	}
}

// Any number of processes may have a database open (shared); what needs
// it alone (exclusive) waits briefly, then is refused while any of them
// is there, and keeps them out while it runs.
func TestLockSharedAndExclusive(t *testing.T) {
	needLocks(t)
	db := filepath.Join(t.TempDir(), "sub", "vadesk.db")
	a, err := store.ShareLock(db, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Path() != db+".lock" {
		t.Errorf("lock file %s", a.Path())
	}
	b, err := store.ShareLock(db, 0)
	if err != nil {
		t.Fatalf("a second shared lock: %v", err)
	}
	if _, err := store.ExclusiveLock(db, 20*time.Millisecond); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("exclusive lock beside shared ones: %v, want ErrLocked", err)
	}
	a.Close()
	if _, err := store.ExclusiveLock(db, 0); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("exclusive lock beside one shared lock: %v, want ErrLocked", err)
	}
	b.Close()
	b.Close() // twice is harmless

	x, err := store.ExclusiveLock(db, 0)
	if err != nil {
		t.Fatalf("exclusive lock when nobody holds it: %v", err)
	}
	_, err = store.ShareLock(db, 20*time.Millisecond)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "being restored or migrated") {
		t.Fatalf("shared lock during an exclusive one: %v", err)
	}
	// A process that starts meanwhile waits for the exclusive holder.
	got := make(chan error, 1)
	go func() {
		l, err := store.ShareLock(db, time.Minute)
		if err == nil {
			l.Close()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the shared lock did not wait for the exclusive one: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	x.Close()
	if err := <-got; err != nil {
		t.Fatalf("the waiting shared lock: %v", err)
	}
}

// A failed upgrade keeps the shared lock: the process still counts as
// having the database open.
func TestLockUpgrade(t *testing.T) {
	needLocks(t)
	db := filepath.Join(t.TempDir(), "vadesk.db")
	mine, err := store.ShareLock(db, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	other, err := store.ShareLock(db, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := mine.Upgrade(20 * time.Millisecond); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("upgrade beside another holder: %v, want ErrLocked", err)
	}
	other.Close()
	if _, err := store.ExclusiveLock(db, 0); !errors.Is(err, store.ErrLocked) {
		t.Fatal("the failed upgrade dropped the shared lock")
	}
	if err := mine.Upgrade(0); err != nil || !mine.Exclusive() {
		t.Fatalf("upgrade alone: %v", err)
	}
	if _, err := store.ShareLock(db, 0); !errors.Is(err, store.ErrLocked) {
		t.Fatal("a shared lock beside an upgraded one")
	}
	if err := mine.Downgrade(); err != nil || mine.Exclusive() {
		t.Fatalf("downgrade: %v", err)
	}
	again, err := store.ShareLock(db, 0)
	if err != nil {
		t.Fatalf("a shared lock after the downgrade: %v", err)
	}
	again.Close()
}

// A restore refuses a database that a vadesk process has marked in use,
// even when that process has no SQLite connection open at the moment, and
// changes nothing; once the process lets go, the restore runs.
func TestRestoreRefusesALockedDatabase(t *testing.T) {
	needLocks(t)
	ctx := context.Background()
	env, backup := restoreEnv(t)
	owner := env.NewPractice("Later")
	env.Clock.Advance(time.Hour)
	owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/clients", map[string]any{"name": "After backup"})
	path := env.Store.Path()
	env.Store.Close()
	lock, err := store.ShareLock(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	before := clientNames(t, path)
	_, err = store.Restore(ctx, backup, path, true, time.Now())
	if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "stop vadesk serve") {
		t.Fatalf("restore of a database in use: %v, want ErrInUse", err)
	}
	if after := clientNames(t, path); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Fatalf("a refused restore changed the database: %v → %v", before, after)
	}
	lock.Close()
	if _, err := store.Restore(ctx, backup, path, true, time.Now()); err != nil {
		t.Fatalf("restore after the lock was released: %v", err)
	}
	if got := clientNames(t, path); len(got) != 1 {
		t.Errorf("clients after restore %v", got)
	}
}
