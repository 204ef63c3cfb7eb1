package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

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

// upgradeDB makes a database at schema version 1 with one practice in it.
func upgradeDB(t *testing.T, dir string) *Store {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(dir, "vadesk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.migrate(ctx, fstest.MapFS{"00001_init.sql": {Data: firstMigration(t)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SQL().Exec(`INSERT INTO practices (id, name, created_at, updated_at) VALUES (1, 'Before', '2026-11-01 09:00:00', '2026-11-01 09:00:00')`); err != nil {
		t.Fatal(err)
	}
	return st
}

// twoStepBroken is two pending migrations after 00001, the second broken.
func twoStepBroken(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"00001_init.sql":   {Data: firstMigration(t)},
		"00002_good.sql":   {Data: []byte("-- +goose Up\nCREATE TABLE step_two (id INTEGER PRIMARY KEY);\nUPDATE practices SET name = 'After step two';\n-- +goose Down\nDROP TABLE step_two;\n")},
		"00003_broken.sql": {Data: []byte("-- +goose Up\nCREATE TABLE step_three (id INTEGER PRIMARY KEY);\nSELECT no_such_function();\n-- +goose Down\nDROP TABLE step_three;\n")},
	}
}

func practiceName(t *testing.T, path string) string {
	t.Helper()
	info, err := Inspect(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openRaw(path, "ro", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRow("SELECT name FROM practices WHERE id = 1").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("v%d %s", info.Version, name)
}

// With migrations pending, Upgrade backs the database up first; when the
// second of two migrations fails, the error names the version the
// database stopped at (the first one stays applied) and the backup, which
// holds the database as it was. Nothing is restored behind the caller's
// back. A restart into the same failure does not copy the database again.
func TestUpgradeBacksUpBeforeMigrating(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := upgradeDB(t, dir)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var told []MigrateResult
	opt := MigrateOptions{FS: twoStepBroken(t), Now: func() time.Time { return now },
		Before: func(r MigrateResult) { told = append(told, r) }}

	_, err := st.Upgrade(ctx, opt)
	var merr *MigrateError
	if !errors.As(err, &merr) {
		t.Fatalf("a failing migration: %v, want a *MigrateError", err)
	}
	wantBackup := filepath.Join(dir, "vadesk.db.pre-migrate-1-20261102T090000Z")
	if merr.From != 1 || merr.At != 2 || merr.Failed != 3 || merr.Backup != wantBackup {
		t.Fatalf("error %+v", merr)
	}
	for _, s := range []string{"migration 3 failed", "no_such_function", "stopped at schema version 2", wantBackup, "vadesk restore --force"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the error does not say %q: %v", s, err)
		}
	}
	if len(told) != 1 || told[0].Backup != wantBackup || told[0].From != 1 || told[0].To != 3 || fmt.Sprint(told[0].Pending) != "[2 3]" {
		t.Errorf("Before was told %+v", told)
	}
	if got := practiceName(t, wantBackup); got != "v1 Before" {
		t.Errorf("the backup holds %s, want the database as it was before migrating", got)
	}
	if v, _ := st.Version(ctx); v != 2 {
		t.Errorf("the database is at version %d, want 2: left where it stopped", v)
	}
	var name string
	st.SQL().QueryRow("SELECT name FROM practices WHERE id = 1").Scan(&name)
	if name != "After step two" {
		t.Errorf("the database was changed back behind the caller's back: %q", name)
	}

	// The supervisor restarts the server, twice: the first restart backs
	// up version 2, the second finds that backup still current.
	now = now.Add(time.Minute)
	_, err = st.Upgrade(ctx, opt)
	if !errors.As(err, &merr) || merr.From != 2 || merr.At != 2 || merr.Failed != 3 {
		t.Fatalf("second attempt: %v", err)
	}
	second := merr.Backup
	if second != filepath.Join(dir, "vadesk.db.pre-migrate-2-20261102T090100Z") {
		t.Errorf("second backup %s", second)
	}
	now = now.Add(time.Minute)
	_, err = st.Upgrade(ctx, opt)
	if !errors.As(err, &merr) || merr.Backup != second {
		t.Fatalf("third attempt: %v, want the second backup reused", err)
	}
	if len(told) != 3 || !told[2].Reused {
		t.Errorf("Before was told %+v", told)
	}
	// A change since makes the next attempt take a new one.
	st.SQL().Exec(`UPDATE practices SET name = 'Changed', updated_at = '2026-11-02 10:00:00' WHERE id = 1`)
	now = now.Add(time.Minute)
	if _, err = st.Upgrade(ctx, opt); !errors.As(err, &merr) || merr.Backup == second {
		t.Fatalf("after a change: %v, want a new backup", err)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "vadesk.db.pre-migrate-*"))
	if len(backups) != 3 {
		t.Errorf("backups %v, want 3", backups)
	}

	// Fixed, the migrations run on from where they stopped.
	fixed := twoStepBroken(t)
	fixed["00003_broken.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE step_three (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE step_three;\n")}
	res, err := st.Upgrade(ctx, MigrateOptions{FS: fixed, Now: func() time.Time { return now.Add(time.Hour) }})
	if err != nil || res.From != 2 || res.To != 3 || res.Backup == "" {
		t.Fatalf("fixed: %+v %v", res, err)
	}
	// Nothing pending: no backup.
	res, err = st.Upgrade(ctx, MigrateOptions{FS: fixed})
	if err != nil || res.Backup != "" || len(res.Pending) != 0 || res.From != 3 || res.To != 3 {
		t.Fatalf("nothing pending: %+v %v", res, err)
	}
}

