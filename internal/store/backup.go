package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"
	"github.com/vadesk/vadesk/migrations"
)

// Backups are taken with VACUUM INTO on a connection of their own: it
// reads one snapshot inside a single read transaction, so the copy is
// consistent at one commit, and in WAL mode it blocks no writer, whether
// the server runs in this process or in another one. A copy of the file
// itself would not be safe while the database is live.

// ErrExists is returned when a backup would overwrite a file and the caller
// did not ask for that.
var ErrExists = errors.New("store: the file already exists (use --force to overwrite it)")

// ErrNewer is returned when a restore would replace a database that holds
// newer work than the backup, and the caller did not force it.
var ErrNewer = errors.New("store: the database is newer than the backup")

// ErrInUse is returned when a restore finds the database open elsewhere,
// typically by a running server.
var ErrInUse = errors.New("store: the database is in use; stop vadesk serve before restoring")

// restoreLockWait is how long a restore waits for the database's lock: long
// enough for a short command (vadesk token create) to finish, short enough
// to refuse a running server at once.
const restoreLockWait = time.Second

// Info describes a database file: its schema version and its newest change.
type Info struct {
	Path    string
	Bytes   int64
	Version int64
	// Newest is the latest updated_at (created_at for tables without one)
	// over every table of work; sessions are not work and do not count.
	// Zero for a database without rows.
	Newest time.Time
}

// Backup writes a consistent copy of the database to dst. It refuses to
// replace an existing dst unless overwrite is set; the copy is written to a
// temporary file beside dst, synced and renamed, so dst is never half
// written.
func (s *Store) Backup(ctx context.Context, dst string, overwrite bool) (Info, error) {
	return Backup(ctx, s.path, dst, overwrite)
}

// Backup copies the database at src (which may be served by another
// process right now) to dst, like Store.Backup. It never creates or
// migrates src.
func Backup(ctx context.Context, src, dst string, overwrite bool) (Info, error) {
	if _, err := os.Stat(src); err != nil {
		return Info{}, fmt.Errorf("store: backup: %w", err)
	}
	if !overwrite {
		if _, err := os.Lstat(dst); err == nil {
			return Info{}, fmt.Errorf("%w: %s", ErrExists, dst)
		}
	}
	db, err := openRaw(src, "rw", false)
	if err != nil {
		return Info{}, fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	tmp, err := vacuumInto(ctx, db, dst)
	if err != nil {
		return Info{}, fmt.Errorf("store: backup: %w", Translate(err))
	}
	defer os.Remove(tmp) // gone after a successful rename
	info, err := Inspect(ctx, tmp)
	if err != nil {
		return Info{}, fmt.Errorf("store: backup: the copy does not check out: %w", err)
	}
	if err := install(tmp, dst, overwrite); err != nil {
		return Info{}, fmt.Errorf("store: backup: %w", err)
	}
	info.Path = dst
	return info, nil
}

// vacuumInto writes a snapshot of db into a new temporary file beside dst
// and syncs it (SQLite does not sync a VACUUM INTO file itself).
func vacuumInto(ctx context.Context, db *sql.DB, dst string) (string, error) {
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, "."+filepath.Base(dst)+".tmp-"+hex.EncodeToString(rnd[:]))
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// install moves the synced file tmp to dst. Without overwrite it uses a
// hard link, which fails if dst appeared in the meantime; filesystems
// without links fall back to a rename after one more check.
func install(tmp, dst string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		return syncDir(filepath.Dir(dst))
	}
	if err := os.Link(tmp, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrExists, dst)
		}
		if _, serr := os.Lstat(dst); serr == nil {
			return fmt.Errorf("%w: %s", ErrExists, dst)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
	}
	os.Remove(tmp)
	return syncDir(filepath.Dir(dst))
}

// Inspect checks that path is a sound vadesk database (PRAGMA
// integrity_check, a goose version table, vadesk's tables) and describes it.
// It opens the file read-only.
func Inspect(ctx context.Context, path string) (Info, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Info{}, err
	}
	if !st.Mode().IsRegular() {
		return Info{}, fmt.Errorf("%s is not a regular file", path)
	}
	db, err := openRaw(path, "ro", false)
	if err != nil {
		return Info{}, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return Info{}, fmt.Errorf("%s: %w", path, err)
	}
	defer conn.Close()
	if err := integrityCheck(ctx, conn); err != nil {
		return Info{}, fmt.Errorf("%s: %w", path, err)
	}
	info, err := describe(ctx, conn)
	if err != nil {
		return Info{}, fmt.Errorf("%s: %w", path, err)
	}
	info.Path, info.Bytes = path, st.Size()
	return info, nil
}

