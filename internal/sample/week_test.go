package sample

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"listdigest/internal/mailparse"
)

// weekEnd is the end the tests place the week before (a Monday morning in Sydney).
var weekEnd = time.Date(2026, 3, 8, 20, 30, 0, 0, time.UTC)

// leaf is one MIME leaf of a message, decoded from its transfer encoding but not
// from its charset, found by a walk independent of mailparse.
type leaf struct {
	contentType, charset, cte, disposition, filename string
	parent                                           string // media type of the enclosing multipart, "" at the top
	body                                             []byte
}

// parsed is one message of the week with everything the tests look at.
type parsed struct {
	WeekMessage
	m      *mailparse.Message
	header mail.Header
	leaves []leaf
}

// list names the list a message file belongs to: "lmnet", "oztl" or "aisle".
func (p parsed) list() string {
	l, _, _ := strings.Cut(p.Name, "-")
	return l
}

func parseWeek(t *testing.T, end time.Time) []parsed {
	t.Helper()
	week := Week(end)
	out := make([]parsed, 0, len(week))
	for _, w := range week {
		m, err := mailparse.Parse(w.Data, mailparse.Options{Now: func() time.Time { return end }})
		if err != nil {
			t.Errorf("%s: mailparse: %v", w.Name, err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(w.Data))
		if err != nil {
			t.Fatalf("%s: net/mail: %v", w.Name, err)
		}
		body, err := io.ReadAll(msg.Body)
		if err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		leaves, err := walkMIME(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"),
			msg.Header.Get("Content-Disposition"), body, "", nil)
		if err != nil {
			t.Errorf("%s: MIME structure: %v", w.Name, err)
		}
		out = append(out, parsed{WeekMessage: w, m: m, header: msg.Header, leaves: leaves})
	}
	return out
}

// walkMIME lists the leaves of a MIME entity, decoding transfer encodings strictly.
func walkMIME(ctype, cte, disp string, body []byte, parent string, out []leaf) ([]leaf, error) {
	mt, params, err := mime.ParseMediaType(ctype)
	if ctype == "" {
		mt, params, err = "text/plain", map[string]string{}, nil
	}
	if err != nil {
		return out, err
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		n := 0
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return out, err
			}
			b, err := io.ReadAll(p)
			if err != nil {
				return out, err
			}
			n++
			out, err = walkMIME(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), b, mt, out)
			if err != nil {
				return out, err
			}
		}
		if n == 0 {
			return out, io.ErrUnexpectedEOF
		}
		return out, nil
	}
	l := leaf{contentType: mt, charset: strings.ToLower(params["charset"]), cte: strings.ToLower(cte), parent: parent}
	if disp != "" {
		d, dp, err := mime.ParseMediaType(disp)
		if err != nil {
			return out, err
		}
		l.disposition, l.filename = d, dp["filename"]
	}
	switch l.cte {
	case "quoted-printable":
		l.body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	case "base64":
		l.body, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body)))
	case "", "7bit", "8bit":
		l.body = body
	default:
		return out, io.ErrUnexpectedEOF
	}
	return append(out, l), err
}

func TestWeekDeterministic(t *testing.T) {
	a, b := Week(weekEnd), Week(weekEnd)
	if len(a) != len(b) {
		t.Fatalf("Week gave %d then %d messages", len(a), len(b))
	}
	later := Week(weekEnd.Add(90 * time.Minute))
	for i := range a {
		if a[i].Name != b[i].Name || !a[i].Date.Equal(b[i].Date) || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("message %d (%s) differs between calls with the same end", i, a[i].Name)
		}
		if later[i].Name != a[i].Name {
			t.Errorf("message %d: %s with one end, %s with an end 90 minutes later", i, a[i].Name, later[i].Name)
			continue
		}
		if d := later[i].Date.Sub(a[i].Date); d != 90*time.Minute {
			t.Errorf("%s: moving end by 90 minutes moved Date by %v", a[i].Name, d)
		}
		if bytes.Equal(later[i].Data, a[i].Data) {
			t.Errorf("%s: the same bytes for two different ends", a[i].Name)
		}
	}
}

