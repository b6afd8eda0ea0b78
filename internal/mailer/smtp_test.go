package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const (
	testFrom = "digest@example.edu"
	testTo   = "alice@example.edu"
)

// mustError returns err as an *Error, failing the test if it is not one.
func mustError(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("delivery succeeded; want an error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *mailer.Error", err, err)
	}
	t.Logf("error: %v", err)
	return e
}

// checkError checks the classification of a failed delivery.
func checkError(t *testing.T, err error, stage Stage, temporary bool) *Error {
	t.Helper()
	e := mustError(t, err)
	if e.Stage != stage {
		t.Errorf("Stage = %q; want %q", e.Stage, stage)
	}
	if got := Temporary(err); got != temporary {
		t.Errorf("Temporary(%v) = %v; want %v", err, got, temporary)
	}
	for _, secret := range []string{testPassword, testToken} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains a secret", err)
		}
	}
	return e
}

func TestSendDelivers(t *testing.T) {
	tests := []struct {
		name     string
		server   string // server's TLS mode
		client   string // client's TLS mode
		offer    []string
		mech     string
		wantUser string
	}{
		{name: "starttls plain", server: TLSStartTLS, client: TLSStartTLS, offer: []string{"PLAIN", "LOGIN"}, mech: AuthPlain, wantUser: testUser},
		{name: "default mode and mechanism", server: TLSStartTLS, client: "", offer: []string{"PLAIN"}, mech: "", wantUser: testUser},
		{name: "implicit plain", server: TLSImplicit, client: TLSImplicit, offer: []string{"PLAIN"}, mech: AuthPlain, wantUser: testUser},
		{name: "login", server: TLSStartTLS, client: TLSStartTLS, offer: []string{"PLAIN", "LOGIN"}, mech: AuthLogin, wantUser: testUser},
		{name: "plain falls back to login", server: TLSStartTLS, client: TLSStartTLS, offer: []string{"LOGIN"}, mech: AuthPlain, wantUser: testUser},
		{name: "xoauth2", server: TLSImplicit, client: TLSImplicit, offer: []string{"PLAIN", "XOAUTH2"}, mech: AuthXOAuth2, wantUser: testUser},
		{name: "no login", server: TLSStartTLS, client: TLSStartTLS},
		{name: "none to loopback", server: TLSNone, client: TLSNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.server, &fakeSMTP{Mechs: tt.offer})
			s := srv.client(tt.client, tt.mech)
			if tt.mech == "" && tt.wantUser != "" {
				s.Username, s.Secret = testUser, func(context.Context) (string, error) { return testPassword, nil }
			}
			to := []string{testTo, "bob@example.edu"}
			if err := s.Send(t.Context(), testFrom, to, testMsg); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			msgs := srv.be.Messages()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages; want 1", len(msgs))
			}
			m := msgs[0]
			if !bytes.Equal(m.Data, testMsg) {
				t.Errorf("message arrived as\n%q\nwant\n%q", m.Data, testMsg)
			}
			if m.From != testFrom || !slices.Equal(m.To, to) {
				t.Errorf("envelope = %s → %v; want %s → %v", m.From, m.To, testFrom, to)
			}
			if m.User != tt.wantUser {
				t.Errorf("logged in as %q; want %q", m.User, tt.wantUser)
			}
			if wantTLS := tt.server != TLSNone; m.TLS != wantTLS {
				t.Errorf("TLS = %v; want %v", m.TLS, wantTLS)
			}
			if m.HeloName != "client.test" {
				t.Errorf("EHLO name = %q; want client.test", m.HeloName)
			}
			if m.Opts.Size != int64(len(testMsg)) {
				t.Errorf("MAIL SIZE = %d; want %d", m.Opts.Size, len(testMsg))
			}
		})
	}
}

func TestSendRefusesServerWithoutSTARTTLS(t *testing.T) {
	be := &fakeSMTP{Mechs: []string{"PLAIN"}}
	srv := startSMTP(t, TLSNone, be)
	err := srv.client(TLSStartTLS, AuthPlain).Send(t.Context(), testFrom, []string{testTo}, testMsg)
	e := checkError(t, err, StageTLS, false)
	if !strings.Contains(err.Error(), "does not offer STARTTLS") || e.Hint == "" {
		t.Errorf("error %q does not say STARTTLS is missing and what to do", err)
	}
	if n := be.AuthAttempts(); n != 0 {
		t.Errorf("client tried AUTH %d times in clear text", n)
	}
	if n := len(be.Messages()); n != 0 {
		t.Errorf("server received %d messages in clear text", n)
	}
}

