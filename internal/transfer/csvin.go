package transfer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"golang.org/x/text/encoding/charmap"
)

// The fields an import row can carry, whatever its file calls them.
const (
	fClient          = "client"
	fService         = "service"
	fProject         = "project"
	fTask            = "task"
	fNote            = "note"
	fInternalNote    = "internal_note"
	fDate            = "date"
	fStartTime       = "start_time"
	fStartedAt       = "started_at"
	fDuration        = "duration"
	fHours           = "hours"
	fMinutes         = "minutes"
	fBillableMinutes = "billable_minutes"
	fBillable        = "billable"
	fInvoiced        = "invoiced"
	fInvoiceNumber   = "invoice_number"
	fRate            = "hourly_rate"
	fCurrency        = "currency"
	fEmail           = "email"
	fUser            = "user"
	fFirstName       = "first_name"
	fLastName        = "last_name"
	fTags            = "tags"
	fID              = "id"
)

// layout is one kind of file the import reads: which header (normalized by
// headerKey) means which field, and which fields a file must have.
type layout struct {
	name     string
	columns  map[string]string
	required []string
}

var layouts = map[string]layout{
	// Toggl Track's detailed report export (and its import format). A
	// Toggl project is what vadesk calls a service; its tasks and tags
	// have no place of their own and are kept in the internal note.
	FormatToggl: {
		name: "a Toggl Track detailed report",
		columns: map[string]string{
			"user": fUser, "member": fUser, "email": fEmail, "client": fClient, "project": fService,
			"task": fTask, "description": fNote, "billable": fBillable, "start date": fDate,
			"start time": fStartTime, "duration": fDuration, "tags": fTags,
		},
		required: []string{fDate, fStartTime, fDuration},
	},
	// Harvest's documented import layout (Date, Client, Project, Task,
	// Notes, Hours, First name, Last name) and its detailed time report,
	// which adds Billable?, Invoiced?, Billable Rate and more. A Harvest
	// task is what vadesk calls a service; a Harvest project is a project.
	FormatHarvest: {
		name: "a Harvest time export",
		columns: map[string]string{
			"date": fDate, "spent date": fDate, "client": fClient, "project": fProject, "task": fService,
			"notes": fNote, "hours": fHours, "first name": fFirstName, "last name": fLastName,
			"billable": fBillable, "invoiced": fInvoiced, "billable rate": fRate, "currency": fCurrency,
		},
		required: []string{fDate, fClient, fService, fHours},
	},
	// vadesk's own time-entries.csv.
	FormatVadesk: {
		name: "a vadesk time-entries.csv",
		columns: map[string]string{
			"id": fID, "date": fDate, "started at": fStartedAt, "client": fClient, "service": fService,
			"project": fProject, "task": fTask, "user": fUser, "minutes": fMinutes,
			"billable minutes": fBillableMinutes, "billable": fBillable, "hourly rate": fRate,
			"currency": fCurrency, "note": fNote, "internal note": fInternalNote, "invoice number": fInvoiceNumber,
		},
		required: []string{fStartedAt, fClient, fService, fMinutes},
	},
}

var (
	parenRE = regexp.MustCompile(`\s*\([^)]*\)\s*$`)
	spaceRE = regexp.MustCompile(`[\s_]+`)
)

// headerKey normalizes a column header so files match by name, whatever
// their case, spacing or decoration: "Start date", "start_date" and
// "START DATE" are one column; "Billable?" is "billable"; "Amount (USD)"
// is "amount".
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = parenRE.ReplaceAllString(h, "")
	h = strings.TrimSuffix(h, "?")
	return strings.TrimSpace(spaceRE.ReplaceAllString(h, " "))
}

// csvFile is an uploaded file read into records; rows are numbered as a
// spreadsheet numbers them, the header being row 1.
type csvFile struct {
	fields []string // the field of each column, "" for columns not read
	rows   [][]string
}

// notCSV is the one answer for a file the import cannot read at all.
func notCSV(format string, msg string, args ...any) error {
	return apperr.Invalid("file", fmt.Sprintf("is not %s: ", layouts[format].name)+fmt.Sprintf(msg, args...))
}

