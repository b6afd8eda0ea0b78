package thread

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// MemIndex is an Index held in memory, for evaluation, tests and benchmarks. Every lookup goes
// through a map keyed by id, reference, conversation or subject, and date windows are cut by
// binary search, so a lookup costs the same at 1,000 and 20,000 messages; only quoted-text
// search scans, and only the messages inside its window. Merged threads are tracked with a
// union-find. A MemIndex is not safe for concurrent use.
type MemIndex struct {
	msgs    map[string]*memMsg
	threads map[int64]*memThread
	parent  map[int64]int64 // union-find: merged thread -> thread it went into
	byRef   map[string][]*memMsg
	byConv  map[string][]*memMsg
	bySubj  map[string][]*memMsg // sorted by date
	byDate  []*memMsg            // sorted by date, for quoted-text windows
	next    int64
}

type memMsg struct {
	id      string
	thread  int64 // as added; resolve with find
	date    time.Time
	subject string // as sent
	norm    string
	text    string // folded for quoted-text search
}

type memThread struct {
	subject     string // normalised subject of the opening (earliest) message
	first, last time.Time
	lists       []string // sorted
}

// NewMemIndex returns an empty MemIndex.
func NewMemIndex() *MemIndex {
	return &MemIndex{
		msgs:    map[string]*memMsg{},
		threads: map[int64]*memThread{},
		parent:  map[int64]int64{},
		byRef:   map[string][]*memMsg{},
		byConv:  map[string][]*memMsg{},
		bySubj:  map[string][]*memMsg{},
	}
}

// NewThread returns a thread number not used yet in x.
func (x *MemIndex) NewThread() int64 {
	x.next++
	for x.used(x.next) {
		x.next++
	}
	return x.next
}

func (x *MemIndex) used(t int64) bool {
	_, merged := x.parent[t]
	return merged || x.threads[t] != nil
}

// Add records m as a member of thread. Adding a Message-ID that is already known merges the
// new copy's lists into the message's thread (a cross-post stored once) and, if thread
// differs, merges the two threads.
func (x *MemIndex) Add(m Message, thread int64) {
	if old, ok := x.msgs[m.ID]; ok && m.ID != "" {
		t := x.find(old.thread)
		x.threads[t].addLists(m.Lists)
		if thread != t {
			x.Merge(thread, t)
		}
		return
	}
	thread = x.find(thread)
	if thread > x.next {
		x.next = thread
	}
	mm := &memMsg{id: m.ID, thread: thread, date: m.Date, subject: m.Subject,
		norm: NormalizeSubject(m.Subject), text: foldText(m.Text)}
	x.msgs[m.ID] = mm
	t := x.threads[thread]
	if t == nil {
		t = &memThread{subject: mm.norm, first: m.Date, last: m.Date}
		x.threads[thread] = t
	}
	t.addMessage(mm)
	t.addLists(m.Lists)
	for _, r := range refsOf(m) {
		x.byRef[r] = append(x.byRef[r], mm)
	}
	if k := ConversationKey(m.ThreadIndex); k != "" {
		x.byConv[k] = append(x.byConv[k], mm)
	}
	x.bySubj[mm.norm] = insertByDate(x.bySubj[mm.norm], mm)
	x.byDate = insertByDate(x.byDate, mm)
}

// insertByDate keeps a slice sorted by date; appending is the common case (mail arrives in
// date order), so this is amortised O(1).
func insertByDate(s []*memMsg, m *memMsg) []*memMsg {
	i := len(s)
	if i > 0 && s[i-1].date.After(m.date) {
		i = sort.Search(len(s), func(k int) bool { return s[k].date.After(m.date) })
	}
	return slices.Insert(s, i, m)
}

func (t *memThread) addMessage(m *memMsg) {
	if m.date.Before(t.first) {
		t.first, t.subject = m.date, m.norm
	}
	if m.date.After(t.last) {
		t.last = m.date
	}
}

func (t *memThread) addLists(lists []string) {
	for _, l := range lists {
		if i, found := slices.BinarySearch(t.lists, l); !found {
			t.lists = slices.Insert(t.lists, i, l)
		}
	}
}

// Merge folds the threads from into into. Thread numbers in from stop being reported.
func (x *MemIndex) Merge(into int64, from ...int64) {
	into = x.find(into)
	for _, f := range from {
		f = x.find(f)
		if f == into {
			continue
		}
		a, b := x.threads[into], x.threads[f]
		switch {
		case b == nil:
		case a == nil:
			x.threads[into] = b
		default:
			a.merge(b)
		}
		delete(x.threads, f)
		x.parent[f] = into
	}
}

func (t *memThread) merge(o *memThread) {
	if o.first.Before(t.first) {
		t.first, t.subject = o.first, o.subject
	}
	if o.last.After(t.last) {
		t.last = o.last
	}
	t.addLists(o.lists)
}

