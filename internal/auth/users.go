package auth

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/internal/tenant"
	"gorm.io/gorm"
)

// assignment gives an assistant one client to work for.
type assignment struct {
	PracticeID int64
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
	ClientID   int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time
}

func (assignment) TableName() string { return "assistant_clients" }

// AssignedColumn: an assistant's scope is built from these rows, so they
// cannot be narrowed by it.
func (assignment) AssignedColumn() string { return "" }

// clientRef is as much of a client as auth needs: that it exists in the
// caller's practice.
type clientRef struct {
	ID         int64
	PracticeID int64
}

func (clientRef) TableName() string    { return "clients" }
func (clientRef) ClientColumn() string { return "id" }

func assignedClients(db *gorm.DB, userID int64) ([]int64, error) {
	ids := []int64{}
	err := db.Model(&assignment{}).Where("user_id = ?", userID).Order("client_id").Pluck("client_id", &ids).Error
	return ids, err
}

// Member is a staff user (owner or assistant) as the owner manages them.
type Member struct {
	User
	// Clients are the clients an assistant works for; nil for owners, who
	// see every client.
	Clients []int64
}

// staffRoles are the roles /users manages; client users are managed per
// client through the portal.
var staffRoles = []tenant.Role{tenant.Owner, tenant.Assistant}

// ListMembers returns the practice's owners and assistants in id order.
func (s *Service) ListMembers(ctx context.Context, afterID int64, limit int) ([]Member, error) {
	db := s.st.Read(ctx)
	var us []User
	err := db.Where("role IN ? AND id > ?", staffRoles, afterID).Order("id").Limit(limit).Find(&us).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	out := make([]Member, len(us))
	for i, u := range us {
		if out[i], err = member(db, u); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func member(db *gorm.DB, u User) (Member, error) {
	m := Member{User: u}
	if u.Role == tenant.Assistant {
		ids, err := assignedClients(db, u.ID)
		if err != nil {
			return Member{}, store.Translate(err)
		}
		m.Clients = ids
	}
	return m, nil
}

func getMember(db *gorm.DB, id int64) (User, error) {
	var u User
	err := db.Take(&u, "id = ? AND role IN ?", id, staffRoles).Error
	return u, store.NotFound(err, "user")
}

// Member returns one owner or assistant.
func (s *Service) Member(ctx context.Context, id int64) (Member, error) {
	db := s.st.Read(ctx)
	u, err := getMember(db, id)
	if err != nil {
		return Member{}, err
	}
	return member(db, u)
}

// NewMember is an assistant to add.
type NewMember struct {
	Email    string
	Name     string
	Role     tenant.Role // only assistant for now; "" means assistant
	Password string
	Clients  []int64
}

// CreateMember adds an assistant to the caller's practice, assigned to
// the given clients.
func (s *Service) CreateMember(ctx context.Context, in NewMember) (Member, error) {
	var c apperr.Check
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	c.Email("email", in.Email, true)
	c.Text("name", in.Name, true, 200)
	if in.Role == "" {
		in.Role = tenant.Assistant
	}
	if in.Role != tenant.Assistant {
		c.Add("role", "must be assistant")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		c.Add("password", "%s", msg)
	}
	if err := c.Err(); err != nil {
		return Member{}, err
	}
	hash := HashPassword(in.Password)
	var m Member
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		u := User{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash}
		if err := createUser(tx, &u); err != nil {
			return err
		}
		if err := s.assign(tx, u.ID, in.Clients); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.UserCreated, "user", u.ID, map[string]any{"email": u.Email, "role": u.Role, "client_ids": in.Clients}); err != nil {
			return err
		}
		var err error
		m, err = member(tx, u)
		return err
	})
	return m, err
}

// MemberInput is what the owner changes about a staff user (nil: unchanged).
type MemberInput struct {
	Name     *string
	Disabled *bool
	Clients  *[]int64 // an assistant's clients, replacing the old list
}

// UpdateMember changes a staff user. Disabling ends their sessions at once
// (their API tokens stop working while they are disabled); nobody can
// disable themselves, so a practice always keeps an owner who can log in.
func (s *Service) UpdateMember(ctx context.Context, id int64, in MemberInput) (Member, error) {
	sc, _ := tenant.From(ctx)
	var m Member
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		u, err := getMember(tx, id)
		if err != nil {
			return err
		}
		var c apperr.Check
		changes := map[string]any{}
		detail := map[string]any{}
		if in.Name != nil {
			name := strings.TrimSpace(*in.Name)
			c.Text("name", name, true, 200)
			changes["name"] = name
			detail["name"] = name
		}
		if in.Clients != nil && u.Role != tenant.Assistant {
			c.Add("client_ids", "only assistants are given clients; owners see every client")
		}
		if in.Disabled != nil && *in.Disabled && u.ID == sc.UserID {
			c.Add("disabled", "you cannot disable yourself")
		}
		if err := c.Err(); err != nil {
			return err
		}
		action := audit.UserUpdated
		if in.Disabled != nil {
			detail["disabled"] = *in.Disabled
			switch {
			case *in.Disabled && u.DisabledAt == nil:
				changes["disabled_at"] = s.now()
				action = audit.UserDisabled
				if err := tx.Where("user_id = ?", u.ID).Delete(&session{}).Error; err != nil {
					return err
				}
			case !*in.Disabled && u.DisabledAt != nil:
				changes["disabled_at"] = nil
			}
		}
		if len(changes) > 0 {
			changes["updated_at"] = s.now()
			if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(changes).Error; err != nil {
				return err
			}
		}
		if in.Clients != nil {
			if err := tx.Where("user_id = ?", u.ID).Delete(&assignment{}).Error; err != nil {
				return err
			}
			if err := s.assign(tx, u.ID, *in.Clients); err != nil {
				return err
			}
			detail["client_ids"] = *in.Clients
		}
		// A timer runs only for a client the user still works for, and
		// not at all for a disabled user, who can neither see nor stop it:
		// disabling stops it as taking every client away would. A timer
		// left by a version before this is stopped on the next save.
		keep := in.Clients
		if in.Disabled != nil && *in.Disabled {
			keep = &[]int64{}
		}
		if keep != nil && s.stopTimer != nil {
			entryID, err := s.stopTimer(tx, u.ID, *keep)
			if err != nil {
				return err
			}
			if entryID != 0 {
				detail["stopped_timer_entry_id"] = entryID
			}
		}
		if err := audit.Record(ctx, tx, action, "user", u.ID, detail); err != nil {
			return err
		}
		// A cached token of this user must not outlive the change.
		store.AfterCommit(tx, s.tokens.reset)
		if u, err = getMember(tx, id); err != nil {
			return err
		}
		m, err = member(tx, u)
		return err
	})
	return m, err
}

