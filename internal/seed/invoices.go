package seed

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/vadesk/vadesk/internal/practice"
)

// genInvoice is a planned invoice of one client over a run of days.
type genInvoice struct {
	id       int64
	client   *genClient
	from, to time.Time // calendar days, inclusive
	issuedAt time.Time
	entries  int // entries it bills, counted while they are generated
}

// planInvoices splits the billed span [g.from, billedEnd) of each client
// into periods, about n invoices in all (each client's share in proportion
// to its volume, so every invoice bills a similar amount of work), and
// inserts them before the entries that refer to them. Their lines, totals,
// numbers and payments follow in finishInvoices, once the work is known.
func (g *gen) planInvoices(ctx context.Context, cls []*genClient, n int, billedEnd time.Time) error {
	days := int(billedEnd.Sub(g.from).Hours() / 24)
	if n <= 0 || days < 1 || len(cls) == 0 {
		return nil
	}
	// At most one invoice every three days, at least one per client.
	maxPer := max(1, days/3)
	var sumW float64
	for _, c := range cls {
		sumW += c.weight
	}
	counts := make([]int, len(cls))
	total := 0
	for i, c := range cls {
		counts[i] = min(maxPer, max(1, int(math.Round(float64(n)*c.weight/sumW))))
		total += counts[i]
	}
	byWeight := make([]int, len(cls))
	for i := range byWeight {
		byWeight[i] = i
	}
	slices.SortFunc(byWeight, func(a, b int) int { return -cmpFloat(cls[a].weight, cls[b].weight) })
	for total != n {
		moved := false
		for _, i := range byWeight {
			switch {
			case total < n && counts[i] < maxPer:
				counts[i]++
				total++
				moved = true
			case total > n && counts[i] > 1:
				counts[i]--
				total--
				moved = true
			}
			if total == n {
				break
			}
		}
		if !moved {
			break // n is more than the span allows, or fewer than the clients
		}
	}

	tx, err := g.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: invoices: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO invoices (practice_id, client_id, number, status, currency, group_by,
		issue_date, due_date, period_from, period_to, subtotal, discount, tax_name, tax_rate, tax_total, total,
		amount_paid, notes, footer, version, issued_at, voided_at, created_at, updated_at)
		VALUES (?, ?, NULL, 'issued', ?, 'service', ?, ?, ?, ?, 0, 0, '', 0, 0, 0, 0, '', '', 2, ?, NULL, ?, ?)`)
	if err != nil {
		return fmt.Errorf("seed: invoices: %w", err)
	}
	for i, c := range cls {
		k := counts[i]
		c.dayInv = make([]int32, days)
		for j := range k {
			first, last := j*days/k, (j+1)*days/k-1
			inv := genInvoice{client: c, from: g.from.AddDate(0, 0, first), to: g.from.AddDate(0, 0, last)}
			issue := inv.to.AddDate(0, 0, 1+g.r.IntN(3))
			inv.issuedAt = issue.Add(time.Duration(9*60+g.r.IntN(480))*time.Minute + time.Duration(g.r.IntN(60))*time.Second)
			created := inv.issuedAt.Add(-time.Duration(5+g.r.IntN(120)) * time.Minute)
			res, err := stmt.ExecContext(ctx, g.practice, c.id, c.currency, date(issue), date(issue.AddDate(0, 0, int(c.terms))),
				date(inv.from), date(inv.to), inv.issuedAt, created, inv.issuedAt)
			if err != nil {
				return fmt.Errorf("seed: invoice: %w", err)
			}
			if inv.id, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("seed: invoice: %w", err)
			}
			for d := first; d <= last; d++ {
				c.dayInv[d] = int32(len(g.invoices))
			}
			g.invoices = append(g.invoices, inv)
		}
	}
	return tx.Commit()
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// finishInvoices gives the planned invoices what billing.Create and
// billing.Issue would have: lines grouped by service and rate (ordered by
// service name, each amount its minutes at its rate rounded once), the
// link of every entry to its line, totals, gapless numbers of the
// practice's pattern in issue order, and payments: most older invoices are
// paid, recent ones are partly paid or still open. An invoice whose period
// had no billable work is deleted before numbering, as Create would refuse
// to make it.
func (g *gen) finishInvoices(ctx context.Context, pattern string) error {
	if len(g.invoices) == 0 {
		return nil
	}
	tx, err := g.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: finish invoices: %w", err)
	}
	defer tx.Rollback()
	steps := []string{
		`INSERT INTO invoice_lines (practice_id, invoice_id, position, kind, description, service_id, project_id,
			task_id, quantity_minutes, quantity_milli, unit_price, amount, taxable, created_at, updated_at)
		SELECT e.practice_id, e.invoice_id,
			ROW_NUMBER() OVER (PARTITION BY e.invoice_id ORDER BY s.name, s.id, e.hourly_rate),
			'time', s.name, s.id, NULL, NULL, SUM(e.billable_minutes), NULL, e.hourly_rate,
			(2 * SUM(e.billable_minutes) * e.hourly_rate + 60) / 120, 1, i.created_at, i.created_at
		FROM time_entries e JOIN services s ON s.id = e.service_id JOIN invoices i ON i.id = e.invoice_id
		WHERE e.practice_id = ?1 AND e.invoice_id IS NOT NULL
		GROUP BY e.invoice_id, s.id, e.hourly_rate
		ORDER BY e.invoice_id, 3`,
		`INSERT INTO invoice_line_sources (practice_id, invoice_id, line_id, entry_id, expense_id)
		SELECT e.practice_id, e.invoice_id, l.id, e.id, NULL
		FROM time_entries e JOIN invoice_lines l ON l.invoice_id = e.invoice_id AND l.service_id = e.service_id
			AND l.unit_price = e.hourly_rate AND l.kind = 'time'
		WHERE e.practice_id = ?1 AND e.invoice_id IS NOT NULL
		ORDER BY l.id, e.started_at, e.id`,
		`DELETE FROM invoices WHERE practice_id = ?1
			AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id)`,
		`UPDATE invoices SET subtotal = t.s, total = t.s
		FROM (SELECT invoice_id, SUM(amount) AS s FROM invoice_lines WHERE practice_id = ?1 GROUP BY invoice_id) t
		WHERE invoices.id = t.invoice_id`,
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q, g.practice); err != nil {
			return fmt.Errorf("seed: finish invoices: %w", err)
		}
	}

	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.issue_date, i.due_date, i.total, i.issued_at, c.code
		FROM invoices i JOIN clients c ON c.id = i.client_id
		WHERE i.practice_id = ? ORDER BY i.issue_date, i.id`, g.practice)
	if err != nil {
		return fmt.Errorf("seed: finish invoices: %w", err)
	}
	type issued struct {
		id             int64
		issue, due     string
		total          int64
		issuedAt       time.Time
		code           string
		number, status string
		paid           int64
		version        int64
	}
	var list []issued
	for rows.Next() {
		var v issued
		if err := rows.Scan(&v.id, &v.issue, &v.due, &v.total, &v.issuedAt, &v.code); err != nil {
			rows.Close()
			return fmt.Errorf("seed: finish invoices: %w", err)
		}
		list = append(list, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("seed: finish invoices: %w", err)
	}

	number, err := tx.PrepareContext(ctx, `UPDATE invoices SET number = ?, status = ?, amount_paid = ?, version = ?, updated_at = ? WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("seed: finish invoices: %w", err)
	}
	pay, err := tx.PrepareContext(ctx, `INSERT INTO payments (practice_id, invoice_id, amount, date, method, reference, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("seed: finish invoices: %w", err)
	}
	seqs := map[string]int64{}
	recent := End.AddDate(0, 0, -UnbilledDays-60).Format(time.DateOnly)
	for _, v := range list {
		issue, _ := time.Parse(time.DateOnly, v.issue)
		scope := practice.SequenceScope(pattern, issue, v.code)
		seqs[scope]++
		v.number = practice.FormatNumber(pattern, issue, v.code, seqs[scope])
		x := g.r.IntN(100)
		switch {
		case v.issue < recent && x < 98, v.issue >= recent && x < 60:
			v.status, v.paid = "paid", v.total
		case v.issue < recent && x < 99, v.issue >= recent && x < 70:
			v.status, v.paid = "partially_paid", v.total/2
		default:
			v.status = "issued"
		}
		v.version = 2
		updated := v.issuedAt
		if v.paid > 0 {
			v.version = 3
			due, _ := time.Parse(time.DateOnly, v.due)
			days := max(1, int(due.Sub(issue).Hours()/24)+10)
			payDate := issue.AddDate(0, 0, g.r.IntN(days))
			updated = payDate.Add(time.Duration(10*60+g.r.IntN(420)) * time.Minute)
			if _, err := pay.ExecContext(ctx, g.practice, v.id, v.paid, date(payDate), pick(g.r, paymentMethods),
				fmt.Sprintf("REF-%d", 100000+g.r.IntN(900000)), updated); err != nil {
				return fmt.Errorf("seed: payment: %w", err)
			}
		}
		if _, err := number.ExecContext(ctx, v.number, v.status, v.paid, v.version, updated, v.id); err != nil {
			return fmt.Errorf("seed: number invoice: %w", err)
		}
	}
	for scope, n := range seqs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_sequences (practice_id, scope, last_value) VALUES (?, ?, ?)`,
			g.practice, scope, n); err != nil {
			return fmt.Errorf("seed: sequences: %w", err)
		}
	}
	return tx.Commit()
}

var paymentMethods = []string{"bank transfer", "bank transfer", "card", "PayPal", "Stripe"}