// find resolves a thread number through merges, compressing the path.
func (x *MemIndex) find(t int64) int64 {
	root := t
	for {
		p, ok := x.parent[root]
		if !ok {
			break
		}
		root = p
	}
	for t != root {
		p := x.parent[t]
		x.parent[t] = root
		t = p
	}
	return root
}

// Thread returns the thread holding the message with this id.
func (x *MemIndex) Thread(id string) (int64, bool) {
	m, ok := x.msgs[id]
	if !ok {
		return 0, false
	}
	return x.find(m.thread), true
}

// Len returns the number of messages in x.
func (x *MemIndex) Len() int { return len(x.msgs) }

// candidate describes thread t as seen through message m.
func (x *MemIndex) candidate(m *memMsg) Candidate {
	t := x.find(m.thread)
	th := x.threads[t]
	return Candidate{Thread: t, Subject: th.subject, Lists: slices.Clone(th.lists), FirstAt: th.first,
		LastAt: th.last, MessageID: m.id, MessageDate: m.date, MessageSubject: m.subject}
}

// ByMessageIDs implements Index: one Candidate per known id.
func (x *MemIndex) ByMessageIDs(ids []string) ([]Candidate, error) {
	var out []Candidate
	seen := map[string]bool{}
	for _, id := range ids {
		if m, ok := x.msgs[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, x.candidate(m))
		}
	}
	return out, nil
}

// ByReference implements Index: one Candidate per thread, through its earliest message that
// cites one of ids.
func (x *MemIndex) ByReference(ids []string) ([]Candidate, error) {
	var ms []*memMsg
	for _, id := range ids {
		ms = append(ms, x.byRef[id]...)
	}
	return x.perThread(ms, func(a, b *memMsg) bool { return a.date.Before(b.date) }), nil
}

// ByConversation implements Index: one Candidate per thread, through its latest message in the
// conversation.
func (x *MemIndex) ByConversation(key string) ([]Candidate, error) {
	return x.perThread(x.byConv[key], func(a, b *memMsg) bool { return a.date.After(b.date) }), nil
}

// BySubject implements Index: one Candidate per thread on one of lists holding a message with
// this normalised subject dated within [since, until], through the latest such message.
func (x *MemIndex) BySubject(subject string, lists []string, since, until time.Time) ([]Candidate, error) {
	ms := window(x.bySubj[subject], since, until)
	ms = slices.DeleteFunc(slices.Clone(ms), func(m *memMsg) bool { return !x.onLists(m, lists) })
	return x.perThread(ms, func(a, b *memMsg) bool { return a.date.After(b.date) }), nil
}

// ByQuotedText implements Index: one Candidate per thread on one of lists holding a message
// dated within [since, until] whose text contains line (case and white space ignored),
// through the earliest such message.
func (x *MemIndex) ByQuotedText(line string, lists []string, since, until time.Time) ([]Candidate, error) {
	needle := foldText(line)
	if needle == "" {
		return nil, nil
	}
	var ms []*memMsg
	for _, m := range window(x.byDate, since, until) {
		if x.onLists(m, lists) && strings.Contains(m.text, needle) {
			ms = append(ms, m)
		}
	}
	return x.perThread(ms, func(a, b *memMsg) bool { return a.date.Before(b.date) }), nil
}

// window returns the part of a date-sorted slice within [since, until].
func window(s []*memMsg, since, until time.Time) []*memMsg {
	lo := sort.Search(len(s), func(i int) bool { return !s[i].date.Before(since) })
	hi := sort.Search(len(s), func(i int) bool { return s[i].date.After(until) })
	if lo >= hi {
		return nil
	}
	return s[lo:hi]
}

// onLists reports whether m's thread is on one of lists (any list when lists is empty).
func (x *MemIndex) onLists(m *memMsg, lists []string) bool {
	if len(lists) == 0 {
		return true
	}
	th := x.threads[x.find(m.thread)]
	for _, l := range lists {
		if _, ok := slices.BinarySearch(th.lists, l); ok {
			return true
		}
	}
	return false
}

// perThread keeps one message per thread, the one better says is preferred, as Candidates in
// thread order.
func (x *MemIndex) perThread(ms []*memMsg, better func(a, b *memMsg) bool) []Candidate {
	if len(ms) == 0 {
		return nil
	}
	best := map[int64]*memMsg{}
	for _, m := range ms {
		t := x.find(m.thread)
		if b, ok := best[t]; !ok || better(m, b) {
			best[t] = m
		}
	}
	out := make([]Candidate, 0, len(best))
	for _, m := range best {
		out = append(out, x.candidate(m))
	}
	slices.SortFunc(out, func(a, b Candidate) int { return cmpInt(a.Thread, b.Thread) })
	return out
}

// The in-memory index must keep satisfying the contract.
var _ Index = (*MemIndex)(nil)
