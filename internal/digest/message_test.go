package digest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// TestMessage parses Message output as a receiving client would and checks the headers, the
// parts in order, their charsets and encodings, and that they decode to the digest.
func TestMessage(t *testing.T) {
	d := mustCompose(t, hostileDay())
	d.Subject = "Lists digest Thu 5 Mar: 2 in Bücher, 1 📚 for Zoë\r\nBcc: everyone@example.com"
	date := time.Date(2026, 3, 5, 7, 1, 0, 0, sydney)
	raw, err := Message(d, "listdigest <digest@listdigest.example>", "Zoë Ångström <zoe@skola.example.se>", "<digest.1@listdigest.example>", date)
	if err != nil {
		t.Fatalf("Message() error = %v", err)
	}
	checkWireFormat(t, raw)

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("mail.ReadMessage: %v", err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != "Lists digest Thu 5 Mar: 2 in Bücher, 1 📚 for Zoë Bcc: everyone@example.com" {
		t.Errorf("Subject decodes to %q, %v; want the subject on one line", subject, err)
	}
	if !strings.HasPrefix(h.Get("Subject"), "=?utf-8?q?") {
		t.Errorf("Subject = %q; want RFC 2047 encoded", h.Get("Subject"))
	}
	if h.Get("Bcc") != "" {
		t.Error("a Bcc header was injected through the subject")
	}
	for name, want := range map[string]string{
		"Message-ID":               "<digest.1@listdigest.example>",
		"MIME-Version":             "1.0",
		"Auto-Submitted":           "auto-generated",
		"X-Auto-Response-Suppress": "All",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	if got, err := h.Date(); err != nil || !got.Equal(date) {
		t.Errorf("Date = %v, %v; want %v", got, err, date)
	}
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "digest@listdigest.example" || from[0].Name != "listdigest" {
		t.Errorf("From = %v, %v", from, err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "zoe@skola.example.se" || to[0].Name != "Zoë Ångström" {
		t.Errorf("To = %v, %v; want Zoë Ångström <zoe@skola.example.se>", to, err)
	}

	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type = %q (%v); want multipart/alternative with a boundary", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i, want := range []struct{ typ, body string }{{"text/plain", d.Text}, {"text/html", d.HTML}} {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("part %d: %v", i+1, err)
		}
		ct, cp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil || ct != want.typ || cp["charset"] != "utf-8" {
			t.Errorf("part %d Content-Type = %q; want %s; charset=utf-8", i+1, p.Header.Get("Content-Type"), want.typ)
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part %d Content-Transfer-Encoding = %q; want quoted-printable", i+1, cte)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("part %d: decode: %v", i+1, err)
		}
		if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != want.body {
			t.Errorf("part %d decodes to\n%s\nwant\n%s", i+1, got, want.body)
		}
	}
	if _, err := mr.NextRawPart(); err != io.EOF {
		t.Errorf("after two parts: %v; want io.EOF", err)
	}
}

// checkWireFormat asserts CRLF line endings, no line over 998 bytes, header lines within 78
// bytes, and 7-bit content.
func checkWireFormat(t *testing.T, raw []byte) {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("message does not end in CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(raw, []byte("\r\n")), []byte("\r\n"))
	inHeader := true
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 998 {
			t.Errorf("line %d is %d bytes; want <= 998", i+1, len(l))
		}
		if inHeader && len(l) > maxHeaderLine {
			t.Errorf("header line %d is %d bytes; want <= %d: %q", i+1, len(l), maxHeaderLine, l)
		}
		if len(l) == 0 {
			inHeader = false
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Errorf("line %d has an 8-bit byte: %q", i+1, l)
				break
			}
		}
		if bytes.HasPrefix(l, []byte("From ")) {
			t.Errorf("line %d starts with \"From \", which mbox stores mangle", i+1)
		}
	}
}

func TestMessageDeterministic(t *testing.T) {
	d := mustCompose(t, normalDay())
	date := time.Date(2026, 3, 5, 7, 1, 0, 0, sydney)
	a, err := Message(d, "digest@listdigest.example", "jo@school.example.edu", "x@listdigest.example", date)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Message(d, "digest@listdigest.example", "jo@school.example.edu", "x@listdigest.example", date)
	if !bytes.Equal(a, b) {
		t.Error("Message() differs between two calls with the same input")
	}
	c, _ := Message(d, "digest@listdigest.example", "jo@school.example.edu", "y@listdigest.example", date)
	if bytes.Equal(a, c) {
		t.Error("Message() with another Message-ID has the same bytes; want another boundary")
	}
}

func TestMessageFromLine(t *testing.T) {
	d := Digest{Subject: "x", Text: "From the desk of the librarian\nFrom here on\n", HTML: "<p>x</p>"}
	raw, err := Message(d, "a@b.example", "c@d.example", "m@x.example", time.Date(2026, 3, 5, 7, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, raw)
	msg, _ := mail.ReadMessage(bytes.NewReader(raw))
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	p, err := multipart.NewReader(msg.Body, params["boundary"]).NextPart() // decodes quoted-printable
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p)
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != d.Text {
		t.Errorf("text part decodes to %q; want %q", got, d.Text)
	}
}

func TestMessageErrors(t *testing.T) {
	d := Digest{Subject: "x", Text: "x\n", HTML: "x"}
	date := time.Date(2026, 3, 5, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		from, to, id string
		date         time.Time
	}{
		{"bad from", "not an address", "c@d.example", "m@x", date},
		{"bad to", "a@b.example", "", "m@x", date},
		{"id without @", "a@b.example", "c@d.example", "nope", date},
		{"id with space", "a@b.example", "c@d.example", "a b@x", date},
		{"header injection in id", "a@b.example", "c@d.example", "m@x>\r\nBcc: e@f", date},
		{"zero date", "a@b.example", "c@d.example", "m@x", time.Time{}},
	}
	for _, tt := range tests {
		if _, err := Message(d, tt.from, tt.to, tt.id, tt.date); err == nil {
			t.Errorf("Message(%s) error = nil; want an error", tt.name)
		}
	}
}
