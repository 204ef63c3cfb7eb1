package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// TokenPrefix starts every raw API token, so a leaked one is easy to spot.
const TokenPrefix = "vad_"

// apiTokenTouch is how often an API token's last use is written down: a
// write per request would put every API call on the single writer.
const apiTokenTouch = time.Minute

// Token is a long-lived bearer secret as stored: its hash, the first
// characters of the raw value so that its owner can tell tokens apart, and
// when it was last used. API tokens are this type, in api_tokens; calendar
// feed tokens are the same shape in a table of their own (calendar.Token),
// since they open something else and are counted and revoked apart.
type Token struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	UserID     int64
	Name       string
	TokenHash  string
	Prefix     string
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

// TableName maps Token to its table.
func (Token) TableName() string { return "api_tokens" }

// IssueToken makes the row of a new token for userID, named name (trimmed,
// required, at most 100 characters), whose raw value starts with prefix.
// The raw value is returned once: the row holds only its hash and its first
// six characters after prefix. The caller stores the row.
func IssueToken(prefix string, userID int64, name string, now time.Time) (Token, string, error) {
	var c apperr.Check
	name = strings.TrimSpace(name)
	c.Text("name", name, true, 100)
	if err := c.Err(); err != nil {
		return Token{}, "", err
	}
	raw, hash := NewSecret(prefix)
	t := Token{UserID: userID, Name: name, TokenHash: hash, Prefix: raw[:len(prefix)+6], CreatedAt: now}
	return t, raw, nil
}

// TouchToken writes down that the token id, a row of model's table, was
// used at now, unless that was done less than every ago. Callers poll often
// (an API client, a calendar app), and each write takes the single writer.
func TouchToken(db *gorm.DB, model any, id int64, now time.Time, every time.Duration) error {
	return db.Model(model).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-every)).
		Update("last_used_at", now).Error
}

// CreateToken makes an API token for the caller. The raw token is returned
// once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string) (Token, string, error) {
	sc, _ := tenant.From(ctx)
	return s.createToken(ctx, sc.UserID, name)
}

// CreateTokenFor makes an API token for the user with email (the CLI).
func (s *Service) CreateTokenFor(ctx context.Context, email, name string) (Token, string, error) {
	sys := tenant.System(ctx)
	var u User
	err := s.st.Read(sys).Take(&u, "email = ?", strings.TrimSpace(email)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Token{}, "", apperr.NotFound("user " + email)
	}
	if err != nil {
		return Token{}, "", err
	}
	return s.createToken(tenant.With(ctx, u.Scope()), u.ID, name)
}

func (s *Service) createToken(ctx context.Context, userID int64, name string) (Token, string, error) {
	t, raw, err := IssueToken(TokenPrefix, userID, name, s.now())
	if err != nil {
		return Token{}, "", err
	}
	err = s.st.Tx(ctx, func(tx *gorm.DB) error { return tx.Create(&t).Error })
	return t, raw, err
}

// ListTokens returns the caller's practice's tokens (an owner sees all of
// them, anyone else their own), newest first.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	sc, _ := tenant.From(ctx)
	q := s.st.Read(ctx).Order("id DESC")
	if sc.Role != tenant.Owner {
		q = q.Where("user_id = ?", sc.UserID)
	}
	var out []Token
	return out, store.Translate(q.Limit(500).Find(&out).Error)
}

// RevokeToken revokes one token; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	sc, _ := tenant.From(ctx)
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		q := tx.Where("id = ?", id)
		if sc.Role != tenant.Owner {
			q = q.Where("user_id = ?", sc.UserID)
		}
		var t Token
		if err := q.Take(&t).Error; err != nil {
			return store.NotFound(err, "token")
		}
		if t.RevokedAt != nil {
			return nil
		}
		store.AfterCommit(tx, s.tokens.reset)
		return tx.Model(&t).Update("revoked_at", s.now()).Error
	})
}
