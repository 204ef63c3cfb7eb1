package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// What the writer's statement cache keeps: at most maxCachedStmts
// statements (past that, new ones run unprepared), each with at most
// maxCachedArgs placeholders, so that queries whose text varies with their
// data (an IN list of every length) cannot fill it with one-off entries.
const (
	maxCachedStmts = 512
	maxCachedArgs  = 64
)

// stmtCache is the writer's gorm.ConnPool. It prepares each SQL text once,
// at the database level, and runs it inside transactions through
// tx.StmtContext, which reuses what is already prepared on the connection.
//
// GORM's own PrepareStmt prepares a statement first seen in a transaction
// on that transaction, and database/sql prepares such a statement again in
// every later transaction: the writer spent a quarter of each small write
// compiling SQL. A statement first seen in a transaction cannot be prepared
// at the database level right then either (that needs a connection, and the
// writer's only one is the transaction's), so it runs unprepared once and is
// prepared after the transaction has ended.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: make(map[string]*sql.Stmt)}
}

// cacheable reports whether query is worth a cache entry: plain DML that
// does not grow with its data. Savepoints (their names are random),
// pragmas and the like run unprepared.
func cacheable(query string) bool {
	if strings.Count(query, "?") > maxCachedArgs {
		return false
	}
	q := strings.TrimSpace(query)
	for _, kw := range []string{"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"} {
		if len(q) >= len(kw) && strings.EqualFold(q[:len(kw)], kw) {
			return true
		}
	}
	return false
}

// get returns the cached statement for query, or nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query]
}

// wants reports whether query should be prepared and cached: it is
// cacheable and there is room.
func (c *stmtCache) wants(query string) bool {
	if !cacheable(query) {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.stmts) < maxCachedStmts
}

// prepare returns the statement for query, preparing and caching it when
// it is new and cacheable; nil means: run the query unprepared. It waits for
// the writer's connection, so it must not run while the caller holds it.
func (c *stmtCache) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.get(query); st != nil {
		return st, nil
	}
	if !c.wants(query) {
		return nil, nil
	}
	// Prepared without holding the lock: a transaction that holds the
	// connection may be waiting for the lock in get.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.stmts[query]; old != nil {
		st.Close()
		return old, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		st.Close()
		return nil, nil
	}
	c.stmts[query] = st
	return st, nil
}

// PrepareContext implements gorm.ConnPool.
func (c *stmtCache) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.db.PrepareContext(ctx, query)
}

// ExecContext implements gorm.ConnPool. A query that fails to prepare runs
// unprepared, so that it fails (or not) exactly as it would have.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, err := c.prepare(ctx, query); err == nil && st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

// QueryContext implements gorm.ConnPool.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, err := c.prepare(ctx, query); err == nil && st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

// QueryRowContext implements gorm.ConnPool.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, err := c.prepare(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// BeginTx implements gorm.ConnPoolBeginner.
func (c *stmtCache) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stmtTx{Tx: tx, cache: c}, nil
}

// GetDBConn implements gorm.GetDBConnector, for gorm.DB.DB.
func (c *stmtCache) GetDBConn() (*sql.DB, error) { return c.db, nil }

// Ping lets GORM check the connection.
func (c *stmtCache) Ping() error { return c.db.Ping() }

// stmtTx is a write transaction that runs the cache's statements and
// remembers the ones it had to run unprepared.
type stmtTx struct {
	*sql.Tx
	cache *stmtCache
	ctx   context.Context // of the first statement run unprepared
	fresh []string
	after []func() // run once the transaction has committed
}

// stmt returns the transaction's use of the cached statement for query,
// or nil to run it unprepared.
//
// A statement is shared by every use of its SQL in the transaction, so rows
// still open on it would be reset by the next use. GORM hands open rows to
// the caller only from Rows and Row, which registerOpenRows marks; those run
// unprepared.
func (t *stmtTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if ctx.Value(openRowsKey{}) != nil {
		return nil
	}
	if st := t.cache.get(query); st != nil {
		return t.StmtContext(ctx, st)
	}
	if t.cache.wants(query) {
		if t.ctx == nil {
			t.ctx = ctx
		}
		t.fresh = append(t.fresh, query)
	}
	return nil
}

// ExecContext implements gorm.ConnPool.
func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext implements gorm.ConnPool.
func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext implements gorm.ConnPool.
func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// Commit implements gorm.TxCommitter.
func (t *stmtTx) Commit() error {
	err := t.Tx.Commit()
	if err == nil {
		for _, fn := range t.after {
			fn()
		}
	}
	t.after = nil
	t.prepareFresh()
	return err
}

// Rollback implements gorm.TxCommitter.
func (t *stmtTx) Rollback() error {
	err := t.Tx.Rollback()
	t.after = nil
	t.prepareFresh()
	return err
}

// prepareFresh caches the statements the transaction ran unprepared, now
// that it has given the connection back. A failure only leaves the
// statement unprepared for next time.
func (t *stmtTx) prepareFresh() {
	if len(t.fresh) == 0 {
		return
	}
	ctx := context.WithoutCancel(t.ctx)
	for _, q := range t.fresh {
		_, _ = t.cache.prepare(ctx, q)
	}
	t.fresh = nil
}

// AfterCommit runs fn once the write transaction tx has committed, and not
// at all when it rolls back; outside a write transaction it runs fn at once.
// In-process caches of what tx changes use it to forget only when the change
// is visible: forgetting earlier would let a concurrent reader put the old
// state back until the commit.
func AfterCommit(tx *gorm.DB, fn func()) {
	if t, ok := tx.Statement.ConnPool.(*stmtTx); ok {
		t.after = append(t.after, fn)
		return
	}
	fn()
}

// GetDBConn implements gorm.GetDBConnector.
func (t *stmtTx) GetDBConn() (*sql.DB, error) { return t.cache.db, nil }

// openRowsKey marks the context of a GORM Rows or Row call.
type openRowsKey struct{}

// registerOpenRows marks every Rows and Row call on db, whose rows stay
// open after the call returns, so that stmtTx runs them on a statement of
// their own.
func registerOpenRows(db *gorm.DB) error {
	err := db.Callback().Row().Before("gorm:row").Register("vadesk:open_rows", func(db *gorm.DB) {
		db.Statement.Context = context.WithValue(db.Statement.Context, openRowsKey{}, true)
	})
	if err != nil {
		return fmt.Errorf("store: register row callback: %w", err)
	}
	return nil
}
