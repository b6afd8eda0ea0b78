package thread

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"listdigest/internal/fuzzkit"
)

// Fuzz input for FuzzPlace: one message per line, tab-separated fields
//
//	id  in-reply-to  references  minutes  lists  thread-index  thread-topic  subject  text
//
// Ids, references and lists are space-separated tokens. minutes is the Date in minutes after
// fuzzEpoch. A thread-index of 28 bytes or more is used as the raw header; a shorter one names
// a conversation and becomes a valid Thread-Index of it. In text, a backslash-n is a line break.
// Missing fields are empty; a message without an id gets one of its own (mailparse always
// gives one). Sizes are capped so that one execution stays cheap.
const (
	fuzzMaxMessages = 16
	fuzzMaxIDs      = 8
	fuzzMaxField    = 300
	fuzzMaxText     = 1500
	fuzzMaxMinutes  = 10 * 366 * 24 * 60
)

var fuzzEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// decodeFuzzMessages turns fuzz input into messages, deterministically.
func decodeFuzzMessages(data string) []Message {
	var out []Message
	for i, line := range strings.Split(data, "\n") {
		if len(out) == fuzzMaxMessages {
			break
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 9)
		for len(f) < 9 {
			f = append(f, "")
		}
		field := func(s string) string { return s[:min(len(s), fuzzMaxField)] }
		ids := func(s string) []string {
			t := strings.Fields(field(s))
			return t[:min(len(t), fuzzMaxIDs)]
		}
		m := Message{ID: strings.TrimSpace(field(f[0])), InReplyTo: ids(f[1]), References: ids(f[2]),
			Lists: ids(f[4]), ThreadTopic: field(f[6]), Subject: field(f[7]), From: "someone@school.example"}
		if m.ID == "" {
			m.ID = "anon-" + strconv.Itoa(i)
		}
		minutes, _ := strconv.Atoi(strings.TrimSpace(f[3]))
		minutes = max(-fuzzMaxMinutes, min(fuzzMaxMinutes, minutes))
		m.Date = fuzzEpoch.Add(time.Duration(minutes) * time.Minute)
		if ti := field(f[5]); len(ti) >= 28 {
			m.ThreadIndex = ti
		} else if ti != "" {
			m.ThreadIndex = fuzzThreadIndex(ti)
		}
		m.Text = strings.ReplaceAll(f[8][:min(len(f[8]), fuzzMaxText)], `\n`, "\n")
		out = append(out, m)
	}
	return out
}

// fuzzThreadIndex returns a valid Outlook Thread-Index of the conversation named conv: a
// 22-byte header derived from the name and one 5-byte reply block.
func fuzzThreadIndex(conv string) string {
	h := sha256.Sum256([]byte("conversation " + conv))
	b := append(h[:22:22], 1, 2, 3, 4, byte(len(conv)))
	return base64.StdEncoding.EncodeToString(b)
}

// encodeFuzzMessages is the inverse of decodeFuzzMessages for seeds: ids and conversations
// become short tokens (so that mutations re-point references), dates minutes after the
// earliest message.
func encodeFuzzMessages(msgs []Message) string {
	if len(msgs) == 0 {
		return ""
	}
	tokens := map[string]string{}
	tok := func(id string) string {
		if t, ok := tokens[id]; ok {
			return t
		}
		t := strconv.Itoa(len(tokens) + 1)
		tokens[id] = t
		return t
	}
	convs := map[string]string{}
	base := msgs[0].Date
	for _, m := range msgs {
		if m.Date.Before(base) {
			base = m.Date
		}
	}
	clean := func(s string, n int) string {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' {
				return ' '
			}
			return r
		}, s)
		if len(s) > n {
			s = s[:n]
		}
		return s
	}
	var b strings.Builder
	for _, m := range msgs {
		var irt, refs []string
		for _, id := range m.InReplyTo[:min(len(m.InReplyTo), fuzzMaxIDs)] {
			irt = append(irt, tok(id))
		}
		// The newest references matter most: keep the last ones.
		for _, id := range m.References[max(0, len(m.References)-fuzzMaxIDs):] {
			refs = append(refs, tok(id))
		}
		conv := ""
		if k := ConversationKey(m.ThreadIndex); k != "" {
			if convs[k] == "" {
				convs[k] = "c" + strconv.Itoa(len(convs)+1)
			}
			conv = convs[k]
		}
		minutes := int(m.Date.Sub(base) / time.Minute)
		fmt.Fprintf(&b, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", tok(m.ID), strings.Join(irt, " "), strings.Join(refs, " "),
			minutes, strings.Join(m.Lists, " "), conv, clean(m.ThreadTopic, 100), clean(strings.ReplaceAll(m.Subject, "\n", " "), 200),
			strings.ReplaceAll(clean(m.Text, 600), "\n", `\n`))
	}
	return b.String()
}