// integrityCheck runs PRAGMA integrity_check and reports its findings.
func integrityCheck(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("not a readable SQLite database: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("not a readable SQLite database: %w", err)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return fmt.Errorf("integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Tables that must exist for a file to be a vadesk database.
var vadeskTables = []string{"goose_db_version", "practices", "users", "clients"}

// Tables whose rows are not a person's work: logging in does not make a
// database newer.
var volatileTables = map[string]bool{"goose_db_version": true, "sessions": true}

func describe(ctx context.Context, conn *sql.Conn) (Info, error) {
	tables, err := tableNames(ctx, conn)
	if err != nil {
		return Info{}, err
	}
	have := map[string]bool{}
	for _, t := range tables {
		have[t] = true
	}
	for _, t := range vadeskTables {
		if !have[t] {
			return Info{}, fmt.Errorf("not a vadesk database (no %s table)", t)
		}
	}
	var info Info
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&v); err != nil {
		return Info{}, fmt.Errorf("read schema version: %w", err)
	}
	info.Version = v.Int64
	for _, t := range tables {
		if volatileTables[t] {
			continue
		}
		col, err := timeColumn(ctx, conn, t)
		if err != nil {
			return Info{}, err
		}
		if col == "" {
			continue
		}
		var s sql.NullString
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT CAST(MAX(%s) AS TEXT) FROM %s", quoteIdent(col), quoteIdent(t))).Scan(&s); err != nil {
			return Info{}, fmt.Errorf("read newest %s: %w", t, err)
		}
		if !s.Valid || s.String == "" {
			continue
		}
		ts, err := parseTimestamp(s.String)
		if err != nil {
			return Info{}, fmt.Errorf("%s.%s: %w", t, col, err)
		}
		if ts.After(info.Newest) {
			info.Newest = ts
		}
	}
	return info, nil
}

func tableNames(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// timeColumn is the column that says when a row last changed: updated_at,
// else created_at, else none.
func timeColumn(ctx context.Context, conn *sql.Conn, table string) (string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return "", fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var created, updated bool
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		created = created || n == "created_at"
		updated = updated || n == "updated_at"
	}
	switch {
	case updated:
		return "updated_at", rows.Err()
	case created:
		return "created_at", rows.Err()
	}
	return "", rows.Err()
}

// parseTimestamp reads a DATETIME as the SQLite driver writes it.
func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable timestamp %q", s)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// LatestVersion is the schema version this build of vadesk migrates to.
func LatestVersion() (int64, error) {
	return latestIn(migrations.FS)
}

func latestIn(fsys fs.FS) (int64, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, n := range names {
		v, err := goose.NumericComponent(n)
		if err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", n, err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Backup   Info
	Replaced *Info // the database that was replaced; nil when there was none
	// KeptAs is where the replaced database was kept ("" when there was
	// none or the filesystem has no hard links).
	KeptAs string
}

// Restore replaces the database at dbPath with the backup at backupPath.
//
// The backup must pass Inspect. Without force, Restore refuses a backup made
// by a newer vadesk (schema version above LatestVersion), and refuses to
// replace a database that is newer than the backup: one whose schema
// version is higher, or whose newest change (Info.Newest) is later.
// Deletions leave no timestamp, so a database whose only later changes
// were deletions does not count as newer.
//
// Restore must not run while a server has the database open. It takes
// the database's lock file exclusively first (see Lock), so it fails with
// ErrInUse, changing nothing, while a server or another vadesk command has
// the database open, and a server started meanwhile waits for it to
// finish. As a second guard (and the only one where AdvisoryLocks is
// false, or against a vadesk too old to take the lock) it takes SQLite's
// exclusive lock on the current database before replacing it. The new database
// is written to a temporary file, synced and renamed over dbPath, so a
// failed restore leaves the old database as it was; the old one is also
// kept beside it as dbPath.replaced-TIMESTAMP.
func Restore(ctx context.Context, backupPath, dbPath string, force bool, now time.Time) (RestoreResult, error) {
	var res RestoreResult
	b, err := Inspect(ctx, backupPath)
	if err != nil {
		return res, fmt.Errorf("store: restore: backup %w", err)
	}
	res.Backup = b
	lock, err := ExclusiveLock(dbPath, restoreLockWait)
	if errors.Is(err, ErrLocked) {
		return res, fmt.Errorf("%w (its lock %s is held by a running vadesk serve or another vadesk command)", ErrInUse, LockPath(dbPath))
	} else if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	defer lock.Close()
	latest, err := LatestVersion()
	if err != nil {
		return res, err
	}
	if b.Version > latest && !force {
		return res, fmt.Errorf("%w: the backup is at schema version %d, made by a newer vadesk than this one (version %d)", ErrNewer, b.Version, latest)
	}
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		return res, restoreInto(ctx, backupPath, dbPath)
	} else if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}

	// Hold the current database exclusively from the comparison to the
	// rename, and fold its WAL into the main file first: a stale WAL left
	// beside the new file would otherwise be replayed into it.
	db, err := openRaw(dbPath, "rw", true)
	if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	defer conn.Close()
	if err := checkCurrent(ctx, conn, dbPath, b, force, &res); err != nil {
		return res, err
	}
	keep := fmt.Sprintf("%s.replaced-%s", dbPath, now.UTC().Format("20060102T150405Z"))
	if res.Replaced != nil {
		if err := os.Link(dbPath, keep); err == nil {
			res.KeptAs = keep
		}
	}
	if err := restoreInto(ctx, backupPath, dbPath); err != nil {
		if res.KeptAs != "" {
			os.Remove(res.KeptAs)
			res.KeptAs = ""
		}
		return res, err
	}
	// The WAL and shared-memory files belonged to the old file: the
	// checkpoint emptied the WAL and the lock kept everyone else out since.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("store: restore: %w", err)
		}
	}
	return res, nil
}

