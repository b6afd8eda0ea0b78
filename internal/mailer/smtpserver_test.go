package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Credentials the fake servers accept.
const (
	testUser     = "alice@example.edu"
	testPassword = "correct horse battery staple"
	testToken    = "ya29.test-access-token"
)

// testMessage is one message the fake SMTP server accepted.
type testMessage struct {
	From     string
	To       []string
	Data     []byte
	User     string // who logged in, "" if nobody
	TLS      bool
	HeloName string
	Opts     smtp.MailOptions
}

// fakeSMTP is an SMTP server backend that records what it accepts and fails on demand, after
// maddy's testutils SMTP server. Its zero value accepts mail from anyone; set Mechs to require
// a login.
type fakeSMTP struct {
	// Mechs are the SASL mechanisms offered (after TLS); empty means no AUTH and no login
	// required.
	Mechs []string
	// Fail*, when set, are returned at that stage; FailRcptTo only for that recipient.
	FailHello, FailAuth, FailMail, FailRcpt, FailData *smtp.SMTPError
	FailRcptTo                                        string

	mu       sync.Mutex
	messages []testMessage
	sessions int
	authTry  int
}

func (be *fakeSMTP) Messages() []testMessage {
	be.mu.Lock()
	defer be.mu.Unlock()
	return append([]testMessage(nil), be.messages...)
}

// Sessions counts EHLOs that reached the backend (go-smtp makes a session per EHLO).
func (be *fakeSMTP) Sessions() int {
	be.mu.Lock()
	defer be.mu.Unlock()
	return be.sessions
}

// AuthAttempts counts AUTH commands that reached a mechanism.
func (be *fakeSMTP) AuthAttempts() int {
	be.mu.Lock()
	defer be.mu.Unlock()
	return be.authTry
}

func (be *fakeSMTP) NewSession(c *smtp.Conn) (smtp.Session, error) {
	be.mu.Lock()
	be.sessions++
	be.mu.Unlock()
	if be.FailHello != nil {
		return nil, be.FailHello
	}
	_, isTLS := c.TLSConnectionState()
	return &fakeSession{be: be, msg: testMessage{TLS: isTLS, HeloName: c.Hostname()}}, nil
}

type fakeSession struct {
	be  *fakeSMTP
	msg testMessage
}

func (s *fakeSession) AuthMechanisms() []string { return s.be.Mechs }

func (s *fakeSession) Auth(mech string) (sasl.Server, error) {
	s.be.mu.Lock()
	s.be.authTry++
	s.be.mu.Unlock()
	if s.be.FailAuth != nil {
		return nil, s.be.FailAuth
	}
	check := func(user, secret, want string) error {
		if user != testUser || secret != want {
			return smtp.ErrAuthFailed
		}
		s.msg.User = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			return check(user, pass, testPassword)
		}), nil
	case sasl.Login:
		return &loginServer{check: func(user, pass string) error { return check(user, pass, testPassword) }}, nil
	case "XOAUTH2":
		return &xoauth2Server{check: func(user, token string) error { return check(user, token, testToken) }, fail: smtp.ErrAuthFailed}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *fakeSession) Mail(from string, opts *smtp.MailOptions) error {
	if len(s.be.Mechs) > 0 && s.msg.User == "" {
		return smtp.ErrAuthRequired
	}
	if s.be.FailMail != nil {
		return s.be.FailMail
	}
	s.msg.From = from
	if opts != nil {
		s.msg.Opts = *opts
	}
	return nil
}

func (s *fakeSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if s.be.FailRcpt != nil && (s.be.FailRcptTo == "" || s.be.FailRcptTo == to) {
		return s.be.FailRcpt
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *fakeSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.be.FailData != nil {
		return s.be.FailData
	}
	m := s.msg
	m.Data = data
	s.be.mu.Lock()
	s.be.messages = append(s.be.messages, m)
	s.be.mu.Unlock()
	return nil
}

func (s *fakeSession) Reset() {
	s.msg = testMessage{User: s.msg.User, TLS: s.msg.TLS, HeloName: s.msg.HeloName}
}

func (s *fakeSession) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN, which go-sasl lacks: it prompts for the
// username and the password in turn, and also takes the username as an initial response.
type loginServer struct {
	check    func(user, pass string) error
	user     string
	haveUser bool
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case resp == nil && !l.haveUser:
		return []byte("Username:"), false, nil
	case !l.haveUser:
		l.user, l.haveUser = string(resp), true
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(resp))
}

