package sample

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"listdigest/internal/mailparse"
	"listdigest/internal/thread"
)

func TestListMessageDeterministic(t *testing.T) {
	start := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	for _, o := range []GenerateOptions{{}, {Style: LMNet, Seed: 9}, {Style: OZTLNet, Start: start, Interval: time.Hour}} {
		// Any order gives the same bytes: message i needs none of the ones before it.
		want := map[int][]byte{}
		for _, i := range []int{0, 1, 7, 1234, 99_999} {
			want[i] = ListMessage(i, o)
		}
		for _, i := range []int{99_999, 7, 1234, 1, 0, 7} {
			if got := ListMessage(i, o); !bytes.Equal(got, want[i]) {
				t.Errorf("%+v: ListMessage(%d) differs between calls", o, i)
			}
		}
		for i := range want {
			other := o
			other.Seed++
			if bytes.Equal(want[i], ListMessage(i, other)) {
				t.Errorf("%+v: ListMessage(%d) is the same for seeds %d and %d", o, i, o.Seed, other.Seed)
			}
		}
	}
}

// TestListMessageFast: message i costs the same whatever i is (no walk over its
// predecessors), and well under 100 µs.
func TestListMessageFast(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	cost := func(from int) time.Duration {
		best := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			for i := from; i < from+300; i++ {
				ListMessage(i)
			}
			best = min(best, time.Since(start)/300)
		}
		return best
	}
	early, late := cost(1000), cost(10_000_000)
	t.Logf("per message: %v at i=1000, %v at i=10,000,000", early, late)
	// Generous bounds: machines running tests are busy.
	if late > 5*early+time.Millisecond {
		t.Errorf("message 10,000,000 costs %v, message 1000 %v: generation is not O(1) in i", late, early)
	}
}

// corpusStats counts, over a generated corpus, what every feature looks like in the
// headers and MIME structure.
type corpusStats struct {
	n, lm, posts int
	bytes        int
	counts       map[string]int
}

func (s *corpusStats) add(name string) { s.counts[name]++ }

var (
	autoSubject   = regexp.MustCompile(`^(\[OZTL_NET\] )?(Automatic reply|Out of Office): `)
	digestSubject = regexp.MustCompile(`^Re: (\[OZTL_NET\] )?(LM_NET Digest - \d{1,2} [A-Z][a-z]{2} \d{4}|OZTL_NET Digest, Vol \d+, Issue \d+)`)
	digestID      = regexp.MustCompile(`^(LISTSERV%\d+@LISTSERV\.EXAMPLE\.EDU|mailman\.\d+\.\d+\.\d+\.oztl_net@lists\.example\.edu\.au)$`)
	unsubscribe   = regexp.MustCompile(`(?i)^(\[OZTL_NET\] )?(unsubscribe|please remove me|unsubscribe me please|signoff LM_NET)$`)
	outlookQuote  = regexp.MustCompile(`(?m)^(-----(Original Message|Ursprüngliche Nachricht|Ursprungligt meddelande)-----|_{32})\n(From|Von|Från): `)
)

