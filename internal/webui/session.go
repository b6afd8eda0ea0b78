package webui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A session is a signed cookie, not a server-side row: nothing to store, expire or clean up,
// and a restart logs nobody out. The cookie holds the reader's address, an expiry and a random
// nonce, MACed with a key derived from the daemon's secret and the reader's password hash, so
// that changing a password (or the key file) ends every session made with the old one.
//
//	base64url(version | expires uvarint | nonce[16] | address) "." base64url(HMAC-SHA-256)
//
// The CSRF token of a session is HMAC(session key, "csrf" | nonce): forms carry it, and a POST
// without the token of the cookie that came with it is refused. Cross-origin POSTs are also
// refused earlier by the browser's Fetch metadata (http.CrossOriginProtection).

const (
	sessionVersion = 1
	nonceSize      = 16
)

// session is a verified session cookie.
type session struct {
	Address string
	Expires time.Time
	nonce   []byte
	key     []byte
}

// csrf returns the token forms of this session must carry.
func (s *session) csrf() string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf\x00"))
	m.Write(s.nonce)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF compares in constant time.
func (s *session) checkCSRF(token string) bool {
	return hmac.Equal([]byte(token), []byte(s.csrf()))
}

// sessionKey derives the MAC key of a reader's sessions from the daemon secret and the
// reader's password hash ("" where no login is needed).
func sessionKey(secret []byte, passwordHash string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("listdigest web session\x00"))
	m.Write([]byte(passwordHash))
	return m.Sum(nil)
}

// newSession mints a session for address, valid for ttl.
func newSession(address string, key []byte, now time.Time, ttl time.Duration) (*session, string) {
	nonce := make([]byte, nonceSize)
	rand.Read(nonce) // never fails (crypto/rand panics instead)
	s := &session{Address: address, Expires: now.Add(ttl).Truncate(time.Second), nonce: nonce, key: key}
	payload := []byte{sessionVersion}
	payload = binary.AppendUvarint(payload, uint64(s.Expires.Unix()))
	payload = append(payload, nonce...)
	payload = append(payload, address...)
	return s, encodeSigned(payload, key)
}

func encodeSigned(payload, key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var errBadSession = errors.New("invalid or expired session")

// parseSession reads the address a cookie claims, without trusting it: the caller looks the
// reader up to find the key, then calls verifySession.
func parseSession(cookie string) (address string, payload, mac []byte, err error) {
	p, m, ok := strings.Cut(cookie, ".")
	if !ok {
		return "", nil, nil, errBadSession
	}
	if payload, err = base64.RawURLEncoding.DecodeString(p); err != nil {
		return "", nil, nil, errBadSession
	}
	if mac, err = base64.RawURLEncoding.DecodeString(m); err != nil {
		return "", nil, nil, errBadSession
	}
	if len(payload) < 2 || payload[0] != sessionVersion {
		return "", nil, nil, errBadSession
	}
	_, n := binary.Uvarint(payload[1:])
	if n <= 0 || len(payload) < 1+n+nonceSize {
		return "", nil, nil, errBadSession
	}
	return string(payload[1+n+nonceSize:]), payload, mac, nil
}

// verifySession checks the MAC with key and the expiry.
func verifySession(payload, mac, key []byte, now time.Time) (*session, error) {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, errBadSession
	}
	exp, n := binary.Uvarint(payload[1:])
	s := &session{
		Expires: time.Unix(int64(exp), 0),
		nonce:   payload[1+n : 1+n+nonceSize],
		Address: string(payload[1+n+nonceSize:]),
		key:     key,
	}
	if !now.Before(s.Expires) {
		return nil, errBadSession
	}
	return s, nil
}

// limiter slows password guessing: after maxFailures failed logins from one client address
// within failureWindow, that address is refused until the window has passed. bcrypt's cost
// already makes each guess slow; this bounds how many a client gets.
type limiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

// allowed reports whether client may try a password now.
func (l *limiter) allowed(client string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(client, now)) < maxFailures
}

func (l *limiter) fail(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == nil {
		l.failures = map[string][]time.Time{}
	}
	l.failures[client] = append(l.recent(client, now), now)
	if len(l.failures) > 10000 { // bound memory under a spray from many addresses
		for c := range l.failures {
			if len(l.recent(c, now)) == 0 {
				delete(l.failures, c)
			}
		}
	}
}

func (l *limiter) succeed(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, client)
}

// recent drops failures older than the window; l.mu is held.
func (l *limiter) recent(client string, now time.Time) []time.Time {
	fs := l.failures[client]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= failureWindow {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, client)
		return nil
	}
	l.failures[client] = fs
	return fs
}

// clientAddr is the address failures are counted against: the connection's peer. Behind a
// reverse proxy that is the proxy, which then limits everyone together: safe, if strict.
func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return host
}
