package httpapi_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/tenant"
)

// The IDOR matrix walks every route the router serves (so routes added
// later are covered without anyone remembering to) and calls each with the
// ids of objects the caller must not reach:
//
//   - staff routes as practice A's owner with practice B's ids: 404;
//   - staff routes as an assistant of A with the ids of an A client they
//     were not given: 404 (or 403 where the role forbids the route);
//   - portal routes as a client user of one client with another client's
//     ids (same practice), and with practice B's: 404;
//   - every staff route as a client user: 403; the portal as staff: 403.
//
// Lists are read with the foreign ids as filters. No answer may hold a
// foreign marker (every foreign name, note and description carries one),
// and the foreign rows are byte-for-byte the same afterwards. A route with
// a path parameter the fixture cannot fill fails the test: add its object
// to idorTenant.

// idorTenant is a client with one of everything, and the ids the matrix
// substitutes for path parameters, keyed as idorKey names them.
type idorTenant struct {
	marker     string
	practiceID int64
	clientID   int64
	work       secWork
	ids        map[string]string
}

func newIDORTenant(t *testing.T, owner *apitest.Actor, marker string) idorTenant {
	t.Helper()
	env := owner.Env
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Client " + marker, "notes": "Notes " + marker,
		"email": strings.ToLower(marker) + "@client.example"}), "id")
	w := secSeed(t, owner, cl, marker)
	owner.Must(201, "PUT", apitest.Path("/api/v1/clients/%d/rates/%d", cl, w.Service), map[string]any{"hourly_rate": 9999})
	invite := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl),
		map[string]any{"email": "invitee-" + strings.ToLower(marker) + "@client.example", "name": "Invitee " + marker})
	portalUser, _ := secPortalUser(t, owner, cl)
	asst := owner.Must(201, "POST", "/api/v1/users", map[string]any{"email": "asst-" + strings.ToLower(marker) + "@staff.example",
		"name": "Assistant " + marker, "password": apitest.Password, "client_ids": []int64{cl}})
	token := owner.Must(201, "POST", "/api/v1/tokens", map[string]any{"name": "Token " + marker})
	now := apitest.Start
	retainer := secInsert(t, env, `INSERT INTO retainers (practice_id, client_id, name, starts_on, created_at, updated_at)
		VALUES (?, ?, ?, '2026-11-01', ?, ?)`, owner.PracticeID, cl, "Retainer "+marker, now, now)
	secInsert(t, env, `INSERT INTO retainer_terms (practice_id, retainer_id, effective_from, included_minutes, fee, overage_hourly_rate,
		created_at, updated_at) VALUES (?, ?, '2026-11', 600, 50000, 6000, ?, ?)`, owner.PracticeID, retainer, now, now)
	calendar := secInsert(t, env, `INSERT INTO calendar_tokens (practice_id, user_id, name, token_hash, prefix, created_at)
		VALUES (?, ?, ?, ?, 'vcal_x', ?)`, owner.PracticeID, owner.UserID, "Calendar "+marker, "hash-"+marker, now)
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	return idorTenant{marker: marker, practiceID: owner.PracticeID, clientID: cl, work: w, ids: map[string]string{
		"clients":         id(cl),
		"contact":         id(w.Contact),
		"services":        id(w.Service),
		"service":         id(w.Service),
		"projects":        id(w.Project),
		"tasks":           id(w.Task),
		"time-entries":    id(w.Entry),
		"expenses":        id(w.Expense),
		"invoices":        id(w.Invoice),
		"line":            id(w.Line),
		"payment":         id(w.Payment),
		"invite":          id(apitest.ID(t, invite, "id")),
		"user":            id(portalUser.UserID),
		"users":           id(apitest.ID(t, asst, "id")),
		"tokens":          id(apitest.ID(t, token, "id")),
		"calendar-tokens": id(calendar),
		"rid":             id(retainer),
		"retainers":       id(retainer),
		// Secret tokens in paths are the credential themselves: a made-up
		// one must find nothing.
		"token": "vcal_" + strings.ToLower(marker),
	}}
}

// clientOwned are the keys of objects that belong to one client: an
// assistant of another client must not reach them.
var clientOwned = map[string]bool{"clients": true, "contact": true, "projects": true, "tasks": true, "time-entries": true,
	"expenses": true, "invoices": true, "line": true, "payment": true, "invite": true, "user": true, "rid": true, "retainers": true}

var idorParamRE = regexp.MustCompile(`:([a-z_]+)`)

// idorKey names the object a path parameter stands for: ":id" is the
// object of the segment before it (/clients/:id: clients), ":contact_id"
// is a contact, and so on.
func idorKey(path string, param string) string {
	if param == "id" {
		before := path[:strings.Index(path, ":"+param)]
		segs := strings.Split(strings.Trim(before, "/"), "/")
		return segs[len(segs)-1]
	}
	return strings.TrimSuffix(param, "_id")
}

