package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/store"
)

// parseWithFile parses flags around one positional FILE argument, so both
// "backup --force FILE" and "backup FILE --force" work.
func parseWithFile(fs *flag.FlagSet, args []string, usage string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", errors.New(usage)
	}
	file := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", errors.New(usage)
	}
	return file, nil
}

// backupCmd writes a consistent copy of the database while the server may
// be serving it from another process. It does not migrate: a newer CLI must
// not change the schema under an older server.
func backupCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	force := fs.Bool("force", false, "overwrite FILE if it exists")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	file, err := parseWithFile(fs, args, "usage: vadesk backup [--force] [--db PATH] FILE")
	if err != nil {
		return err
	}
	info, err := store.Backup(ctx, cfg.DB, file, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, schema version %d, last change %s)\n",
		cfg.DB, info.Path, info.Bytes, info.Version, when(info.Newest))
	return nil
}

// restoreCmd replaces the database with a backup. The server must be
// stopped: store.Restore refuses a database another process holds open.
func restoreCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	force := fs.Bool("force", false, "replace a database that is newer than the backup, or damaged")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	file, err := parseWithFile(fs, args, "usage: vadesk restore [--force] [--db PATH] FILE (stop the server first)")
	if err != nil {
		return err
	}
	res, err := store.Restore(ctx, file, cfg.DB, *force, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s (schema version %d, last change %s)\n",
		cfg.DB, file, res.Backup.Version, when(res.Backup.Newest))
	if res.Replaced != nil {
		fmt.Fprintf(stdout, "it replaced a database at schema version %d, last change %s", res.Replaced.Version, when(res.Replaced.Newest))
		if res.KeptAs != "" {
			fmt.Fprintf(stdout, ", kept as %s", res.KeptAs)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// scheduleBackups takes a backup into cfg.Dir every cfg.Interval until ctx
// ends, keeping the newest cfg.Keep. The first one is due an interval after
// the newest file already there, so restarts do not pile up backups. A
// failed backup is logged and tried again at the next tick; the server
// keeps serving.
func scheduleBackups(ctx context.Context, cfg config.Backup, dbPath string, log *slog.Logger) {
	rot := store.Rotation{Dir: cfg.Dir, Keep: cfg.Keep}
	next, err := rot.Next(time.Now(), cfg.Interval)
	if err != nil {
		log.Error("scheduled backup", "err", err)
		next = time.Now()
	}
	log.Info("scheduled backups", "dir", cfg.Dir, "keep", cfg.Keep, "interval", cfg.Interval.String(), "next", next.UTC().Format(time.RFC3339))
	for {
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		info, err := rot.Take(ctx, dbPath, start)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("scheduled backup failed", "dir", cfg.Dir, "err", err)
			}
		} else {
			log.Info("backup taken", "file", info.Path, "bytes", info.Bytes,
				"duration_ms", time.Since(start).Milliseconds())
		}
		next = start.Add(cfg.Interval)
	}
}
