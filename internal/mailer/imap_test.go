package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// startIMAP serves an in-memory mailbox for testUser, with an INBOX, on 127.0.0.1 until the
// test ends. mode is how the server protects connections, as for startSMTP; logins are only
// accepted over TLS.
func startIMAP(t *testing.T, mode string) string {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(testUser, testPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatalf("Create(INBOX) = %v", err)
	}
	mem.AddUser(user)
	logger := &testLogger{t: t}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return xoauth2Session{mem.NewSession()}, nil, nil
		},
		// IMAP4rev1 only: the XOAUTH2 wrapper hides the memory session's IMAP4rev2 methods.
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger: logger,
	}
	var ln net.Listener = listen(t)
	switch mode {
	case TLSStartTLS:
		opts.TLSConfig = serverTLS()
	case TLSImplicit:
		ln = tls.NewListener(ln, serverTLS())
	}
	srv := imapserver.New(opts)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		ln.Close()
		<-done
		logger.stop()
	})
	return ln.Addr().String()
}

// xoauth2Session adds XOAUTH2 to the in-memory server: a valid token logs in as testUser.
type xoauth2Session struct {
	imapserver.Session
}

func (s xoauth2Session) AuthenticateMechanisms() []string { return []string{"PLAIN", "XOAUTH2"} }

func (s xoauth2Session) Authenticate(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error { return s.Login(user, pass) }), nil
	case "XOAUTH2":
		return &xoauth2Server{
			check: func(user, token string) error {
				if token != testToken {
					return imapserver.ErrAuthFailed
				}
				return s.Login(user, testPassword)
			},
			fail: imapserver.ErrAuthFailed,
		}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "unsupported mechanism"}
}

func imapAppender(addr, mode string) *IMAPAppend {
	return &IMAPAppend{
		Addr:      addr,
		TLS:       mode,
		TLSConfig: clientTLS(),
		Username:  testUser,
		Secret:    func(context.Context) (string, error) { return testPassword, nil },
		Timeout:   10 * time.Second,
	}
}

// fetchAll logs in to the test server over implicit TLS or STARTTLS and returns every
// message in folder with its flags, internal date and raw bytes, without marking it seen.
func fetchAll(t *testing.T, addr, mode, folder string) []*imapclient.FetchMessageBuffer {
	t.Helper()
	opts := &imapclient.Options{TLSConfig: clientTLS()}
	var (
		c   *imapclient.Client
		err error
	)
	if mode == TLSImplicit {
		c, err = imapclient.DialTLS(addr, opts)
	} else {
		c, err = imapclient.DialStartTLS(addr, opts)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	if err := c.Login(testUser, testPassword).Wait(); err != nil {
		t.Fatalf("Login() = %v", err)
	}
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("Select(%q) = %v", folder, err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1, 2, 3), &imap.FetchOptions{
		Flags:        true,
		InternalDate: true,
		BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("Fetch() = %v", err)
	}
	return msgs
}

func TestAppendDelivers(t *testing.T) {
	for _, mode := range []string{TLSImplicit, TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			addr := startIMAP(t, mode)
			date := time.Date(2025, 6, 2, 6, 0, 0, 0, time.FixedZone("", 2*3600))
			var s Sender = imapAppender(addr, mode)
			if err := s.Deliver(t.Context(), testFrom, []string{testTo}, testMsg, date); err != nil {
				t.Fatalf("Deliver() = %v", err)
			}
			msgs := fetchAll(t, addr, mode, "INBOX")
			if len(msgs) != 1 {
				t.Fatalf("INBOX holds %d messages; want 1", len(msgs))
			}
			m := msgs[0]
			var body []byte
			for _, b := range m.BodySection {
				body = b.Bytes
			}
			if !bytes.Equal(body, testMsg) {
				t.Errorf("stored message is\n%q\nwant\n%q", body, testMsg)
			}
			if len(m.Flags) != 0 {
				t.Errorf("flags = %v; want none (unseen, unflagged)", m.Flags)
			}
			if !m.InternalDate.Equal(date) {
				t.Errorf("internal date = %v; want %v", m.InternalDate, date)
			}
		})
	}
}

func TestAppendLoginCommand(t *testing.T) {
	addr := startIMAP(t, TLSImplicit)
	a := imapAppender(addr, TLSImplicit)
	a.Auth = AuthLogin
	a.Folder = "INBOX"
	if err := a.Append(t.Context(), testMsg, time.Time{}); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	if n := len(fetchAll(t, addr, TLSImplicit, "INBOX")); n != 1 {
		t.Errorf("INBOX holds %d messages; want 1", n)
	}
}

