package mailer

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// IMAPAppend stores messages directly in the reader's own mailbox with IMAP APPEND, for
// readers whose provider will not relay mail for us. Nothing is sent over SMTP, so the
// envelope is only informational. [IMAPAppend.Has] lets a caller check for an earlier copy
// before delivering again.
type IMAPAppend struct {
	// Addr is the server's host:port.
	Addr string
	// TLS is [TLSImplicit] (the default), [TLSStartTLS] or [TLSNone] (loopback only).
	TLS string
	// TLSConfig adds to the TLS settings, typically RootCAs for a private CA. nil means the
	// system roots; ServerName defaults to Addr's host. Verification cannot be turned off.
	TLSConfig *tls.Config
	// Username is the login name. Required.
	Username string
	// Auth is [AuthPlain] (the default; AUTHENTICATE PLAIN, or the LOGIN command when the
	// server lacks it), [AuthLogin] (the LOGIN command) or [AuthXOAuth2].
	Auth string
	// Secret returns the password, or the access token for xoauth2; called for every
	// delivery. Required.
	Secret func(ctx context.Context) (string, error)
	// Folder is the mailbox the message is stored in; empty means INBOX.
	Folder string
	// Timeout bounds the whole delivery; 0 means [DefaultTimeout].
	Timeout time.Duration
}

// imapHints are worded for an IMAP account, which has no single configuration section.
var imapHints = hints{
	login:      "check the username and the password source",
	noSTARTTLS: "refusing to log in over clear text: if the server takes TLS on port 993, use tls implicit",
	notTLS:     "the server does not speak TLS on this port: use tls starttls for port 143",
	silent:     "the server sent no greeting: if it expects TLS at once (port 993), use tls implicit",
}

// Deliver implements [Sender] with [IMAPAppend.Append]; from and to are not used.
func (a *IMAPAppend) Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error {
	return a.Append(ctx, msg, date)
}

// Append stores msg, an RFC 5322 message with CRLF line endings, in the folder with date as
// its internal date (the server's arrival time when zero) and no flags, so it shows as new
// and unread. It returns nil once the server has confirmed the APPEND. Errors are [*Error]s.
func (a *IMAPAppend) Append(ctx context.Context, msg []byte, date time.Time) error {
	s, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if err := appendMessage(s.l, s.c, a.folder(), msg, date); err != nil {
		return err
	}
	// Stored: like SMTP's QUIT, a failed LOGOUT must not make the scheduler deliver again.
	s.logout()
	return nil
}

// Has reports whether the folder already holds a message with the Message-ID messageID (with
// or without angle brackets). The dispatcher asks before delivering again a digest whose
// delivery was interrupted, so that a crash between the APPEND and the ledger update does not
// leave the reader two copies. Errors are [*Error]s at [StageSearch].
func (a *IMAPAppend) Has(ctx context.Context, messageID string) (bool, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(messageID, "<"), ">")
	if id == "" || strings.ContainsAny(id, "<>\r\n") {
		return false, configError(a.Addr, "", "%q is not a Message-ID", messageID)
	}
	s, err := a.open(ctx)
	if err != nil {
		return false, err
	}
	defer s.close()
	folder := a.folder()
	if _, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return false, s.l.fail(StageSearch, folder, err)
	}
	// HEADER matches substrings: the brackets keep "<a@b>" from matching "<xa@b>".
	criteria := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + id + ">"}}}
	data, err := s.c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return false, s.l.fail(StageSearch, folder, err)
	}
	s.logout()
	return len(data.AllUIDs()) > 0, nil
}

// imapSession is a logged-in connection.
type imapSession struct {
	l *link
	c *imapclient.Client
}

// open checks the settings, gets the secret, connects and logs in.
func (a *IMAPAppend) open(ctx context.Context) (*imapSession, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(a.Addr)
	tc, err := tlsConfig(a.Addr, a.TLSConfig, host)
	if err != nil {
		return nil, err
	}
	l := newLink(ctx, a.Addr, a.mode(), a.Timeout, &imapHints)
	secret, err := fetchSecret(l, a.Username, a.Secret)
	if err != nil {
		l.close()
		return nil, err
	}
	c, err := a.connect(l, tc)
	if err != nil {
		l.close()
		return nil, err
	}
	if err := a.login(l, c, secret); err != nil {
		c.Close()
		l.close()
		return nil, err
	}
	return &imapSession{l: l, c: c}, nil
}