func TestWeekDates(t *testing.T) {
	for _, end := range []time.Time{
		weekEnd,
		time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -8*3600)),
		time.Now(),
	} {
		week := Week(end)
		if len(week) < 45 || len(week) > 60 {
			t.Errorf("end %v: %d messages, want 45-60", end, len(week))
		}
		if !sort.SliceIsSorted(week, func(i, j int) bool { return week[i].Date.Before(week[j].Date) }) {
			t.Errorf("end %v: messages are not sorted by Date", end)
		}
		for _, w := range week {
			if !w.Date.Before(end) {
				t.Errorf("end %v: %s is dated %v, not before end", end, w.Name, w.Date)
			}
			if end.Sub(w.Date) >= 7*24*time.Hour {
				t.Errorf("end %v: %s is dated %v, more than seven days before end", end, w.Name, w.Date)
			}
		}
		first, last := week[0].Date, week[len(week)-1].Date
		if span := last.Sub(first); span <= 5*24*time.Hour {
			t.Errorf("end %v: the week spans only %v", end, span)
		}
		if gap := end.Sub(last); gap >= 24*time.Hour {
			t.Errorf("end %v: the newest message is %v old", end, gap)
		}
		// Every end here is in the past, so the parser's default options, which judge
		// dates against the real clock, must take every Date header as it is.
		for _, w := range week {
			m, err := mailparse.Parse(w.Data, mailparse.Options{})
			if err != nil || m.DateSource != "date" || !m.Date.Equal(w.Date) {
				t.Errorf("end %v: %s: date %v from %q, err %v; want %v from the Date header", end, w.Name, m.Date, m.DateSource, err, w.Date)
			}
		}
	}
}

var (
	nameRE   = regexp.MustCompile(`^(lmnet|oztl|aisle)-\d\d-[a-z0-9]+(-[a-z0-9]+)*\.eml$`)
	atRE     = regexp.MustCompile(`@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)`)
	urlRE    = regexp.MustCompile(`https?://([A-Za-z0-9.-]+)`)
	domainOK = regexp.MustCompile(`(?i)(^|\.)example\.(com|org|net|edu|edu\.au)$`)
)

func TestWeekRaw(t *testing.T) {
	week := Week(weekEnd)
	names := map[string]bool{}
	perList := map[string]int{}
	for _, w := range week {
		if !nameRE.MatchString(w.Name) {
			t.Errorf("%s: name does not follow list-NN-slug.eml", w.Name)
		}
		if names[w.Name] {
			t.Errorf("%s: name used twice", w.Name)
		}
		names[w.Name] = true
		list, _, _ := strings.Cut(w.Name, "-")
		perList[list]++
		data := string(w.Data)
		if strings.Contains(strings.ReplaceAll(data, "\r\n", ""), "\n") {
			t.Errorf("%s: bare LF", w.Name)
		}
		if strings.Contains(strings.ReplaceAll(data, "\r\n", ""), "\r") {
			t.Errorf("%s: bare CR", w.Name)
		}
		for _, marker := range []string{"{{", "}}", "%%include", "%%end", "{%"} {
			if strings.Contains(data, marker) {
				t.Errorf("%s: placeholder or build marker %q left in the message", w.Name, marker)
			}
		}
		for i, line := range strings.Split(data, "\r\n") {
			if len(line) > 998 {
				t.Errorf("%s: line %d is %d bytes, over RFC 5322's 998", w.Name, i+1, len(line))
			}
		}
		if !utf8.ValidString(data) {
			t.Errorf("%s: the raw message is not ASCII or UTF-8 (8-bit legacy charsets must be transfer-encoded)", w.Name)
		}
		h, _, _ := strings.Cut(data, "\r\n\r\n")
		var date string
		for _, line := range strings.Split(h, "\r\n") {
			if v, ok := strings.CutPrefix(line, "Date: "); ok {
				date = v
			}
		}
		if got, err := mail.ParseDate(date); err != nil || !got.Equal(w.Date) {
			t.Errorf("%s: Date header %q (%v) does not match WeekMessage.Date %v", w.Name, date, err, w.Date)
		}
	}
	for _, l := range []string{"lmnet", "oztl", "aisle"} {
		if perList[l] < 10 {
			t.Errorf("list %s has %d messages, want at least 10", l, perList[l])
		}
	}
}

