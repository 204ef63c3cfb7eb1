package httpapi

import (
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/transfer"
)

type exportHandler struct {
	svc      *transfer.Service
	practice *practice.Service
	now      func() time.Time // for file names
}

// today is the practice's date, which names the file: the day the VA
// exported it on.
func (h *exportHandler) today(c echo.Context) (string, error) {
	p, err := h.practice.Current(c.Request().Context())
	return p.Calendar(h.now).Today().Format(time.DateOnly), err
}

// exportFilter reads the filters the time entry and expense exports share.
func exportFilter(c echo.Context) (transfer.ExportFilter, error) {
	f := transfer.ExportFilter{From: c.QueryParam("from"), To: c.QueryParam("to")}
	var err error
	if f.ClientID, err = queryID(c, "client_id"); err != nil {
		return f, err
	}
	if f.ProjectID, err = queryID(c, "project_id"); err != nil {
		return f, err
	}
	if f.Billable, err = queryBool(c, "billable"); err != nil {
		return f, err
	}
	if f.Invoiced, err = queryBool(c, "invoiced"); err != nil {
		return f, err
	}
	return f, nil
}

// streamCSV sends an export as a download. Headers go out before the first
// row, so a failure halfway can only cut the file short (and is logged);
// everything that can be answered with a problem has failed before this.
func streamCSV(c echo.Context, exp *transfer.Export, today string) error {
	defer exp.Close()
	bom, err := queryBool(c, "bom")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment",
		map[string]string{"filename": "vadesk-" + exp.Name + "-" + today + ".csv"}))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if bom == nil || *bom {
		if _, err := io.WriteString(c.Response(), transfer.BOM); err != nil {
			return err
		}
	}
	_, err = exp.WriteTo(c.Response())
	return err
}

func (h *exportHandler) timeEntries(c echo.Context) error {
	f, err := exportFilter(c)
	if err != nil {
		return err
	}
	today, err := h.today(c)
	if err != nil {
		return err
	}
	exp, err := h.svc.TimeEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return streamCSV(c, exp, today)
}

func (h *exportHandler) expenses(c echo.Context) error {
	f, err := exportFilter(c)
	if err != nil {
		return err
	}
	today, err := h.today(c)
	if err != nil {
		return err
	}
	exp, err := h.svc.Expenses(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return streamCSV(c, exp, today)
}

func (h *exportHandler) clients(c echo.Context) error {
	today, err := h.today(c)
	if err != nil {
		return err
	}
	exp, err := h.svc.Clients(c.Request().Context(), c.QueryParam("status"))
	if err != nil {
		return err
	}
	return streamCSV(c, exp, today)
}
