// Package portal is what a client sees of their VA's practice: the owner
// invites a client's contact, the contact sets a password from the invite
// link, and then reads their own client's projects, tasks, billable time and
// invoices, and asks for new tasks.
//
// Every portal query runs with the client user's scope, so the store's
// tenant callback narrows it to their practice and their client in the data
// layer (the models here all carry practice_id and client_id, or are read
// only through a row that does). Nothing is filtered after the fact, and
// another client's object is simply not found.
package portal

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/clients"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// InviteTTL is how long an invite link works.
const InviteTTL = 7 * 24 * time.Hour

// InvitePrefix starts every raw invite token.
const InvitePrefix = "vpi_"

// Invite statuses, derived from the row and the clock.
const (
	InvitePending  = "pending"
	InviteExpired  = "expired"
	InviteAccepted = "accepted"
	InviteRevoked  = "revoked"
)

// Invite is an invitation of one person to one client's portal. Only the
// hash of its token is stored.
type Invite struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	ContactID  *int64
	Email      string
	Name       string
	TokenHash  string
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
	UserID     *int64
	CreatedBy  *int64
	CreatedAt  time.Time
}

// TableName maps Invite to its table.
func (Invite) TableName() string { return "portal_invites" }

// Status is the invite's state at now.
func (i Invite) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InviteAccepted
	case i.RevokedAt != nil:
		return InviteRevoked
	case !now.Before(i.ExpiresAt):
		return InviteExpired
	}
	return InvitePending
}

// Service runs the portal: invites for the owner, views for client users.
type Service struct {
	st   *store.Store
	auth *auth.Service
	now  func() time.Time

	mu     sync.Mutex
	mailer Mailer
}

// New returns the portal over st; auth creates and shuts out client users.
func New(st *store.Store, authSvc *auth.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, auth: authSvc, now: func() time.Time { return now().UTC() }}
}

// UseMailer makes invites go out by e-mail through m (nil: they are not
// e-mailed; the owner passes the link on).
func (s *Service) UseMailer(m Mailer) {
	s.mu.Lock()
	s.mailer = m
	s.mu.Unlock()
}

func (s *Service) getMailer() Mailer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mailer
}

// InviteInput is who to invite. BaseURL is where the server is reached
// (VADESK_BASE_URL); the link is BaseURL + "/portal/accept?token=...".
type InviteInput struct {
	Email   string
	Name    string
	BaseURL string
}

// NewInvite is a created invite with its one-time token and link.
type NewInvite struct {
	Invite
	Token string
	URL   string
	// Emailed reports whether the link went out by e-mail.
	Emailed bool
}

// Invite invites a person to a client's portal. A newer invite for the same
// e-mail replaces a pending one. The link is e-mailed when a mailer is set;
// a mail failure does not undo the invite (the owner can pass the link on).
func (s *Service) Invite(ctx context.Context, clientID int64, in InviteInput) (NewInvite, error) {
	var c apperr.Check
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	c.Email("email", in.Email, true)
	c.Text("name", in.Name, true, 200)
	if err := c.Err(); err != nil {
		return NewInvite{}, err
	}
	sc, _ := tenant.From(ctx)
	now := s.now()
	raw, hash := auth.NewSecret(InvitePrefix)
	out := NewInvite{Token: raw, URL: acceptURL(in.BaseURL, raw)}
	var cl clients.Client
	var pr practice.Practice
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if cl, err = clients.Get(tx, clientID); err != nil {
			return err
		}
		if err := tx.Omit("logo").Take(&pr).Error; err != nil {
			return store.NotFound(err, "practice")
		}
		var taken int64
		if err := tx.Model(&auth.User{}).Where("email = ?", in.Email).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return apperr.Invalid("email", "already belongs to an account of this practice")
		}
		err = tx.Model(&Invite{}).Where("client_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL", clientID, in.Email).
			Update("revoked_at", now).Error
		if err != nil {
			return err
		}
		inv := Invite{ClientID: clientID, Email: in.Email, Name: in.Name, TokenHash: hash,
			ExpiresAt: now.Add(InviteTTL), CreatedAt: now}
		if ct, ok, err := findContact(tx, clientID, in.Email); err != nil {
			return err
		} else if ok {
			inv.ContactID = &ct.ID
		}
		if sc.UserID != 0 {
			inv.CreatedBy = &sc.UserID
		}
		if err := tx.Create(&inv).Error; err != nil {
			return err
		}
		out.Invite = inv
		return audit.Record(ctx, tx, audit.InviteCreated, "client", clientID, map[string]any{"invite_id": inv.ID, "email": inv.Email})
	})
	if err != nil {
		return NewInvite{}, err
	}
	if m := s.getMailer(); m != nil {
		msg := inviteMessage(pr, cl, out)
		sendErr := m.Send(ctx, msg)
		out.Emailed = sendErr == nil
		detail := map[string]any{"invite_id": out.ID, "emailed": out.Emailed}
		if sendErr != nil {
			detail["error"] = sendErr.Error()
		}
		// The invite stands either way; the log says whether it went out.
		if err := s.st.Tx(ctx, func(tx *gorm.DB) error {
			return audit.Record(ctx, tx, audit.InviteMailed, "client", clientID, detail)
		}); err != nil {
			return out, err
		}
	}
	return out, nil
}

func acceptURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/portal/accept?token=" + url.QueryEscape(token)
}

