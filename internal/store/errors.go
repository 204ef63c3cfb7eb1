package store

import (
	"errors"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/vadesk/vadesk/internal/apperr"
	"gorm.io/gorm"
)

// Translate turns storage failures the caller can act on into apperr kinds:
// a full disk or read-only file is 503, not a generic 500. Other errors pass
// through unchanged.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull:
			return apperr.Unavailable("the disk is full; the change was not saved", err)
		case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrIoErr:
			return apperr.Unavailable("the database cannot be written right now; the change was not saved", err)
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return apperr.Unavailable("the database is busy; try again", err)
		}
	}
	return err
}

// NotFound maps GORM's "record not found" to a 404 for what.
func NotFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFound(what)
	}
	return Translate(err)
}

// IsUnique reports whether err is a UNIQUE constraint violation.
func IsUnique(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsForeignKey reports whether err is a FOREIGN KEY constraint violation.
func IsForeignKey(err error) bool {
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return true
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}