func TestSendRefusesUntrustedCertificate(t *testing.T) {
	tests := []struct {
		name      string
		mode      string
		tlsConfig *tls.Config
		want      []string
	}{
		{
			name: "starttls unknown authority", mode: TLSStartTLS, tlsConfig: nil,
			want: []string{"certificate signed by unknown authority", "trust the server's CA"},
		},
		{
			name: "implicit unknown authority", mode: TLSImplicit, tlsConfig: nil,
			want: []string{"certificate signed by unknown authority", "trust the server's CA"},
		},
		{
			name: "wrong host name", mode: TLSStartTLS,
			tlsConfig: func() *tls.Config { c := clientTLS(); c.ServerName = "mail.example.org"; return c }(),
			want:      []string{"mail.example.org", "host name the certificate is valid for"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &fakeSMTP{Mechs: []string{"PLAIN"}}
			srv := startSMTP(t, tt.mode, be)
			s := srv.client(tt.mode, AuthPlain)
			s.TLSConfig = tt.tlsConfig
			err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
			checkError(t, err, StageTLS, false)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if n := be.AuthAttempts(); n != 0 {
				t.Errorf("client sent AUTH %d times to an untrusted server", n)
			}
		})
	}
}

func TestSendRefusesInsecureSkipVerify(t *testing.T) {
	s := &SMTP{Host: "127.0.0.1", Port: 1, TLSConfig: &tls.Config{InsecureSkipVerify: true}}
	err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
	checkError(t, err, StageConfig, false)
}

func TestSendServerReplies(t *testing.T) {
	tests := []struct {
		stage     Stage
		code      int
		enhanced  smtp.EnhancedCode
		temporary bool
	}{
		{StageConnect, 421, smtp.EnhancedCode{4, 3, 2}, true},
		{StageConnect, 554, smtp.EnhancedCode{5, 7, 1}, false},
		{StageAuth, 454, smtp.EnhancedCode{4, 7, 0}, true},
		{StageAuth, 534, smtp.EnhancedCode{5, 7, 9}, false},
		{StageMail, 421, smtp.EnhancedCode{4, 7, 0}, true},
		{StageMail, 451, smtp.EnhancedCode{4, 3, 0}, true},
		{StageMail, 452, smtp.EnhancedCode{4, 3, 1}, true},
		{StageMail, 550, smtp.EnhancedCode{5, 7, 1}, false},
		{StageMail, 554, smtp.EnhancedCode{5, 7, 1}, false},
		{StageRcpt, 421, smtp.EnhancedCode{4, 7, 0}, true},
		{StageRcpt, 451, smtp.EnhancedCode{4, 3, 0}, true},
		{StageRcpt, 452, smtp.EnhancedCode{4, 2, 2}, true},
		{StageRcpt, 550, smtp.EnhancedCode{5, 1, 1}, false},
		{StageRcpt, 554, smtp.EnhancedCode{5, 7, 1}, false},
		{StageData, 421, smtp.EnhancedCode{4, 3, 0}, true},
		{StageData, 451, smtp.EnhancedCode{4, 3, 0}, true},
		{StageData, 452, smtp.EnhancedCode{4, 3, 1}, true},
		{StageData, 550, smtp.EnhancedCode{5, 7, 1}, false},
		{StageData, 554, smtp.EnhancedCode{5, 6, 0}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d at %s", tt.code, tt.stage), func(t *testing.T) {
			reply := &smtp.SMTPError{Code: tt.code, EnhancedCode: tt.enhanced, Message: "injected"}
			be := &fakeSMTP{Mechs: []string{"PLAIN"}}
			switch tt.stage {
			case StageConnect:
				be.FailHello = reply
			case StageAuth:
				be.FailAuth = reply
			case StageMail:
				be.FailMail = reply
			case StageRcpt:
				be.FailRcpt = reply
			case StageData:
				be.FailData = reply
			}
			srv := startSMTP(t, TLSStartTLS, be)
			err := srv.client(TLSStartTLS, AuthPlain).Send(t.Context(), testFrom, []string{testTo}, testMsg)
			e := checkError(t, err, tt.stage, tt.temporary)
			if e.Code != tt.code {
				t.Errorf("Code = %d; want %d", e.Code, tt.code)
			}
			var se *smtp.SMTPError
			if !errors.As(err, &se) {
				t.Errorf("errors.As(%v, *smtp.SMTPError) = false; want the server's reply", err)
			}
			want := fmt.Sprintf("%d %d.%d.%d injected", tt.code, tt.enhanced[0], tt.enhanced[1], tt.enhanced[2])
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not quote the server's reply %q", err, want)
			}
			if n := len(be.Messages()); n != 0 {
				t.Errorf("server kept %d messages", n)
			}
		})
	}
}

