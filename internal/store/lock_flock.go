//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package store

import (
	"errors"
	"os"
	"syscall"
)

// AdvisoryLocks reports whether this platform has the lock that marks a
// database in use (see Lock). Where it is false, ShareLock and
// ExclusiveLock always succeed and lock nothing.
const AdvisoryLocks = true

// tryLock takes f's flock(2) lock without waiting; busy reports that
// another holder is in the way.
func tryLock(f *os.File, exclusive bool) (busy bool, err error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return false, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		}
		return false, err
	}
}