// fuzzPlaceSeeds are small scenarios of the package doc's rules, in the fuzz input format.
var fuzzPlaceSeeds = []string{
	// A reply, a reply to the reply, a reply that arrived before its parent.
	"a\t\t\t0\tl\t\t\tTARGET-> Year 5 books on resilience\t\n" +
		"b\ta\ta\t60\tl\t\t\tRe: TARGET-> Year 5 books on resilience\t\n" +
		"d\tc\ta c\t180\tl\t\t\tRe: Re: TARGET-> Year 5 books\t\n" +
		"c\tb\ta b\t120\tl\t\t\tRE: TARGET-> Year 5 books on resilience\t\n",
	// Siblings under a ghost parent; a reference loop.
	"x\tghost\tghost\t0\tl\t\t\tRe: shelving\t\ny\tghost\tghost\t10\tl\t\t\tRe: shelving\t\n" +
		"p\tq\tq\t20\tl\t\t\tloop\t\nq\tp\tp\t30\tl\t\t\tRe: loop\t\n",
	// The gap rule: a reply to a two-month-old post under a new subject.
	"old\t\t\t0\tl\t\t\tBook fair ideas\t\nnew\told\told\t90000\tl\t\t\tRe: Overdue fines policy\t\n" +
		"later\tnew old\told new\t90100\tl\t\t\tRe: Overdue fines policy\t\n",
	// Outlook conversation without headers; the subject fallback; a generic subject.
	"o1\t\t\t0\tl\tc1\tLibrary hours\tLibrary hours\t\no2\t\t\t30\tl\tc1\tLibrary hours\tRE: Library hours\t\n" +
		"s1\t\t\t0\tl\t\t\tGenrefication\t\ns2\t\t\t100\tl\t\t\tRe: [aisle] Genrefication\t\n" +
		"g1\t\t\t0\tl\t\t\tthanks\t\ng2\t\t\t5\tl\t\t\tRe: thanks\t\n",
	// A digest, a reply to it quoting one item's subject, a copy of a message (cross-post).
	"t\t\t\t0\tlm\t\t\tBook fair ideas\tWe need ideas for the fair this year please help out\n" +
		"dg\t\t\t600\tlm\t\t\tLM_NET Digest - 3 Mar 2026 (#2026-62)\t\n" +
		"r\tdg\tdg\t700\tlm\t\t\tRe: LM_NET Digest - 3 Mar 2026 (#2026-62)\tMe too\\n> Subject: Book fair ideas\\n> We need ideas for the fair this year please help out\n" +
		"t\t\t\t5\toz\t\t\tBook fair ideas\t\n",
	// Duplicate ids, self-reference, empty fields.
	"s\ts\ts\t0\t\t\t\tRe:\t\ns\t\t\t0\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n",
}