// TestWeekDomains checks that every address, Message-ID and link, in the headers and
// in the decoded bodies, is on a reserved example domain.
func TestWeekDomains(t *testing.T) {
	for _, p := range parseWeek(t, weekEnd) {
		head, _, _ := strings.Cut(string(p.Data), "\r\n\r\n")
		texts := []string{strings.ReplaceAll(head, "\r\n ", " ")}
		for _, l := range p.leaves {
			texts = append(texts, string(l.body))
		}
		for _, text := range texts {
			for _, m := range atRE.FindAllStringSubmatch(text, -1) {
				if !domainOK.MatchString(m[1]) {
					t.Errorf("%s: address or id on a non-example domain: %s", p.Name, m[0])
				}
			}
			for _, m := range urlRE.FindAllStringSubmatch(text, -1) {
				if !domainOK.MatchString(m[1]) && m[1] != "www.w3.org" {
					t.Errorf("%s: link to a non-example host: %s", p.Name, m[0])
				}
			}
		}
	}
}

func TestWeekParse(t *testing.T) {
	type listWant struct {
		id, name, tag string
	}
	want := map[string]listWant{
		"lmnet": {"lm_net.listserv.example.edu", "LM_NET", ""},
		"oztl":  {"oztl_net.lists.example.edu.au", "oztl_net", "[OZTL_NET]"},
		"aisle": {"aisle.lists.example.org", "aisle", "[aisle]"},
	}
	for _, p := range parseWeek(t, weekEnd) {
		m, lw := p.m, want[p.list()]
		if m.Synthetic {
			t.Errorf("%s: no usable Message-ID", p.Name)
		}
		if len(m.Notes) > 0 {
			t.Errorf("%s: mailparse notes %q", p.Name, m.Notes)
		}
		// Received headers, newest on top, are stamped after the Date and before end.
		prev := weekEnd
		for i, v := range p.header["Received"] {
			rt, err := mail.ParseDate(strings.TrimSpace(v[strings.LastIndexByte(v, ';')+1:]))
			switch {
			case err != nil:
				t.Errorf("%s: Received header %d: %v", p.Name, i+1, err)
			case rt.After(prev) || rt.Before(p.Date) || !rt.Before(weekEnd):
				t.Errorf("%s: Received header %d at %v is out of order (Date %v)", p.Name, i+1, rt, p.Date)
			default:
				prev = rt
			}
		}
		if m.DateSource != "date" || !m.Date.Equal(p.Date) {
			t.Errorf("%s: parsed date %v (%s), want %v", p.Name, m.Date, m.DateSource, p.Date)
		}
		if m.List.ID != lw.id || !strings.EqualFold(m.List.Name, lw.name) {
			t.Errorf("%s: list %q (%q, from %s), want %q (%q)", p.Name, m.List.ID, m.List.Name, m.List.Source, lw.id, lw.name)
		}
		if !strings.Contains(m.Subject, lw.tag) {
			t.Errorf("%s: subject %q lacks the list tag %q", p.Name, m.Subject, lw.tag)
		}
		if strings.Contains(m.Subject, "=?") || strings.ContainsRune(m.Subject, utf8.RuneError) {
			t.Errorf("%s: subject not decoded: %q", p.Name, m.Subject)
		}
		if strings.TrimSpace(m.Text) == "" || strings.ContainsRune(m.Text, utf8.RuneError) {
			t.Errorf("%s: text is empty or has replacement characters (source %q)", p.Name, m.TextSource)
		}
		if m.Footer == "" {
			t.Errorf("%s: the list footer was not recognised", p.Name)
		}
		if m.From.Addr == "" || strings.Contains(strings.ToLower(m.From.Addr), "lm_net@") ||
			strings.Contains(m.From.Addr, "@lists.") || strings.Contains(m.From.Name, " via ") {
			t.Errorf("%s: author %+v is the list, not a person", p.Name, m.From)
		}
		h := p.header
		switch p.list() {
		case "lmnet":
			if h.Get("List-Id") != "" || h.Get("Sender") != "School Library Media & Network Communications <LM_NET@LISTSERV.EXAMPLE.EDU>" {
				t.Errorf("%s: not LISTSERV-like: List-Id %q, Sender %q", p.Name, h.Get("List-Id"), h.Get("Sender"))
			}
			for _, k := range []string{"List-Help", "List-Unsubscribe", "List-Subscribe", "List-Owner", "List-Archive"} {
				if h.Get(k) == "" {
					t.Errorf("%s: no %s header", p.Name, k)
				}
			}
			for _, s := range []string{"SIGNOFF LM_NET", "SET LM_NET NOMAIL", "SET LM_NET DIGEST"} {
				if !strings.Contains(m.Footer, s) {
					t.Errorf("%s: footer lacks %q", p.Name, s)
				}
			}
		case "oztl", "aisle":
			if h.Get("X-Mailman-Version") == "" || !strings.HasSuffix(h.Get("List-Id"), "<"+lw.id+">") {
				t.Errorf("%s: not Mailman-like: X-Mailman-Version %q, List-Id %q", p.Name, h.Get("X-Mailman-Version"), h.Get("List-Id"))
			}
			if !strings.Contains(m.Footer, "mailman/listinfo") {
				t.Errorf("%s: footer %q is not Mailman's", p.Name, m.Footer)
			}
		}
		if p.list() == "aisle" {
			// DMARC rewriting: the list's address in From, the author in Reply-To.
			if !strings.HasSuffix(m.HeaderFrom.Name, " via AISLE") || m.HeaderFrom.Addr != "aisle@lists.example.org" ||
				len(m.ReplyTo) == 0 || m.From.Addr != m.ReplyTo[0].Addr {
				t.Errorf("%s: not DMARC-rewritten as expected: From %+v, Reply-To %+v, author %+v", p.Name, m.HeaderFrom, m.ReplyTo, m.From)
			}
		}
	}
}

