package thread

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	lmNet = "lm_net.listserv.syr.edu"
	oztl  = "oztl_net.lists.csu.edu.au"
	aisle = "aisle.list.railslibraries.info"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func days(n float64) time.Duration { return time.Duration(n * float64(day)) }

type opt func(*Message)

func irt(ids ...string) opt  { return func(m *Message) { m.InReplyTo = ids } }
func refs(ids ...string) opt { return func(m *Message) { m.References = ids } }
func lists(ls ...string) opt { return func(m *Message) { m.Lists = ls } }
func text(s string) opt      { return func(m *Message) { m.Text = s } }
func from(a string) opt      { return func(m *Message) { m.From = a } }
func outlook(ti, topic string) opt {
	return func(m *Message) { m.ThreadIndex, m.ThreadTopic = ti, topic }
}

// msg builds a message on LM_NET at t0 plus at.
func msg(id, subject string, at time.Duration, opts ...opt) Message {
	m := Message{ID: id, Subject: subject, Date: t0.Add(at), Lists: []string{lmNet}, From: "someone@school.example"}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// labelled is a message already in the index, in the thread its label names.
type labelled struct {
	m     Message
	label string
}

func in(label string, m Message) labelled { return labelled{m, label} }

// seedIndex adds the messages to a MemIndex, one thread per label, numbered in order of first
// appearance from 1.
func seedIndex(seed []labelled) (*MemIndex, map[string]int64) {
	x := NewMemIndex()
	threads := map[string]int64{}
	for _, s := range seed {
		n, ok := threads[s.label]
		if !ok {
			n = x.NewThread()
			threads[s.label] = n
		}
		x.Add(s.m, n)
	}
	return x, threads
}

func TestPlace(t *testing.T) {
	digestText := func(quote string) string {
		return "Here is what we use, hope it helps.\n\nOn Tue, Mar 3, 2026 at 1:00 AM LM_NET automatic digest system <LISTSERV@LISTSERV.SYR.EDU> wrote:\n" + quote
	}
	tests := []struct {
		name      string
		seed      []labelled
		m         Message
		want      []string // labels of the threads joined; nil = new thread
		method    string
		reasonHas string
	}{
		{
			name:      "in-reply-to",
			seed:      []labelled{in("a", msg("root@x", "TARGET-> Year 5 books on resilience", 0))},
			m:         msg("r1@x", "Re: TARGET-> Year 5 books on resilience", days(1), irt("root@x"), refs("root@x")),
			want:      []string{"a"},
			method:    MethodInReplyTo,
			reasonHas: "In-Reply-To <root@x> is in this thread",
		},
		{
			name: "references without in-reply-to names the nearest ancestor",
			seed: []labelled{
				in("a", msg("root@x", "Weeding the 500s", 0)),
				in("a", msg("r1@x", "Re: Weeding the 500s", days(1), irt("root@x"))),
			},
			m:         msg("r2@x", "Re: Weeding the 500s", days(2), refs("root@x", "r1@x")),
			want:      []string{"a"},
			method:    MethodReferences,
			reasonHas: "References <r1@x>",
		},
		{
			name: "references truncated to the root only",
			seed: []labelled{
				in("a", msg("root@x", "Weeding the 500s", 0)),
				in("a", msg("r1@x", "Re: Weeding the 500s", days(1), irt("root@x"))),
			},
			m:      msg("r5@x", "Re: Weeding the 500s", days(3), refs("root@x")),
			want:   []string{"a"},
			method: MethodReferences,
		},
		{
			name:      "child arrived first",
			seed:      []labelled{in("a", msg("child@x", "Re: Genrefication", days(1), irt("root@x"), refs("root@x")))},
			m:         msg("root@x", "Genrefication", 0),
			want:      []string{"a"},
			method:    MethodChildren,
			reasonHas: "<child@x>, already here, replies to this message",
		},
		{
			name: "a reply guessed into an older thread does not drag its opening post along",
			seed: []labelled{
				in("old", msg("o1@x", "TARGET-> Digital citizenship lessons", -days(9))),
				// header-less, dated (wrong clock) before the post it answers, so placed by
				// subject into the older thread before that post arrived
				in("old", msg("r@x", "Re: TARGET-> Digital citizenship lessons", -days(0.01))),
				in("old", msg("rr@x", "Re: TARGET-> Digital citizenship lessons", days(1), irt("r@x"), refs("new@x", "r@x"))),
			},
			m:         msg("new@x", "TARGET-> Digital citizenship lessons", 0),
			want:      nil,
			method:    MethodNew,
			reasonHas: "no reply prefix",
		},
		{
			name:      "sibling under a missing parent (ghost)",
			seed:      []labelled{in("a", msg("s1@x", "Re: Genrefication", days(1), irt("ghost@x"), refs("ghost@x")))},
			m:         msg("s2@x", "Re: Genrefication", days(1.2), irt("ghost@x"), refs("ghost@x")),
			want:      []string{"a"},
			method:    MethodReferences,
			reasonHas: "<s1@x>, in this thread, also cites <ghost@x>, a parent never seen",
		},
		{
			name: "bridging two threads merges them",
			seed: []labelled{
				in("a", msg("p@x", "Makerspace on a budget", 0)),
				in("b", msg("c@x", "Re: Makerspace on a budget", days(2), irt("m@x"))),
			},
			m:         msg("m@x", "Re: Makerspace on a budget", days(1), irt("p@x")),
			want:      []string{"a", "b"},
			method:    MethodInReplyTo,
			reasonHas: "links 2 threads, which merge",
		},
		{
			name:   "a message citing itself does not loop",
			seed:   []labelled{in("a", msg("other@x", "Something else", 0))},
			m:      msg("self@x", "Loop", days(1), irt("self@x"), refs("self@x")),
			want:   nil,
			method: MethodNew,
		},
		{
			name:      "copy of a known message (cross-post stored once)",
			seed:      []labelled{in("a", msg("x@x", "GEN: Free shelving", 0))},
			m:         msg("x@x", "[aisle] GEN: Free shelving", days(0.01), lists(aisle)),
			want:      []string{"a"},
			method:    MethodDuplicate,
			reasonHas: "a copy of <x@x>",
		},
		{
			name:      "Outlook reply by Thread-Index only",
			seed:      []labelled{in("a", msg("o1@x", "Overdue fines policy", 0, outlook(tiValue(3, 0), "Overdue fines policy")))},
			m:         msg("o2@x", "RE: Overdue fines policy", days(2), outlook(tiValue(3, 1), "Overdue fines policy")),
			want:      []string{"a"},
			method:    MethodThreadIndex,
			reasonHas: "same Outlook conversation (Thread-Index) as <o1@x>",
		},
		{
			name:   "Outlook reply without Thread-Topic",
			seed:   []labelled{in("a", msg("o1@x", "Overdue fines policy", 0, outlook(tiValue(3, 0), "")))},
			m:      msg("o2@x", "AW: Overdue fines policy", days(2), outlook(tiValue(3, 2), "")),
			want:   []string{"a"},
			method: MethodThreadIndex,
		},
		{
			name:   "Outlook Thread-Topic disagreeing is not trusted",
			seed:   []labelled{in("a", msg("o1@x", "Overdue fines policy", 0, outlook(tiValue(3, 0), "Overdue fines policy")))},
			m:      msg("o2@x", "Author visit in Term 2", days(2), outlook(tiValue(3, 1), "Author visit in Term 2")),
			want:   nil,
			method: MethodNew,
		},
		{
			name:   "Outlook conversation too old",
			seed:   []labelled{in("a", msg("o1@x", "Overdue fines policy", 0, outlook(tiValue(3, 0), "Overdue fines policy")))},
			m:      msg("o2@x", "Overdue fines policy", days(200), outlook(tiValue(3, 1), "Overdue fines policy")),
			want:   nil,
			method: MethodNew,
		},
		{
			name:      "reply-prefixed subject joins a recent thread on the same list",
			seed:      []labelled{in("a", msg("b1@x", "Booklist request", 0, lists(oztl)))},
			m:         msg("b2@x", "RE: AW: Re: Booklist request", days(2), lists(oztl)),
			want:      []string{"a"},
			method:    MethodSubject,
			reasonHas: `reply-prefixed subject "RE: AW: Re: Booklist request" matches a thread on ` + oztl + " active 2 days earlier",
		},
		{
			name:   "localised prefix and list tag after it",
			seed:   []labelled{in("a", msg("b1@x", "[aisle] Library plans", 0, lists(aisle)))},
			m:      msg("b2@x", "Antw: [aisle] Library plans", days(1), lists(aisle)),
			want:   []string{"a"},
			method: MethodSubject,
		},
		{
			name: "subject joins the most recent of two same-subject threads, never both",
			seed: []labelled{
				in("feb", msg("f1@x", "Booklist request", -days(25), lists(oztl))),
				in("mar", msg("m1@x", "Booklist request", 0, lists(oztl))),
			},
			m:      msg("m2@x", "Re: Booklist request", days(1), lists(oztl)),
			want:   []string{"mar"},
			method: MethodSubject,
		},
		{
			name:   "subject tolerates a sender's wrong clock (opening post stored first, dated later)",
			seed:   []labelled{in("a", msg("b1@x", "Booklist request", days(0.03), lists(oztl)))},
			m:      msg("b2@x", "Re: Booklist request", 0, lists(oztl)),
			want:   []string{"a"},
			method: MethodSubject,
		},
		{
			name:   "subject does not cross lists",
			seed:   []labelled{in("a", msg("b1@x", "Booklist request", 0, lists(oztl)))},
			m:      msg("b2@x", "Re: Booklist request", days(1), lists(lmNet)),
			want:   nil,
			method: MethodNew,
		},
		{
			name:   "subject window is 30 days",
			seed:   []labelled{in("a", msg("b1@x", "Booklist request", 0, lists(oztl)))},
			m:      msg("b2@x", "Re: Booklist request", days(31), lists(oztl)),
			want:   nil,
			method: MethodNew,
		},
		{
			name:      "recurring subject without a reply prefix starts a new thread",
			seed:      []labelled{in("a", msg("t1@x", "TARGET-> Year 5 books on resilience", 0))},
			m:         msg("t2@x", "TARGET-> Year 5 books on resilience", days(29)),
			want:      nil,
			method:    MethodNew,
			reasonHas: "no reply prefix",
		},
		{
			name:   "generic subject is never grouped by subject",
			seed:   []labelled{in("a", msg("y1@x", "Re: your mail", 0))},
			m:      msg("y2@x", "Re: your mail", days(0.1)),
			want:   nil,
			method: MethodNew,
		},
		{
			name: "subject finds a renamed thread under its new subject",
			seed: []labelled{
				in("a", msg("w1@x", "Budget", 0)),
				in("a", msg("w2@x", "Weeding the 500s (was: Budget)", days(1), irt("w1@x"))),
			},
			m:      msg("w3@x", "Re: Weeding the 500s", days(2)),
			want:   []string{"a"},
			method: MethodSubject,
		},
		{
			name:      "reply to a 3-month-old post under a new subject is a new topic",
			seed:      []labelled{in("old", msg("old@x", "TARGET-> Dewey for graphic novels", -days(90)))},
			m:         msg("new@x", "Author visits for Book Week", 0, irt("old@x"), refs("old@x")),
			want:      nil,
			method:    MethodNewAfterGap,
			reasonHas: "In-Reply-To <old@x> points at a message from 90 days earlier",
		},
		{
			name:   "late reply under the same subject stays",
			seed:   []labelled{in("old", msg("old@x", "TARGET-> Dewey for graphic novels", -days(60)))},
			m:      msg("late@x", "Re: TARGET-> Dewey for graphic novels", 0, irt("old@x")),
			want:   []string{"old"},
			method: MethodInReplyTo,
		},
		{
			name:   "recent reply under a new subject stays (JWZ)",
			seed:   []labelled{in("a", msg("p@x", "Budget", -days(5)))},
			m:      msg("c@x", "Weeding the 500s", 0, irt("p@x")),
			want:   []string{"a"},
			method: MethodInReplyTo,
		},
		{
			name: "a reply to the new topic does not drag the old thread back in",
			seed: []labelled{
				in("old", msg("old@x", "TARGET-> Dewey for graphic novels", -days(90))),
				in("new", msg("new@x", "Author visits for Book Week", 0, irt("old@x"), refs("old@x"))),
			},
			m:      msg("r@x", "Re: Author visits for Book Week", days(1), irt("new@x"), refs("old@x", "new@x")),
			want:   []string{"new"},
			method: MethodInReplyTo,
		},
		{
			name: "root-only References under the new topic find it by subject",
			seed: []labelled{
				in("old", msg("old@x", "TARGET-> Dewey for graphic novels", -days(90))),
				in("new", msg("new@x", "Author visits for Book Week", 0, irt("old@x"), refs("old@x"))),
			},
			m:      msg("r@x", "Re: Author visits for Book Week", days(1), refs("old@x")),
			want:   []string{"new"},
			method: MethodSubject,
		},
		{
			name:      "digest reply quoting the item subject",
			seed:      []labelled{in("a", msg("t@x", "TARGET-> Picture books about grief", 0))},
			m:         msg("d@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", days(1.5), irt("digest1@listserv"), text(digestText("> Date: Mon, 2 Mar 2026\n> From: Ann\n> Subject: TARGET-> Picture books about grief\n>\n> My Year 2 class lost a classmate"))),
			want:      []string{"a"},
			method:    MethodDigest,
			reasonHas: `replies to LM_NET Digest quoting "Subject: TARGET-> Picture books about grief"`,
		},
		{
			name: "digest reply quoting text only",
			seed: []labelled{
				in("a", msg("t@x", "GEN: Escape room for library orientation", 0, text("Hi all,\nWe ran an escape room for Year 7 orientation and the kids loved the padlock boxes.\nAnn"))),
				in("b", msg("u@x", "GEN: Something else", 0, text("Unrelated text about shelving and budgets for next year."))),
			},
			m:         msg("d@x", "Re: OZTL_NET Digest, Vol 123, Issue 4", days(1), lists(lmNet), text(digestText("> We ran an escape room for Year 7 orientation and the kids loved the padlock boxes.\n> Ann"))),
			want:      []string{"a"},
			method:    MethodDigest,
			reasonHas: "replies to OZTL_NET Digest, Vol 123, Issue 4 quoting",
		},
		{
			name: "digest reply quoting several items is left alone",
			seed: []labelled{
				in("a", msg("t@x", "TARGET-> Picture books about grief", 0)),
				in("b", msg("u@x", "GEN: Free shelving", 0)),
			},
			m:         msg("d@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", days(1), text(digestText("> Subject: TARGET-> Picture books about grief\n> ...\n> Subject: GEN: Free shelving\n"))),
			want:      nil,
			method:    MethodNew,
			reasonHas: "quotes 2 of its items",
		},
		{
			name:   "two replies to one digest do not merge through the digest's id",
			seed:   []labelled{in("a", msg("d1@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", 0, irt("digest1@listserv")))},
			m:      msg("d2@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", days(0.2), irt("digest1@listserv")),
			want:   nil,
			method: MethodNew,
		},
		{
			name: "subject-fixed reply to a digest does not join other digest replies",
			seed: []labelled{
				in("a", msg("d1@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", 0, irt("digest1@listserv"))),
			},
			m:      msg("d2@x", "Re: GEN: Free shelving", days(0.2), irt("digest1@listserv")),
			want:   nil,
			method: MethodNew,
		},
		{
			name:   "a stored digest is not a parent",
			seed:   []labelled{in("dg", msg("digest1@listserv", "LM_NET Digest - 3 Mar 2026 (#2026-62)", 0))},
			m:      msg("d2@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", days(0.2), irt("digest1@listserv")),
			want:   nil,
			method: MethodNew,
		},
		{
			name: "out-of-office auto-reply belongs to the thread",
			seed: []labelled{in("a", msg("t@x", "TARGET-> Graphic novels for reluctant readers", 0))},
			m:    msg("ooo@x", "Automatic reply: TARGET-> Graphic novels for reluctant readers", days(0.01), irt("t@x")),
			want: []string{"a"}, method: MethodInReplyTo,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, threads := seedIndex(tt.seed)
			d, err := Place(x, tt.m)
			if err != nil {
				t.Fatalf("Place: %v", err)
			}
			var want []int64
			for _, l := range tt.want {
				want = append(want, threads[l])
			}
			slices.Sort(want)
			if !slices.Equal(d.Threads, want) || d.Method != tt.method {
				t.Errorf("Place(<%s>) = %v %s (%s); want %v %s", tt.m.ID, d.Threads, d.Method, d.Reason, want, tt.method)
			}
			if !strings.Contains(d.Reason, tt.reasonHas) {
				t.Errorf("Place(<%s>).Reason = %q; want it to contain %q", tt.m.ID, d.Reason, tt.reasonHas)
			}
			if d.Reason == "" {
				t.Errorf("Place(<%s>).Reason is empty", tt.m.ID)
			}
		})
	}
}