// TestListMessageCorpus generates 15,000 messages over three seeds and checks every one
// (parseable by mailparse with no error, list mail, CRLF, unique ids, references
// backwards, Thread-Index chains), threads each seed's corpus with the threader, then
// checks that each feature appears at its documented rate.
func TestListMessageCorpus(t *testing.T) {
	n, seeds := 5000, []uint64{1, 2, 3}
	if testing.Short() {
		n, seeds = 2000, []uint64{1}
	}
	s := &corpusStats{counts: map[string]int{}}
	for _, seed := range seeds {
		o := GenerateOptions{Seed: seed}
		checkThreads(t, o, checkCorpus(t, o, n, s))
	}
	avg := s.bytes / s.n
	t.Logf("%d messages (%d posts), average %d bytes", s.n, s.posts, avg)
	if avg < 9_000 || avg > 16_000 {
		t.Errorf("average size %d; want 10-15 KB", avg)
	}

	// Each feature at its documented rate, counted from headers and MIME. want is the
	// share of the denominator (all messages, posts, or LM_NET messages) the constants in
	// generate.go give; a count outside max(25%, 4 standard deviations) of it fails.
	posts, all, lm := float64(s.posts), float64(s.n), float64(s.lm)
	replies := float64(s.counts["reply post"])
	outlookShare := 0.5 * (0.31 + 0.40) // of posts, lmClients and ozClients
	appleShare := 0.5 * (0.13 + 0.18)   // of posts
	lmReplyShare := float64(s.counts["LM_NET reply post"]) / lm
	for _, c := range []struct {
		name string
		den  float64
		want float64
	}{
		{"reply post", posts, 0.40},                                              // replyPercent
		{"auto-reply", all, 0.01},                                                // autoReplyPer10k
		{"auto-reply with Auto-Submitted", all, 0.01 * 0.60},                     // autoExchangePercent
		{"auto-reply with only X-Autoreply", all, 0.01 * 0.25},                   // autoXAutoreplyPercent
		{"auto-reply with only its subject", all, 0.01 * 0.15},                   // the rest
		{"unsubscribe", all, 0.002},                                              // unsubscribePer10k
		{"digest reply", all, 0.005},                                             // digestReplyPer10k
		{"Thread-Index on a post", posts, outlookShare},                          // Outlook's share
		{"Outlook reply without In-Reply-To", replies, outlookShare * 0.45},      // headerlessPercent
		{"Outlook quote block", replies, outlookShare},                           // every Outlook reply
		{"RE: on LM_NET", lm, lmReplyShare * (0.28 + 0.05)},                      // Outlook and the naive client
		{"AW: on LM_NET", lm, lmReplyShare * 0.02},                               // German Outlook
		{"SV: on LM_NET", lm, lmReplyShare * 0.01},                               // Swedish Outlook
		{"Re:x on LM_NET", lm, lmReplyShare * 0.02},                              // the no-space client
		{"multipart/alternative", posts, 0.30 * 0.95},                            // alternativePercent
		{"HTML only", posts, 0.05},                                               // htmlOnlyPer1000
		{"tracking pixel and script", posts, 0.05 * 0.15},                        // trackingPercent
		{"small attachment", posts, 0.03},                                        // smallAttachPer10k
		{"large attachment", posts, 0.002},                                       // largeAttachPer10k
		{"Sent from my iPad/iPhone", posts, appleShare * (1 + 0.4*outlookShare)}, // clientApple, and quoted by Outlook
		{"windows-1252 quoted-printable", posts, outlookShare * 0.78},            // Outlook, but UTF-8 when set so (15%) or when the text needs it (a macron)
		{"ISO-8859-1 quoted-printable", posts, 0.5 * (0.05 + 0.03)},              // clientLegacy
		{"UTF-8 base64", posts, 0.5 * (0.17 + 0.17)},                             // clientWebmail and clientNaive
	} {
		got := float64(s.counts[c.name])
		e := c.want * c.den
		dev := math.Max(0.25*e, 4*math.Sqrt(e))
		t.Logf("%-36s %6.0f of %6.0f = %6.2f%%, want %6.2f%%", c.name, got, c.den, 100*got/c.den, 100*c.want)
		if math.Abs(got-e) > dev {
			t.Errorf("%s: %.0f of %.0f (%.2f%%); want about %.2f%% (%.0f)", c.name, got, c.den, 100*got/c.den, 100*c.want, e)
		}
	}
	// Features whose rate follows from the word lists rather than a constant: they must
	// be there, in some number.
	for _, name := range []string{"RE: RE: or RE: Re: on LM_NET", "AW: Re: or SV: Re: on LM_NET",
		"RFC 2047 subject =?UTF-8?B?", "RFC 2047 subject =?windows-1252?Q?", "RFC 2047 subject =?utf-8?Q?",
		"RFC 2047 From =?UTF-8?B?", "RFC 2047 From =?windows-1252?Q?", "RFC 2047 From =?ISO-8859-1?Q?",
		"<style> block", "smart quotes in windows-1252", "disclaimer", "Thread-Index continuing the parent's",
		"Outlook reply without In-Reply-To, parent has Thread-Index", "application/pdf", "image/jpeg",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "HTML only, Word", "HTML only, phone",
		"HTML only, inline styles", "Mailman footer part", "digest reply citing the digest"} {
		t.Logf("%-36s %6d", name, s.counts[name])
		if s.counts[name] < 5 && !testing.Short() { // -short's 2,000 messages may miss the rarest
			t.Errorf("%s: %d in %d messages; want some", name, s.counts[name], s.n)
		}
	}
}

