package mailparse

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestParseFixtures checks the fields that matter for each list-mail fixture.
func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		// Expected values; zero values are not checked unless noted.
		msgID       string
		synthetic   bool
		inReplyTo   []string
		references  []string
		subject     string
		from        Address
		headerFrom  Address
		date        time.Time
		dateSource  string
		listID      string
		listName    string
		listSource  string
		textSource  string
		textHas     []string // substrings of Text
		textHasNot  []string
		footerHas   []string
		footerEmpty bool
		errClass    error // nil: Parse must return no error
		errText     string
		noteHas     string
		check       func(t *testing.T, m *Message)
	}{
		{
			file:       "lmnet_target.eml",
			msgID:      "CAF3k9Zq2=xY7e@mail.lincoln.k12.ny.us",
			subject:    "TARGET-> Graphic novels for reluctant 5th grade readers",
			from:       Address{Name: "Mary Okafor", Addr: "mokafor@lincoln.k12.ny.us"},
			date:       time.Date(2026, 3, 3, 14, 4, 33, 0, time.UTC),
			dateSource: "date",
			listID:     "lm_net.listserv.syr.edu",
			listName:   "LM_NET",
			listSource: "Sender",
			textSource: "text/plain",
			textHas:    []string{"If enough of you reply, I'll post a HIT. TIA!", "mokafor@lincoln.k12.ny.us"},
			textHasNot: []string{"protected by copyright", "To unsubscribe", "####"},
			footerHas:  []string{"All LM_NET postings are protected by copyright law.", "To unsubscribe from the LM_NET list"},
			check: func(t *testing.T, m *Message) {
				if m.Precedence != "list" {
					t.Errorf("Precedence = %q; want list", m.Precedence)
				}
				if !strings.HasSuffix(m.Text, "mokafor@lincoln.k12.ny.us") {
					t.Errorf("Text does not end with the ID signature: %q", m.Text)
				}
			},
		},
		{
			file:       "lmnet_dmarc.eml",
			inReplyTo:  []string{"CAF3k9Zq2=xY7e@mail.lincoln.k12.ny.us"},
			references: []string{"CAF3k9Zq2=xY7e@mail.lincoln.k12.ny.us", "abc123.fd21@westfield.k12.nj.us"},
			from:       Address{Name: "Jane Smith", Addr: "jsmith@westfield.k12.nj.us"},
			headerFrom: Address{Name: "Jane Smith <jsmith@westfield.k12.nj.us> via LM_NET", Addr: "LM_NET@LISTSERV.SYR.EDU"},
			listID:     "lm_net.listserv.syr.edu",
			listName:   "LM_NET",
			textSource: "text/plain",
			// iso-8859-1 is read as windows-1252: =96 is an en dash, not a C1 control.
			textHas:    []string{"Hilo (Judd Winick) – \"a guaranteed hit\"", "Westfield Middle School"},
			textHasNot: []string{"=====", "SIGNOFF"},
			footerHas:  []string{"To quit LM_NET (or set NOMAIL or DIGEST)", "SIGNOFF LM_NET"},
		},
		{
			file:       "oztl_mailman_html.eml",
			subject:    "[OZTL_NET] GEN: Year 7 reading list - Australian history",
			from:       Address{Name: "Lyn Hay", Addr: "lhay@wagga-h.schools.nsw.edu.au"},
			headerFrom: Address{Name: "Lyn Hay via OZTL_NET", Addr: "oztl_net@lists.csu.edu.au"},
			listID:     "oztl_net.lists.csu.edu.au",
			listName:   "OZTL_NET",
			listSource: "List-Id",
			// The footer part is text/plain, but it must not beat the HTML body.
			textSource: "text/html",
			textHas:    []string{"Does anyone have a", "Year 7 reading list", "Lyn Hay\nTeacher Librarian"},
			textHasNot: []string{"mailing list", "listinfo", "\n\n\n", "\u00a0"},
			footerHas:  []string{"OZTL_NET mailing list", "https://lists.csu.edu.au/mailman/listinfo/oztl_net"},
			check: func(t *testing.T, m *Message) {
				if m.ThreadIndex != "AdqN1k3m9Z2Xq0b7Tz6rYy0Z8b4w1A==" || m.ThreadTopic != "Year 7 reading list - Australian history" {
					t.Errorf("ThreadIndex, ThreadTopic = %q, %q", m.ThreadIndex, m.ThreadTopic)
				}
				if len(m.Parts) != 2 || m.Parts[0].ContentType != "text/html" || m.Parts[1].Disposition != "inline" {
					t.Errorf("Parts = %+v", m.Parts)
				}
				if m.ContentType != "multipart/mixed" {
					t.Errorf("ContentType = %q", m.ContentType)
				}
			},
		},
		{
			file:       "aisle_plain_footer.eml",
			subject:    "[aisle] Library plans",
			from:       Address{Name: "Kulesza, Patty", Addr: "pkulesza@d123.org"},
			listID:     "aisle.list.railslibraries.info",
			listName:   "aisle",
			textSource: "text/plain",
			// format=flowed is unwrapped.
			textHas:    []string{"library plan. Has anyone written one", "Patty"},
			textHasNot: []string{"listinfo"},
			footerHas:  []string{"AISLE mailing list", "listinfo/aisle"},
		},
		{
			file:       "outlook_html_1252.eml",
			from:       Address{Name: "Renée Dubois", Addr: "rdubois@district.org"},
			textSource: "text/html",
			textHas:    []string{"We’ve had great luck with “Diary of a Wimpy Kid” and the “Big Nate” series – both", "Café chat Thursday?\n\nRenée Dubois"},
			textHasNot: []string{"MsoNormal", "&nbsp;", "\n\n\n"},
			check: func(t *testing.T, m *Message) {
				if m.ThreadIndex == "" || m.InReplyTo != nil {
					t.Errorf("ThreadIndex = %q, InReplyTo = %q; want a Thread-Index and no In-Reply-To", m.ThreadIndex, m.InReplyTo)
				}
			},
		},
		{
			file:       "iso2022jp.eml",
			subject:    "図書館だより 3月号",
			from:       Address{Name: "山田 花子", Addr: "hanako@school.example.jp"},
			date:       time.Date(2026, 3, 6, 8, 0, 0, 0, time.UTC),
			textSource: "text/plain",
			textHas:    []string{"3月の新着図書のお知らせです。"},
		},
		{
			file:       "gbk.eml",
			subject:    "图书馆新书推荐", // split across two encoded words inside a character
			from:       Address{Name: "李老师", Addr: "li@school.example.cn"},
			textSource: "text/plain",
			textHas:    []string{"本周新书已上架"},
		},
		{
			file:       "koi8r.eml",
			subject:    "Список литературы",
			textSource: "text/plain",
			textHas:    []string{"Добрый день, коллеги!"},
		},
		{
			file:       "base64_utf8.eml",
			subject:    "Café – résumé ✓",
			from:       Address{Name: "Zoë François", Addr: "zoe@example.edu"},
			textSource: "text/plain",
			textHas:    []string{"Bonjour à tous 👋", "« Le Petit Prince »"},
		},
		{
			file:      "missing_msgid.eml",
			synthetic: true,
			noteHas:   "no Message-ID",
			check: func(t *testing.T, m *Message) {
				if !strings.HasSuffix(m.MessageID, "@listdigest.invalid") || len(m.MessageID) != 32+len("@listdigest.invalid") {
					t.Errorf("MessageID = %q; want 32 hex digits @listdigest.invalid", m.MessageID)
				}
			},
		},
		{
			file:       "truncated_id_bad_date.eml",
			inReplyTo:  []string{"200704070053.46646.other.person@example"},
			from:       Address{Name: "Jane Doe", Addr: "jane@example.com"},
			date:       time.Date(2026, 3, 1, 22, 43, 55, 0, time.UTC),
			dateSource: "received",
			errClass:   ErrBadDate,
			errText:    `header Date: absurd date "Thu, 01 Jan 1970 00:00:00 +0000"`,
			textHas:    []string{"Here is my list."},
		},
		{
			file:       "unknown_charset.eml",
			textSource: "text/plain",
			textHas:    []string{"Naïve café owners “quote” here."},
			errClass:   ErrUnknownCharset,
			errText:    `part 1: unknown charset "x-mac-klingon"`,
			noteHas:    "x-mac-klingon",
		},
		{
			file:     "unknown_cte.eml",
			textHas:  []string{"Export attached."},
			errClass: ErrUnknownEncoding,
			errText:  `part 2: unknown transfer encoding "x-uue"`,
			check: func(t *testing.T, m *Message) {
				if len(m.Parts) != 2 || m.Parts[1].Filename != "export.dat" || m.Parts[1].Disposition != "attachment" {
					t.Errorf("Parts = %+v", m.Parts)
				}
			},
		},
		{
			file:       "google_groups.eml",
			from:       Address{Name: "Ana Lopez", Addr: "alopez@district9.org"},
			headerFrom: Address{Name: "'Ana Lopez' via School Librarians", Addr: "school-librarians@googlegroups.com"},
			listID:     "school-librarians.googlegroups.com",
			listName:   "school-librarians",
			textHas:    []string{"makerspace consumables"},
			textHasNot: []string{"You received this message"},
			footerHas:  []string{"You received this message because you are subscribed to the Google Groups"},
		},
		{
			file:        "raw8bit_autoreply.eml",
			subject:     "Abwesenheitsnotiz: Frösche und Hasen",
			from:        Address{Name: "Jürgen Müller", Addr: "jm@schule.example.de"},
			date:        time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC), // "9 Mar 26 10:00 EST"
			textHas:     []string{"16. März nicht im Büro"},
			footerEmpty: true,
			check: func(t *testing.T, m *Message) {
				if m.AutoSubmitted != "auto-replied" || m.XAutoreply != "yes" || m.Precedence != "bulk" {
					t.Errorf("AutoSubmitted, XAutoreply, Precedence = %q, %q, %q", m.AutoSubmitted, m.XAutoreply, m.Precedence)
				}
			},
		},
		{
			file:       "forward_only.eml",
			textSource: "text/plain",
			textHas:    []string{"Our author is touring schools in April."},
			check: func(t *testing.T, m *Message) {
				if len(m.Parts) != 1 || m.Parts[0].ContentType != "message/rfc822" {
					t.Errorf("Parts = %+v; want the forwarded message as one part", m.Parts)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readFixture(t, tt.file)
			m, err := mustParse(t, tt.file, raw, testOpts())
			if e := checkInvariants(m); e != nil {
				t.Fatal(e)
			}
			switch {
			case tt.errClass == nil && err != nil:
				t.Errorf("Parse(%s) error = %v; want nil", tt.file, err)
			case tt.errClass != nil && !errors.Is(err, tt.errClass):
				t.Errorf("Parse(%s) error = %v; want %v", tt.file, err, tt.errClass)
			case tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)):
				t.Errorf("Parse(%s) error = %v; want it to contain %q", tt.file, err, tt.errText)
			}
			if tt.msgID != "" && m.MessageID != tt.msgID {
				t.Errorf("MessageID = %q; want %q", m.MessageID, tt.msgID)
			}
			if m.Synthetic != tt.synthetic {
				t.Errorf("Synthetic = %v; want %v", m.Synthetic, tt.synthetic)
			}
			if tt.inReplyTo != nil && strings.Join(m.InReplyTo, " ") != strings.Join(tt.inReplyTo, " ") {
				t.Errorf("InReplyTo = %q; want %q", m.InReplyTo, tt.inReplyTo)
			}
			if tt.references != nil && strings.Join(m.References, " ") != strings.Join(tt.references, " ") {
				t.Errorf("References = %q; want %q", m.References, tt.references)
			}
			if tt.subject != "" && m.Subject != tt.subject {
				t.Errorf("Subject = %q; want %q", m.Subject, tt.subject)
			}
			if tt.from != (Address{}) && m.From != tt.from {
				t.Errorf("From = %+v; want %+v", m.From, tt.from)
			}
			if tt.headerFrom != (Address{}) && m.HeaderFrom != tt.headerFrom {
				t.Errorf("HeaderFrom = %+v; want %+v", m.HeaderFrom, tt.headerFrom)
			}
			if !tt.date.IsZero() && !m.Date.Equal(tt.date) {
				t.Errorf("Date = %v; want %v", m.Date, tt.date)
			}
			if tt.dateSource != "" && m.DateSource != tt.dateSource {
				t.Errorf("DateSource = %q; want %q", m.DateSource, tt.dateSource)
			}
			if tt.listID != "" && m.List.ID != tt.listID {
				t.Errorf("List.ID = %q; want %q", m.List.ID, tt.listID)
			}
			if tt.listName != "" && m.List.Name != tt.listName {
				t.Errorf("List.Name = %q; want %q", m.List.Name, tt.listName)
			}
			if tt.listSource != "" && m.List.Source != tt.listSource {
				t.Errorf("List.Source = %q; want %q", m.List.Source, tt.listSource)
			}
			if tt.textSource != "" && m.TextSource != tt.textSource {
				t.Errorf("TextSource = %q; want %q", m.TextSource, tt.textSource)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.textHasNot {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text contains %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.footerHas {
				if !strings.Contains(m.Footer, s) {
					t.Errorf("Footer lacks %q:\n%s", s, m.Footer)
				}
			}
			if tt.footerEmpty && m.Footer != "" {
				t.Errorf("Footer = %q; want none", m.Footer)
			}
			if tt.noteHas != "" && !strings.Contains(strings.Join(m.Notes, "\n"), tt.noteHas) {
				t.Errorf("Notes = %q; want one containing %q", m.Notes, tt.noteHas)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
			// Parse (with its guard) must give the same result as parse.
			pm, perr := Parse(raw, testOpts())
			if pm.MessageID != m.MessageID || pm.Text != m.Text || (perr == nil) != (err == nil) {
				t.Errorf("Parse and parse disagree: %q/%v vs %q/%v", pm.MessageID, perr, m.MessageID, err)
			}
		})
	}
}

