package httpapi_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// Searching clients ignores case in every script, not only in ASCII:
// "émile" finds "Émile Coaching", "ΟΔΥΣΣΈΑΣ" finds "Οδυσσέας" (final
// sigma and all), "ёлка" finds "ЁЛКА". Accents stay exact: "zoe" is not
// "Zoë".
func TestClientSearchFoldsCaseInEveryScript(t *testing.T) {
	f := newWL(t, "Search")
	names := map[string]int64{}
	for _, body := range []map[string]any{
		{"name": "Émile Coaching"},
		{"name": "Zoë Atelier"},
		{"name": "Οδυσσέας Travel"},
		{"name": "ЁЛКА Маркетинг"},
		{"name": "Straße Immobilien"},
		{"name": "Dana Realty", "company": "Müller GmbH"},
		{"name": "Ink & Co", "email": "ÅSA@example.com"},
		{"name": "Plain Books"},
	} {
		names[body["name"].(string)] = f.client(body)
	}
	search := func(a *apitest.Actor, q string) []int64 {
		t.Helper()
		return wlWalk(t, a, "/api/v1/clients?q="+url.QueryEscape(q))
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"émile", []string{"Émile Coaching"}},
		{"ÉMILE COACH", []string{"Émile Coaching"}},
		{"e\u0301mile", []string{"Émile Coaching"}}, // decomposed é, as some keyboards send it
		{"ZOË", []string{"Zoë Atelier"}},
		{"ΟΔΥΣΣΈΑΣ", []string{"Οδυσσέας Travel"}},
		{"οδυσσέας travel", []string{"Οδυσσέας Travel"}},
		{"ёлка", []string{"ЁЛКА Маркетинг"}},
		{"маркетинг", []string{"ЁЛКА Маркетинг"}},
		{"STRAẞE", []string{"Straße Immobilien"}}, // capital sharp s
		{"müller", []string{"Dana Realty"}},
		{"åsa@", []string{"Ink & Co"}},
		// ASCII keeps matching as before, in any case.
		{"DANA", []string{"Dana Realty"}},
		{"coaching", []string{"Émile Coaching"}},
		// Accents are not folded away.
		{"zoe", nil},
		{"emile", nil},
		{"ζωή", nil},
	} {
		var want []int64
		for _, n := range c.want {
			want = append(want, names[n])
		}
		if got := search(f.owner, c.q); !slices.Equal(got, want) {
			t.Errorf("q=%q: got %v, want %v", c.q, got, want)
		}
	}

	// Bytes that are not UTF-8 match nothing and break nothing.
	if got := wlWalk(t, f.owner, "/api/v1/clients?q=%FF%FE"); len(got) != 0 {
		t.Errorf("q of invalid UTF-8: %v", got)
	}

	// The status filter and an assistant's clients still narrow it.
	f.owner.Must(200, "PATCH", apitest.Path("/api/v1/clients/%d", names["Zoë Atelier"]), map[string]any{"status": "archived"})
	if got := wlWalk(t, f.owner, "/api/v1/clients?status=active&q="+url.QueryEscape("Ë")); len(got) != 0 {
		t.Errorf("archived client found among the active: %v", got)
	}
	if got := wlWalk(t, f.owner, "/api/v1/clients?status=archived&q="+url.QueryEscape("Ë")); !slices.Equal(got, []int64{names["Zoë Atelier"]}) {
		t.Errorf("archived search: %v", got)
	}
	asst := f.owner.NewUser(tenant.Assistant)
	f.assign(asst, names["Οδυσσέας Travel"])
	if got := search(asst, "Σ"); !slices.Equal(got, []int64{names["Οδυσσέας Travel"]}) {
		t.Errorf("assistant search: %v", got)
	}
	if got := search(asst, "ё"); len(got) != 0 {
		t.Errorf("assistant finds a client not theirs: %v", got)
	}
}

// A search outside ASCII pages like any list, through many more clients
// than one page or one read, each match exactly once, in id order.
func TestClientSearchOutsideASCIIPages(t *testing.T) {
	f := newWL(t, "SearchPages")
	// 1200 clients, every 97th a "Фёдор" in some case, the rest not.
	f.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
INSERT INTO clients (practice_id, name, currency, created_at, updated_at)
SELECT ?, CASE WHEN i % 97 = 0 THEN (CASE WHEN i % 2 = 0 THEN 'ФЁДОР ' ELSE 'Фёдор ' END) || i ELSE 'Client ' || i END, 'USD', ?, ? FROM n`,
		f.owner.PracticeID, apitest.Start, apitest.Start)
	var want []int64
	for i := 97; i <= 1200; i += 97 {
		want = append(want, int64(i))
	}
	if got := wlWalk(t, f.owner, "/api/v1/clients?q="+url.QueryEscape("фёдор")); !slices.Equal(got, want) {
		t.Errorf("paged search: got %v, want %v", got, want)
	}
	var page struct {
		Items      []struct{ ID int64 }
		NextCursor *string `json:"next_cursor"`
	}
	f.owner.Do("GET", "/api/v1/clients?limit=500&q="+url.QueryEscape("ФЁДОР"), nil).JSON(t, &page)
	if len(page.Items) != len(want) || page.NextCursor != nil {
		t.Errorf("one page of all matches: %d items, cursor %v", len(page.Items), page.NextCursor)
	}
}
