package auth

import (
	"sync"
	"time"
)

// tokenTTL is how long a resolved API token is trusted without reading it
// again. Every change this process makes that can shut a token out
// (revoking it, disabling or changing its user, a password change) empties
// the cache when it commits, so the TTL bounds only how late this process
// notices such a change made elsewhere (a second instance, SQL by hand).
const tokenTTL = 5 * time.Second

// maxCachedTokens bounds the cache; past it, it starts over.
const maxCachedTokens = 10_000

// tokenCache remembers what FromToken read for a token hash: the token and
// its user. It saves two queries on every API request: a tenth of the CPU
// of a page of time entries, more of a small write. An assistant's assigned
// clients are not cached: they are read on every request, so a change
// applies at once.
type tokenCache struct {
	mu sync.Mutex
	// gen counts resets; an entry read from the database before a reset
	// must not be stored after it.
	gen     uint64
	entries map[string]tokenEntry
}

type tokenEntry struct {
	tokenID  int64
	lastUsed *time.Time
	user     User
	expires  time.Time // by the wall clock, not the service's clock
}

func newTokenCache() *tokenCache { return &tokenCache{entries: map[string]tokenEntry{}} }

// get returns the live entry for hash.
func (c *tokenCache) get(hash string) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if ok && time.Now().After(e.expires) {
		delete(c.entries, hash)
		ok = false
	}
	return e, ok
}

// generation is the number to hand to put after reading the database.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores e unless the cache was reset since gen was taken, which
// would mean e may predate a revocation.
func (c *tokenCache) put(hash string, gen uint64, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= maxCachedTokens {
		clear(c.entries)
	}
	e.expires = time.Now().Add(tokenTTL)
	c.entries[hash] = e
}

// touched records that the token's last use was written as at.
func (c *tokenCache) touched(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.lastUsed = &at
		c.entries[hash] = e
	}
}

// reset forgets every entry; callers run it once a change to tokens or
// users has committed.
func (c *tokenCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}
