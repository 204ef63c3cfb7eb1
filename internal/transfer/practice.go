package transfer

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
)

// DocumentFormat names vadesk's whole-practice JSON document.
const DocumentFormat = "vadesk.practice"

// DocumentVersion is the version of the document's layout (not of the
// schema, which the document records beside it).
const DocumentVersion = 1

// The document, as `vadesk export --json` writes it:
//
//	{
//	  "format": "vadesk.practice",
//	  "version": 1,
//	  "schema_version": 4,             // the database's migration version
//	  "exported_at": "2026-11-02T09:00:00Z",
//	  "practice": {"id": 1, "name": "…", "timezone": "…", …},
//	  "tables": {
//	    "users": [{"id": 1, "email": "…", "password_hash": "…", …}, …],
//	    "clients": […], …
//	  }
//	}
//
// Every row is an object of its table's columns as they are stored:
// numbers, strings, booleans, null; DATETIME columns as RFC 3339 times in
// UTC, BLOB columns (the practice's logo) as base64. Ids are the exporting
// database's; an import gives every row a new id and rewrites every
// reference, so a practice can move into a database that hosts others.
//
// Left out: login sessions, API tokens, calendar links and portal invites
// (secrets that belong to the old installation: people log in again and
// make new tokens there), and the audit log (a record of what happened in
// the old installation, whose object ids would not survive the move).

// practiceTables are the tables of a practice in an order where every row
// comes after the rows it refers to (references forward, such as a fixed-fee
// project's invoice, are set once the whole practice is in).
var practiceTables = []string{
	"users", "clients", "contacts", "services", "client_rates", "projects", "tasks",
	"invoices", "invoice_lines", "invoice_sequences", "payments",
	"time_entries", "timers", "expenses", "invoice_line_sources",
	"assistant_clients",
	"retainers", "retainer_terms", "retainer_services", "retainer_invoices",
}

// undeclaredRefs are references the schema does not declare as foreign
// keys, by table and column.
var undeclaredRefs = map[string]map[string]string{
	"projects":      {"invoice_id": "invoices"},
	"invoice_lines": {"service_id": "services", "project_id": "projects", "task_id": "tasks"},
}

// column is what the import needs to know of a column.
type column struct {
	name string
	typ  string // declared type, upper case
	pk   bool   // the INTEGER PRIMARY KEY "id" that the import renumbers
	ref  string // table it refers to, "" for none
}

