package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/tenant"
)

type clientRow struct {
	ID         int64
	PracticeID int64
	Name       string
	Currency   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (clientRow) TableName() string    { return "clients" }
func (clientRow) ClientColumn() string { return "id" }

type contactRow struct {
	ID         int64
	PracticeID int64
	ClientID   int64
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (contactRow) TableName() string { return "contacts" }

// userRow is narrowed for client users but not for assistants.
type userRow struct {
	ID         int64
	PracticeID int64
	ClientID   *int64
	Email      string
}

func (userRow) TableName() string      { return "users" }
func (userRow) AssignedColumn() string { return "" }

// An assistant's scope narrows every query on client-owned rows to the
// clients they were assigned (none when the list is empty), in the data
// layer, like a client user's does to their one client; and it refuses to
// write rows for other clients.
func TestAssignedClientsScoping(t *testing.T) {
	st := open(t)
	sys := tenant.System(context.Background())
	mustExec := func(q string, args ...any) {
		t.Helper()
		if err := st.Write(sys).Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	mustExec("INSERT INTO practices (id, name, created_at, updated_at) VALUES (1, 'A', datetime(), datetime())")
	for id := 1; id <= 3; id++ {
		mustExec("INSERT INTO clients (id, practice_id, name, currency, created_at, updated_at) VALUES (?, 1, ?, 'USD', datetime(), datetime())", id, "client")
		mustExec("INSERT INTO contacts (practice_id, client_id, name, created_at, updated_at) VALUES (1, ?, 'c', datetime(), datetime())", id)
	}
	mustExec("INSERT INTO users (id, practice_id, email, name, role, password_hash, created_at, updated_at) VALUES (7, 1, 'a@x', 'A', 'assistant', 'x', datetime(), datetime())")
	mustExec("INSERT INTO users (id, practice_id, email, name, role, client_id, password_hash, created_at, updated_at) VALUES (8, 1, 'c@x', 'C', 'client', 2, 'x', datetime(), datetime())")

	scope := func(s tenant.Scope) context.Context { return tenant.With(context.Background(), s) }
	owner := scope(tenant.Scope{PracticeID: 1, UserID: 1, Role: tenant.Owner})
	two := scope(tenant.Scope{PracticeID: 1, UserID: 7, Role: tenant.Assistant, Restricted: true, AssignedClients: []int64{1, 3}})
	none := scope(tenant.Scope{PracticeID: 1, UserID: 7, Role: tenant.Assistant, Restricted: true})
	clientUser := scope(tenant.Scope{PracticeID: 1, UserID: 8, Role: tenant.Client, ClientID: 2})

	for _, c := range []struct {
		name           string
		ctx            context.Context
		clients, users int
	}{
		{"owner", owner, 3, 2},
		{"assistant of 1 and 3", two, 2, 2},
		{"assistant of none", none, 0, 2},
		{"client user of 2", clientUser, 1, 1},
	} {
		var cls []clientRow
		var cts []contactRow
		var us []userRow
		if err := st.Read(c.ctx).Find(&cls).Error; err != nil {
			t.Fatal(err)
		}
		if err := st.Read(c.ctx).Find(&cts).Error; err != nil {
			t.Fatal(err)
		}
		if err := st.Read(c.ctx).Find(&us).Error; err != nil {
			t.Fatal(err)
		}
		if len(cls) != c.clients || len(cts) != c.clients || len(us) != c.users {
			t.Errorf("%s sees %d clients, %d contacts, %d users; want %d, %d, %d", c.name, len(cls), len(cts), len(us), c.clients, c.clients, c.users)
		}
		for _, ct := range cts {
			if !func() bool {
				s, _ := tenant.From(c.ctx)
				return s.MaySeeClient(ct.ClientID)
			}() {
				t.Errorf("%s sees a contact of client %d", c.name, ct.ClientID)
			}
		}
	}

	// Updates and deletes are narrowed the same way.
	res := st.Write(two).Model(&contactRow{}).Where("client_id = ?", 2).Update("name", "stolen")
	if res.Error != nil || res.RowsAffected != 0 {
		t.Fatalf("assistant updated another client's contact: %d, %v", res.RowsAffected, res.Error)
	}
	res = st.Write(two).Where("client_id = ?", 2).Delete(&contactRow{})
	if res.Error != nil || res.RowsAffected != 0 {
		t.Fatalf("assistant deleted another client's contact: %d, %v", res.RowsAffected, res.Error)
	}
	// Inserts for a client outside the caller's are refused.
	if err := st.Write(two).Create(&contactRow{ClientID: 2, Name: "planted"}).Error; !errors.Is(err, tenant.ErrNoScope) {
		t.Fatalf("assistant planted a contact at another client: %v", err)
	}
	if err := st.Write(clientUser).Create(&contactRow{ClientID: 1, Name: "planted"}).Error; !errors.Is(err, tenant.ErrNoScope) {
		t.Fatalf("client user planted a contact at another client: %v", err)
	}
	if err := st.Write(two).Create(&contactRow{ClientID: 3, Name: "mine"}).Error; err != nil {
		t.Fatalf("assistant adds a contact at their client: %v", err)
	}
	if err := st.Write(clientUser).Create(&[]contactRow{{ClientID: 2, Name: "ok"}, {ClientID: 3, Name: "planted"}}).Error; !errors.Is(err, tenant.ErrNoScope) {
		t.Fatalf("batch insert with a foreign row: %v", err)
	}

	// Raw SQL is not scoped by the store; ClientCondition gives the filter.
	for _, c := range []struct {
		ctx  context.Context
		want int64
	}{{owner, 4}, {two, 3}, {none, 0}, {clientUser, 1}} {
		sc, _ := tenant.From(c.ctx)
		q, args := "SELECT COUNT(*) FROM contacts WHERE practice_id = ?", []any{int64(1)}
		if cond, cargs := sc.ClientCondition("client_id"); cond != "" {
			q += " AND " + cond
			args = append(args, cargs...)
		}
		var n int64
		if err := st.Read(c.ctx).Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("%+v: raw count %d, want %d", sc, n, c.want)
		}
		// ScopeSQL writes out what the callbacks add, for plain SQL.
		cond, cargs, err := st.ScopeSQL(c.ctx, &contactRow{}, "ct")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.Query(c.ctx, "SELECT COUNT(*) FROM contacts ct WHERE "+cond, cargs...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
		if n != c.want {
			t.Errorf("%+v: count scoped by %q %v is %d, want %d", sc, cond, cargs, n, c.want)
		}
	}
	// Like the callbacks, ScopeSQL fails closed without a scope.
	if _, _, err := st.ScopeSQL(context.Background(), &contactRow{}, "ct"); !errors.Is(err, tenant.ErrNoScope) {
		t.Errorf("ScopeSQL without a scope: %v", err)
	}
	if cond, _, err := st.ScopeSQL(sys, &contactRow{}, "ct"); err != nil || cond != "1" {
		t.Errorf("ScopeSQL of the system: %q, %v", cond, err)
	}
}
