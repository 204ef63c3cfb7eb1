package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/projects"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"github.com/vadesk/vadesk/internal/worklog"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Formats the time entry import reads.
const (
	FormatToggl   = "toggl"
	FormatHarvest = "harvest"
	FormatVadesk  = "vadesk"
)

// MaxImportBytes is the largest file the import takes: about a hundred
// thousand entries, years of a busy practice.
const MaxImportBytes = 10 << 20

// maxImportErrors bounds the errors an answer lists; a file where every
// row is wrong says so in the first thousand.
const maxImportErrors = 1000

// maxImportNames bounds each list of names an answer carries (clients,
// services and projects created, people not matched): a file of a hundred
// thousand rows may name as many, and the answer is read by a person. The
// counts beside the lists are always exact.
const maxImportNames = 100

// defaultService is the service of Toggl entries without a project.
const defaultService = "General"

// RowError says why one row of the file was not imported. Row counts as a
// spreadsheet does: the header is row 1.
type RowError struct {
	Row     int
	Message string
}

// ImportResult is what an import did, or with DryRun what it would do.
type ImportResult struct {
	Format   string
	DryRun   bool
	Imported int
	// Skipped rows were imported before (by an earlier run of the same
	// file) or are entries this practice already has (its own export).
	Skipped    int
	Errors     []RowError
	ErrorCount int
	// The lists name the first maxImportNames of each; the counts are all.
	CreatedClients       []string
	CreatedClientCount   int
	CreatedServices      []string
	CreatedServiceCount  int
	CreatedProjects      []string
	CreatedProjectCount  int
	UnmatchedPeople      []string
	UnmatchedPersonCount int
	InvoicedElsewhere    int
}

