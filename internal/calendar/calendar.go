// Package calendar publishes task due dates as an iCalendar feed that
// Google Calendar, Apple Calendar or Outlook subscribe to. A calendar app
// cannot log in, so each feed is reached by a secret URL: a random token,
// stored only as a hash, that its user can list and revoke.
package calendar

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// TokenPrefix starts every feed token, so a leaked URL is recognisable.
const TokenPrefix = "cal_"

// MaxTokens is how many live feed tokens one user may have.
const MaxTokens = 20

// feedTouch is how often a feed token's last use is written down: calendar
// apps poll, and a write per poll would take the single writer for nothing.
const feedTouch = time.Hour

// Token is a feed's secret, as stored: made and shaped like an API token,
// but kept in a table of its own, since it opens only the feed.
type Token auth.Token

// TableName maps Token to its table.
func (Token) TableName() string { return "calendar_tokens" }

// Service manages feed tokens and renders feeds.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns a Service over st.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: func() time.Time { return now().UTC() }}
}

// Create makes a feed token for the caller; the raw token is returned once.
func (s *Service) Create(ctx context.Context, name string) (Token, string, error) {
	sc, ok := tenant.From(ctx)
	if !ok || !sc.IsStaff() {
		return Token{}, "", apperr.Forbidden("only staff have task calendars")
	}
	if strings.TrimSpace(name) == "" {
		name = "Calendar"
	}
	at, raw, err := auth.IssueToken(TokenPrefix, sc.UserID, name, s.now())
	if err != nil {
		return Token{}, "", err
	}
	t := Token(at)
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Token{}).Where("user_id = ? AND revoked_at IS NULL", sc.UserID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxTokens {
			return apperr.Conflict("you have %d calendar links already; revoke one first", n)
		}
		return tx.Create(&t).Error
	})
	return t, raw, err
}

// List returns the caller's own feed tokens, newest first.
func (s *Service) List(ctx context.Context) ([]Token, error) {
	sc, _ := tenant.From(ctx)
	var out []Token
	err := s.st.Read(ctx).Where("user_id = ?", sc.UserID).Order("id DESC").Limit(500).Find(&out).Error
	return out, store.Translate(err)
}

// Revoke stops one of the caller's feeds at once.
func (s *Service) Revoke(ctx context.Context, id int64) error {
	sc, _ := tenant.From(ctx)
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		var t Token
		if err := tx.Take(&t, "id = ? AND user_id = ?", id, sc.UserID).Error; err != nil {
			return store.NotFound(err, "calendar link")
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := s.now()
		return tx.Model(&t).Update("revoked_at", now).Error
	})
}

// feedUser is whom a token opens the feed of.
type feedUser struct {
	TokenID    int64
	UserID     int64
	PracticeID int64
	Role       string
	Name       string
	Timezone   string
	Practice   string
}

// errNoFeed is the one answer to any token that does not open a feed:
// unknown, revoked, or of a disabled user. It says nothing more.
var errNoFeed = apperr.NotFound("calendar")

