package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// TokenPrefix starts every raw API token, so a leaked one is easy to spot.
const TokenPrefix = "vad_"

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
	var c apperr.Check
	name = strings.TrimSpace(name)
	c.Text("name", name, true, 100)
	if err := c.Err(); err != nil {
		return Token{}, "", err
	}
	raw := newSecret(TokenPrefix)
	t := Token{UserID: userID, Name: name, TokenHash: hashSecret(raw), Prefix: raw[:len(TokenPrefix)+6], CreatedAt: s.now()}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error { return tx.Create(&t).Error })
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
