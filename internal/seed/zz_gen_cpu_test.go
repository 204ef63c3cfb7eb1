package seed_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/seed"
	"github.com/vadesk/vadesk/internal/store"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestGenCPU(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c0, w0 := cpu(), time.Now()
	ds, err := seed.Generate(ctx, st, seed.Small)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cpu %v wall %v phases %v", cpu()-c0, time.Since(w0), ds.Phases)
}