// TestGroupLoops checks that reference loops (A cites B, B cites A, and longer cycles) end in one
// thread, whatever the order.
func TestGroupLoops(t *testing.T) {
	tests := []struct {
		name string
		msgs []Message
	}{
		{"A refs B, B refs A", []Message{
			msg("a@x", "referencing b", 0, irt("b@x")),
			msg("b@x", "referencing a", days(0.1), irt("a@x")),
		}},
		{"B first", []Message{
			msg("a@x", "referencing b", days(0.1), irt("b@x")),
			msg("b@x", "referencing a", 0, irt("a@x")),
		}},
		{"cycle of three with self reference", []Message{
			msg("a@x", "x", 0, refs("c@x", "a@x")),
			msg("b@x", "x", days(0.1), refs("a@x", "b@x")),
			msg("c@x", "x", days(0.2), refs("b@x", "c@x")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Group(tt.msgs)
			if err != nil {
				t.Fatal(err)
			}
			first := got[tt.msgs[0].ID]
			for _, m := range tt.msgs {
				if got[m.ID] != first {
					t.Errorf("Group: <%s> in thread %d; want %d with <%s>", m.ID, got[m.ID], first, tt.msgs[0].ID)
				}
			}
		})
	}
}

// TestGroupGhosts follows notmuch's ghost-root case: replies whose root never arrives, and a
// message that claims to be a root but cites a ghost, all end in one thread.
func TestGroupGhosts(t *testing.T) {
	msgs := []Message{
		msg("child@x", "child message", days(1), irt("root@x"), refs("root@x")),
		msg("fake@x", "fake root message", 0, irt("nonexistent@x"), refs("root@x", "child@x", "nonexistent@x")),
		msg("gc@x", "grand-child message", days(1.1), irt("child@x"), refs("root@x", "child@x")),
		msg("ggc@x", "great grand-child message", days(1.2), irt("gc@x"), refs("root@x", "gc@x")),
		msg("other@x", "unrelated", days(1.3)),
	}
	got, err := Group(msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"fake@x", "gc@x", "ggc@x"} {
		if got[id] != got["child@x"] {
			t.Errorf("Group: <%s> in thread %d; want %d with <child@x>", id, got[id], got["child@x"])
		}
	}
	if got["other@x"] == got["child@x"] {
		t.Errorf("Group: <other@x> joined the ghost thread")
	}
	// The root, written first but arriving last (the store places in arrival order), joins
	// its descendants.
	x := NewMemIndex()
	if err := GroupInto(x, msgs, nil); err != nil {
		t.Fatal(err)
	}
	d, err := Place(x, msg("root@x", "root message", -days(0.5)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{got["child@x"]}; !slices.Equal(d.Threads, want) || d.Method != MethodChildren {
		t.Errorf("Place(late root) = %v %s (%s); want %v %s", d.Threads, d.Method, d.Reason, want, MethodChildren)
	}
}

// failingIndex fails every lookup.
type failingIndex struct{}

var errIndex = errors.New("database is locked")

func (failingIndex) ByMessageIDs([]string) ([]Candidate, error) { return nil, errIndex }
func (failingIndex) ByReference([]string) ([]Candidate, error)  { return nil, errIndex }
func (failingIndex) ByConversation(string) ([]Candidate, error) { return nil, errIndex }
func (failingIndex) BySubject(string, []string, time.Time, time.Time) ([]Candidate, error) {
	return nil, errIndex
}
func (failingIndex) ByQuotedText(string, []string, time.Time, time.Time) ([]Candidate, error) {
	return nil, errIndex
}

func TestPlaceIndexError(t *testing.T) {
	for _, m := range []Message{
		msg("a@x", "Re: x", 0, irt("p@x")),
		msg("b@x", "Re: x", 0),
		msg("c@x", "x", 0, outlook(tiValue(1, 1), "")),
		msg("d@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", 0),
	} {
		if _, err := Place(failingIndex{}, m); !errors.Is(err, errIndex) {
			t.Errorf("Place(<%s>) error = %v; want %v", m.ID, err, errIndex)
		}
	}
}

// rowIndex answers like an SQL index that returns one row per matching message: every
// candidate twice.
type rowIndex struct{ *MemIndex }

func twice(cs []Candidate, err error) ([]Candidate, error) { return slices.Concat(cs, cs), err }

func (x rowIndex) ByMessageIDs(ids []string) ([]Candidate, error) {
	return twice(x.MemIndex.ByMessageIDs(ids))
}
func (x rowIndex) ByReference(ids []string) ([]Candidate, error) {
	return twice(x.MemIndex.ByReference(ids))
}
func (x rowIndex) ByConversation(key string) ([]Candidate, error) {
	return twice(x.MemIndex.ByConversation(key))
}
func (x rowIndex) BySubject(s string, ls []string, since, until time.Time) ([]Candidate, error) {
	return twice(x.MemIndex.BySubject(s, ls, since, until))
}
func (x rowIndex) ByQuotedText(l string, ls []string, since, until time.Time) ([]Candidate, error) {
	return twice(x.MemIndex.ByQuotedText(l, ls, since, until))
}

// TestPlaceDuplicateCandidates checks the Index contract's promise that returning a thread
// more than once is harmless, rule by rule.
func TestPlaceDuplicateCandidates(t *testing.T) {
	line := "We ran an escape room for Year 7 orientation and the kids loved the padlock boxes."
	x, threads := seedIndex([]labelled{
		in("a", msg("t@x", "GEN: Escape room", 0, text(line), outlook(tiValue(4, 0), "GEN: Escape room"))),
		in("a", msg("r@x", "Re: GEN: Escape room", days(0.5), irt("t@x"), text("Great idea\n> "+line))),
	})
	tests := []struct {
		m      Message
		method string
	}{
		{msg("h@x", "Re: GEN: Escape room", days(1), irt("t@x")), MethodInReplyTo},
		{msg("o@x", "RE: GEN: Escape room", days(1), outlook(tiValue(4, 1), "GEN: Escape room")), MethodThreadIndex},
		{msg("s@x", "Re: GEN: Escape room", days(1)), MethodSubject},
		{msg("d@x", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", days(1), text("Thanks!\n> "+line)), MethodDigest},
	}
	for _, tt := range tests {
		d, err := Place(rowIndex{x}, tt.m)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{threads["a"]}; !slices.Equal(d.Threads, want) || d.Method != tt.method {
			t.Errorf("Place(<%s>) = %v %s (%s); want %v %s", tt.m.ID, d.Threads, d.Method, d.Reason, want, tt.method)
		}
	}
}