// fuzzCorpusSeeds returns the threading corpora (when present) and the generated list traffic
// as fuzz inputs, in chunks of at most fuzzMaxMessages messages in arrival order.
func fuzzCorpusSeeds(tb testing.TB) []string {
	var groups [][]Message
	if dir := fuzzkit.Dir(); dir != "" {
		var paths []string
		jwz, _ := filepath.Glob(filepath.Join(dir, "perl-mail-thread-jwz", "t", "testbox*"))
		paths = append(paths, jwz...)
		for _, p := range []string{
			"notmuch/test/corpora/threading", "notmuch/test/corpora/default", "notmuch/test/corpora/broken",
			"mailbox-perl-imagemagick-2000/mbox.src",
		} {
			paths = append(paths, filepath.Join(dir, filepath.FromSlash(p)))
		}
		series, _ := filepath.Glob(filepath.Join(dir, "patchwork-mbox", "patchwork", "tests", "data", "series", "*.mbox"))
		paths = append(paths, series...)
		for _, p := range paths {
			if _, err := os.Stat(p); err == nil {
				groups = append(groups, loadMessages(tb, p))
			}
		}
	}
	var seeds []string
	// Generated list traffic, whole true threads together, in date order.
	var chunk []Message
	for _, th := range trafficThreads() {
		if len(chunk)+len(th) > fuzzMaxMessages && len(chunk) > 0 {
			slices.SortStableFunc(chunk, func(a, b Message) int { return a.Date.Compare(b.Date) })
			seeds = append(seeds, encodeFuzzMessages(chunk))
			chunk = nil
		}
		chunk = append(chunk, th[:min(len(th), fuzzMaxMessages)]...)
	}
	if len(chunk) > 0 {
		slices.SortStableFunc(chunk, func(a, b Message) int { return a.Date.Compare(b.Date) })
		seeds = append(seeds, encodeFuzzMessages(chunk))
	}
	for _, g := range groups {
		for len(g) > 0 {
			n := min(len(g), fuzzMaxMessages)
			seeds = append(seeds, encodeFuzzMessages(g[:n]))
			g = g[n:]
		}
	}
	return seeds
}

// trafficThreads returns the true threads of part of the generated evaluation traffic (the
// messages of each label, in date order), at most 150 of them.
func trafficThreads() [][]Message {
	c := genTraffic(7, corpusStart, 98)
	slices.SortStableFunc(c, func(a, b corpusMsg) int { return a.Date.Compare(b.Date) })
	byLabel := map[string]int{}
	var out [][]Message
	for _, m := range c {
		i, ok := byLabel[m.Label]
		if !ok {
			if len(out) == 150 {
				continue
			}
			i = len(out)
			byLabel[m.Label] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], m.Message)
	}
	return out
}

// methods are the Methods a Decision may carry.
var methods = []string{MethodInReplyTo, MethodReferences, MethodChildren, MethodDuplicate,
	MethodThreadIndex, MethodSubject, MethodDigest, MethodNew, MethodNewAfterGap}

// placeAll places msgs in order into a fresh MemIndex as the store does (GroupInto does the
// same after sorting by date), checking each Decision, and returns the index and decisions.
func placeAll(t *testing.T, msgs []Message) (*MemIndex, []Decision) {
	x := NewMemIndex()
	var ds []Decision
	seen, valid := map[string]bool{}, validUTF8(msgs)
	for _, m := range msgs {
		d, err := Place(x, m)
		if err != nil {
			t.Fatalf("Place(<%s>): %v", m.ID, err)
		}
		checkDecision(t, x, seen, valid, m, d)
		ds = append(ds, d)
		if len(d.Threads) == 0 {
			x.Add(m, x.NewThread())
		} else {
			x.Merge(d.Threads[0], d.Threads[1:]...)
			x.Add(m, d.Threads[0])
		}
		if th, ok := x.Thread(m.ID); !ok || x.threads[th] == nil {
			t.Fatalf("<%s> is in no live thread after Add (%d, %v)", m.ID, th, ok)
		}
	}
	return x, ds
}

