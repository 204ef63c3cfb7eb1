// Package audit keeps the practice's audit log: who did what, when and from
// where, for the things a VA may have to account for to a client (logins,
// portal invites and portal access to invoices, issuing, voiding and payments
// of invoices, rate changes). Other domains write to it with Record inside
// the transaction of the change itself, so a change and its record commit or
// roll back together.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// Actions recorded by vadesk. Other packages may use their own
// "object.verb" names; these are the ones the portal and security code use.
const (
	Login           = "auth.login"
	LoginFailed     = "auth.login_failed"
	PasswordChanged = "auth.password_changed"
	UserCreated     = "user.created"
	UserUpdated     = "user.updated"
	UserDisabled    = "user.disabled"
	InviteCreated   = "portal.invite_created"
	InviteMailed    = "portal.invite_mailed"
	InviteRevoked   = "portal.invite_revoked"
	InviteAccepted  = "portal.invite_accepted"
	PortalRevoked   = "portal.user_revoked"
	PortalInvoice   = "portal.invoice_viewed"
	PortalPDF       = "portal.invoice_pdf"
	PortalTask      = "portal.task_requested"
	RateSet         = "rate.set"
	RateDeleted     = "rate.deleted"
	InvoiceIssued   = "invoice.issued"
	InvoiceVoided   = "invoice.voided"
	PaymentRecorded = "payment.recorded"
	PaymentDeleted  = "payment.deleted"
)

// Entry is one line of the audit log.
type Entry struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	UserID     *int64
	Action     string
	ObjectType string
	ObjectID   *int64
	// Detail is a JSON object with what changed (never secrets).
	Detail    string
	IP        string `gorm:"column:ip"`
	CreatedAt time.Time
}

// TableName maps Entry to its table.
func (Entry) TableName() string { return "audit_log" }

type ipKey struct{}

// WithIP returns ctx carrying the caller's address, which Record writes
// beside every entry. The HTTP layer sets it from the trusted client address.
func WithIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// IP returns the address WithIP put into ctx, or "".
func IP(ctx context.Context) string {
	ip, _ := ctx.Value(ipKey{}).(string)
	return ip
}

// Record writes one entry inside tx, attributed to the caller in ctx (their
// practice, user id and address). objectID 0 means none; detail is any value
// that encodes as a JSON object (nil: {}). Use it inside the transaction of
// the change it records:
//
//	audit.Record(ctx, tx, audit.InvoiceIssued, "invoice", inv.ID, map[string]any{"number": inv.Number})
func Record(ctx context.Context, tx *gorm.DB, action, objectType string, objectID int64, detail any) error {
	sc, ok := tenant.From(ctx)
	if !ok {
		return fmt.Errorf("audit: record %s: %w", action, tenant.ErrNoScope)
	}
	e := Entry{PracticeID: sc.PracticeID, Action: action, ObjectType: objectType}
	if sc.UserID != 0 {
		e.UserID = &sc.UserID
	}
	return write(ctx, tx, e, objectID, detail)
}

// RecordFor writes an entry for a practice and user that ctx does not carry
// yet: logins, which happen before anyone is scoped. userID 0 means none.
func RecordFor(ctx context.Context, tx *gorm.DB, practiceID, userID int64, action, objectType string, objectID int64, detail any) error {
	e := Entry{PracticeID: practiceID, Action: action, ObjectType: objectType}
	if userID != 0 {
		e.UserID = &userID
	}
	return write(tenant.With(ctx, tenant.Scope{PracticeID: practiceID, UserID: userID}), tx, e, objectID, detail)
}

func write(ctx context.Context, tx *gorm.DB, e Entry, objectID int64, detail any) error {
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	e.Detail = "{}"
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit: record %s: %w", e.Action, err)
		}
		if len(b) == 0 || b[0] != '{' {
			return fmt.Errorf("audit: record %s: detail must be a JSON object, got %s", e.Action, b)
		}
		e.Detail = string(b)
	}
	e.IP = IP(ctx)
	e.CreatedAt = tx.NowFunc()
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// Log reads and writes the audit log of the caller's practice.
type Log struct{ st *store.Store }

// New returns the Log over st.
func New(st *store.Store) *Log { return &Log{st: st} }

// Add records an entry in a transaction of its own, for events that change
// nothing else (a client reading an invoice in the portal).
func (l *Log) Add(ctx context.Context, action, objectType string, objectID int64, detail any) error {
	return l.st.Tx(ctx, func(tx *gorm.DB) error { return Record(ctx, tx, action, objectType, objectID, detail) })
}

// Filter narrows List. Entries come newest first.
type Filter struct {
	Action   string // exact action, or a prefix ending in "." such as "portal."
	From, To time.Time
	BeforeID int64 // cursor: entries with a smaller id
	Limit    int
}

// EntryWithUser is an entry with the name of who did it.
type EntryWithUser struct {
	Entry
	UserName  string `gorm:"->"`
	UserEmail string `gorm:"->"`
}

// List returns the practice's entries, newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]EntryWithUser, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := l.st.Read(ctx).Model(&Entry{}).
		Select("audit_log.*, COALESCE(users.name, '') AS user_name, COALESCE(users.email, '') AS user_email").
		Joins("LEFT JOIN users ON users.id = audit_log.user_id").
		Order("audit_log.id DESC").Limit(f.Limit)
	if f.BeforeID > 0 {
		q = q.Where("audit_log.id < ?", f.BeforeID)
	}
	switch {
	case f.Action == "":
	case strings.HasSuffix(f.Action, "."):
		q = q.Where("audit_log.action LIKE ? ESCAPE '\\'", strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Action)+"%")
	default:
		q = q.Where("audit_log.action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("audit_log.created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		if !f.From.IsZero() && f.To.Before(f.From) {
			return nil, apperr.Invalid("to", "must not be before from")
		}
		q = q.Where("audit_log.created_at < ?", f.To.UTC())
	}
	var out []EntryWithUser
	return out, store.Translate(q.Find(&out).Error)
}