func TestWeekThreads(t *testing.T) {
	week := parseWeek(t, weekEnd)
	byID := map[string]parsed{}
	for _, p := range week {
		if q, dup := byID[p.m.MessageID]; dup {
			t.Errorf("%s and %s share Message-ID %s", q.Name, p.Name, p.m.MessageID)
		}
		byID[p.m.MessageID] = p
	}
	replies := map[string]int{} // thread root -> number of replies below it
	for _, p := range week {
		for _, id := range append(append([]string{}, p.m.InReplyTo...), p.m.References...) {
			parent, ok := byID[id]
			if !ok {
				t.Errorf("%s: refers to %s, which is not in the week", p.Name, id)
				continue
			}
			if !parent.Date.Before(p.Date) {
				t.Errorf("%s: refers to %s, which is not older", p.Name, parent.Name)
			}
			if parent.list() != p.list() {
				t.Errorf("%s: refers to %s on another list", p.Name, parent.Name)
			}
		}
		if len(p.m.InReplyTo) > 0 {
			root := p
			for len(root.m.InReplyTo) > 0 {
				parent, ok := byID[root.m.InReplyTo[0]]
				if !ok {
					break
				}
				root = parent
			}
			replies[root.Name]++
		}
	}
	deep, several := 0, 0
	for _, n := range replies {
		if n >= 3 {
			deep++
		}
		if n >= 2 {
			several++
		}
	}
	if deep < 1 || several < 4 {
		t.Errorf("%d threads have 3 or more replies by In-Reply-To and %d have 2 or more, want at least 1 and 4 (%v)", deep, several, replies)
	}
	// A reply chain of depth 2 with References listing the whole chain.
	chained := 0
	for _, p := range week {
		if len(p.m.References) >= 2 && len(p.m.InReplyTo) == 1 && p.m.References[len(p.m.References)-1] == p.m.InReplyTo[0] {
			chained++
		}
	}
	if chained < 2 {
		t.Errorf("%d replies carry a References chain of 2 or more, want at least 2", chained)
	}
}

// feature is one thing the sample must show, with the least number of messages showing it.
type feature struct {
	name string
	min  int
	has  func(p parsed) bool
}

func hasLeaf(p parsed, f func(l leaf) bool) bool {
	for _, l := range p.leaves {
		if f(l) {
			return true
		}
	}
	return false
}

func rawSubject(p parsed) string {
	return strings.ToLower(strings.Join(p.header["Subject"], " "))
}