// checkCorpus checks messages 0..n-1 of one corpus and counts their features into s.
func checkCorpus(t *testing.T, o GenerateOptions, n int, s *corpusStats) []thread.Message {
	t.Helper()
	g := newCorpus(0, []GenerateOptions{o})
	msgs := make([]thread.Message, n)
	index := map[string]int{}        // Message-ID (no brackets) -> i
	threadIndex := make([][]byte, n) // decoded Thread-Index of each message
	now := func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }
	for i := range n {
		raw := ListMessage(i, o)
		s.n++
		s.bytes += len(raw)
		where := fmt.Sprintf("seed %d message %d", o.Seed, i)
		if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
			bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
			t.Fatalf("%s has a bare LF or CR", where)
		}
		for _, line := range bytes.Split(raw, []byte("\r\n")) {
			if len(line) > 998 {
				t.Fatalf("%s has a line of %d bytes", where, len(line))
			}
		}
		m, err := mailparse.Parse(raw, mailparse.Options{Now: now})
		if err != nil {
			t.Fatalf("%s: mailparse: %v", where, err)
		}
		msgs[i] = thread.Message{ID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References, Subject: m.Subject,
			Date: m.Date, Lists: []string{m.List.ID}, From: strings.ToLower(m.From.Addr), ThreadIndex: m.ThreadIndex,
			ThreadTopic: m.ThreadTopic, Text: m.Text}
		hm, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: net/mail: %v", where, err)
		}
		h := hm.Header
		body, _ := io.ReadAll(hm.Body)
		leaves, err := walkMIME(h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition"), body, "", nil)
		if err != nil {
			t.Fatalf("%s: MIME structure: %v", where, err)
		}

		// Identity, list, references.
		id := strings.Trim(ListMessageID(i, o), "<>")
		if m.MessageID != id || m.Synthetic {
			t.Fatalf("%s: Message-ID %q; ListMessageID says %q", where, m.MessageID, id)
		}
		if j, dup := index[id]; dup {
			t.Fatalf("%s shares its Message-ID with message %d", where, j)
		}
		index[id] = i
		lmList := g.style(i) == LMNet
		wantList := "oztl_net.lists.example.edu.au"
		if lmList {
			wantList = "lm_net.listserv.example.edu"
			s.lm++
		}
		if m.List.ID != wantList {
			t.Fatalf("%s: list %q (from %s); want %q", where, m.List.ID, m.List.Source, wantList)
		}
		if lmList && h.Get("List-Id") != "" {
			t.Errorf("%s: LISTSERV message with a List-Id", where)
		}
		if !lmList && !strings.Contains(m.Subject, "[OZTL_NET]") {
			t.Errorf("%s: OZTL_NET subject %q lacks the tag", where, m.Subject)
		}
		k := g.kind(i)
		digestReply := digestSubject.MatchString(m.Subject)
		if digestReply != (k == kindDigestReply) {
			t.Errorf("%s: subject %q; kind %d", where, m.Subject, k)
		}
		for _, ref := range append(append([]string{}, m.InReplyTo...), m.References...) {
			j, ok := index[ref]
			switch {
			case digestReply && digestID.MatchString(ref):
				s.add("digest reply citing the digest")
			case !ok:
				t.Errorf("%s refers to %s, not an earlier message", where, ref)
			case g.style(j) != g.style(i):
				t.Errorf("%s refers to message %d of another list", where, j)
			}
		}
		if len(m.InReplyTo) > 0 && len(m.References) > 0 && m.References[len(m.References)-1] != m.InReplyTo[0] {
			t.Errorf("%s: References %q do not end with In-Reply-To %q", where, m.References, m.InReplyTo)
		}
		par := g.parent(i)
		if len(m.InReplyTo) > 0 && !digestReply && m.InReplyTo[0] != strings.Trim(ListMessageID(par, o), "<>") {
			t.Errorf("%s: In-Reply-To %q; its parent is message %d", where, m.InReplyTo, par)
		}

		// Thread-Index: 22 bytes plus 5 per reply, continuing the parent's.
		if ti := h.Get("Thread-Index"); ti != "" {
			b, err := base64.StdEncoding.DecodeString(ti)
			if err != nil || len(b) < 22 || (len(b)-22)%5 != 0 {
				t.Fatalf("%s: Thread-Index %q (%d bytes, %v)", where, ti, len(b), err)
			}
			if thread.ConversationKey(ti) == "" {
				t.Errorf("%s: Thread-Index %q gives no conversation key", where, ti)
			}
			if h.Get("Thread-Topic") == "" {
				t.Errorf("%s: Thread-Index without Thread-Topic", where)
			}
			threadIndex[i] = b
			if par >= 0 && threadIndex[par] != nil && k != kindDigestReply {
				if len(b) != len(threadIndex[par])+5 || !bytes.HasPrefix(b, threadIndex[par]) {
					t.Errorf("%s: Thread-Index %x does not continue its parent's %x", where, b, threadIndex[par])
				}
				s.add("Thread-Index continuing the parent's")
			}
		}

		// Kinds of message.
		auto := autoSubject.MatchString(m.Subject)
		if auto != (k == kindAutoReply) {
			t.Errorf("%s: subject %q; kind %d", where, m.Subject, k)
		}
		switch {
		case auto:
			s.add("auto-reply")
			switch {
			case h.Get("Auto-Submitted") == "auto-replied":
				s.add("auto-reply with Auto-Submitted")
			case h.Get("X-Autoreply") == "yes":
				s.add("auto-reply with only X-Autoreply")
			default:
				s.add("auto-reply with only its subject")
			}
			if par < 0 || i-par > 8*g.step() {
				t.Errorf("%s: auto-reply to message %d, not a recent post", where, par)
			}
			continue
		case unsubscribe.MatchString(m.Subject):
			s.add("unsubscribe")
			continue
		case digestReply:
			s.add("digest reply")
			continue
		}
		s.posts++
		reply := thread.IsReply(m.Subject)
		if reply != (par >= 0) {
			t.Errorf("%s: subject %q, parent %d", where, m.Subject, par)
		}
		if reply {
			s.add("reply post")
			if lmList {
				s.add("LM_NET reply post")
			}
		}
		if h.Get("Thread-Index") != "" {
			s.add("Thread-Index on a post")
			if reply && len(m.InReplyTo) == 0 && len(m.References) == 0 {
				s.add("Outlook reply without In-Reply-To")
				if threadIndex[par] != nil {
					s.add("Outlook reply without In-Reply-To, parent has Thread-Index")
				}
			}
		}
		if reply && outlookQuote.MatchString(m.Text) {
			s.add("Outlook quote block")
		}
		subj := m.Subject
		if lmList {
			switch {
			case strings.HasPrefix(subj, "RE: RE: "), strings.HasPrefix(subj, "RE: Re: "):
				s.add("RE: RE: or RE: Re: on LM_NET")
			case strings.HasPrefix(subj, "AW: Re: "), strings.HasPrefix(subj, "SV: Re: "), strings.HasPrefix(subj, "AW: RE: "), strings.HasPrefix(subj, "SV: RE: "):
				s.add("AW: Re: or SV: Re: on LM_NET")
			}
			switch {
			case strings.HasPrefix(subj, "RE: "):
				s.add("RE: on LM_NET")
			case strings.HasPrefix(subj, "AW: "):
				s.add("AW: on LM_NET")
			case strings.HasPrefix(subj, "SV: "):
				s.add("SV: on LM_NET")
			case strings.HasPrefix(subj, "Re:") && !strings.HasPrefix(subj, "Re: "):
				s.add("Re:x on LM_NET")
			}
		}
		for _, label := range []string{"=?UTF-8?B?", "=?windows-1252?Q?", "=?utf-8?Q?"} {
			if strings.Contains(h.Get("Subject"), label) {
				s.add("RFC 2047 subject " + label)
			}
		}
		for _, label := range []string{"=?UTF-8?B?", "=?windows-1252?Q?", "=?ISO-8859-1?Q?"} {
			if strings.Contains(h.Get("From"), label) {
				s.add("RFC 2047 From " + label)
			}
		}

		// MIME.
		var html []byte
		hasPlain, win1252QP, latin1QP, utf8B64 := false, false, false, false
		for _, l := range leaves {
			switch {
			case l.disposition == "attachment":
				s.add(l.contentType)
				if len(l.body) > 150_000 {
					s.add("large attachment")
				} else {
					s.add("small attachment")
				}
				if len(l.body) < 2_000 || len(l.body) > 250_000 {
					t.Errorf("%s: attachment %s of %d bytes", where, l.filename, len(l.body))
				}
			case l.contentType == "text/html":
				html = l.body
				if l.parent == "multipart/alternative" {
					s.add("multipart/alternative")
				}
			case l.contentType == "text/plain" && bytes.Contains(l.body, []byte("OZTL_NET mailing list")) && len(l.body) < 200:
				s.add("Mailman footer part")
				continue
			case l.contentType == "text/plain":
				hasPlain = true
			}
			switch {
			case l.charset == "windows-1252" && l.cte == "quoted-printable":
				win1252QP = true
				if bytes.ContainsAny(l.body, "\x91\x92\x93\x94\x96") {
					s.add("smart quotes in windows-1252")
				}
			case l.charset == "iso-8859-1" && l.cte == "quoted-printable":
				latin1QP = true
			case l.charset == "utf-8" && l.cte == "base64" && strings.HasPrefix(l.contentType, "text/"):
				utf8B64 = true
			}
		}
		for name, ok := range map[string]bool{"windows-1252 quoted-printable": win1252QP, "ISO-8859-1 quoted-printable": latin1QP, "UTF-8 base64": utf8B64} {
			if ok {
				s.add(name)
			}
		}
		if !hasPlain {
			if m.TextSource != "text/html" || html == nil {
				t.Errorf("%s: no text/plain part, and mailparse read %q", where, m.TextSource)
			}
			s.add("HTML only")
			switch {
			case bytes.Contains(html, []byte("MsoNormal")):
				s.add("HTML only, Word")
			case bytes.Contains(html, []byte(`<body dir="auto">`)):
				s.add("HTML only, phone")
			case bytes.Contains(html, []byte(`style="font-family`)):
				s.add("HTML only, inline styles")
			}
		}
		if html != nil {
			tracked, script := bytes.Contains(html, []byte(`<img src="https://track.example.com/`)), bytes.Contains(html, []byte("<script"))
			if tracked != script {
				t.Errorf("%s: tracking pixel %v but script %v", where, tracked, script)
			}
			if tracked {
				s.add("tracking pixel and script")
			}
			if bytes.Contains(html, []byte("<style>")) {
				s.add("<style> block")
			}
		}
		if strings.Contains(m.Text, "Sent from my iPad") || strings.Contains(m.Text, "Sent from my iPhone") {
			s.add("Sent from my iPad/iPhone")
		}
		if strings.Contains(m.Text, "CONFIDENTIALITY NOTICE") || strings.Contains(m.Text, "may contain private, confidential") ||
			strings.Contains(m.Text, "are the property of the School District") || strings.Contains(m.Text, "legally privileged information or copyright") {
			s.add("disclaimer")
		}
	}
	return msgs
}