// fill substitutes the tenant's ids into a route's path, returning the keys
// used, or the first parameter it cannot fill.
func (ten idorTenant) fill(route string) (path string, keys []string, missing string) {
	path = route
	for _, m := range idorParamRE.FindAllStringSubmatch(route, -1) {
		k := idorKey(route, m[1])
		v, ok := ten.ids[k]
		if !ok {
			return "", nil, m[1]
		}
		keys = append(keys, k)
		path = strings.Replace(path, ":"+m[1], v, 1)
	}
	return path, keys, ""
}

// idorBodies are valid bodies for routes that check their input before
// they look the object up, so the call reaches the lookup. Routes not
// listed get {} (PATCH, PUT, POST) or nothing.
var idorBodies = map[string]any{
	"POST /api/v1/clients/:id/contacts":                map[string]any{"name": "x"},
	"PUT /api/v1/clients/:id/rates/:service_id":        map[string]any{"hourly_rate": 1},
	"POST /api/v1/clients/:id/portal-invites":          map[string]any{"email": "idor@invite.example", "name": "x"},
	"POST /api/v1/invoices/:id/lines":                  map[string]any{"description": "x", "unit_price": 1},
	"POST /api/v1/invoices/:id/payments":               map[string]any{"amount": 1},
	"POST /api/v1/clients/:id/retainers":               map[string]any{"name": "x", "included_minutes": 60, "fee": 1, "overage_hourly_rate": 1},
	"POST /api/v1/clients/:id/retainers/:rid/invoices": map[string]any{"period": "2026-11"},
}

// foreignBodies are calls without path parameters whose bodies name
// another tenant's objects; they must not succeed.
func foreignBodies(own, foreign idorTenant) map[string][]map[string]any {
	f := func(k string) int64 { v, _ := strconv.ParseInt(foreign.ids[k], 10, 64); return v }
	o := func(k string) int64 { v, _ := strconv.ParseInt(own.ids[k], 10, 64); return v }
	tasks := []map[string]any{
		{"client_id": f("clients"), "title": "x"},
		{"client_id": o("clients"), "project_id": f("projects"), "title": "x"},
	}
	if own.practiceID != foreign.practiceID {
		// Staff users are the practice's: an assistant may assign a task
		// to a colleague, never to someone of another practice.
		tasks = append(tasks, map[string]any{"client_id": o("clients"), "assignee_id": f("users"), "title": "x"})
	}
	return map[string][]map[string]any{
		"POST /api/v1/tasks":    tasks,
		"POST /api/v1/projects": {{"client_id": f("clients"), "name": "x"}},
		"POST /api/v1/time-entries": {
			{"client_id": f("clients"), "service_id": f("service"), "started_at": "2026-11-02T10:00:00Z", "minutes": 30},
			{"client_id": o("clients"), "service_id": o("service"), "task_id": f("tasks"), "started_at": "2026-11-02T10:00:00Z", "minutes": 30},
			{"client_id": o("clients"), "service_id": o("service"), "project_id": f("projects"), "started_at": "2026-11-02T10:00:00Z", "minutes": 30},
		},
		"POST /api/v1/expenses": {
			{"client_id": f("clients"), "date": "2026-11-02", "amount": 100, "description": "x"},
			{"client_id": o("clients"), "project_id": f("projects"), "date": "2026-11-02", "amount": 100, "description": "x"},
		},
		"POST /api/v1/invoices":    {{"client_id": f("clients"), "from": "2026-11-01", "to": "2026-11-30"}},
		"POST /api/v1/timer/start": {{"client_id": f("clients"), "service_id": f("service")}},
		"POST /api/v1/users":       {{"email": "idor-new@staff.example", "name": "x", "password": apitest.Password, "client_ids": []int64{f("clients")}}},
	}
}

// filters are the foreign ids as list filters.
func (ten idorTenant) filters() string {
	q := []string{}
	for param, key := range map[string]string{"client_id": "clients", "project_id": "projects", "task_id": "tasks", "service_id": "service",
		"user_id": "users", "assignee_id": "users", "invoice_id": "invoices", "contact_id": "contact"} {
		q = append(q, param+"="+ten.ids[key])
	}
	sort.Strings(q)
	return "?" + strings.Join(q, "&")
}

type idorRoute struct {
	method, path string
	// public routes take no credentials (security: [] in the spec);
	// takesBody ones have a request body in the spec.
	public, takesBody bool
}

func (r idorRoute) String() string { return r.method + " " + r.path }

func (r idorRoute) body() any {
	if b, ok := idorBodies[r.String()]; ok {
		return b
	}
	if r.takesBody {
		return map[string]any{}
	}
	return nil
}

