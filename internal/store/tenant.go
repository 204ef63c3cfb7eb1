package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// PracticeColumner is implemented by models whose practice is held in a
// column other than practice_id (the practices table itself: "id").
type PracticeColumner interface{ PracticeColumn() string }

// ClientColumner is implemented by models that belong to a client under a
// column other than client_id (the clients table itself: "id"). A model
// returning "" is not narrowed to a client user's client.
type ClientColumner interface{ ClientColumn() string }

// AssignedColumner is implemented by models that narrow a restricted
// assistant by a column other than their client column. A model returning ""
// is not narrowed for assistants: users carry a client_id only for client
// users, and an assistant must still find themselves and their colleagues.
type AssignedColumner interface{ AssignedColumn() string }

// registerTenantCallbacks installs the one mechanism that scopes every
// model query: before GORM builds a SELECT, UPDATE or DELETE on a model with
// a practice column, it adds "practice_id = caller's practice" (and, for a
// client user, "client_id = their client"; for an assistant, "client_id IN
// their assigned clients"); before an INSERT it stamps the caller's practice
// on the row and refuses a row for a client the caller may not see. A query
// without a scope in its context fails unless the context was marked
// tenant.System. Raw SQL (reports) is not covered and must filter by practice
// itself (and by tenant.Scope.ClientCondition).
func registerTenantCallbacks(db *gorm.DB) error {
	cb := db.Callback()
	regs := []error{
		cb.Query().Before("gorm:query").Register("vadesk:tenant", scopeWhere),
		cb.Row().Before("gorm:row").Register("vadesk:tenant", scopeWhere),
		cb.Update().Before("gorm:update").Register("vadesk:tenant", scopeWhere),
		cb.Delete().Before("gorm:delete").Register("vadesk:tenant", scopeWhere),
		cb.Create().Before("gorm:create").Register("vadesk:tenant", scopeCreate),
	}
	for _, err := range regs {
		if err != nil {
			return fmt.Errorf("store: register tenant callbacks: %w", err)
		}
	}
	return nil
}

type columns struct{ practice, client, assigned string }

func tenantColumns(db *gorm.DB) (columns, bool) {
	if db.Statement.Schema == nil {
		return columns{}, false
	}
	return columnsOf(db.Statement.Schema)
}

// modelColumns caches columnsOf by model type: it runs before every query.
var modelColumns sync.Map // reflect.Type → columns

func columnsOf(s *schema.Schema) (columns, bool) {
	if c, ok := modelColumns.Load(s.ModelType); ok {
		return c.(columns), c.(columns).practice != ""
	}
	var c columns
	model := reflect.New(s.ModelType).Interface()
	if pc, ok := model.(PracticeColumner); ok {
		c.practice = pc.PracticeColumn()
	} else if _, ok := s.FieldsByDBName["practice_id"]; ok {
		c.practice = "practice_id"
	}
	if cc, ok := model.(ClientColumner); ok {
		c.client = cc.ClientColumn()
	} else if _, ok := s.FieldsByDBName["client_id"]; ok {
		c.client = "client_id"
	}
	c.assigned = c.client
	if ac, ok := model.(AssignedColumner); ok {
		c.assigned = ac.AssignedColumn()
	}
	modelColumns.Store(s.ModelType, c)
	return c, c.practice != ""
}

// scopeOf is what the caller in ctx may see of a table with cols: sc's
// practice and, when clientCol is not "", only the ids of sc.ClientLimit in
// that column. system reports a tenant.System context, which is not
// narrowed; a context with neither is an error, so that a query nobody
// scoped fails instead of reading every practice.
func scopeOf(ctx context.Context, cols columns, table string) (sc tenant.Scope, clientCol string, system bool, err error) {
	sc, scoped := tenant.From(ctx)
	if !scoped {
		if tenant.IsSystem(ctx) {
			return sc, "", true, nil
		}
		return sc, "", false, fmt.Errorf("%w (%s)", tenant.ErrNoScope, table)
	}
	return sc, cols.clientFor(sc), false, nil
}

