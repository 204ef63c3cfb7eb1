//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package store

import "os"

// AdvisoryLocks reports whether this platform has the lock that marks a
// database in use (see Lock). Here it has not: ShareLock and
// ExclusiveLock always succeed and lock nothing, and only SQLite's
// exclusive lock in Restore keeps a restore off a database a server has
// open.
const AdvisoryLocks = false

func tryLock(*os.File, bool) (bool, error) { return false, nil }
