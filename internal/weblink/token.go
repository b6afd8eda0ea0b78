package weblink

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Action is what a link does to its thread, for its recipient.
type Action string

// The actions a link can carry. Verify refuses any other.
const (
	// ActionFlag flags the thread for follow-up.
	ActionFlag Action = "flag"
	// ActionDone marks the thread's follow-up as done.
	ActionDone Action = "done"
	// ActionSnooze puts the thread's follow-up off for Claims.Snooze.
	ActionSnooze Action = "snooze"
)

// Claims is what a link carries. All of it is covered by the signature.
type Claims struct {
	// Recipient is the reader the link was made for; the action applies to their flags only.
	Recipient string
	// Thread is the public thread id (store.ThreadKey).
	Thread string
	// Action is what the link does.
	Action Action
	// Expires is when the link stops working. URL carries it to the second (rounding down);
	// Verify returns it in UTC.
	Expires time.Time
	// Snooze is how long an ActionSnooze link puts the thread off, e.g. 72h, in whole seconds
	// (rounded down). It must be zero for the other actions.
	Snooze time.Duration
}

// Errors from Verify, to tell apart with errors.Is. Verify wraps them with detail that is
// safe to log: it never contains the token.
var (
	// ErrMalformed means the token is not one URL could have made: truncated, not canonical
	// base64, an unknown payload version or action, or claims out of range.
	ErrMalformed = errors.New("malformed link token")
	// ErrBadSignature means the token's MAC does not match its payload: it was edited, or
	// made with another key.
	ErrBadSignature = errors.New("link token signature does not match")
	// ErrExpired means the token is authentic but its Expires has passed.
	ErrExpired = errors.New("link token expired")
	// ErrKeyTooShort means the Signer's key (or the key file) has fewer than MinKeyLen bytes.
	ErrKeyTooShort = errors.New("link key too short")
)

const (
	// MinKeyLen is the shortest key a Signer accepts, in bytes: the HMAC-SHA-256 output size.
	MinKeyLen = 32
	// Lifetime is how long digest links are meant to last: the daemon sets Claims.Expires to
	// the digest's time plus Lifetime, and the expired page quotes it.
	Lifetime = 30 * 24 * time.Hour
)

// Limits on the claims. They keep tokens short and bound the work Verify does for a request.
const (
	payloadVersion  = 1
	maxThreadLen    = 255
	maxRecipientLen = 320 // RFC 3696: 64 local part + "@" + 255 domain
	maxSnooze       = 366 * 24 * time.Hour
	maxTokenLen     = 1024
)

// actionCodes are the one-byte payload codes of the actions.
var actionCodes = map[Action]byte{ActionFlag: 'f', ActionDone: 'd', ActionSnooze: 's'}

// b64 is the token alphabet: URL-safe so tokens need no escaping in a path, unpadded since
// the separator already delimits the parts.
var b64 = base64.RawURLEncoding

// Signer makes and checks links.
type Signer struct {
	// Key is the HMAC key, at least MinKeyLen random bytes; see LoadOrCreateKey.
	Key []byte
	// BaseURL is the public base of the handler, e.g. https://digest.school.example.edu.
	// A trailing slash is ignored.
	BaseURL string
	// Now returns the current time; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
}

// URL returns the link for c: BaseURL + "/l/" + token. It refuses a short key, a BaseURL that
// is not an absolute http(s) URL, and claims Verify would refuse, including an Expires that
// is not in the future.
func (s *Signer) URL(c Claims) (string, error) {
	if err := s.checkKey(); err != nil {
		return "", err
	}
	base, err := s.base()
	if err != nil {
		return "", err
	}
	if err := c.check(); err != nil {
		return "", fmt.Errorf("link claims: %w", err)
	}
	if c.expired(s.now()) {
		return "", fmt.Errorf("link claims: expires %s is not in the future", c.Expires.UTC().Format(time.RFC3339))
	}
	return base + "/l/" + s.sign(encodePayload(c)), nil
}