// checkThreads threads a corpus with listdigest's threader and reports how well the
// conversations come back, by kind of reply. Replies with In-Reply-To must all join their
// parent, and Outlook replies without it must join through Thread-Index when the parent has
// one: those depend on the generator. The rest is the threader's quality, logged.
func checkThreads(t *testing.T, o GenerateOptions, msgs []thread.Message) {
	seed, n := o.Seed, len(msgs)
	g := newCorpus(0, []GenerateOptions{o})
	ids := make([]string, n)
	for i, m := range msgs {
		ids[i] = m.ID
	}
	got, err := thread.Group(msgs)
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ n, joined int }
	by := map[string]*tally{}
	rootOf := make([]int, n)
	for i := range n {
		rootOf[i] = i
		p := g.parent(i)
		if p < 0 {
			continue
		}
		rootOf[i] = rootOf[p]
		m := msgs[i]
		var cat string
		switch k := g.kind(i); {
		case k == kindAutoReply:
			cat = "auto-reply"
		case k == kindDigestReply:
			cat = "reply to a digest"
		case len(m.InReplyTo) > 0:
			cat = "reply with In-Reply-To"
		case m.ThreadIndex != "" && msgs[p].ThreadIndex != "":
			cat = "Outlook, no In-Reply-To, parent has Thread-Index"
		default:
			cat = "Outlook, no In-Reply-To, subject only"
		}
		if by[cat] == nil {
			by[cat] = &tally{}
		}
		by[cat].n++
		if got[ids[i]] == got[ids[p]] {
			by[cat].joined++
		}
	}
	for _, cat := range []string{"reply with In-Reply-To", "Outlook, no In-Reply-To, parent has Thread-Index",
		"Outlook, no In-Reply-To, subject only", "reply to a digest", "auto-reply"} {
		c := by[cat]
		if c == nil {
			t.Errorf("seed %d: no %s", seed, cat)
			continue
		}
		t.Logf("seed %d: %-50s %4d of %4d joined their parent (%.1f%%)", seed, cat, c.joined, c.n, 100*float64(c.joined)/float64(c.n))
	}
	if c := by["reply with In-Reply-To"]; c != nil && c.joined != c.n {
		t.Errorf("seed %d: %d replies with In-Reply-To did not join their parent", seed, c.n-c.joined)
	}
	if c := by["Outlook, no In-Reply-To, parent has Thread-Index"]; c != nil && c.joined < c.n*95/100 {
		t.Errorf("seed %d: only %d of %d Outlook replies joined through Thread-Index", seed, c.joined, c.n)
	}
	roots := map[int64]map[int]bool{}
	for i := range n {
		th := got[ids[i]]
		if roots[th] == nil {
			roots[th] = map[int]bool{}
		}
		roots[th][rootOf[i]] = true
	}
	merged, truth := 0, 0
	for i := range n {
		if rootOf[i] == i {
			truth++
		}
	}
	for _, r := range roots {
		merged += len(r) - 1
	}
	t.Logf("seed %d: %d conversations became %d threads; %d conversations were merged into another", seed, truth, len(roots), merged)
}