// listName counts name and lists it while the list is short.
func listName(names *[]string, count *int, name string) {
	*count++
	if len(*names) < maxImportNames {
		*names = append(*names, name)
	}
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("transfer: dry run")

// importer holds what one import has looked up and created, so a file of
// a hundred thousand rows costs one query per new name, not per row.
type importer struct {
	tx       *gorm.DB
	format   string
	userID   int64
	currency string
	loc      *time.Location
	res      *ImportResult

	clients  map[string]*clients.Client
	services map[string]*catalog.Service
	projects map[string]*projects.Project // by client id and lower-cased name
	tasks    map[string]int64             // by client id and lower-cased title
	byEmail  map[string]int64
	byName   map[string]int64
	unknown  map[string]bool
	seen     map[string]int // occurrences of identical rows in this file
}

// ImportTimeEntries reads a Toggl Track, Harvest or vadesk CSV and logs its
// entries in one transaction: all good rows or, on a storage failure,
// nothing. Clients, services and projects are matched by name (ignoring
// case) and created when missing. Rows with problems are listed and left
// out. A file that cannot be read as the format is a 422 and writes
// nothing. Every entry carries a key made from its row, so importing the
// same file again skips what is already there.
//
// Rates are resolved as when logging time (the client's rate for the
// service, the project's, the service's default), and billable minutes and
// amounts follow the client's rounding. Two exceptions keep history: a
// vadesk file's own hourly_rate and billable_minutes are what was billed
// and are kept; a Harvest row's Billable Rate is used where vadesk knows no
// rate (a service the import created). Work a row says was invoiced
// elsewhere comes in as not billable, with the invoice named in the
// internal note, so it is never billed twice.
//
// Money is never converted: a row in a currency (vadesk's currency column,
// Harvest's Currency, or the practice's for a rate without one) other than
// its client's is listed with the reason and left out, and a client the
// import creates bills in its first row's currency.
func (s *Service) ImportTimeEntries(ctx context.Context, format string, data []byte, dryRun bool) (ImportResult, error) {
	sc, ok := tenant.From(ctx)
	if !ok {
		return ImportResult{}, tenant.ErrNoScope
	}
	var c apperr.Check
	c.OneOf("format", format, FormatToggl, FormatHarvest, FormatVadesk)
	if err := c.Err(); err != nil {
		return ImportResult{}, err
	}
	if len(data) > MaxImportBytes {
		return ImportResult{}, apperr.Invalid("file", fmt.Sprintf("must be at most %d MiB", MaxImportBytes>>20))
	}
	file, err := readCSV(format, data)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Format: format, DryRun: dryRun, Errors: []RowError{}}
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		var p practice.Practice
		if err := tx.Omit("logo").Take(&p).Error; err != nil {
			return store.NotFound(err, "practice")
		}
		im := &importer{tx: tx, format: format, userID: sc.UserID, currency: p.Currency, loc: p.Location(), res: &res,
			clients: map[string]*clients.Client{}, services: map[string]*catalog.Service{},
			projects: map[string]*projects.Project{}, tasks: map[string]int64{},
			byEmail: map[string]int64{}, byName: map[string]int64{}, unknown: map[string]bool{}, seen: map[string]int{}}
		if err := im.load(sc.PracticeID); err != nil {
			return err
		}
		for i := range file.rows {
			row := i + 2
			msg, err := im.row(file.record(i))
			if err != nil {
				return fmt.Errorf("transfer: import row %d: %w", row, err)
			}
			if msg != "" {
				res.ErrorCount++
				if len(res.Errors) < maxImportErrors {
					res.Errors = append(res.Errors, RowError{Row: row, Message: msg})
				}
			}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// load reads the practice's names once.
func (im *importer) load(practiceID int64) error {
	var cls []clients.Client
	if err := im.tx.Order("id").Find(&cls).Error; err != nil {
		return err
	}
	for i := range cls {
		k := strings.ToLower(cls[i].Name)
		if im.clients[k] == nil {
			im.clients[k] = &cls[i]
		}
	}
	var svcs []catalog.Service
	if err := im.tx.Order("id").Find(&svcs).Error; err != nil {
		return err
	}
	for i := range svcs {
		k := strings.ToLower(svcs[i].Name)
		if im.services[k] == nil {
			im.services[k] = &svcs[i]
		}
	}
	var users []struct {
		ID    int64
		Email string
		Name  string
	}
	if err := im.tx.Raw(`SELECT id, email, name FROM users WHERE practice_id = ? AND role IN ('owner', 'assistant')
ORDER BY disabled_at IS NOT NULL, id`, practiceID).Scan(&users).Error; err != nil {
		return err
	}
	for _, u := range users {
		if _, ok := im.byEmail[strings.ToLower(u.Email)]; !ok {
			im.byEmail[strings.ToLower(u.Email)] = u.ID
		}
		if _, ok := im.byName[strings.ToLower(u.Name)]; !ok {
			im.byName[strings.ToLower(u.Name)] = u.ID
		}
	}
	return nil
}

// row imports one record. A problem with the row is returned as a message;
// only storage failures are errors.
func (im *importer) row(r record) (string, error) {
	in, msg := im.parse(r)
	if msg != "" {
		return msg, nil
	}
	key := im.sourceKey(in)
	if in.id != 0 {
		// An entry of this practice's own export is already here.
		var n int64
		if err := im.tx.Model(&worklog.Entry{}).Where("id = ? AND started_at = ? AND minutes = ?", in.id, in.start, in.minutes).
			Count(&n).Error; err != nil {
			return "", err
		}
		if n > 0 {
			im.res.Skipped++
			return "", nil
		}
	}
	cl, err := im.client(in.client, in.currency)
	if err != nil || cl == nil {
		return msgOf(err)
	}
	if in.currency != "" && in.currency != cl.Currency {
		// Checked before the row's service or project is made, so a row
		// left out leaves nothing behind.
		return currencyMismatch(in, cl), nil
	}
	svc, err := im.service(in.service)
	if err != nil || svc == nil {
		return msgOf(err)
	}
	var proj *projects.Project
	if in.project != "" {
		if proj, err = im.project(cl, in.project); err != nil || proj == nil {
			return msgOf(err)
		}
	}
	e := worklog.Entry{ClientID: cl.ID, ServiceID: svc.ID, UserID: im.user(in), StartedAt: in.start, Minutes: in.minutes,
		Note: in.note, InternalNote: in.internalNote, SourceKey: &key, Version: 1}
	if proj != nil {
		e.ProjectID = &proj.ID
	}
	taskFound := false
	if in.task != "" {
		var id int64
		if id, taskFound = im.task(cl.ID, e.ProjectID, in.task); taskFound {
			e.TaskID = &id
		}
	}
	e.InternalNote = storedInternalNote(in, taskFound)
	billing := ""
	if proj != nil {
		billing = proj.Billing
	}
	e.Billable = worklog.DefaultBillable(svc.Billable, billing)
	if in.billableSet {
		e.Billable = in.billable
	}
	if in.invoiced != "" {
		// Billed by the old tool: never bill it again here.
		e.Billable = false
		im.res.InvoicedElsewhere++
	}
	// The rate, resolved as when logging time (worklog.Rate), unless the
	// file carries the rate it was billed at.
	var clientRate, projectRate *int64
	if cr, err := clients.GetRate(im.tx, cl.ID, svc.ID); err == nil {
		clientRate = &cr.HourlyRate
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return "", err
	}
	if proj != nil {
		projectRate = proj.HourlyRate
	}
	e.HourlyRate = worklog.Rate(clientRate, projectRate, svc.DefaultHourlyRate)
	if in.rate != nil && (im.format == FormatVadesk || e.HourlyRate == 0) {
		e.HourlyRate = *in.rate
	}
	e.BillableMinutes, e.Amount = worklog.Amounts(e.Minutes, cl.RoundingMinutes, e.HourlyRate, e.Billable)
	if in.billableMinutes != nil && e.Billable {
		e.BillableMinutes = *in.billableMinutes
		e.Amount = money.LineAmount(e.BillableMinutes, e.HourlyRate)
	}
	res := im.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&e)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		im.res.Skipped++
		return "", nil
	}
	im.res.Imported++
	return "", nil
}

