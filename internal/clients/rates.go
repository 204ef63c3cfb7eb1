package clients

import (
	"context"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/catalog"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Rate is a client's own hourly rate for one service, overriding the
// project's and the service's.
type Rate struct {
	PracticeID int64
	ClientID   int64 `gorm:"primaryKey;autoIncrement:false"`
	ServiceID  int64 `gorm:"primaryKey;autoIncrement:false"`
	HourlyRate int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName maps Rate to its table.
func (Rate) TableName() string { return "client_rates" }

// Rates lists a client's rates by service id.
func (s *Clients) Rates(ctx context.Context, clientID int64) ([]Rate, error) {
	db := s.st.Read(ctx)
	if _, err := Get(db, clientID); err != nil {
		return nil, err
	}
	var out []Rate
	return out, store.Translate(db.Where("client_id = ?", clientID).Order("service_id").Find(&out).Error)
}

// GetRate returns the client's rate for a service; 404 when none is set.
func GetRate(db *gorm.DB, clientID, serviceID int64) (Rate, error) {
	var r Rate
	err := db.Take(&r, "client_id = ? AND service_id = ?", clientID, serviceID).Error
	return r, store.NotFound(err, "rate")
}

// Rate returns the client's rate for a service.
func (s *Clients) Rate(ctx context.Context, clientID, serviceID int64) (Rate, error) {
	db := s.st.Read(ctx)
	if _, err := Get(db, clientID); err != nil {
		return Rate{}, err
	}
	if _, err := catalog.Get(db, serviceID); err != nil {
		return Rate{}, err
	}
	return GetRate(db, clientID, serviceID)
}

// SetRate creates or replaces the client's rate for a service. It applies
// to entries logged from now on.
func (s *Clients) SetRate(ctx context.Context, clientID, serviceID, hourlyRate int64) (Rate, bool, error) {
	var c apperr.Check
	money.CheckAmount(&c, "hourly_rate", hourlyRate)
	if err := c.Err(); err != nil {
		return Rate{}, false, err
	}
	var r Rate
	var created bool
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := Get(tx, clientID); err != nil {
			return err
		}
		if _, err := catalog.Get(tx, serviceID); err != nil {
			return err
		}
		old, err := GetRate(tx, clientID, serviceID)
		created = err != nil
		r = Rate{ClientID: clientID, ServiceID: serviceID, HourlyRate: hourlyRate}
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "client_id"}, {Name: "service_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"hourly_rate", "updated_at"}),
		}).Create(&r).Error
		if err != nil {
			return err
		}
		detail := map[string]any{"service_id": serviceID, "hourly_rate": hourlyRate}
		if !created {
			detail["previous_hourly_rate"] = old.HourlyRate
		}
		return audit.Record(ctx, tx, audit.RateSet, "client", clientID, detail)
	})
	if err != nil {
		return Rate{}, false, err
	}
	r, err = GetRate(s.st.Write(ctx), clientID, serviceID)
	return r, created, err
}

// DeleteRate removes the client's rate for a service; the project's or the
// service's rate applies again to new entries.
func (s *Clients) DeleteRate(ctx context.Context, clientID, serviceID int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		r, err := GetRate(tx, clientID, serviceID)
		if err != nil {
			return err
		}
		if err := tx.Where("client_id = ? AND service_id = ?", r.ClientID, r.ServiceID).Delete(&Rate{}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.RateDeleted, "client", clientID,
			map[string]any{"service_id": serviceID, "previous_hourly_rate": r.HourlyRate})
	})
}
