package clients

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Contact is a person at a client: who the VA e-mails, and who may be
// invited to the portal.
type Contact struct {
	ID         int64 `gorm:"primaryKey"`
	PracticeID int64
	ClientID   int64
	Name       string
	Email      string
	Phone      string
	Role       string
	Notes      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ContactInput is a contact to create or the fields to change.
type ContactInput struct {
	Name  *string
	Email *string
	Phone *string
	Role  *string
	Notes *string
}

func (in ContactInput) apply(ct *Contact, creating bool) error {
	var c apperr.Check
	if in.Name != nil {
		ct.Name = strings.TrimSpace(*in.Name)
	}
	if in.Name != nil || creating {
		c.Text("name", ct.Name, true, 200)
	}
	if in.Email != nil {
		ct.Email = strings.TrimSpace(*in.Email)
		c.Email("email", ct.Email, false)
	}
	if in.Phone != nil {
		ct.Phone = *in.Phone
		c.Text("phone", ct.Phone, false, 50)
	}
	if in.Role != nil {
		ct.Role = *in.Role
		c.Text("role", ct.Role, false, 100)
	}
	if in.Notes != nil {
		ct.Notes = *in.Notes
		c.Text("notes", ct.Notes, false, 5000)
	}
	return c.Err()
}

// Contacts lists a client's contacts in id order.
func (s *Clients) Contacts(ctx context.Context, clientID int64) ([]Contact, error) {
	db := s.st.Read(ctx)
	if _, err := Get(db, clientID); err != nil {
		return nil, err
	}
	var out []Contact
	return out, store.Translate(db.Where("client_id = ?", clientID).Order("id").Limit(500).Find(&out).Error)
}

// GetContact returns one contact of a client.
func GetContact(db *gorm.DB, clientID, id int64) (Contact, error) {
	var ct Contact
	err := db.Take(&ct, "id = ? AND client_id = ?", id, clientID).Error
	return ct, store.NotFound(err, "contact")
}

// Contact returns one contact of a client.
func (s *Clients) Contact(ctx context.Context, clientID, id int64) (Contact, error) {
	return GetContact(s.st.Read(ctx), clientID, id)
}

// CreateContact adds a contact to a client.
func (s *Clients) CreateContact(ctx context.Context, clientID int64, in ContactInput) (Contact, error) {
	ct := Contact{ClientID: clientID}
	if err := in.apply(&ct, true); err != nil {
		return Contact{}, err
	}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := Get(tx, clientID); err != nil {
			return err
		}
		return tx.Create(&ct).Error
	})
	return ct, err
}

// UpdateContact changes a contact.
func (s *Clients) UpdateContact(ctx context.Context, clientID, id int64, in ContactInput) (Contact, error) {
	var ct Contact
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if ct, err = GetContact(tx, clientID, id); err != nil {
			return err
		}
		if err := in.apply(&ct, false); err != nil {
			return err
		}
		return tx.Save(&ct).Error
	})
	return ct, err
}

// DeleteContact removes a contact. Tasks they requested keep their text but
// lose the link.
func (s *Clients) DeleteContact(ctx context.Context, clientID, id int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		ct, err := GetContact(tx, clientID, id)
		if err != nil {
			return err
		}
		if err := tx.Exec("UPDATE tasks SET requested_by_id = NULL WHERE requested_by_id = ? AND practice_id = ?", ct.ID, ct.PracticeID).Error; err != nil {
			return err
		}
		return tx.Delete(&ct).Error
	})
}
