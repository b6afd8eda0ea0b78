package weblink

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewServerTimeouts(t *testing.T) {
	srv := NewServer("127.0.0.1:0", http.NotFoundHandler())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout":       srv.ReadTimeout,
		"WriteTimeout":      srv.WriteTimeout,
		"IdleTimeout":       srv.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("NewServer().%s = %v; want > 0", name, d)
		}
	}
	if srv.WriteTimeout <= applyTimeout {
		t.Errorf("NewServer().WriteTimeout = %v; want more than applyTimeout %v", srv.WriteTimeout, applyTimeout)
	}
}

// TestServerRoundTrip runs the reader's path over a real connection: make the link, GET it
// as a scanner or browser would (nothing happens), then press the button (POST).
func TestServerRoundTrip(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := testSigner()
	s.BaseURL = "http://" + ln.Addr().String()
	fs := &fakeStore{subject: testSubject}
	srv := NewServer(ln.Addr().String(), Handler(s, fs, slog.New(slog.NewTextHandler(t.Output(), nil))))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v; want http.ErrServerClosed", err)
		}
	})

	link, err := s.URL(testClaims(ActionFlag))
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}

	code, body := fetch(t, client, "GET", link)
	if code != 200 || !strings.Contains(body, `<form method="post">`) {
		t.Fatalf("GET link = %d; want 200 with the form:\n%s", code, body)
	}
	if n := len(fs.appliedClaims()); n != 0 {
		t.Fatalf("GET link applied %d times; want 0", n)
	}

	// The form has no action, so a browser posts to the page's own URL.
	code, body = fetch(t, client, "POST", link)
	if code != 200 || !strings.Contains(body, "Flagged.") {
		t.Errorf("POST link = %d; want 200 with Flagged.:\n%s", code, body)
	}
	if got := fs.appliedClaims(); len(got) != 1 || got[0] != testClaims(ActionFlag) {
		t.Errorf("POST link applied %+v; want the link's claims once", got)
	}

	if code, body = fetch(t, client, "GET", s.BaseURL+"/healthz"); code != 200 || body != "ok" {
		t.Errorf("GET /healthz = %d %q; want 200 \"ok\"", code, body)
	}
}

func fetch(t *testing.T, c *http.Client, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}
