package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender delivers one finished message. The scheduler uses it without knowing how the
// message travels; errors are classified by [Temporary].
type Sender interface {
	// Deliver sends msg, an RFC 5322 message with CRLF line endings, from the envelope sender
	// from to the envelope recipients to. date is the message's date, used where the
	// transport records one (an IMAP internal date).
	Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error
}

// SMTP submits messages to a mail server, usually the submission port of the reader's or the
// operator's provider. The zero value of every field but Host is a sensible default.
type SMTP struct {
	// Host is the server's host name or IP address.
	Host string
	// Port is the server's port; 0 means 587 for starttls, 465 for implicit and 25 for none.
	Port int
	// TLS is [TLSStartTLS] (the default), [TLSImplicit] or [TLSNone] (loopback only).
	TLS string
	// TLSConfig adds to the TLS settings, typically RootCAs for a private CA. nil means the
	// system roots; ServerName defaults to Host. Verification cannot be turned off.
	TLSConfig *tls.Config
	// Username is the login name; empty means no AUTH.
	Username string
	// Auth is [AuthPlain] (the default), [AuthLogin] or [AuthXOAuth2].
	Auth string
	// Secret returns the password, or the access token for xoauth2. It is called for every
	// delivery that logs in, so that rotated secrets are picked up. Required with Username.
	Secret func(ctx context.Context) (string, error)
	// LocalName is the name sent with EHLO; empty means os.Hostname.
	LocalName string
	// Timeout bounds the whole delivery, from the dial to the server's reply to the message;
	// 0 means [DefaultTimeout].
	Timeout time.Duration
}

// smtpHints name the keys of the configuration's smtp section.
var smtpHints = hints{
	login:      "check smtp.username and the password source",
	sender:     "check the sender address: submission servers usually accept only the logged-in user's own addresses",
	noSTARTTLS: "refusing to continue in clear text: if the server takes TLS on port 465, set smtp.tls to implicit",
	notTLS:     "the server does not speak TLS on this port: use smtp.tls starttls for port 587",
	silent:     "the server sent no greeting: if it expects TLS at once (port 465), set smtp.tls to implicit",
}

// goSMTPNoSTARTTLS is go-smtp v0.25's error for a server that does not advertise STARTTLS. It
// is a plain errors.New, so its text is all there is to recognise; a test pins it.
const goSMTPNoSTARTTLS = "smtp: server doesn't support STARTTLS"

// Deliver implements [Sender] with [SMTP.Send]; date is not used, the message carries its
// own Date header.
func (s *SMTP) Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error {
	return s.Send(ctx, from, to, msg)
}

// Send submits msg, an RFC 5322 message with CRLF line endings, with the envelope sender
// from and recipients to (bare addresses, without angle brackets). It returns nil only once
// the server has accepted the message for every recipient. Errors are [*Error]s.
//
// In starttls mode, a server that does not offer STARTTLS is refused: there is no fallback to
// clear text. Certificates are always verified.
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if err := s.check(from, to); err != nil {
		return err
	}
	tc, err := tlsConfig(s.addr(), s.TLSConfig, s.Host)
	if err != nil {
		return err
	}
	l := newLink(ctx, s.addr(), s.mode(), s.Timeout, &smtpHints)
	defer l.close()

	var secret string
	if s.Username != "" {
		// Before dialling: a missing password should not cost the server a connection.
		if secret, err = fetchSecret(l, s.Username, s.Secret); err != nil {
			return err
		}
	}
	c, err := s.connect(l, tc)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.Username != "" {
		if err := s.login(l, c, secret); err != nil {
			return err
		}
	}
	if err := transfer(l, c, from, to, msg); err != nil {
		return err
	}
	// The message is accepted: a failed QUIT changes nothing, and must not turn into an
	// error that would make the scheduler send the digest again.
	c.CommandTimeout = min(c.CommandTimeout, quitTimeout)
	_ = c.Quit()
	return nil
}

