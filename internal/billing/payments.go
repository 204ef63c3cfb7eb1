package billing

import (
	"context"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/audit"
	"github.com/vadesk/vadesk/internal/money"
	"github.com/vadesk/vadesk/internal/practice"
	"github.com/vadesk/vadesk/internal/store"
	"gorm.io/gorm"
)

// PaymentInput is money received.
type PaymentInput struct {
	Amount    *int64
	Date      *string // YYYY-MM-DD; today in the practice's time zone when nil
	Method    *string // free text: bank transfer, PayPal, card ...
	Reference *string
}

// statusFor is the status of an issued invoice with amount paid of total.
func statusFor(paid, total int64) string {
	switch {
	case paid >= total:
		return StatusPaid
	case paid > 0:
		return StatusPartiallyPaid
	}
	return StatusIssued
}

// AddPayment records a payment against an issued or partially paid
// invoice and moves it to partially_paid or paid. Paying more than the
// balance is refused: an over-payment is a mistake to fix, not a credit.
func (s *Service) AddPayment(ctx context.Context, invoiceID int64, in PaymentInput) (Payment, error) {
	var c apperr.Check
	pay := Payment{InvoiceID: invoiceID}
	if in.Amount == nil {
		c.Add("amount", "is required")
	} else {
		pay.Amount = *in.Amount
		c.Range("amount", pay.Amount, 1, money.MaxAmount)
	}
	if in.Date != nil {
		pay.Date = *in.Date
		c.Date("date", pay.Date)
	}
	if in.Method != nil {
		pay.Method = strings.TrimSpace(*in.Method)
		c.Text("method", pay.Method, false, 100)
	}
	if in.Reference != nil {
		pay.Reference = strings.TrimSpace(*in.Reference)
		c.Text("reference", pay.Reference, false, 200)
	}
	if err := c.Err(); err != nil {
		return Payment{}, err
	}
	err := s.st.Tx(ctx, func(tx *gorm.DB) error {
		p, err := practice.Of(ctx, tx)
		if err != nil {
			return err
		}
		inv, err := getInvoice(tx, invoiceID)
		if err != nil {
			return err
		}
		switch inv.Status {
		case StatusIssued, StatusPartiallyPaid:
		case StatusPaid:
			return apperr.Conflict("the invoice is paid in full")
		default:
			return apperr.Conflict("the invoice is %s; payments are recorded on issued invoices only", humanStatus(inv.Status))
		}
		if pay.Amount > inv.BalanceDue() {
			return apperr.Invalid("amount", "is more than the balance due of "+money.Format(inv.BalanceDue(), inv.Currency))
		}
		if pay.Date == "" {
			pay.Date = p.Calendar(s.now).Today().Format(time.DateOnly)
		}
		if err := tx.Create(&pay).Error; err != nil {
			return err
		}
		inv.AmountPaid += pay.Amount
		inv.Status = statusFor(inv.AmountPaid, inv.Total)
		inv.Version++
		if err := tx.Save(&inv).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.PaymentRecorded, "invoice", inv.ID, map[string]any{
			"payment_id": pay.ID, "number": inv.Number, "amount": pay.Amount, "currency": inv.Currency, "date": pay.Date, "method": pay.Method,
		})
	})
	return pay, err
}

// Payments lists an invoice's payments in the order they were recorded.
func (s *Service) Payments(ctx context.Context, invoiceID int64) ([]Payment, error) {
	db := s.st.Read(ctx)
	if _, err := getInvoice(db, invoiceID); err != nil {
		return nil, err
	}
	var out []Payment
	return out, store.Translate(db.Where("invoice_id = ?", invoiceID).Order("id").Find(&out).Error)
}

// DeletePayment removes a payment recorded by mistake; the invoice's
// status follows its remaining balance.
func (s *Service) DeletePayment(ctx context.Context, invoiceID, paymentID int64) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		inv, err := getInvoice(tx, invoiceID)
		if err != nil {
			return err
		}
		var pay Payment
		if err := tx.Take(&pay, "id = ? AND invoice_id = ?", paymentID, invoiceID).Error; err != nil {
			return store.NotFound(err, "payment")
		}
		if err := tx.Delete(&pay).Error; err != nil {
			return err
		}
		inv.AmountPaid -= pay.Amount
		inv.Status = statusFor(inv.AmountPaid, inv.Total)
		inv.Version++
		if err := tx.Save(&inv).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.PaymentDeleted, "invoice", inv.ID, map[string]any{
			"payment_id": pay.ID, "number": inv.Number, "amount": pay.Amount, "currency": inv.Currency,
		})
	})
}
