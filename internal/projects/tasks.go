package projects

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// Task statuses.
const (
	TaskTodo       = "todo"
	TaskInProgress = "in_progress"
	TaskWaiting    = "waiting"
	TaskDone       = "done"
)

// Task priorities.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

var (
	taskStatuses   = []string{TaskTodo, TaskInProgress, TaskWaiting, TaskDone}
	taskPriorities = []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
)

// Task is one thing to do for a client, optionally within one of its
// projects.
type Task struct {
	ID          int64 `gorm:"primaryKey"`
	PracticeID  int64
	ClientID    int64
	ProjectID   *int64
	Title       string
	Description string
	Status      string
	// DueOn is a calendar date, YYYY-MM-DD.
	DueOn      *string
	Priority   string
	AssigneeID *int64
	ServiceID  *int64
	// RequestedByID is the client contact who asked for the task through
	// the portal; staff cannot set it.
	RequestedByID *int64
	// Version grows by one on every change, for optimistic locking.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// GetTask returns one task through db (a transaction or the read pool);
// other domains use it to check a task_id they were given.
func GetTask(db *gorm.DB, id int64) (Task, error) {
	var t Task
	err := db.Take(&t, "id = ?", id).Error
	return t, store.NotFound(err, "task")
}

// Tasks manages the caller's tasks.
type Tasks struct{ st *store.Store }

// NewTasks returns Tasks over st.
func NewTasks(st *store.Store) *Tasks { return &Tasks{st: st} }

// TaskFilter narrows ListTasks. Due dates compare strictly: DueBefore
// "2026-11-09" finds tasks due up to 2026-11-08; tasks without a due date
// match neither.
type TaskFilter struct {
	ClientID   int64
	ProjectID  int64
	Statuses   []string
	AssigneeID int64
	DueBefore  string
	DueAfter   string
	AfterID    int64
	Limit      int
}

// List returns tasks in id order (stable for cursors).
func (s *Tasks) List(ctx context.Context, f TaskFilter) ([]Task, error) {
	var c apperr.Check
	for _, st := range f.Statuses {
		if c.OneOf("status", st, taskStatuses...); c.Has("status") {
			break
		}
	}
	if f.DueBefore != "" {
		c.Date("due_before", f.DueBefore)
	}
	if f.DueAfter != "" {
		c.Date("due_after", f.DueAfter)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	q := s.st.Read(ctx).Order("id").Where("id > ?", f.AfterID).Limit(f.Limit)
	if f.ClientID != 0 {
		q = q.Where("client_id = ?", f.ClientID)
	}
	if f.ProjectID != 0 {
		q = q.Where("project_id = ?", f.ProjectID)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.AssigneeID != 0 {
		q = q.Where("assignee_id = ?", f.AssigneeID)
	}
	if f.DueBefore != "" {
		q = q.Where("due_on < ?", f.DueBefore)
	}
	if f.DueAfter != "" {
		q = q.Where("due_on > ?", f.DueAfter)
	}
	var out []Task
	return out, store.Translate(q.Find(&out).Error)
}

// Get returns one task.
func (s *Tasks) Get(ctx context.Context, id int64) (Task, error) {
	return GetTask(s.st.Read(ctx), id)
}

// TaskInput is a task to create, or the fields to change (nil: unchanged).
// The nullable fields are pointers to pointers: nil leaves the field as it
// is, a pointer to nil clears it.
type TaskInput struct {
	ClientID    *int64
	ProjectID   **int64
	Title       *string
	Description *string
	Status      *string
	DueOn       **string
	Priority    *string
	AssigneeID  **int64
	ServiceID   **int64
	// Version, when set on an update, is the version the caller last read;
	// the update fails with a conflict if the task has changed since.
	Version *int64
}

func (in TaskInput) apply(t *Task, creating bool) error {
	var c apperr.Check
	if creating && in.ClientID == nil {
		c.Add("client_id", "is required")
	}
	if in.ClientID != nil && *in.ClientID <= 0 {
		c.Add("client_id", "does not exist")
	}
	if in.Title != nil {
		t.Title = strings.TrimSpace(*in.Title)
	}
	if in.Title != nil || creating {
		c.Text("title", t.Title, true, 300)
	}
	if in.Description != nil {
		t.Description = *in.Description
		c.Text("description", t.Description, false, 10000)
	}
	if in.Status != nil {
		t.Status = *in.Status
		c.OneOf("status", t.Status, taskStatuses...)
	}
	if in.Priority != nil {
		t.Priority = *in.Priority
		c.OneOf("priority", t.Priority, taskPriorities...)
	}
	if in.DueOn != nil {
		t.DueOn = *in.DueOn
		if t.DueOn != nil {
			c.Date("due_on", *t.DueOn)
		}
	}
	if creating && in.Version != nil {
		c.Add("version", "can only be sent when changing a task")
	}
	if in.Version != nil && *in.Version <= 0 {
		c.Add("version", "must be a positive whole number")
	}
	ids := []struct {
		field string
		in    **int64
		dst   **int64
	}{{"project_id", in.ProjectID, &t.ProjectID}, {"assignee_id", in.AssigneeID, &t.AssigneeID}, {"service_id", in.ServiceID, &t.ServiceID}}
	for _, f := range ids {
		if f.in == nil {
			continue
		}
		*f.dst = *f.in
		if *f.dst != nil && **f.dst <= 0 {
			c.Add(f.field, "does not exist")
		}
	}
	return c.Err()
}

// references checks, inside tx, that the ids t refers to exist in the
// caller's practice and fit together: the project belongs to the task's
// client and the assignee is an active owner or assistant. Only what in
// changes is checked, so a task keeps working after, say, its assignee
// leaves.
func references(tx *gorm.DB, t *Task, in TaskInput) error {
	var c apperr.Check
	if in.ClientID != nil {
		if _, err := clients.Get(tx, t.ClientID); isNotFound(err) {
			c.Add("client_id", "does not exist")
		} else if err != nil {
			return err
		}
	}
	if t.ProjectID != nil && (in.ProjectID != nil || in.ClientID != nil) && !c.Has("client_id") {
		p, err := Get(tx, *t.ProjectID)
		switch {
		case isNotFound(err):
			c.Add("project_id", "does not exist")
		case err != nil:
			return err
		case p.ClientID != t.ClientID:
			c.Add("project_id", "belongs to another client")
		}
	}
	if in.AssigneeID != nil && t.AssigneeID != nil {
		ok, err := isStaff(tx, *t.AssigneeID)
		if err != nil {
			return err
		}
		if !ok {
			c.Add("assignee_id", "is not an active owner or assistant of the practice")
		}
	}
	if in.ServiceID != nil && t.ServiceID != nil {
		if _, err := catalog.Get(tx, *t.ServiceID); isNotFound(err) {
			c.Add("service_id", "does not exist")
		} else if err != nil {
			return err
		}
	}
	return c.Err()
}

// Create adds a task: to do, normal priority, unless said otherwise.
func (s *Tasks) Create(ctx context.Context, in TaskInput) (Task, error) {
	t := Task{Status: TaskTodo, Priority: PriorityNormal, Version: 1}
	if err := in.apply(&t, true); err != nil {
		return Task{}, err
	}
	t.ClientID = *in.ClientID
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if err := references(tx, &t, in); err != nil {
			return err
		}
		return tx.Create(&t).Error
	})
	if err != nil {
		return Task{}, err
	}
	return t, nil
}

// Update changes a task and bumps its version. With in.Version set, it
// refuses (409) when someone else changed the task since the caller read
// it. A task with logged time keeps its client.
func (s *Tasks) Update(ctx context.Context, id int64, in TaskInput) (Task, error) {
	var t Task
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if t, err = GetTask(tx, id); err != nil {
			return err
		}
		if in.Version != nil && *in.Version > 0 && *in.Version != t.Version {
			return apperr.Conflict("the task was changed by someone else since you read it (it is at version %d, you sent %d); reload it and try again", t.Version, *in.Version)
		}
		if err := in.apply(&t, false); err != nil {
			return err
		}
		old := t.Version
		if in.ClientID != nil && *in.ClientID != t.ClientID {
			if err := canMove(tx, t); err != nil {
				return err
			}
			t.ClientID = *in.ClientID
		} else {
			in.ClientID = nil
		}
		if err := references(tx, &t, in); err != nil {
			return err
		}
		t.Version = old + 1
		res := tx.Model(&t).Where("version = ?", old).
			Select("client_id", "project_id", "title", "description", "status", "due_on", "priority",
				"assignee_id", "service_id", "version", "updated_at").
			Updates(&t)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("the task was changed by someone else at the same time; reload it and try again")
		}
		return nil
	})
	if err != nil {
		return Task{}, err
	}
	return t, nil
}