// TestSyntheticIDStable checks that a message without Message-ID always gets the
// same id, also when re-delivered with other Received headers or CRLF line ends,
// and that a different body gives a different id.
func TestSyntheticIDStable(t *testing.T) {
	raw := readFixture(t, "missing_msgid.eml")
	id := func(b []byte) string {
		m, _ := mustParse(t, "missing_msgid", b, testOpts())
		if !m.Synthetic {
			t.Fatalf("Synthetic = false for %q", b)
		}
		return m.MessageID
	}
	base := id(raw)
	tests := []struct {
		name string
		raw  string
		same bool
	}{
		{"same bytes", string(raw), true},
		{"extra Received", "Received: from other.example by mx2.example; Tue, 3 Mar 2026 01:00:00 +0000\n" + string(raw), true},
		{"no Received", strings.Replace(string(raw), "Received: from relay.example.net by mx.example.org; Mon, 2 Mar 2026 12:00:05 +0000\n", "", 1), true},
		{"CRLF", strings.ReplaceAll(string(raw), "\n", "\r\n"), true},
		{"other body", strings.Replace(string(raw), "Hobart", "Launceston", 1), false},
		{"other subject", strings.Replace(string(raw), "INTRO: Tom Baker", "INTRO: Tom B.", 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := id([]byte(tt.raw)); (got == base) != tt.same {
				t.Errorf("id = %s, base %s; same = %v, want %v", got, base, got == base, tt.same)
			}
		})
	}
}

