package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Rotation keeps timestamped backups of one database in a directory and
// prunes the oldest, for the scheduled backups of VADESK_BACKUP_DIR. Files
// are named vadesk-YYYYMMDDTHHMMSSZ.db, so their names sort by age and the
// schedule survives restarts; other files in the directory are left alone.
type Rotation struct {
	Dir  string
	Keep int // how many backups to keep; at least 1
}

const (
	rotationPrefix = "vadesk-"
	rotationSuffix = ".db"
	rotationLayout = "20060102T150405Z"
)

// Snapshot is one file of a Rotation.
type Snapshot struct {
	Path  string
	Taken time.Time
}

// List returns the rotation's backups, oldest first.
func (r Rotation) List() ([]Snapshot, error) {
	ents, err := os.ReadDir(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: list backups: %w", err)
	}
	var out []Snapshot
	for _, e := range ents {
		name := e.Name()
		stamp, ok := strings.CutPrefix(name, rotationPrefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		stamp, ok = strings.CutSuffix(stamp, rotationSuffix)
		if !ok {
			continue
		}
		t, err := time.Parse(rotationLayout, stamp)
		if err != nil {
			continue
		}
		out = append(out, Snapshot{Path: filepath.Join(r.Dir, name), Taken: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Taken.Before(out[j].Taken) })
	return out, nil
}

// Take backs up the database at dbPath into the rotation as of now, then
// prunes. Two backups in the same second replace each other.
func (r Rotation) Take(ctx context.Context, dbPath string, now time.Time) (Info, error) {
	if err := os.MkdirAll(r.Dir, 0o750); err != nil {
		return Info{}, fmt.Errorf("store: backup directory: %w", err)
	}
	dst := filepath.Join(r.Dir, rotationPrefix+now.UTC().Format(rotationLayout)+rotationSuffix)
	info, err := Backup(ctx, dbPath, dst, true)
	if err != nil {
		return Info{}, err
	}
	if _, err := r.Prune(); err != nil {
		return info, err
	}
	return info, nil
}

// Prune deletes all but the newest Keep backups and returns what it
// deleted, along with temporary files of backups that a crash cut short
// (an hour old, so never one still being written).
func (r Rotation) Prune() ([]string, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	var gone []string
	stale, _ := filepath.Glob(filepath.Join(r.Dir, "."+rotationPrefix+"*"+rotationSuffix+".tmp-*"))
	for _, p := range stale {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > time.Hour {
			if os.Remove(p) == nil {
				gone = append(gone, p)
			}
		}
	}
	keep := max(r.Keep, 1)
	for len(all) > keep {
		if err := os.Remove(all[0].Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return gone, fmt.Errorf("store: prune backups: %w", err)
		}
		gone = append(gone, all[0].Path)
		all = all[1:]
	}
	return gone, nil
}

// Next is when the next scheduled backup is due: interval after the newest
// one, or now when there is none (or the newest is from the future).
func (r Rotation) Next(now time.Time, interval time.Duration) (time.Time, error) {
	all, err := r.List()
	if err != nil || len(all) == 0 {
		return now, err
	}
	last := all[len(all)-1].Taken
	if last.After(now) {
		return now, nil
	}
	return last.Add(interval), nil
}
