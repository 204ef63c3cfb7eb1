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

// timeEntryJSON is an entry on the wire. It writes its own JSON (a page of
// entries is the API's busiest answer): encoding/json re-validates every
// byte time.Time's MarshalJSON returns, which made the 150 times of a page
// half the cost of encoding it. HourlyRate and Amount are null for callers
// who do not see the practice's money (seesMoney).
type timeEntryJSON struct {
	ID              int64     `json:"id"`
	ClientID        int64     `json:"client_id"`
	ServiceID       int64     `json:"service_id"`
	ProjectID       *int64    `json:"project_id"`
	TaskID          *int64    `json:"task_id"`
	UserID          int64     `json:"user_id"`
	StartedAt       time.Time `json:"started_at"`
	Minutes         int64     `json:"minutes"`
	Billable        bool      `json:"billable"`
	BillableMinutes int64     `json:"billable_minutes"`
	HourlyRate      *int64    `json:"hourly_rate"`
	Amount          *int64    `json:"amount"`
	Currency        string    `json:"currency"`
	Note            string    `json:"note"`
	InternalNote    string    `json:"internal_note"`
	InvoiceID       *int64    `json:"invoice_id"`
	DraftInvoiceID  *int64    `json:"draft_invoice_id"`
	Locked          bool      `json:"locked"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func (t timeEntryJSON) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendInt(b, "id", t.ID)
	b = appendInt(b, "client_id", t.ClientID)
	b = appendInt(b, "service_id", t.ServiceID)
	b = appendIntPtr(b, "project_id", t.ProjectID)
	b = appendIntPtr(b, "task_id", t.TaskID)
	b = appendInt(b, "user_id", t.UserID)
	b = appendTime(b, "started_at", t.StartedAt)
	b = appendInt(b, "minutes", t.Minutes)
	b = appendBool(b, "billable", t.Billable)
	b = appendInt(b, "billable_minutes", t.BillableMinutes)
	b = appendIntPtr(b, "hourly_rate", t.HourlyRate)
	b = appendIntPtr(b, "amount", t.Amount)
	b = appendStr(b, "currency", t.Currency)
	b = appendStr(b, "note", t.Note)
	b = appendStr(b, "internal_note", t.InternalNote)
	b = appendIntPtr(b, "invoice_id", t.InvoiceID)
	b = appendIntPtr(b, "draft_invoice_id", t.DraftInvoiceID)
	b = appendBool(b, "locked", t.Locked)
	b = appendInt(b, "version", t.Version)
	b = appendTime(b, "created_at", t.CreatedAt)
	b = appendTime(b, "updated_at", t.UpdatedAt)
	return append(b, '}')
}

// entryPage is the list of entries, the API's busiest answer, which
// writes its own JSON.
type entryPage Page[timeEntryJSON]

func (p entryPage) appendJSON(b []byte) []byte { return appendPage(b, p.Items, p.NextCursor) }

// toTimeEntry converts e for a caller who sees money or not (seesMoney,
// asked once per answer). The rate and amount point into e, which must
// outlive the answer: a page of entries allocates nothing for them.
func toTimeEntry(e *worklog.Entry, money bool) timeEntryJSON {
	out := timeEntryJSON{ID: e.ID, ClientID: e.ClientID, ServiceID: e.ServiceID, ProjectID: e.ProjectID, TaskID: e.TaskID,
		UserID: e.UserID, StartedAt: e.StartedAt.UTC(), Minutes: e.Minutes, Billable: e.Billable,
		BillableMinutes: e.BillableMinutes, Currency: e.Currency,
		Note: e.Note, InternalNote: e.InternalNote, InvoiceID: e.InvoiceID, DraftInvoiceID: e.DraftInvoiceID,
		Locked: e.Locked(), Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if money {
		out.HourlyRate, out.Amount = &e.HourlyRate, &e.Amount
	}
	return out
}

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
	money := seesMoney(c.Request().Context())
	out := entryPage{Items: make([]timeEntryJSON, 0, min(len(rows), lp.Limit))}
	for i := range rows {
		if i == lp.Limit {
			last := rows[i-1]
			out.NextCursor = encodeCursor(strconv.FormatInt(last.StartedAt.Unix(), 10), strconv.FormatInt(last.ID, 10))
			break
		}
		out.Items = append(out.Items, toTimeEntry(&rows[i], money))
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
	return c.JSON(http.StatusOK, toTimeEntry(&e, seesMoney(c.Request().Context())))
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
	return c.JSON(http.StatusCreated, toTimeEntry(&e, seesMoney(c.Request().Context())))
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
	return c.JSON(http.StatusOK, toTimeEntry(&e, seesMoney(c.Request().Context())))
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
		e := toTimeEntry(stopped, seesMoney(c.Request().Context()))
		out.StoppedEntry = &e
	}
	return c.JSON(http.StatusCreated, out)
}

func (h *timeHandler) stopTimer(c echo.Context) error {
	e, err := h.svc.StopTimer(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toTimeEntry(&e, seesMoney(c.Request().Context())))
}
