package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/migrations"
)

// v1Database copies the first release's database (the store's upgrade
// fixture) into a temp dir: version 1, with pending migrations after it.
func v1Database(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "store", "testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vadesk.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// withMigrations makes openStore use fsys instead of the embedded
// migrations for the rest of the test.
func withMigrations(t *testing.T, fsys fs.FS) {
	t.Helper()
	testMigrations = fsys
	t.Cleanup(func() { testMigrations = nil })
}

// embeddedPlus is the embedded migrations and extra ones after them.
func embeddedPlus(t *testing.T, extra map[string]string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		out[n] = &fstest.MapFile{Data: b}
	}
	for n, body := range extra {
		out[n] = &fstest.MapFile{Data: []byte(body)}
	}
	return out
}

func preMigrateBackups(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.pre-migrate-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// vadesk migrate backs the database up before it applies pending
// migrations, says where, and takes no backup when nothing is pending;
// with VADESK_BACKUP_DIR the backup goes there.
func TestMigrateBacksUpFirst(t *testing.T) {
	latest, err := store.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("beside the database", func(t *testing.T) {
		db := v1Database(t)
		env := map[string]string{"VADESK_DB": db}
		r := runCLI(t, env, "", "migrate")
		if r.code != 0 {
			t.Fatalf("migrate: %+v", r)
		}
		backups := preMigrateBackups(t, filepath.Dir(db))
		if len(backups) != 1 || !strings.HasPrefix(filepath.Base(backups[0]), "vadesk.db.pre-migrate-1-") {
			t.Fatalf("backups %v", backups)
		}
		want := fmt.Sprintf("migrated %s from schema version 1 to %d", db, latest)
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, backups[0]) {
			t.Errorf("stdout %q, want %q and the backup", r.stdout, want)
		}
		if !strings.Contains(r.stderr, "migrating the database") || !strings.Contains(r.stderr, backups[0]) {
			t.Errorf("no note of the backup before migrating on stderr: %q", r.stderr)
		}
		info, err := store.Inspect(context.Background(), backups[0])
		if err != nil || info.Version != 1 {
			t.Fatalf("the backup: %+v %v", info, err)
		}
		// Nothing pending: nothing backed up.
		if r := runCLI(t, env, "", "migrate"); r.code != 0 || strings.Contains(r.stdout, "backed up") {
			t.Fatalf("second migrate: %+v", r)
		}
		if got := preMigrateBackups(t, filepath.Dir(db)); len(got) != 1 {
			t.Errorf("backups after a migrate with nothing pending: %v", got)
		}
	})
	t.Run("into VADESK_BACKUP_DIR", func(t *testing.T) {
		db := v1Database(t)
		dir := filepath.Join(t.TempDir(), "backups")
		r := runCLI(t, map[string]string{"VADESK_DB": db, "VADESK_BACKUP_DIR": dir}, "", "migrate")
		if r.code != 0 {
			t.Fatalf("migrate: %+v", r)
		}
		if got := preMigrateBackups(t, dir); len(got) != 1 || !strings.Contains(r.stdout, got[0]) {
			t.Errorf("backups in %s: %v; stdout %q", dir, got, r.stdout)
		}
		if got := preMigrateBackups(t, filepath.Dir(db)); len(got) != 0 {
			t.Errorf("backups beside the database: %v", got)
		}
	})
	t.Run("--no-backup", func(t *testing.T) {
		db := v1Database(t)
		r := runCLI(t, map[string]string{"VADESK_DB": db}, "", "migrate", "--no-backup")
		if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("schema version %d", latest)) {
			t.Fatalf("migrate --no-backup: %+v", r)
		}
		if got := preMigrateBackups(t, filepath.Dir(db)); len(got) != 0 {
			t.Errorf("backups: %v", got)
		}
	})
	t.Run("not for a new database", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "vadesk.db")
		if r := runCLI(t, map[string]string{"VADESK_DB": db}, "", "migrate"); r.code != 0 {
			t.Fatalf("migrate: %+v", r)
		}
		if got := preMigrateBackups(t, filepath.Dir(db)); len(got) != 0 {
			t.Errorf("backups of a new database: %v", got)
		}
	})
}

