package httpapi

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
)

// Page is the envelope of every list answer: the items and, when more
// follow, the cursor that fetches them.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// listParams reads limit and cursor. The cursor is opaque to clients: a
// base64 of the sort key of the last item seen.
type listParams struct {
	Limit  int
	Cursor []string // the decoded parts of the cursor, nil on the first page
}

func readList(c echo.Context) (listParams, error) {
	p := listParams{Limit: defaultLimit}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, apperr.Invalid("limit", "must be a whole number from 1 to 500")
		}
		p.Limit = n
	}
	if v := c.QueryParam("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) == 0 {
			return p, apperr.Invalid("cursor", "is not a cursor this API gave out")
		}
		p.Cursor = strings.Split(string(raw), "|")
	}
	return p, nil
}

// afterID returns the id cursor of an id-ordered list.
func (p listParams) afterID() (int64, error) {
	if p.Cursor == nil {
		return 0, nil
	}
	id, err := strconv.ParseInt(p.Cursor[0], 10, 64)
	if err != nil || len(p.Cursor) != 1 {
		return 0, apperr.Invalid("cursor", "is not a cursor this API gave out")
	}
	return id, nil
}

func encodeCursor(parts ...string) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "|")))
	return &s
}

// pageByID builds a page from up to limit+1 rows fetched in id order: the
// extra row only tells that another page exists.
func pageByID[R any, T any](rows []R, limit int, id func(R) int64, conv func(R) T) Page[T] {
	out := Page[T]{Items: make([]T, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			out.NextCursor = encodeCursor(strconv.FormatInt(id(rows[i-1]), 10))
			break
		}
		out.Items = append(out.Items, conv(r))
	}
	return out
}

// queryBool reads an optional boolean filter.
func queryBool(c echo.Context, name string) (*bool, error) {
	switch c.QueryParam(name) {
	case "":
		return nil, nil
	case "true", "1":
		t := true
		return &t, nil
	case "false", "0":
		f := false
		return &f, nil
	}
	return nil, apperr.Invalid(name, "must be true or false")
}

// queryID reads an optional positive id filter.
func queryID(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "must be a positive id")
	}
	return id, nil
}
