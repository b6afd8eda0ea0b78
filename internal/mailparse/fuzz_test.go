package mailparse

import (
	"encoding/json"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"

	"listdigest/internal/fuzzkit"
)

// maxSeedMessage keeps fuzz seeds small: a mutation of a 1 MB message costs far more per
// execution than it teaches.
const maxSeedMessage = 64 << 10

// FuzzParse checks that parse never panics, keeps the Message invariants (non-empty
// MessageID, valid UTF-8 everywhere, bounded text) and is deterministic. It is seeded
// with the fixtures and, when they are present, the messages of the shared corpora (read
// at run time, never copied here); run it with go test -fuzz=FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"",
		"\x00",
		"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n\n--a--",
		"Subject: =?utf-8?B?4oI=?= =?x?Q?=FF?=\nIn-Reply-To: <a@b <c\n\n",
		"Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>=E9=\n</p>",
	} {
		f.Add([]byte(s))
	}
	for _, raw := range fuzzkit.Messages(4<<20, maxSeedMessage, fuzzkit.MailFolders...) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		defer fuzzkit.Deadline(10*time.Second, "FuzzParse", raw)()
		opts := testOpts()
		if len(raw)%7 == 0 {
			opts.MaxSize = int64(len(raw) / 2) // exercise the oversize path too
		}
		m := &Message{}
		_ = parse(raw, opts, m)
		if err := checkInvariants(m); err != nil {
			t.Fatalf("parse(%q): %v", raw, err)
		}
		again := &Message{}
		_ = parse(raw, opts, again)
		if again.MessageID != m.MessageID || again.Text != m.Text || again.Subject != m.Subject {
			t.Fatalf("parse(%q) is not deterministic: %q/%q vs %q/%q", raw, m.MessageID, m.Text, again.MessageID, again.Text)
		}
	})
}

// headerSeedFields are the header fields whose real values seed FuzzHeader.
var headerSeedFields = []string{
	"Message-Id", "In-Reply-To", "References", "Date", "Received", "From", "To", "Cc", "Reply-To",
	"Sender", "Subject", "List-Id", "List-Post", "Mailing-List", "X-Mailing-List", "X-BeenThere",
	"Content-Type", "Content-Disposition", "Content-Transfer-Encoding", "Thread-Index",
}

// headerSeeds returns header values for FuzzHeader: in-repo ones always, and values from
// the corpora's messages and stalwart's header vectors (resources/*.json) when present.
func headerSeeds() []string {
	seeds := []string{
		"", " ", "<abc@example.org>", "<a@x> <b@x>\r\n <a@x>\t<c@x>", "<abc@exa <def@example.org>",
		`Your message of "Mon, 3 Mar 2026 09:12:44 -0500" <abc123@school.edu>`, "<1234>", "a@x.org, b@x.org",
		"<caf\xe9@example.org>", "<" + strings.Repeat("x", 300) + "@example.org>",
		"Tue, 3 Mar 2026 10:00:00 +1000", "3/27/2026 9:05 PM EST", "2026-03-03T10:00:00Z", "Mon, 3 Mar 26 10:00 GMT+10",
		"from a by b; Tue, 3 Mar 2026 10:00:00 -0500 (EST)",
		`"Smith, Jane" <jane@school.edu>`, "Smith, Jane <jane@school.edu>", "jane at example.com (Jane)",
		"'Jane Smith' via OZTL_NET <oztl_net@listserv.example.edu>", "Team: a@x, b@y;",
		"=?utf-8?B?4oCcSGnigJ0=?= =?utf-8?q?_there?=", "=?iso-8859-1?q?caf=E9?=", "=?utf-7?q?+AOk-?=",
		"=?ks_c_5601-1987?B?x9GxuQ==?=", "=?x?Q?=FF?=", "=?utf-8?B?4oI=?= =?utf-8?B?rA==?=",
		"LM_NET <LM_NET.LISTSERV.SYR.EDU>", "<mailto:aisle@lists.example.org>", "list x@y.org; contact x-help@y.org",
		`text/plain; charset="utf-8"; format=flowed`, "multipart/mixed boundary=abc",
		"attachment; filename*=utf-8''na%C3%AFve.txt", "Quoted-Printable ", "+AOk-caf+AOk-",
	}
	msgs := fuzzkit.Messages(4<<20, maxSeedMessage, fuzzkit.MailFolders...)
	// A few dozen values per field: thousands of seeds would spend a short CI run on the
	// baseline coverage pass alone.
	seeds = append(seeds, fuzzkit.HeaderValues(msgs, 40, headerSeedFields...)...)
	for _, name := range []string{"address", "content_type", "date", "id", "list", "received", "unstructured"} {
		var vectors []struct {
			Header string `json:"header"`
		}
		if b := fuzzkit.Read("stalwart-mail-parser/resources/" + name + ".json"); b != nil && json.Unmarshal(b, &vectors) == nil {
			for _, v := range vectors[:min(len(vectors), 40)] {
				seeds = append(seeds, v.Header)
			}
		}
	}
	return seeds
}