func scopeWhere(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	cols, ok := tenantColumns(db)
	if !ok {
		return
	}
	sc, col, system, err := scopeOf(db.Statement.Context, cols, db.Statement.Schema.Table)
	if err != nil {
		db.AddError(err)
	}
	if err != nil || system {
		return
	}
	exprs := []clause.Expression{clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: cols.practice}, Value: sc.PracticeID}}
	if col != "" {
		ids, _ := sc.ClientLimit()
		values := make([]any, len(ids))
		for i, id := range ids {
			values[i] = id
		}
		// No ids at all writes IN (NULL), which matches nothing.
		exprs = append(exprs, clause.IN{Column: clause.Column{Table: clause.CurrentTable, Name: col}, Values: values})
	}
	db.Statement.AddClause(clause.Where{Exprs: exprs})
}

// ScopeSQL is the condition the callbacks add to every query of model,
// written out for the few hot reads that skip GORM (see Store.Query):
// "table.practice_id = +?" and, for a caller limited to some clients,
// " AND table.client_id IN (+?, ...)", with its arguments; table is the name
// or alias the query gives model's table. Like the callbacks it fails
// closed on a context without a scope; a tenant.System context gets "1".
func (s *Store) ScopeSQL(ctx context.Context, model any, table string) (string, []any, error) {
	stmt := &gorm.Statement{DB: s.r}
	if err := stmt.Parse(model); err != nil {
		return "", nil, fmt.Errorf("store: scope of %T: %w", model, err)
	}
	cols, ok := columnsOf(stmt.Schema)
	if !ok {
		return "", nil, fmt.Errorf("store: %T belongs to no practice", model)
	}
	sc, col, system, err := scopeOf(ctx, cols, stmt.Schema.Table)
	if err != nil || system {
		return "1", nil, err
	}
	cond := table + "." + cols.practice + " = +?"
	args := []any{sc.PracticeID}
	if col != "" {
		ids, _ := sc.ClientLimit()
		if len(ids) == 0 {
			return cond + " AND 0", args, nil
		}
		cond += " AND " + table + "." + col + " IN (+?" + strings.Repeat(", +?", len(ids)-1) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return cond, args, nil
}

// clientFor is the column that narrows sc to its clients, or "" when sc sees
// every client or the model does not belong to one.
func (c columns) clientFor(sc tenant.Scope) string {
	if _, limited := sc.ClientLimit(); !limited {
		return ""
	}
	if sc.ClientID != 0 {
		return c.client
	}
	return c.assigned
}

func scopeCreate(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	cols, ok := tenantColumns(db)
	if !ok || cols.practice != "practice_id" {
		return
	}
	ctx := db.Statement.Context
	sc, col, system, err := scopeOf(ctx, cols, db.Statement.Schema.Table)
	if err != nil {
		db.AddError(err)
	}
	if err != nil || system {
		return
	}
	field := db.Statement.Schema.FieldsByDBName["practice_id"]
	// A caller limited to some clients may only write rows of those clients;
	// the domain code checks first and answers 404, this is the backstop.
	var clientField *schema.Field
	if col == "client_id" {
		clientField = db.Statement.Schema.FieldsByDBName[col]
	}
	rv := db.Statement.ReflectValue
	stamp := func(v reflect.Value) {
		cur, zero := field.ValueOf(ctx, v)
		if zero {
			_ = field.Set(ctx, v, sc.PracticeID)
		} else if id, _ := cur.(int64); id != sc.PracticeID {
			db.AddError(fmt.Errorf("%w: row for practice %d written by practice %d", tenant.ErrNoScope, id, sc.PracticeID))
		}
		if clientField == nil {
			return
		}
		cur, zero = clientField.ValueOf(ctx, v)
		if zero {
			return
		}
		id, ok := cur.(int64)
		if p, isPtr := cur.(*int64); isPtr && p != nil {
			id, ok = *p, true
		}
		if !ok || !sc.MaySeeClient(id) {
			db.AddError(fmt.Errorf("%w: row for client %v written by a caller limited to other clients", tenant.ErrNoScope, cur))
		}
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			stamp(reflect.Indirect(rv.Index(i)))
		}
	case reflect.Struct:
		stamp(rv)
	}
}
