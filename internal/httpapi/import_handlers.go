package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/transfer"
)

type importHandler struct{ svc *transfer.Service }

type importErrorJSON struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

// importJSON is an import's answer. Each list names the first 100 (the
// errors, the first 1000); the count beside it is exact.
type importJSON struct {
	Format               string            `json:"format"`
	DryRun               bool              `json:"dry_run"`
	Imported             int               `json:"imported"`
	Skipped              int               `json:"skipped"`
	Errors               []importErrorJSON `json:"errors"`
	ErrorCount           int               `json:"error_count"`
	CreatedClients       []string          `json:"created_clients"`
	CreatedClientCount   int               `json:"created_client_count"`
	CreatedServices      []string          `json:"created_services"`
	CreatedServiceCount  int               `json:"created_service_count"`
	CreatedProjects      []string          `json:"created_projects"`
	CreatedProjectCount  int               `json:"created_project_count"`
	UnmatchedPeople      []string          `json:"unmatched_people"`
	UnmatchedPersonCount int               `json:"unmatched_person_count"`
	InvoicedElsewhere    int               `json:"invoiced_elsewhere"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// timeEntries takes a multipart upload with the CSV in the field "file".
// The route's body cap is raised for it (uploadLimits in server.go).
func (h *importHandler) timeEntries(c echo.Context) error {
	dry, err := queryBool(c, "dry_run")
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return mbe
		}
		return apperr.Invalid("file", "is required: send the CSV as a multipart/form-data field named file")
	}
	f, err := fh.Open()
	if err != nil {
		return apperr.Invalid("file", "could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, transfer.MaxImportBytes+1))
	if err != nil {
		return apperr.Invalid("file", "could not be read")
	}
	res, err := h.svc.ImportTimeEntries(c.Request().Context(), c.QueryParam("format"), data, dry != nil && *dry)
	if err != nil {
		return err
	}
	out := importJSON{Format: res.Format, DryRun: res.DryRun, Imported: res.Imported, Skipped: res.Skipped,
		Errors: make([]importErrorJSON, len(res.Errors)), ErrorCount: res.ErrorCount,
		CreatedClients: nonNil(res.CreatedClients), CreatedClientCount: res.CreatedClientCount,
		CreatedServices: nonNil(res.CreatedServices), CreatedServiceCount: res.CreatedServiceCount,
		CreatedProjects: nonNil(res.CreatedProjects), CreatedProjectCount: res.CreatedProjectCount,
		UnmatchedPeople: nonNil(res.UnmatchedPeople), UnmatchedPersonCount: res.UnmatchedPersonCount,
		InvoicedElsewhere: res.InvoicedElsewhere}
	for i, e := range res.Errors {
		out.Errors[i] = importErrorJSON{Row: e.Row, Message: e.Message}
	}
	return c.JSON(http.StatusOK, out)
}
