package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vadesk/vadesk/migrations"
)

// schemaAndRows describes a database: every table's SQL and every row.
func schemaAndRows(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	rows, err := db.Query("SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, def string
		rows.Scan(&typ, &name, &def)
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, def)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, tb := range tables {
		r, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s" ORDER BY rowid`, tb))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tb, vals)
		}
		r.Close()
	}
	return b.String()
}

func firstMigration(t *testing.T) []byte {
	t.Helper()
	b, err := fs.ReadFile(migrations.FS, "00001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A migration that fails halfway rolls back completely: its table, column,
// rows and changes to existing rows are gone, and the schema version stays
// where it was. Migrations before it in the same run stay applied (each
// file is its own transaction), and a fixed release migrates on from there.
func TestFailedMigrationLeavesTheDatabaseAsItWas(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "vadesk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v1 := fstest.MapFS{"00001_init.sql": {Data: firstMigration(t)}}
	if err := st.migrate(ctx, v1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SQL().Exec(`INSERT INTO practices (id, name, created_at, updated_at) VALUES (1, 'Before', datetime(), datetime())`); err != nil {
		t.Fatal(err)
	}
	before := schemaAndRows(t, st.SQL())

	broken := fstest.MapFS{
		"00001_init.sql": {Data: firstMigration(t)},
		"00002_broken.sql": {Data: []byte(`-- +goose Up
CREATE TABLE half_done (id INTEGER PRIMARY KEY);
INSERT INTO half_done (id) VALUES (1);
ALTER TABLE clients ADD COLUMN half_done TEXT;
CREATE INDEX half_done_index ON clients (half_done);
UPDATE practices SET name = 'changed by a failed migration';
INSERT INTO no_such_table (id) VALUES (1);
-- +goose Down
DROP TABLE half_done;
`)},
	}
	if err := st.migrate(ctx, broken); err == nil {
		t.Fatal("a broken migration succeeded")
	}
	if after := schemaAndRows(t, st.SQL()); after != before {
		t.Fatalf("a failed migration changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if v, err := st.Version(ctx); err != nil || v != 1 {
		t.Fatalf("version after a failed migration: %d %v, want 1", v, err)
	}

	// Two pending files, the second broken: the first stays applied.
	twoStep := fstest.MapFS{
		"00001_init.sql":   {Data: firstMigration(t)},
		"00002_good.sql":   {Data: []byte("-- +goose Up\nCREATE TABLE step_two (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE step_two;\n")},
		"00003_broken.sql": {Data: []byte("-- +goose Up\nCREATE TABLE step_three (id INTEGER PRIMARY KEY);\nSELECT no_such_function();\n-- +goose Down\nDROP TABLE step_three;\n")},
	}
	if err := st.migrate(ctx, twoStep); err == nil {
		t.Fatal("a broken migration succeeded")
	}
	var n int
	st.SQL().QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'step_two'").Scan(&n)
	if n != 1 {
		t.Error("the good migration before the broken one was rolled back too")
	}
	st.SQL().QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'step_three'").Scan(&n)
	if n != 0 {
		t.Error("the broken migration left its table")
	}
	if v, _ := st.Version(ctx); v != 2 {
		t.Errorf("version %d, want 2", v)
	}
}

// Every migration runs in a transaction; that is what makes a failed one
// harmless. "NO TRANSACTION" would silently give that up (and PRAGMA
// foreign_keys is a no-op inside a transaction, so a migration that needs
// it must be designed differently, not run without one).
func TestMigrationsRunInTransactions(t *testing.T) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no migrations: %v", err)
	}
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		if strings.Contains(strings.ToUpper(string(b)), "+GOOSE NO TRANSACTION") {
			t.Errorf("%s runs outside a transaction", n)
		}
	}
}
