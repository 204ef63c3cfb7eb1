package store

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/vadesk/vadesk/migrations"
)

// Migrate applies every pending migration. Each file runs in its own
// transaction, so a failing migration leaves the database as it was.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.SQL(), migrations.FS)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
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