// currencyMismatch says why a row in another currency than its client's
// is left out.
func currencyMismatch(in parsed, cl *clients.Client) string {
	what := "is in " + in.currency
	if in.currencyAssumed {
		what = "has a rate read as " + in.currency + " (the practice's currency; the file names none)"
	}
	return fmt.Sprintf("%s but client %q bills in %s; vadesk never converts money: import it for a client that bills in %s",
		what, cl.Name, cl.Currency, in.currency)
}

// msgOf turns a validation error into a row message; others stay errors.
func msgOf(err error) (string, error) {
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.KindInvalid {
		parts := make([]string, len(ae.Fields))
		for i, f := range ae.Fields {
			parts[i] = f.Field + " " + f.Message
		}
		return strings.Join(parts, "; "), nil
	}
	return "", err
}

// storedInternalNote is the internal note an imported entry gets: the
// row's own, then the task when vadesk has no task of that title, after a
// line saying the work was invoiced elsewhere.
func storedInternalNote(in parsed, taskFound bool) string {
	note := in.internalNote
	if in.task != "" && !taskFound {
		note = joinNote(note, "Task: "+in.task)
	}
	if in.invoiced != "" {
		note = joinNote("Invoiced before import"+in.invoiced, note)
	}
	return note
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// parsed is a row in vadesk's terms.
type parsed struct {
	id                    int64
	client, service       string
	project, task         string
	person                string // e-mail or name, to find the user
	start                 time.Time
	minutes               int64
	note, internalNote    string
	billable, billableSet bool
	billableMinutes       *int64
	rate                  *int64
	// currency is what the row's money is in: its own column, or for a
	// rate without one the practice's (currencyAssumed); "" when the row
	// carries no money.
	currency        string
	currencyAssumed bool
	invoiced        string // non-empty when invoiced elsewhere: ": INV-1" or ""
	tags            string
}

// parse reads one record as its format says.
func (im *importer) parse(r record) (parsed, string) {
	var in parsed
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	started := false // in.start was read
	in.client = r[fClient]
	in.service = r[fService]
	in.project = r[fProject]
	in.task = r[fTask]
	in.note = r[fNote]
	in.tags = r[fTags]
	if in.client == "" {
		bad("has no client")
	}
	if v, set, ok := parseBool(r[fBillable]); ok {
		in.billable, in.billableSet = v, set
	} else {
		bad("billable %q is not yes or no", r[fBillable])
	}
	switch im.format {
	case FormatToggl:
		if in.service == "" {
			in.service = defaultService
		}
		in.person = r[fEmail]
		if in.person == "" {
			in.person = r[fUser]
		}
		if in.tags != "" {
			in.internalNote = "Toggl tags: " + in.tags
		}
		day, okD := parseDate(r[fDate])
		h, m, sec, okT := parseClock(r[fStartTime])
		switch {
		case !okD:
			bad("start date %q is not a date", r[fDate])
		case !okT:
			bad("start time %q is not a time of day", r[fStartTime])
		default:
			in.start, started = time.Date(day.Year(), day.Month(), day.Day(), h, m, sec, 0, im.loc), true
		}
		in.minutes = im.minutes(r[fDuration], "duration", bad)
	case FormatHarvest:
		in.person = strings.TrimSpace(r[fFirstName] + " " + r[fLastName])
		day, ok := parseDate(r[fDate])
		if !ok {
			bad("date %q is not a date", r[fDate])
		} else {
			// Harvest keeps no time of day: noon keeps the entry on its
			// day whatever the practice's zone does around it.
			in.start, started = time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, im.loc), true
		}
		in.minutes = im.minutes(r[fHours], "hours", bad)
		if v, set, ok := parseBool(r[fInvoiced]); !ok {
			bad("invoiced %q is not yes or no", r[fInvoiced])
		} else if set && v {
			in.invoiced = " (Harvest)"
		}
		if v := r[fCurrency]; v != "" {
			if in.currency = harvestCurrency(v); in.currency == "" {
				bad("currency %q names no ISO 4217 code", v)
			}
		}
		if r[fRate] != "" {
			if in.currency == "" {
				// The rate is money all the same: read as the practice's.
				in.currency, in.currencyAssumed = im.currency, true
			}
			if v, ok := parseFixed(r[fRate], money.Lookup(in.currency).Digits); ok && v <= money.MaxAmount {
				in.rate = &v
			} else {
				bad("billable rate %q is not an amount", r[fRate])
			}
		}
	case FormatVadesk:
		in.person = r[fUser]
		in.note = unsafeText(in.note)
		in.internalNote = unsafeText(r[fInternalNote])
		in.client, in.service, in.project = unsafeText(in.client), unsafeText(in.service), unsafeText(in.project)
		in.task, in.person = unsafeText(in.task), unsafeText(in.person)
		if v := r[fID]; v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				bad("id %q is not an id", v)
			}
			in.id = id
		}
		t, err := time.Parse(time.RFC3339, r[fStartedAt])
		if err != nil {
			bad("started_at %q is not an RFC 3339 time", r[fStartedAt])
		}
		in.start, started = t, err == nil
		if n, err := strconv.ParseInt(r[fMinutes], 10, 64); err == nil {
			in.minutes = n
		} else {
			bad("minutes %q is not a whole number", r[fMinutes])
		}
		in.currency = r[fCurrency]
		if in.currency != "" && !isCurrency(in.currency) {
			bad("currency %q is not an ISO 4217 code such as USD", in.currency)
		}
		if in.currency == "" && r[fRate] != "" {
			in.currency, in.currencyAssumed = im.currency, true
		}
		digits := money.Lookup(in.currency).Digits
		if v := r[fBillableMinutes]; v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n <= 10*worklog.MaxMinutes {
				in.billableMinutes = &n
			} else {
				bad("billable_minutes %q is not a whole number", v)
			}
		}
		if v := r[fRate]; v != "" {
			if n, ok := parseFixed(v, digits); ok && n <= money.MaxAmount {
				in.rate = &n
			} else {
				bad("hourly_rate %q is not an amount", v)
			}
		}
		if n := unsafeText(r[fInvoiceNumber]); n != "" {
			in.invoiced = ": " + n
		}
	}
	if in.service == "" {
		// Toggl's rows default to General above; the others name one.
		bad("has no service (column %s)", columnNames(im.format, []string{fService})[0])
	}
	in.start = in.start.UTC().Truncate(time.Second)
	if started && !apperr.InYears(in.start) {
		bad("starts in the year %d (UTC); dates must be in the years %d to %d", in.start.Year(), apperr.MinYear, apperr.MaxYear)
	}
	if len(problems) == 0 && (in.minutes < 1 || in.minutes > worklog.MaxMinutes) {
		bad("lasts %d minutes; an entry lasts from 1 minute to a day (1440)", in.minutes)
	}
	var c apperr.Check
	c.Text("client", in.client, false, 200)
	c.Text("service", in.service, false, 200)
	c.Text("project", in.project, false, 200)
	c.Text("note", in.note, false, 2000)
	c.Text("internal_note", in.internalNote, false, 5000)
	if !c.Has("internal_note") && utf8.RuneCountInString(storedInternalNote(in, false)) > 5000 {
		// The task and the invoice are kept in the note; it must still be
		// a note the API would take.
		c.Add("internal_note", "with the task and invoice number it keeps must be at most 5000 characters")
	}
	if err := c.Err(); err != nil {
		m, _ := msgOf(err)
		problems = append(problems, m)
	}
	return in, strings.Join(problems, "; ")
}

