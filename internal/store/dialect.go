package store

import (
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// dialector is GORM's SQLite dialect with one change: it writes each bound
// parameter as "+?" instead of "?".
//
// SQLite's planner peeks at some bound values ("col = ?" is planned with a
// heuristic for 0 and 1, LIMIT ? is read as its number) and marks such a
// statement to be prepared again when the value changes. go-sqlite3 clears
// every binding before it binds the next run's values, and clearing marks
// the statement changed whatever the values, so a statement with one such
// parameter was parsed and planned again on every single run: nearly every
// scoped query, since "practice_id = ?" is one. That was a fifth of the cost
// of a page of time entries. A unary plus is a no-op on any value (it keeps
// type and value, and the column's affinity still applies in comparisons)
// and hides the value from the planner; an index on the column is still
// used. The planner loses nothing it relied on here: no LIKE prefix
// optimisation (our LIKEs are case-insensitive and use none) and no partial
// index matched through a parameter. TestBoundStatementsAreNotReprepared
// keeps it so.
type dialector struct{ *sqlite.Dialector }

func (dialector) BindVarTo(w clause.Writer, _ *gorm.Statement, _ any) { w.WriteString("+?") }
