package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/billing"
	"github.com/vadesk/vadesk/internal/practice"
)

// logoHandler uploads and removes the logo printed on invoices.
type logoHandler struct {
	billing  *billing.Service
	practice *practice.Service
}

// put takes the image as the raw body (image/png, image/jpeg or
// application/octet-stream) or as the "logo" field of a multipart form, and
// answers the settings.
func (h *logoHandler) put(c echo.Context) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	var r io.Reader
	switch mt {
	case "image/png", "image/jpeg", "application/octet-stream":
		r = c.Request().Body
	case "multipart/form-data":
		fh, err := c.FormFile("logo")
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return apperr.Invalid("logo", "send the image as the form field \"logo\"")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	default:
		return apperr.Invalid("logo", "send the image as image/png, image/jpeg, application/octet-stream or multipart/form-data")
	}
	data, err := io.ReadAll(io.LimitReader(r, billing.MaxLogoBytes+1))
	if err != nil {
		return err
	}
	if err := h.billing.SetLogo(c.Request().Context(), data); err != nil {
		return err
	}
	p, err := h.practice.Get(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSettings(p, seesMoney(c.Request().Context())))
}

func (h *logoHandler) delete(c echo.Context) error {
	if err := h.billing.DeleteLogo(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