// logout says goodbye, without letting a server slow to answer hold the delivery for the
// rest of its budget; its outcome does not matter.
func (s *imapSession) logout() {
	t := time.AfterFunc(quitTimeout, func() { s.c.Close() })
	defer t.Stop()
	_ = s.c.Logout().Wait()
}

func (s *imapSession) close() {
	s.c.Close()
	s.l.close()
}

func (a *IMAPAppend) mode() string {
	if a.TLS == "" {
		return TLSImplicit
	}
	return a.TLS
}

func (a *IMAPAppend) folder() string {
	if a.Folder == "" {
		return "INBOX"
	}
	return a.Folder
}

// check refuses settings that cannot work, before anything is sent.
func (a *IMAPAppend) check() error {
	host, _, err := net.SplitHostPort(a.Addr)
	switch {
	case err != nil || host == "":
		return configError(a.Addr, "give the server as host:port, e.g. imap.example.org:993", "bad IMAP address %q", a.Addr)
	case a.Username == "":
		return configError(a.Addr, "set the username", "no IMAP username")
	case a.Secret == nil:
		return configError(a.Addr, "set a password source", "no way to get the password")
	case !slices.Contains([]string{"", AuthPlain, AuthLogin, AuthXOAuth2}, a.Auth):
		return configError(a.Addr, "use plain, login or xoauth2", "unknown auth mechanism %q", a.Auth)
	}
	return checkTLSMode(a.Addr, a.mode(), host)
}

// connect dials, protects the connection as the mode says, and waits for the greeting.
func (a *IMAPAppend) connect(l *link, tc *tls.Config) (*imapclient.Client, error) {
	if err := l.dial(); err != nil {
		return nil, err
	}
	// No DebugWriter, ever: it would record the password.
	opts := &imapclient.Options{TLSConfig: tc}
	var c *imapclient.Client
	switch l.mode {
	case TLSImplicit:
		tc.NextProtos = []string{"imap"}
		tconn, err := l.handshake(tc)
		if err != nil {
			return nil, err
		}
		c = imapclient.New(tconn, opts)
	case TLSStartTLS:
		var err error
		// NewStartTLS waits for the greeting, sends STARTTLS whether or not it is advertised
		// (a server without it refuses the command) and completes the handshake.
		if c, err = imapclient.NewStartTLS(l.conn, opts); err != nil {
			stage := StageTLS
			if !greeted(err) {
				stage = StageConnect
			}
			return nil, l.fail(stage, "", err)
		}
	default:
		c = imapclient.New(l.conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, l.fail(StageConnect, "", err)
	}
	return c, nil
}

// greeted tells a STARTTLS failure from a connection that failed before STARTTLS was sent:
// only the former has a server reply or a TLS error.
func greeted(err error) bool {
	_, certErr := certificateProblem(err)
	return isReply(err) || certErr || notTLS(err)
}

// login authenticates with the configured mechanism.
func (a *IMAPAppend) login(l *link, c *imapclient.Client, secret string) error {
	var err error
	switch a.Auth {
	case AuthXOAuth2:
		err = c.Authenticate(newXOAuth2Client(a.Username, secret))
	case AuthLogin:
		err = c.Login(a.Username, secret).Wait()
	default:
		if c.Caps().Has(imap.AuthCap(sasl.Plain)) {
			err = c.Authenticate(sasl.NewPlainClient("", a.Username, secret))
		} else {
			err = c.Login(a.Username, secret).Wait()
		}
	}
	if err != nil {
		return l.fail(StageAuth, a.Username, err)
	}
	return nil
}

// appendMessage stores msg with no flags. When the server refuses the APPEND before the
// message was sent (TRYCREATE for a missing folder), writing fails too; the server's reply is
// the error worth reporting.
func appendMessage(l *link, c *imapclient.Client, folder string, msg []byte, date time.Time) error {
	cmd := c.Append(folder, int64(len(msg)), &imap.AppendOptions{Time: date})
	_, werr := cmd.Write(msg)
	if err := cmd.Close(); werr == nil {
		werr = err
	}
	_, err := cmd.Wait()
	if err == nil {
		err = werr
	}
	if err != nil {
		return l.fail(StageAppend, folder, err)
	}
	return nil
}