// tableColumns reads a table's columns and references from the schema.
func tableColumns(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string) ([]column, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	var cols []column
	pks := 0
	for rows.Next() {
		var c column
		var pk int
		if err := rows.Scan(&c.name, &c.typ, &pk); err != nil {
			rows.Close()
			return nil, err
		}
		c.pk = pk > 0
		if c.pk {
			pks++
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) == 0 {
		return nil, fmt.Errorf("transfer: no table %s", table)
	}
	for i := range cols {
		// Only a lone INTEGER PRIMARY KEY is a row id to renumber.
		cols[i].pk = cols[i].pk && pks == 1 && cols[i].name == "id" && cols[i].typ == "INTEGER"
	}
	refs := map[string]string{}
	frows, err := q.QueryContext(ctx, `SELECT "from", "table" FROM pragma_foreign_key_list(?)`, table)
	if err != nil {
		return nil, err
	}
	for frows.Next() {
		var from, to string
		if err := frows.Scan(&from, &to); err != nil {
			frows.Close()
			return nil, err
		}
		refs[from] = to
	}
	frows.Close()
	for from, to := range undeclaredRefs[table] {
		refs[from] = to
	}
	for i := range cols {
		cols[i].ref = refs[cols[i].name]
	}
	return cols, nil
}

// ExportPractice writes the named practice (the only one when name is
// empty) as the JSON document, streaming: rows are read and written one at
// a time. It reads in one transaction, so the document is one moment of
// the practice even while the server runs.
func (s *Service) ExportPractice(ctx context.Context, name string, w io.Writer) error {
	// One read transaction on one connection of the read pool. It is begun
	// by hand: the pool's connections would begin IMMEDIATE (a write lock)
	// and refuse, being query-only; a DEFERRED one reads a snapshot.
	tx, err := s.st.ReadSQL().Conn(ctx)
	if err != nil {
		return fmt.Errorf("transfer: export: %w", err)
	}
	defer tx.Close()
	if _, err := tx.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return fmt.Errorf("transfer: export: %w", err)
	}
	defer tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	id, err := findPractice(ctx, tx, name)
	if err != nil {
		return err
	}
	var version int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&version); err != nil {
		return fmt.Errorf("transfer: export: schema version: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	head, _ := json.Marshal(map[string]any{"format": DocumentFormat, "version": DocumentVersion, "schema_version": version,
		"exported_at": s.now().Format(time.RFC3339)})
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"practice":`)
	if err := writeRows(ctx, tx, bw, "SELECT * FROM practices WHERE id = ?", id, true); err != nil {
		return err
	}
	bw.WriteString(`,"tables":{`)
	for i, t := range practiceTables {
		if i > 0 {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, "\n%q:[", t)
		if err := writeRows(ctx, tx, bw, "SELECT * FROM "+t+" WHERE practice_id = ? ORDER BY rowid", id, false); err != nil {
			return err
		}
		bw.WriteByte(']')
	}
	bw.WriteString("\n}}\n")
	return bw.Flush()
}

// findPractice returns the id of the practice called name, or of the only
// one.
func findPractice(ctx context.Context, tx *sql.Conn, name string) (int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, name FROM practices ORDER BY id")
	if err != nil {
		return 0, fmt.Errorf("transfer: practices: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var names []string
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return 0, err
		}
		if name != "" && n == name {
			return id, nil
		}
		ids, names = append(ids, id), append(names, n)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch {
	case name == "" && len(ids) == 1:
		return ids[0], nil
	case name == "" && len(ids) == 0:
		return 0, apperr.Invalid("practice", "this database has no practice yet")
	case name == "":
		return 0, apperr.Invalid("practice", fmt.Sprintf("name one of the %d practices: %s", len(names), strings.Join(names, ", ")))
	}
	return 0, apperr.Invalid("practice", fmt.Sprintf("there is no practice called %q", name))
}

// writeRows writes the rows of a query as JSON objects, comma separated
// (one object, not a list, when single).
func writeRows(ctx context.Context, tx *sql.Conn, w *bufio.Writer, q string, id int64, single bool) error {
	rows, err := tx.QueryContext(ctx, q, id)
	if err != nil {
		return fmt.Errorf("transfer: export: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("transfer: export: %w", err)
		}
		if n > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n{")
		for i, c := range cols {
			if i > 0 {
				w.WriteByte(',')
			}
			k, _ := json.Marshal(c)
			w.Write(k)
			w.WriteByte(':')
			v := vals[i]
			if t, ok := v.(time.Time); ok {
				v = t.UTC().Format(time.RFC3339Nano)
			}
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("transfer: export: %s: %w", c, err)
			}
			w.Write(b)
		}
		w.WriteByte('}')
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("transfer: export: %w", err)
	}
	if single && n != 1 {
		return fmt.Errorf("transfer: export: %d rows where one was expected", n)
	}
	return nil
}

// ImportSummary says what an import brought in.
type ImportSummary struct {
	PracticeID int64
	Name       string
	Rows       map[string]int
}

// ImportPractice reads a document and adds its practice to this database
// as a new practice (called rename, when given), in one transaction:
// everything or nothing. Every row gets a new id and every reference is
// rewritten. A name or user e-mail that is taken here is refused, as is a
// document from a newer vadesk.
func (s *Service) ImportPractice(ctx context.Context, r io.Reader, rename string) (ImportSummary, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	dec.UseNumber()
	sum := ImportSummary{Rows: map[string]int{}}
	var ourVersion int64
	if err := s.st.SQL().QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&ourVersion); err != nil {
		return sum, fmt.Errorf("transfer: import: schema version: %w", err)
	}
	tx, err := s.st.SQL().BeginTx(ctx, nil)
	if err != nil {
		return sum, fmt.Errorf("transfer: import: %w", store.Translate(err))
	}
	defer tx.Rollback()
	im := &docImporter{ctx: ctx, tx: tx, ids: map[string]map[int64]int64{}, cols: map[string][]column{}}
	if err := expect(dec, json.Delim('{')); err != nil {
		return sum, err
	}
	seen := map[string]bool{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return sum, badDoc(err)
		}
		k, _ := key.(string)
		seen[k] = true
		switch k {
		case "format":
			var v string
			if err := dec.Decode(&v); err != nil || v != DocumentFormat {
				return sum, badDoc(fmt.Errorf("format is %q, not %s", v, DocumentFormat))
			}
		case "version":
			var v int
			if err := dec.Decode(&v); err != nil || v != DocumentVersion {
				return sum, badDoc(fmt.Errorf("document version %d is not %d", v, DocumentVersion))
			}
		case "schema_version":
			var v int64
			if err := dec.Decode(&v); err != nil {
				return sum, badDoc(err)
			}
			if v > ourVersion {
				return sum, fmt.Errorf("transfer: import: the document comes from a newer vadesk (schema %d; this one is at %d): upgrade first", v, ourVersion)
			}
		case "practice":
			if !seen["format"] {
				return sum, badDoc(errors.New("format must come first"))
			}
			var row map[string]any
			if err := dec.Decode(&row); err != nil {
				return sum, badDoc(err)
			}
			if rename != "" {
				row["name"] = rename
			}
			sum.Name, _ = row["name"].(string)
			if err := im.practice(row); err != nil {
				return sum, err
			}
			sum.PracticeID = im.practiceID
		case "tables":
			if im.practiceID == 0 {
				return sum, badDoc(errors.New("practice must come before tables"))
			}
			if err := im.tables(dec, sum.Rows); err != nil {
				return sum, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return sum, badDoc(err)
			}
		}
	}
	if !seen["tables"] || !seen["practice"] {
		return sum, badDoc(errors.New("practice or tables missing"))
	}
	if err := im.fixups(); err != nil {
		return sum, err
	}
	if err := tx.Commit(); err != nil {
		return sum, fmt.Errorf("transfer: import: %w", store.Translate(err))
	}
	return sum, nil
}

func badDoc(err error) error {
	return fmt.Errorf("transfer: import: not a vadesk practice document: %w", err)
}

func expect(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return badDoc(err)
	}
	if t != d {
		return badDoc(fmt.Errorf("expected %v, found %v", d, t))
	}
	return nil
}

// docImporter inserts a document's rows and remembers the new id of every
// old one.
type docImporter struct {
	ctx        context.Context
	tx         *sql.Tx
	practiceID int64
	ids        map[string]map[int64]int64 // table → old id → new id
	cols       map[string][]column
	later      []fixup
}

// fixup is a reference to a row that comes later in the document, set
// once everything is in.
type fixup struct {
	table, col, ref string
	rowID, old      int64
}

func (im *docImporter) columns(table string) ([]column, error) {
	if c, ok := im.cols[table]; ok {
		return c, nil
	}
	c, err := tableColumns(im.ctx, im.tx, table)
	if err != nil {
		return nil, fmt.Errorf("transfer: import: %w", err)
	}
	im.cols[table] = c
	return c, nil
}

func (im *docImporter) practice(row map[string]any) error {
	name, _ := row["name"].(string)
	var n int
	if err := im.tx.QueryRowContext(im.ctx, "SELECT COUNT(*) FROM practices WHERE name = ?", name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("a practice called %q exists in this database already; import it under another name", name)
	}
	id, err := im.insert("practices", row)
	if err != nil {
		return err
	}
	im.practiceID = id
	return nil
}

func (im *docImporter) tables(dec *json.Decoder, counts map[string]int) error {
	if err := expect(dec, json.Delim('{')); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return badDoc(err)
		}
		table, _ := key.(string)
		if !slices.Contains(practiceTables, table) {
			return badDoc(fmt.Errorf("unknown table %q", table))
		}
		if err := expect(dec, json.Delim('[')); err != nil {
			return err
		}
		for dec.More() {
			var row map[string]any
			if err := dec.Decode(&row); err != nil {
				return badDoc(fmt.Errorf("%s: %w", table, err))
			}
			if _, err := im.insert(table, row); err != nil {
				return err
			}
			counts[table]++
		}
		if err := expect(dec, json.Delim(']')); err != nil {
			return err
		}
	}
	return expect(dec, json.Delim('}'))
}

// insert writes one row with its references rewritten and returns its new
// id (0 for tables keyed otherwise).
func (im *docImporter) insert(table string, row map[string]any) (int64, error) {
	cols, err := im.columns(table)
	if err != nil {
		return 0, err
	}
	known := map[string]bool{}
	var names []string
	var args []any
	var oldID int64
	var pending []fixup
	for _, c := range cols {
		known[c.name] = true
		v, ok := row[c.name]
		if !ok {
			continue // a column newer than the document: its default
		}
		if c.pk {
			oldID, _ = asInt(v)
			continue
		}
		val, err := convert(c, v)
		if err != nil {
			return 0, badDoc(fmt.Errorf("%s.%s: %w", table, c.name, err))
		}
		switch {
		case c.name == "practice_id" && table != "practices":
			val = im.practiceID
		case c.ref != "" && c.ref != "practices" && val != nil:
			old := val.(int64)
			if nid, ok := im.ids[c.ref][old]; ok {
				val = nid
			} else if slices.Index(practiceTables, c.ref) > slices.Index(practiceTables, table) {
				pending = append(pending, fixup{table: table, col: c.name, ref: c.ref, old: old})
				val = nil
			} else {
				return 0, badDoc(fmt.Errorf("%s.%s refers to %s %d, which the document does not hold", table, c.name, c.ref, old))
			}
		}
		names = append(names, c.name)
		args = append(args, val)
	}
	for k := range row {
		if !known[k] {
			return 0, badDoc(fmt.Errorf("%s has no column %q here", table, k))
		}
	}
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	res, err := im.tx.ExecContext(im.ctx, q, args...)
	if err != nil {
		if store.IsUnique(err) && table == "users" {
			return 0, apperr.Conflict("user %v exists in this database already: an e-mail address logs in to one practice only", row["email"])
		}
		return 0, fmt.Errorf("transfer: import %s: %w", table, store.Translate(err))
	}
	var id int64
	if oldID != 0 {
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
		if im.ids[table] == nil {
			im.ids[table] = map[int64]int64{}
		}
		im.ids[table][oldID] = id
	}
	for _, f := range pending {
		f.rowID = id
		im.later = append(im.later, f)
	}
	return id, nil
}

// fixups sets the references to rows that came later in the document.
func (im *docImporter) fixups() error {
	for _, f := range im.later {
		nid, ok := im.ids[f.ref][f.old]
		if !ok {
			return badDoc(fmt.Errorf("%s.%s refers to %s %d, which the document does not hold", f.table, f.col, f.ref, f.old))
		}
		if _, err := im.tx.ExecContext(im.ctx, "UPDATE "+f.table+" SET "+f.col+" = ? WHERE id = ?", nid, f.rowID); err != nil {
			return fmt.Errorf("transfer: import: %w", err)
		}
	}
	return nil
}

func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// convert turns a JSON value into what the column stores.
func convert(c column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch {
	case strings.Contains(c.typ, "INT"):
		if b, ok := v.(bool); ok {
			if b {
				return int64(1), nil
			}
			return int64(0), nil
		}
		i, ok := asInt(v)
		if !ok {
			return nil, fmt.Errorf("%v is not a whole number", v)
		}
		return i, nil
	case c.typ == "BOOLEAN":
		switch b := v.(type) {
		case bool:
			return b, nil
		case json.Number:
			return b.String() != "0", nil
		}
		return nil, fmt.Errorf("%v is not true or false", v)
	case c.typ == "DATETIME":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a time", v)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, err
		}
		return t.UTC(), nil
	case c.typ == "BLOB":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not base64", v)
		}
		return base64.StdEncoding.DecodeString(s)
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return nil, fmt.Errorf("%v is not text", v)
}
