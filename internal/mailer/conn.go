package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// The TLS modes of [SMTP].TLS and [IMAPAppend].TLS.
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and fails if the server cannot.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte.
	TLSImplicit = "implicit"
	// TLSNone is clear text, allowed only to loopback.
	TLSNone = "none"
)

// The login mechanisms of [SMTP].Auth and [IMAPAppend].Auth.
const (
	// AuthPlain is SASL PLAIN, or LOGIN when the server offers only that.
	AuthPlain = "plain"
	// AuthLogin is SASL LOGIN for SMTP and the LOGIN command for IMAP.
	AuthLogin = "login"
	// AuthXOAuth2 is SASL XOAUTH2 with an OAuth 2.0 access token as the secret.
	AuthXOAuth2 = "xoauth2"
)

// DefaultTimeout bounds a whole delivery when Timeout is zero.
const DefaultTimeout = 2 * time.Minute

// quitTimeout bounds the polite goodbye after the message was accepted: nothing depends on
// it, so it should not hold the delivery for the rest of its budget.
const quitTimeout = 5 * time.Second

// policyError is a failure this package decides is permanent: a setting it cannot work with,
// or a server lacking what the delivery policy requires. hint says what to change.
type policyError struct {
	msg, hint string
}

func (p *policyError) Error() string { return p.msg }

// errNoSTARTTLS is the refusal to continue in clear text in starttls mode.
var errNoSTARTTLS = errors.New("the server does not offer STARTTLS")

// link is one delivery's connection. Its context carries the delivery deadline, and the
// connection is closed when that context ends, which interrupts whatever read or write the
// protocol library is blocked in: go-smtp and go-imap have no contexts of their own and reset
// the socket deadlines for every command.
type link struct {
	parent  context.Context // the caller's, to tell its cancellation from our timeout
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	server  string // host:port
	mode    string
	hints   *hints
	conn    net.Conn // the TCP connection, nil until dialled
	stop    func() bool
}

func newLink(parent context.Context, server, mode string, timeout time.Duration, h *hints) *link {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	return &link{parent: parent, ctx: ctx, cancel: cancel, timeout: timeout, server: server, mode: mode, hints: h}
}

// dial opens the TCP connection and arms its closing when the context ends.
func (l *link) dial() error {
	conn, err := (&net.Dialer{}).DialContext(l.ctx, "tcp", l.server)
	if err != nil {
		return l.fail(StageConnect, "", err)
	}
	// A name that resolved elsewhere than expected must not get clear text.
	if l.mode == TLSNone && !peerIsLoopback(conn) {
		conn.Close()
		return l.fail(StageConnect, "", &policyError{
			msg:  fmt.Sprintf("tls none, but the peer %s is not a loopback address", conn.RemoteAddr()),
			hint: "use starttls or implicit",
		})
	}
	l.conn = conn
	l.stop = context.AfterFunc(l.ctx, func() { conn.Close() })
	return nil
}

// handshake starts implicit TLS on the dialled connection.
func (l *link) handshake(tc *tls.Config) (*tls.Conn, error) {
	tconn := tls.Client(l.conn, tc)
	if err := tconn.HandshakeContext(l.ctx); err != nil {
		return nil, l.fail(StageTLS, "", err)
	}
	return tconn, nil
}

// close releases the connection and the context. The protocol clients close the same
// connection too; closing twice is harmless.
func (l *link) close() {
	if l.stop != nil {
		l.stop()
	}
	if l.conn != nil {
		l.conn.Close()
	}
	l.cancel()
}

// fail builds the classified error for a failure at stage. Once the context has ended, a
// failure without a server reply is the closed connection, so the context's end is the cause
// worth reporting.
func (l *link) fail(stage Stage, subject string, err error) error {
	if l.ctx.Err() != nil && !isReply(err) {
		err = l.interruption()
	}
	e := classify(&Error{Server: l.server, Stage: stage, subject: subject, Err: err}, l.hints)
	if stage == StageConnect && l.conn != nil && l.mode != TLSImplicit && e.Hint == "" &&
		errors.Is(err, context.DeadlineExceeded) {
		e.Hint = l.hints.silent
	}
	return e
}

func (l *link) interruption() error {
	if err := l.parent.Err(); err != nil {
		return fmt.Errorf("delivery interrupted: %w", err)
	}
	return fmt.Errorf("timed out after %s: %w", l.timeout, context.DeadlineExceeded)
}

// configError is a permanent failure found before connecting.
func configError(server, hint, format string, args ...any) error {
	return &Error{
		Server: server,
		Stage:  StageConfig,
		Hint:   hint,
		Err:    &policyError{msg: fmt.Sprintf(format, args...)},
	}
}

// checkTLSMode accepts the known modes, and none only for a loopback host.
func checkTLSMode(server, mode, host string) error {
	switch mode {
	case TLSStartTLS, TLSImplicit:
		return nil
	case TLSNone:
		if isLoopbackHost(host) {
			return nil
		}
		return configError(server, "use starttls or implicit",
			"tls none would send the password and the message in clear text, and is only allowed to localhost, 127.0.0.0/8 and ::1")
	}
	return configError(server, "use starttls, implicit or none", "unknown tls mode %q", mode)
}

// tlsConfig returns the client TLS configuration for host: base's settings (RootCAs, a
// different ServerName) with verification always on.
func tlsConfig(server string, base *tls.Config, host string) (*tls.Config, error) {
	tc := &tls.Config{}
	if base != nil {
		tc = base.Clone()
	}
	if tc.InsecureSkipVerify {
		return nil, configError(server, "add the server's CA to TLSConfig.RootCAs instead",
			"TLSConfig.InsecureSkipVerify is set: certificates are always verified")
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	return tc, nil
}

// isLoopbackHost reports whether host is "localhost" or a loopback address. Other names are
// not resolved here: what they point to can change, and dial checks the actual peer.
func isLoopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && a.Unmap().IsLoopback()
}

func peerIsLoopback(c net.Conn) bool {
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// fetchSecret gets the password or token for user. Its errors keep the secret source's own
// classification (a failing password command may work later, a missing file will not); an
// empty secret is permanent.
func fetchSecret(l *link, user string, get func(context.Context) (string, error)) (string, error) {
	secret, err := get(l.ctx)
	if err == nil && secret == "" {
		err = &policyError{msg: "the password source returned an empty secret", hint: "check the password source"}
	}
	if err != nil {
		if l.ctx.Err() != nil {
			err = l.interruption()
		}
		var p *policyError
		e := &Error{Server: l.server, Stage: StageAuth, subject: user, Err: err, temporary: Temporary(err)}
		if errors.As(err, &p) {
			e.temporary, e.Hint = false, p.hint
		}
		return "", e
	}
	return secret, nil
}
