package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/vadesk/vadesk/migrations"
)

// Migrate applies every pending migration. Each file runs in its own
// transaction, so a failing migration leaves nothing of itself behind, but
// the files before it in the same run stay applied: the database stops at
// the last version that succeeded. Upgrade adds the backup that makes such
// a stop recoverable; tests and tools that make fresh databases use this.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, migrations.FS)
}

// migrate applies the migrations in fsys; tests hand it broken ones.
func (s *Store) migrate(ctx context.Context, fsys fs.FS) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.SQL(), fsys)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return s.optimize(ctx)
}

// optimize gathers planner statistics where they are missing or stale
// (0x10002: analyze tables without statistics too, within a bounded cost),
// so SQLite picks the selective index for a 10,000-entry invoice instead of
// the first one that fits. Cheap when there is nothing to do.
func (s *Store) optimize(ctx context.Context) error {
	if _, err := s.SQL().ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	return nil
}

// Version returns the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int64, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.SQL(), migrations.FS)
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// MigrateOptions say how Upgrade guards a migration.
type MigrateOptions struct {
	// Lock is the caller's shared lock on the database (ShareLock). With
	// migrations pending, Upgrade makes it exclusive for the backup and the
	// migrations, so it never changes the schema under another vadesk
	// process (an older server still running), and shares it again after.
	// Nil skips that check.
	Lock *Lock
	// BackupDir receives the backup taken before migrating (VADESK_BACKUP_DIR);
	// "" puts it beside the database.
	BackupDir string
	// NoBackup migrates without a backup, for a disk too full for one.
	NoBackup bool
	// Now names the backup; nil is time.Now.
	Now func() time.Time
	// Before, when set, is told the plan once the backup is safe and before
	// the first migration runs, so a log says where the backup is even if
	// the process dies half-way.
	Before func(MigrateResult)
	// FS holds the migrations; nil is the embedded ones. Tests hand in
	// broken ones.
	FS fs.FS
}

// MigrateResult is what Upgrade did, or was about to do.
type MigrateResult struct {
	From, To int64   // schema version before and after
	Pending  []int64 // the versions that were pending, in order
	// Backup is the copy of the database as it was at From; "" when
	// nothing was pending, the database was new, or NoBackup was set.
	Backup string
	// Reused says Backup was already there from an earlier attempt and
	// still holds the database as it is (see Upgrade).
	Reused bool
}

// MigrateError is a migration run that stopped part-way. The database is
// left where it stopped, never restored behind anyone's back: each
// migration file is its own transaction, so the versions before the
// failed one stay applied.
type MigrateError struct {
	From   int64  // the version before the run
	At     int64  // the version the database stopped at
	Failed int64  // the migration that failed; 0 when none had started
	Backup string // the copy of the database at From; "" when none was taken
	Err    error
}

func (e *MigrateError) Error() string {
	var b strings.Builder
	b.WriteString("store: migrate: ")
	if e.Failed != 0 {
		fmt.Fprintf(&b, "migration %d failed: %v; ", e.Failed, e.Err)
	} else {
		fmt.Fprintf(&b, "%v; ", e.Err)
	}
	if e.At == e.From {
		fmt.Fprintf(&b, "the database is still at schema version %d", e.At)
	} else {
		fmt.Fprintf(&b, "the database stopped at schema version %d (it was at %d)", e.At, e.From)
	}
	if e.Backup != "" {
		fmt.Fprintf(&b, "; the backup taken before migrating is %s (vadesk restore --force %s puts it back; "+
			"nothing was restored automatically)", e.Backup, e.Backup)
	}
	return b.String()
}

func (e *MigrateError) Unwrap() error { return e.Err }

// migrateLockWait is how long Upgrade waits for other holders of the lock
// to let go before it refuses: a command beside it ends within that, a
// running server does not.
const migrateLockWait = 2 * time.Second

