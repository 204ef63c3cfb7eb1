package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/auth"
	"github.com/vadesk/vadesk/internal/config"
)

type authHandler struct {
	svc *auth.Service
	cfg config.Config
}

type userJSON struct {
	ID         int64     `json:"id"`
	PracticeID int64     `json:"practice_id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	ClientID   *int64    `json:"client_id"`
	CreatedAt  time.Time `json:"created_at"`
}

func toUser(u auth.User) userJSON {
	return userJSON{ID: u.ID, PracticeID: u.PracticeID, Email: u.Email, Name: u.Name, Role: string(u.Role), ClientID: u.ClientID, CreatedAt: u.CreatedAt}
}

type sessionJSON struct {
	User      userJSON  `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

type newOwnerRequest struct {
	PracticeName string `json:"practice_name"`
	Timezone     string `json:"timezone"`
	Currency     string `json:"currency"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
}

func (r newOwnerRequest) toDomain() auth.NewOwner {
	return auth.NewOwner{PracticeName: r.PracticeName, Timezone: r.Timezone, Currency: r.Currency, Name: r.Name, Email: r.Email, Password: r.Password}
}

func (h *authHandler) setupStatus(c echo.Context) error {
	need, err := h.svc.NeedsSetup(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"needs_setup": need})
}

// setup creates the first practice and owner, then logs them in.
func (h *authHandler) setup(c echo.Context) error {
	var req newOwnerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := h.svc.Setup(c.Request().Context(), req.toDomain())
	if err != nil {
		return err
	}
	return h.startSession(c, u, http.StatusCreated)
}

func (h *authHandler) signup(c echo.Context) error {
	if !h.cfg.Signup {
		return apperr.Forbidden("sign-up of new practices is closed on this server")
	}
	var req newOwnerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := h.svc.Signup(c.Request().Context(), req.toDomain())
	if err != nil {
		return err
	}
	return h.startSession(c, u, http.StatusCreated)
}

func (h *authHandler) startSession(c echo.Context, u auth.User, status int) error {
	res, err := h.svc.StartSession(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return h.writeSession(c, res, status)
}

func (h *authHandler) writeSession(c echo.Context, res auth.LoginResult, status int) error {
	c.SetCookie(&http.Cookie{
		Name: SessionCookie, Value: res.SessionToken, Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, Expires: res.ExpiresAt,
	})
	return c.JSON(status, sessionJSON{User: toUser(res.User), CSRFToken: res.CSRF, ExpiresAt: res.ExpiresAt})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (h *authHandler) login(c echo.Context) error {
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	res, err := h.svc.Login(c.Request().Context(), req.Email, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	return h.writeSession(c, res, http.StatusOK)
}

func (h *authHandler) logout(c echo.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
		if err := h.svc.Logout(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.NoContent(http.StatusNoContent)
}

func (h *authHandler) me(c echo.Context) error {
	u, err := h.svc.Me(c.Request().Context())
	if err != nil {
		return err
	}
	out := meJSON{userJSON: toUser(u)}
	// A browser tab that lost the token (a new tab, cleared storage) can
	// fetch it again here instead of logging in anew: reading it needs the
	// session cookie, which a cross-site page cannot read the answer of.
	if p, ok := principalOf(c); ok && p.ViaSession {
		out.CSRFToken = p.CSRF
	}
	return c.JSON(http.StatusOK, out)
}

// meJSON is the calling user plus, for cookie sessions, their CSRF token.
type meJSON struct {
	userJSON
	CSRFToken string `json:"csrf_token,omitempty"`
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (h *authHandler) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	keep := ""
	if ck, err := c.Cookie(SessionCookie); err == nil {
		keep = ck.Value
	}
	if err := h.svc.ChangePassword(c.Request().Context(), req.CurrentPassword, req.NewPassword, keep); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type tokenJSON struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Token      string     `json:"token,omitempty"`
}

func toToken(t auth.Token) tokenJSON {
	return tokenJSON{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (h *authHandler) listTokens(c echo.Context) error {
	ts, err := h.svc.ListTokens(c.Request().Context())
	if err != nil {
		return err
	}
	out := Page[tokenJSON]{Items: make([]tokenJSON, len(ts))}
	for i, t := range ts {
		out.Items[i] = toToken(t)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *authHandler) createToken(c echo.Context) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	t, raw, err := h.svc.CreateToken(c.Request().Context(), req.Name)
	if err != nil {
		return err
	}
	out := toToken(t)
	out.Token = raw
	return c.JSON(http.StatusCreated, out)
}

func (h *authHandler) revokeToken(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeToken(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