func (im *importer) minutes(v, field string, bad func(string, ...any)) int64 {
	m, ok := parseDuration(v)
	if !ok {
		bad("%s %q is not a duration", field, v)
	}
	return m
}

// sourceKey identifies a row by what it says, not where it sits in the
// file or which columns the file has: the format, the work, and which
// occurrence of an identical row it is (two identical rows are two
// entries; the same two again are the same two).
func (im *importer) sourceKey(in parsed) string {
	parts := []string{im.format, strings.ToLower(in.client), strings.ToLower(in.service), strings.ToLower(in.project),
		strings.ToLower(in.task), strings.ToLower(in.person), in.start.Format(time.RFC3339),
		strconv.FormatInt(in.minutes, 10), in.note, in.internalNote, in.tags, strconv.FormatInt(in.id, 10)}
	base := strings.Join(parts, "\x1f")
	im.seen[base]++
	h := sha256.Sum256([]byte(base + "\x1f" + strconv.Itoa(im.seen[base])))
	return "import:" + hex.EncodeToString(h[:])
}

// client finds a client by name or creates it in the file's currency (or
// the practice's).
func (im *importer) client(name, currency string) (*clients.Client, error) {
	k := strings.ToLower(name)
	if cl := im.clients[k]; cl != nil {
		return cl, nil
	}
	if currency == "" || !isCurrency(currency) {
		currency = im.currency
	}
	cl := &clients.Client{Name: name, Currency: currency, PaymentTermsDays: 14, Status: clients.StatusActive}
	if err := im.tx.Create(cl).Error; err != nil {
		return nil, err
	}
	im.clients[k] = cl
	listName(&im.res.CreatedClients, &im.res.CreatedClientCount, name)
	return cl, nil
}