// canMove refuses to give a task another client once time was logged on it
// or it was requested by the current client's contact.
func canMove(tx *gorm.DB, t Task) error {
	var used int64
	err := tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE task_id = ?) +
		(SELECT COUNT(*) FROM timers WHERE task_id = ?)`, t.ID, t.ID).Scan(&used).Error
	if err != nil {
		return err
	}
	if used > 0 {
		return apperr.Conflict("the task has logged time; its client cannot be changed")
	}
	if t.RequestedByID != nil {
		return apperr.Conflict("the task was requested by the client's contact; its client cannot be changed")
	}
	return nil
}

// Delete removes a task. A task with logged time (or a running timer) stays,
// so the time keeps its description: mark it done instead.
func (s *Tasks) Delete(ctx context.Context, id int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		t, err := GetTask(tx, id)
		if err != nil {
			return err
		}
		var entries, timers int64
		err = tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE task_id = ?),
			(SELECT COUNT(*) FROM timers WHERE task_id = ?)`, t.ID, t.ID).Row().Scan(&entries, &timers)
		if err != nil {
			return err
		}
		if entries > 0 {
			return apperr.Conflict("the task has logged time; mark it done instead")
		}
		if timers > 0 {
			return apperr.Conflict("a timer is running on the task; stop it first")
		}
		return tx.Delete(&t).Error
	})
}

// staffUser is the part of a user tasks need: whether they can be assigned.
type staffUser struct {
	ID         int64
	PracticeID int64
	Role       tenant.Role
	DisabledAt *time.Time
}

func (staffUser) TableName() string { return "users" }

// isStaff reports whether id is an active owner or assistant of the
// caller's practice (the store scopes the query to it).
func isStaff(tx *gorm.DB, id int64) (bool, error) {
	var n int64
	err := tx.Model(&staffUser{}).
		Where("id = ? AND role IN ? AND disabled_at IS NULL", id, []tenant.Role{tenant.Owner, tenant.Assistant}).
		Count(&n).Error
	return n == 1, err
}

func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }
