package practice

import (
	"context"
	"sync"

	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// memo is the practice one request has read, so that a request that asks
// several services for dates reads it once.
type memo struct {
	mu sync.Mutex
	p  *Practice
}

type memoKey struct{}

// WithCache returns ctx with room for the caller's practice: the first Of
// on it (or a context made from it) reads the practice, the next ones reuse
// it. The API sets it on every authenticated request.
func WithCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &memo{})
}

// Of returns the caller's practice, without its logo (which is large and
// only invoices print): the one this request already read when ctx carries
// a cache (see WithCache), else read through db, the read pool or the
// caller's transaction.
func Of(ctx context.Context, db *gorm.DB) (Practice, error) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	sc, scoped := tenant.From(ctx)
	if m != nil && scoped {
		m.mu.Lock()
		p := m.p
		m.mu.Unlock()
		// A context made for another practice (or for the system) from
		// this one must not see this practice.
		if p != nil && p.ID == sc.PracticeID {
			return *p, nil
		}
	}
	var p Practice
	if err := db.Omit("logo").Take(&p).Error; err != nil {
		return Practice{}, store.NotFound(err, "practice")
	}
	if m != nil && scoped && p.ID == sc.PracticeID {
		m.mu.Lock()
		m.p = &p
		m.mu.Unlock()
	}
	return p, nil
}

// forget drops the practice this request read, after it changed.
func forget(ctx context.Context) {
	if m, ok := ctx.Value(memoKey{}).(*memo); ok {
		m.mu.Lock()
		m.p = nil
		m.mu.Unlock()
	}
}