func TestAppendXOAuth2(t *testing.T) {
	addr := startIMAP(t, TLSImplicit)
	a := imapAppender(addr, TLSImplicit)
	a.Auth = AuthXOAuth2
	a.Secret = func(context.Context) (string, error) { return testToken, nil }
	if err := a.Append(t.Context(), testMsg, time.Time{}); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	if n := len(fetchAll(t, addr, TLSImplicit, "INBOX")); n != 1 {
		t.Errorf("INBOX holds %d messages; want 1", n)
	}
}

func TestAppendWrongPassword(t *testing.T) {
	for _, mech := range []string{AuthPlain, AuthLogin, AuthXOAuth2} {
		t.Run(mech, func(t *testing.T) {
			addr := startIMAP(t, TLSImplicit)
			a := imapAppender(addr, TLSImplicit)
			a.Auth = mech
			a.Secret = func(context.Context) (string, error) { return "wrong-" + testPassword, nil }
			err := a.Append(t.Context(), testMsg, time.Now())
			checkError(t, err, StageAuth, false)
			if strings.Contains(err.Error(), "wrong-") {
				t.Errorf("error %q contains the password", err)
			}
			if !strings.Contains(err.Error(), "check the username and the password source") {
				t.Errorf("error %q does not say what to check", err)
			}
		})
	}
}

func TestAppendMissingFolder(t *testing.T) {
	addr := startIMAP(t, TLSImplicit)
	a := imapAppender(addr, TLSImplicit)
	a.Folder = "Digests"
	err := a.Append(t.Context(), testMsg, time.Now())
	e := checkError(t, err, StageAppend, false)
	if !strings.Contains(err.Error(), `"Digests"`) || !strings.Contains(e.Hint, "folder") {
		t.Errorf("error %q does not name the folder and what to do", err)
	}
}

func TestAppendUntrustedCertificate(t *testing.T) {
	for _, mode := range []string{TLSImplicit, TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			addr := startIMAP(t, mode)
			a := imapAppender(addr, mode)
			a.TLSConfig = nil
			err := a.Append(t.Context(), testMsg, time.Now())
			checkError(t, err, StageTLS, false)
			if !strings.Contains(err.Error(), "certificate signed by unknown authority") {
				t.Errorf("error %q does not give the reason", err)
			}
		})
	}
}

func TestAppendRefusesServerWithoutSTARTTLS(t *testing.T) {
	addr := startIMAP(t, TLSNone)
	err := imapAppender(addr, TLSStartTLS).Append(t.Context(), testMsg, time.Now())
	e := checkError(t, err, StageTLS, false)
	if e.Hint == "" {
		t.Errorf("error %q has no hint", err)
	}
}

func TestAppendConfigErrors(t *testing.T) {
	secret := func(context.Context) (string, error) { return testPassword, nil }
	tests := []struct {
		name string
		a    IMAPAppend
	}{
		{name: "none to a remote host", a: IMAPAppend{Addr: "192.0.2.1:143", TLS: TLSNone, Username: "u", Secret: secret}},
		{name: "no port", a: IMAPAppend{Addr: "192.0.2.1", Username: "u", Secret: secret}},
		{name: "no username", a: IMAPAppend{Addr: "192.0.2.1:993", Secret: secret}},
		{name: "no secret", a: IMAPAppend{Addr: "192.0.2.1:993", Username: "u"}},
		{name: "unknown mechanism", a: IMAPAppend{Addr: "192.0.2.1:993", Username: "u", Secret: secret, Auth: "gssapi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.a.Append(t.Context(), testMsg, time.Now())
			checkError(t, err, StageConfig, false)
		})
	}
}

func TestHas(t *testing.T) {
	addr := startIMAP(t, TLSImplicit)
	a := imapAppender(addr, TLSImplicit)
	if err := a.Append(t.Context(), testMsg, time.Now()); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	tests := []struct {
		id   string
		want bool
	}{
		{"digest-1@example.edu", true},
		{"<digest-1@example.edu>", true},
		{"digest-2@example.edu", false},
		{"gest-1@example.edu", false}, // a substring of the stored ID
	}
	for _, tt := range tests {
		got, err := a.Has(t.Context(), tt.id)
		if err != nil || got != tt.want {
			t.Errorf("Has(%q) = %v, %v; want %v, nil", tt.id, got, err, tt.want)
		}
	}
	a.Folder = "Digests"
	_, err := a.Has(t.Context(), "digest-1@example.edu")
	checkError(t, err, StageSearch, false)
	_, err = a.Has(t.Context(), "a@b>\r\nX")
	checkError(t, err, StageConfig, false)
}

// Has is what the dispatcher's Deduper asks for.
var _ interface {
	Has(ctx context.Context, messageID string) (bool, error)
} = (*IMAPAppend)(nil)
