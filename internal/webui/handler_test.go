package webui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"listdigest/internal/store"
	"listdigest/internal/weblink"
)

func TestDayPageGroupsThreadsByCategory(t *testing.T) {
	f := newFixture(t)
	c := newClient(t, f.server(t, false, nil))
	r := c.get("/")
	if r.status != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", r.status, r.body)
	}
	mustContain(t, "today", r.body, "Thu 19 Nov 2026 (today)", "Book requests", "HITs (summaries of replies)",
		`href="/t/`+f.target+`"`, "Year 5 books on resilience", "Jane Smith", "1 reply", `<main id="main"`, `aria-label="Main"`)
	// Tom sees only the mailbox he is given; Jane (no mailbox filter) sees the district post too.
	mustContain(t, "Jane's day", r.body, "district library budget")
	if ck := r.header.Get("Set-Cookie"); !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Errorf("session cookie %q; want HttpOnly, SameSite=Lax", ck)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if r.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q; want no scripts at all", csp)
	}
	prev := c.get("/day/2026-11-18")
	mustContain(t, "previous day", prev.body, "Nothing was posted on this day.", `href="/day/2026-11-19"`)
	if r := c.get("/day/yesterday"); r.status != http.StatusNotFound {
		t.Errorf("GET /day/yesterday = %d; want 404", r.status)
	}
	if r := c.get("/day?date=2026-11-18"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/day/2026-11-18" {
		t.Errorf("date picker = %d %s", r.status, r.header.Get("Location"))
	}
}

func TestThreadPage(t *testing.T) {
	f := newFixture(t)
	c := newClient(t, f.server(t, false, nil))
	r := c.get("/t/" + f.target)
	if r.status != http.StatusOK {
		t.Fatalf("GET thread = %d\n%s", r.status, r.body)
	}
	mustContain(t, "thread", r.body,
		"I am looking for picture books about resilience", "Try The Rabbit Listened",
		// The quoted request in the reply is folded away, not shown as the reply's text.
		"<summary>Show quoted text and signature</summary>",
		// Links in text are live but leak nothing.
		`<a href="https://example.org/books" rel="nofollow noreferrer noopener" target="_blank">`,
		"booklist.pdf", "application/pdf",
		"Answered by", `href="/t/`+f.hit+`"`,
		`name="csrf"`, "Flag for follow-up", "Recategorize", "Mark read")
	if i, j := strings.Index(r.body, "I am looking"), strings.Index(r.body, "Try The Rabbit"); i < 0 || j < i {
		t.Error("messages are not in order")
	}
	own := r.body[strings.Index(r.body, "Try The Rabbit"):]
	own = own[:strings.Index(own, "<details>")]
	mustNotContain(t, "the reply's own text", own, "&gt; I am looking")

	html := c.get("/t/" + f.htmlOnly).body
	mustContain(t, "HTML message", html, "Show the formatted (HTML) version", "<b>webinar</b>", `href="https://events.example.org/tan"`)
	mustNotContain(t, "HTML message", html, "<script", "alert(1)", "tracker.example", `href="javascript`, "onclick")

	if r := c.get("/t/nosuchthread"); r.status != http.StatusNotFound {
		t.Errorf("unknown thread = %d; want 404", r.status)
	}
}