// TestOversize checks that a message over MaxSize keeps its headers and first text
// part only, and says so.
func TestOversize(t *testing.T) {
	big := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n", 3000) // ~110 KB of base64
	raw := "From: Bea <bea@example.org>\nSubject: Scans of the 1920s yearbook\nMessage-ID: <big@example.org>\n" +
		"Date: Mon, 9 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nScans attached, enjoy.\n" +
		"--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + big +
		"--b\nContent-Type: text/plain\n\nSecond text part that must not be read.\n--b--\n"
	opts := testOpts()
	opts.MaxSize = 64 << 10
	m, err := mustParse(t, "oversize", []byte(raw), opts)
	if err != nil {
		t.Errorf("Parse error = %v; want nil", err)
	}
	if !m.Truncated {
		t.Error("Truncated = false; want true")
	}
	if m.Text != "Scans attached, enjoy." || m.MessageID != "big@example.org" || m.Subject == "" {
		t.Errorf("Text, MessageID, Subject = %q, %q, %q", m.Text, m.MessageID, m.Subject)
	}
	if len(m.Parts) != 1 {
		t.Errorf("Parts = %+v; want only the first text part", m.Parts)
	}
	want := "message is 0.1 MB, over the 0.1 MB cap: kept headers and the first text part"
	if len(m.Notes) == 0 || m.Notes[0] != want {
		t.Errorf("Notes = %q; want %q", m.Notes, want)
	}

	// A text part bigger than the oversize read limit is cut, not read whole.
	raw = "Subject: huge\nContent-Type: text/plain\n\n" + strings.Repeat("All work and no play. ", 200000)
	opts.MaxSize = 1 << 20
	m, _ = mustParse(t, "oversize text", []byte(raw), opts)
	if !m.Truncated || len(m.Text) > oversizeLeafRaw || len(m.Text) < oversizeLeafRaw/2 {
		t.Errorf("Truncated = %v, len(Text) = %d; want true and about %d", m.Truncated, len(m.Text), oversizeLeafRaw)
	}
}

