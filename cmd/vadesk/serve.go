package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/web"
)

// testMigrations replaces the embedded migrations in tests that need a
// broken one; nil in production.
var testMigrations fs.FS

// database is the store a command or the server works on, with the lock
// that marks it in use for as long as it is open (see store.Lock).
type database struct {
	st       *store.Store
	lock     *store.Lock
	migrated store.MigrateResult
}

// openStore marks the database at cfg.DB in use, opens it and applies any
// pending migrations, backing it up first (store.Upgrade): into
// VADESK_BACKUP_DIR when set, else beside the database. The shared lock
// comes first, so a process started during a restore waits for the
// restored file instead of opening the one being replaced.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, noBackup bool) (*database, error) {
	lock, err := store.ShareLock(cfg.DB, store.BusyTimeout)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		lock.Close()
		return nil, err
	}
	db := &database{st: st, lock: lock}
	db.migrated, err = st.Upgrade(ctx, store.MigrateOptions{
		Lock: lock, BackupDir: cfg.Backup.Dir, NoBackup: noBackup, FS: testMigrations,
		Before: func(r store.MigrateResult) {
			args := []any{"db", cfg.DB, "from", r.From, "to", r.To, "pending", len(r.Pending)}
			switch {
			case r.Backup != "":
				args = append(args, "backup", r.Backup, "backup_reused", r.Reused)
			case r.From > 0:
				args = append(args, "backup", "none (--no-backup)")
			}
			log.Info("migrating the database", args...)
		},
	})
	if err != nil {
		var merr *store.MigrateError
		if errors.As(err, &merr) {
			log.Error("migration failed; the database is left where it stopped", "db", cfg.DB, "from", merr.From,
				"stopped_at", merr.At, "failed", merr.Failed, "backup", merr.Backup, "err", merr.Err.Error())
		}
		db.close()
		return nil, err
	}
	if len(db.migrated.Pending) > 0 {
		log.Info("migrated the database", "db", cfg.DB, "from", db.migrated.From, "to", db.migrated.To)
	}
	return db, nil
}

// close closes the store, then lets go of the lock.
func (d *database) close() error {
	err := d.st.Close()
	d.lock.Close()
	return err
}

// cliLog is the log of a command: plain text on standard error, for the
// rare notes (a migration) a command has to make beside its output.
func cliLog(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func serve(ctx context.Context, cfg config.Config, args []string, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (VADESK_ADDR)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	db, err := openStore(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	st := db.st
	if !store.AdvisoryLocks {
		log.Warn("this platform has no advisory file locks: stop vadesk serve yourself before vadesk restore")
	}
	e := httpapi.New(httpapi.Deps{
		Config:   cfg,
		Store:    st,
		Services: app.New(cfg, st, time.Now),
		Log:      log,
		Web:      web.Static(),
	})
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		db.close()
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("vadesk serving", "addr", ln.Addr().String(), "db", cfg.DB, "version", versionString())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	stopRecurring := startRecurring(ctx, st, log)
	backups := make(chan struct{})
	bctx, stopBackups := context.WithCancel(ctx)
	defer stopBackups()
	go func() {
		defer close(backups)
		if cfg.Backup.Dir != "" {
			scheduleBackups(bctx, cfg.Backup, cfg.DB, log)
		}
	}()
	select {
	case err := <-errc:
		stopBackups()
		<-backups
		stopRecurring()
		db.close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish within the grace period,
	// then checkpoint and close the database.
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	shutErr := srv.Shutdown(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
	}
	stopBackups() // a backup in progress is interrupted and its temp file removed
	<-backups
	stopRecurring()
	// The lock goes last, so a restore cannot start before the database is
	// checkpointed and closed.
	closeErr := db.close()
	if shutErr != nil {
		log.Warn("shutdown timed out; some requests were cut off", "err", shutErr)
	}
	if closeErr != nil {
		return closeErr
	}
	if shutErr != nil {
		log.Info("stopped", "exit_code", exitShutdownTimedOut)
		return fmt.Errorf("%w (VADESK_SHUTDOWN_TIMEOUT %s)", errShutdownTimedOut, cfg.ShutdownGrace)
	}
	log.Info("stopped")
	return nil
}
