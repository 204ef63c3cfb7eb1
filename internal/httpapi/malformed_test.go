package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/config"
)

// seeded is a practice with one of everything, so every route's path
// parameters name real objects.
type seeded struct {
	ids   map[string]int64   // by kind: client, service, contact, ...
	bases map[string]any     // a valid body per "METHOD /path" (route path)
	good  map[string]float64 // ids as JSON numbers, for bodies
}

func seedPractice(t *testing.T, env *apitest.Env, owner *apitest.Actor) seeded {
	t.Helper()
	s := seeded{ids: map[string]int64{}, bases: map[string]any{}}
	create := func(kind, method, path string, body map[string]any) int64 {
		t.Helper()
		res := owner.Do(method, path, body)
		if res.Status/100 != 2 {
			t.Errorf("seed %s: %s %s: %d %s", kind, method, path, res.Status, res.Body)
			return 0
		}
		var m map[string]any
		json.Unmarshal(res.Body, &m)
		id, _ := m["id"].(float64)
		s.ids[kind] = int64(id)
		return int64(id)
	}
	base := func(route string, body map[string]any) map[string]any {
		s.bases[route] = body
		return body
	}
	service := create("service", "POST", "/api/v1/services", base("POST /api/v1/services", map[string]any{"name": "Inbox", "default_hourly_rate": 6000}))
	client := create("client", "POST", "/api/v1/clients", base("POST /api/v1/clients", map[string]any{"name": "Dana Realty"}))
	create("contact", "POST", fmt.Sprintf("/api/v1/clients/%d/contacts", client), base("POST /api/v1/clients/:id/contacts", map[string]any{"name": "Dana", "email": "dana@example.com"}))
	if res := owner.Do("PUT", fmt.Sprintf("/api/v1/clients/%d/rates/%d", client, service), base("PUT /api/v1/clients/:id/rates/:service_id", map[string]any{"hourly_rate": 7000})); res.Status/100 != 2 {
		t.Errorf("seed rate: %d %s", res.Status, res.Body)
	}
	create("project", "POST", "/api/v1/projects", base("POST /api/v1/projects", map[string]any{"client_id": client, "name": "Website"}))
	create("task", "POST", "/api/v1/tasks", base("POST /api/v1/tasks", map[string]any{"client_id": client, "title": "Update listings"}))
	create("entry", "POST", "/api/v1/time-entries", base("POST /api/v1/time-entries", map[string]any{"client_id": client, "service_id": service, "started_at": "2026-11-02T09:00:00Z", "minutes": 95}))
	create("expense", "POST", "/api/v1/expenses", base("POST /api/v1/expenses", map[string]any{"client_id": client, "date": "2026-11-02", "amount": 1500, "description": "Stamps"}))
	// An issued invoice (payments go there) and a draft one with a line.
	issued := create("issued", "POST", "/api/v1/invoices", base("POST /api/v1/invoices", map[string]any{"client_id": client, "from": "2026-11-01", "to": "2026-11-30"}))
	owner.Must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/invoices/%d/issue", issued), nil)
	create("payment", "POST", fmt.Sprintf("/api/v1/invoices/%d/payments", issued), base("POST /api/v1/invoices/:id/payments", map[string]any{"amount": 100, "date": "2026-11-03"}))
	create("entry", "POST", "/api/v1/time-entries", map[string]any{"client_id": client, "service_id": service, "started_at": "2026-12-02T09:00:00Z", "minutes": 30})
	draft := create("invoice", "POST", "/api/v1/invoices", map[string]any{"client_id": client, "from": "2026-12-01", "to": "2026-12-31"})
	res := owner.Do("POST", fmt.Sprintf("/api/v1/invoices/%d/lines", draft), base("POST /api/v1/invoices/:id/lines", map[string]any{"description": "Setup", "quantity_milli": 1000, "unit_price": 5000}))
	if res.Status == http.StatusCreated {
		var inv struct {
			Lines []struct {
				ID int64 `json:"id"`
			} `json:"lines"`
		}
		json.Unmarshal(res.Body, &inv)
		if len(inv.Lines) > 0 {
			s.ids["line"] = inv.Lines[len(inv.Lines)-1].ID
		}
	} else {
		t.Errorf("seed line: %d %s", res.Status, res.Body)
	}
	create("token", "POST", "/api/v1/tokens", base("POST /api/v1/tokens", map[string]any{"name": "cli"}))
	create("user", "POST", "/api/v1/users", map[string]any{"email": "assistant@example.com", "name": "Assistant", "password": apitest.Password, "role": "assistant"})
	base("POST /api/v1/users", map[string]any{"email": "second@example.com", "name": "Second", "password": apitest.Password, "role": "assistant"})
	base("POST /api/v1/clients/:id/portal-invites", map[string]any{"email": "portal@example.com", "name": "Portal User"})
	create("retainer", "POST", fmt.Sprintf("/api/v1/clients/%d/retainers", client), base("POST /api/v1/clients/:id/retainers", map[string]any{"name": "Monthly", "period": "month", "included_minutes": 600, "fee": 50000, "overage_hourly_rate": 8000, "starts_on": "2026-11-01"}))
	base("POST /api/v1/timer/start", map[string]any{"client_id": client, "service_id": service})
	s.good = map[string]float64{}
	for k, v := range s.ids {
		s.good[k] = float64(v)
	}
	return s
}

