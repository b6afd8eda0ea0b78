package weblink

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestURLRoundTrip(t *testing.T) {
	long := strings.Repeat("t", maxThreadLen)
	tests := []struct {
		name string
		c    Claims
	}{
		{"flag", testClaims(ActionFlag)},
		{"done", testClaims(ActionDone)},
		{"snooze", testClaims(ActionSnooze)},
		{"non-ASCII recipient", Claims{Recipient: "zoë.müller@bücherei.example.de", Thread: "t1", Action: ActionFlag, Expires: testNow.Add(time.Hour)}},
		{"longest thread", Claims{Recipient: "a@b", Thread: long, Action: ActionSnooze, Expires: testNow.Add(time.Second), Snooze: maxSnooze}},
		{"recipient with separators", Claims{Recipient: "x.y|z/../@a.b", Thread: "t.1/2", Action: ActionDone, Expires: testNow.Add(Lifetime)}},
	}
	s := testSigner()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := mustToken(t, s, tt.c)
			if strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
				t.Errorf("URL(%+v) token %q has characters outside base64url and '.'", tt.c, tok)
			}
			got, err := s.Verify(tok)
			if err != nil {
				t.Fatalf("Verify(URL(%+v)) error: %v", tt.c, err)
			}
			if got != tt.c {
				t.Errorf("Verify(URL(c)) = %+v; want %+v", got, tt.c)
			}
		})
	}
}

func TestURLCompact(t *testing.T) {
	s := testSigner()
	u, err := s.URL(testClaims(ActionSnooze))
	if err != nil {
		t.Fatal(err)
	}
	// Link rows in the digest should stay comfortably short.
	if len(u) > 180 {
		t.Errorf("URL(snooze) = %q (%d bytes); want at most 180", u, len(u))
	}
	t.Logf("%s (%d bytes)", u, len(u))
}

func TestURLPrecision(t *testing.T) {
	s := testSigner()
	c := testClaims(ActionSnooze)
	c.Expires = testNow.Add(Lifetime + 999*time.Millisecond).In(time.FixedZone("AEDT", 11*3600))
	c.Snooze = 72*time.Hour + 500*time.Millisecond
	got, err := s.Verify(mustToken(t, s, c))
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(Lifetime); !got.Expires.Equal(want) || got.Expires.Location() != time.UTC {
		t.Errorf("Verify(URL(c)).Expires = %v; want %v in UTC", got.Expires, want)
	}
	if got.Snooze != 72*time.Hour {
		t.Errorf("Verify(URL(c)).Snooze = %v; want 72h", got.Snooze)
	}
}

