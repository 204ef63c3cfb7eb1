package billing

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// SourcesPerInsert is how many links InsertSources writes per INSERT. Each
// row binds five values, so a batch binds 2,500: far below the 32,766
// variables the bundled SQLite allows in one statement, and large enough
// that a year of work, one source per entry, takes a few dozen statements.
const SourcesPerInsert = 500

// InsertSources writes the links of lines to their work, in order, with
// one multi-row INSERT per SourcesPerInsert rows: for ten thousand entries,
// GORM's CreateInBatches took a tenth of the time of drafting, issuing and
// printing the invoice, most of it in reflection. The practice and invoice
// of every row are inv's, whatever srcs say; raw SQL is not scoped, so the
// practice is set here. Call Hold after it to hold the linked work.
func InsertSources(tx *gorm.DB, inv *Invoice, srcs []Source) error {
	for len(srcs) > 0 {
		n := min(len(srcs), SourcesPerInsert)
		var q strings.Builder
		q.WriteString("INSERT INTO invoice_line_sources (practice_id, invoice_id, line_id, entry_id, expense_id) VALUES ")
		args := make([]any, 0, 5*n)
		for i, sr := range srcs[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, inv.PracticeID, inv.ID, sr.LineID, sr.EntryID, sr.ExpenseID)
		}
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return err
		}
		srcs = srcs[n:]
	}
	return nil
}

// Hold puts the draft inv's hold (draft_invoice_id) on the entries and
// expenses its sources link that no invoice or draft holds yet, so no other
// draft takes them and issuing can lock them. entries and expenses are how
// many such rows the caller linked since the last Hold, all read as free in
// the same transaction: SQLite has one writer, so a different count means
// the work was taken after all, and the transaction must not commit.
func Hold(tx *gorm.DB, inv *Invoice, entries, expenses int64) error {
	res := tx.Exec(`UPDATE time_entries SET draft_invoice_id = ? WHERE practice_id = ? AND invoice_id IS NULL
		AND draft_invoice_id IS NULL AND id IN (SELECT entry_id FROM invoice_line_sources WHERE invoice_id = ? AND entry_id IS NOT NULL)`,
		inv.ID, inv.PracticeID, inv.ID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != entries {
		return fmt.Errorf("billing: hold entries: %d of %d were free", res.RowsAffected, entries)
	}
	res = tx.Exec(`UPDATE expenses SET draft_invoice_id = ? WHERE practice_id = ? AND invoice_id IS NULL
		AND draft_invoice_id IS NULL AND id IN (SELECT expense_id FROM invoice_line_sources WHERE invoice_id = ? AND expense_id IS NOT NULL)`,
		inv.ID, inv.PracticeID, inv.ID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != expenses {
		return fmt.Errorf("billing: hold expenses: %d of %d were free", res.RowsAffected, expenses)
	}
	return nil
}

// DropLines deletes the draft inv's lines of kind with their sources, and
// lets go of the entries they held, for a maker of lines that billing does
// not build (see Remaker) about to build them again. Raw SQL is not
// scoped: the practice is given.
func DropLines(tx *gorm.DB, inv *Invoice, kind string) error {
	err := tx.Exec(`UPDATE time_entries SET draft_invoice_id = NULL WHERE practice_id = ? AND draft_invoice_id = ?
AND id IN (SELECT s.entry_id FROM invoice_line_sources s JOIN invoice_lines l ON l.id = s.line_id
	WHERE s.invoice_id = ? AND s.entry_id IS NOT NULL AND l.kind = ?)`, inv.PracticeID, inv.ID, inv.ID, kind).Error
	if err != nil {
		return err
	}
	err = tx.Exec(`DELETE FROM invoice_line_sources WHERE practice_id = ? AND invoice_id = ?
AND line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ? AND kind = ?)`, inv.PracticeID, inv.ID, inv.ID, kind).Error
	if err != nil {
		return err
	}
	return tx.Where("invoice_id = ? AND kind = ?", inv.ID, kind).Delete(&Line{}).Error
}
