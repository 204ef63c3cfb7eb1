package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

func TestUserAndTokenCreate(t *testing.T) {
	env := map[string]string{"VADESK_DB": filepath.Join(t.TempDir(), "sub", "vadesk.db")}
	r := runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--practice", "Ana VA", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, `practice "Ana VA"`) {
		t.Fatalf("user create: %+v", r)
	}
	// Same e-mail again: a clear error on stderr and a non-zero exit.
	r = runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ana@example.com", "--name", "Ana", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "email") {
		t.Fatalf("duplicate user: %+v", r)
	}
	r = runCLI(t, env, "short\n", "user", "create", "--email", "bo@example.com", "--name", "Bo", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "password") {
		t.Fatalf("short password: %+v", r)
	}
	r = runCLI(t, env, "", "user", "create", "--email", "bo@example.com", "--name", "Bo")
	if r.code == 0 || !strings.Contains(r.stderr, "--password-stdin") {
		t.Fatalf("no --password-stdin: %+v", r)
	}
	r = runCLI(t, env, "", "token", "create", "--user", "ana@example.com", "--name", "cli")
	if r.code != 0 {
		t.Fatalf("token create: %+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	tok := lines[len(lines)-1]
	if !strings.HasPrefix(tok, "vad_") || strings.Contains(tok, " ") {
		t.Fatalf("last line %q is not a raw token", tok)
	}
	r = runCLI(t, env, "", "token", "create", "--user", "nobody@example.com", "--name", "cli")
	if r.code == 0 || r.stderr == "" {
		t.Fatalf("token for unknown user: %+v", r)
	}
	r = runCLI(t, env, "", "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "schema version") {
		t.Fatalf("migrate: %+v", r)
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	r := runCLI(t, nil, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "vadesk ") {
		t.Fatalf("version: %+v", r)
	}
	r = runCLI(t, nil, "", "frobnicate")
	if r.code == 0 || !strings.Contains(r.stderr, "unknown command") {
		t.Fatalf("unknown: %+v", r)
	}
	r = runCLI(t, map[string]string{"VADESK_LOG_LEVEL": "loud"}, "", "version")
	if r.code == 0 || !strings.Contains(r.stderr, "VADESK_LOG_LEVEL") {
		t.Fatalf("bad config: %+v", r)
	}
}

// serve answers /healthz and stops cleanly (exit 0) when its context ends,
// as it does on SIGTERM.
func TestServeAndShutdown(t *testing.T) {
	env := map[string]string{"VADESK_DB": filepath.Join(t.TempDir(), "vadesk.db"), "VADESK_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, pw, func(k string) string { return env[k] })
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "vadesk serving" {
				addr <- line["addr"].(string)
			}
		}
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	res, err := http.Get("http://" + a + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("healthz %d", res.StatusCode)
	}
	res, err = http.Get("http://" + a + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "vadesk") {
		t.Fatalf("web UI: %d %.200s", res.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop")
	}
}