func isCurrency(s string) bool {
	var c apperr.Check
	money.CheckCurrency(&c, "currency", s)
	return c.Err() == nil
}

// harvestCurrency reads the code of Harvest's Currency column, which names
// it as "United States Dollar - USD"; a bare code will do. It returns ""
// when v names no code vadesk knows.
func harvestCurrency(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.LastIndex(v, " - "); i >= 0 {
		v = strings.TrimSpace(v[i+3:])
	}
	if !isCurrency(v) {
		return ""
	}
	return v
}

// service finds a service by name or creates it, billable and without a
// default rate (the VA sets one, then re-rates).
func (im *importer) service(name string) (*catalog.Service, error) {
	k := strings.ToLower(name)
	if s := im.services[k]; s != nil {
		return s, nil
	}
	s := &catalog.Service{Name: name, Billable: true}
	if err := im.tx.Create(s).Error; err != nil {
		return nil, err
	}
	im.services[k] = s
	listName(&im.res.CreatedServices, &im.res.CreatedServiceCount, name)
	return s, nil
}

// project finds a client's project by name or creates it, billed hourly.
// Names are compared in Go, not with SQLite's lower(), which folds only
// ASCII.
func (im *importer) project(cl *clients.Client, name string) (*projects.Project, error) {
	prefix := strconv.FormatInt(cl.ID, 10) + "\x1f"
	if _, ok := im.projects[prefix]; !ok {
		var all []projects.Project
		if err := im.tx.Where("client_id = ?", cl.ID).Order("id").Find(&all).Error; err != nil {
			return nil, err
		}
		im.projects[prefix] = nil // loaded
		for i := range all {
			if k := prefix + strings.ToLower(all[i].Name); im.projects[k] == nil {
				im.projects[k] = &all[i]
			}
		}
	}
	k := prefix + strings.ToLower(name)
	if p := im.projects[k]; p != nil {
		return p, nil
	}
	p := &projects.Project{ClientID: cl.ID, Name: name, Billing: projects.BillingHourly, Status: projects.StatusActive}
	if err := im.tx.Create(p).Error; err != nil {
		return nil, err
	}
	im.projects[k] = p
	listName(&im.res.CreatedProjects, &im.res.CreatedProjectCount, cl.Name+": "+name)
	return p, nil
}

