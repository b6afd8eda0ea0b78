// Package imapsync copies list mail from IMAP folders into the store, incrementally and
// without changing the reader's mailbox: folders are opened read-only (EXAMINE) and bodies
// fetched with BODY.PEEK[], so no \Seen flag is ever set.
//
// Per folder, a checkpoint (UIDVALIDITY, last UID) is committed in the same transaction as the
// messages it covers. A sync searches for UIDs above the checkpoint, fetches them in batches as a
// stream (one body in memory at a time per batch item, batches bounded by count and bytes) and
// hands them to the ingest pipeline, which parses and stores while the next batch is fetched.
// A UIDVALIDITY change restarts the folder from UID 1; Message-ID deduplication means nothing is
// lost or doubled.
//
// go-imap has no per-command timeout, so a watchdog closes a connection that makes no progress
// for Account.Timeout. Errors are temporary (retry with capped exponential backoff) unless the
// server refused the credentials (ErrAuth), which stops that mailbox until its config changes.
package imapsync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
)

// ErrAuth marks a permanent authentication failure: retrying cannot help until the
// credentials or the configuration change.
var ErrAuth = errors.New("authentication failed")

// ErrConfig marks a configuration the sync cannot work with; like ErrAuth it is permanent.
var ErrConfig = errors.New("bad mailbox configuration")

// Account is what sync needs to know about one configured mailbox.
type Account struct {
	Name string
	// Addr is host:port.
	Addr string
	// TLS is "implicit", "starttls" or "none".
	TLS       string
	TLSConfig *tls.Config
	Username  string
	// Auth is "plain", "login" or "xoauth2".
	Auth string
	// Secret returns the password, or the OAuth token for xoauth2. It is called on every
	// login so that rotated secrets and short-lived tokens are picked up.
	Secret  func(ctx context.Context) (string, error)
	Folders []string
	// BatchSize is how many messages one UID FETCH asks for.
	BatchSize int
	// BatchBytes flushes a batch to the store early once it holds this many bytes.
	BatchBytes int64
	// Timeout is how long the connection may make no progress before the watchdog closes it.
	Timeout time.Duration
	// Idle waits for new mail with IDLE between scheduled syncs, when the server offers it.
	Idle bool
}

func (a *Account) batchSize() int {
	if a.BatchSize <= 0 {
		return 500
	}
	return a.BatchSize
}

func (a *Account) batchBytes() int64 {
	if a.BatchBytes <= 0 {
		return 8 << 20
	}
	return a.BatchBytes
}

func (a *Account) timeout() time.Duration {
	if a.Timeout <= 0 {
		return 2 * time.Minute
	}
	return a.Timeout
}

// conn is a logged-in client with its watchdog.
type conn struct {
	c        *imapclient.Client
	wd       *watchdog
	stopCtx  func() bool
	newMail  chan struct{}
	closeErr sync.Once
}

// watchdog closes the connection when nobody kicks it for d.
type watchdog struct {
	d     time.Duration
	t     *time.Timer
	fired atomic.Bool
}

func newWatchdog(d time.Duration, close func()) *watchdog {
	w := &watchdog{d: d}
	w.t = time.AfterFunc(d, func() {
		w.fired.Store(true)
		close()
	})
	return w
}

func (w *watchdog) kick() { w.t.Reset(w.d) }

// pause stops the watchdog while the connection is legitimately quiet (IDLE).
func (w *watchdog) pause() { w.t.Stop() }

// explain turns the error of a command cut by the watchdog into one that says so.
func (w *watchdog) explain(err error) error {
	if err != nil && w.fired.Load() {
		return fmt.Errorf("server made no progress for %s, connection closed: %w", w.d, err)
	}
	return err
}

