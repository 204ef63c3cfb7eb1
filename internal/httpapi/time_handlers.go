package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/worklog"
)

type timeHandler struct{ svc *worklog.Service }

// timeEntryJSON is an entry on the wire. Its times are RFC 3339 strings,
// formatted as time.Time's own MarshalJSON would: a page of entries has 150
// of them, and encoding/json re-validates every byte a MarshalJSON returns,
// which made them half the cost of encoding the page.
type timeEntryJSON struct {
	ID              int64  `json:"id"`
	ClientID        int64  `json:"client_id"`
	ServiceID       int64  `json:"service_id"`
	ProjectID       *int64 `json:"project_id"`
	TaskID          *int64 `json:"task_id"`
	UserID          int64  `json:"user_id"`
	StartedAt       string `json:"started_at"`
	Minutes         int64  `json:"minutes"`
	Billable        bool   `json:"billable"`
	BillableMinutes int64  `json:"billable_minutes"`
	HourlyRate      int64  `json:"hourly_rate"`
	Amount          int64  `json:"amount"`
	Currency        string `json:"currency"`
	Note            string `json:"note"`
	InternalNote    string `json:"internal_note"`
	InvoiceID       *int64 `json:"invoice_id"`
	DraftInvoiceID  *int64 `json:"draft_invoice_id"`
	Locked          bool   `json:"locked"`
	Version         int64  `json:"version"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
}

func toTimeEntry(e worklog.Entry) timeEntryJSON {
	return timeEntryJSON{ID: e.ID, ClientID: e.ClientID, ServiceID: e.ServiceID, ProjectID: e.ProjectID, TaskID: e.TaskID,
		UserID: e.UserID, StartedAt: jsonTime(e.StartedAt.UTC()), Minutes: e.Minutes, Billable: e.Billable,
		BillableMinutes: e.BillableMinutes, HourlyRate: e.HourlyRate, Amount: e.Amount, Currency: e.Currency,
		Note: e.Note, InternalNote: e.InternalNote, InvoiceID: e.InvoiceID, DraftInvoiceID: e.DraftInvoiceID,
		Locked: e.Locked(), Version: e.Version, CreatedAt: jsonTime(e.CreatedAt), UpdatedAt: jsonTime(e.UpdatedAt)}
}

// jsonTime is t as time.Time's MarshalJSON writes it, without the quotes.
func jsonTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

type timeEntryRequest struct {
	ClientID     *int64          `json:"client_id"`
	ServiceID    *int64          `json:"service_id"`
	ProjectID    Optional[int64] `json:"project_id"`
	TaskID       Optional[int64] `json:"task_id"`
	StartedAt    *string         `json:"started_at"`
	Minutes      *int64          `json:"minutes"`
	Billable     *bool           `json:"billable"`
	Note         *string         `json:"note"`
	InternalNote *string         `json:"internal_note"`
	Version      *int64          `json:"version"`
}

func (r timeEntryRequest) toDomain() (worklog.EntryInput, error) {
	var c apperr.Check
	in := worklog.EntryInput{ClientID: r.ClientID, ServiceID: r.ServiceID, ProjectID: refID(&c, "project_id", r.ProjectID),
		TaskID: refID(&c, "task_id", r.TaskID), Minutes: r.Minutes, Billable: r.Billable, Note: r.Note,
		InternalNote: r.InternalNote, Version: r.Version}
	if err := c.Err(); err != nil {
		return in, err
	}
	if r.StartedAt != nil {
		t, err := parseTime("started_at", *r.StartedAt)
		if err != nil {
			return in, err
		}
		in.StartedAt = &t
	}
	return in, nil
}

func (h *timeHandler) list(c echo.Context) error {
	lp, err := readList(c)
	if err != nil {
		return err
	}
	f := worklog.EntryFilter{From: c.QueryParam("from"), To: c.QueryParam("to"), Limit: lp.Limit + 1}
	if lp.Cursor != nil {
		f.After, err = entryCursor(lp.Cursor)
		if err != nil {
			return err
		}
	}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"client_id", &f.ClientID}, {"service_id", &f.ServiceID}, {"project_id", &f.ProjectID},
		{"task_id", &f.TaskID}, {"user_id", &f.UserID}} {
		if *q.dst, err = queryID(c, q.name); err != nil {
			return err
		}
	}
	if f.Billable, err = queryBool(c, "billable"); err != nil {
		return err
	}
	if f.Invoiced, err = queryBool(c, "invoiced"); err != nil {
		return err
	}
	rows, err := h.svc.ListEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := Page[timeEntryJSON]{Items: make([]timeEntryJSON, 0, min(len(rows), lp.Limit))}
	for i, e := range rows {
		if i == lp.Limit {
			last := rows[i-1]
			out.NextCursor = encodeCursor(strconv.FormatInt(last.StartedAt.Unix(), 10), strconv.FormatInt(last.ID, 10))
			break
		}
		out.Items = append(out.Items, toTimeEntry(e))
	}
	return c.JSON(http.StatusOK, out)
}

// entryCursor decodes the (started_at unix seconds, id) key of a page of
// entries.
func entryCursor(parts []string) (*worklog.EntryCursor, error) {
	bad := apperr.Invalid("cursor", "is not a cursor this API gave out")
	if len(parts) != 2 {
		return nil, bad
	}
	sec, err1 := strconv.ParseInt(parts[0], 10, 64)
	id, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, bad
	}
	return &worklog.EntryCursor{StartedAt: time.Unix(sec, 0).UTC(), ID: id}, nil
}

func (h *timeHandler) get(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := h.svc.GetEntry(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTimeEntry(e))
}

func (h *timeHandler) create(c echo.Context) error {
	var r timeEntryRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	if r.Version != nil {
		return invalid("version", "is only for updates")
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	e, err := h.svc.CreateEntry(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toTimeEntry(e))
}

func (h *timeHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var r timeEntryRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	in, err := r.toDomain()
	if err != nil {
		return err
	}
	e, err := h.svc.UpdateEntry(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTimeEntry(e))
}

func (h *timeHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteEntry(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// timerJSON is the caller's timer. Its shape is the same whether or not a
// timer runs: running is false and every other field null when none does,
// so clients need no second schema. StoppedEntry appears only in the answer
// to a start, and is null unless that start stopped a running timer.
type timerJSON struct {
	Running        bool       `json:"running"`
	ID             *int64     `json:"id"`
	ClientID       *int64     `json:"client_id"`
	ServiceID      *int64     `json:"service_id"`
	ProjectID      *int64     `json:"project_id"`
	TaskID         *int64     `json:"task_id"`
	Billable       *bool      `json:"billable"`
	Note           *string    `json:"note"`
	StartedAt      *time.Time `json:"started_at"`
	ElapsedSeconds *int64     `json:"elapsed_seconds"`
}

type timerStartJSON struct {
	timerJSON
	StoppedEntry *timeEntryJSON `json:"stopped_entry"`
}

func toTimer(t worklog.Timer, running bool, now time.Time) timerJSON {
	if !running {
		return timerJSON{}
	}
	started := t.StartedAt.UTC()
	elapsed := max(int64(now.Sub(started)/time.Second), 0)
	return timerJSON{Running: true, ID: &t.ID, ClientID: &t.ClientID, ServiceID: &t.ServiceID, ProjectID: t.ProjectID,
		TaskID: t.TaskID, Billable: &t.Billable, Note: &t.Note, StartedAt: &started, ElapsedSeconds: &elapsed}
}

type timerRequest struct {
	ClientID  *int64          `json:"client_id"`
	ServiceID *int64          `json:"service_id"`
	ProjectID Optional[int64] `json:"project_id"`
	TaskID    Optional[int64] `json:"task_id"`
	Note      *string         `json:"note"`
	Billable  *bool           `json:"billable"`
}

func (h *timeHandler) timer(c echo.Context) error {
	t, running, err := h.svc.Timer(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTimer(t, running, h.svc.Now()))
}

func (h *timeHandler) startTimer(c echo.Context) error {
	var r timerRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	var chk apperr.Check
	in := worklog.TimerInput{ClientID: r.ClientID, ServiceID: r.ServiceID, ProjectID: refID(&chk, "project_id", r.ProjectID),
		TaskID: refID(&chk, "task_id", r.TaskID), Note: r.Note, Billable: r.Billable}
	if err := chk.Err(); err != nil {
		return err
	}
	t, stopped, err := h.svc.StartTimer(c.Request().Context(), in)
	if err != nil {
		return err
	}
	out := timerStartJSON{timerJSON: toTimer(t, true, t.StartedAt)}
	if stopped != nil {
		e := toTimeEntry(*stopped)
		out.StoppedEntry = &e
	}
	return c.JSON(http.StatusCreated, out)
}

func (h *timeHandler) stopTimer(c echo.Context) error {
	e, err := h.svc.StopTimer(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toTimeEntry(e))
}
