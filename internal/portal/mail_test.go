package portal

import (
	"bufio"
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vadesk/vadesk/internal/config"
)

// Names from the database cannot add headers: CR and LF never reach one,
// and non-ASCII is encoded.
func TestComposeHeaders(t *testing.T) {
	from := mail.Address{Name: "Ana VA", Address: "ana@va.example"}
	raw, err := compose(from, Message{
		To:      mail.Address{Name: "Zoë\r\nBcc: evil@example.com", Address: "zoe@client.example"},
		Subject: "Ana's practice\r\nBcc: evil@example.com: your portal",
		Body:    "Hello Zoë,\n\n.line starting with a dot\nhttps://va.example.com/portal/accept?token=vpi_abc=def\n",
	}, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if bcc := m.Header.Get("Bcc"); bcc != "" {
		t.Fatalf("injected Bcc %q", bcc)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "zoe@client.example" {
		t.Fatalf("To %v (%v)", to, err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || !strings.HasPrefix(subject, "Ana's practice") || strings.ContainsAny(subject, "\r\n") {
		t.Fatalf("Subject %q (%v)", subject, err)
	}
	if m.Header.Get("Content-Transfer-Encoding") != "quoted-printable" || !strings.Contains(m.Header.Get("Content-Type"), "utf-8") {
		t.Fatalf("headers %v", m.Header)
	}
	if _, err := compose(from, Message{To: mail.Address{Address: "a@b\r\nc"}}, time.Now()); err == nil {
		t.Fatal("a recipient with CR LF was accepted")
	}
}

// fakeSMTP is the smallest SMTP server that takes one message.
func fakeSMTP(t *testing.T) (port int, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		say := func(s string) { io.WriteString(conn, s+"\r\n") }
		say("220 fake ESMTP")
		var transcript strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			transcript.WriteString(line)
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
				say("250 ok")
			case cmd == "DATA":
				say("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					transcript.WriteString(l)
				}
				say("250 queued")
			case cmd == "QUIT":
				say("221 bye")
				got <- transcript.String()
				return
			default:
				say("502 what")
			}
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, got
}

func TestSMTPMailerSends(t *testing.T) {
	port, got := fakeSMTP(t)
	m := NewSMTPMailer(config.SMTP{Host: "127.0.0.1", Port: port, From: "Ana VA <ana@va.example>"})
	err := m.Send(context.Background(), Message{To: mail.Address{Name: "Dana", Address: "dana@client.example"},
		Subject: "Your portal", Body: "Hello Dana,\nhttps://va.example.com/portal/accept?token=vpi_x\n"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case tr := <-got:
		for _, want := range []string{"MAIL FROM:<ana@va.example>", "RCPT TO:<dana@client.example>", "Subject: Your portal", "vpi_x"} {
			if !strings.Contains(tr, want) {
				t.Errorf("transcript lacks %q:\n%s", want, tr)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message arrived")
	}
}

func TestSMTPMailerFailsCleanly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	m := NewSMTPMailer(config.SMTP{Host: "127.0.0.1", Port: port})
	m.Timeout = 2 * time.Second
	err = m.Send(context.Background(), Message{To: mail.Address{Address: "dana@client.example"}, Subject: "x", Body: "x"})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("err %v", err)
	}
}
