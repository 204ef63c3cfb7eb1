package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/web"
)

func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func serve(ctx context.Context, cfg config.Config, args []string, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (VADESK_ADDR)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database file (VADESK_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	e := httpapi.New(httpapi.Deps{
		Config:   cfg,
		Store:    st,
		Services: httpapi.NewServices(st, time.Now),
		Log:      log,
		Web:      web.Static(),
	})
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		st.Close()
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("vadesk serving", "addr", ln.Addr().String(), "db", cfg.DB, "version", versionString())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	stopRecurring := startRecurring(ctx, st, log)
	backups := make(chan struct{})
	bctx, stopBackups := context.WithCancel(ctx)
	defer stopBackups()
	go func() {
		defer close(backups)
		if cfg.Backup.Dir != "" {
			scheduleBackups(bctx, cfg.Backup, cfg.DB, log)
		}
	}()
	select {
	case err := <-errc:
		stopBackups()
		<-backups
		stopRecurring()
		st.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish within the grace period,
	// then checkpoint and close the database.
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	shutErr := srv.Shutdown(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
	}
	stopBackups() // a backup in progress is interrupted and its temp file removed
	<-backups
	stopRecurring()
	closeErr := st.Close()
	if shutErr != nil {
		log.Warn("shutdown timed out; some requests were cut off", "err", shutErr)
	}
	if closeErr != nil {
		return closeErr
	}
	log.Info("stopped")
	return nil
}
