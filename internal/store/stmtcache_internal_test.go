package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

func openCached(t *testing.T) (*Store, *stmtCache) {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "vadesk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cache, ok := st.w.Config.ConnPool.(*stmtCache)
	if !ok {
		t.Fatalf("the writer's pool is %T, not the statement cache", st.w.Config.ConnPool)
	}
	if _, err := st.SQL().Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	return st, cache
}

type item struct {
	ID   int64
	Name string
}

// A statement first seen in a transaction runs unprepared and is prepared
// once the transaction has ended; later transactions use the prepared one.
func TestWriterCachesStatementsOfTransactions(t *testing.T) {
	st, cache := openCached(t)
	ctx := tenant.System(context.Background())
	n0 := len(cache.stmts) // what opening ran
	for i := range 3 {
		err := st.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Table("items").Create(&item{Name: fmt.Sprint("n", i)}).Error; err != nil {
				return err
			}
			var n int64
			if err := tx.Table("items").Where("name <> ?", "x").Count(&n).Error; err != nil {
				return err
			}
			if n != int64(i+1) {
				return fmt.Errorf("transaction %d counts %d items", i, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(cache.stmts)-n0 != 2 {
			t.Fatalf("after transaction %d the cache holds %d new statements, want the INSERT and the COUNT", i, len(cache.stmts)-n0)
		}
	}
	// A rolled back transaction's statements are cached too, and its
	// writes are gone.
	boom := errors.New("boom")
	err := st.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Table("items").Where("id = ?", 1).Update("name", "changed").Error; err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("rolled back transaction: %v", err)
	}
	if len(cache.stmts)-n0 != 3 {
		t.Errorf("after the rollback the cache holds %d new statements, want 3", len(cache.stmts)-n0)
	}
	var name string
	if err := st.Write(ctx).Table("items").Where("id = ?", 1).Pluck("name", &name).Error; err != nil || name != "n0" {
		t.Errorf("after the rollback item 1 is %q (%v), want n0", name, err)
	}
}

// Rows left open in a transaction keep their own statement: running the
// same SQL again while iterating must not reset them.
func TestOpenRowsKeepTheirStatement(t *testing.T) {
	st, _ := openCached(t)
	ctx := tenant.System(context.Background())
	list := func(tx *gorm.DB) *gorm.DB { return tx.Table("items").Select("id").Order("id") }
	err := st.Tx(ctx, func(tx *gorm.DB) error {
		for i := range 5 {
			if err := tx.Table("items").Create(&item{Name: fmt.Sprint("n", i)}).Error; err != nil {
				return err
			}
		}
		var ids []int64
		return list(tx).Find(&ids).Error // cached from now on
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Tx(ctx, func(tx *gorm.DB) error {
		rows, err := list(tx).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		var seen []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if seen = append(seen, id); len(seen) > 5 {
				return fmt.Errorf("the open rows started over: %v", seen)
			}
			var ids []int64
			if err := list(tx).Find(&ids).Error; err != nil || len(ids) != 5 {
				return fmt.Errorf("inner list: %v %v", ids, err)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if fmt.Sprint(seen) != "[1 2 3 4 5]" {
			return fmt.Errorf("the open rows gave %v", seen)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCacheable(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT * FROM items WHERE id = ?":     true,
		"  select 1":                           true,
		"INSERT INTO items (name) VALUES (?)":  true,
		"UPDATE items SET name = ?":            true,
		"DELETE FROM items WHERE id = ?":       true,
		"WITH x AS (SELECT 1) SELECT * FROM x": true,
		"SAVEPOINT sp1234":                     false,
		"PRAGMA optimize":                      false,
		"SELECT * FROM items WHERE id IN (?" + strings.Repeat(",?", maxCachedArgs) + ")": false,
	} {
		if got := cacheable(q); got != want {
			t.Errorf("cacheable(%.40q) = %v, want %v", q, got, want)
		}
	}
}

// Transactions and single statements from many goroutines share the one
// connection without deadlocking, while new statements get prepared.
func TestWriterCacheUnderConcurrency(t *testing.T) {
	st, cache := openCached(t)
	ctx := tenant.System(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				var err error
				// Each goroutine brings SQL of its own, so new statements
				// meet transactions that hold the connection.
				col := fmt.Sprintf("name <> 'g%d-%d'", g, i%5)
				if i%2 == 0 {
					err = st.Tx(ctx, func(tx *gorm.DB) error {
						if err := tx.Table("items").Create(&item{Name: fmt.Sprint(g, i)}).Error; err != nil {
							return err
						}
						var n int64
						return tx.Table("items").Where(col).Count(&n).Error
					})
				} else {
					var n int64
					err = st.Write(ctx).Table("items").Where(col).Count(&n).Error
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the writer deadlocked")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int64
	if err := st.Write(ctx).Table("items").Count(&n).Error; err != nil || n != 8*20 {
		t.Errorf("%d items (%v), want %d", n, err, 8*20)
	}
	if len(cache.stmts) < 40 {
		t.Errorf("the cache holds %d statements, want the 40 counts and more", len(cache.stmts))
	}
}

// AfterCommit runs its function once the transaction has committed, never
// for one that rolls back, and at once outside a transaction.
func TestAfterCommit(t *testing.T) {
	st, _ := openCached(t)
	ctx := tenant.System(context.Background())
	ran := 0
	err := st.Tx(ctx, func(tx *gorm.DB) error {
		AfterCommit(tx.Table("items"), func() { ran++ })
		if ran != 0 {
			t.Error("ran before the commit")
		}
		return nil
	})
	if err != nil || ran != 1 {
		t.Fatalf("after commit: ran %d times (%v), want once", ran, err)
	}
	_ = st.Tx(ctx, func(tx *gorm.DB) error {
		AfterCommit(tx, func() { ran++ })
		return errors.New("roll back")
	})
	if ran != 1 {
		t.Errorf("ran for a rolled back transaction")
	}
	AfterCommit(st.Write(ctx), func() { ran++ })
	if ran != 2 {
		t.Errorf("outside a transaction: ran %d times, want 2", ran)
	}
}

// A full cache stops growing; the statements past it still run.
func TestWriterCacheIsBounded(t *testing.T) {
	st, cache := openCached(t)
	ctx := tenant.System(context.Background())
	for i := range maxCachedStmts + 20 {
		var n int64
		q := st.Write(ctx).Table("items").Where(fmt.Sprintf("id <> %d", i))
		if i%2 == 0 {
			err := st.Tx(ctx, func(tx *gorm.DB) error {
				return tx.Table("items").Where(fmt.Sprintf("id <> %d", i)).Count(&n).Error
			})
			if err != nil {
				t.Fatal(err)
			}
		} else if err := q.Count(&n).Error; err != nil {
			t.Fatal(err)
		}
	}
	if len(cache.stmts) != maxCachedStmts {
		t.Errorf("the cache holds %d statements, want %d", len(cache.stmts), maxCachedStmts)
	}
}
