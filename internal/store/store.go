// Package store opens vadesk's SQLite database, applies the embedded
// migrations and hands out GORM handles that are scoped to the caller's
// practice. SQLite has one writer, so writes go through a single connection
// (callers queue in Go instead of failing with "database is locked") and reads
// through a pool of read-only connections that WAL lets run beside it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options tune Open. The zero value is production's choice.
type Options struct {
	// Now is the clock GORM uses for created_at/updated_at; tests fix it.
	Now func() time.Time
	// Readers is the size of the read pool; 0 picks one from the CPU count.
	Readers int
}

// Store is the open database.
type Store struct {
	path string
	w, r *gorm.DB
	now  func() time.Time
}

// BusyTimeout is how long a connection waits for a lock held by another
// process (a backup, the CLI) before SQLite gives up.
const BusyTimeout = 10 * time.Second

// Open opens (creating if needed) the database at path, with its directory.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	now := func() time.Time { return opt.Now().UTC() }
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory %s: %w", dir, err)
		}
	}
	cfg := func(prepare bool) *gorm.Config {
		return &gorm.Config{
			TranslateError:         true,
			NowFunc:                now,
			Logger:                 logger.Discard,
			SkipDefaultTransaction: true,
			PrepareStmt:            prepare,
		}
	}
	wdb, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// The writer keeps its prepared statements itself (see stmtCache):
	// GORM's PrepareStmt would prepare most of them again in every write
	// transaction. The readers never open transactions, so GORM's cache
	// serves them well.
	w, err := gorm.Open(dialector{&sqlite.Dialector{Conn: newStmtCache(wdb)}}, cfg(false))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r, err := gorm.Open(dialector{&sqlite.Dialector{DSN: dsn(path, true)}}, cfg(true))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	readers := opt.Readers
	if readers <= 0 {
		readers = max(4, 2*runtime.NumCPU())
	}
	rdb, _ := r.DB()
	rdb.SetMaxOpenConns(readers)
	rdb.SetMaxIdleConns(readers)
	for _, db := range []*gorm.DB{w, r} {
		if err := registerTenantCallbacks(db); err != nil {
			wdb.Close()
			rdb.Close()
			return nil, err
		}
	}
	if err := registerOpenRows(w); err != nil {
		wdb.Close()
		rdb.Close()
		return nil, err
	}
	return &Store{path: path, w: w, r: r, now: now}, nil
}

// dsn builds the go-sqlite3 connection string. Every connection gets the
// same pragmas; readers are additionally query-only so a bug cannot write
// through the pool and race the single writer.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	q.Set("_synchronous", "NORMAL")
	// Write transactions take the lock up front (BEGIN IMMEDIATE) so they
	// never fail half-way on a lock upgrade; readers never write, and an
	// immediate BEGIN on a query-only connection would be refused.
	if readOnly {
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_txlock", "immediate")
	}
	q.Set("_loc", "UTC")
	// No SQLite mutex per connection: database/sql hands a connection to one
	// goroutine at a time, and the driver's only call from elsewhere,
	// sqlite3_interrupt on a cancelled context, is safe without it. Taking
	// and releasing the mutex in every column read was a tenth of the cost
	// of a page of time entries.
	q.Set("_mutex", "no")
	// A 16 MB page cache for the writer, 4 MB for each reader: the readers
	// share the OS page cache, and five 16 MB caches doubled the process's
	// memory on a million entries for no measurable speed.
	q.Set("_cache_size", "-16000")
	if readOnly {
		q.Set("_cache_size", "-4000")
		q.Set("_query_only", "1")
		// Statements run through Query (not GORM, which prepares its own)
		// stay prepared on each reader.
		q.Set("_stmt_cache_size", "32")
	}
	return FileURI(path) + "?" + q.Encode()
}

// FileURI turns a file path into the file: URI SQLite expects, escaping
// the characters ('?', '#', '%') that would otherwise cut the path short.
func FileURI(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Now is the store's clock, in UTC.
func (s *Store) Now() time.Time { return s.now() }

// Read returns a handle on the read pool bound to ctx (and so to its scope).
func (s *Store) Read(ctx context.Context) *gorm.DB { return s.r.WithContext(ctx) }

// Write returns a handle on the writer bound to ctx. Prefer Tx for anything
// that changes more than one row.
func (s *Store) Write(ctx context.Context) *gorm.DB { return s.w.WithContext(ctx) }

// Tx runs fn in one write transaction (BEGIN IMMEDIATE): it commits when fn
// returns nil and rolls back otherwise, so a failed request writes nothing.
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.w.WithContext(ctx).Transaction(fn)
	return Translate(err)
}

// SQL returns the writer's database/sql handle, for migrations, backups and
// raw statements that GORM does not help with.
func (s *Store) SQL() *sql.DB {
	db, _ := s.w.DB()
	return db
}

// Query runs a read-only query on the read pool. It is for the few hot
// lists whose cost GORM's query building would double; they must scope
// themselves with ScopeSQL, and should write parameters as "+?" (see
// dialector). Each reader keeps its statements prepared.
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.ReadSQL().QueryContext(ctx, query, args...)
}

// QueryPlan is SQLite's plan for query, one step a line ("SEARCH t USING
// INDEX ..."), for the tests that hold hot queries to their indexes.
func (s *Store) QueryPlan(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.Query(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n"), rows.Err()
}

// ReadSQL returns the read pool's database/sql handle, for raw reports.
func (s *Store) ReadSQL() *sql.DB {
	db, _ := s.r.DB()
	return db
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.ReadSQL().QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close checkpoints the WAL into the main file and closes every connection.
func (s *Store) Close() error {
	var errs []error
	if _, err := s.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		errs = append(errs, fmt.Errorf("store: checkpoint: %w", err))
	}
	errs = append(errs, s.ReadSQL().Close(), s.SQL().Close())
	return errors.Join(errs...)
}
