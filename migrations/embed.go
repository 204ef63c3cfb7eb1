// Package migrations holds vadesk's versioned SQL schema. The files are
// embedded so the binary migrates its own database at start; released files
// are append-only: a change to the schema is always a new file.
package migrations

import "embed"

// FS holds every *.sql migration, named NNNNN_what.sql and applied in order.
//
//go:embed *.sql
var FS embed.FS
