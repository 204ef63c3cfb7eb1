package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/vadesk/vadesk/migrations"
)

// Migrate applies every pending migration. Each file runs in its own
// transaction, so a failing migration leaves the database as it was.
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
	// Gather planner statistics where they are missing or stale (0x10002:
	// analyze tables without statistics too, within a bounded cost), so
	// SQLite picks the selective index for a 10,000-entry invoice instead of
	// the first one that fits. Cheap when there is nothing to do.
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