// A refused second recipient must stop the transaction before DATA: the first recipient
// must not get a copy that the retry would duplicate.
func TestSendStopsAtRefusedRecipient(t *testing.T) {
	be := &fakeSMTP{Mechs: []string{"PLAIN"}, FailRcptTo: "bob@example.edu",
		FailRcpt: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}}
	srv := startSMTP(t, TLSStartTLS, be)
	err := srv.client(TLSStartTLS, AuthPlain).Send(t.Context(), testFrom, []string{testTo, "bob@example.edu", "carol@example.edu"}, testMsg)
	checkError(t, err, StageRcpt, false)
	if want := `refused recipient <bob@example.edu>: 550 5.1.1 no such user: check the recipient's address`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if n := len(be.Messages()); n != 0 {
		t.Errorf("server received %d messages; want none", n)
	}
}

func TestSendWrongCredentials(t *testing.T) {
	for _, mech := range []string{AuthPlain, AuthLogin, AuthXOAuth2} {
		t.Run(mech, func(t *testing.T) {
			srv := startSMTP(t, TLSStartTLS, &fakeSMTP{Mechs: []string{"PLAIN", "LOGIN", "XOAUTH2"}})
			s := srv.client(TLSStartTLS, mech)
			s.Secret = func(context.Context) (string, error) { return "wrong-" + testPassword, nil }
			err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
			e := checkError(t, err, StageAuth, false)
			if e.Code != 535 {
				t.Errorf("Code = %d; want 535", e.Code)
			}
			if strings.Contains(err.Error(), "wrong-") {
				t.Errorf("error %q contains the password", err)
			}
			want := `refused the login for user "` + testUser + `": 535 5.7.8 Authentication failed: check smtp.username and the password source`
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

func TestSendMechanismNotOffered(t *testing.T) {
	tests := []struct {
		name  string
		offer []string
		mech  string
		want  string
	}{
		{name: "no AUTH at all", offer: nil, mech: AuthPlain, want: "offers no login"},
		{name: "no XOAUTH2", offer: []string{"PLAIN", "LOGIN"}, mech: AuthXOAuth2, want: "does not offer AUTH XOAUTH2 (it offers PLAIN LOGIN)"},
		{name: "neither PLAIN nor LOGIN", offer: []string{"XOAUTH2"}, mech: AuthPlain, want: "does not offer AUTH PLAIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &fakeSMTP{Mechs: tt.offer}
			srv := startSMTP(t, TLSStartTLS, be)
			err := srv.client(TLSStartTLS, tt.mech).Send(t.Context(), testFrom, []string{testTo}, testMsg)
			e := checkError(t, err, StageAuth, false)
			if !strings.Contains(err.Error(), tt.want) || e.Hint == "" {
				t.Errorf("error %q does not contain %q and a hint", err, tt.want)
			}
			if n := be.AuthAttempts(); n != 0 {
				t.Errorf("client tried AUTH %d times", n)
			}
		})
	}
}

// A server that accepts the connection and never greets (typically an implicit-TLS port
// dialled in starttls mode) must not hold the delivery beyond its timeout.
func TestSendTimesOutWithoutGreeting(t *testing.T) {
	ln := listen(t)
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	for _, mode := range []string{TLSStartTLS, TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			s := &SMTP{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: mode, Timeout: 200 * time.Millisecond}
			start := time.Now()
			err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Send() returned after %s; want about 200ms", d)
			}
			wantStage := StageConnect
			if mode == TLSImplicit {
				wantStage = StageTLS
			}
			e := checkError(t, err, wantStage, true)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(%v, context.DeadlineExceeded) = false", err)
			}
			if mode == TLSStartTLS && !strings.Contains(e.Hint, "implicit") {
				t.Errorf("Hint = %q; want advice to try implicit TLS", e.Hint)
			}
		})
	}
}

