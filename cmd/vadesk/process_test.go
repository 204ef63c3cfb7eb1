//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// These helpers run the real vadesk binary as a child process, for the
// tests that need a process to kill or signal.

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// vadeskBinary builds ./cmd/vadesk once per test run.
func vadeskBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the real binary; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "vadesk-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "vadesk")
		// go test puts its own GOROOT/bin first on the PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			binErr = fmt.Errorf("find the go command: %w", err)
			return
		}
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		start := time.Now()
		out, err := exec.Command(goTool, append(args, ".")...).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
		t.Logf("built %s in %s", binPath, time.Since(start).Round(time.Millisecond))
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// processEnv is the child's environment: this one without VADESK_*
// settings, plus env.
func processEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VADESK_") {
			out = append(out, kv)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// cliRun runs a vadesk command to completion and returns its stdout.
func cliRun(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(vadeskBinary(t), args...)
	cmd.Env = processEnv(env)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("vadesk %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// newOwnerToken creates an owner through the CLI and returns an API token.
func newOwnerToken(t *testing.T, env map[string]string) string {
	t.Helper()
	cliRun(t, env, "a long enough password\n", "user", "create", "--email", "owner@example.com", "--name", "Owner", "--practice", "Process VA", "--password-stdin")
	out := strings.TrimSpace(cliRun(t, env, "", "token", "create", "--user", "owner@example.com", "--name", "test"))
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}

// server is a running vadesk serve process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	logs []map[string]any
	done chan struct{}
	err  error // Wait's result, once done is closed
}

// startServer runs "vadesk serve" on a free port and waits until it serves.
func startServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	env["VADESK_ADDR"] = "127.0.0.1:0"
	cmd := exec.Command(vadeskBinary(t), "serve")
	cmd.Env = processEnv(env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				line = map[string]any{"msg": "unparsed", "text": sc.Text()}
			}
			s.mu.Lock()
			s.logs = append(s.logs, line)
			s.mu.Unlock()
			if line["msg"] == "vadesk serving" {
				addr <- line["addr"].(string)
			}
		}
	}()
	go func() {
		<-scanned
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.addr = <-addr:
	case <-s.done:
		t.Fatalf("vadesk serve exited before serving: %v\n%s", s.err, s.logText())
	case <-time.After(30 * time.Second):
		t.Fatalf("vadesk serve did not start\n%s", s.logText())
	}
	return s
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

// logText is the process's log so far, for failure messages.
func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, l := range s.logs {
		j, _ := json.Marshal(l)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// waitLog waits for a log line with msg.
func (s *server) waitLog(msg string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		for _, l := range s.logs {
			if l["msg"] == msg {
				s.mu.Unlock()
				return true
			}
		}
		s.mu.Unlock()
	}
	return false
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// exitCode waits for the process to end and returns its exit code.
func (s *server) exitCode(timeout time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(timeout):
		s.t.Fatalf("vadesk serve did not exit within %s\n%s", timeout, s.logText())
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	if s.err != nil {
		s.t.Fatal(s.err)
	}
	return 0
}

// apiClient sends JSON requests with a bearer token.
type apiClient struct {
	http  *http.Client
	token string
}

func newAPIClient(token string) *apiClient {
	return &apiClient{token: token, http: &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32, DisableCompression: true},
	}}
}

// do sends a request and decodes a JSON answer; err is set when no answer
// came (the connection broke), which for a killed server is expected.
func (c *apiClient) do(ctx context.Context, method, url string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m, nil
}

// openDB opens the database file directly, as the next server start would
// (read-write, so a WAL left by a killed process is recovered).
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw&_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// checkIntegrity runs SQLite's own checks of structure and references.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ic string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ic); err != nil || ic != "ok" {
		t.Fatalf("integrity_check: %q %v", ic, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("foreign_key_check: %s row %v refers to a missing %s", table, rowid.Int64, parent)
	}
}

func num(m map[string]any, field string) int64 {
	v, _ := m[field].(float64)
	return int64(v)
}