func inviteMessage(p practice.Practice, cl clients.Client, inv NewInvite) Message {
	body := fmt.Sprintf(`Hello %s,

%s invites you to the client portal of %s. There you can follow your
tasks and the time logged for you, download your invoices, and ask for new
work.

Choose your password here (the link works once, until %s UTC):

%s

If you did not expect this e-mail, you can ignore it.
`, inv.Name, p.Name, cl.Name, inv.ExpiresAt.Format("2 January 2006 15:04"), inv.URL)
	return Message{
		To:      mail.Address{Name: inv.Name, Address: inv.Email},
		Subject: p.Name + ": your client portal",
		Body:    body,
	}
}

// findContact returns the client's contact with email (case folded).
func findContact(tx *gorm.DB, clientID int64, email string) (clients.Contact, bool, error) {
	var ct clients.Contact
	err := tx.Where("client_id = ? AND LOWER(email) = LOWER(?)", clientID, email).Order("id").Take(&ct).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ct, false, nil
	}
	return ct, err == nil, err
}

// ensureContact returns the client's contact with email, adding one for
// the person when there is none: a portal user's requests are credited to a
// contact the VA can see.
func ensureContact(tx *gorm.DB, clientID int64, email, name string) (clients.Contact, error) {
	ct, ok, err := findContact(tx, clientID, email)
	if err != nil || ok {
		return ct, err
	}
	ct = clients.Contact{ClientID: clientID, Name: name, Email: email, Role: "Portal user"}
	return ct, tx.Create(&ct).Error
}

// Accept turns an invite into a client user with password and logs them in.
// An invite works once and until it expires.
func (s *Service) Accept(ctx context.Context, token, password string) (auth.LoginResult, error) {
	var found Invite
	token = strings.TrimSpace(token)
	if token == "" {
		return auth.LoginResult{}, apperr.Invalid("token", "is required")
	}
	err := s.st.Read(tenant.System(ctx)).Take(&found, "token_hash = ?", auth.HashSecret(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.LoginResult{}, apperr.NotFound("invite")
	}
	if err != nil {
		return auth.LoginResult{}, store.Translate(err)
	}
	// From here on the work runs as the client user to be: scoped to the
	// invite's practice and client, so it cannot touch anything else.
	sc := tenant.Scope{PracticeID: found.PracticeID, ClientID: found.ClientID, Role: tenant.Client}
	ctx = tenant.With(ctx, sc)
	var u auth.User
	err = s.st.Tx(ctx, func(tx *gorm.DB) error {
		var inv Invite
		if err := tx.Take(&inv, "id = ?", found.ID).Error; err != nil {
			return store.NotFound(err, "invite")
		}
		switch inv.Status(s.now()) {
		case InviteAccepted:
			return apperr.Conflict("this invite was already used; log in instead")
		case InviteRevoked:
			return apperr.Conflict("this invite was withdrawn; ask for a new one")
		case InviteExpired:
			return apperr.Invalid("token", "has expired; ask for a new invite")
		}
		var err error
		u, err = s.auth.CreateClientUser(ctx, tx, auth.ClientUser{ClientID: inv.ClientID, Email: inv.Email, Name: inv.Name, Password: password})
		if err != nil {
			return err
		}
		ct, err := ensureContact(tx, inv.ClientID, inv.Email, inv.Name)
		if err != nil {
			return err
		}
		now := s.now()
		err = tx.Model(&Invite{}).Where("id = ? AND accepted_at IS NULL", inv.ID).
			Updates(map[string]any{"accepted_at": now, "user_id": u.ID, "contact_id": ct.ID}).Error
		if err != nil {
			return err
		}
		actx := tenant.With(ctx, tenant.Scope{PracticeID: sc.PracticeID, ClientID: sc.ClientID, Role: tenant.Client, UserID: u.ID})
		return audit.Record(actx, tx, audit.InviteAccepted, "user", u.ID, map[string]any{"invite_id": inv.ID, "client_id": inv.ClientID})
	})
	if err != nil {
		return auth.LoginResult{}, err
	}
	return s.auth.StartSession(ctx, u)
}

// PortalUser is a client's portal user as the owner sees them.
type PortalUser = auth.User

// Access is who can reach a client's portal: its users and the invites
// that have not been accepted.
type Access struct {
	Users   []PortalUser
	Invites []Invite
}

// Access lists a client's portal users and open invites (pending or
// expired, newest first).
func (s *Service) Access(ctx context.Context, clientID int64) (Access, error) {
	db := s.st.Read(ctx)
	if _, err := clients.Get(db, clientID); err != nil {
		return Access{}, err
	}
	var a Access
	var err error
	if a.Users, err = s.auth.ClientUsers(ctx, clientID); err != nil {
		return Access{}, err
	}
	err = db.Where("client_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", clientID).Order("id DESC").Limit(500).Find(&a.Invites).Error
	return a, store.Translate(err)
}

// RevokeInvite withdraws an invite that was not accepted yet.
func (s *Service) RevokeInvite(ctx context.Context, clientID, inviteID int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := clients.Get(tx, clientID); err != nil {
			return err
		}
		var inv Invite
		if err := tx.Take(&inv, "id = ? AND client_id = ?", inviteID, clientID).Error; err != nil {
			return store.NotFound(err, "invite")
		}
		if inv.AcceptedAt != nil {
			return apperr.Conflict("the invite was accepted; revoke the portal user instead")
		}
		if inv.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&inv).Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.InviteRevoked, "client", clientID, map[string]any{"invite_id": inv.ID, "email": inv.Email})
	})
}

// RevokeUser shuts a portal user out: the account is disabled and their
// sessions end at once.
func (s *Service) RevokeUser(ctx context.Context, clientID, userID int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := clients.Get(tx, clientID); err != nil {
			return err
		}
		u, err := s.auth.DisableClientUser(ctx, tx, clientID, userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.PortalRevoked, "user", u.ID, map[string]any{"client_id": clientID, "email": u.Email})
	})
}