// xoauth2Server is the server side of XOAUTH2 as Gmail does it: a bad token gets a JSON
// challenge, and the client's empty answer to it gets the failure.
type xoauth2Server struct {
	check  func(user, token string) error
	fail   error // the protocol's "authentication failed"
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		if len(resp) != 0 {
			return nil, true, errors.New("non-empty response to the error challenge")
		}
		return nil, true, x.fail
	}
	user, token, ok := parseXOAuth2(resp)
	if ok && x.check(user, token) == nil {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

func parseXOAuth2(resp []byte) (user, token string, ok bool) {
	fields := strings.Split(string(resp), "\x01")
	if len(fields) != 4 || fields[2] != "" || fields[3] != "" {
		return "", "", false
	}
	user, ok1 := strings.CutPrefix(fields[0], "user=")
	token, ok2 := strings.CutPrefix(fields[1], "auth=Bearer ")
	return user, token, ok1 && ok2
}

// smtpServer is a running fake.
type smtpServer struct {
	be   *fakeSMTP
	port int
}

// startSMTP serves be on 127.0.0.1 until the test ends. mode says how the server protects
// connections: "starttls" offers STARTTLS, "implicit" wraps the listener in TLS, "none"
// offers no TLS at all. AUTH is only offered over TLS.
func startSMTP(t *testing.T, mode string, be *fakeSMTP) *smtpServer {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "mx.test"
	s.AllowInsecureAuth = false
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	logger := &testLogger{t: t}
	s.ErrorLog = logger
	var ln net.Listener = listen(t)
	port := ln.Addr().(*net.TCPAddr).Port
	switch mode {
	case TLSStartTLS:
		s.TLSConfig = serverTLS()
	case TLSImplicit:
		ln = tls.NewListener(ln, serverTLS())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Serve(ln)
	}()
	t.Cleanup(func() {
		s.Close()
		ln.Close() // Serve may not have registered ln with s yet
		<-done
		logger.stop()
	})
	return &smtpServer{be: be, port: port}
}

// client returns an SMTP client for the server that logs in as testUser with mech, or does
// not log in when mech is "".
func (srv *smtpServer) client(mode, mech string) *SMTP {
	s := &SMTP{
		Host:      "127.0.0.1",
		Port:      srv.port,
		TLS:       mode,
		TLSConfig: clientTLS(),
		LocalName: "client.test",
		Timeout:   10 * time.Second,
	}
	if mech != "" {
		secret := testPassword
		if mech == AuthXOAuth2 {
			secret = testToken
		}
		s.Username, s.Auth = testUser, mech
		s.Secret = func(ctx context.Context) (string, error) { return secret, nil }
	}
	return s
}

// testLogger sends a server's logs to the test log until the test ends; servers may still
// log while shutting down, when t.Logf would panic.
type testLogger struct {
	t    *testing.T
	mu   sync.Mutex
	done bool
}

func (l *testLogger) Printf(format string, v ...any) { l.log(fmt.Sprintf(format, v...)) }
func (l *testLogger) Println(v ...any)               { l.log(fmt.Sprintln(v...)) }

func (l *testLogger) log(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log("server: " + strings.TrimSpace(s))
	}
}

func (l *testLogger) stop() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}

// testMsg is a message with the parts a transport could damage: a line starting with a dot
// (dot-stuffing), 8-bit text and CRLF line endings throughout.
var testMsg = []byte("From: Listdigest <digest@example.edu>\r\n" +
	"To: alice@example.edu\r\n" +
	"Subject: Your lists today\r\n" +
	"Date: Mon, 02 Jun 2025 06:00:00 +0000\r\n" +
	"Message-ID: <digest-1@example.edu>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n" +
	"\r\n" +
	"Three threads today.\r\n" +
	".leading dot survives\r\n" +
	"..two dots too\r\n" +
	"Grüße\r\n" +
	".\r\n" +
	"end\r\n")
