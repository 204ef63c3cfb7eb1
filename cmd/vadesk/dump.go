package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/transfer"
)

// exportCmd runs `vadesk export --json FILE [--practice NAME]`: the whole
// practice as one JSON document (see internal/transfer/practice.go), for
// moving it to another machine. It is safe while the server runs.
func exportCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stdout)
	file := fs.String("json", "", "write the practice to this file (- for standard output)")
	name := fs.String("practice", "", "the practice to export (default: the only one)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("usage: vadesk export --json FILE [--practice NAME]")
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	svc := transfer.New(st, time.Now)
	if *file == "-" {
		return svc.ExportPractice(ctx, *name, stdout)
	}
	// Written beside the target and renamed into place, so a failed export
	// never leaves half a file under the name asked for.
	tmp, err := os.CreateTemp(filepath.Dir(*file), ".vadesk-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := svc.ExportPractice(ctx, *name, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported to %s\n", *file)
	return nil
}

// importCmd runs `vadesk import --json FILE [--name NAME]`: adds the
// document's practice to this database, all or nothing.
func importCmd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("import", stdout)
	file := fs.String("json", "", "read the practice from this file (- for standard input)")
	rename := fs.String("name", "", "import the practice under this name")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("usage: vadesk import --json FILE [--name NAME]")
	}
	in := stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	sum, err := transfer.New(st, time.Now).ImportPractice(ctx, in, *rename)
	if err != nil {
		return err
	}
	tables := make([]string, 0, len(sum.Rows))
	total := 0
	for t, n := range sum.Rows {
		tables = append(tables, t)
		total += n
	}
	sort.Strings(tables)
	fmt.Fprintf(stdout, "imported practice %q (id %d): %d rows\n", sum.Name, sum.PracticeID, total)
	for _, t := range tables {
		fmt.Fprintf(stdout, "  %-22s %d\n", t, sum.Rows[t])
	}
	return nil
}
