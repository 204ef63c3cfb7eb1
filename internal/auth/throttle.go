package auth

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
)

// Login throttling: after MaxLoginFailures failed logins for one account or
// from one address within LoginWindow, further logins for it are refused
// with 429 until the oldest failure leaves the window, whatever the password.
const (
	MaxLoginFailures = 10
	LoginWindow      = 15 * time.Minute
)

// maxThrottleKeys bounds the throttle's memory: a flood of distinct names
// and addresses cannot grow it without limit (expired keys are dropped
// first; past the bound the oldest are).
const maxThrottleKeys = 100_000

// throttle counts recent login failures per account and per address. It is
// kept in memory: vadesk runs as one process per database, and a restart
// forgetting the counts costs an attacker a restart they cannot cause.
// Several instances behind a load balancer would each count on their own.
type throttle struct {
	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, only those inside the window
}

func newThrottle() *throttle { return &throttle{failures: map[string][]time.Time{}} }

// loginKeys are the throttle keys of one attempt: the account (e-mail, case
// folded) and the address. IPv6 addresses count per /64, the block a single
// host usually controls.
func loginKeys(email, addr string) []string {
	keys := []string{"account:" + strings.ToLower(strings.TrimSpace(email))}
	if a, err := netip.ParseAddr(addr); err == nil {
		a = a.Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64)
			keys = append(keys, "address:"+p.String())
		} else {
			keys = append(keys, "address:"+a.String())
		}
	} else if addr != "" {
		keys = append(keys, "address:"+addr)
	}
	return keys
}

// attempt counts one login attempt against every key, or refuses it while
// any key already has MaxLoginFailures recent failures, saying when to retry.
// Checking and counting happen under one lock, so parallel guesses cannot all
// pass before the first failure is recorded; a successful login takes its
// count back with forgive.
func (t *throttle) attempt(keys []string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var until time.Time
	for _, k := range keys {
		fs := t.recent(k, now)
		if len(fs) >= MaxLoginFailures {
			// Free again when enough failures leave the window.
			if u := fs[len(fs)-MaxLoginFailures].Add(LoginWindow); u.After(until) {
				until = u
			}
		}
	}
	if !until.IsZero() {
		secs := int(until.Sub(now).Seconds() + 0.999)
		return &apperr.Error{Kind: apperr.KindTooMany, Message: "too many failed logins; try again later", RetryAfter: max(secs, 1)}
	}
	if len(t.failures) >= maxThrottleKeys {
		t.prune(now)
	}
	for _, k := range keys {
		fs := append(t.recent(k, now), now)
		if len(fs) > MaxLoginFailures {
			fs = fs[len(fs)-MaxLoginFailures:]
		}
		t.failures[k] = fs
	}
	return nil
}

// forgive takes back the attempt made at now: it was not a failure. The
// account's count is cleared (a user who finally remembers their password
// starts afresh); the address keeps its other failures.
func (t *throttle) forgive(keys []string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if strings.HasPrefix(k, "account:") {
			delete(t.failures, k)
			continue
		}
		fs := t.failures[k]
		for i := len(fs) - 1; i >= 0; i-- {
			if fs[i].Equal(now) {
				fs = append(fs[:i:i], fs[i+1:]...)
				break
			}
		}
		if len(fs) == 0 {
			delete(t.failures, k)
		} else {
			t.failures[k] = fs
		}
	}
}

// recent returns k's failures inside the window, dropping older ones.
func (t *throttle) recent(k string, now time.Time) []time.Time {
	fs := t.failures[k]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= LoginWindow {
		i++
	}
	if i == len(fs) {
		delete(t.failures, k)
		return nil
	}
	return fs[i:]
}

// prune drops expired keys, then, if that was not enough, half of the rest
// (the map's order is random, so no attacker can pick which survive).
func (t *throttle) prune(now time.Time) {
	for k := range t.failures {
		t.recent(k, now)
	}
	if len(t.failures) < maxThrottleKeys {
		return
	}
	n := 0
	for k := range t.failures {
		if n%2 == 0 {
			delete(t.failures, k)
		}
		n++
	}
}