func TestURLBase(t *testing.T) {
	tests := []struct {
		base    string
		want    string // prefix; "" means an error
		wantErr bool
	}{
		{base: "https://digest.example.edu", want: "https://digest.example.edu/l/"},
		{base: "https://digest.example.edu/", want: "https://digest.example.edu/l/"},
		{base: "https://example.edu/listdigest", want: "https://example.edu/listdigest/l/"},
		{base: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/l/"},
		{base: "", wantErr: true},
		{base: "digest.example.edu", wantErr: true},
		{base: "/relative", wantErr: true},
		{base: "ftp://digest.example.edu", wantErr: true},
		{base: "https://digest.example.edu/?x=1", wantErr: true},
		{base: "https://digest.example.edu/#top", wantErr: true},
		{base: "https://user:pw@digest.example.edu", wantErr: true},
	}
	for _, tt := range tests {
		s := testSigner()
		s.BaseURL = tt.base
		got, err := s.URL(testClaims(ActionFlag))
		switch {
		case tt.wantErr && err == nil:
			t.Errorf("URL with BaseURL %q = %q; want error", tt.base, got)
		case !tt.wantErr && err != nil:
			t.Errorf("URL with BaseURL %q error: %v", tt.base, err)
		case !tt.wantErr && !strings.HasPrefix(got, tt.want):
			t.Errorf("URL with BaseURL %q = %q; want prefix %q", tt.base, got, tt.want)
		}
	}
}

func TestURLRefuses(t *testing.T) {
	mod := func(f func(*Claims)) Claims {
		c := testClaims(ActionFlag)
		f(&c)
		return c
	}
	tests := []struct {
		name string
		c    Claims
	}{
		{"unknown action", mod(func(c *Claims) { c.Action = "delete" })},
		{"empty action", mod(func(c *Claims) { c.Action = "" })},
		{"empty recipient", mod(func(c *Claims) { c.Recipient = "" })},
		{"empty thread", mod(func(c *Claims) { c.Thread = "" })},
		{"thread too long", mod(func(c *Claims) { c.Thread = strings.Repeat("t", maxThreadLen+1) })},
		{"recipient too long", mod(func(c *Claims) { c.Recipient = strings.Repeat("r", maxRecipientLen+1) })},
		{"recipient not UTF-8", mod(func(c *Claims) { c.Recipient = "jo\xff@example.edu" })},
		{"recipient with NUL", mod(func(c *Claims) { c.Recipient = "jo@example.edu\x00" })},
		{"thread with newline", mod(func(c *Claims) { c.Thread = "t1\nt2" })},
		{"zero expires", mod(func(c *Claims) { c.Expires = time.Time{} })},
		{"already expired", mod(func(c *Claims) { c.Expires = testNow.Add(-time.Hour) })},
		{"expires now", mod(func(c *Claims) { c.Expires = testNow })},
		{"expires within the second", mod(func(c *Claims) { c.Expires = testNow.Add(500 * time.Millisecond) })},
		{"snooze on a flag link", mod(func(c *Claims) { c.Snooze = time.Hour })},
		{"snooze without duration", mod(func(c *Claims) { c.Action = ActionSnooze })},
		{"negative snooze", mod(func(c *Claims) { c.Action, c.Snooze = ActionSnooze, -time.Hour })},
		{"sub-second snooze", mod(func(c *Claims) { c.Action, c.Snooze = ActionSnooze, time.Millisecond })},
		{"snooze too long", mod(func(c *Claims) { c.Action, c.Snooze = ActionSnooze, maxSnooze+time.Second })},
	}
	s := testSigner()
	for _, tt := range tests {
		if got, err := s.URL(tt.c); err == nil {
			t.Errorf("URL(%s) = %q; want error", tt.name, got)
		}
	}
}

func TestShortKeyRefused(t *testing.T) {
	good := mustToken(t, testSigner(), testClaims(ActionFlag))
	for _, n := range []int{0, 1, 16, MinKeyLen - 1} {
		s := testSigner()
		s.Key = testKey[:n]
		if _, err := s.URL(testClaims(ActionFlag)); !errors.Is(err, ErrKeyTooShort) {
			t.Errorf("URL with %d-byte key error = %v; want ErrKeyTooShort", n, err)
		}
		if _, err := s.Verify(good); !errors.Is(err, ErrKeyTooShort) {
			t.Errorf("Verify with %d-byte key error = %v; want ErrKeyTooShort", n, err)
		}
	}
	s := testSigner()
	s.Key = testKey[:MinKeyLen]
	if _, err := s.URL(testClaims(ActionFlag)); err != nil {
		t.Errorf("URL with %d-byte key error: %v", MinKeyLen, err)
	}
}

func TestVerifyErrors(t *testing.T) {
	s := testSigner()
	flag := testClaims(ActionFlag)
	good := mustToken(t, s, flag)
	payload, mac, _ := strings.Cut(good, ".")

	otherKey := testSigner()
	otherKey.Key = []byte(strings.Repeat("k", MinKeyLen))

	badAction := encodePayload(flag)
	badAction[1] = 'x'
	badVersion := encodePayload(flag)
	badVersion[0] = 2
	trailing := append(encodePayload(flag), 0)
	expired := flag
	expired.Expires = testNow.Add(-time.Second)
	// The same claims with snooze 0 written as an overlong varint: it decodes, but is not
	// the one encoding URL makes.
	overlong := binary.AppendUvarint([]byte{payloadVersion, 'f'}, uint64(flag.Expires.Unix()))
	overlong = append(overlong, 0x80, 0x00, byte(len(flag.Thread)))
	overlong = append(append(overlong, flag.Thread...), flag.Recipient...)

	swap := func(f func(*Claims)) string {
		c := flag
		f(&c)
		return withPayload(t, good, c)
	}

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrMalformed},
		{"no separator", payload + mac, ErrMalformed},
		{"payload only", payload, ErrMalformed},
		{"two separators", good + ".x", ErrMalformed},
		{"truncated signature", good[:len(good)-1], ErrMalformed},
		{"truncated at separator", payload + ".", ErrMalformed},
		{"truncated payload, not canonical", payload[:len(payload)-1] + "." + mac, ErrMalformed},
		{"truncated payload, canonical", payload[:len(payload)-4] + "." + mac, ErrBadSignature},
		{"padding added", good + "=", ErrMalformed},
		{"newline inserted", payload[:5] + "\n" + payload[5:] + "." + mac, ErrMalformed},
		{"standard base64 alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+", ErrMalformed},
		{"too long", strings.Repeat("A", maxTokenLen) + "." + mac, ErrMalformed},
		{"signature flipped", payload + "." + flipChar(mac, 3), ErrBadSignature},
		{"signature of other payload", payload + "." + strings.SplitN(mustToken(t, s, testClaims(ActionDone)), ".", 2)[1], ErrBadSignature},
		{"thread swapped", swap(func(c *Claims) { c.Thread = "tfedcba9876543210" }), ErrBadSignature},
		{"recipient swapped", swap(func(c *Claims) { c.Recipient = "head@school.example.edu" }), ErrBadSignature},
		{"action swapped", swap(func(c *Claims) { c.Action = ActionDone }), ErrBadSignature},
		{"expiry extended", swap(func(c *Claims) { c.Expires = c.Expires.Add(365 * 24 * time.Hour) }), ErrBadSignature},
		{"other key", mustToken(t, otherKey, flag), ErrBadSignature},
		{"unknown action, signed", s.sign(badAction), ErrMalformed},
		{"unknown version, signed", s.sign(badVersion), ErrMalformed},
		{"trailing byte, signed", s.sign(trailing), ErrMalformed},
		{"overlong varint, signed", s.sign(overlong), ErrMalformed},
		{"empty payload, signed", s.sign(nil), ErrMalformed},
		{"expired", s.sign(encodePayload(expired)), ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Verify(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify(%q) error = %v; want %v", tt.token, err, tt.want)
			}
			if tt.want != ErrExpired && got != (Claims{}) {
				t.Errorf("Verify(%q) claims = %+v; want zero with an error", tt.token, got)
			}
			if tt.token != "" && strings.Contains(err.Error(), tt.token) {
				t.Errorf("Verify(%q) error %q contains the token", tt.token, err)
			}
		})
	}
}