// FuzzHeader fuzzes the header-level functions with one header value each time: message
// ids (NormalizeID, ParseIDList), dates (parseDate, receivedDate), RFC 2047 decoding,
// address lists, list identity headers, media types and the transfer and UTF-7 decoders.
// Invariants: no panic; every string out is valid UTF-8 and header strings hold no control
// characters; outputs are bounded relative to the input; ids survive being written back
// into a header (a References line made of them parses to the same ids) and NormalizeID is
// idempotent on ids of the RFC 5322 form; a parsed date survives formatting; an encoded
// word made by the standard library decodes to its text.
func FuzzHeader(f *testing.F) {
	for _, s := range headerSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		defer fuzzkit.Deadline(5*time.Second, "FuzzHeader", v)()
		checkIDs(t, v)
		checkDate(t, v)
		checkDecode(t, v)
		checkAddresses(t, v)
		checkListHeaders(t, v)
		checkEncodings(t, v)
	})
}

// headerString reports what is wrong with a decoded header string, or "".
func headerString(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Sprintf("control character %U", r)
		}
	}
	return ""
}

// expansion bounds how much a header value may grow when decoded: an invalid byte read as
// windows-1252 becomes up to 3 bytes, and inside an encoded word whose charset re-reads
// those bytes as windows-1252 again up to 7.
func expansionOK(out, in string) bool { return len(out) <= 8*len(in)+8 }

