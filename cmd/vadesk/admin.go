package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/tenant"
)

// migrate applies pending migrations, after a backup of the database as
// it was (see openStore). With migrations pending it refuses while a
// server has the database open: the server migrates at start, and a newer
// schema under an older server would break it.
func migrate(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stdout)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	noBackup := fs.Bool("no-backup", false, "migrate without backing the database up first (when the disk has no room for a copy)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), *noBackup)
	if err != nil {
		return err
	}
	defer db.close()
	m := db.migrated
	if len(m.Pending) > 0 {
		fmt.Fprintf(stdout, "migrated %s from schema version %d to %d\n", cfg.DB, m.From, m.To)
		if m.Backup != "" {
			fmt.Fprintf(stdout, "the database as it was (version %d) is backed up in %s\n", m.From, m.Backup)
		}
	}
	v, err := db.st.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", cfg.DB, v)
	return nil
}

func userCmd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: vadesk user create --email E --name N [--role owner|assistant] [--practice NAME] --password-stdin")
	}
	fs := newFlags("user create", stdout)
	email := fs.String("email", "", "e-mail address, used to log in")
	name := fs.String("name", "", "the person's name")
	role := fs.String("role", "owner", "owner or assistant")
	practiceName := fs.String("practice", "", "practice to add the user to; created when new (default: the first practice)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !*pwStdin {
		return errors.New("--password-stdin is required: passwords are never taken from the command line")
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	u, p, err := auth.New(st, time.Now).CreateUser(ctx, auth.NewUser{
		Email: *email, Name: *name, Role: tenant.Role(*role), Practice: *practiceName, Password: pw,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %d) in practice %q (id %d)\n", u.Role, u.Email, u.ID, p.Name, p.ID)
	return nil
}

// readPassword reads one line (or everything, without the final newline).
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, nil
}

func tokenCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: vadesk token create --user E --name N")
	}
	fs := newFlags("token create", stdout)
	email := fs.String("user", "", "e-mail of the user the token acts as")
	name := fs.String("name", "", "a name to recognise the token by")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--user is required")
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	t, raw, err := auth.New(st, time.Now).CreateTokenFor(ctx, *email, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %q (id %d) for %s; it is shown once, store it now:\n%s\n", t.Name, t.ID, *email, raw)
	return nil
}