// task finds a client's task by title (within the project, when there is
// one); an import never creates tasks.
func (im *importer) task(clientID int64, projectID *int64, title string) (int64, bool) {
	prefix := strconv.FormatInt(clientID, 10) + "\x1f"
	if _, ok := im.tasks[prefix]; !ok {
		var all []projects.Task
		if err := im.tx.Select("id", "project_id", "title").Where("client_id = ?", clientID).Order("id").Find(&all).Error; err != nil {
			return 0, false
		}
		im.tasks[prefix] = 0 // loaded
		for _, t := range all {
			for _, k := range []string{prefix + "\x1f" + strings.ToLower(t.Title), taskKey(prefix, t.ProjectID, t.Title)} {
				if _, ok := im.tasks[k]; !ok {
					im.tasks[k] = t.ID
				}
			}
		}
	}
	k := prefix + "\x1f" + strings.ToLower(title)
	if projectID != nil {
		k = taskKey(prefix, projectID, title)
	}
	id, ok := im.tasks[k]
	return id, ok && id != 0
}

func taskKey(prefix string, projectID *int64, title string) string {
	if projectID == nil {
		return prefix + "\x1f" + strings.ToLower(title)
	}
	return prefix + strconv.FormatInt(*projectID, 10) + "\x1f" + strings.ToLower(title)
}

// user finds the person of a row among the practice's staff by e-mail or
// name; work of anyone else is the importing user's.
func (im *importer) user(in parsed) int64 {
	p := strings.ToLower(strings.TrimSpace(in.person))
	if p == "" {
		return im.userID
	}
	if id, ok := im.byEmail[p]; ok {
		return id
	}
	if id, ok := im.byName[p]; ok {
		return id
	}
	if !im.unknown[p] {
		im.unknown[p] = true
		listName(&im.res.UnmatchedPeople, &im.res.UnmatchedPersonCount, strings.TrimSpace(in.person))
	}
	return im.userID
}