func TestVerifyExpiredReturnsClaims(t *testing.T) {
	s := testSigner()
	c := testClaims(ActionDone)
	tok := mustToken(t, s, c)
	later := *s
	later.Now = func() time.Time { return c.Expires }
	got, err := later.Verify(tok)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Verify at Expires error = %v; want ErrExpired", err)
	}
	if got != c {
		t.Errorf("Verify at Expires claims = %+v; want %+v", got, c)
	}
	later.Now = func() time.Time { return c.Expires.Add(-time.Second) }
	if _, err := later.Verify(tok); err != nil {
		t.Errorf("Verify a second before Expires error: %v", err)
	}
}

// TestVerifyRejectsEveryEdit makes every single-character substitution, deletion and
// insertion of a valid token: none may verify.
func TestVerifyRejectsEveryEdit(t *testing.T) {
	s := testSigner()
	tok := mustToken(t, s, testClaims(ActionSnooze))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/\n %"
	n := 0
	try := func(edited string) {
		n++
		if edited == tok {
			return
		}
		if c, err := s.Verify(edited); err == nil {
			t.Errorf("Verify(%q) = %+v; want an error for an edited token", edited, c)
		}
	}
	for i := 0; i <= len(tok); i++ {
		for _, r := range alphabet {
			if i < len(tok) {
				try(tok[:i] + string(r) + tok[i+1:])
			}
			try(tok[:i] + string(r) + tok[i:])
		}
		if i < len(tok) {
			try(tok[:i] + tok[i+1:])
		}
	}
	t.Logf("%d edits of a %d-byte token refused", n, len(tok))
}

// flipChar replaces s[i] with another base64url character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
