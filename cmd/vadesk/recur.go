package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/retainers"
	"github.com/vadesk/vadesk/internal/store"
)

// recurEvery is how often the server looks for retainer months to invoice.
// Months turn at midnight in each practice's own zone, so the run that
// catches a practice's first of the month comes within the hour.
const recurEvery = time.Hour

// invoicesCmd runs `vadesk invoices recur [--date YYYY-MM-DD]`: the same
// idempotent run the server makes every hour, on demand (after downtime,
// from cron, or to see what a date would bill).
func invoicesCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "recur" {
		return errors.New("usage: vadesk invoices recur [--date YYYY-MM-DD] [--db PATH]")
	}
	fs := newFlags("invoices recur", stdout)
	date := fs.String("date", "", "the day to invoice as of, in each practice's time zone (default today)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, cliLog(stderr), false)
	if err != nil {
		return err
	}
	defer db.close()
	st := db.st
	res, err := retainers.New(st, billing.New(st, time.Now), time.Now).Recur(ctx, *date)
	if err != nil {
		return err
	}
	for _, m := range res.Made {
		fmt.Fprintf(stdout, "%s invoice %d for retainer %d (practice %d), %s: %s\n", m.Status, m.InvoiceID, m.RetainerID,
			m.PracticeID, m.Period, money.Format(m.Total, m.Currency))
	}
	for _, f := range res.Failed {
		fmt.Fprintln(stdout, "failed:", f)
	}
	if len(res.Made) == 0 && len(res.Failed) == 0 {
		fmt.Fprintln(stdout, "nothing to invoice")
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%d retainer invoice(s) could not be made", len(res.Failed))
	}
	return nil
}

// startRecurring runs the recurring invoice scheduler beside the server;
// stop ends it and waits, so the store is not closed under a run.
func startRecurring(ctx context.Context, st *store.Store, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		retainers.New(st, billing.New(st, time.Now), time.Now).Run(ctx, recurEvery, log)
	}()
	return func() {
		cancel()
		<-done
	}
}
