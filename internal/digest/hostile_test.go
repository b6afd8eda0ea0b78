package digest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"listdigest/internal/dispatch"
	"listdigest/internal/mailparse"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// This file sends hostile list mail through the whole pipeline a digest takes (the real
// parser, the store, dispatch's Assemble, Compose, Message and a Sender), then reads the
// sent message as a mail client would: net/mail for the header, multipart and
// quoted-printable for the parts, golang.org/x/net/html for the HTML part, RFC 6068 for
// the reply links. Nothing the mail says may add a header, a recipient, an element, an
// attribute or a URL scheme to the digest.

// hostileBody is an HTML body with the tricks a mail can play on an HTML renderer. Text
// that must never reach a digest says HIDDEN; URLs that must not, tracker.example.
const hostileBody = `<html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">
<style>@import url(https://tracker.example/a.css); p{width:expression(alert(1))}</style><script>stealCookies()</script></head>
<body onload="stealCookies()"><div style="display:none">HIDDEN preheader: wire money to evil.example</div>
<p>Looking for <b>picture books</b> on resilience for Year 5.</p><ScRiPt>stealCookies()</sCrIpT>
<img src="https://tracker.example/open.gif"><a href="javascript:stealCookies()">js</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
<iframe src="https://tracker.example/f">HIDDEN frame</iframe><svg><script>stealCookies()</script></svg>
<p style="position:absolute;left:-9999px">HIDDEN offscreen</p><!-- <p>HIDDEN comment</p> -->
<p>Try &lt;script&gt;alert(2)&lt;/script&gt; said nobody.</p></body></html>`

func enc(s string) string { return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?=" }

// hostilePost is a list post; extra is more header fields, ct the Content-Type.
func hostilePost(from, subject, id, date, extra, ct, body string) string {
	return "From: " + from + "\r\nTo: LM_NET <lm_net@listserv.syr.edu>\r\nList-Id: LM_NET <lm_net.listserv.syr.edu>\r\n" +
		"Subject: " + subject + "\r\nMessage-ID: <" + id + ">\r\nDate: " + date + "\r\nMIME-Version: 1.0\r\n" + extra +
		"Content-Type: " + ct + "\r\n\r\n" + body
}

var hostilePosts = []string{
	hostilePost(`"<b>Mal</b> \"><script>alert(20)</script>" <mal@evil.example>`, `TARGET: <b>Bold</b> "><script>alert(21)</script> books`,
		"html@evil.example", "Tue, 10 Mar 2026 09:00:00 +1100", "", "text/html; charset=utf-8", hostileBody),
	hostilePost(enc("Jane\r\nBcc: x@evil.example")+" <jane@school.example>",
		"TARGET: "+enc("<script>alert(24)</script>")+" =?UTF-8?Q?=0D=0ABcc:_x@evil.example?=",
		"enc@school.example", "Tue, 10 Mar 2026 09:30:00 +1100", "", "text/plain; charset=utf-8",
		"Plain words <script>alert(25)</script> and javascript:alert(26).\r\n"),
	hostilePost(`"Smith, Jane <boss@evil.example>, \"JJ\" `+strings.Repeat("Longname ", 1500)+`" <jane2@school.example>`,
		`GEN: commas, "quotes" <angles> & ampersands`, "long@school.example", "Tue, 10 Mar 2026 10:00:00 +1100", "",
		"text/plain; charset=utf-8", "A post from someone with a very long name.\r\n"),
	hostilePost("Bea <bea@school.example>", "TARGET: split\rBcc: y@evil.example\x00 here", "cr@school.example",
		"Tue, 10 Mar 2026 10:30:00 +1100", "", "text/plain; charset=utf-8", "A bare CR and a NUL in the subject.\r\n"),
	// A quoted local part may hold anything; a reply link carrying it must still name one
	// recipient (RFC 6068 separates addresses with %2C).
	hostilePost(`"boss@evil.example,jane"@school.example`, "TARGET: quoted local part", "quoted@school.example",
		"Tue, 10 Mar 2026 11:00:00 +1100", "", "text/plain; charset=utf-8", "Reply to me privately.\r\n"),
	hostilePost(`<"a?cc=boss@evil.example&body=x"@school.example>`, "TARGET: query in the local part", "query@school.example",
		"Tue, 10 Mar 2026 11:30:00 +1100", "", "text/plain; charset=utf-8", "Reply to me too.\r\n"),
	hostilePost("Sam <sam@school.example>", "GEN: a list id with a comma", "listid@school.example",
		"Tue, 10 Mar 2026 12:00:00 +1100", "", "text/plain; charset=utf-8", "Discussion goes to the list.\r\n"),
}

// recorder is a Sender that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	from []string
	to   [][]string
	msgs [][]byte
}