// Feed writes the iCalendar feed a raw token opens: the due dates of the
// user's open tasks (and, for the owner, of unassigned ones), from 90 days
// back to a year ahead, as all-day events. An assistant's feed, like all
// they see, holds only the clients they are assigned now: a task still
// assigned to them at a client taken off their list drops out.
func (s *Service) Feed(ctx context.Context, raw string, baseURL string, w io.Writer) error {
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) > 100 {
		return errNoFeed
	}
	sys := tenant.System(ctx)
	var u feedUser
	err := s.st.Read(sys).Raw(`SELECT t.id AS token_id, u.id AS user_id, u.practice_id, u.role, u.name, p.timezone, p.name AS practice
FROM calendar_tokens t JOIN users u ON u.id = t.user_id JOIN practices p ON p.id = t.practice_id
WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL AND u.practice_id = t.practice_id
  AND u.role IN ('owner', 'assistant')`, auth.HashSecret(raw)).Scan(&u).Error
	if err != nil {
		return store.Translate(err)
	}
	if u.TokenID == 0 {
		return errNoFeed
	}
	now := s.now()
	_ = auth.TouchToken(s.st.Write(sys), &Token{}, u.TokenID, now, feedTouch)
	today := practice.Practice{Timezone: u.Timezone}.Calendar(func() time.Time { return now }).Today()
	from := today.AddDate(0, 0, -90).Format(time.DateOnly)
	to := today.AddDate(1, 0, 0).Format(time.DateOnly)
	rows, err := s.st.ReadSQL().QueryContext(ctx, `SELECT t.id, t.title, t.status, t.priority, t.due_on, t.updated_at, c.name, COALESCE(p.name, '')
FROM tasks t JOIN clients c ON c.id = t.client_id LEFT JOIN projects p ON p.id = t.project_id
WHERE t.practice_id = ? AND t.due_on IS NOT NULL AND t.due_on BETWEEN ? AND ? AND t.status <> 'done'
  AND (t.assignee_id = ? OR (? AND t.assignee_id IS NULL))
  AND (? OR t.client_id IN (SELECT client_id FROM assistant_clients WHERE practice_id = ? AND user_id = ?))
ORDER BY t.due_on, t.id LIMIT 5000`, u.PracticeID, from, to, u.UserID, u.Role == string(tenant.Owner),
		u.Role == string(tenant.Owner), u.PracticeID, u.UserID)
	if err != nil {
		return fmt.Errorf("calendar: feed: %w", store.Translate(err))
	}
	defer rows.Close()
	cw := &icsWriter{w: w}
	cw.line("BEGIN:VCALENDAR")
	cw.line("VERSION:2.0")
	cw.line("PRODID:-//vadesk//task due dates//EN")
	cw.line("CALSCALE:GREGORIAN")
	cw.line("METHOD:PUBLISH")
	cw.prop("X-WR-CALNAME", "vadesk tasks — "+u.Name)
	cw.line("X-PUBLISHED-TTL:PT1H")
	stamp := now.Format("20060102T150405Z")
	for rows.Next() {
		var id int64
		var title, status, priority, due, client, project string
		var updated time.Time
		if err := rows.Scan(&id, &title, &status, &priority, &due, &updated, &client, &project); err != nil {
			return fmt.Errorf("calendar: feed: %w", err)
		}
		day, err := time.Parse(time.DateOnly, due)
		if err != nil {
			continue // a malformed due date has no day to show
		}
		cw.line("BEGIN:VEVENT")
		cw.line(fmt.Sprintf("UID:task-%d-%d@vadesk", u.PracticeID, id))
		cw.line("DTSTAMP:" + stamp)
		cw.line("LAST-MODIFIED:" + updated.UTC().Format("20060102T150405Z"))
		cw.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		cw.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		cw.prop("SUMMARY", title+" — "+client)
		desc := "Client: " + client
		if project != "" {
			desc += "\nProject: " + project
		}
		desc += "\nStatus: " + strings.ReplaceAll(status, "_", " ") + "\nPriority: " + priority
		cw.prop("DESCRIPTION", desc)
		if baseURL != "" {
			cw.prop("URL", fmt.Sprintf("%s/#/tasks/%d", baseURL, id))
		}
		cw.line("TRANSP:TRANSPARENT")
		cw.line("END:VEVENT")
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("calendar: feed: %w", store.Translate(err))
	}
	cw.line("END:VCALENDAR")
	return cw.err
}

// icsWriter writes RFC 5545 content lines: CRLF ends, text escaped, lines
// folded at 75 octets without splitting a UTF-8 character.
type icsWriter struct {
	w   io.Writer
	err error
}

func (c *icsWriter) line(s string) {
	if c.err != nil {
		return
	}
	var b strings.Builder
	for len(s) > 75 {
		cut := 75
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	_, c.err = io.WriteString(c.w, b.String())
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// prop writes a TEXT property, escaped.
func (c *icsWriter) prop(name, text string) { c.line(name + ":" + icsEscaper.Replace(text)) }
