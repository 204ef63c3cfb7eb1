// Package auth knows who is calling: users and their passwords, browser
// sessions, API tokens, first-start setup and practice sign-up. It turns a
// cookie or a bearer token into a tenant.Scope for the data layer.
package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// User is a person who can log in: the owner, an assistant or a client user.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	PracticeID   int64
	Email        string
	Name         string
	Role         tenant.Role
	ClientID     *int64
	PasswordHash string
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ClientColumn: users are narrowed to a client user's own client.
func (User) ClientColumn() string { return "client_id" }

// AssignedColumn: assistants are not narrowed on users; they must find
// themselves and the people they work with.
func (User) AssignedColumn() string { return "" }

// Scope is the data-layer scope of u. An assistant's scope is restricted
// to no client at all until Service fills in their assigned clients, so a
// scope built without them fails closed.
func (u User) Scope() tenant.Scope {
	s := tenant.Scope{PracticeID: u.PracticeID, UserID: u.ID, Role: u.Role}
	if u.ClientID != nil {
		s.ClientID = *u.ClientID
	}
	if u.Role == tenant.Assistant {
		s.Restricted = true
	}
	return s
}

type session struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	UserID     int64
	TokenHash  string
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (session) TableName() string { return "sessions" }

// Session lifetimes: a session ends after a week without use, and after 30
// days whatever happens.
const (
	SessionIdle     = 7 * 24 * time.Hour
	SessionAbsolute = 30 * 24 * time.Hour
)

// Principal is an authenticated caller.
type Principal struct {
	User User
	// Scope is what the data layer narrows the caller's queries to.
	Scope tenant.Scope
	// CSRF is the session's anti-forgery token; empty for bearer tokens,
	// which browsers never send on their own.
	CSRF string
	// ViaSession is true for cookie-authenticated requests.
	ViaSession bool
}

// Service is the authentication service.
type Service struct {
	st       *store.Store
	now      func() time.Time
	throttle *throttle
	tokens   *tokenCache
	// stopTimer ends a staff user's timer when they are disabled or its
	// client is taken from them (StopTimersWith); nil stops none.
	stopTimer TimerStopper
}

// New returns a Service over st with the clock now.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: func() time.Time { return now().UTC() }, throttle: newThrottle(), tokens: newTokenCache()}
}

// ErrBadCredentials is the one answer for unknown users and wrong passwords.
var ErrBadCredentials = apperr.Unauthorized("the e-mail or password is wrong")

// NeedsSetup reports whether no user exists yet, so POST /setup is open.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var n int64
	err := s.st.Read(tenant.System(ctx)).Model(&User{}).Limit(1).Count(&n).Error
	return n == 0, store.Translate(err)
}

// NewOwner is a practice and its owner, for setup and sign-up.
type NewOwner struct {
	PracticeName string
	Timezone     string
	Currency     string
	Name         string
	Email        string
	Password     string
}

// Setup creates the first practice and its owner; it works once, while the
// database has no users.
func (s *Service) Setup(ctx context.Context, in NewOwner) (User, error) {
	return s.createOwner(ctx, in, true)
}

// Signup creates a further practice and its owner (when sign-up is open).
func (s *Service) Signup(ctx context.Context, in NewOwner) (User, error) {
	return s.createOwner(ctx, in, false)
}

func (s *Service) createOwner(ctx context.Context, in NewOwner, onlyFirst bool) (User, error) {
	ctx = tenant.System(ctx)
	var c apperr.Check
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	c.Text("name", in.Name, true, 200)
	c.Email("email", in.Email, true)
	if msg := CheckPassword(in.Password); msg != "" {
		c.Add("password", "%s", msg)
	}
	if err := c.Err(); err != nil {
		return User{}, err
	}
	hash := HashPassword(in.Password)
	var u User
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if onlyFirst {
			var n int64
			if err := tx.Model(&User{}).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict("setup is already done; log in instead")
			}
		}
		p, err := practice.Create(ctx, tx, practice.New{Name: in.PracticeName, Timezone: in.Timezone, Currency: in.Currency})
		if err != nil {
			return err
		}
		u = User{PracticeID: p.ID, Email: in.Email, Name: in.Name, Role: tenant.Owner, PasswordHash: hash}
		return createUser(tx, &u)
	})
	return u, err
}

func createUser(tx *gorm.DB, u *User) error {
	if err := tx.Create(u).Error; err != nil {
		if store.IsUnique(err) {
			return apperr.Invalid("email", "a user with this e-mail already exists")
		}
		return err
	}
	return nil
}

