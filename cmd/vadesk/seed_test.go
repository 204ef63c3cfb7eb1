package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedDemo(t *testing.T) {
	env := map[string]string{"VADESK_DB": filepath.Join(t.TempDir(), "demo.db")}
	r := runCLI(t, env, "", "seed")
	if r.code == 0 || !strings.Contains(r.stderr, "--demo") {
		t.Fatalf("seed without --demo: %+v", r)
	}
	r = runCLI(t, env, "a demo password to log in\n", "seed", "--demo", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "6 clients") || !strings.Contains(r.stdout, "ana@ortiz-va.example") ||
		strings.Contains(r.stdout, "a demo password") {
		t.Fatalf("seed --demo: %+v", r)
	}
	for _, state := range []string{"draft", "issued", "overdue", "partially paid", "paid", "void"} {
		if !strings.Contains(r.stdout, state) {
			t.Errorf("no %s invoice in %q", state, r.stdout)
		}
	}
	r = runCLI(t, env, "", "seed", "--demo")
	if r.code == 0 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("second seed: %+v", r)
	}
	r = runCLI(t, env, "", "seed", "--demo", "--force")
	if r.code != 0 || strings.Contains(r.stdout, "password:") {
		t.Fatalf("seed --demo --force: %+v", r)
	}
}

func TestSeedDemoPrintsPassword(t *testing.T) {
	env := map[string]string{"VADESK_DB": filepath.Join(t.TempDir(), "demo.db")}
	r := runCLI(t, env, "", "seed", "--demo")
	if r.code != 0 || !strings.Contains(r.stdout, "password: ") {
		t.Fatalf("seed --demo: %+v", r)
	}
}
