package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// GORM's queries bind their parameters as "+?" (see the store's dialector),
// which must still find rows by value and leave the indexes in use.
func TestBoundParametersKeepValuesAndIndexes(t *testing.T) {
	st := open(t)
	sys := tenant.System(context.Background())
	for _, q := range []string{
		"INSERT INTO practices (id, name, created_at, updated_at) VALUES (1, 'A', datetime(), datetime())",
		"INSERT INTO clients (id, practice_id, name, currency, created_at, updated_at) VALUES (1, 1, 'One', 'USD', datetime(), datetime())",
		"INSERT INTO clients (id, practice_id, name, currency, created_at, updated_at) VALUES (2, 1, 'Two', 'EUR', datetime(), datetime())",
		"INSERT INTO contacts (practice_id, client_id, name, created_at, updated_at) VALUES (1, 2, 'Ann', datetime(), datetime())",
	} {
		if err := st.Write(sys).Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	owner := tenant.With(context.Background(), tenant.Scope{PracticeID: 1, UserID: 1, Role: tenant.Owner})

	// Values of every kind still compare as before: integers against an
	// INTEGER column, text against TEXT, one value of 1 (the value SQLite's
	// planner looks at) and a string holding a number.
	var got []contactRow
	if err := st.Read(owner).Where("client_id = ? AND name = ?", 2, "Ann").Find(&got).Error; err != nil || len(got) != 1 {
		t.Fatalf("contact by client and name: %v, %v", got, err)
	}
	var cl clientRow
	if err := st.Read(owner).Take(&cl, "id = ?", "2").Error; err != nil || cl.Currency != "EUR" {
		t.Fatalf("client 2 by a string id: %+v, %v", cl, err)
	}
	if err := st.Write(owner).Model(&clientRow{}).Where("id = ?", 1).Update("name", "Uno").Error; err != nil {
		t.Fatal(err)
	}
	var one clientRow
	if err := st.Read(owner).Take(&one, 1).Error; err != nil || one.Name != "Uno" {
		t.Fatalf("client 1 after the update: %+v, %v", one, err)
	}

	stmt := st.Read(owner).Session(&gorm.Session{DryRun: true}).Where("client_id = ?", 2).Find(&[]contactRow{}).Statement
	sql := stmt.SQL.String()
	if !strings.Contains(sql, "client_id = +?") || !strings.Contains(sql, "`contacts`.`practice_id` = +?") {
		t.Fatalf("GORM wrote %s", sql)
	}
	p, err := st.QueryPlan(owner, sql, stmt.Vars...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p, "INDEX contacts_client (practice_id=? AND client_id=?)") {
		t.Errorf("plan %q does not seek contacts_client on both columns", p)
	}
}
