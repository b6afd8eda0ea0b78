package thread

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"listdigest/internal/archive"
	"listdigest/internal/mailparse"
)

// pairs counts message pairs for pairwise precision and recall: a pair is positive when both
// messages are in one thread.
type pairs struct {
	tp, fp, fn int64
	messages   int
}

func (p pairs) add(o pairs) pairs {
	return pairs{p.tp + o.tp, p.fp + o.fp, p.fn + o.fn, p.messages + o.messages}
}

// prf returns precision, recall and F1. With no positive pairs on a side the ratio is 1: a
// corpus of singletons threaded as singletons is perfect.
func (p pairs) prf() (precision, recall, f1 float64) {
	precision, recall = 1, 1
	if p.tp+p.fp > 0 {
		precision = float64(p.tp) / float64(p.tp+p.fp)
	}
	if p.tp+p.fn > 0 {
		recall = float64(p.tp) / float64(p.tp+p.fn)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return precision, recall, f1
}

func (p pairs) String() string {
	pr, rc, f1 := p.prf()
	return fmt.Sprintf("P=%.3f R=%.3f F1=%.3f (%d messages; pairs TP=%d FP=%d FN=%d)", pr, rc, f1, p.messages, p.tp, p.fp, p.fn)
}

// pairwise compares a grouping with the truth over the messages present in both, from the
// contingency table: TP = sum over cells of C(n,2), FP = pairs together in got minus TP,
// FN = pairs together in truth minus TP.
func pairwise(truth map[string]string, got map[string]int64) pairs {
	type cell struct {
		label  string
		thread int64
	}
	cells, byLabel, byThread := map[cell]int64{}, map[string]int64{}, map[int64]int64{}
	var p pairs
	for id, label := range truth {
		thread, ok := got[id]
		if !ok {
			continue
		}
		p.messages++
		cells[cell{label, thread}]++
		byLabel[label]++
		byThread[thread]++
	}
	c2 := func(n int64) int64 { return n * (n - 1) / 2 }
	var truthPairs, gotPairs int64
	for _, n := range cells {
		p.tp += c2(n)
	}
	for _, n := range byLabel {
		truthPairs += c2(n)
	}
	for _, n := range byThread {
		gotPairs += c2(n)
	}
	p.fp, p.fn = gotPairs-p.tp, truthPairs-p.tp
	return p
}

func TestPairwise(t *testing.T) {
	truth := map[string]string{"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
	tests := []struct {
		name string
		got  map[string]int64
		want pairs
	}{
		{"perfect", map[string]int64{"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}, pairs{3, 0, 0, 5}},
		{"all apart", map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, pairs{0, 0, 3, 5}},
		{"all together", map[string]int64{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}, pairs{3, 7, 0, 5}},
		{"one split off, one wrongly joined", map[string]int64{"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}, pairs{1, 1, 2, 5}},
		{"missing message ignored", map[string]int64{"a": 1, "b": 1}, pairs{1, 0, 0, 2}},
	}
	for _, tt := range tests {
		if got := pairwise(truth, tt.got); got != tt.want {
			t.Errorf("%s: pairwise = %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

// corporaDir returns the shared corpora folder, or skips the test.
func corporaDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("LISTDIGEST_CORPORA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpora not found at %s (set LISTDIGEST_CORPORA): %v", dir, err)
	}
	return dir
}

// loadMessages parses every message under path with mailparse, as ingest would.
func loadMessages(t testing.TB, path string) []Message {
	t.Helper()
	r, err := archive.Open(path)
	if err != nil {
		t.Fatalf("archive.Open(%s): %v", path, err)
	}
	defer r.Close()
	var out []Message
	for {
		it, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Logf("skipped one file in %s: %v", path, err)
			continue
		}
		pm, err := mailparse.Parse(it.Raw, mailparse.Options{Arrival: it.Arrival})
		if pm == nil {
			t.Fatalf("mailparse.Parse(%s) returned nil: %v", it.Location, err)
		}
		out = append(out, fromParsed(pm))
	}
}

// fromParsed is the mapping the store makes from a parsed message to threading's view.
func fromParsed(pm *mailparse.Message) Message {
	m := Message{ID: pm.MessageID, InReplyTo: pm.InReplyTo, References: pm.References, Subject: pm.Subject,
		Date: pm.Date, From: strings.ToLower(pm.From.Addr), ThreadIndex: pm.ThreadIndex,
		ThreadTopic: pm.ThreadTopic, Text: pm.Text}
	if pm.List.ID != "" {
		m.Lists = []string{pm.List.ID}
	}
	return m
}

// notmuchThreads reads a reference_threads.*.notmuch.json file: message id -> thread.
func notmuchThreads(t testing.TB, path string) (map[string]string, []notmuchThread) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Threads []notmuchThread `json:"threads"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	truth := map[string]string{}
	for _, th := range doc.Threads {
		var walk func([]notmuchNode)
		walk = func(ns []notmuchNode) {
			for _, n := range ns {
				truth[n.ID] = th.Thread
				walk(n.Children)
			}
		}
		walk(th.Roots)
	}
	return truth, doc.Threads
}

type notmuchThread struct {
	Thread string        `json:"thread"`
	Roots  []notmuchNode `json:"roots"`
}

type notmuchNode struct {
	ID       string        `json:"id"`
	Subject  string        `json:"subject"`
	Children []notmuchNode `json:"children"`
}

func (th notmuchThread) size() int {
	var count func([]notmuchNode) int
	count = func(ns []notmuchNode) int {
		n := len(ns)
		for _, c := range ns {
			n += count(c.Children)
		}
		return n
	}
	return count(th.Roots)
}

// searchSizes reads notmuch's upstream expected search output ("[matched/total]" per thread).
func searchSizes(t testing.TB, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\[(\d+)/(\d+)\]`)
	var sizes []int
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		var n int
		fmt.Sscan(m[2], &n)
		sizes = append(sizes, n)
	}
	return sizes
}

// jwzBox is one Mail::Thread test mailbox with its expected grouping.
type jwzBox struct {
	name, options string
	oneRoot       bool // "expected rootset size: 1": the whole box is one thread
	termination   bool // no expected grouping: the box must only be threaded without hanging
	truth         map[string]string
}

// jwzExpected reads expected_threads.txt: per box, rows "depth<TAB>subject<TAB>id"; a depth-0
// row opens a thread (ghost rows "[ Message not available ]" are containers, not messages).
func jwzExpected(t testing.TB, path string) []jwzBox {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := regexp.MustCompile(`^### t/(\S+)\s+\(test t/\d\.t\)\s+options: (.*?)\s+expected rootset size: (\S+)`)
	var boxes []jwzBox
	var cur *jwzBox
	root := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := head.FindStringSubmatch(line); m != nil {
			boxes = append(boxes, jwzBox{name: m[1], options: m[2], oneRoot: m[3] == "1",
				termination: m[3] == "n/a", truth: map[string]string{}})
			cur = &boxes[len(boxes)-1]
			continue
		}
		if strings.HasPrefix(line, "###") {
			cur = nil
		}
		fields := strings.Split(line, "\t")
		if cur == nil || len(fields) != 3 {
			continue
		}
		if fields[0] == "0" {
			root = fields[2]
		}
		if fields[1] != "[ Message not available ]" {
			cur.truth[fields[2]] = root
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return boxes
}

// groupCorpus threads msgs and fails the test on error.
func groupCorpus(t testing.TB, msgs []Message) map[string]int64 {
	t.Helper()
	got, err := Group(msgs)
	if err != nil {
		t.Fatalf("Group: %v", err)
	}
	return got
}

// floors are the pairwise F1 (and precision, recall) each corpus must keep: a little below
// what the rules achieve today, so that a regression fails.
var floors = map[string]struct{ p, r, f1 float64 }{
	"list-traffic":          {0.99, 0.98, 0.985},
	"list-traffic-held-out": {0.99, 0.97, 0.98},
	"notmuch-default":       {0.99, 0.99, 0.99},
	"notmuch-threading":     {0.99, 0.99, 0.99},
	"mailbox-imagemagick":   {0.72, 0.99, 0.83},
	"perl-mail-thread-jwz":  {0.84, 0.99, 0.91},
	"jwz-subject-grouping":  {0.99, 0.99, 0.99},
	"jwz-header-only-boxes": {0.81, 0.99, 0.89},
}

func checkFloor(t *testing.T, name string, p pairs) {
	t.Helper()
	pr, rc, f1 := p.prf()
	t.Logf("%-22s %s", name, p)
	fl, ok := floors[name]
	if !ok {
		t.Fatalf("no floor for %s", name)
	}
	if pr < fl.p || rc < fl.r || f1 < fl.f1 {
		t.Errorf("%s: P/R/F1 = %.3f/%.3f/%.3f; want at least %.2f/%.2f/%.2f", name, pr, rc, f1, fl.p, fl.r, fl.f1)
	}
}

// TestEvaluateThreading measures pairwise precision, recall and F1 of Group on the labelled
// list-traffic corpus and on the shared corpora with ground truth. Run with -v to see figures.
func TestEvaluateThreading(t *testing.T) {
	t.Run("list-traffic", evaluateListTraffic)
	t.Run("notmuch-default", evaluateNotmuchDefault)
	t.Run("notmuch-threading", evaluateNotmuchThreading)
	t.Run("mailbox-imagemagick", evaluateImageMagick)
	t.Run("perl-mail-thread-jwz", evaluateJWZ)
}

func evaluateListTraffic(t *testing.T) {
	corpus := listTraffic()
	truth := map[string]string{}
	kind := map[string]string{}
	for _, m := range corpus {
		truth[m.ID] = m.Label
		if kind[m.ID] == "" {
			kind[m.ID] = m.Kind
		}
	}
	x := NewMemIndex()
	decisions := map[string]Decision{}
	methods := map[string]int{}
	err := GroupInto(x, messagesOf(corpus), func(m Message, d Decision) {
		if _, seen := decisions[m.ID]; !seen {
			methods[d.Method]++
		}
		decisions[m.ID] = d
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for id := range truth {
		got[id], _ = x.Thread(id)
	}
	t.Logf("list-traffic: %d messages (%d copies), %d true threads, %d found", len(truth), len(corpus), countDistinct(truth), countDistinct(got))
	t.Logf("scenarios: %v", scenarioCounts(corpus))
	t.Logf("replies by how they cite their parent: %v; with a localised, stacked or unusual prefix: %d", citations(corpus), localised(corpus))
	t.Logf("decisions by method: %v", methods)
	checkFloor(t, "list-traffic", pairwise(truth, got))
	logMistakes(t, truth, got, kind, decisions, corpus)

	// Held out: the rules were adjusted while reading seed 1's mistakes; other seeds check
	// that the figures are not an accident of that one draw.
	var pooled pairs
	worst := 1.0
	for seed := uint64(2); seed <= 6; seed++ {
		w := worlds[seed]()
		tr := map[string]string{}
		for _, m := range w.corpus {
			tr[m.ID] = m.Label
		}
		p := pairwise(tr, w.got)
		pooled = pooled.add(p)
		_, _, f1 := p.prf()
		worst = min(worst, f1)
	}
	t.Logf("%-22s %s; worst seed F1=%.3f", "list-traffic seeds 2-6", pooled, worst)
	checkFloor(t, "list-traffic-held-out", pooled)
}

// citations counts reply-prefixed messages by the headers that tie them to their parent.
func citations(c []corpusMsg) map[string]int {
	out := map[string]int{}
	for _, m := range c {
		if !IsReply(m.Subject) {
			continue
		}
		switch {
		case len(m.InReplyTo) > 0 && len(m.References) > 0:
			out["in-reply-to+references"]++
		case len(m.InReplyTo) > 0:
			out["in-reply-to only"]++
		case len(m.References) > 0:
			out["references only (truncated)"]++
		case m.ThreadIndex != "":
			out["thread-index only"]++
		default:
			out["nothing"]++
		}
	}
	return out
}

// localised counts reply subjects whose prefix is not one plain English "Re: ": localised,
// stacked or unusual ("Re:x", "Re[2]:").
func localised(c []corpusMsg) int {
	n := 0
	for _, m := range c {
		s := strings.TrimSpace(removeTags(m.Subject))
		if !IsReply(s) {
			continue
		}
		if rest, plain := strings.CutPrefix(strings.ToLower(s), "re: "); !plain || IsReply(rest) {
			n++
		}
	}
	return n
}

// scenarioCounts counts the messages of each generated scenario.
func scenarioCounts(c []corpusMsg) map[string]int {
	out := map[string]int{}
	for _, m := range c {
		out[m.Kind]++
	}
	return out
}

func countDistinct[K comparable, V comparable](m map[K]V) int {
	seen := map[V]bool{}
	for _, v := range m {
		seen[v] = true
	}
	return len(seen)
}

// logMistakes lists, by scenario, messages not in the thread holding most of their true
// thread, and messages sharing a thread with another true thread's messages.
func logMistakes(t *testing.T, truth map[string]string, got map[string]int64, kind map[string]string, ds map[string]Decision, corpus []corpusMsg) {
	// Home thread of a label: where most of its messages went.
	votes := map[string]map[int64]int{}
	for id, l := range truth {
		if votes[l] == nil {
			votes[l] = map[int64]int{}
		}
		votes[l][got[id]]++
	}
	home := map[string]int64{}
	owner := map[int64]string{}
	for l, v := range votes {
		best, n := int64(0), -1
		for th, c := range v {
			if c > n || (c == n && th < best) {
				best, n = th, c
			}
		}
		home[l] = best
	}
	for l, th := range home {
		if o, ok := owner[th]; !ok || l < o {
			owner[th] = l
		}
	}
	subj := map[string]string{}
	for _, m := range corpus {
		subj[m.ID] = m.Subject
	}
	byKind := map[string]int{}
	var examples []string
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		l := truth[id]
		split := got[id] != home[l]
		merged := owner[got[id]] != l && home[l] == got[id]
		if !split && !merged {
			continue
		}
		what := "split off"
		if merged {
			what = "merged with another thread"
		}
		byKind[kind[id]+" ("+what+")"]++
		if len(examples) < 12 {
			examples = append(examples, fmt.Sprintf("%s %s %q: %s — %s", kind[id], what, subj[id], ds[id].Method, ds[id].Reason))
		}
	}
	t.Logf("messages away from their thread, by scenario: %v", byKind)
	for _, e := range examples {
		t.Logf("  e.g. %s", e)
	}
}

func evaluateNotmuchDefault(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "notmuch")
	truth, threads := notmuchThreads(t, filepath.Join(dir, "reference_threads.default.notmuch.json"))
	// The JSON was made by running notmuch here; check it agrees with upstream's expected
	// output (emacs search view: one "[n/n]" per thread, newest first) before trusting it.
	want := searchSizes(t, filepath.Join(dir, "test", "emacs.expected-output", "notmuch-search-tag-inbox"))
	var have []int
	for _, th := range threads {
		have = append(have, th.size())
	}
	if slices.Sort(want); true {
		slices.Sort(have)
	}
	if !slices.Equal(want, have) {
		t.Errorf("reference JSON thread sizes %v disagree with upstream emacs output %v", have, want)
	} else {
		t.Logf("notmuch-default: reference JSON agrees with upstream emacs expected output (%d threads)", len(want))
	}
	msgs := loadMessages(t, filepath.Join(dir, "test", "corpora", "default"))
	checkFloor(t, "notmuch-default", pairwise(truth, groupCorpus(t, msgs)))
}

// notmuchThreadingTruth is the expected grouping of test/corpora/threading from notmuch's
// T510-thread-replies.sh, as EXPECTED_threading.md paraphrases it.
var notmuchThreadingTruth = map[string]string{
	"000-real-root@example.org":         "ghost-root",
	"001-child@example.org":             "ghost-root",
	"001-fake-message-root@example.org": "ghost-root",
	"001-grand-child@example.org":       "ghost-root",
	"001-grand-child2@example.org":      "ghost-root",
	"001-great-grand-child@example.org": "ghost-root",
	"87bmc6lp3h.fsf@len.workgroup":      "rt",
	"rt-4.2.8-22046-1529425595-591.33575-211-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de": "rt",
	"rt-4.2.8-6644-1530017064-1465.33575-215-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de": "rt",
	"B00-root@example.org":        "parent-priority",
	"B01-child@example.org":       "parent-priority",
	"B01-grand-child@example.org": "parent-priority",
}

func evaluateNotmuchThreading(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "notmuch", "test", "corpora")
	msgs := loadMessages(t, filepath.Join(dir, "threading"))
	got := groupCorpus(t, msgs)
	p := pairwise(notmuchThreadingTruth, got)
	if p.messages != len(notmuchThreadingTruth) {
		t.Errorf("notmuch-threading: %d of %d expected messages parsed", p.messages, len(notmuchThreadingTruth))
	}
	checkFloor(t, "notmuch-threading", p)
	// broken/loop: two messages citing each other must end (and end together).
	loop := groupCorpus(t, loadMessages(t, filepath.Join(dir, "broken", "loop")))
	if loop["mid-loop-12@example.org"] == 0 || loop["mid-loop-12@example.org"] != loop["mid-loop-21@example.org"] {
		t.Errorf("broken/loop: threads %v; want both messages in one", loop)
	}
}

func evaluateImageMagick(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "mailbox-perl-imagemagick-2000")
	truth, threads := notmuchThreads(t, filepath.Join(dir, "reference_threads.notmuch.json"))
	if len(threads) != 28 {
		t.Errorf("reference has %d threads; README says 28", len(threads))
	}
	for _, file := range []string{"mbox.src", "mbox.win"} {
		msgs := loadMessages(t, filepath.Join(dir, "t", "folders", file))
		p := pairwise(truth, groupCorpus(t, msgs))
		t.Logf("%s: %d of %d messages have the reference's Message-ID (the rest have synthetic ids)", file, p.messages, len(msgs))
		checkFloor(t, "mailbox-imagemagick", p)
	}
}

func evaluateJWZ(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "perl-mail-thread-jwz")
	var all, subject, headerOnly pairs
	for _, box := range jwzExpected(t, filepath.Join(dir, "expected_threads.txt")) {
		msgs := loadMessages(t, filepath.Join(dir, "t", box.name))
		got := groupCorpus(t, msgs)
		if box.termination {
			t.Logf("  %-10s threaded %d messages into %d threads (only termination is expected)", box.name, len(msgs), countDistinct(got))
			continue
		}
		truth := box.truth
		if box.oneRoot && len(truth) == 0 {
			truth = map[string]string{}
			for _, m := range msgs {
				truth[m.ID] = "all"
			}
		}
		p := pairwise(truth, got)
		t.Logf("  %-10s options %-36s %s", box.name, box.options, p)
		all = all.add(p)
		if strings.Contains(box.options, "nosubject=1") {
			headerOnly = headerOnly.add(p)
		} else {
			subject = subject.add(p)
		}
	}
	// Boxes 8 and 9 have no expectation at all; they must still thread.
	for _, name := range []string{"testbox-8", "testbox-9"} {
		groupCorpus(t, loadMessages(t, filepath.Join(dir, "t", name)))
	}
	checkFloor(t, "perl-mail-thread-jwz", all)
	checkFloor(t, "jwz-subject-grouping", subject)
	checkFloor(t, "jwz-header-only-boxes", headerOnly)
}
