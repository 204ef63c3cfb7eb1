// Command vadesk is the practice manager for virtual assistants: the web
// server and its command-line tools in one binary. This file is the one
// composition root: it reads the configuration, opens the store, wires the
// domain services into the router and runs them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/config"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

const usage = `vadesk — practice manager for virtual assistants

Usage:
  vadesk [serve] [--addr ADDR] [--db PATH]   run the server (default)
  vadesk migrate [--no-backup] [--db PATH]   apply database migrations (after a backup)
  vadesk user create --email E --name N [--role owner|assistant] [--practice NAME] --password-stdin
  vadesk token create --user E --name N      print a new API token (once)
  vadesk backup [--force] FILE               copy the database to FILE (safe while serving)
  vadesk restore [--force] FILE              replace the database with a backup (stop the server first)
  vadesk seed --demo [--force] [--password-stdin]  fill a fresh database with a demo practice
  vadesk invoices recur [--date YYYY-MM-DD]  make the retainer invoices due by a date (the server does this hourly)
  vadesk export --json FILE [--practice NAME]  write a whole practice to one JSON file
  vadesk import --json FILE [--name NAME]      add a practice from such a file
  vadesk version                             print the version

Configuration comes from VADESK_* environment variables; see README.md.
`

// run is main without the process: it returns the exit code, so tests can
// drive every command.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vadesk:", err)
		return 2
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, args, stderr)
	case "migrate":
		err = migrate(ctx, cfg, args, stdout, stderr)
	case "user":
		err = userCmd(ctx, cfg, args, stdin, stdout, stderr)
	case "token":
		err = tokenCmd(ctx, cfg, args, stdout, stderr)
	case "backup":
		err = backupCmd(ctx, cfg, args, stdout)
	case "restore":
		err = restoreCmd(ctx, cfg, args, stdout)
	case "seed":
		err = seedCmd(ctx, cfg, args, stdin, stdout, stderr)
	case "invoices":
		err = invoicesCmd(ctx, cfg, args, stdout, stderr)
	case "export":
		err = exportCmd(ctx, cfg, args, stdout, stderr)
	case "import":
		err = importCmd(ctx, cfg, args, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "vadesk", versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "vadesk: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	code := exitCode(err)
	if code != 0 {
		fmt.Fprintln(stderr, "vadesk:", describe(err))
	}
	return code
}

// Exit codes beside 0 (done) and 2 (bad usage or configuration). They are
// part of the CLI's contract (README.md): supervisors and scripts act on
// them.
const (
	// exitFailed: the command failed; standard error says why.
	exitFailed = 1
	// exitShutdownTimedOut: serve stopped on SIGTERM or SIGINT, but
	// requests still in flight when VADESK_SHUTDOWN_TIMEOUT ran out were
	// cut off. The database was closed cleanly; their clients got no
	// answer (and nothing of theirs was committed unless they had finished).
	exitShutdownTimedOut = 3
)

// errShutdownTimedOut is serve's result when the grace period ran out.
var errShutdownTimedOut = errors.New("shutdown timed out: requests in flight were cut off")

// exitCode is the process's exit code for a command's result.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errShutdownTimedOut):
		return exitShutdownTimedOut
	}
	return exitFailed
}

// describe renders an error for a person at a terminal: validation errors
// list their fields.
func describe(err error) string {
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		parts := make([]string, len(ae.Fields))
		for i, f := range ae.Fields {
			parts[i] = f.Field + " " + f.Message
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
