package store

import (
	"fmt"
	"time"
)

// Row is a reusable row of raw driver values for the hottest lists. rows.Scan
// into *any is database/sql's cheapest path; scanning into *int64 or
// **int64 goes through reflection for every column of every row, which was
// a tenth of the cost of a page of time entries. The accessors convert the
// stored forms the driver hands over and remember the first mismatch,
// reported by Err.
type Row struct {
	vals []any
	dest []any
	err  error
}

// NewRow makes a row of n columns.
func NewRow(n int) *Row {
	r := &Row{vals: make([]any, n), dest: make([]any, n)}
	for i := range r.vals {
		r.dest[i] = &r.vals[i]
	}
	return r
}

// Dest is what to pass to rows.Scan.
func (r *Row) Dest() []any { return r.dest }

// Err is the first value that did not have the type asked of it.
func (r *Row) Err() error { return r.err }

func (r *Row) fail(i int, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("store: column %d holds %T, not %s", i, r.vals[i], want)
	}
}

// Int reads an INTEGER column.
func (r *Row) Int(i int) int64 {
	switch v := r.vals[i].(type) {
	case int64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	r.fail(i, "an integer")
	return 0
}

// IntPtr reads a nullable INTEGER column.
func (r *Row) IntPtr(i int) *int64 {
	if r.vals[i] == nil {
		return nil
	}
	v := r.Int(i)
	return &v
}

// Bool reads a boolean stored as 0 or 1.
func (r *Row) Bool(i int) bool {
	switch v := r.vals[i].(type) {
	case bool:
		return v
	case int64:
		return v != 0
	}
	r.fail(i, "a boolean")
	return false
}

// Text reads a TEXT column; NULL reads as "".
func (r *Row) Text(i int) string {
	switch v := r.vals[i].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	r.fail(i, "text")
	return ""
}

// Time reads a DATETIME column selected raw, as ScanTime does.
func (r *Row) Time(i int) time.Time {
	var t time.Time
	if err := (timeDest{&t}).Scan(r.vals[i]); err != nil {
		r.fail(i, "a time")
	}
	return t
}