var paramKind = map[string]string{
	"clients": "client", "services": "service", "projects": "project", "tasks": "task",
	"time-entries": "entry", "expenses": "expense", "invoices": "invoice", "users": "user",
	"tokens": "token", "contacts": "contact", "lines": "line", "retainers": "retainer",
	"payments": "payment", "rates": "service",
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// fillPath puts a real id in each path parameter, chosen by the segment
// before it ("/invoices/:id" → the draft invoice; "/invoices/:id/payments"
// → the issued one, since payments need it).
func (s seeded) fillPath(t *testing.T, route string) string {
	segs := strings.Split(route, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, ":") || i == 0 {
			continue
		}
		kind := paramKind[segs[i-1]]
		if kind == "invoice" && i+1 < len(segs) && segs[i+1] == "payments" {
			kind = "issued"
		}
		id, ok := s.ids[kind]
		if !ok {
			t.Logf("%s: no seeded object for %s; using an unknown id", route, seg)
			id = 987654321
		}
		segs[i] = fmt.Sprint(id)
	}
	return strings.Join(segs, "/")
}

// bodyCase is one malformed body and why it is malformed.
type bodyCase struct {
	name        string
	contentType string
	body        []byte
}

func rawJSON(name, body string) bodyCase {
	return bodyCase{name: name, contentType: "application/json", body: []byte(body)}
}

func objJSON(name string, m map[string]any) bodyCase {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return bodyCase{name: name, contentType: "application/json", body: b}
}

// universal bodies are malformed for every route that takes JSON.
func universal() []bodyCase {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	deepObj := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	return []bodyCase{
		rawJSON("truncated object", `{"name": "Dana`),
		rawJSON("truncated after key", `{"name":`),
		rawJSON("only an opening brace", `{`),
		rawJSON("truncated literal", `tru`),
		rawJSON("trailing comma", `{"name": "x",}`),
		rawJSON("single quotes", `{'name': 'x'}`),
		rawJSON("two objects", `{"name": "a"}{"name": "b"}`),
		rawJSON("array instead of object", `[]`),
		rawJSON("array of objects", `[{"name": "x"}]`),
		rawJSON("string instead of object", `"name"`),
		rawJSON("number instead of object", `42`),
		rawJSON("null instead of object", `null`),
		rawJSON("true instead of object", `true`),
		rawJSON("unknown field", `{"no_such_field_anywhere": 1}`),
		rawJSON("invalid UTF-8", "{\"name\": \"\xff\xfe\xfd\"}"),
		rawJSON("invalid UTF-8 key", "{\"\xc3\x28\": 1}"),
		rawJSON("byte order mark", "\xef\xbb\xbf{}"),
		rawJSON("NUL bytes", "{\"name\": \"a\x00b\"}"),
		rawJSON("deep array nesting", `{"name": `+deep+`}`),
		rawJSON("deep object nesting", deepObj),
		rawJSON("huge exponent", `{"name": 1e400}`),
		{name: "form body", contentType: "application/x-www-form-urlencoded", body: []byte("name=x&client_id=1")},
		{name: "not JSON at all", contentType: "application/json", body: []byte("\x00\x01\x02garbage\xff")},
	}
}

