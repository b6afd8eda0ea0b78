package webui

import (
	"strings"
	"testing"
	"time"
)

func TestSessionCookie(t *testing.T) {
	key := sessionKey(secret, "$2a$10$hash")
	s, cookie := newSession("jane@x.example", key, now, time.Hour)
	check := func(c string, k []byte, at time.Time) error {
		_, payload, mac, err := parseSession(c)
		if err != nil {
			return err
		}
		_, err = verifySession(payload, mac, k, at)
		return err
	}
	if err := check(cookie, key, now.Add(59*time.Minute)); err != nil {
		t.Fatalf("fresh session refused: %v", err)
	}
	addr, _, _, _ := parseSession(cookie)
	if addr != "jane@x.example" {
		t.Errorf("address = %q", addr)
	}
	// Flip one character of the payload: the address or expiry cannot be edited.
	tampered := []byte(cookie)
	tampered[5] ^= 1
	for name, tc := range map[string]struct {
		cookie string
		key    []byte
		at     time.Time
	}{
		"expired":          {cookie, key, now.Add(time.Hour)},
		"tampered":         {string(tampered), key, now},
		"password changed": {cookie, sessionKey(secret, "$2a$10$other"), now},
		"other secret":     {cookie, sessionKey([]byte("another secret, just as long!!!"), "$2a$10$hash"), now},
		"no signature":     {strings.Split(cookie, ".")[0], key, now},
		"empty":            {"", key, now},
		"garbage":          {"!!.??", key, now},
		"short payload":    {"AQ.AA", key, now},
	} {
		if err := check(tc.cookie, tc.key, tc.at); err == nil {
			t.Errorf("%s: session accepted", name)
		}
	}
	// The CSRF token belongs to its session.
	other, _ := newSession("jane@x.example", key, now, time.Hour)
	if !s.checkCSRF(s.csrf()) || s.checkCSRF(other.csrf()) || s.checkCSRF("") {
		t.Error("CSRF tokens are not bound to their session")
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/flagged":              "/flagged",
		"/t/abc?x=1#m-2":        "/t/abc?x=1#m-2",
		"//evil.example/":       "",
		"/\\evil.example":       "",
		"https://evil.example/": "",
		"flagged":               "",
		"/a\r\nSet-Cookie: x":   "",
		"":                      "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	var l limiter
	for i := 0; i < maxFailures; i++ {
		if !l.allowed("192.0.2.1", now) {
			t.Fatalf("refused after %d failures", i)
		}
		l.fail("192.0.2.1", now)
	}
	if l.allowed("192.0.2.1", now.Add(time.Minute)) {
		t.Error("allowed after too many failures")
	}
	if !l.allowed("192.0.2.2", now) {
		t.Error("another client is refused")
	}
	if !l.allowed("192.0.2.1", now.Add(failureWindow)) {
		t.Error("still refused after the window")
	}
}
