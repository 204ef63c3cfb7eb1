package worklog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// Timer is a user's running stopwatch. A user has at most one (the table's
// UNIQUE user_id); stopping it turns it into an entry.
type Timer struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	UserID     int64
	ClientID   int64
	ServiceID  int64
	ProjectID  *int64
	TaskID     *int64
	Billable   bool
	Note       string
	StartedAt  time.Time
}

// TableName maps Timer to its table.
func (Timer) TableName() string { return "timers" }

// TimerInput is what a timer runs for. A pointer to 0 in ProjectID or
// TaskID means none.
type TimerInput struct {
	ClientID  *int64
	ServiceID *int64
	ProjectID *int64
	TaskID    *int64
	Note      *string
	Billable  *bool
}

// ErrNoTimer is the answer to stopping a timer that is not running.
var ErrNoTimer = &apperr.Error{Kind: apperr.KindNotFound, Message: "no timer is running"}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Timer returns the caller's running timer; ok is false when none runs.
func (s *Service) Timer(ctx context.Context) (t Timer, ok bool, err error) {
	sc, _ := tenant.From(ctx)
	return userTimer(s.st.Read(ctx), sc.UserID)
}

func userTimer(db *gorm.DB, userID int64) (Timer, bool, error) {
	var t Timer
	err := db.Take(&t, "user_id = ?", userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Timer{}, false, nil
	}
	return t, err == nil, store.Translate(err)
}

// StartTimer starts the caller's timer now. A timer already running is
// stopped and turned into an entry in the same transaction, and returned as
// stopped (nil when none ran), so no time is lost by switching tasks.
func (s *Service) StartTimer(ctx context.Context, in TimerInput) (t Timer, stopped *Entry, err error) {
	sc, _ := tenant.From(ctx)
	now := s.now().Truncate(time.Second)
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		var c apperr.Check
		var w work
		if in.ClientID == nil {
			c.Add("client_id", "is required")
		} else {
			w.ClientID = *in.ClientID
		}
		if in.ServiceID == nil {
			c.Add("service_id", "is required")
		} else {
			w.ServiceID = *in.ServiceID
		}
		w.ProjectID, w.TaskID = idOrNil(in.ProjectID), idOrNil(in.TaskID)
		t = Timer{UserID: sc.UserID, StartedAt: now}
		if in.Note != nil {
			t.Note = strings.TrimSpace(*in.Note)
			c.Text("note", t.Note, false, 2000)
		}
		r, err := resolve(tx, &c, &w, fresh{client: true, service: true})
		if err != nil {
			return err
		}
		if err := stillAssigned(tx, &c, sc, w); err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		t.ClientID, t.ServiceID, t.ProjectID, t.TaskID = w.ClientID, w.ServiceID, w.ProjectID, w.TaskID
		t.Billable = DefaultBillable(r.service.Billable, r.projectBilling())
		if in.Billable != nil {
			t.Billable = *in.Billable
		}
		old, running, err := userTimer(tx, sc.UserID)
		if err != nil {
			return err
		}
		if running {
			e, err := stopTimer(tx, old, now)
			if err != nil {
				return err
			}
			stopped = &e
		}
		if err := tx.Create(&t).Error; err != nil {
			// The one running timer per user is the UNIQUE index's to keep.
			// A row this transaction did not see was started at the same
			// moment, or (left by a version that did not stop timers when
			// a client was taken away) is for a client the caller no longer
			// works for: saving their clients again stops it.
			if store.IsUnique(err) {
				return apperr.Conflict("a timer of yours is already running (started at the same moment, or for a client you no longer work for); try again, or ask the owner to save your clients again, which stops it")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return Timer{}, nil, err
	}
	return t, stopped, nil
}

// StopTimer stops the caller's timer and returns the entry it became.
func (s *Service) StopTimer(ctx context.Context) (Entry, error) {
	sc, _ := tenant.From(ctx)
	now := s.now()
	var e Entry
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		t, running, err := userTimer(tx, sc.UserID)
		if err != nil {
			return err
		}
		if !running {
			return ErrNoTimer
		}
		e, err = stopTimer(tx, t, now)
		return err
	})
	return e, err
}

// StopTimerOutside stops, inside tx, the running timer of the user userID
// when its client is none of clientIDs, turning the time up to now into
// their entry, and returns the entry's id (0 when no timer was stopped).
// It is auth's TimerStopper: when the owner takes a client from an
// assistant, or disables a user (an empty clientIDs), the timer ends
// there, so nobody is left with a timer they can no longer see or stop
// (a disabled user's would otherwise run until capped). tx runs for the owner,
// who sees every client, so the entry is written as for any timer.
func (s *Service) StopTimerOutside(tx *gorm.DB, userID int64, clientIDs []int64) (int64, error) {
	t, running, err := userTimer(tx, userID)
	if err != nil || !running || slices.Contains(clientIDs, t.ClientID) {
		return 0, err
	}
	e, err := stopTimer(tx, t, s.now())
	return e.ID, err
}

// stillAssigned records on c when the restricted caller sc is no longer
// given the client of w. sc was read when the request began: an owner
// who took the client away in between stopped no timer (none ran yet), so
// a timer started now would be one its user could not see.
func stillAssigned(tx *gorm.DB, c *apperr.Check, sc tenant.Scope, w work) error {
	if !sc.Restricted || c.Has("client_id") {
		return nil
	}
	var n int64
	err := tx.Raw("SELECT COUNT(*) FROM assistant_clients WHERE practice_id = ? AND user_id = ? AND client_id = ?",
		sc.PracticeID, sc.UserID, w.ClientID).Scan(&n).Error
	if err == nil && n == 0 {
		c.Add("client_id", "does not exist")
	}
	return err
}

// stopTimer turns t into an entry at now and removes it. The work was
// checked when the timer started, so a client or service archived since
// does not throw the time away.
func stopTimer(tx *gorm.DB, t Timer, now time.Time) (Entry, error) {
	minutes := TimerMinutes(now.Sub(t.StartedAt))
	in := EntryInput{ClientID: &t.ClientID, ServiceID: &t.ServiceID, ProjectID: t.ProjectID, TaskID: t.TaskID,
		StartedAt: &t.StartedAt, Minutes: &minutes, Billable: &t.Billable, Note: &t.Note}
	// A task moved to another project while the timer ran takes the time
	// with it, rather than a 422 that would leave a timer nobody can stop.
	e, err := createEntry(tx, in, t.UserID, fresh{followTask: true})
	if err != nil {
		return Entry{}, err
	}
	return e, tx.Delete(&t).Error
}