func TestActionsNeedPOSTAndCSRF(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t, false, nil)
	c := newClient(t, srv)
	token := c.csrf("/t/" + f.target)

	// GET never changes anything.
	if r := c.get("/t/" + f.target + "/flag"); r.status == http.StatusSeeOther || flagState(t, f.st, janeAddr, f.target) != "" {
		t.Fatalf("GET .../flag = %d and flagged the thread", r.status)
	}
	// A POST without the session's token, or with another session's, is refused.
	for _, tok := range []string{"", "forged", newClient(t, srv).csrf("/")} {
		if r := c.post("/t/"+f.target+"/flag", url.Values{"csrf": {tok}}); r.status != http.StatusForbidden {
			t.Errorf("POST flag with token %q = %d; want 403", tok, r.status)
		}
	}
	if flagState(t, f.st, janeAddr, f.target) != "" {
		t.Fatal("a refused POST flagged the thread")
	}
	// A cross-site form post is refused even with the right token (Fetch metadata).
	req, _ := http.NewRequest("POST", srv.URL+"/t/"+f.target+"/flag", strings.NewReader(url.Values{"csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site POST = %d; want 403", r.status)
	}

	for _, tc := range []struct {
		action string
		form   url.Values
		check  func() bool
	}{
		{"flag", url.Values{"note": {"ask Tom for the PDF"}}, func() bool {
			d, _ := f.st.ThreadDetail(context.Background(), janeAddr, f.target)
			return d.FlagState == "open" && d.FlagNote == "ask Tom for the PDF"
		}},
		{"remind", url.Values{"date": {"2026-11-26"}}, func() bool {
			d, _ := f.st.ThreadDetail(context.Background(), janeAddr, f.target)
			return d.RemindAt != nil && d.RemindAt.In(sydney).Format("2006-01-02") == "2026-11-26"
		}},
		{"done", nil, func() bool { return flagState(t, f.st, janeAddr, f.target) == "done" }},
		{"unflag", nil, func() bool { return flagState(t, f.st, janeAddr, f.target) == "" }},
		{"read", nil, func() bool {
			d, _ := f.st.ThreadDetail(context.Background(), janeAddr, f.target)
			return !d.Unread()
		}},
		{"unread", nil, func() bool {
			d, _ := f.st.ThreadDetail(context.Background(), janeAddr, f.target)
			return d.Unread()
		}},
		{"category", url.Values{"category": {"video-request"}}, func() bool {
			d, _ := f.st.ThreadDetail(context.Background(), janeAddr, f.target)
			return d.Category == "video-request" && d.CategoryManual
		}},
	} {
		form := url.Values{"csrf": {token}, "return": {"/flagged"}}
		for k, v := range tc.form {
			form[k] = v
		}
		r := c.post("/t/"+f.target+"/"+tc.action, form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/flagged" {
			t.Errorf("POST %s = %d → %q; want 303 back to /flagged\n%s", tc.action, r.status, r.header.Get("Location"), r.body)
		}
		if !tc.check() {
			t.Errorf("after POST %s the store does not show it", tc.action)
		}
	}
	// Tom's flags are his own.
	if flagState(t, f.st, "tom@hills.example.edu", f.target) != "" {
		t.Error("Jane's actions changed Tom's flags")
	}
	for _, bad := range []struct{ path, field, value string }{
		{"/t/" + f.target + "/category", "category", "no-such-category"},
		{"/t/" + f.target + "/remind", "date", "2020-01-01"},
		{"/t/" + f.target + "/remind", "date", "soon"},
	} {
		if r := c.post(bad.path, url.Values{"csrf": {token}, bad.field: {bad.value}}); r.status != http.StatusBadRequest {
			t.Errorf("POST %s %s=%s = %d; want 400", bad.path, bad.field, bad.value, r.status)
		}
	}
	if r := c.post("/t/"+f.target+"/explode", url.Values{"csrf": {token}}); r.status != http.StatusNotFound {
		t.Errorf("unknown action = %d; want 404", r.status)
	}
	// Redirects after an action stay on this site.
	r := c.post("/t/"+f.target+"/read", url.Values{"csrf": {token}, "return": {"//evil.example/x"}})
	if loc := r.header.Get("Location"); loc != "/t/"+f.target {
		t.Errorf("return=//evil.example redirected to %q", loc)
	}
}

