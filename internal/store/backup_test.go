package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/store"
)

// row is one table row: its rowid and its values, printed.
type row struct {
	id  int64
	val string
}

// dump reads every table of the database at path, rows in rowid order.
func dump(t *testing.T, path string) map[string][]row {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	out := map[string][]row{}
	for _, n := range names {
		rows, err := db.Query(fmt.Sprintf(`SELECT rowid, * FROM "%s" ORDER BY rowid`, n))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		out[n] = []row{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals[1:] {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v|", cols[i+1], v)
			}
			out[n] = append(out[n], row{id: vals[0].(int64), val: b.String()})
		}
		rows.Close()
	}
	return out
}

func hasRoute(env *apitest.Env, method, path string) bool {
	for _, r := range env.Echo.Routes() {
		if r.Method == method && r.Path == path {
			return true
		}
	}
	return false
}

// A backup taken while clients and time entries are being written is a
// consistent snapshot: it passes the integrity check, holds every write
// acknowledged before it started, and every table of it equals the source
// as of one commit (rows are only added by this load, and the one writer
// hands out rowids in commit order, so that commit is a rowid cut).
func TestBackupUnderWriteLoad(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Under Load")
	owner.Must(http.StatusOK, http.MethodGet, "/api/v1/me", nil) // stamps the token's last use now
	client := apitest.ID(t, owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/clients", map[string]any{"name": "Seed"}), "id")
	service := apitest.ID(t, owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/services", map[string]any{"name": "Inbox", "default_hourly_rate": 6000}), "id")
	entries := hasRoute(env, http.MethodPost, "/api/v1/time-entries")

	type ack struct {
		table string
		id    int64
	}
	var (
		mu    sync.Mutex
		acked []ack
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	write := func(w, i int) {
		path, table := "/api/v1/clients", "clients"
		body := map[string]any{"name": fmt.Sprintf("Client %d-%d", w, i)}
		if entries && i%2 == 1 {
			path, table = "/api/v1/time-entries", "time_entries"
			body = map[string]any{"client_id": client, "service_id": service,
				"started_at": apitest.Start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339), "minutes": 1 + i%90}
		}
		res := owner.Do(http.MethodPost, path, body)
		if res.Status != http.StatusCreated {
			t.Errorf("POST %s: %d %s", path, res.Status, res.Body)
			return
		}
		id := apitest.ID(t, res.Map(t), "id")
		mu.Lock()
		acked = append(acked, ack{table, id})
		mu.Unlock()
	}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				write(w, i)
			}
		}()
	}
	waitFor := func(n int) {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n {
				return
			}
		}
		t.Fatalf("the load did not reach %d writes", n)
	}
	waitFor(40)
	mu.Lock()
	before := append([]ack(nil), acked...)
	mu.Unlock()
	dst := filepath.Join(t.TempDir(), "backups", "copy.db")
	info, err := env.Store.Backup(context.Background(), dst, false)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	waitFor(len(before) + during + 20) // the load goes on after the backup
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup of %d bytes with %d writes acknowledged before it and %d while it ran (time entries too: %v)", info.Bytes, len(before), during, entries)

	if _, err := store.Inspect(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	bk, src := dump(t, dst), dump(t, env.Store.Path())
	for _, a := range before {
		found := false
		for _, r := range bk[a.table] {
			found = found || r.id == a.id
		}
		if !found {
			t.Errorf("%s %d was acknowledged before the backup started but is not in it", a.table, a.id)
		}
	}
	var tables []string
	for name := range src {
		tables = append(tables, name)
	}
	sort.Strings(tables)
	for _, name := range tables {
		b, s := bk[name], src[name]
		if b == nil {
			t.Errorf("table %s is missing from the backup", name)
			continue
		}
		cut := int64(0)
		if len(b) > 0 {
			cut = b[len(b)-1].id
		}
		var upTo []row
		for _, r := range s {
			if r.id <= cut {
				upTo = append(upTo, r)
			}
		}
		if name != "clients" && name != "time_entries" && len(upTo) != len(s) {
			t.Errorf("table %s: the backup has %d rows, the source %d, and the load did not write there", name, len(b), len(s))
		}
		if len(upTo) != len(b) {
			t.Errorf("table %s: %d rows in the backup, %d in the source up to rowid %d", name, len(b), len(upTo), cut)
			continue
		}
		for i := range b {
			if b[i] != upTo[i] {
				t.Errorf("table %s rowid %d differs:\nbackup %s\nsource %s", name, b[i].id, b[i].val, upTo[i].val)
			}
		}
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	env := apitest.New(t)
	env.NewPractice("Overwrite")
	ctx := context.Background()
	dst := filepath.Join(t.TempDir(), "b.db")
	if err := os.WriteFile(dst, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Backup(ctx, dst, false); !errors.Is(err, store.ErrExists) {
		t.Fatalf("backup over an existing file: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "precious" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	info, err := env.Store.Backup(ctx, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if info.Version < 1 || info.Newest.IsZero() || info.Bytes == 0 {
		t.Errorf("info %+v", info)
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(filepath.Dir(dst))
	if len(ents) != 1 {
		t.Errorf("directory holds %d files, want only the backup", len(ents))
	}
	if _, err := store.Backup(ctx, filepath.Join(t.TempDir(), "missing.db"), filepath.Join(t.TempDir(), "x.db"), false); err == nil {
		t.Error("backup of a missing database succeeded")
	}
}

// restoreEnv is a database with a practice, closed so it can be restored
// over, plus a backup of it.
func restoreEnv(t *testing.T) (env *apitest.Env, backup string) {
	t.Helper()
	env = apitest.New(t)
	owner := env.NewPractice("Restore")
	owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/clients", map[string]any{"name": "Before backup"})
	backup = filepath.Join(t.TempDir(), "backup.db")
	if _, err := env.Store.Backup(context.Background(), backup, false); err != nil {
		t.Fatal(err)
	}
	return env, backup
}

func clientNames(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, r := range dump(t, path)["clients"] {
		i := strings.Index(r.val, "name=")
		out = append(out, strings.SplitN(r.val[i+5:], "|", 2)[0])
	}
	return out
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)

	t.Run("into a new place", func(t *testing.T) {
		_, backup := restoreEnv(t)
		target := filepath.Join(t.TempDir(), "new", "vadesk.db")
		res, err := store.Restore(ctx, backup, target, false, now)
		if err != nil {
			t.Fatal(err)
		}
		if res.Replaced != nil || res.KeptAs != "" {
			t.Errorf("result %+v", res)
		}
		if got := clientNames(t, target); len(got) != 1 || got[0] != "Before backup" {
			t.Errorf("clients %v", got)
		}
	})

	t.Run("over an older database", func(t *testing.T) {
		_, backup := restoreEnv(t)
		older := filepath.Join(t.TempDir(), "older.db")
		// An older database: same schema, no clients yet.
		st, err := store.Open(ctx, older, store.Options{Now: func() time.Time { return apitest.Start.Add(-time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := store.Restore(ctx, backup, older, false, now); err != nil {
			t.Fatal(err)
		}
		if got := clientNames(t, older); len(got) != 1 {
			t.Errorf("clients after restore %v", got)
		}
		for _, s := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(older + s); err == nil {
				t.Errorf("%s%s left beside the restored database", older, s)
			}
		}
		// The restored file opens and migrates as the server would.
		st, err = store.Open(ctx, older, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("over a newer database needs --force", func(t *testing.T) {
		env, backup := restoreEnv(t)
		owner := env.NewPractice("Later")
		env.Clock.Advance(time.Hour)
		owner.Must(http.StatusCreated, http.MethodPost, "/api/v1/clients", map[string]any{"name": "After backup"})
		path := env.Store.Path()
		env.Store.Close()
		_, err := store.Restore(ctx, backup, path, false, now)
		if !errors.Is(err, store.ErrNewer) {
			t.Fatalf("restore over newer work: %v, want ErrNewer", err)
		}
		if got := clientNames(t, path); len(got) != 2 {
			t.Fatalf("a refused restore changed the database: clients %v", got)
		}
		res, err := store.Restore(ctx, backup, path, true, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := clientNames(t, path); len(got) != 1 || got[0] != "Before backup" {
			t.Errorf("clients after forced restore %v", got)
		}
		if res.KeptAs == "" {
			t.Fatal("the replaced database was not kept")
		}
		if got := clientNames(t, res.KeptAs); len(got) != 2 {
			t.Errorf("the kept database has clients %v", got)
		}
	})

	t.Run("over a newer schema needs --force", func(t *testing.T) {
		env, backup := restoreEnv(t)
		if _, err := env.Store.SQL().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)"); err != nil {
			t.Fatal(err)
		}
		path := env.Store.Path()
		env.Store.Close()
		if _, err := store.Restore(ctx, backup, path, false, now); !errors.Is(err, store.ErrNewer) {
			t.Fatalf("restore over a newer schema: %v, want ErrNewer", err)
		}
		// And a backup from a newer vadesk is refused the other way round.
		if _, err := store.Restore(ctx, path, filepath.Join(t.TempDir(), "x.db"), false, now); !errors.Is(err, store.ErrNewer) {
			t.Fatalf("restore of a newer backup: %v, want ErrNewer", err)
		}
	})

	t.Run("while the database is open", func(t *testing.T) {
		env, backup := restoreEnv(t)
		_, err := store.Restore(ctx, backup, env.Store.Path(), true, now)
		if !errors.Is(err, store.ErrInUse) {
			t.Fatalf("restore under an open store: %v, want ErrInUse", err)
		}
		if err := env.Store.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("refuses what is not a sound vadesk backup", func(t *testing.T) {
		env, backup := restoreEnv(t)
		path := env.Store.Path()
		env.Store.Close()
		before := clientNames(t, path)
		dir := t.TempDir()
		garbage := filepath.Join(dir, "garbage.db")
		os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 500)), 0o600)
		other := filepath.Join(dir, "other.db")
		db, _ := sql.Open("sqlite3", other)
		db.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
		db.Close()
		damaged := filepath.Join(dir, "damaged.db")
		b, _ := os.ReadFile(backup)
		// Scribble over the b-tree pages, past the header.
		for i := 4096 + 100; i < len(b) && i < 4096*6; i += 7 {
			b[i] ^= 0x5a
		}
		os.WriteFile(damaged, b, 0o600)
		for _, bad := range []string{garbage, other, damaged, filepath.Join(dir, "missing.db"), dir} {
			if _, err := store.Restore(ctx, bad, path, true, now); err == nil {
				t.Errorf("restore of %s succeeded", filepath.Base(bad))
			}
		}
		if after := clientNames(t, path); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Errorf("a failed restore changed the database: %v → %v", before, after)
		}
		ents, _ := os.ReadDir(filepath.Dir(path))
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp-") || strings.Contains(e.Name(), ".replaced-") {
				t.Errorf("a failed restore left %s behind", e.Name())
			}
		}
	})
}

func TestRotation(t *testing.T) {
	env := apitest.New(t)
	env.NewPractice("Rotation")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "backups")
	rot := store.Rotation{Dir: dir, Keep: 2}
	if next, err := rot.Next(apitest.Start, time.Hour); err != nil || !next.Equal(apitest.Start) {
		t.Fatalf("next with no backups: %v, %v", next, err)
	}
	os.MkdirAll(dir, 0o750)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	// What a crash in the middle of a backup leaves: an old one goes, a
	// fresh one (perhaps still being written) stays.
	crashed := filepath.Join(dir, ".vadesk-20261101T000000Z.db.tmp-0a1b2c")
	writing := filepath.Join(dir, ".vadesk-20261102T000000Z.db.tmp-3d4e5f")
	os.WriteFile(crashed, []byte("half"), 0o600)
	os.WriteFile(writing, []byte("half"), 0o600)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(crashed, old, old)
	for i := range 4 {
		if _, err := rot.Take(ctx, env.Store.Path(), apitest.Start.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := rot.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || !all[0].Taken.Equal(apitest.Start.Add(2*time.Hour)) || !all[1].Taken.Equal(apitest.Start.Add(3*time.Hour)) {
		t.Fatalf("kept %+v, want the two newest", all)
	}
	if filepath.Base(all[1].Path) != "vadesk-20261102T120000Z.db" {
		t.Errorf("name %s", filepath.Base(all[1].Path))
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("pruning removed a file that is not a backup")
	}
	if _, err := os.Stat(crashed); err == nil {
		t.Error("pruning kept the temporary file of a crashed backup")
	}
	if _, err := os.Stat(writing); err != nil {
		t.Error("pruning removed the temporary file of a backup in progress")
	}
	if next, _ := rot.Next(apitest.Start.Add(4*time.Hour), time.Hour); !next.Equal(apitest.Start.Add(4 * time.Hour)) {
		t.Errorf("next %v", next)
	}
	for _, b := range all {
		if _, err := store.Inspect(ctx, b.Path); err != nil {
			t.Error(err)
		}
	}
}