func TestSendCanceled(t *testing.T) {
	srv := startSMTP(t, TLSStartTLS, &fakeSMTP{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := srv.client(TLSStartTLS, "").Send(ctx, testFrom, []string{testTo}, testMsg)
	checkError(t, err, StageConnect, true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(%v, context.Canceled) = false", err)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	ln := listen(t)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 5 * time.Second}
	err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
	checkError(t, err, StageConnect, true)
	if !strings.Contains(err.Error(), "connect to 127.0.0.1:") {
		t.Errorf("error %q does not say what failed", err)
	}
}

// implicit mode against a server that greets in clear text fails at once, with advice.
func TestSendImplicitToPlainServer(t *testing.T) {
	srv := startSMTP(t, TLSStartTLS, &fakeSMTP{})
	err := srv.client(TLSImplicit, "").Send(t.Context(), testFrom, []string{testTo}, testMsg)
	e := checkError(t, err, StageTLS, false)
	if !strings.Contains(e.Hint, "starttls") {
		t.Errorf("Hint = %q; want advice to use starttls", e.Hint)
	}
}

func TestSendConfigErrors(t *testing.T) {
	secret := func(context.Context) (string, error) { return testPassword, nil }
	tests := []struct {
		name string
		s    SMTP
		from string
		to   []string
	}{
		{name: "none to a remote host", s: SMTP{Host: "192.0.2.1", TLS: TLSNone}, from: testFrom, to: []string{testTo}},
		{name: "none to a remote name", s: SMTP{Host: "mail.example.org", TLS: TLSNone}, from: testFrom, to: []string{testTo}},
		{name: "unknown tls mode", s: SMTP{Host: "192.0.2.1", TLS: "ssl"}, from: testFrom, to: []string{testTo}},
		{name: "no host", s: SMTP{}, from: testFrom, to: []string{testTo}},
		{name: "unknown mechanism", s: SMTP{Host: "192.0.2.1", Username: "u", Auth: "cram-md5", Secret: secret}, from: testFrom, to: []string{testTo}},
		{name: "username without secret", s: SMTP{Host: "192.0.2.1", Username: "u"}, from: testFrom, to: []string{testTo}},
		{name: "no recipients", s: SMTP{Host: "192.0.2.1"}, from: testFrom},
		{name: "display name in sender", s: SMTP{Host: "192.0.2.1"}, from: "Digest <digest@example.edu>", to: []string{testTo}},
		{name: "CRLF in recipient", s: SMTP{Host: "192.0.2.1"}, from: testFrom, to: []string{"a@b\r\nRCPT TO:<c@d>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// 192.0.2.1 is TEST-NET-1: a dial would hang until the timeout.
			tt.s.Timeout = 5 * time.Second
			start := time.Now()
			err := tt.s.Send(t.Context(), tt.from, tt.to, testMsg)
			checkError(t, err, StageConfig, false)
			if d := time.Since(start); d > time.Second {
				t.Errorf("Send() took %s: it connected before refusing", d)
			}
		})
	}
}

// The peer check catches a loopback-looking name that resolves elsewhere. Here the name is
// fine but the check itself is exercised with the peer address of a real connection.
func TestPeerIsLoopback(t *testing.T) {
	ln := listen(t)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !peerIsLoopback(c) {
		t.Errorf("peerIsLoopback(%s) = false; want true", c.RemoteAddr())
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST.", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"[::1]", true},
		{"::ffff:127.0.0.1", true},
		{"192.0.2.1", false},
		{"localhost.example.org", false},
		{"mail.example.org", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isLoopbackHost(tt.host); got != tt.want {
			t.Errorf("isLoopbackHost(%q) = %v; want %v", tt.host, got, tt.want)
		}
	}
}

func TestSendSecretFailure(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		temporary bool
	}{
		{name: "command failed", err: &fakeSecretError{msg: "smtp.password_command: exit status 1", temporary: true}, temporary: true},
		{name: "file missing", err: &fakeSecretError{msg: "smtp.password_file: no such file", temporary: false}, temporary: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &fakeSMTP{Mechs: []string{"PLAIN"}}
			srv := startSMTP(t, TLSStartTLS, be)
			s := srv.client(TLSStartTLS, AuthPlain)
			// A secret function that fails after reading part of the secret must not leak it.
			s.Secret = func(context.Context) (string, error) { return testPassword, tt.err }
			err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
			checkError(t, err, StageAuth, tt.temporary)
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.err.Error()) {
				t.Errorf("error %q does not carry the secret source's error %q", err, tt.err)
			}
			if n := be.Sessions(); n != 0 {
				t.Errorf("client connected (%d sessions) without a secret", n)
			}
		})
	}
	t.Run("empty secret", func(t *testing.T) {
		s := &SMTP{Host: "127.0.0.1", Port: 1, Username: testUser, Secret: func(context.Context) (string, error) { return "", nil }}
		err := s.Send(t.Context(), testFrom, []string{testTo}, testMsg)
		checkError(t, err, StageAuth, false)
	})
}

// fakeSecretError classifies itself like config.SecretError.
type fakeSecretError struct {
	msg       string
	temporary bool
}

func (e *fakeSecretError) Error() string   { return e.msg }
func (e *fakeSecretError) Temporary() bool { return e.temporary }

// goSMTPNoSTARTTLS must match what go-smtp says, or a server without STARTTLS would be
// reported as a temporary failure. TestSendRefusesServerWithoutSTARTTLS checks the outcome;
// this checks the reason.
func TestGoSMTPNoSTARTTLSText(t *testing.T) {
	srv := startSMTP(t, TLSNone, &fakeSMTP{})
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.port)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = smtp.NewClientStartTLS(c, clientTLS())
	if err == nil || err.Error() != goSMTPNoSTARTTLS {
		t.Errorf("smtp.NewClientStartTLS() = %v; want %q", err, goSMTPNoSTARTTLS)
	}
}

var _ Sender = (*SMTP)(nil)
var _ Sender = (*IMAPAppend)(nil)