func (r *recorder) Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.from, r.to, r.msgs = append(r.from, from), append(r.to, to), append(r.msgs, msg)
	return nil
}

// hostileDigest stores the hostile posts and runs the dispatcher once at the next morning's
// slot; it returns the delivered message and its envelope.
func hostileDigest(t *testing.T, recipientName string) ([]byte, string, []string) {
	t.Helper()
	ctx := context.Background()
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := time.Date(2026, 3, 10, 13, 0, 0, 0, sydney)
	st.Now = func() time.Time { return clock }
	var batch []store.Incoming
	for i, raw := range hostilePosts {
		if strings.Contains(raw, "a list id with a comma") {
			raw = strings.Replace(raw, "List-Id: LM_NET <lm_net.listserv.syr.edu>", "List-Id: Evil <boss,x.evil.example>", 1)
		}
		m, perr := mailparse.Parse([]byte(raw), mailparse.Options{Arrival: clock})
		in := store.Incoming{Msg: m, Raw: []byte(raw), ParseErr: perr, Arrival: clock,
			Loc: store.Location{Source: "school", Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1)}}
		st.Understand(&in)
		batch = append(batch, in)
	}
	if _, err := st.AddMessages(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	sched, err := schedule.Parse("0 7 * * *", sydney)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	clock = time.Date(2026, 3, 11, 7, 0, 30, 0, sydney)
	d := &dispatch.Dispatcher{Store: st, Now: func() time.Time { return clock }, Log: slog.New(slog.DiscardHandler),
		Targets: []dispatch.Target{{
			Recipient: dispatch.Recipient{Name: recipientName, Address: "jo@school.example.edu", Location: sydney, BudgetWords: 3000},
			Schedule:  sched, Sender: rec, From: "Listdigest <digest@school.example.edu>",
		}}}
	if err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.msgs) != 1 {
		t.Fatalf("%d digests delivered; want 1", len(rec.msgs))
	}
	return rec.msgs[0], rec.from[0], rec.to[0]
}

// parts reads the digest as a client does: its header, then the decoded text and HTML.
func parts(t *testing.T, raw []byte) (mail.Header, string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the digest does not parse: %v", err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var bodies []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	if len(bodies) != 2 {
		t.Fatalf("%d parts; want text and HTML", len(bodies))
	}
	return msg.Header, bodies[0], bodies[1]
}

// TestHostileDigestHeaders checks the digest's header: exactly the fields Message writes,
// one line each, the From and the one recipient configured, whatever the mail and the
// recipient's name say.
func TestHostileDigestHeaders(t *testing.T) {
	for _, name := range []string{"Jo Reader", `Reader, Jo "JJ" <boss@evil.example>` + "\r\nBcc: x@evil.example\x00", strings.Repeat("Jo, ", 500)} {
		raw, envFrom, envTo := hostileDigest(t, name)
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		var fields []string
		for _, line := range strings.Split(string(head), "\r\n") {
			if strings.ContainsAny(line, "\r\n\x00") {
				t.Errorf("header line %q has a bare CR, LF or NUL", line)
			}
			if line[0] == ' ' || line[0] == '\t' {
				continue // folded
			}
			k, _, ok := strings.Cut(line, ":")
			if !ok {
				t.Errorf("header line %q is not a field", line)
			}
			fields = append(fields, k)
		}
		want := []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"}
		if !slices.Equal(fields, want) {
			t.Errorf("header fields %q; want %q", fields, want)
		}
		h, _, _ := parts(t, raw)
		if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "digest@school.example.edu" {
			t.Errorf("From = %v, %v", from, err)
		}
		if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "jo@school.example.edu" {
			t.Errorf("To = %v, %v; want the one recipient", to, err)
		}
		if envFrom != "digest@school.example.edu" || !slices.Equal(envTo, []string{"jo@school.example.edu"}) {
			t.Errorf("envelope from %q to %q", envFrom, envTo)
		}
	}
}