// schemaOf returns the JSON request schema of a route, merged over allOf.
func schemaOf(op *openapi3.Operation) (props map[string]*openapi3.Schema, required []string, ok bool) {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, nil, false
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, nil, false
	}
	props = map[string]*openapi3.Schema{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for name, p := range s.Properties {
			if p.Value != nil {
				props[name] = p.Value
			}
		}
		required = append(required, s.Required...)
		for _, sub := range s.AllOf {
			if sub.Value != nil {
				walk(sub.Value)
			}
		}
	}
	walk(mt.Schema.Value)
	return props, required, true
}

func typeOf(s *openapi3.Schema) string {
	if s.Type == nil {
		return ""
	}
	for _, t := range s.Type.Slice() {
		if t != "null" {
			return t
		}
	}
	return ""
}

func nullable(s *openapi3.Schema) bool {
	return s.Nullable || (s.Type != nil && s.Type.IncludesNull())
}

// fieldCases mutate one field of a valid base body at a time, so the
// mutation is what the server must catch.
func fieldCases(base map[string]any, props map[string]*openapi3.Schema, required []string) []bodyCase {
	with := func(name string, v any) map[string]any {
		m := map[string]any{}
		for k, bv := range base {
			m[k] = bv
		}
		m[name] = v
		return m
	}
	var out []bodyCase
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		p := props[name]
		if p.ReadOnly {
			continue
		}
		add := func(what string, v any) {
			out = append(out, objJSON(name+": "+what, with(name, v)))
		}
		switch typeOf(p) {
		case "integer":
			add("string instead of integer", "12")
			add("fraction", 1.5)
			add("boolean", true)
			add("object", map[string]any{"n": 1})
			out = append(out, rawJSON(name+": beyond int64", replaceField(with(name, 0), name, "99999999999999999999999")))
			out = append(out, rawJSON(name+": 1e400", replaceField(with(name, 0), name, "1e400")))
			if p.Min != nil && *p.Min > -1e15 {
				add("below the minimum", int64(*p.Min)-1)
				if *p.Min >= 0 {
					add("negative", -100)
				}
			} else if v := p.ExclusiveMin.Value; v != nil {
				add("at the exclusive minimum", int64(*v))
			}
			if p.Max != nil && *p.Max < 1e15 {
				add("above the maximum", int64(*p.Max)+1)
			}
			if strings.HasSuffix(name, "_id") {
				add("unknown id", 987654321)
				add("negative id", -1)
			}
		case "number":
			add("string instead of number", "1.5")
			out = append(out, rawJSON(name+": 1e400", replaceField(with(name, 0), name, "1e400")))
		case "string":
			add("number instead of string", 12345)
			add("object instead of string", map[string]any{"s": "x"})
			add("array instead of string", []string{"x"})
			if p.MaxLength != nil && *p.MaxLength < 200000 {
				add(fmt.Sprintf("%d characters", *p.MaxLength+1), strings.Repeat("é", int(*p.MaxLength)+1))
			}
			if p.MinLength > 0 && p.MinLength < 1000 {
				add(fmt.Sprintf("%d characters (at least %d)", p.MinLength-1, p.MinLength), strings.Repeat("x", int(p.MinLength)-1))
			}
			if len(p.Enum) > 0 {
				add("not in the enum", "definitely-not-a-valid-value")
			}
			switch p.Format {
			case "date":
				add("impossible date", "2026-02-30")
				add("date in another format", "02/11/2026")
			case "date-time":
				add("time without zone", "2026-11-02T09:00:00")
				add("not a time", "yesterday")
			case "email":
				add("not an e-mail", "not an e-mail")
			}
		case "boolean":
			add("string instead of boolean", "true")
			add("number instead of boolean", 1)
		case "array":
			add("object instead of array", map[string]any{"a": 1})
			add("string instead of array", "a,b")
			if p.Items != nil && p.Items.Value != nil && typeOf(p.Items.Value) == "integer" {
				add("array of strings", []string{"a"})
				if strings.HasSuffix(name, "_ids") {
					add("unknown ids", []int64{987654321})
				}
			}
		case "object":
			add("array instead of object", []any{1})
			add("string instead of object", "x")
		}
		if !nullable(p) {
			for _, r := range required {
				if r == name {
					add("null for a required field", nil)
				}
			}
		}
	}
	// Reversed ranges, where a body has both ends.
	for _, pair := range [][2]string{{"from", "to"}, {"period_from", "period_to"}, {"starts_on", "ends_on"}, {"start", "end"}} {
		if props[pair[0]] != nil && props[pair[1]] != nil && typeOf(props[pair[0]]) == "string" {
			m := with(pair[0], "2026-12-31")
			m[pair[1]] = "2026-01-01"
			if props[pair[0]].Format == "date-time" {
				m[pair[0]], m[pair[1]] = "2026-12-31T00:00:00Z", "2026-01-01T00:00:00Z"
			}
			out = append(out, objJSON(pair[0]+" after "+pair[1], m))
		}
	}
	// Every field null at once.
	if len(required) > 0 {
		m := map[string]any{}
		for _, n := range names {
			m[n] = nil
		}
		out = append(out, objJSON("nulls everywhere", m))
	}
	return out
}