// dial connects, waits for the greeting and logs in. The returned conn is closed by
// its close method, by the watchdog on a stall, or when ctx ends.
func dial(ctx context.Context, a *Account) (*conn, error) {
	switch a.TLS {
	case "implicit", "", "starttls", "none":
	default:
		return nil, fmt.Errorf("%w: unknown tls mode %q (use implicit, starttls or none)", ErrConfig, a.TLS)
	}
	cn := &conn{newMail: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		TLSConfig:   a.TLSConfig,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case cn.newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	// Dial the socket ourselves so that the watchdog also covers the greeting, the TLS
	// handshake and STARTTLS, which go-imap's Dial* functions block on without a deadline of ours.
	raw, err := (&net.Dialer{Timeout: a.timeout()}).DialContext(ctx, "tcp", a.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", a.Addr, err)
	}
	cn.wd = newWatchdog(a.timeout(), func() { raw.Close() })
	cn.stopCtx = context.AfterFunc(ctx, func() { raw.Close() })
	fail := func(what string, err error) (*conn, error) {
		cn.wd.pause()
		cn.stopCtx()
		raw.Close()
		return nil, fmt.Errorf("%s %s: %w", what, a.Addr, cn.wd.explain(err))
	}
	tc := a.TLSConfig.Clone()
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName, _, _ = net.SplitHostPort(a.Addr)
	}
	opts.TLSConfig = tc
	var c *imapclient.Client
	switch a.TLS {
	case "implicit", "":
		tc.NextProtos = []string{"imap"}
		conn := tls.Client(raw, tc)
		if err := conn.HandshakeContext(ctx); err != nil {
			return fail("TLS handshake with", err)
		}
		c = imapclient.New(conn, opts)
	case "starttls":
		if c, err = imapclient.NewStartTLS(raw, opts); err != nil {
			return fail("STARTTLS with", err)
		}
	case "none":
		c = imapclient.New(raw, opts)
	}
	cn.c = c
	cn.wd.kick()
	if err := c.WaitGreeting(); err != nil {
		cn.close()
		return nil, fmt.Errorf("greeting from %s: %w", a.Addr, cn.wd.explain(err))
	}
	if err := login(ctx, c, a); err != nil {
		cn.close()
		return nil, cn.wd.explain(err)
	}
	cn.wd.kick()
	return cn, nil
}

// broken reports whether the connection can no longer carry commands.
func (cn *conn) broken() bool {
	if cn.wd.fired.Load() || cn.c.State() == imap.ConnStateLogout {
		return true
	}
	select {
	case <-cn.c.Closed():
		return true
	default:
		return false
	}
}

func (cn *conn) close() {
	cn.closeErr.Do(func() {
		cn.wd.pause()
		cn.stopCtx()
		cn.c.Close()
	})
}

// logout ends the session politely, then closes.
func (cn *conn) logout() {
	cn.wd.kick()
	cn.c.Logout().Wait()
	cn.close()
}

func login(ctx context.Context, c *imapclient.Client, a *Account) error {
	secret, err := a.Secret(ctx)
	if err != nil {
		// A failing password command may work next time; a missing file or variable will not.
		var tmp interface{ Temporary() bool }
		if errors.As(err, &tmp) && tmp.Temporary() {
			return fmt.Errorf("read secret for %s: %w", a.Name, err)
		}
		return fmt.Errorf("%w: read secret for %s: %v", ErrConfig, a.Name, err)
	}
	switch a.Auth {
	case "login":
		err = c.Login(a.Username, secret).Wait()
	case "xoauth2":
		err = c.Authenticate(&xoauth2{user: a.Username, token: secret})
	case "plain", "":
		if c.Caps().Has(imap.AuthCap(sasl.Plain)) {
			err = c.Authenticate(sasl.NewPlainClient("", a.Username, secret))
		} else {
			err = c.Login(a.Username, secret).Wait()
		}
	default:
		return fmt.Errorf("%w: unknown auth mechanism %q (use plain, login or xoauth2)", ErrConfig, a.Auth)
	}
	if err != nil {
		if isAuthFailure(err) {
			return fmt.Errorf("%w: %s refused user %q: %v (check the username and password source)", ErrAuth, a.Addr, a.Username, err)
		}
		return fmt.Errorf("log in to %s: %w", a.Addr, err)
	}
	return nil
}

// isAuthFailure tells a refused login (NO, or a code saying so) from a broken connection.
func isAuthFailure(err error) bool {
	var ie *imap.Error
	if !errors.As(err, &ie) {
		return false
	}
	switch ie.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug:
		return false // the server says try later
	}
	return ie.Type == imap.StatusResponseTypeNo || ie.Type == imap.StatusResponseTypeBad
}

// xoauth2 is the SASL XOAUTH2 mechanism used by Gmail and Microsoft 365.
type xoauth2 struct {
	user, token string
}

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge with an empty response, as the mechanism requires;
// the server then fails the command with its error.
func (x *xoauth2) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil
}

// Permanent reports whether retrying cannot help until the configuration changes.
func Permanent(err error) bool {
	return errors.Is(err, ErrAuth) || errors.Is(err, ErrConfig)
}