// TestGuard checks that the panic guard returns a usable message and ErrPanic.
func TestGuard(t *testing.T) {
	raw := []byte("Subject: x\n\nbody")
	opts := testOpts()
	m, err := guard(raw, opts, func(raw []byte, opts Options, m *Message) error {
		m.Subject = "half\xffdone"
		panic("boom")
	})
	if !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("guard error = %v; want ErrPanic mentioning boom", err)
	}
	if e := checkInvariants(m); e != nil {
		t.Error(e)
	}
	if !m.Synthetic || !m.Date.Equal(opts.Arrival) || m.DateSource != "arrival" || m.Size != len(raw) {
		t.Errorf("salvaged message = %+v", m)
	}
}

// TestSelectText checks which part wins in the MIME layouts lists produce.
func TestSelectText(t *testing.T) {
	mp := func(ct string, parts ...string) string {
		s := "Content-Type: " + ct + "; boundary=\"" + ct + "-b\"\n\n"
		for _, p := range parts {
			s += "--" + ct + "-b\n" + p + "\n"
		}
		return s + "--" + ct + "-b--\n"
	}
	plain := func(s string) string { return "Content-Type: text/plain; charset=utf-8\n\n" + s }
	htmlPart := func(s string) string { return "Content-Type: text/html; charset=utf-8\n\n<p>" + s + "</p>" }
	mailmanFooter := plain("_______________________________________________\nAISLE mailing list\naisle@list.railslibraries.info\nhttp://list.railslibraries.info/mailman/listinfo/aisle")
	customFooter := plain("Post to the list: oztl_net@lists.csu.edu.au\nTo unsubscribe, visit the list options page.")
	tests := []struct {
		name, body           string
		wantText, wantSource string
		wantFooterHas        string
	}{
		{"alternative prefers plain", mp("multipart/alternative", plain("plain body"), htmlPart("html body")), "plain body", "text/plain", ""},
		{"alternative html first", mp("multipart/alternative", htmlPart("html body"), plain("plain body")), "plain body", "text/plain", ""},
		{"alternative with empty plain", mp("multipart/alternative", plain("  \n"), htmlPart("html body")), "html body", "text/html", ""},
		{"mailman footer beside html", mp("multipart/mixed", mp("multipart/alternative", htmlPart("html body")), mailmanFooter), "html body", "text/html", "AISLE mailing list"},
		{"custom footer beside html", mp("multipart/mixed", htmlPart("html body"), customFooter), "html body", "text/html", "To unsubscribe"},
		{"mailman footer after plain", mp("multipart/mixed", plain("plain body"), mailmanFooter), "plain body", "text/plain", "listinfo"},
		{"disclaimer part after html", mp("multipart/mixed", htmlPart("html body"), plain("This email is confidential.")), "html body", "text/html", ""},
		{"footer only", mailmanFooter, "_______________________________________________\nAISLE mailing list", "text/plain", ""},
		{"attachment text is not the body", mp("multipart/mixed", htmlPart("html body"), "Content-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\nnotes"), "html body", "text/html", ""},
		{"digest items only as fallback", mp("multipart/mixed", plain("digest intro"), mp("multipart/digest", "\nSubject: item\n\nitem text")), "digest intro", "text/plain", ""},
		{"no text at all", mp("multipart/mixed", "Content-Type: image/png\n\nxx"), "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: a@example.org\nMessage-ID: <sel@example.org>\nMIME-Version: 1.0\n" + tt.body
			m, _ := mustParse(t, tt.name, []byte(raw), testOpts())
			if !strings.HasPrefix(m.Text, tt.wantText) || (tt.wantText == "" && m.Text != "") {
				t.Errorf("Text = %q; want %q", m.Text, tt.wantText)
			}
			if m.TextSource != tt.wantSource {
				t.Errorf("TextSource = %q; want %q", m.TextSource, tt.wantSource)
			}
			if tt.wantFooterHas != "" && !strings.Contains(m.Footer, tt.wantFooterHas) {
				t.Errorf("Footer = %q; want it to contain %q", m.Footer, tt.wantFooterHas)
			}
			if tt.wantFooterHas == "" && m.Footer != "" {
				t.Errorf("Footer = %q; want none", m.Footer)
			}
		})
	}
}

