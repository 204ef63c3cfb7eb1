package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Every vadesk process that opens a database marks it in use with an
// advisory lock on a file beside it, <db>.lock: shared for as long as it
// has the database open (the server for its whole life, a command for its
// run), exclusive for what must have the database to itself. So
//
//   - restore refuses a database that a server (or any command) has open,
//     instead of swapping the file from under it;
//   - a server started during a restore waits for it to finish rather than
//     open the file that is about to be replaced;
//   - a newer vadesk does not migrate the schema under an older server
//     that is still running on the same file.
//
// SQLite's own locks cannot say this: in WAL mode an idle connection holds
// no lock that a restore could test, and a process that opened the old
// file keeps using it after a rename. The lock file is never deleted
// (deleting a lock file races with the next process to open it); it is
// empty and harmless.
//
// The locks are flock(2) locks, which belong to an open file, not to a
// process, so two opens in one process (the tests) exclude each other as
// two processes do. They exist on Linux, the BSDs and macOS, and work on
// local filesystems and, on Linux, NFS (emulated with byte-range locks).
// Elsewhere (Windows, Solaris) Lock does nothing and only SQLite's
// exclusive lock in Restore guards a live database; see AdvisoryLocks.

// ErrLocked is returned when another vadesk process holds the lock that
// an operation needs.
var ErrLocked = errors.New("store: the database is in use by another vadesk process")

// Lock is a held advisory lock on a database's lock file.
type Lock struct {
	f         *os.File
	path      string
	exclusive bool
}

// LockPath is the lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// ShareLock marks the database at dbPath as in use. It waits up to wait
// while another process holds the lock exclusively (a restore or a
// migration runs), then gives up with ErrLocked.
func ShareLock(dbPath string, wait time.Duration) (*Lock, error) {
	return openLock(dbPath, false, wait)
}

// ExclusiveLock takes the database at dbPath for this process alone. It
// waits up to wait for other holders to let go, then gives up with
// ErrLocked; a running server never lets go, so a short wait is enough.
func ExclusiveLock(dbPath string, wait time.Duration) (*Lock, error) {
	return openLock(dbPath, true, wait)
}

func openLock(dbPath string, exclusive bool, wait time.Duration) (*Lock, error) {
	path := LockPath(dbPath)
	if !AdvisoryLocks {
		return &Lock{path: path, exclusive: exclusive}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	// Read-write where possible (NFS needs it for an exclusive lock), but a
	// lock file created by another user (root in a container, say) is
	// still good enough to lock through a read-only descriptor.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, os.ErrPermission) {
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	l := &Lock{f: f, path: path}
	if err := l.acquire(exclusive, wait); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

// Exclusive reports whether l is held exclusively.
func (l *Lock) Exclusive() bool { return l != nil && l.exclusive }

// Upgrade makes a shared lock exclusive, waiting up to wait for the other
// holders to let go. The conversion is not atomic (flock(2) drops the
// shared lock first), so when it fails Upgrade takes the shared lock back
// before returning ErrLocked; l is shared again unless that failed too.
func (l *Lock) Upgrade(wait time.Duration) error {
	if l.exclusive {
		return nil
	}
	err := l.acquire(true, wait)
	if err == nil {
		return nil
	}
	if rerr := l.acquire(false, BusyTimeout); rerr != nil {
		return errors.Join(err, fmt.Errorf("store: lost the shared lock: %w", rerr))
	}
	return err
}

// Downgrade makes an exclusive lock shared again, letting other processes
// open the database beside this one.
func (l *Lock) Downgrade() error {
	if !l.exclusive {
		return nil
	}
	return l.acquire(false, BusyTimeout)
}

// Close releases the lock. It is safe on a nil Lock and twice.
func (l *Lock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor releases the lock
	l.f = nil
	return err
}

// acquire takes the lock in the mode asked for, polling while another
// holder is in the way: flock(2) has no timeout of its own.
func (l *Lock) acquire(exclusive bool, wait time.Duration) error {
	if l.f == nil {
		l.exclusive = exclusive
		return nil
	}
	deadline := time.Now().Add(wait)
	delay := 5 * time.Millisecond
	for {
		busy, err := tryLock(l.f, exclusive)
		if err != nil {
			return fmt.Errorf("store: lock %s: %w", l.path, err)
		}
		if !busy {
			l.exclusive = exclusive
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			if exclusive {
				return fmt.Errorf("%w (%s is held)", ErrLocked, l.path)
			}
			return fmt.Errorf("%w: it is being restored or migrated (%s is held exclusively; waited %s)", ErrLocked, l.path, wait)
		}
		time.Sleep(min(delay, left))
		delay = min(2*delay, 200*time.Millisecond)
	}
}