// Upgrade applies the pending migrations the way the server and the CLI
// must: with the database to itself and a backup taken first.
//
// With nothing pending it only refreshes the planner statistics. Otherwise
// it makes opt.Lock exclusive (ErrLocked when another vadesk process has
// the database open), backs the database up (unless it is new, at version
// 0, with nothing to lose) and then migrates. A failure part-way returns a
// *MigrateError that names the version the database stopped at and the
// backup. The backup is BackupDir/<db name>.pre-migrate-<from>-<UTC time>,
// or the same name beside the database: the files of a Rotation are named
// differently, so pruning never deletes it.
//
// A server whose migration fails may be restarted in a loop by its
// supervisor. So that each restart does not add a copy of the database,
// the newest earlier backup of the same version is reused when it still
// holds the database's newest change (Info.Newest). Deletions leave no
// timestamp; only a vadesk at that older version could have made any in
// between, since this one cannot open the database until it migrates.
func (s *Store) Upgrade(ctx context.Context, opt MigrateOptions) (res MigrateResult, err error) {
	fsys := opt.FS
	if fsys == nil {
		fsys = migrations.FS
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.SQL(), fsys)
	if err != nil {
		return MigrateResult{}, fmt.Errorf("store: migrations: %w", err)
	}
	res, err = plan(ctx, p)
	if err != nil {
		return res, err
	}
	if len(res.Pending) == 0 {
		return res, s.optimize(ctx)
	}
	if opt.Lock != nil && !opt.Lock.Exclusive() {
		if err := opt.Lock.Upgrade(migrateLockWait); err != nil {
			return res, fmt.Errorf("store: migrate: %d migration(s) are pending (schema version %d to %d), "+
				"and migrating needs the database to itself: %w; stop the running vadesk serve (it may be an older version) "+
				"and other vadesk commands on it, then try again", len(res.Pending), res.From, res.To, err)
		}
		defer func() {
			if derr := opt.Lock.Downgrade(); derr != nil {
				err = errors.Join(err, derr)
			}
		}()
		// Another process may have migrated while the lock was shared.
		if res, err = plan(ctx, p); err != nil || len(res.Pending) == 0 {
			return res, err
		}
	}
	if res.From > 0 && !opt.NoBackup {
		dir := opt.BackupDir
		if dir == "" {
			dir = filepath.Dir(s.path)
		}
		res.Backup, res.Reused, err = s.preMigrateBackup(ctx, dir, res.From, now())
		if err != nil {
			return res, fmt.Errorf("store: migrate: back up before migrating (nothing was migrated): %w", err)
		}
	}
	if opt.Before != nil {
		opt.Before(res)
	}
	if _, err := p.Up(ctx); err != nil {
		merr := &MigrateError{From: res.From, At: res.From, Backup: res.Backup, Err: err}
		var perr *goose.PartialError
		if errors.As(err, &perr) {
			merr.Err = perr.Err
			if perr.Failed != nil && perr.Failed.Source != nil {
				merr.Failed = perr.Failed.Source.Version
			}
		}
		if v, verr := p.GetDBVersion(ctx); verr == nil {
			merr.At = v
		}
		return res, merr
	}
	if res.To, err = p.GetDBVersion(ctx); err != nil {
		return res, fmt.Errorf("store: migrate: %w", err)
	}
	return res, s.optimize(ctx)
}

// plan reads the current version and the pending migrations.
func plan(ctx context.Context, p *goose.Provider) (MigrateResult, error) {
	var res MigrateResult
	from, err := p.GetDBVersion(ctx)
	if err != nil {
		return res, fmt.Errorf("store: migrate: read schema version: %w", err)
	}
	res.From, res.To = from, from
	statuses, err := p.Status(ctx)
	if err != nil {
		return res, fmt.Errorf("store: migrate: %w", err)
	}
	for _, st := range statuses {
		if st.State == goose.StatePending {
			res.Pending = append(res.Pending, st.Source.Version)
			res.To = max(res.To, st.Source.Version)
		}
	}
	return res, nil
}

const preMigrateMark = ".pre-migrate-"

// preMigrateBackup copies the database into dir before migrating from
// version from, or finds an earlier copy that is still current.
func (s *Store) preMigrateBackup(ctx context.Context, dir string, from int64, now time.Time) (path string, reused bool, err error) {
	prefix := filepath.Base(s.path) + preMigrateMark + fmt.Sprint(from) + "-"
	if prev := newestWithPrefix(dir, prefix); prev != "" {
		if ok, err := s.stillCurrent(ctx, prev); err == nil && ok {
			return prev, true, nil
		}
	}
	dst := filepath.Join(dir, prefix+now.UTC().Format(rotationLayout))
	if _, err := Backup(ctx, s.path, dst, false); err != nil {
		return "", false, err
	}
	return dst, false, nil
}

// newestWithPrefix is the file in dir whose name is prefix and a
// timestamp, the latest one; "" when there is none.
func newestWithPrefix(dir, prefix string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range ents {
		stamp, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if _, err := time.Parse(rotationLayout, stamp); err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names) // the timestamps sort by time
	return filepath.Join(dir, names[len(names)-1])
}

// stillCurrent reports whether the backup at path is sound and holds the
// database as it is now: the same schema version and the same newest
// change.
func (s *Store) stillCurrent(ctx context.Context, path string) (bool, error) {
	b, err := Inspect(ctx, path)
	if err != nil {
		return false, err
	}
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	cur, err := describe(ctx, conn)
	if err != nil {
		return false, err
	}
	return cur.Version == b.Version && cur.Newest.Equal(b.Newest), nil
}