// replaceField writes m as JSON with the value of field replaced by a raw
// literal that encoding/json cannot produce (1e400, 20-digit integers).
func replaceField(m map[string]any, field, literal string) string {
	b, _ := json.Marshal(m)
	key, _ := json.Marshal(field)
	return strings.Replace(string(b), string(key)+":0", string(key)+":"+literal, 1)
}

// checksum hashes every row of every table, so a test sees any write. The
// audit log's failed logins are the one write a rejected request may make
// (a wrong password is still an attempt worth recording).
func checksum(t *testing.T, env *apitest.Env) string {
	t.Helper()
	db := env.Store.ReadSQL()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tb := range tables {
		q := fmt.Sprintf(`SELECT * FROM "%s" ORDER BY rowid`, tb)
		if tb == "audit_log" {
			q = `SELECT * FROM audit_log WHERE action <> 'auth.login_failed' ORDER BY rowid`
		}
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(h, "table %s %v\n", tb, cols)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(h, "%v\n", vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Every write endpoint answers a malformed body with a 4xx problem, never
// a 5xx, and writes nothing. The routes come from the router itself, so a
// new endpoint is covered the day it lands; the field-level cases come from
// its request schema in api/openapi.yaml.
func TestMalformedBodiesAreRejected(t *testing.T) {
	env := apitest.New(t, func(c *config.Config) { c.Signup = true })
	owner := env.NewPractice("Malformed")
	seed := seedPractice(t, env, owner)
	// Bring the token's last-use stamp up to date, so only the corpus can
	// change the database from here on.
	owner.Must(http.StatusOK, "GET", "/api/v1/me", nil)
	env.SkipSpec = true // the requests are garbage; answers are checked below
	routes := writeRoutes(env, "/api/v1/")
	if len(routes) < 10 {
		t.Fatalf("only %d write routes", len(routes))
	}
	w := newWatch(t, env)
	owner.Must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "Proves the watch sees writes"})
	if !w.wrote(t) {
		t.Fatal("the write watch missed a write")
	}
	auth := http.Header{"Authorization": {"Bearer " + owner.Token}}
	total := 0
	for _, r := range routes {
		total += throwCorpus(t, env, w, r, seed.bases, seed.fillPath(t, r.path), auth, nil)
	}
	t.Logf("%d malformed requests over %d write routes", total, len(routes))
}

// The portal's write routes get the corpus as a client user: sent as the
// owner above, a client-only route answers 403 before it reads the body.
// Here every malformed body must be read and refused: a 4xx problem that
// is not 401 or 403, never a 5xx, and nothing written. Accepting an invite
// needs no login; its bodies mutate one that would accept a real pending
// invite.
func TestMalformedPortalBodiesAreRejected(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Malformed portal")
	cl := secClient(t, owner, "Dana Realty")
	invites := apitest.Path("/api/v1/clients/%d/portal-invites", cl)
	inv := owner.Must(http.StatusCreated, "POST", invites, map[string]any{"email": "dana@realty.example", "name": "Dana Reyes"})
	res := acceptInvite(env, inv["token"], apitest.Password)
	if res.Status != http.StatusCreated {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	client := secSession(t, env, res)
	pending := owner.Must(http.StatusCreated, "POST", invites, map[string]any{"email": "lee@realty.example", "name": "Lee Park"})
	bases := map[string]any{
		"POST /api/v1/portal/tasks":  map[string]any{"title": "Update the listing photos", "description": "The spring ones", "due_on": "2026-11-20"},
		"POST /api/v1/portal/accept": map[string]any{"token": pending["token"], "password": apitest.Password},
	}
	// Bring the session's stamps up to date, so only the corpus can change
	// the database from here on.
	if r := client.do("GET", "/api/v1/portal/me", nil); r.Status != http.StatusOK {
		t.Fatalf("portal me: %d %s", r.Status, r.Body)
	}
	env.SkipSpec = true
	routes := writeRoutes(env, "/api/v1/portal/")
	if len(routes) < 2 {
		t.Fatalf("only %d portal write routes: %v", len(routes), routes)
	}
	w := newWatch(t, env)
	if r := client.do("POST", "/api/v1/portal/tasks", map[string]any{"title": "Proves the watch sees portal writes"}); r.Status != http.StatusCreated {
		t.Fatalf("portal task: %d %s", r.Status, r.Body)
	}
	if !w.wrote(t) {
		t.Fatal("the write watch missed a write")
	}
	session := http.Header{"Cookie": {"vadesk_session=" + client.cookie}, "X-Csrf-Token": {client.csrf}}
	readFirst := func(status int) bool { return status != http.StatusUnauthorized && status != http.StatusForbidden }
	total := 0
	for _, r := range routes {
		total += throwCorpus(t, env, w, r, bases, r.path, session, readFirst)
	}
	// The corpus spent neither the pending invite nor the session.
	if r := client.do("GET", "/api/v1/portal/me", nil); r.Status != http.StatusOK {
		t.Errorf("the session did not survive the corpus: %d %s", r.Status, r.Body)
	}
	if r := acceptInvite(env, pending["token"], apitest.Password); r.Status != http.StatusCreated {
		t.Errorf("the pending invite did not survive the corpus: %d %s", r.Status, r.Body)
	}
	t.Logf("%d malformed requests over %d portal write routes", total, len(routes))
}

// route is a method and an Echo route path.
type route struct{ method, path string }

// writeRoutes lists the router's POST, PUT and PATCH routes under prefix,
// in a stable order.
func writeRoutes(env *apitest.Env, prefix string) []route {
	var routes []route
	for _, r := range env.Echo.Routes() {
		if (r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH") && strings.HasPrefix(r.Path, prefix) {
			routes = append(routes, route{r.Method, r.Path})
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].path+routes[i].method < routes[j].path+routes[j].method })
	return routes
}

// throwCorpus sends route r every malformed body its request schema calls
// for, mutating bases (valid bodies by "METHOD /route"), to path with
// header, and checks each answer: a 4xx problem with a detail, one that
// ok accepts when ok is set, never a 5xx, and no write. It returns how many
// requests it sent.
func throwCorpus(t *testing.T, env *apitest.Env, w *watch, r route, bases map[string]any, path string,
	header http.Header, ok func(status int) bool) int {
	t.Helper()
	spec, _, err := apitest.Spec()
	if err != nil {
		t.Fatal(err)
	}
	key := r.method + " " + r.path
	specPath := routeParam.ReplaceAllStringFunc(strings.TrimPrefix(r.path, "/api/v1"), func(p string) string { return "{" + p[1:] + "}" })
	var op *openapi3.Operation
	if item := spec.Paths.Find(specPath); item != nil {
		op = item.GetOperation(r.method)
	}
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		t.Logf("%s takes no request body; skipped", key)
		return 0
	}
	var cases []bodyCase
	props, required, isJSON := schemaOf(op)
	if isJSON {
		cases = universal()
		if op.RequestBody.Value.Required {
			cases = append(cases, rawJSON("empty body", ""), rawJSON("whitespace body", "  \n"))
		}
		base, _ := bases[key].(map[string]any)
		cases = append(cases, fieldCases(base, props, required)...)
	} else {
		for ct := range op.RequestBody.Value.Content {
			cases = append(cases,
				bodyCase{name: ct + ": garbage", contentType: ct, body: []byte("\x00\x01garbage\xff\xfe")},
				bodyCase{name: ct + ": empty", contentType: ct, body: []byte{}},
				bodyCase{name: ct + ": JSON", contentType: ct, body: []byte(`{"name":"x"}`)})
			if strings.HasPrefix(ct, "multipart/") {
				cases = append(cases, bodyCase{name: "multipart without boundary", contentType: "multipart/form-data", body: []byte("--x\r\n\r\n")})
			}
		}
	}
	for _, c := range cases {
		status, ct, body := sendWith(env, header, r.method, path, c)
		switch {
		case status >= 500:
			t.Errorf("%s [%s]: %d %.300s", key, c.name, status, body)
		case status < 400:
			t.Errorf("%s [%s]: accepted with %d %.300s", key, c.name, status, body)
		case ct != "application/problem+json":
			t.Errorf("%s [%s]: %d with content type %q, want a problem", key, c.name, status, ct)
		case ok != nil && !ok(status):
			t.Errorf("%s [%s]: %d before the body was read: %.300s", key, c.name, status, body)
		default:
			var p apitest.Problem
			if err := json.Unmarshal(body, &p); err != nil || p.Status != status || p.Detail == "" {
				t.Errorf("%s [%s]: problem %.300s does not say %d with a detail", key, c.name, body, status)
			}
		}
		if w.wrote(t) {
			t.Errorf("%s [%s]: answered %d but wrote to the database", key, c.name, status)
		}
	}
	return len(cases)
}