// NewUser is a user created from the command line.
type NewUser struct {
	Email    string
	Name     string
	Role     tenant.Role
	Practice string // practice name; empty means the default (first) practice
	Password string
}

// CreateUser creates a user in the named practice, creating the practice
// when it does not exist yet. Without a name, the first practice is used (or
// made, named after the user).
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, practice.Practice, error) {
	ctx = tenant.System(ctx)
	var c apperr.Check
	in.Email = strings.TrimSpace(in.Email)
	c.Email("email", in.Email, true)
	c.Text("name", in.Name, true, 200)
	if in.Role == "" {
		in.Role = tenant.Owner
	}
	if in.Role != tenant.Owner && in.Role != tenant.Assistant {
		c.Add("role", "must be owner or assistant")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		c.Add("password", "%s", msg)
	}
	if err := c.Err(); err != nil {
		return User{}, practice.Practice{}, err
	}
	var u User
	var p practice.Practice
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		q := tx.Order("id")
		if in.Practice != "" {
			q = q.Where("name = ?", in.Practice)
		}
		err := q.Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			name := in.Practice
			if name == "" {
				name = in.Name + "'s practice"
			}
			p, err = practice.Create(ctx, tx, practice.New{Name: name})
		}
		if err != nil {
			return err
		}
		u = User{PracticeID: p.ID, Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: HashPassword(in.Password)}
		return createUser(tx, &u)
	})
	return u, p, err
}

// LoginResult is a new browser session.
type LoginResult struct {
	User User
	// SessionToken goes into the cookie; only its hash is stored.
	SessionToken string
	CSRF         string
	ExpiresAt    time.Time
}

// Login checks the password and opens a session. Unknown e-mails and wrong
// passwords get the same error after the same work. addr is the caller's
// address: after MaxLoginFailures failures for the account or the address
// within LoginWindow, Login answers KindTooMany (429) without looking at the
// password.
func (s *Service) Login(ctx context.Context, email, password, addr string) (LoginResult, error) {
	sys := tenant.System(ctx)
	keys := loginKeys(email, addr)
	now := s.now()
	// The attempt is counted before the password is checked, so parallel
	// guesses cannot all slip in before the first failure is recorded.
	if err := s.throttle.attempt(keys, now); err != nil {
		return LoginResult{}, err
	}
	var u User
	err := s.st.Read(sys).Take(&u, "email = ?", strings.TrimSpace(email)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		VerifyPassword(dummyHash, password)
		return LoginResult{}, ErrBadCredentials
	}
	if err != nil {
		s.throttle.forgive(keys, now)
		return LoginResult{}, store.Translate(err)
	}
	if !VerifyPassword(u.PasswordHash, password) || u.DisabledAt != nil {
		err := s.st.Tx(sys, func(tx *gorm.DB) error {
			return audit.RecordFor(ctx, tx, u.PracticeID, u.ID, audit.LoginFailed, "user", u.ID, nil)
		})
		if err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, ErrBadCredentials
	}
	s.throttle.forgive(keys, now)
	return s.openSession(sys, u, audit.Login)
}

// openSession stores a new session for u, recording action in the audit
// log in the same transaction when it is not "".
func (s *Service) openSession(ctx context.Context, u User, action string) (LoginResult, error) {
	now := s.now()
	raw, hash := NewSecret("")
	csrf, _ := NewSecret("")
	res := LoginResult{User: u, SessionToken: raw, CSRF: csrf, ExpiresAt: now.Add(SessionAbsolute)}
	row := session{PracticeID: u.PracticeID, UserID: u.ID, TokenHash: hash,
		CSRFToken: res.CSRF, CreatedAt: now, LastSeenAt: now, ExpiresAt: res.ExpiresAt}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if action == "" {
			return nil
		}
		return audit.RecordFor(ctx, tx, u.PracticeID, u.ID, action, "user", u.ID, nil)
	})
	return res, err
}

// StartSession opens a session for a user who just proved themselves some
// other way (setup, accepting an invite).
func (s *Service) StartSession(ctx context.Context, u User) (LoginResult, error) {
	return s.openSession(tenant.System(ctx), u, "")
}

// scopeOf is the data-layer scope of an authenticated u: an assistant's
// carries the clients the owner assigned them, read afresh on every request
// so a change applies at once.
func (s *Service) scopeOf(ctx context.Context, u User) (tenant.Scope, error) {
	sc := u.Scope()
	if sc.Restricted {
		ids, err := assignedClients(s.st.Read(tenant.With(ctx, sc)), u.ID)
		if err != nil {
			return tenant.Scope{}, store.Translate(err)
		}
		sc.AssignedClients = ids
	}
	return sc, nil
}