func TestWeekFeatures(t *testing.T) {
	week := parseWeek(t, weekEnd)
	threadIndexes := map[string]bool{}
	for _, p := range week {
		if b, err := base64.StdEncoding.DecodeString(p.m.ThreadIndex); err == nil && len(b) == 22 {
			threadIndexes[string(b)] = true
		}
	}
	bigDisclaimer := regexp.MustCompile(`(?s)intended\s+recipient.{300,}Department`)
	features := []feature{
		{"TARGET: request", 2, func(p parsed) bool { return strings.Contains(p.m.Subject, "TARGET: ") }},
		{"TARGET-> request", 1, func(p parsed) bool { return strings.Contains(p.m.Subject, "TARGET-> ") }},
		{"GEN: post", 3, func(p parsed) bool { return strings.Contains(p.m.Subject, "GEN: ") }},
		{"TECH: post", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "TECH: ") }},
		{"JOBS: post on each Australian and US list", 2, func(p parsed) bool { return strings.Contains(p.m.Subject, "JOBS: ") }},
		{"INTRO: post", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "[OZTL_NET] INTRO: ") }},
		{"CLASS: post", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "[OZTL_NET] CLASS: ") }},
		{"Outlook reply: RE:, no In-Reply-To/References, Thread-Index and Thread-Topic, quoted header block", 3, func(p parsed) bool {
			m := p.m
			quoted := strings.Contains(m.Text, "-----Original Message-----") ||
				(strings.Contains(m.Text, "\nFrom: ") && strings.Contains(m.Text, "\nSent: ") && strings.Contains(m.Text, "\nSubject: "))
			return strings.HasPrefix(m.Subject, "RE: ") && len(m.InReplyTo) == 0 && len(m.References) == 0 &&
				m.ThreadIndex != "" && m.ThreadTopic != "" && quoted
		}},
		{"Thread-Index continuing another message's (22 bytes + 5)", 1, func(p parsed) bool {
			b, err := base64.StdEncoding.DecodeString(p.m.ThreadIndex)
			return err == nil && len(b) == 27 && threadIndexes[string(b[:22])]
		}},
		{"localised reply prefix AW:", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "AW: ") }},
		{"localised reply prefix SV: without In-Reply-To", 1, func(p parsed) bool {
			return strings.HasPrefix(p.m.Subject, "SV: ") && len(p.m.InReplyTo) == 0
		}},
		{"list tag before the reply prefix", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "[aisle] Re: ") }},
		{"reply to the digest", 1, func(p parsed) bool { return strings.HasPrefix(p.m.Subject, "Re: LM_NET Digest - ") }},
		{"HTML-only message", 2, func(p parsed) bool {
			return p.m.ContentType == "text/html" && p.m.TextSource == "text/html" && len(p.leaves) == 1 &&
				p.leaves[0].cte == "quoted-printable"
		}},
		{"HTML-only with inline styles, a tracking pixel and a script", 1, func(p parsed) bool {
			if p.m.ContentType != "text/html" {
				return false
			}
			h := strings.ToLower(string(p.leaves[0].body))
			return strings.Contains(h, "<script") && strings.Contains(h, `width="1" height="1"`) && strings.Contains(h, `style="`)
		}},
		{"multipart/alternative", 8, func(p parsed) bool {
			return hasLeaf(p, func(l leaf) bool { return l.parent == "multipart/alternative" && l.contentType == "text/html" })
		}},
		{"Mailman footer as a separate MIME part", 8, func(p parsed) bool {
			n := len(p.leaves)
			return n > 1 && p.leaves[n-1].disposition == "inline" && strings.Contains(string(p.leaves[n-1].body), "mailman/listinfo")
		}},
		{"windows-1252 quoted-printable with smart quotes and an en dash", 2, func(p parsed) bool {
			return hasLeaf(p, func(l leaf) bool {
				return l.charset == "windows-1252" && l.cte == "quoted-printable" && bytes.Contains(l.body, []byte{0x92}) &&
					bytes.Contains(l.body, []byte{0x93}) && bytes.Contains(l.body, []byte{0x96})
			}) && strings.Contains(p.m.Text, "’") && strings.Contains(p.m.Text, "–")
		}},
		{"ISO-8859-1 text", 1, func(p parsed) bool {
			return hasLeaf(p, func(l leaf) bool { return l.charset == "iso-8859-1" && bytes.Contains(l.body, []byte("r\xe9sum\xe9")) }) &&
				strings.Contains(p.m.Text, "résumé") && strings.Contains(p.m.Text, "naïve")
		}},
		{"UTF-8 base64 with te reo Māori macrons and emoji", 1, func(p parsed) bool {
			return hasLeaf(p, func(l leaf) bool {
				return l.charset == "utf-8" && l.cte == "base64" && bytes.Contains(l.body, []byte("Māori")) && bytes.Contains(l.body, []byte("📚"))
			}) && strings.Contains(p.m.Text, "kōrero")
		}},
		{"UTF-8 8bit text", 2, func(p parsed) bool {
			return hasLeaf(p, func(l leaf) bool { return l.charset == "utf-8" && l.cte == "8bit" && !isASCII(string(l.body)) })
		}},
		{"RFC 2047 UTF-8 Q subject", 3, func(p parsed) bool { return strings.Contains(rawSubject(p), "=?utf-8?q?") }},
		{"RFC 2047 windows-1252 Q subject", 1, func(p parsed) bool { return strings.Contains(rawSubject(p), "=?windows-1252?q?") }},
		{"RFC 2047 ISO-8859-1 subject", 1, func(p parsed) bool { return strings.Contains(rawSubject(p), "=?iso-8859-1?q?") }},
		{"emoji in a subject", 1, func(p parsed) bool { return strings.Contains(p.m.Subject, "📚") }},
		{"auto-reply with Auto-Submitted and an Out of Office: subject", 1, func(p parsed) bool {
			return p.m.AutoSubmitted == "auto-replied" && strings.HasPrefix(p.m.Subject, "Out of Office: ")
		}},
		{"auto-reply without Auto-Submitted, with X-Autoreply", 1, func(p parsed) bool {
			return p.m.AutoSubmitted == "" && strings.EqualFold(p.m.XAutoreply, "yes")
		}},
		{"auto-reply without Auto-Submitted or X-Autoreply, Automatic reply: subject only", 1, func(p parsed) bool {
			return p.m.AutoSubmitted == "" && p.m.XAutoreply == "" && strings.HasPrefix(p.m.Subject, "Automatic reply: ")
		}},
		{"unsubscribe sent to the list", 1, func(p parsed) bool {
			return strings.EqualFold(p.m.Subject, "unsubscribe") && strings.HasPrefix(p.m.Text, "unsubscribe")
		}},
		{"small PDF attachment", 1, func(p parsed) bool {
			ok := false
			for _, part := range p.m.Parts {
				ok = ok || (part.Filename == "Year5-resilience-booklist.pdf" && part.ContentType == "application/octet-stream" &&
					part.Disposition == "attachment")
			}
			return ok && hasLeaf(p, func(l leaf) bool {
				return l.filename == "Year5-resilience-booklist.pdf" && l.cte == "base64" && len(l.body) >= 1000 && len(l.body) <= 2048 &&
					bytes.HasPrefix(l.body, []byte("%PDF-1.")) && bytes.HasSuffix(l.body, []byte("%%EOF\n"))
			})
		}},
		{"Sent from my iPad", 2, func(p parsed) bool { return strings.Contains(p.m.Text, "Sent from my iPad") }},
		{"Sent from my iPhone", 1, func(p parsed) bool { return strings.Contains(p.m.Text, "Sent from my iPhone") }},
		{"long education-department disclaimer", 2, func(p parsed) bool { return bigDisclaimer.MatchString(p.m.Text) }},
		{"Gmail reply quoting the whole message with the list footer", 3, func(p parsed) bool {
			return strings.Contains(p.m.Text, " wrote:\n") && strings.Contains(p.m.Text, "> _______________________________________________\n> AISLE mailing list")
		}},
		{"Apple Mail reply quoting the parent", 2, func(p parsed) bool { return regexp.MustCompile(`> On .*, at .* wrote:`).MatchString(p.m.Text) }},
		{"Australian content", 6, func(p parsed) bool {
			return p.list() == "oztl" && regexp.MustCompile(`ClickView|Gallipoli|Anzac|Premier’s Reading Challenge|Year 5|Oliver|Term 2`).MatchString(p.m.Text)
		}},
		{"library systems named", 5, func(p parsed) bool { return regexp.MustCompile(`Destiny|Oliver`).MatchString(p.m.Text) }},
	}
	for _, f := range features {
		var hits []string
		for _, p := range week {
			if f.has(p) {
				hits = append(hits, p.Name)
			}
		}
		if len(hits) < f.min {
			t.Errorf("feature %q: %d messages %v, want at least %d", f.name, len(hits), hits, f.min)
		} else {
			t.Logf("%-45.45s %v", f.name, hits)
		}
	}
}