// watch sees writes cheaply: SQLite's data_version, read on one pinned
// connection, moves whenever another connection commits; only then are the
// tables hashed again.
type watch struct {
	env  *apitest.Env
	conn *sql.Conn
	dv   int64
	sum  string
}

func newWatch(t *testing.T, env *apitest.Env) *watch {
	conn, err := env.Store.ReadSQL().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &watch{env: env, conn: conn}
	w.dv = w.dataVersion(t)
	w.sum = checksum(t, env)
	return w
}

func (w *watch) dataVersion(t *testing.T) int64 {
	var v int64
	if err := w.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// wrote reports whether anything but a recorded failed login was written
// since the last call.
func (w *watch) wrote(t *testing.T) bool {
	dv := w.dataVersion(t)
	if dv == w.dv {
		return false
	}
	w.dv = dv
	sum := checksum(t, w.env)
	changed := sum != w.sum
	w.sum = sum
	return changed
}

// sendWith sends one body case with header (the caller's credentials).
func sendWith(env *apitest.Env, header http.Header, method, path string, c bodyCase) (int, string, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(c.body))
	req.RemoteAddr = "192.0.2.10:4321"
	for k, v := range header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	req.Header.Set("Content-Type", c.contentType)
	rec := httptest.NewRecorder()
	env.Echo.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()
}

// Bodies over VADESK_MAX_BODY_BYTES are refused with 413 whether or not
// they announce their length, and nothing is written.
func TestOversizeBodiesAre413(t *testing.T) {
	env := apitest.New(t, func(c *config.Config) { c.MaxBodyBytes = 4096 })
	owner := env.NewPractice("Oversize")
	owner.Must(http.StatusOK, "GET", "/api/v1/me", nil)
	big, _ := json.Marshal(map[string]any{"name": "Big", "notes": strings.Repeat("n", 5000)})
	before := checksum(t, env)
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/api/v1/clients", bytes.NewReader(big))
		if chunked {
			req.ContentLength = -1 // no length announced: the limit bites while reading
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+owner.Token)
		rec := httptest.NewRecorder()
		env.Echo.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("chunked=%v: %d %s %s", chunked, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	if checksum(t, env) != before {
		t.Error("an oversize body wrote to the database")
	}
	// Just under the limit is fine.
	small, _ := json.Marshal(map[string]any{"name": "Small", "notes": strings.Repeat("n", 3000)})
	owner.Must(http.StatusCreated, "POST", "/api/v1/clients", string(small))
}