// TestHostile feeds malformed and hostile input: parse must not panic, must keep the
// invariants, must stay within time, and must say what went wrong.
func TestHostile(t *testing.T) {
	nested := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "deep text\n" + strings.Repeat(close, n)
	}
	var manyParts strings.Builder
	manyParts.WriteString("Content-Type: multipart/mixed; boundary=p\n\n")
	for range 3000 {
		manyParts.WriteString("--p\nContent-Type: text/plain\n\nx\n")
	}
	var rfc822Loop strings.Builder
	for range 200 {
		rfc822Loop.WriteString("Content-Type: message/rfc822\n\n")
	}
	rfc822Loop.WriteString("Subject: inner\n\ninnermost")
	var nestedMultipart strings.Builder
	for i := range 200 {
		nestedMultipart.WriteString("Content-Type: multipart/mixed; boundary=b" + strings.Repeat("x", i) + "\n\n--b" + strings.Repeat("x", i) + "\n")
	}
	nestedMultipart.WriteString("Content-Type: text/plain\n\ndeep")

	tests := []struct {
		name    string
		raw     string
		errIs   error
		textHas string
	}{
		{"empty", "", nil, ""},
		{"NUL bytes", "Subject: a\x00b\nFrom: \x00<x@y>\n\nbo\x00dy\n", nil, "body"},
		{"no separator", "From: a@example.org\nSubject: hi\nThis is the body.\nSecond line: still body\n", ErrMalformedHeader, "This is the body."},
		{"body only", "\nJust a body.\n", nil, "Just a body."},
		{"orphan continuation", " folded\nSubject: ok\n\nbody", ErrMalformedHeader, "body"},
		{"10k headers", strings.Repeat("X-Junk: yes\n", 10000) + "\nbody", ErrMalformedHeader, "body"},
		{"megabyte header line", "Subject: " + strings.Repeat("a", 3<<20) + "\n\nbody", ErrMalformedHeader, "body"},
		{"megabyte body line", "Subject: x\n\n" + strings.Repeat("b", 3<<20), nil, "bbbb"},
		{"megabyte of newlines", "Subject: x\n\nstart" + strings.Repeat("\n", 3<<20) + "end", nil, "start\n\n\nend"},
		{"boundary never closed", "Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nopen part\n", nil, "open part"},
		{"boundary missing", "Content-Type: multipart/mixed\n\n--guess\nContent-Type: text/plain\n\nguessed\n--guess--\n", nil, "guessed"},
		{"boundary not found", "Content-Type: multipart/mixed; boundary=nope\n\nplain text really\n", ErrMalformedMIME, "plain text really"},
		{"3000 parts", manyParts.String(), ErrMalformedMIME, "x"},
		{"rfc822 nested 200 deep", rfc822Loop.String(), ErrMalformedMIME, ""},
		{"multipart nested 200 deep", nestedMultipart.String(), ErrMalformedMIME, ""},
		{"html nested 100k deep", "Content-Type: text/html\n\n" + nested(100000, "<div>", "</div>"), nil, "deep text"},
		{"bad base64", "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVsbG8g!!!d29y*bGQ=\n", nil, "Hello world"},
		{"bad quoted-printable", "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nA=ZZ b=\x1b =3D c\n" + strings.Repeat("x", 10000) + "=\nend\n", nil, "A=ZZ b= = c"},
		{"garbage", "\xff\xfe\x00\x01garbage\r\r\n\x80\x81:\xc3\x28\n\n\xe2\x82", nil, ""},
		{"bad encoded words", "Subject: =?utf-8?B?####?= =?x-unknown?Q?caf=E9?= =?utf-8?Q?=E2=82?=\n\nb", ErrUnknownCharset, "b"},
		{"huge References", "References: " + strings.Repeat("<a@b> <c", 100000) + "\n\nb", nil, "b"},
		{"params without semicolons", "Content-Type: multipart/mixed boundary=q" + strings.Repeat(" ", 1<<20) + "charset=x\n\n--q\n\nin q\n--q--", nil, "in q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			m, err := mustParse(t, tt.name, []byte(tt.raw), testOpts())
			// Only a runaway is caught here: how fast hostile input parses is measured by
			// benchmarks, not by a timed test, which would fail on a busy machine.
			if d := time.Since(start); d > time.Minute {
				t.Errorf("parse took %v", d)
			}
			if e := checkInvariants(m); e != nil {
				t.Error(e)
			}
			if tt.errIs != nil && !errors.Is(err, tt.errIs) {
				t.Errorf("error = %v; want %v", err, tt.errIs)
			}
			if !strings.Contains(m.Text, tt.textHas) {
				t.Errorf("Text = %.200q; want it to contain %q", m.Text, tt.textHas)
			}
		})
	}
}