// TestHostileDigestParts checks the text and HTML parts: the mail's markup is text in
// both, the HTML part holds only the elements and attributes of the digest's own template,
// and every reply link names one recipient and carries only a subject and In-Reply-To.
func TestHostileDigestParts(t *testing.T) {
	raw, _, _ := hostileDigest(t, "Jo Reader")
	_, text, htmlPart := parts(t, raw)

	// (A sender's plain text may say "javascript:alert(26)": it stays text, checked below as
	// no link has that scheme; from HTML, link targets never reach the text.)
	for _, bad := range []string{"HIDDEN", "tracker.example", "stealCookies", "javascript:stealCookies", "data:text", "expression(", "@import"} {
		if strings.Contains(text, bad) {
			t.Errorf("text part contains %q", bad)
		}
		if strings.Contains(htmlPart, bad) {
			t.Errorf("HTML part contains %q", bad)
		}
	}
	// What the senders wrote is shown as they wrote it: as text.
	for _, want := range []string{`<b>Bold</b> "><script>alert(21)</script> books`, `<b>Mal</b> "><script>alert(20)</script>`,
		"<script>alert(24)</script> Bcc: x@evil.example", "Looking for *picture books* on resilience for Year 5."} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q", want)
		}
	}

	doc, err := html.Parse(strings.NewReader(htmlPart))
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[atom.Atom]bool{atom.Html: true, atom.Head: true, atom.Meta: true, atom.Title: true, atom.Body: true,
		atom.Div: true, atom.H1: true, atom.H2: true, atom.P: true, atom.Ol: true, atom.Ul: true, atom.Li: true,
		atom.Strong: true, atom.Br: true, atom.A: true}
	var texts strings.Builder
	var links []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			texts.WriteString(n.Data)
		case html.ElementNode:
			if !allowed[n.DataAtom] || n.Namespace != "" {
				t.Errorf("HTML part has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				switch {
				case strings.HasPrefix(strings.ToLower(a.Key), "on"):
					t.Errorf("<%s %s>: event handler", n.Data, a.Key)
				case a.Key == "href" && n.DataAtom == atom.A:
					links = append(links, a.Val)
				case a.Key == "style" && strings.ContainsAny(a.Val, "()@\\"):
					t.Errorf("<%s style=%q>: not the template's", n.Data, a.Val)
				case n.DataAtom == atom.Meta && (a.Key == "http-equiv" || a.Key == "content" && strings.Contains(a.Val, "url")):
					t.Errorf("<meta %s=%q>", a.Key, a.Val)
				case a.Key != "style" && a.Key != "lang" && a.Key != "charset" && a.Key != "name" && a.Key != "content":
					t.Errorf("<%s %s=%q>: not an attribute of the template", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	shown := texts.String()
	for _, want := range []string{`<b>Bold</b> "><script>alert(21)</script> books`, `<b>Mal</b> "><script>alert(20)</script>`} {
		if !strings.Contains(shown, want) {
			t.Errorf("HTML part does not show %q as text", want)
		}
	}
	if len(links) == 0 {
		t.Fatal("no reply links in the HTML part")
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "https://") { // action links are the signer's own
			checkMailto(t, l)
		}
	}
	// The same links are in the text part, as text.
	for _, l := range regexp.MustCompile(`mailto:\S+`).FindAllString(text, -1) {
		checkMailto(t, l)
	}
}

// checkMailto reads a reply link as RFC 6068 does: the "to" part is a list of addresses
// separated by "," or "%2C" and percent-decoded; header fields follow "?". The link must
// name one address and carry only subject and In-Reply-To, without line breaks.
func checkMailto(t *testing.T, link string) {
	t.Helper()
	if !strings.HasPrefix(link, "mailto:") {
		t.Errorf("link %q: want mailto:", link)
		return
	}
	to, query, _ := strings.Cut(strings.TrimPrefix(link, "mailto:"), "?")
	addrs := regexp.MustCompile(`(?i),|%2C`).Split(to, -1)
	if len(addrs) != 1 {
		t.Errorf("link %q names %d recipients", link, len(addrs))
	}
	addr, err := url.PathUnescape(to)
	if err != nil {
		t.Errorf("link %q: %v", link, err)
	}
	if a, err := mail.ParseAddress(addr); err != nil || strings.Count(a.Address, "@") != 1 {
		t.Errorf("link %q: to %q is not one address (%v)", link, addr, err)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Errorf("link %q: %v", link, err)
	}
	for k, vs := range q {
		if k != "subject" && k != "In-Reply-To" {
			t.Errorf("link %q carries header field %q", link, k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Errorf("link %q: %s %q has a line break or NUL", link, k, v)
			}
		}
	}
}