func TestAppendWrap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "library", "Zoë", "café-style", "’", "x", "supercalifragilisticexpialidocious-and-then-some-more-letters", "Year 7–8"}
	for range 2000 {
		var sb strings.Builder
		for k := range r.IntN(40) {
			if k > 0 {
				sb.WriteString(" ")
			}
			sb.WriteString(words[r.IntN(len(words))])
		}
		s := sb.String()
		for _, prefix := range []string{"", "> "} {
			got, want := string(appendWrap(nil, s, 30, prefix)), string(appendWrapWords(nil, s, 30, prefix))
			if got != want {
				t.Fatalf("appendWrap(%q, 30, %q) = %q; the word-by-word wrap gives %q", s, prefix, got, want)
			}
		}
	}
}

func TestAppendQP(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("abc =\t\n\x92\xe9.-x")
	for range 3000 {
		src := make([]byte, r.IntN(300))
		for k := range src {
			src[k] = alphabet[r.IntN(len(alphabet))]
		}
		enc := appendQP(nil, src)
		for _, line := range bytes.Split(enc, []byte("\n")) {
			if len(line) > 76 {
				t.Fatalf("QP line of %d bytes: %q", len(line), line)
			}
			if len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
				t.Fatalf("QP line ends in white space: %q", line)
			}
		}
		dec, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(crlf(enc))))
		if err != nil || !bytes.Equal(dec, crlf(src)) {
			t.Fatalf("QP round trip of %q: got %q, %v", src, dec, err)
		}
	}
}