// FromSession resolves a session cookie. Expired or idle sessions are
// deleted and rejected.
func (s *Service) FromSession(ctx context.Context, token string) (Principal, error) {
	sys := tenant.System(ctx)
	var row session
	err := s.st.Read(sys).Take(&row, "token_hash = ?", HashSecret(token)).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Principal{}, apperr.Unauthorized("the session has ended; log in again")
		}
		return Principal{}, store.Translate(err)
	}
	now := s.now()
	if now.After(row.ExpiresAt) || now.Sub(row.LastSeenAt) > SessionIdle {
		_ = s.st.Tx(sys, func(tx *gorm.DB) error { return tx.Delete(&session{}, row.ID).Error })
		return Principal{}, apperr.Unauthorized("the session has ended; log in again")
	}
	u, err := s.user(sys, row.UserID)
	if err != nil {
		return Principal{}, err
	}
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return Principal{}, err
	}
	// Touch the session at most once a minute: a write per request would
	// put every page view on the single writer.
	if now.Sub(row.LastSeenAt) > time.Minute {
		_ = s.st.Tx(sys, func(tx *gorm.DB) error {
			return tx.Model(&session{}).Where("id = ?", row.ID).Update("last_seen_at", now).Error
		})
	}
	return Principal{User: u, Scope: sc, CSRF: row.CSRFToken, ViaSession: true}, nil
}

// FromToken resolves an API bearer token. What it reads of the token and
// its user is cached for a few seconds (see tokenCache); revoking a token or
// disabling a user in this process takes effect at once.
func (s *Service) FromToken(ctx context.Context, raw string) (Principal, error) {
	sys := tenant.System(ctx)
	hash := HashSecret(raw)
	e, ok := s.tokens.get(hash)
	if !ok {
		gen := s.tokens.generation()
		var t Token
		err := s.st.Read(sys).Take(&t, "token_hash = ? AND revoked_at IS NULL", hash).Error
		if err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Principal{}, apperr.Unauthorized("the API token is unknown or revoked")
			}
			return Principal{}, store.Translate(err)
		}
		u, err := s.user(sys, t.UserID)
		if err != nil {
			return Principal{}, err
		}
		e = tokenEntry{tokenID: t.ID, lastUsed: t.LastUsedAt, user: u}
		s.tokens.put(hash, gen, e)
	}
	sc, err := s.scopeOf(ctx, e.user)
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	if e.lastUsed == nil || now.Sub(*e.lastUsed) > apiTokenTouch {
		err := s.st.Tx(sys, func(tx *gorm.DB) error {
			return TouchToken(tx, &Token{}, e.tokenID, now, apiTokenTouch)
		})
		if err == nil {
			s.tokens.touched(hash, now)
		}
	}
	return Principal{User: e.user, Scope: sc}, nil
}

func (s *Service) user(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.st.Read(ctx).Take(&u, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && u.DisabledAt != nil {
		return User{}, apperr.Unauthorized("the account is gone or disabled")
	}
	return u, store.Translate(err)
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, token string) error {
	sys := tenant.System(ctx)
	return s.st.Tx(sys, func(tx *gorm.DB) error {
		return tx.Where("token_hash = ?", HashSecret(token)).Delete(&session{}).Error
	})
}

// Me returns the calling user.
func (s *Service) Me(ctx context.Context) (User, error) {
	sc, _ := tenant.From(ctx)
	var u User
	err := s.st.Read(ctx).Take(&u, "id = ?", sc.UserID).Error
	return u, store.NotFound(err, "user")
}

// ChangePassword replaces the caller's password after checking the current
// one, and ends every session of theirs but keepSession (the caller's own).
func (s *Service) ChangePassword(ctx context.Context, current, next, keepSession string) error {
	u, err := s.Me(ctx)
	if err != nil {
		return err
	}
	if !VerifyPassword(u.PasswordHash, current) {
		return apperr.Invalid("current_password", "is wrong")
	}
	if msg := CheckPassword(next); msg != "" {
		return apperr.Invalid("new_password", msg)
	}
	hash := HashPassword(next)
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		q := tx.Where("user_id = ?", u.ID)
		if keepSession != "" {
			q = q.Where("token_hash <> ?", HashSecret(keepSession))
		}
		if err := q.Delete(&session{}).Error; err != nil {
			return err
		}
		store.AfterCommit(tx, s.tokens.reset)
		return audit.Record(ctx, tx, audit.PasswordChanged, "user", u.ID, nil)
	})
}