// rfc5322ID matches ids of the RFC 5322 form (dot-atom "@" dot-atom, UTF-8 allowed as RFC
// 6532 does), without the quote characters the bare-id path of NormalizeID trims.
func rfc5322ID(id string) bool {
	if !strings.Contains(id, "@") || strings.HasPrefix(id, "@") || strings.HasPrefix(id, ".") || strings.HasSuffix(id, ".") {
		return false
	}
	for _, r := range id {
		if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&*+/=?^_`{|}~.-@", r)) {
			return false
		}
	}
	return true
}

func checkIDs(t *testing.T, v string) {
	id := NormalizeID(v)
	ids := ParseIDList(v)
	if len(ids) > maxIDs {
		t.Fatalf("ParseIDList(%q): %d ids, over %d", v, len(ids), maxIDs)
	}
	seen := map[string]bool{}
	for _, x := range ids {
		if x == "" || seen[x] || len(x) > maxIDLen || headerString(x) != "" || strings.ContainsAny(x, "<> \t\u00a0") {
			t.Fatalf("ParseIDList(%q) = %q: bad id %q", v, ids, x)
		}
		seen[x] = true
	}
	if (len(ids) == 0) != (id == "") || (id != "" && ids[0] != id) {
		t.Fatalf("NormalizeID(%q) = %q, not the first of ParseIDList %q", v, id, ids)
	}
	if id == "" {
		return
	}
	// Ids are written back into headers (References of a reply): in brackets, they must read
	// back unchanged, as one id and as a list.
	if got := NormalizeID("<" + id + ">"); got != id {
		t.Fatalf("NormalizeID(%q) = %q, but NormalizeID(<that>) = %q", v, id, got)
	}
	if got := ParseIDList("<" + strings.Join(ids, "> <") + ">"); strings.Join(got, " ") != strings.Join(ids, " ") {
		t.Fatalf("ParseIDList(%q) = %q, written back and parsed again %q", v, ids, got)
	}
	// Bare (unbracketed) values count as ids only when they hold "@" (by design: free text
	// must not become an id), so idempotence applies to ids of the RFC 5322 form.
	if rfc5322ID(id) {
		if again := NormalizeID(id); again != id {
			t.Fatalf("NormalizeID not idempotent: %q -> %q -> %q", v, id, again)
		}
	}
}

func checkDate(t *testing.T, v string) {
	tm, ok := parseDate(v)
	if !ok {
		if !tm.IsZero() {
			t.Fatalf("parseDate(%q) = %v, false; want the zero time", v, tm)
		}
	} else {
		if tm.Location() != time.UTC {
			t.Fatalf("parseDate(%q) = %v, not UTC", v, tm)
		}
		// The range parseDate accepts, widened by the largest zone offset.
		if tm.Before(time.Date(999, 12, 31, 0, 0, 0, 0, time.UTC)) || tm.After(time.Date(10000, 1, 2, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("parseDate(%q) = %v, out of range", v, tm)
		}
		if y := tm.Year(); y >= 1000 && y <= 9999 {
			for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339, time.ANSIC} {
				s := tm.Format(layout)
				if back, ok := parseDate(s); !ok || !back.Equal(tm) {
					t.Fatalf("parseDate(%q) = %v; formatted %q it parses as %v, %v", v, tm, s, back, ok)
				}
			}
		}
	}
	if tm, ok := receivedDate(v); ok && tm.Location() != time.UTC {
		t.Fatalf("receivedDate(%q) = %v, not UTC", v, tm)
	}
}

func checkDecode(t *testing.T, v string) {
	var d headerDecoder
	s := d.decode(v)
	if bad := headerString(s); bad != "" {
		t.Fatalf("decode(%q) = %q: %s", v, s, bad)
	}
	if s != foldSpace(s) || !expansionOK(s, v) {
		t.Fatalf("decode(%q) = %q: not folded, or %d bytes from %d", v, s, len(s), len(v))
	}
	if len(d.unknown) > 10 {
		t.Fatalf("decode(%q) noted %d unknown charsets", v, len(d.unknown))
	}
	if !utf8.ValidString(v) {
		return
	}
	// What the standard library encodes must decode to the text (controls are spaces and
	// white space is folded in decoded headers).
	want := foldSpace(cleanControls(v))
	for _, enc := range []mime.WordEncoder{mime.QEncoding, mime.BEncoding} {
		w := enc.Encode("utf-8", v)
		if w == v {
			continue // nothing to encode: the value stays as it is
		}
		var d headerDecoder
		if got := d.decode(w); got != want {
			t.Fatalf("decode(%q) = %q; want %q (encoded from %q)", w, got, want, v)
		}
	}
}

func checkAddresses(t *testing.T, v string) {
	p := &parser{msg: &Message{}}
	as := p.addressList(v)
	if len(as) > maxAddresses {
		t.Fatalf("addressList(%q): %d addresses", v, len(as))
	}
	for _, a := range as {
		if bad := headerString(a.Name + a.Addr); bad != "" || strings.IndexFunc(a.Addr, unicode.IsSpace) >= 0 {
			t.Fatalf("addressList(%q): %+v: %s", v, a, bad)
		}
		if !expansionOK(a.Name, v) || !expansionOK(a.Addr, v) {
			t.Fatalf("addressList(%q): %+v: longer than the input allows", v, a)
		}
		if a.Name == "" && a.Addr == "" {
			t.Fatalf("addressList(%q): empty address", v)
		}
	}
	if a := p.firstAddr(v); a != strings.ToLower(a) || (a != "" && !strings.Contains(a, "@")) {
		t.Fatalf("firstAddr(%q) = %q", v, a)
	}
}

func checkListHeaders(t *testing.T, v string) {
	p := &parser{msg: &Message{}}
	var h message.Header
	for _, k := range []string{"List-Id", "List-Post", "X-Mailing-List", "Sender", "X-BeenThere", "Mailing-List", "To"} {
		h.Set(k, v)
	}
	id := p.listIdentity(h)
	for _, s := range append([]string{id.ID, id.Name, id.Source}, id.Candidates...) {
		if bad := headerString(s); bad != "" {
			t.Fatalf("listIdentity(%q) = %+v: %s", v, id, bad)
		}
	}
	if id.ID != strings.ToLower(id.ID) {
		t.Fatalf("listIdentity(%q).ID = %q, not lower-case", v, id.ID)
	}
	for _, c := range id.Candidates {
		if c != strings.ToLower(c) || c == "" {
			t.Fatalf("listIdentity(%q).Candidates = %q", v, id.Candidates)
		}
	}
	// MatchList takes globs: the ID with its meta characters escaped must match.
	if pat := globEscaper.Replace(id.ID); id.ID != "" && !MatchList([]string{pat}, id) {
		t.Fatalf("listIdentity(%q) = %+v, which its own ID does not match", v, id)
	}
}

var globEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)

func checkEncodings(t *testing.T, v string) {
	b := []byte(v)
	if out := decodeQP(b); len(out) > len(b) {
		t.Fatalf("decodeQP(%q) = %q: longer than the input", v, out)
	}
	if out := decodeBase64Lenient(b); len(out) > len(b)*3/4+1 {
		t.Fatalf("decodeBase64Lenient(%q) = %q: too long", v, out)
	}
	if out := decodeUTF7(b); !utf8.ValidString(out) || !expansionOK(out, v) {
		t.Fatalf("decodeUTF7(%q) = %q", v, out)
	}
	if e := normEncoding(v); e != strings.ToLower(e) || knownEncoding(v) != knownEncoding(e) {
		t.Fatalf("normEncoding(%q) = %q", v, e)
	}
	mt, params := parseMediaType(v)
	if mt != strings.ToLower(mt) || !isTokenish(mt) {
		t.Fatalf("parseMediaType(%q) = %q", v, mt)
	}
	for k := range params {
		if k != strings.ToLower(k) {
			t.Fatalf("parseMediaType(%q): parameter %q not lower-case", v, k)
		}
	}
	if strings.Count(v, "'") >= 2 {
		if out := decode2231(v); !utf8.ValidString(out) {
			t.Fatalf("decode2231(%q) = %q: invalid UTF-8", v, out)
		}
	}
}