func TestHeaderText(t *testing.T) {
	dec := mailparseSubject
	for _, s := range []string{"Re: Māori and Pasifika authors for Years 7–8", "résumé tips – a very long subject line that needs several encoded words to hold all of it", "plain"} {
		for _, e := range []wordEncoding{{csUTF8, "UTF-8", true}, {csUTF8, "utf-8", false}, {csWin1252, "windows-1252", false}, {csLatin1, "ISO-8859-1", false}} {
			v := string(appendHeaderText(nil, s, e))
			for _, w := range strings.Fields(v) {
				if len(w) > 75 {
					t.Errorf("encoded word %q of %d characters", w, len(w))
				}
			}
			if got := dec(t, v); got != s {
				t.Errorf("%+v: %q decodes to %q", e, v, got)
			}
		}
	}
}

// mailparseSubject decodes a Subject value as listdigest does.
func mailparseSubject(t *testing.T, v string) string {
	t.Helper()
	raw := "Message-ID: <x@y>\r\nList-Id: <l.example.org>\r\nSubject: " + strings.ReplaceAll(v, "\n", "\r\n") + "\r\n\r\nbody\r\n"
	m, err := mailparse.Parse([]byte(raw), mailparse.Options{})
	if err != nil {
		t.Fatalf("%q: %v", v, err)
	}
	return m.Subject
}

func BenchmarkListMessage(b *testing.B) {
	total := 0
	for i := 0; b.Loop(); i++ {
		total += len(ListMessage(i))
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/msg")
}
