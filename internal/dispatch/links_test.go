package dispatch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"listdigest/internal/store"
	"listdigest/internal/weblink"
)

func TestDigestLinksFlagThroughHandler(t *testing.T) {
	loc, _ := time.LoadLocation("UTC")
	f := newFixture(t, "UTC", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	signer := &weblink.Signer{Key: []byte(strings.Repeat("k", 32)), Now: f.clk.Now}
	srv := httptest.NewServer(weblink.Handler(signer, LinkStore{Store: f.st, Now: f.clk.Now}, nil))
	defer srv.Close()
	signer.BaseURL = srv.URL
	f.d.Links = &Links{Signer: signer}
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, loc))
	f.run(t)
	if f.rec.count() != 1 {
		t.Fatal("no digest sent")
	}
	// The plain-text part carries "Flag: <url>"; quoted-printable may have wrapped it.
	text := strings.ReplaceAll(strings.ReplaceAll(string(f.rec.sent[0]), "=\r\n", ""), "=3D", "=")
	m := regexp.MustCompile(`Flag: (http://\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("digest has no flag link:\n%s", text)
	}
	link := m[1]
	flagged := func() int {
		fs, _ := f.st.Flags(context.Background(), "jo@school.example.edu", false)
		return len(fs)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || flagged() != 0 {
		t.Fatalf("GET %s = %d, %d flags; want 200 and no change (link scanners GET every URL)", link, resp.StatusCode, flagged())
	}
	resp, err = http.PostForm(link, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || flagged() != 1 {
		t.Fatalf("POST = %d, %d flags; want 200 and the thread flagged for the link's recipient", resp.StatusCode, flagged())
	}
	// A tampered link changes nothing.
	bad := link[:len(link)-3] + "AAA"
	resp, err = http.PostForm(bad, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("tampered POST = %d; want 400", resp.StatusCode)
	}
}

// TestDigestReadLinkOpensThread: with the web UI served, each item links to its whole thread.
func TestDigestReadLinkOpensThread(t *testing.T) {
	loc, _ := time.LoadLocation("UTC")
	f := newFixture(t, "UTC", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	signer := &weblink.Signer{Key: []byte(strings.Repeat("k", 32)), BaseURL: "https://digest.example.org", Now: f.clk.Now}
	f.d.Links = &Links{Signer: signer, ThreadURL: "https://digest.example.org/"}
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, loc))
	f.run(t)
	if f.rec.count() != 1 {
		t.Fatal("no digest sent")
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(f.rec.sent[0]), "=\r\n", ""), "=3D", "=")
	key := store.ThreadKey("p1@school.example")
	for _, want := range []string{"Read: https://digest.example.org/t/" + key + "\r\n", `<a href="https://digest.example.org/t/` + key + `">Read the thread</a>`} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
}