// checkCurrent takes the exclusive lock on the database about to be
// replaced, checkpoints it and compares it with the backup b.
func checkCurrent(ctx context.Context, conn *sql.Conn, dbPath string, b Info, force bool, res *RestoreResult) error {
	unreadable := func(err error) error {
		if force {
			return nil // a damaged database is what one restores over
		}
		return fmt.Errorf("store: restore: the current database %s cannot be read (%v); use --force to replace it", dbPath, err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		if isBusy(err) {
			return fmt.Errorf("%w (%s)", ErrInUse, dbPath)
		}
		return unreadable(err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return unreadable(err)
	}
	if busy != 0 {
		return fmt.Errorf("%w (%s)", ErrInUse, dbPath)
	}
	if err := integrityCheck(ctx, conn); err != nil {
		return unreadable(err)
	}
	cur, err := describe(ctx, conn)
	if err != nil {
		return unreadable(err)
	}
	res.Replaced = &cur
	if force {
		return nil
	}
	switch {
	case cur.Version > b.Version:
		return fmt.Errorf("%w: %s is at schema version %d, the backup at %d; use --force to replace it anyway", ErrNewer, dbPath, cur.Version, b.Version)
	case cur.Newest.After(b.Newest):
		return fmt.Errorf("%w: %s was last changed at %s, the backup at %s; use --force to replace it anyway", ErrNewer, dbPath, cur.Newest.Format(time.RFC3339), b.Newest.Format(time.RFC3339))
	}
	return nil
}

// restoreInto writes a fresh copy of the backup beside dbPath and renames
// it into place. The copy goes through VACUUM INTO rather than a file copy
// so a backup that someone opened (and gave a WAL) is still read whole.
func restoreInto(ctx context.Context, backupPath, dbPath string) error {
	src, err := openRaw(backupPath, "ro", false)
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer src.Close()
	tmp, err := vacuumInto(ctx, src, dbPath)
	if err != nil {
		return fmt.Errorf("store: restore: copy the backup: %w", Translate(err))
	}
	defer os.Remove(tmp)
	if _, err := Inspect(ctx, tmp); err != nil {
		return fmt.Errorf("store: restore: the copy does not check out: %w", err)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := syncDir(filepath.Dir(dbPath)); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	return nil
}

// openRaw opens a plain database/sql handle on path with the store's
// pragmas, one connection, never creating the file. mode is "ro" or "rw";
// exclusive asks for SQLite's exclusive locking mode, which keeps every
// other connection out until this one closes.
func openRaw(path, mode string, exclusive bool) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", mode)
	q.Set("_foreign_keys", "on")
	q.Set("_loc", "UTC")
	if mode == "rw" {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
	}
	if exclusive {
		q.Set("_locking_mode", "EXCLUSIVE")
		q.Set("_busy_timeout", "1000")
	} else {
		q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	}
	db, err := sql.Open("sqlite3", FileURI(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// directory; that is not worth failing a backup over.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	_ = d.Sync()
	return d.Close()
}