// checkDecision checks the Decision for m, placed into x after the ids in seen (which it
// then adds m's to): a known method and a reason, threads exactly when joining, a duplicate
// exactly when the id is known, threads sorted, unique and live, and a valid UTF-8 reason when
// valid says every message placed is valid UTF-8.
func checkDecision(t *testing.T, x *MemIndex, seen map[string]bool, valid bool, m Message, d Decision) {
	if !slices.Contains(methods, d.Method) || d.Reason == "" {
		t.Fatalf("Place(<%s>) = %+v: unknown method or no reason", m.ID, d)
	}
	if (len(d.Threads) == 0) != (d.Method == MethodNew || d.Method == MethodNewAfterGap) {
		t.Fatalf("Place(<%s>) = %+v: method and threads disagree", m.ID, d)
	}
	if seen[m.ID] != (d.Method == MethodDuplicate) {
		t.Fatalf("Place(<%s>) = %+v; the id was seen before: %v", m.ID, d, seen[m.ID])
	}
	seen[m.ID] = true
	if !slices.IsSorted(d.Threads) || len(slices.Compact(slices.Clone(d.Threads))) != len(d.Threads) {
		t.Fatalf("Place(<%s>) threads %v not sorted and unique", m.ID, d.Threads)
	}
	for _, th := range d.Threads {
		if x.threads[th] == nil || x.find(th) != th {
			t.Fatalf("Place(<%s>) names thread %d, which is not a live thread", m.ID, th)
		}
	}
	// A Reason quotes ids and subjects of other messages too: it must be valid UTF-8 when
	// everything placed is (mailparse guarantees that).
	if valid && !utf8.ValidString(d.Reason) {
		t.Fatalf("Place(<%s>).Reason %q is not valid UTF-8", m.ID, d.Reason)
	}
}

// validUTF8 reports whether every string of msgs is valid UTF-8.
func validUTF8(msgs []Message) bool {
	for _, m := range msgs {
		for _, s := range slices.Concat(m.InReplyTo, m.References, m.Lists, []string{m.ID, m.Subject, m.ThreadTopic, m.ThreadIndex, m.Text}) {
			if !utf8.ValidString(s) {
				return false
			}
		}
	}
	return true
}

// checkGrouping checks the final grouping of msgs placed in order: every message is in
// exactly one live thread, and a reply whose In-Reply-To names a message placed before it
// is in that message's thread, except where the package doc says otherwise.
func checkGrouping(t *testing.T, x *MemIndex, msgs []Message) {
	first := map[string]Message{} // the first copy of each id: what the index holds
	for _, m := range msgs {
		th, ok := x.Thread(m.ID)
		if !ok || x.threads[th] == nil || x.find(th) != th {
			t.Fatalf("<%s> is in no live thread (%d, %v)", m.ID, th, ok)
		}
		if _, dup := first[m.ID]; dup {
			continue // a copy goes where the first went, whatever it cites
		}
		for _, p := range m.InReplyTo {
			parent, placed := first[p]
			switch {
			case !placed || p == m.ID:
			case isDigestPost(parent.Subject): // a digest is no one's parent
			case m.Date.Sub(parent.Date) > gapWindow: // the gap rule may refuse the link
			default:
				if pt, _ := x.Thread(p); pt != th {
					t.Fatalf("<%s> has In-Reply-To <%s>, placed before it, but is in thread %d, not %d", m.ID, p, th, pt)
				}
			}
		}
		first[m.ID] = m
	}
	if x.Len() != len(first) {
		t.Fatalf("index holds %d messages; want %d distinct ids", x.Len(), len(first))
	}
	live := 0
	for th := range x.threads {
		if x.find(th) != th {
			t.Fatalf("thread %d was merged but is still listed", th)
		}
		live++
	}
	if (live == 0) != (len(first) == 0) || live > len(first) {
		t.Fatalf("%d live threads for %d messages", live, len(first))
	}
}