// readCSV decodes an upload: UTF-8 (a BOM is skipped) or, failing that,
// Windows-1252, which is what Excel writes when it saves "CSV"; comma or
// semicolon separated (Excel's choice in much of Europe).
func readCSV(format string, data []byte) (csvFile, error) {
	data = bytes.TrimPrefix(data, []byte(BOM))
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return csvFile{}, notCSV(format, "it is not text")
		}
		data = dec
	}
	firstLine := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		firstLine = data[:i]
	}
	// A spreadsheet, a zip or UTF-16 text has NUL bytes from the start; a
	// NUL further down is a note's (the API stores what it is sent, and its
	// export must read back).
	if bytes.IndexByte(firstLine, 0) >= 0 {
		return csvFile{}, notCSV(format, "it is not text")
	}
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return csvFile{}, notCSV(format, "the file is empty")
	}
	if err != nil {
		return csvFile{}, notCSV(format, "%v", err)
	}
	lay := layouts[format]
	f := csvFile{fields: make([]string, len(header))}
	have := map[string]bool{}
	for i, h := range header {
		if fld, ok := lay.columns[headerKey(h)]; ok && !have[fld] {
			f.fields[i] = fld
			have[fld] = true
		}
	}
	var missing []string
	for _, fld := range lay.required {
		if !have[fld] {
			missing = append(missing, fld)
		}
	}
	if len(missing) > 0 {
		return csvFile{}, notCSV(format, "it has no %s column", strings.Join(columnNames(format, missing), ", "))
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return csvFile{}, notCSV(format, "%v", err)
		}
		f.rows = append(f.rows, rec)
	}
	return f, nil
}

// columnNames names fields as the format's files call them, for messages.
func columnNames(format string, fields []string) []string {
	out := make([]string, len(fields))
	for i, fld := range fields {
		out[i] = fld
		best := ""
		for h, f := range layouts[format].columns {
			if f == fld && (best == "" || len(h) < len(best)) {
				best = h
			}
		}
		if best != "" {
			out[i] = `"` + best + `"`
		}
	}
	return out
}

// record is one data row by field.
type record map[string]string

func (f csvFile) record(i int) record {
	r := record{}
	for j, v := range f.rows[i] {
		if j < len(f.fields) && f.fields[j] != "" {
			r[f.fields[j]] = strings.TrimSpace(v)
		}
	}
	return r
}

// parseDate reads the date formats the trackers write: 2026-11-02,
// 11/2/2026 (Harvest and Toggl in the US) and 2.11.2026 (much of Europe).
func parseDate(s string) (time.Time, bool) {
	for _, l := range []string{time.DateOnly, "1/2/2006", "2.1.2006", "2006/01/02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseClock reads a time of day: 09:05:00, 9:05, 9:05 AM, 09:05:00 PM.
func parseClock(s string) (h, m, sec int, ok bool) {
	for _, l := range []string{"15:04:05", "15:04", "3:04:05 PM", "3:04 PM", "3:04:05PM", "3:04PM"} {
		if t, err := time.Parse(l, strings.ToUpper(s)); err == nil {
			return t.Hour(), t.Minute(), t.Second(), true
		}
	}
	return 0, 0, 0, false
}

// parseDuration reads a duration as h:mm:ss, h:mm or decimal hours (1.5 or
// 1,5) and returns whole minutes, rounded half up from the seconds.
func parseDuration(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return 0, false
		}
		var secs int64
		for i, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || p == "" || p[0] < '0' || p[0] > '9' || (i > 0 && (n > 59 || len(p) != 2)) || n > 1_000_000 {
				return 0, false
			}
			secs = secs*60 + n
		}
		if len(parts) == 2 {
			secs *= 60
		}
		return (secs + 30) / 60, true
	}
	// Decimal hours, exactly: parse to ten-thousandths of an hour. A day
	// has no thousands, so one dot or one comma is the decimal point and
	// anything more ("1,234,5", "1 5") is not a duration.
	if strings.Count(s, ".")+strings.Count(s, ",") > 1 || strings.Contains(s, " ") {
		return 0, false
	}
	milli, ok := parseFixed(strings.Replace(s, ",", ".", 1), 4)
	if !ok || milli > 1_000_000*10_000 {
		return 0, false
	}
	return (milli*60 + 5000) / 10000, true
}

// parseFixed reads a non-negative decimal with at most digits decimals as
// an integer count of 10^-digits; "1,234.5" keeps its thousands commas out.
// Only digits count: no sign, no exponent, and at least one digit.
func parseFixed(s string, digits int) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	whole, frac, point := strings.Cut(s, ".")
	if point {
		// Thousands separators, which only the whole part has.
		whole = strings.ReplaceAll(whole, ",", "")
	}
	if whole+frac == "" || !isDigits(whole) || !isDigits(frac) || len(frac) > digits {
		return 0, false
	}
	w, err := strconv.ParseInt("0"+whole, 10, 64)
	if err != nil || w > money.MaxAmount {
		return 0, false
	}
	f, err := strconv.ParseInt("0"+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	if err != nil {
		return 0, false
	}
	for range digits {
		w *= 10
	}
	return w + f, true
}

// isDigits reports whether s is ASCII digits only (or empty).
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseBool reads the yes/no of the trackers; ok is false for anything
// else, and empty is "not said".
func parseBool(s string) (v, set, ok bool) {
	switch strings.ToLower(s) {
	case "":
		return false, false, true
	case "yes", "y", "true", "1", "billable":
		return true, true, true
	case "no", "n", "false", "0", "non-billable", "not billable":
		return false, true, true
	}
	return false, false, false
}