// When the second of two pending migrations fails, vadesk migrate and
// vadesk serve fail (exit 1) saying which migration failed, the version
// the database stopped at and where the backup is; the database stays
// where it stopped and the backup holds it as it was.
func TestFailedMigrationReportsWhereItStopped(t *testing.T) {
	latest, err := store.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	good, broken := latest+1, latest+2
	dir := t.TempDir()
	db := filepath.Join(dir, "vadesk.db")
	env := map[string]string{"VADESK_DB": db, "VADESK_ADDR": "127.0.0.1:0"}
	// A database of the current release, with a user in it.
	if r := runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--practice", "Ana VA", "--password-stdin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	// The next release brings two migrations, the second broken.
	withMigrations(t, embeddedPlus(t, map[string]string{
		fmt.Sprintf("%05d_good.sql", good):     "-- +goose Up\nCREATE TABLE step_good (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE step_good;\n",
		fmt.Sprintf("%05d_broken.sql", broken): "-- +goose Up\nCREATE TABLE step_broken (id INTEGER PRIMARY KEY);\nSELECT no_such_function();\n-- +goose Down\nDROP TABLE step_broken;\n",
	}))

	r := runCLI(t, env, "", "migrate")
	if r.code != 1 {
		t.Fatalf("migrate with a broken migration: %+v", r)
	}
	backups := preMigrateBackups(t, dir)
	if len(backups) != 1 || !strings.HasPrefix(filepath.Base(backups[0]), fmt.Sprintf("vadesk.db.pre-migrate-%d-", latest)) {
		t.Fatalf("backups %v", backups)
	}
	for _, s := range []string{fmt.Sprintf("migration %d failed", broken), "no_such_function",
		fmt.Sprintf("stopped at schema version %d (it was at %d)", good, latest), backups[0], "vadesk restore --force"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not say %q:\n%s", s, r.stderr)
		}
	}
	if info, err := store.Inspect(context.Background(), db); err != nil || info.Version != good {
		t.Errorf("the database: %+v %v, want it left at version %d", info, err, good)
	}
	if info, err := store.Inspect(context.Background(), backups[0]); err != nil || info.Version != latest {
		t.Errorf("the backup: %+v %v, want version %d", info, err, latest)
	}

	// serve at start: the same report, in its log and on exit; it never
	// serves.
	r = runCLI(t, env, "", "serve")
	if r.code != 1 || strings.Contains(r.stderr, "vadesk serving") {
		t.Fatalf("serve with a broken migration: %+v", r)
	}
	backups = preMigrateBackups(t, dir)
	if len(backups) != 2 {
		t.Fatalf("backups %v, want one more, of version %d", backups, good)
	}
	for _, s := range []string{`"msg":"migrating the database"`, `"msg":"migration failed; the database is left where it stopped"`,
		fmt.Sprintf(`"stopped_at":%d`, good), fmt.Sprintf(`"failed":%d`, broken), fmt.Sprintf("still at schema version %d", good)} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("serve's stderr does not say %q:\n%s", s, r.stderr)
		}
	}
	// Restarted into the same failure, it reuses that backup.
	if r := runCLI(t, env, "", "serve"); r.code != 1 || !strings.Contains(r.stderr, `"backup_reused":true`) {
		t.Errorf("serve again: %+v", r)
	}
	if got := preMigrateBackups(t, dir); len(got) != 2 {
		t.Errorf("a restart into the same failure added a backup: %v", got)
	}
}

// The decision behind serve's exit code: 0 for a clean stop, 3 when the
// shutdown grace ran out, 1 for any other failure.
func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{fmt.Errorf("serve: %w", errShutdownTimedOut), exitShutdownTimedOut},
		{fmt.Errorf("store: checkpoint: disk I/O error"), 1},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if exitShutdownTimedOut == 0 || exitShutdownTimedOut == 1 || exitShutdownTimedOut == 2 {
		t.Error("the shutdown timeout's exit code must differ from success, failure and usage")
	}
}
