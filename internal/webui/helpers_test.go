package webui

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"listdigest/internal/dispatch"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
	"listdigest/internal/weblink"
)

// now is the tests' clock: Thursday 19 November 2026, 15:00 in Sydney.
var now = time.Date(2026, 11, 19, 4, 0, 0, 0, time.UTC)

var sydney = func() *time.Location {
	l, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		panic(err)
	}
	return l
}()

// fixture is a store with a small day of list mail, as the parser and threader make it.
type fixture struct {
	st       *store.Store
	target   string // thread key of the TARGET request
	hit      string // thread key of its HIT
	htmlOnly string // thread key of an HTML-only announcement
	other    string // thread key of a post seen only in the mailbox "district"
}

func raw(from, subject, id, date, extraHeaders, body string) string {
	return "From: " + from + "\r\nTo: LM_NET <lm_net@listserv.syr.edu>\r\nList-Id: LM_NET <lm_net.listserv.syr.edu>\r\n" +
		"Subject: " + subject + "\r\nMessage-ID: <" + id + ">\r\nDate: " + date + "\r\n" + extraHeaders + "\r\n" + body
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "ui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return now }
	mails := []struct{ source, raw string }{
		{"school", raw("Jane Smith <jane@stmarys.example.edu>", "TARGET: Year 5 books on resilience", "t1@stmarys.example.edu",
			"Thu, 19 Nov 2026 09:00:00 +1100", "Content-Type: text/plain; charset=utf-8\r\n",
			"Hi all,\r\n\r\nI am looking for picture books about resilience for Year 5.\r\n\r\nThanks,\r\nJane\r\n")},
		{"school", raw("Tom Lee <tom@hills.example.edu>", "Re: TARGET: Year 5 books on resilience", "r1@hills.example.edu",
			"Thu, 19 Nov 2026 10:30:00 +1100", "In-Reply-To: <t1@stmarys.example.edu>\r\nReferences: <t1@stmarys.example.edu>\r\n"+
				"Content-Type: multipart/mixed; boundary=b1\r\nMIME-Version: 1.0\r\n",
			"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTry The Rabbit Listened, see https://example.org/books.\r\n\r\n"+
				"On Thu, 19 Nov 2026, Jane Smith wrote:\r\n> I am looking for picture books about resilience for Year 5.\r\n\r\n"+
				"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"booklist.pdf\"\r\n"+
				"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n")},
		{"school", raw("Jane Smith <jane@stmarys.example.edu>", "HIT: Year 5 books on resilience", "h1@stmarys.example.edu",
			"Thu, 19 Nov 2026 14:00:00 +1100", "", "Thanks to all who replied. The list: The Rabbit Listened; After the Fall.\r\n")},
		{"school", raw("Ann Jones <ann@library.example.org>", "Author visit: Shaun Tan webinar", "e1@library.example.org",
			"Thu, 19 Nov 2026 11:00:00 +1100", "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n",
			`<p>Join our <b>webinar</b> with Shaun Tan.</p><script>alert(1)</script><img src="https://tracker.example/p.gif">`+
				`<a href="javascript:alert(2)" onclick="steal()">click</a> <a href="https://events.example.org/tan">Register</a>`)},
		{"district", raw("Bo Chen <bo@district.example.edu>", "GEN: district library budget", "d1@district.example.edu",
			"Thu, 19 Nov 2026 12:00:00 +1100", "", "Budget news for district libraries only.\r\n")},
	}
	var batch []store.Incoming
	for i, m := range mails {
		msg, perr := mailparse.Parse([]byte(m.raw), mailparse.Options{})
		in := store.Incoming{Msg: msg, Raw: []byte(m.raw), ParseErr: perr,
			Loc: store.Location{Source: m.source, Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1)}}
		st.Understand(&in)
		batch = append(batch, in)
	}
	if _, err := st.AddMessages(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st}
	for ref, dst := range map[string]*string{"t1@stmarys.example.edu": &f.target, "h1@stmarys.example.edu": &f.hit,
		"e1@library.example.org": &f.htmlOnly, "d1@district.example.edu": &f.other} {
		d, err := st.ThreadDetail(ctx, "", ref)
		if err != nil {
			t.Fatal(err)
		}
		*dst = d.Key
	}
	return f
}

var secret = []byte("0123456789abcdef0123456789abcdef")

const janeAddr = "jane@stmarys.example.edu"

// server starts the UI over f. With login, Jane's password is "correct horse" (hash read from
// *hash at each login, so tests can change it).
func (f *fixture) server(t *testing.T, login bool, hash *string) *httptest.Server {
	t.Helper()
	jane := Reader{Recipient: dispatch.Recipient{Name: "Jane Smith", Address: janeAddr, Location: sydney, BudgetWords: 476}}
	tom := Reader{Recipient: dispatch.Recipient{Address: "tom@hills.example.edu", Location: sydney, Mailboxes: []string{"school"}}}
	if login {
		if *hash == "" {
			h, _ := bcrypt.GenerateFromPassword([]byte("correct horse"), bcrypt.MinCost)
			*hash = string(h)
		}
		jane.PasswordHash = func(context.Context) (string, error) { return *hash, nil }
	}
	signer := &weblink.Signer{Key: secret, BaseURL: "https://digest.example.org", Now: func() time.Time { return now }}
	h, err := New(Options{
		Store: f.st, Readers: []Reader{jane, tom}, Secret: secret, NeedsLogin: login, SecureCookies: false,
		Links:     weblink.Handler(signer, dispatch.LinkStore{Store: f.st, Now: func() time.Time { return now }}, nil),
		Mailboxes: []string{"school", "district"}, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// client is a browser stand-in: cookies, no redirects followed (tests look at them).
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms on page.
func (c *client) csrf(page string) string {
	c.t.Helper()
	m := csrfField.FindStringSubmatch(c.get(page).body)
	if m == nil {
		c.t.Fatalf("no csrf token on %s", page)
	}
	return m[1]
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

func flagState(t *testing.T, st *store.Store, who, key string) string {
	t.Helper()
	d, err := st.ThreadDetail(context.Background(), who, key)
	if err != nil {
		t.Fatal(err)
	}
	return d.FlagState
}