// FuzzPlace fuzzes threading: a short sequence of messages derived from the input is placed
// with Place and a MemIndex, in arrival order (as the store does) and in date order (as
// GroupInto does). Invariants: no panic and no error; every Decision is well formed and names
// only live threads; a copy of a known id (and only that) is a duplicate; every message ends
// in exactly one thread; a message whose In-Reply-To names a message placed before it joins
// that message's thread unless the parent is a digest or the gap rule applies (more than 30
// days apart); the same input gives the same decisions and grouping; an execution ends
// quickly.
func FuzzPlace(f *testing.F) {
	for _, s := range fuzzPlaceSeeds {
		f.Add(s)
	}
	for _, s := range fuzzCorpusSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(fuzzPlace)
}

// fuzzPlace is one execution of FuzzPlace.
func fuzzPlace(t *testing.T, data string) {
	defer fuzzkit.Deadline(5*time.Second, "FuzzPlace", data)()
	msgs := decodeFuzzMessages(data)
	x, ds := placeAll(t, msgs)
	checkGrouping(t, x, msgs)
	_, again := placeAll(t, msgs)
	for i := range ds {
		if !slices.Equal(ds[i].Threads, again[i].Threads) || ds[i].Method != again[i].Method || ds[i].Reason != again[i].Reason {
			t.Fatalf("<%s> placed twice: %+v, then %+v", msgs[i].ID, ds[i], again[i])
		}
	}
	// Date order, as Group places: GroupInto, with the same checks.
	xs, seen := NewMemIndex(), map[string]bool{}
	valid := validUTF8(msgs)
	if err := GroupInto(xs, msgs, func(m Message, d Decision) { checkDecision(t, xs, seen, valid, m, d) }); err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(msgs)
	slices.SortStableFunc(sorted, func(a, b Message) int { // GroupInto's order
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	checkGrouping(t, xs, sorted)
}

// FuzzNormalizeSubject fuzzes the subject functions. Invariants: no panic; NormalizeSubject
// is idempotent, lower-case, valid UTF-8, folded (no leading, trailing or double spaces, no
// trailing punctuation) and not much longer than its input; for ASCII subjects, case does
// not matter to NormalizeSubject, IsReply and Keyword; Keyword's keyword is one of the
// list's and its rest is folded; DisplaySubject is valid UTF-8 and no longer than the input;
// ConversationKey is "" or a valid key, and stable.
func FuzzNormalizeSubject(f *testing.F) {
	for _, s := range []string{
		"", "Re: [aisle] TARGET-> Year 5 books on resilience", "RE: AW: Re[2]: x", "Re:x", "回复：x",
		"[Fwd: Book fair]", "Library plans [aisle]", "New topic (was: Old topic)", "x (fwd)",
		"Target - x", "TARGET: x", "HIT-> Bullying websites – January 2011.", "Automatic reply: Out",
		"Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", "Re: OZTL_NET Digest, Vol 123, Issue 4",
		"High school reading", "Target-audience", "(no subject)", "Re: your mail", "İSTANBUL ẞ ﬁ",
		"\xff\xfe Re: \x00", "Re: (was: x)", "[a] [b] Re: [c] Fwd: [d]",
	} {
		f.Add(s)
	}
	for _, s := range fuzzSubjectSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer fuzzkit.Deadline(5*time.Second, "FuzzNormalizeSubject", s)()
		n := NormalizeSubject(s)
		if !utf8.ValidString(n) {
			t.Fatalf("NormalizeSubject(%q) = %q: invalid UTF-8", s, n)
		}
		if again := NormalizeSubject(n); again != n {
			t.Fatalf("NormalizeSubject not idempotent: %q -> %q -> %q", s, n, again)
		}
		if n != strings.ToLower(n) {
			t.Fatalf("NormalizeSubject(%q) = %q: not lower-case", s, n)
		}
		if n != foldSpace(n) || n != strings.TrimRight(n, trailingPunct) {
			t.Fatalf("NormalizeSubject(%q) = %q: not folded", s, n)
		}
		// Lower-casing may grow a rune (2 to 3 bytes), "TARGET>x" becomes "target: x", and
		// invalid UTF-8 is repaired (a bad byte becomes U+FFFD, 3 bytes).
		if len(n) > len(strings.ToValidUTF8(s, "\uFFFD"))*3/2+2 {
			t.Fatalf("NormalizeSubject(%q) = %q: %d bytes from %d", s, n, len(n), len(s))
		}
		kw, rest := Keyword(s)
		if kw != "" && (!slices.Contains(keywords, kw) || kw == "HITS" || kw == "JOB") || rest != strings.TrimSpace(rest) {
			t.Fatalf("Keyword(%q) = %q, %q", s, kw, rest)
		}
		if d := DisplaySubject(s); utf8.ValidString(s) && (!utf8.ValidString(d) || len(d) > len(s)) {
			t.Fatalf("DisplaySubject(%q) = %q", s, d)
		}
		if isASCII(s) {
			for _, v := range []string{strings.ToUpper(s), strings.ToLower(s)} {
				if NormalizeSubject(v) != n || IsReply(v) != IsReply(s) {
					t.Fatalf("case matters: NormalizeSubject(%q) = %q, IsReply %v; NormalizeSubject(%q) = %q, IsReply %v",
						s, n, IsReply(s), v, NormalizeSubject(v), IsReply(v))
				}
				if k, _ := Keyword(v); k != kw {
					t.Fatalf("case matters: Keyword(%q) = %q; Keyword(%q) = %q", s, kw, v, k)
				}
			}
		}
		if k := ConversationKey(s); k != "" && (ConversationKey(k) != k || len(k) != 32) {
			t.Fatalf("ConversationKey(%q) = %q, not a stable key", s, k)
		}
	})
}

