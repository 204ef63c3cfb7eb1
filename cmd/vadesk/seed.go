package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/seed"
)

// seedCmd fills a database with the demo practice, for trying vadesk.
func seedCmd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("seed", stdout)
	demo := fs.Bool("demo", false, "add the demo practice (required: it is the only data set)")
	force := fs.Bool("force", false, "add the demo even though the practice already has clients")
	pwStdin := fs.Bool("password-stdin", false, "read the demo owner's password from standard input (default: make one up and print it)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo || fs.NArg() > 0 {
		return errors.New("usage: vadesk seed --demo [--force] [--password-stdin] [--db PATH]")
	}
	var pw string
	if *pwStdin {
		var err error
		if pw, err = readPassword(stdin); err != nil {
			return err
		}
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	// The demo is made through the real router, wired as serve wires it;
	// its request logs are of no interest.
	api := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Services: app.New(cfg, st, time.Now),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	res, err := seed.Demo(ctx, st, seed.DemoOptions{Password: pw, Force: *force, Now: time.Now, API: api})
	if err != nil {
		if errors.Is(err, seed.ErrHasClients) {
			return errors.New("the practice already has clients; seed --demo is meant for a fresh database (add --force to add the demo anyway)")
		}
		return err
	}
	var states []string
	for _, s := range []string{"draft", "issued", "overdue", "partially_paid", "paid", "void"} {
		if n := res.Invoices[s]; n > 0 {
			states = append(states, strings.ReplaceAll(s, "_", " "))
		}
	}
	invoices := 0
	for _, n := range res.Invoices {
		invoices += n
	}
	fmt.Fprintf(stdout, "Demo practice %q is ready in %s: %d clients, %d projects, %d tasks, %d time entries, %d expenses, %d retainer(s), %d invoices (%s).\n",
		res.Practice, cfg.DB, res.Clients, res.Projects, res.Tasks, res.Entries, res.Expenses, res.Retainers, invoices, strings.Join(states, ", "))
	for _, n := range res.Notes {
		fmt.Fprintln(stdout, "Note:", n)
	}
	switch {
	case res.Password != "" && !*pwStdin:
		fmt.Fprintf(stdout, "Log in with\n  e-mail:   %s\n  password: %s\n", res.Email, res.Password)
	case res.Password != "":
		fmt.Fprintf(stdout, "Log in as %s with the password you gave.\n", res.Email)
	default:
		fmt.Fprintf(stdout, "It was added to the existing practice of %s, who logs in as before.\n", res.Email)
	}
	return nil
}