func (s *SMTP) addr() string {
	port := s.Port
	if port == 0 {
		switch s.mode() {
		case TLSImplicit:
			port = 465
		case TLSNone:
			port = 25
		default:
			port = 587
		}
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

func (s *SMTP) mode() string {
	if s.TLS == "" {
		return TLSStartTLS
	}
	return s.TLS
}

// check refuses settings and arguments that cannot work, before anything is sent.
func (s *SMTP) check(from string, to []string) error {
	server := s.addr()
	switch {
	case s.Host == "":
		return configError(server, "set smtp.host", "no SMTP host")
	case s.Port < 0 || s.Port > 65535:
		return configError(server, "use a port from 1 to 65535", "port %d is out of range", s.Port)
	}
	if err := checkTLSMode(server, s.mode(), s.Host); err != nil {
		return err
	}
	if s.Username != "" {
		switch {
		case !slices.Contains([]string{"", AuthPlain, AuthLogin, AuthXOAuth2}, s.Auth):
			return configError(server, "use plain, login or xoauth2", "unknown auth mechanism %q", s.Auth)
		case s.Secret == nil:
			return configError(server, "set a password source", "a username but no way to get its password")
		}
	}
	if strings.ContainsAny(s.LocalName, " \t\r\n") {
		return configError(server, "use a host name", "EHLO name %q contains white space", s.LocalName)
	}
	if len(to) == 0 {
		return configError(server, "", "no recipients")
	}
	for _, a := range append([]string{from}, to...) {
		if strings.ContainsAny(a, "<>\r\n") {
			return configError(server, "pass the bare address, like user@example.org", "envelope address %q is not a bare address", a)
		}
	}
	for _, a := range to {
		if a == "" {
			return configError(server, "", "empty recipient address")
		}
	}
	return nil
}

// connect dials, protects the connection as the mode says, and exchanges greeting and EHLO.
// In starttls mode the returned client has completed its TLS handshake.
func (s *SMTP) connect(l *link, tc *tls.Config) (*smtp.Client, error) {
	if err := l.dial(); err != nil {
		return nil, err
	}
	var c *smtp.Client
	switch l.mode {
	case TLSImplicit:
		tconn, err := l.handshake(tc)
		if err != nil {
			return nil, err
		}
		c = smtp.NewClient(tconn)
	case TLSStartTLS:
		var err error
		if c, err = smtp.NewClientStartTLS(l.conn, tc); err != nil {
			return nil, l.fail(startTLSStage(err))
		}
	default:
		c = smtp.NewClient(l.conn)
	}
	// go-smtp sets these per command, overriding any deadline of ours; the link's context
	// still bounds the whole delivery.
	c.CommandTimeout, c.SubmissionTimeout = l.timeout, l.timeout
	// After STARTTLS, go-smtp defers the handshake to the next command: this EHLO. Its
	// failures are TLS failures, certificate verification above all.
	if err := c.Hello(s.localName()); err != nil {
		c.Close()
		stage := StageConnect
		if l.mode == TLSStartTLS && !handshakeDone(c) {
			stage = StageTLS
		}
		return nil, l.fail(stage, "", err)
	}
	if l.mode == TLSStartTLS && !handshakeDone(c) {
		c.Close()
		return nil, l.fail(StageTLS, "", errors.New("the connection is not encrypted after STARTTLS"))
	}
	return c, nil
}

// startTLSStage sorts the failures of go-smtp's NewClientStartTLS, which covers the greeting,
// the first EHLO and the STARTTLS command.
func startTLSStage(err error) (Stage, string, error) {
	if err.Error() == goSMTPNoSTARTTLS {
		return StageTLS, "", errNoSTARTTLS
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code == 454 {
		return StageTLS, "", err // RFC 3207: "TLS not available due to temporary reason"
	}
	return StageConnect, "", err
}

func handshakeDone(c *smtp.Client) bool {
	state, ok := c.TLSConnectionState()
	return ok && state.HandshakeComplete
}

func (s *SMTP) localName() string {
	if s.LocalName != "" {
		return s.LocalName
	}
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \t\r\n") {
		return h
	}
	return "localhost"
}

// login authenticates with the configured mechanism, if the server offers it.
func (s *SMTP) login(l *link, c *smtp.Client, secret string) error {
	client, err := s.saslClient(c, secret)
	if err == nil {
		err = c.Auth(client)
	}
	if err != nil {
		return l.fail(StageAuth, s.Username, err)
	}
	return nil
}

// saslClient picks the mechanism. With plain, a server that offers only LOGIN gets LOGIN:
// both send the password itself, under the same TLS.
func (s *SMTP) saslClient(c *smtp.Client, secret string) (sasl.Client, error) {
	ok, offered := c.Extension("AUTH")
	if !ok {
		return nil, &policyError{
			msg:  "the server offers no login (no AUTH in its EHLO reply)",
			hint: "remove smtp.username to send without logging in, or check smtp.port (587 is the submission port)",
		}
	}
	has := func(mech string) bool { return c.SupportsAuth(mech) }
	switch {
	case s.Auth == AuthXOAuth2 && has("XOAUTH2"):
		return newXOAuth2Client(s.Username, secret), nil
	case s.Auth == AuthLogin && has(sasl.Login):
		return newLoginClient(s.Username, secret), nil
	case (s.Auth == "" || s.Auth == AuthPlain) && has(sasl.Plain):
		return sasl.NewPlainClient("", s.Username, secret), nil
	case (s.Auth == "" || s.Auth == AuthPlain) && has(sasl.Login):
		return newLoginClient(s.Username, secret), nil
	}
	want := strings.ToUpper(s.Auth)
	if want == "" {
		want = "PLAIN"
	}
	return nil, &policyError{
		msg:  fmt.Sprintf("the server does not offer AUTH %s (it offers %s)", want, offered),
		hint: "choose a mechanism the server offers",
	}
}

// transfer runs one mail transaction. It stops at the first refused recipient, before DATA,
// so that a failed delivery has reached nobody and can be retried without duplicates.
func transfer(l *link, c *smtp.Client, from string, to []string, msg []byte) error {
	opts := &smtp.MailOptions{Size: int64(len(msg))}
	if !isASCII(from) || slices.ContainsFunc(to, func(a string) bool { return !isASCII(a) }) {
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			return l.fail(StageMail, from, &policyError{
				msg:  "a non-ASCII address, and the server does not support SMTPUTF8",
				hint: "use ASCII addresses with this server",
			})
		}
		opts.UTF8 = true
	}
	if err := c.Mail(from, opts); err != nil {
		return l.fail(StageMail, from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return l.fail(StageRcpt, rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return l.fail(StageData, "", err)
	}
	if _, err := w.Write(msg); err != nil {
		return l.fail(StageData, "", err)
	}
	if err := w.Close(); err != nil {
		return l.fail(StageData, "", err)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