func TestLoopbackOnlyWithoutLogin(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t, false, nil)
	c := newClient(t, srv)
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Host = "rebound.attacker.example:8025"
	if r := c.do(req); r.status != http.StatusMisdirectedRequest || strings.Contains(r.body, "resilience") {
		t.Errorf("foreign Host = %d; want 421 and no content", r.status)
	}
	for _, host := range []string{"localhost:8025", "127.0.0.1", "[::1]:8025"} {
		req, _ := http.NewRequest("GET", srv.URL+"/status", nil)
		req.Host = host
		if r := c.do(req); r.status != http.StatusOK {
			t.Errorf("Host %s = %d; want 200", host, r.status)
		}
	}
	// Switching reader is possible on this machine; Tom does not see the district's mail.
	token := c.csrf("/")
	if r := c.post("/reader", url.Values{"csrf": {token}, "address": {"tom@hills.example.edu"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch reader = %d", r.status)
	}
	day := c.get("/").body
	mustContain(t, "Tom's day", day, "Year 5 books on resilience", "Reading as")
	mustNotContain(t, "Tom's day", day, "district library budget")
	if r := c.get("/t/" + f.other); r.status != http.StatusNotFound {
		t.Errorf("Tom opening the district thread = %d; want 404", r.status)
	}
	if r := c.get("/search?q=budget"); strings.Contains(r.body, "district library budget") {
		t.Error("Tom's search finds the district's mail")
	}
}

func TestLoginRequiredBeyondLoopback(t *testing.T) {
	f := newFixture(t)
	var hash string
	srv := f.server(t, true, &hash)
	c := newClient(t, srv)
	r := c.get("/flagged")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Fflagged" {
		t.Fatalf("GET /flagged without login = %d → %q; want the login page", r.status, r.header.Get("Location"))
	}
	if r := c.get("/login"); r.status != http.StatusOK || !strings.Contains(r.body, `autocomplete="current-password"`) {
		t.Errorf("login page = %d", r.status)
	}
	for _, bad := range []url.Values{
		{"address": {janeAddr}, "password": {"wrong"}},
		{"address": {"nobody@x.example"}, "password": {"correct horse"}},
		{"address": {"tom@hills.example.edu"}, "password": {""}}, // Tom has no password
	} {
		if r := c.post("/login", bad); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Wrong address or password") {
			t.Errorf("login %v = %d; want 401", bad, r.status)
		}
	}
	r = c.post("/login", url.Values{"address": {"JANE@stmarys.example.edu"}, "password": {"correct horse"}, "next": {"/flagged"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/flagged" {
		t.Fatalf("login = %d → %q; want /flagged", r.status, r.header.Get("Location"))
	}
	if r := c.get("/flagged"); r.status != http.StatusOK || !strings.Contains(r.body, "Log out") {
		t.Fatalf("after login /flagged = %d", r.status)
	}
	// The reader of a session is fixed by the login: no switching.
	if r := c.post("/reader", url.Values{"csrf": {c.csrf("/t/" + f.target)}, "address": {"tom@hills.example.edu"}}); r.status != http.StatusForbidden {
		t.Errorf("switch reader with login = %d; want 403", r.status)
	}
	// A new password ends the sessions made with the old one.
	h, _ := bcrypt.GenerateFromPassword([]byte("new battery staple"), bcrypt.MinCost)
	hash = string(h)
	if r := c.get("/flagged"); r.status != http.StatusSeeOther {
		t.Errorf("after a password change the old session still works (%d)", r.status)
	}
	// An open redirect through next is refused.
	r = c.post("/login", url.Values{"address": {janeAddr}, "password": {"new battery staple"}, "next": {"https://evil.example/"}})
	if r.header.Get("Location") != "/" {
		t.Errorf("next=https://evil.example redirected to %q", r.header.Get("Location"))
	}
	// Guessing is bounded per client.
	g := newClient(t, srv)
	for i := 0; i < maxFailures; i++ {
		g.post("/login", url.Values{"address": {janeAddr}, "password": {"guess"}})
	}
	if r := g.post("/login", url.Values{"address": {janeAddr}, "password": {"new battery staple"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("login after %d failures = %d; want 429 even with the right password", maxFailures, r.status)
	}
	// Signed digest links need no login.
	signer := &weblink.Signer{Key: secret, BaseURL: srv.URL, Now: func() time.Time { return now }}
	link, err := signer.URL(weblink.Claims{Recipient: janeAddr, Thread: f.hit, Action: weblink.ActionFlag, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, srv.URL)
	if r := g.get(path); r.status != http.StatusOK || !strings.Contains(r.body, "<form") {
		t.Errorf("GET digest link without login = %d", r.status)
	}
	if flagState(t, f.st, janeAddr, f.hit) != "" {
		t.Fatal("GET on a digest link flagged the thread")
	}
	if r := g.post(path, nil); r.status != http.StatusOK || flagState(t, f.st, janeAddr, f.hit) != "open" {
		t.Errorf("POST digest link = %d, flag %q; want flagged", r.status, flagState(t, f.st, janeAddr, f.hit))
	}
}

func TestSearchPage(t *testing.T) {
	f := newFixture(t)
	c := newClient(t, f.server(t, false, nil))
	r := c.get("/search?q=rabbit")
	mustContain(t, "search", r.body, "2 messages match", "<mark>Rabbit</mark>", `href="/t/`+f.target+`"`, `href="/t/`+f.hit+`"`)
	for _, q := range []string{`"unbalanced`, `NEAR/2 AND OR *`, `<script>alert(1)</script>`} {
		r := c.get("/search?q=" + url.QueryEscape(q))
		if r.status != http.StatusOK || strings.Contains(r.body, "<script>alert") {
			t.Errorf("search %q = %d (or reflected unescaped)", q, r.status)
		}
	}
}

func TestFlaggedAndStatusPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	note := "order for Year 5"
	if err := f.st.SetFlag(ctx, janeAddr, f.target, store.FlagOptions{Note: &note}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RecordSyncError(ctx, "district", "INBOX", "connection refused by imap.district.example"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, f.server(t, false, nil))
	mustContain(t, "flagged", c.get("/flagged").body, "Year 5 books on resilience", note, "Mark done", "HIT posted")
	mustContain(t, "status", c.get("/status").body, "5 messages in", "school", "district",
		"connection refused by imap.district.example")
}

func TestDigestArchive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	slot := now.Add(-8 * time.Hour)
	rec, _, err := f.st.ClaimDigest(ctx, janeAddr, slot, slot.Add(-24*time.Hour), slot)
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: digest@example.org\r\nSubject: Lists digest\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBook requests: Year 5 resilience\r\n" +
		"--x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Book requests: <b>Year 5 resilience</b></p>\r\n--x--\r\n"
	if err := f.st.UpdateDigest(ctx, rec.ID, store.DigestUpdate{State: store.DigestSent, Subject: "Lists digest", Words: 120, Threads: 3, Body: []byte(msg)}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, f.server(t, false, nil))
	id := strconv.FormatInt(rec.ID, 10)
	mustContain(t, "archive", c.get("/digests").body, `href="/digests/`+id+`"`, "Lists digest", "sent")
	page := c.get("/digests/" + id)
	mustContain(t, "digest page", page.body, `<iframe`, `src="/digests/`+id+`/message"`, "Book requests: Year 5 resilience")
	framed := c.get("/digests/" + id + "/message")
	if csp := framed.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("framed digest CSP %q; want a sandbox", csp)
	}
	mustContain(t, "framed digest", framed.body, "<b>Year 5 resilience</b>")
	// Tom cannot read Jane's digest.
	token := c.csrf("/")
	c.post("/reader", url.Values{"csrf": {token}, "address": {"tom@hills.example.edu"}})
	if r := c.get("/digests/" + id); r.status != http.StatusNotFound {
		t.Errorf("Tom reading Jane's digest = %d; want 404", r.status)
	}
	if r := c.get("/digests/" + id + "/message"); r.status != http.StatusNotFound {
		t.Errorf("Tom reading Jane's framed digest = %d; want 404", r.status)
	}
}
