package auth

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func retryAfter(t *testing.T, err error) int {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.KindTooMany {
		t.Fatalf("err %v, want KindTooMany", err)
	}
	return e.RetryAfter
}

func TestThrottleWindow(t *testing.T) {
	th := newThrottle()
	keys := loginKeys("Ana@Example.com ", "192.0.2.1")
	// Failures spread over 9 minutes: the lock lifts when the oldest one
	// is 15 minutes old, then one failure at a time.
	for i := range MaxLoginFailures {
		if err := th.attempt(keys, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	now := t0.Add(9*time.Minute + 30*time.Second)
	if got := retryAfter(t, th.attempt(keys, now)); got != int((5*time.Minute + 30*time.Second).Seconds()) {
		t.Fatalf("Retry-After %d", got)
	}
	if err := th.attempt(keys, t0.Add(LoginWindow)); err != nil {
		t.Fatalf("after the oldest left the window: %v", err)
	}
	if err := th.attempt(keys, t0.Add(LoginWindow+time.Second)); err == nil {
		t.Fatal("a second attempt got through while 10 failures are in the window")
	}
}

func TestThrottleKeys(t *testing.T) {
	for _, c := range []struct {
		email, addr string
		want        []string
	}{
		{" Ana@Example.COM", "192.0.2.1", []string{"account:ana@example.com", "address:192.0.2.1"}},
		{"ana@example.com", "::ffff:192.0.2.1", []string{"account:ana@example.com", "address:192.0.2.1"}},
		{"ana@example.com", "2001:db8:1:2:aaaa::1", []string{"account:ana@example.com", "address:2001:db8:1:2::/64"}},
		{"ana@example.com", "", []string{"account:ana@example.com"}},
	} {
		if got := loginKeys(c.email, c.addr); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("loginKeys(%q, %q) = %v, want %v", c.email, c.addr, got, c.want)
		}
	}
}

// A success takes back its own attempt and clears the account, but keeps
// the address's other failures.
func TestThrottleForgive(t *testing.T) {
	th := newThrottle()
	bad := loginKeys("eve@example.com", "198.51.100.7")
	for i := range 9 {
		_ = th.attempt(bad, t0.Add(time.Duration(i)*time.Second))
	}
	good := loginKeys("ana@example.com", "198.51.100.7")
	now := t0.Add(time.Minute)
	if err := th.attempt(good, now); err != nil {
		t.Fatal(err)
	}
	th.forgive(good, now)
	if err := th.attempt(loginKeys("bob@example.com", "198.51.100.7"), now); err != nil {
		t.Fatalf("tenth attempt from the address: %v", err)
	}
	retryAfter(t, th.attempt(loginKeys("carl@example.com", "198.51.100.7"), now))
}

// Parallel guesses cannot all pass before the first failure is counted.
func TestThrottleParallel(t *testing.T) {
	th := newThrottle()
	keys := loginKeys("ana@example.com", "192.0.2.1")
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 100 {
		wg.Go(func() {
			if th.attempt(keys, t0) == nil {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != MaxLoginFailures {
		t.Fatalf("%d of 100 parallel attempts passed, want %d", passed, MaxLoginFailures)
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	th := newThrottle()
	for i := range maxThrottleKeys + 10 {
		_ = th.attempt([]string{fmt.Sprintf("account:%d", i)}, t0)
	}
	if n := len(th.failures); n > maxThrottleKeys {
		t.Fatalf("%d keys kept", n)
	}
	// Expired keys go first.
	_ = th.attempt([]string{"account:late"}, t0.Add(LoginWindow))
	th.mu.Lock()
	th.prune(t0.Add(LoginWindow))
	n := len(th.failures)
	th.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d keys after pruning expired ones, want 1", n)
	}
}

func TestCommonPasswords(t *testing.T) {
	for _, pw := range []string{"password1234", "Password1234", "QWERTY123456", "p@ssw0rd1234", "1q2w3e4r5t6y"} {
		if CheckPassword(pw) == "" {
			t.Errorf("%q accepted", pw)
		}
	}
	for _, pw := range []string{"correct horse battery staple", "Zoë's inbox is tamed!"} {
		if msg := CheckPassword(pw); msg != "" {
			t.Errorf("%q refused: %s", pw, msg)
		}
	}
}