// TestWeekHits checks the TARGET/HIT protocol: each HIT is a new message, posted
// after a TARGET on the same list with the same topic, and restates the request.
func TestWeekHits(t *testing.T) {
	week := parseWeek(t, weekEnd)
	topic := regexp.MustCompile(`^(?:\[[^]]+\] )?(?:TARGET|HIT) ?(?::|->) ?(.*)$`)
	hits := 0
	for _, h := range week {
		hm := topic.FindStringSubmatch(h.m.Subject)
		if hm == nil || !strings.Contains(h.m.Subject, "HIT") {
			continue
		}
		hits++
		if len(h.m.InReplyTo) > 0 || len(h.m.References) > 0 {
			t.Errorf("%s: a HIT is a new message, but it has In-Reply-To/References", h.Name)
		}
		found := false
		for _, p := range week {
			pm := topic.FindStringSubmatch(p.m.Subject)
			if pm != nil && strings.Contains(p.m.Subject, "TARGET") && pm[1] == hm[1] && p.list() == h.list() && p.Date.Before(h.Date) {
				found = true
				if !strings.Contains(h.m.Text, "request") {
					t.Errorf("%s: does not restate the request", h.Name)
				}
			}
		}
		if !found {
			t.Errorf("%s: no earlier TARGET with topic %q on the same list", h.Name, hm[1])
		}
	}
	if hits < 2 {
		t.Errorf("%d HITs, want at least 2", hits)
	}
}