// TimerStopper stops, inside tx, the running timer of the user userID when
// it runs for none of clientIDs (so an empty list stops any), and returns
// the id of the entry it became (0 when nothing was stopped). tx runs for
// the owner.
type TimerStopper func(tx *gorm.DB, userID int64, clientIDs []int64) (entryID int64, err error)

// StopTimersWith has UpdateMember stop a staff user's running timer through
// fn, in the same transaction, when the owner disables them or their new
// list of clients leaves out the timer's client. An assistant sees nothing of a client that
// is not theirs, their timer included, so a timer left running would be
// one they could neither see nor stop, and that blocked their next. The
// worklog package owns timers; set it before s serves requests.
func (s *Service) StopTimersWith(fn TimerStopper) { s.stopTimer = fn }

// assign gives an assistant the clients ids, which must all be clients of
// the caller's practice.
func (s *Service) assign(tx *gorm.DB, userID int64, ids []int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > 10000 {
		return apperr.Invalid("client_ids", "must list at most 10000 clients")
	}
	var found []int64
	if err := tx.Model(&clientRef{}).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return err
	}
	if len(found) != len(ids) {
		for _, id := range ids {
			if !slices.Contains(found, id) {
				return apperr.Invalid("client_ids", "client "+strconv.FormatInt(id, 10)+" not found")
			}
		}
	}
	now := s.now()
	rows := make([]assignment, len(ids))
	for i, id := range ids {
		rows[i] = assignment{UserID: userID, ClientID: id, CreatedAt: now}
	}
	return tx.CreateInBatches(&rows, 500).Error
}

// ClientUser is a client's contact who logs in to the portal.
type ClientUser struct {
	ClientID int64
	Email    string
	Name     string
	Password string
}

// CreateClientUser adds a portal user for a client inside tx (the portal's
// invite acceptance, which holds the transaction). ctx must be scoped to
// the client's practice.
func (s *Service) CreateClientUser(ctx context.Context, tx *gorm.DB, in ClientUser) (User, error) {
	var c apperr.Check
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	c.Email("email", in.Email, true)
	c.Text("name", in.Name, true, 200)
	if msg := CheckPassword(in.Password); msg != "" {
		c.Add("password", "%s", msg)
	}
	if err := c.Err(); err != nil {
		return User{}, err
	}
	clientID := in.ClientID
	u := User{Email: in.Email, Name: in.Name, Role: tenant.Client, ClientID: &clientID, PasswordHash: HashPassword(in.Password)}
	err := tx.WithContext(ctx).Create(&u).Error
	if store.IsUnique(err) {
		return User{}, apperr.Conflict("an account with this e-mail already exists; log in instead")
	}
	return u, err
}

// ClientUsers returns the portal users of a client, in id order.
func (s *Service) ClientUsers(ctx context.Context, clientID int64) ([]User, error) {
	var us []User
	err := s.st.Read(ctx).Where("role = ? AND client_id = ?", tenant.Client, clientID).Order("id").Limit(500).Find(&us).Error
	return us, store.Translate(err)
}

// DisableClientUser shuts a client's portal user out inside tx: the account
// is disabled and every session of theirs ends at once.
func (s *Service) DisableClientUser(ctx context.Context, tx *gorm.DB, clientID, userID int64) (User, error) {
	tx = tx.WithContext(ctx)
	var u User
	err := tx.Take(&u, "id = ? AND role = ? AND client_id = ?", userID, tenant.Client, clientID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, apperr.NotFound("portal user")
	}
	if err != nil {
		return User{}, err
	}
	if err := tx.Where("user_id = ?", u.ID).Delete(&session{}).Error; err != nil {
		return User{}, err
	}
	if err := tx.Model(&Token{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", s.now()).Error; err != nil {
		return User{}, err
	}
	store.AfterCommit(tx, s.tokens.reset)
	if u.DisabledAt == nil {
		now := s.now()
		u.DisabledAt = &now
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"disabled_at": now, "updated_at": now}).Error; err != nil {
			return User{}, err
		}
	}
	return u, nil
}
