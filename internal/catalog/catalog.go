// Package catalog owns the services a practice sells (email and inbox
// management, website updates, ...) and their default hourly rates.
package catalog

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// Service is something the VA sells by the hour.
type Service struct {
	ID                int64 `gorm:"primaryKey"`
	PracticeID        int64
	Name              string
	Description       string
	DefaultHourlyRate int64
	Billable          bool
	Archived          bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Defaults are the services every new practice starts with; the VA edits,
// archives or adds to them. Rates are in minor units of the practice currency.
var Defaults = []Service{
	{Name: "Email and inbox management", Description: "Triage, replies, filters and inbox zero.", DefaultHourlyRate: 4000, Billable: true},
	{Name: "Website updates", Description: "Content changes, plugins, small fixes.", DefaultHourlyRate: 5000, Billable: true},
	{Name: "Social media management", Description: "Scheduling, posting, community replies.", DefaultHourlyRate: 4500, Billable: true},
	{Name: "Project management", Description: "Planning, follow-ups, coordination.", DefaultHourlyRate: 5500, Billable: true},
	{Name: "Administrative support", Description: "Calendar, documents, bookkeeping help.", DefaultHourlyRate: 3500, Billable: true},
}

// Seed inserts the default services for a new practice.
func Seed(ctx context.Context, tx *gorm.DB, practiceID int64) error {
	rows := make([]Service, len(Defaults))
	copy(rows, Defaults)
	for i := range rows {
		rows[i].PracticeID = practiceID
	}
	return tx.WithContext(ctx).Create(&rows).Error
}

// Catalog manages the caller's services.
type Catalog struct{ st *store.Store }

// New returns a Catalog over st.
func New(st *store.Store) *Catalog { return &Catalog{st: st} }

// Filter narrows List.
type Filter struct {
	Archived *bool
	AfterID  int64
	Limit    int
}

// List returns services in id order.
func (c *Catalog) List(ctx context.Context, f Filter) ([]Service, error) {
	q := c.st.Read(ctx).Order("id").Where("id > ?", f.AfterID).Limit(f.Limit)
	if f.Archived != nil {
		q = q.Where("archived = ?", *f.Archived)
	}
	var out []Service
	return out, store.Translate(q.Find(&out).Error)
}

// Get returns one service.
func (c *Catalog) Get(ctx context.Context, id int64) (Service, error) {
	return Get(c.st.Read(ctx), id)
}

// Get returns one service through db (a transaction or the read pool).
func Get(db *gorm.DB, id int64) (Service, error) {
	var s Service
	err := db.Take(&s, "id = ?", id).Error
	return s, store.NotFound(err, "service")
}

// Input is a service to create or the fields to change (nil: unchanged).
type Input struct {
	Name              *string
	Description       *string
	DefaultHourlyRate *int64
	Billable          *bool
	Archived          *bool
}

func (in Input) apply(s *Service, creating bool) error {
	var c apperr.Check
	if in.Name != nil {
		s.Name = strings.TrimSpace(*in.Name)
	}
	if in.Name != nil || creating {
		c.Text("name", s.Name, true, 200)
	}
	if in.Description != nil {
		s.Description = *in.Description
		c.Text("description", s.Description, false, 2000)
	}
	if in.DefaultHourlyRate != nil {
		s.DefaultHourlyRate = *in.DefaultHourlyRate
		money.CheckAmount(&c, "default_hourly_rate", s.DefaultHourlyRate)
	}
	if in.Billable != nil {
		s.Billable = *in.Billable
	}
	if in.Archived != nil {
		s.Archived = *in.Archived
	}
	return c.Err()
}

// Create adds a service; billable unless said otherwise.
func (c *Catalog) Create(ctx context.Context, in Input) (Service, error) {
	s := Service{Billable: true}
	if err := in.apply(&s, true); err != nil {
		return Service{}, err
	}
	err := c.st.Tx(ctx, func(tx *gorm.DB) error { return tx.Create(&s).Error })
	return s, uniqueName(err)
}

// Update changes a service. Its rate change applies to entries logged from
// now on; entries already logged keep the rate they were logged at.
func (c *Catalog) Update(ctx context.Context, id int64, in Input) (Service, error) {
	var s Service
	err := c.st.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if s, err = Get(tx, id); err != nil {
			return err
		}
		if err := in.apply(&s, false); err != nil {
			return err
		}
		return tx.Save(&s).Error
	})
	return s, uniqueName(err)
}

// Delete removes a service that nothing refers to, and archives one that
// has been used, so history keeps its names.
func (c *Catalog) Delete(ctx context.Context, id int64) (archived bool, err error) {
	err = c.st.Tx(ctx, func(tx *gorm.DB) error {
		s, err := Get(tx, id)
		if err != nil {
			return err
		}
		var used int64
		err = tx.Raw(`SELECT (SELECT COUNT(*) FROM time_entries WHERE service_id = ?) +
			(SELECT COUNT(*) FROM tasks WHERE service_id = ?) +
			(SELECT COUNT(*) FROM timers WHERE service_id = ?)`, s.ID, s.ID, s.ID).Scan(&used).Error
		if err != nil {
			return err
		}
		if used > 0 {
			archived = true
			return tx.Model(&s).Update("archived", true).Error
		}
		if err := tx.Exec("DELETE FROM client_rates WHERE service_id = ? AND practice_id = ?", s.ID, s.PracticeID).Error; err != nil {
			return err
		}
		return tx.Delete(&s).Error
	})
	return archived, store.Translate(err)
}

func uniqueName(err error) error {
	if store.IsUnique(err) {
		return apperr.Invalid("name", "a service with this name already exists")
	}
	return store.Translate(err)
}