// The backup goes to VADESK_BACKUP_DIR when there is one, where the
// scheduled backups' pruning leaves it alone; a new database (version 0)
// has nothing to back up; a backup that cannot be written stops the
// migration before it starts.
func TestUpgradeBackupPlaces(t *testing.T) {
	ctx := context.Background()
	good := twoStepBroken(t)
	good["00003_broken.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 1;\n")}

	t.Run("into the backup directory", func(t *testing.T) {
		st := upgradeDB(t, t.TempDir())
		backups := filepath.Join(t.TempDir(), "backups")
		res, err := st.Upgrade(ctx, MigrateOptions{FS: good, BackupDir: backups})
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(res.Backup) != backups || !strings.HasPrefix(filepath.Base(res.Backup), "vadesk.db.pre-migrate-1-") {
			t.Fatalf("backup at %s", res.Backup)
		}
		rot := Rotation{Dir: backups, Keep: 1}
		if _, err := rot.Take(ctx, st.Path(), time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := rot.Take(ctx, st.Path(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(res.Backup); err != nil {
			t.Errorf("pruning the scheduled backups removed the pre-migrate one: %v", err)
		}
	})

	t.Run("not for a new database", func(t *testing.T) {
		dir := t.TempDir()
		st, err := Open(ctx, filepath.Join(dir, "vadesk.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		res, err := st.Upgrade(ctx, MigrateOptions{FS: good})
		if err != nil || res.Backup != "" || res.From != 0 || res.To != 3 {
			t.Fatalf("%+v %v", res, err)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "*pre-migrate*")); len(m) != 0 {
			t.Errorf("backups of a new database: %v", m)
		}
	})

	t.Run("no backup, no migration", func(t *testing.T) {
		st := upgradeDB(t, t.TempDir())
		notADir := filepath.Join(t.TempDir(), "file")
		os.WriteFile(notADir, nil, 0o600)
		_, err := st.Upgrade(ctx, MigrateOptions{FS: good, BackupDir: notADir})
		if err == nil || !strings.Contains(err.Error(), "nothing was migrated") {
			t.Fatalf("backup into a file: %v", err)
		}
		if v, _ := st.Version(ctx); v != 1 {
			t.Errorf("version %d after a failed backup, want 1", v)
		}
		res, err := st.Upgrade(ctx, MigrateOptions{FS: good, BackupDir: notADir, NoBackup: true})
		if err != nil || res.Backup != "" || res.To != 3 {
			t.Fatalf("NoBackup: %+v %v", res, err)
		}
	})
}

// Migrating needs the database to itself: with another vadesk process
// holding it (an older server still running), Upgrade refuses and changes
// nothing; alone, it migrates and shares the lock again.
func TestUpgradeNeedsTheDatabaseToItself(t *testing.T) {
	if !AdvisoryLocks {
		t.Skip("no advisory locks on this platform")
	}
	ctx := context.Background()
	dir := t.TempDir()
	st := upgradeDB(t, dir)
	good := twoStepBroken(t)
	good["00003_broken.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 1;\n")}
	mine, err := ShareLock(st.Path(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	server, err := ShareLock(st.Path(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Upgrade(ctx, MigrateOptions{FS: good, Lock: mine})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "stop the running vadesk serve") {
		t.Fatalf("migrating beside a server: %v, want ErrLocked", err)
	}
	if v, _ := st.Version(ctx); v != 1 {
		t.Errorf("version %d, want 1", v)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*pre-migrate*")); len(m) != 0 {
		t.Errorf("a refused migration took a backup: %v", m)
	}
	server.Close()
	res, err := st.Upgrade(ctx, MigrateOptions{FS: good, Lock: mine})
	if err != nil || res.To != 3 {
		t.Fatalf("alone: %+v %v", res, err)
	}
	if mine.Exclusive() {
		t.Error("the lock is still exclusive after migrating")
	}
	if _, err := ExclusiveLock(st.Path(), 0); !errors.Is(err, ErrLocked) {
		t.Error("the lock was dropped after migrating")
	}
}