// idorRoutes lists every API route the router serves, with what the spec
// says of it (TestEveryRouteIsInTheSpec makes sure it says something).
func idorRoutes(t *testing.T, env *apitest.Env) []idorRoute {
	spec, _, err := apitest.Spec()
	if err != nil {
		t.Fatal(err)
	}
	var out []idorRoute
	for _, r := range env.Echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Method, "echo_") || r.Method == "echo_route_any" {
			continue
		}
		ir := idorRoute{method: r.Method, path: r.Path}
		specPath := strings.TrimPrefix(paramRE.ReplaceAllString(r.Path, "{$1}"), "/api/v1")
		item := spec.Paths.Find(specPath)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s is not in api/openapi.yaml", ir)
			continue
		}
		op := item.GetOperation(r.Method)
		ir.public = op.Security != nil && len(*op.Security) == 0
		ir.takesBody = op.RequestBody != nil
		out = append(out, ir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	if len(out) < 20 {
		t.Fatalf("only %d routes: %v", len(out), out)
	}
	return out
}

// snapshot is every row of a practice (or of one client in it, with its
// invoices' lines and payments), to prove that nothing foreign changed.
func snapshot(t *testing.T, env *apitest.Env, practiceID, clientID int64) string {
	t.Helper()
	db := env.Store.ReadSQL()
	tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%' ORDER BY name")
	var b strings.Builder
	for _, table := range tables {
		cols := map[string]bool{}
		for _, c := range queryStrings(t, db, "SELECT name FROM pragma_table_info('"+table+"')") {
			cols[c] = true
		}
		var where string
		var args []any
		switch {
		case !cols["practice_id"]:
			continue
		case clientID == 0:
			where, args = "practice_id = ?", []any{practiceID}
		case cols["client_id"]:
			where, args = "practice_id = ? AND client_id = ?", []any{practiceID, clientID}
		case cols["invoice_id"] && table != "invoices":
			where, args = "practice_id = ? AND invoice_id IN (SELECT id FROM invoices WHERE client_id = ?)", []any{practiceID, clientID}
		default:
			continue
		}
		rows, err := db.Query("SELECT * FROM "+table+" WHERE "+where+" ORDER BY rowid", args...)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		n, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(n))
			ptrs := make([]any, len(n))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// anyUserRoutes are the staff-API routes every logged-in user may call.
var anyUserRoutes = map[string]bool{"GET /api/v1/me": true, "POST /api/v1/me/password": true}

func TestIDORMatrix(t *testing.T) {
	env := apitest.New(t)
	ownerA := env.NewPractice("IDOR Home")
	home := newIDORTenant(t, ownerA, "HOMEMARK")
	sibling := newIDORTenant(t, ownerA, "SIBLINGCLIENTMARK") // another client of practice A
	ownerB := env.NewPractice("IDOR Foreign")
	foreign := newIDORTenant(t, ownerB, "FOREIGNPRACTICEMARK")
	client, _ := secPortalUser(t, ownerA, home.clientID)
	asst := ownerA.NewUser(tenant.Assistant)
	secAssign(t, ownerA, asst, home.clientID)

	beforeB := snapshot(t, env, foreign.practiceID, 0)
	beforeSibling := snapshot(t, env, ownerA.PracticeID, sibling.clientID)

	leaks := func(who string, r idorRoute, path string, res *apitest.Response, markers ...string) {
		t.Helper()
		for _, m := range markers {
			if strings.Contains(string(res.Body), m) {
				t.Errorf("%s %s %s: the answer holds %s's data: %.300s", who, r.method, path, m, res.Body)
			}
		}
	}
	var checked, public int
	for _, r := range idorRoutes(t, env) {
		isPortal := strings.HasPrefix(r.path, "/api/v1/portal/")
		if _, _, missing := foreign.fill(r.path); missing != "" {
			t.Errorf("%s: the IDOR matrix has no foreign object for path parameter :%s; add one to newIDORTenant (idor_test.go)", r, missing)
			continue
		}
		// Public routes take no credentials; those with a parameter must
		// find nothing for a made-up or foreign one. Every other route
		// wants credentials.
		bPath, _, _ := foreign.fill(r.path)
		if r.public {
			public++
			if strings.Contains(r.path, ":") {
				res := env.Do(apitest.Request{Method: r.method, Path: bPath, Body: r.body()})
				if res.Status != http.StatusNotFound {
					t.Errorf("public %s with a foreign or made-up id: %d, want 404", r, res.Status)
				}
				leaks("anonymous", r, bPath, res, foreign.marker, home.marker, sibling.marker)
			}
			continue
		}
		if res := env.Do(apitest.Request{Method: r.method, Path: bPath, Body: r.body()}); res.Status != http.StatusUnauthorized {
			t.Errorf("%s without credentials: %d, want 401 (or mark it security: [] in the spec)", r, res.Status)
		}
		checked++
		hasParams := strings.Contains(r.path, ":")

		if isPortal {
			// The portal's user with the other client's ids and with the
			// other practice's: 404.
			for _, other := range []idorTenant{sibling, foreign} {
				path, _, _ := other.fill(r.path)
				switch {
				case hasParams:
					res := client.Do(r.method, path, r.body())
					if res.Status != http.StatusNotFound {
						t.Errorf("client user of %s: %s %s with %s's ids: %d, want 404", home.marker, r.method, path, other.marker, res.Status)
					}
					leaks("client user", r, path, res, sibling.marker, foreign.marker)
				case r.method == "GET":
					res := client.Do("GET", path+other.filters(), nil)
					leaks("client user", r, path, res, sibling.marker, foreign.marker)
				}
			}
			// Staff on the portal: 403.
			path, _, _ := home.fill(r.path)
			for who, a := range map[string]*apitest.Actor{"owner": ownerA, "assistant": asst} {
				if res := a.Do(r.method, path, r.body()); res.Status != http.StatusForbidden {
					t.Errorf("%s on the portal: %s %s: %d, want 403", who, r.method, path, res.Status)
				}
			}
			continue
		}

		// A client user on the staff API: 403, even with their own ids.
		if !anyUserRoutes[r.String()] {
			path, _, _ := home.fill(r.path)
			res := client.Do(r.method, path, r.body())
			if res.Status != http.StatusForbidden {
				t.Errorf("client user on the staff API: %s %s: %d, want 403", r.method, path, res.Status)
			}
			leaks("client user", r, path, res, sibling.marker, foreign.marker)
		}

		// Practice A's owner with practice B's ids: 404.
		path, _, _ := foreign.fill(r.path)
		switch {
		case hasParams:
			res := ownerA.Do(r.method, path, r.body())
			if res.Status != http.StatusNotFound {
				t.Errorf("practice A's owner: %s %s with practice B's ids: %d, want 404 (if the route checks its body first, give it a valid one in idorBodies)",
					r.method, path, res.Status)
			}
			leaks("owner A", r, path, res, foreign.marker)
		case r.method == "GET":
			res := ownerA.Do("GET", path+foreign.filters(), nil)
			leaks("owner A", r, path, res, foreign.marker)
			res = ownerA.Do("GET", path, nil)
			leaks("owner A", r, path, res, foreign.marker)
		default:
			for _, body := range foreignBodies(home, foreign)[r.String()] {
				res := ownerA.Do(r.method, path, body)
				if res.Status < 400 {
					t.Errorf("practice A's owner: %s %s naming practice B's objects %v: %d, want 404 or 422", r.method, path, body, res.Status)
				}
				leaks("owner A", r, path, res, foreign.marker)
			}
		}

		// An assistant of the home client with the sibling client's ids:
		// 404, or 403 where assistants may not use the route at all.
		path, keys, _ := sibling.fill(r.path)
		owned := false
		for _, k := range keys {
			owned = owned || clientOwned[k]
		}
		switch {
		case owned:
			res := asst.Do(r.method, path, r.body())
			if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
				t.Errorf("assistant of %s: %s %s with another client's ids: %d, want 404 or 403", home.marker, r.method, path, res.Status)
			}
			leaks("assistant", r, path, res, sibling.marker, foreign.marker)
		case hasParams:
			// Practice-wide objects (services, users, tokens): not a
			// client's, so not this walk's business.
		case r.method == "GET":
			res := asst.Do("GET", path+sibling.filters(), nil)
			leaks("assistant", r, path, res, sibling.marker, foreign.marker)
			res = asst.Do("GET", path, nil)
			leaks("assistant", r, path, res, sibling.marker, foreign.marker)
		default:
			for _, body := range foreignBodies(home, sibling)[r.String()] {
				res := asst.Do(r.method, path, body)
				if res.Status < 400 {
					t.Errorf("assistant: %s %s naming another client's objects %v: %d, want 403, 404 or 422", r.method, path, body, res.Status)
				}
				leaks("assistant", r, path, res, sibling.marker, foreign.marker)
			}
		}
	}
	t.Logf("walked %d authenticated and %d public routes", checked, public)
	if checked < 20 || public < 3 {
		t.Fatalf("walked %d authenticated and %d public routes; the walk is broken", checked, public)
	}
	if after := snapshot(t, env, foreign.practiceID, 0); after != beforeB {
		t.Errorf("practice B's rows changed during the walk:\nbefore:\n%s\nafter:\n%s", beforeB, after)
	}
	if after := snapshot(t, env, ownerA.PracticeID, sibling.clientID); after != beforeSibling {
		t.Errorf("the sibling client's rows changed during the walk:\nbefore:\n%s\nafter:\n%s", beforeSibling, after)
	}
}
