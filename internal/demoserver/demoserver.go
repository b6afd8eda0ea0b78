// Package demoserver runs the mail servers that `listdigest demo` talks to, in the process
// and on loopback only: go-imap's in-memory IMAP server holding a sample mailbox, and a go-smtp
// server that keeps what it is sent. The demo then exercises the real client code (login,
// fetch, submission) instead of a shortcut, so what a newcomer sees is what the daemon does.
package demoserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// Message is one message for the IMAP server's INBOX.
type Message struct {
	Data    []byte
	Arrival time.Time // the INTERNALDATE
}

// IMAP is a running in-memory IMAP server with one user.
type IMAP struct {
	Addr string
	srv  *imapserver.Server
}

// StartIMAP serves user/password on 127.0.0.1 with msgs in INBOX. The server offers no TLS,
// which listdigest accepts only on loopback.
func StartIMAP(user, password string, msgs []Message) (*IMAP, error) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		return nil, err
	}
	for i, m := range msgs {
		if _, err := u.Append("INBOX", bytes.NewReader(m.Data), &imap.AppendOptions{Time: m.Arrival}); err != nil {
			return nil, fmt.Errorf("demo IMAP server: message %d: %w", i+1, err)
		}
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true, // loopback only
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo IMAP server: %w", err)
	}
	go srv.Serve(ln)
	return &IMAP{Addr: ln.Addr().String(), srv: srv}, nil
}

// Close stops the server.
func (s *IMAP) Close() error { return s.srv.Close() }

// Received is one message the SMTP server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
}

// SMTP is a running submission server that keeps every message it accepts.
type SMTP struct {
	Addr string
	srv  *smtp.Server

	mu   sync.Mutex
	msgs []Received
}

// StartSMTP serves on 127.0.0.1 without authentication or TLS (loopback only).
func StartSMTP() (*SMTP, error) {
	s := &SMTP{}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.MaxMessageBytes = 32 << 20
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo SMTP server: %w", err)
	}
	go srv.Serve(ln)
	s.Addr, s.srv = ln.Addr().String(), srv
	return s, nil
}

// Close stops the server.
func (s *SMTP) Close() error { return s.srv.Close() }

// Messages returns what has been accepted so far.
func (s *SMTP) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

func (s *SMTP) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
}

type backend struct{ s *SMTP }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *SMTP
	from string
	to   []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	if len(x.to) == 0 {
		return errors.New("no recipients")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.add(Received{From: x.from, To: x.to, Data: b})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
