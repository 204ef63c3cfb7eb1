package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nested", "dir", "vadesk.db")
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// The pragmas are what make SQLite safe and fast under a web server: WAL
// for concurrent readers, foreign keys for integrity, a busy timeout instead
// of instant "database is locked", NORMAL sync (durable in WAL mode).
func TestPragmas(t *testing.T) {
	st := open(t)
	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "10000",
		"synchronous":  "1", // NORMAL
	}
	for _, db := range []struct {
		name string
		q    func(string) (string, error)
	}{
		{"writer", func(p string) (string, error) {
			var v string
			return v, st.SQL().QueryRow("PRAGMA " + p).Scan(&v)
		}},
		{"reader", func(p string) (string, error) {
			var v string
			return v, st.ReadSQL().QueryRow("PRAGMA " + p).Scan(&v)
		}},
	} {
		for p, w := range want {
			got, err := db.q(p)
			if err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", db.name, p, err)
			}
			if got != w {
				t.Errorf("%s: PRAGMA %s = %q, want %q", db.name, p, got, w)
			}
		}
	}
	if n := st.SQL().Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool allows %d connections, want 1", n)
	}
	if n := st.ReadSQL().Stats().MaxOpenConnections; n < 2 {
		t.Errorf("read pool allows %d connections, want several", n)
	}
	// The read pool is query-only: a bug cannot write past the single writer.
	if _, err := st.ReadSQL().Exec("CREATE TABLE x (id INTEGER)"); err == nil {
		t.Error("read pool accepted a write")
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	st := open(t)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	v, err := st.Version(context.Background())
	if err != nil || v < 1 {
		t.Fatalf("version %d, %v", v, err)
	}
}

type practiceRow struct {
	ID   int64
	Name string
}

func (practiceRow) TableName() string      { return "practices" }
func (practiceRow) PracticeColumn() string { return "id" }

type serviceRow struct {
	ID         int64
	PracticeID int64
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (serviceRow) TableName() string { return "services" }

// The data layer scopes every model query to the caller's practice and
// refuses to run one without a scope.
func TestTenantScoping(t *testing.T) {
	st := open(t)
	sys := tenant.System(context.Background())
	for i, name := range []string{"A", "B"} {
		if err := st.Write(sys).Exec("INSERT INTO practices (id, name, created_at, updated_at) VALUES (?, ?, datetime(), datetime())", i+1, name).Error; err != nil {
			t.Fatal(err)
		}
	}
	a := tenant.With(context.Background(), tenant.Scope{PracticeID: 1, UserID: 1, Role: tenant.Owner})
	b := tenant.With(context.Background(), tenant.Scope{PracticeID: 2, UserID: 2, Role: tenant.Owner})
	if err := st.Write(a).Create(&serviceRow{Name: "only A's"}).Error; err != nil {
		t.Fatal(err)
	}
	var rows []serviceRow
	if err := st.Read(b).Find(&rows).Error; err != nil || len(rows) != 0 {
		t.Fatalf("practice B sees %v (%v)", rows, err)
	}
	if err := st.Read(a).Find(&rows).Error; err != nil || len(rows) != 1 || rows[0].PracticeID != 1 {
		t.Fatalf("practice A sees %v (%v)", rows, err)
	}
	var ps []practiceRow
	if err := st.Read(b).Find(&ps).Error; err != nil || len(ps) != 1 || ps[0].Name != "B" {
		t.Fatalf("practice B sees practices %v (%v)", ps, err)
	}
	res := st.Write(b).Model(&serviceRow{}).Where("id = ?", rows[0].ID).Update("name", "stolen")
	if res.Error != nil || res.RowsAffected != 0 {
		t.Fatalf("practice B updated A's row: %d rows, %v", res.RowsAffected, res.Error)
	}
	if err := st.Read(context.Background()).Find(&rows).Error; !errors.Is(err, tenant.ErrNoScope) {
		t.Fatalf("unscoped query: %v, want ErrNoScope", err)
	}
	if err := st.Write(b).Create(&serviceRow{PracticeID: 1, Name: "planted"}).Error; !errors.Is(err, tenant.ErrNoScope) {
		t.Fatalf("cross-practice insert: %v, want refusal", err)
	}
}