func isASCII(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf || r == utf8.RuneError }) < 0 && utf8.ValidString(s)
}

// fuzzSubjectSeeds returns the subjects (decoded) of the corpora's messages when present, and
// those of the generated list traffic.
func fuzzSubjectSeeds() []string {
	var out []string
	msgs := fuzzkit.Messages(4<<20, 256<<10, fuzzkit.MailFolders...)
	for _, v := range fuzzkit.HeaderValues(msgs, 400, "Subject", "Thread-Topic") {
		out = append(out, strings.TrimFunc(fuzzkit.Decode(v), unicode.IsSpace))
	}
	seen := map[string]bool{}
	for _, th := range trafficThreads() {
		for _, m := range th {
			if !seen[m.Subject] {
				seen[m.Subject] = true
				out = append(out, m.Subject)
			}
		}
	}
	return out
}

// TestGapReasonDeterministic is FuzzPlace's regression seed testdata/fuzz/FuzzPlace/gap-two-threads
// run many times: a reply citing two old posts of different threads, both refused by the gap
// rule, got its Reason from whichever refused link map iteration met first.
func TestGapReasonDeterministic(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzPlace", "gap-two-threads"))
	if err != nil {
		t.Fatal(err)
	}
	// The file is "go test fuzz v1" and a line string("...").
	_, arg, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(arg, "string("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := decodeFuzzMessages(data)
	_, first := placeAll(t, msgs)
	for range 50 {
		_, again := placeAll(t, msgs)
		if last := len(msgs) - 1; again[last].Reason != first[last].Reason {
			t.Fatalf("Reason of <%s> changes between runs:\n%s\n%s", msgs[last].ID, first[last].Reason, again[last].Reason)
		}
	}
	if d := first[len(first)-1]; d.Method != MethodNewAfterGap {
		t.Fatalf("Place = %+v; want %s", d, MethodNewAfterGap)
	}
}