// Verify checks token and returns its claims. Errors wrap ErrMalformed, ErrBadSignature,
// ErrExpired or ErrKeyTooShort. With ErrExpired the authentic claims are returned too, so a
// caller can say what expired; with any other error the claims are zero.
func (s *Signer) Verify(token string) (Claims, error) {
	if err := s.checkKey(); err != nil {
		return Claims{}, err
	}
	payload, mac, err := split(token)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	// Authenticate before parsing: everything past this line has been signed with our key.
	if !hmac.Equal(mac, s.mac(payload)) {
		return Claims{}, ErrBadSignature
	}
	c, err := decodePayload(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if c.expired(s.now()) {
		return c, fmt.Errorf("%w at %s", ErrExpired, c.Expires.Format(time.RFC3339))
	}
	return c, nil
}

func (s *Signer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Signer) checkKey() error {
	if len(s.Key) < MinKeyLen {
		return fmt.Errorf("%w: %d bytes, need at least %d", ErrKeyTooShort, len(s.Key), MinKeyLen)
	}
	return nil
}

// base validates BaseURL, since a wrong one makes every link in a digest useless.
func (s *Signer) base() (string, error) {
	u, err := url.Parse(s.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("link base URL %q: want an absolute http(s) URL without query or fragment", s.BaseURL)
	}
	return strings.TrimSuffix(s.BaseURL, "/"), nil
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write(payload)
	return m.Sum(nil)
}

// sign returns the token for payload. It does not check the payload, so tests can sign
// payloads URL would refuse.
func (s *Signer) sign(payload []byte) string {
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(s.mac(payload))
}

// split decodes the two halves of a token.
func split(token string) (payload, mac []byte, err error) {
	if len(token) > maxTokenLen {
		return nil, nil, fmt.Errorf("token is %d bytes, at most %d", len(token), maxTokenLen)
	}
	p, m, ok := strings.Cut(token, ".")
	if !ok {
		return nil, nil, errors.New("no separator")
	}
	if payload, err = decodeCanonical(p); err != nil {
		return nil, nil, fmt.Errorf("payload: %w", err)
	}
	if mac, err = decodeCanonical(m); err != nil {
		return nil, nil, fmt.Errorf("signature: %w", err)
	}
	if len(mac) != sha256.Size {
		return nil, nil, fmt.Errorf("signature is %d bytes, want %d", len(mac), sha256.Size)
	}
	return payload, mac, nil
}

// decodeCanonical decodes s and insists that it is the only encoding of its bytes: the
// decoder skips newlines and ignores the spare bits of the last character, so without this
// several strings would verify as the same token.
func decodeCanonical(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if b64.EncodeToString(b) != s {
		return nil, errors.New("not canonical base64")
	}
	return b, nil
}

func encodePayload(c Claims) []byte {
	b := make([]byte, 0, 2+3*binary.MaxVarintLen64+len(c.Thread)+len(c.Recipient))
	b = append(b, payloadVersion, actionCodes[c.Action])
	b = binary.AppendUvarint(b, uint64(c.Expires.Unix()))
	b = binary.AppendUvarint(b, uint64(c.Snooze/time.Second))
	b = binary.AppendUvarint(b, uint64(len(c.Thread)))
	b = append(b, c.Thread...)
	return append(b, c.Recipient...)
}

// decodePayload is the inverse of encodePayload. It is only called on authenticated payloads;
// its checks guard against our own bugs and payloads from other versions.
func decodePayload(p []byte) (Claims, error) {
	if len(p) < 2 {
		return Claims{}, fmt.Errorf("payload is %d bytes", len(p))
	}
	if p[0] != payloadVersion {
		return Claims{}, fmt.Errorf("payload version %d", p[0])
	}
	action, ok := actionOf(p[1])
	if !ok {
		return Claims{}, fmt.Errorf("unknown action code %#x", p[1])
	}
	expires, snooze, threadLen, rest, err := uvarints3(p[2:])
	if err != nil {
		return Claims{}, err
	}
	if expires > math.MaxInt64 || snooze > uint64(maxSnooze/time.Second) || threadLen > uint64(len(rest)) {
		return Claims{}, errors.New("field out of range")
	}
	c := Claims{
		Action:    action,
		Expires:   time.Unix(int64(expires), 0).UTC(),
		Snooze:    time.Duration(snooze) * time.Second,
		Thread:    string(rest[:threadLen]),
		Recipient: string(rest[threadLen:]),
	}
	if err := c.check(); err != nil {
		return Claims{}, err
	}
	if !bytes.Equal(encodePayload(c), p) {
		return Claims{}, errors.New("payload not canonical")
	}
	return c, nil
}

// uvarints3 reads the payload's three numbers and returns what follows them.
func uvarints3(b []byte) (x, y, z uint64, rest []byte, err error) {
	var v [3]uint64
	for i := range v {
		n := 0
		v[i], n = binary.Uvarint(b)
		if n <= 0 {
			return 0, 0, 0, nil, errors.New("bad number in payload")
		}
		b = b[n:]
	}
	return v[0], v[1], v[2], b, nil
}

func actionOf(code byte) (Action, bool) {
	for a, c := range actionCodes {
		if c == code {
			return a, true
		}
	}
	return "", false
}

// check reports claims that cannot be encoded or that no digest should carry. The messages
// name the field but never its value, which may be an address.
func (c Claims) check() error {
	if _, ok := actionCodes[c.Action]; !ok {
		return fmt.Errorf("unknown action %q", c.Action)
	}
	if err := checkString("recipient", c.Recipient, maxRecipientLen); err != nil {
		return err
	}
	if err := checkString("thread", c.Thread, maxThreadLen); err != nil {
		return err
	}
	if c.Expires.Unix() <= 0 {
		return errors.New("expires is not after 1970")
	}
	return c.checkSnooze()
}

func (c Claims) checkSnooze() error {
	if c.Action != ActionSnooze {
		if c.Snooze != 0 {
			return fmt.Errorf("snooze set on a %q link", c.Action)
		}
		return nil
	}
	if c.Snooze < time.Second || c.Snooze > maxSnooze {
		return fmt.Errorf("snooze %s out of range [1s, %s]", c.Snooze, maxSnooze)
	}
	return nil
}

func checkString(field, s string, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("%s is empty", field)
	case len(s) > max:
		return fmt.Errorf("%s is %d bytes, at most %d", field, len(s), max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8", field)
	case strings.ContainsFunc(s, unicode.IsControl):
		// Ids and addresses never hold them, and they would end up in logs and the store.
		return fmt.Errorf("%s has control characters", field)
	}
	return nil
}

// expired compares at the precision the token carries, so a link is never valid when made
// and expired when checked within the same second.
func (c Claims) expired(now time.Time) bool {
	return now.Unix() >= c.Expires.Unix()
}
