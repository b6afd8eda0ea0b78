package weblink

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is a fixed key for tests only; real keys come from LoadOrCreateKey.
var testKey = []byte("test-key-0123456789-abcdefghijklmnop")

// testNow is a Monday; a 72h snooze from it ends on Thursday 12 March.
var testNow = time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)

const testBase = "https://digest.school.example.edu"

func testSigner() *Signer {
	return &Signer{Key: testKey, BaseURL: testBase, Now: func() time.Time { return testNow }}
}

func testClaims(a Action) Claims {
	c := Claims{
		Recipient: "jo.reader@school.example.edu",
		Thread:    "t0123456789abcdef",
		Action:    a,
		Expires:   testNow.Add(Lifetime),
	}
	if a == ActionSnooze {
		c.Snooze = 72 * time.Hour
	}
	return c
}

// mustToken returns the token part of the link for c.
func mustToken(t testing.TB, s *Signer, c Claims) string {
	t.Helper()
	u, err := s.URL(c)
	if err != nil {
		t.Fatalf("URL(%+v): %v", c, err)
	}
	tok, ok := strings.CutPrefix(u, strings.TrimSuffix(s.BaseURL, "/")+"/l/")
	if !ok {
		t.Fatalf("URL(%+v) = %q; want prefix %q", c, u, s.BaseURL+"/l/")
	}
	return tok
}

// withPayload returns tok with its payload replaced and its signature kept: what an attacker
// without the key can do.
func withPayload(t testing.TB, tok string, c Claims) string {
	t.Helper()
	_, mac, ok := strings.Cut(tok, ".")
	if !ok {
		t.Fatalf("token %q has no separator", tok)
	}
	return b64.EncodeToString(encodePayload(c)) + "." + mac
}

// fakeStore records what the handler asks of it. It implements Previewer.
type fakeStore struct {
	subject string
	err     error // returned by Apply

	mu       sync.Mutex
	applied  []Claims
	previews int
}

func (f *fakeStore) Apply(ctx context.Context, c Claims) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, c)
	return f.subject, f.err
}

func (f *fakeStore) Subject(ctx context.Context, c Claims) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previews++
	if f.subject == "" {
		return "", errors.New("no such thread")
	}
	return f.subject, nil
}

func (f *fakeStore) appliedClaims() []Claims {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Claims(nil), f.applied...)
}

// applyOnly hides fakeStore's Subject method: a Store that is not a Previewer.
type applyOnly struct{ Store }

// syncBuffer collects log output from server goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
