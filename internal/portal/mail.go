package portal

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/vadesk/vadesk/internal/config"
)

// Message is one plain-text e-mail.
type Message struct {
	To      mail.Address
	Subject string
	Body    string
}

// Mailer sends e-mail. The portal sends invites through it; tests use a
// fake that captures the messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTPMailer sends through the relay configured with VADESK_SMTP_*.
type SMTPMailer struct {
	cfg config.SMTP
	// Timeout bounds one delivery, from dialling to QUIT.
	Timeout time.Duration
}

// NewSMTPMailer returns a mailer for cfg (cfg.Host must be set).
func NewSMTPMailer(cfg config.SMTP) *SMTPMailer {
	return &SMTPMailer{cfg: cfg, Timeout: 30 * time.Second}
}

// Send delivers m. Port 465 speaks TLS from the start; any other port
// upgrades with STARTTLS when the server offers it, and credentials are only
// sent over TLS (net/smtp refuses otherwise, except to localhost).
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	from := s.cfg.From
	if from == "" {
		from = "vadesk@" + s.cfg.Host
	}
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("portal: mail: VADESK_SMTP_FROM %q: %w", from, err)
	}
	raw, err := compose(*fromAddr, m, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	var conn net.Conn
	d := &net.Dialer{}
	if s.cfg.Port == 465 {
		conn, err = (&tls.Dialer{NetDialer: d, Config: &tls.Config{ServerName: s.cfg.Host}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("portal: mail: connect to %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("portal: mail: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && s.cfg.Port != 465 {
		if err := c.StartTLS(&tls.Config{ServerName: s.cfg.Host}); err != nil {
			return fmt.Errorf("portal: mail: starttls: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("portal: mail: auth: %w", err)
		}
	}
	if err := c.Mail(fromAddr.Address); err != nil {
		return fmt.Errorf("portal: mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To.Address); err != nil {
		return fmt.Errorf("portal: mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("portal: mail: DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("portal: mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("portal: mail: send: %w", err)
	}
	return c.Quit()
}

// compose renders m as an RFC 5322 message. Header values are encoded, and
// CR and LF never reach a header, so names cannot inject headers.
func compose(from mail.Address, m Message, now time.Time) ([]byte, error) {
	if m.To.Address == "" || strings.ContainsAny(m.To.Address, "\r\n") {
		return nil, fmt.Errorf("portal: mail: bad recipient %q", m.To.Address)
	}
	oneLine := strings.NewReplacer("\r", " ", "\n", " ")
	to := mail.Address{Name: oneLine.Replace(m.To.Name), Address: m.To.Address}
	from.Name = oneLine.Replace(from.Name)
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine.Replace(m.Subject)))
	h("Date", now.Format(time.RFC1123Z))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("portal: mail: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("portal: mail: %w", err)
	}
	return b.Bytes(), nil
}