func TestExpandWeek(t *testing.T) {
	end := time.Date(2026, 3, 9, 7, 30, 0, 0, time.UTC) // end minus 26h13m is Sunday 8 March, 05:17 UTC
	for _, tc := range []struct{ in, want string }{
		{"{{ago 26h13m +1100}}", "Sun, 8 Mar 2026 16:17:00 +1100"},
		{"{{ago 26h13m -0500}}", "Sun, 8 Mar 2026 00:17:00 -0500"},
		{"{{ago 26h12m31s +0000}}", "Sun, 8 Mar 2026 05:17:29 +0000"},
		{"{{agolong 26h13m +1100}}", "Sunday, 8 March 2026 4:17 PM"},
		{"{{agous 26h13m -0500}}", "Sunday, March 8, 2026 12:17 AM"},
		{"{{agogmail 26h13m -0600}}", "Sat, Mar 7, 2026 at 11:17 PM"},
		{"{{agogmailau 26h13m +0930}}", "Sun, 8 Mar 2026 at 2:47 pm"},
		{"{{agoapple 26h13m +1100}}", "8 Mar 2026, at 4:17 pm"},
		{"{{agoappleus 26h13m -0700}}", "Mar 7, 2026, at 10:17 PM"},
		{"{{agotb 26h13m -0500}}", "3/8/26 12:17 AM"},
		{"{{agotbau 26h13m +1000}}", "8/3/2026 3:17 pm"},
		{"{{agoday 26h13m +1300}}", "8 Mar 2026"},
		{"{{agode 26h13m +0100}}", "Sonntag, 8. März 2026 06:17"},
		{"{{agosv 26h13m +0100}}", "den 8 mars 2026 06:17"},
		{"a\nb\r\nc {{ago 1h +0000}}\n", "a\r\nb\r\nc Mon, 9 Mar 2026 06:30:00 +0000\r\n"},
	} {
		got, err := expandWeek([]byte(tc.in), end)
		if err != nil || string(got) != tc.want {
			t.Errorf("expandWeek(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		"{{ago 26h13m}}", "{{agone 1h +0000}}", "{{ago 1d +0000}}", "{{ago -1h +0000}}", "{{ago 168h +0000}}",
		"{{ago 1h +25:00}}", "{{ago 1h 0000}}", "{{ago 1h +0000", "Date: {{ago 1h +1100}} {{x}}",
	} {
		if got, err := expandWeek([]byte(bad), end); err == nil {
			t.Errorf("expandWeek(%q) = %q, want an error", bad, got)
		}
	}
}
