package thread

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

const day = 24 * time.Hour

// Windows of the rules; see the package doc.
const (
	subjectWindow      = 30 * day // a "Re:" subject joins a thread active this recently
	gapWindow          = 30 * day // a header link older than this under a new subject is a new topic
	digestWindow       = 14 * day // a digest reply answers an item at most this old
	conversationWindow = 90 * day // Outlook conversations are generous: replies come weeks later
	// clockSkew is how far after a reply's Date its thread may have a message: senders' clocks
	// run wrong, and the store places mail in arrival order, not Date order.
	clockSkew = 12 * time.Hour
)

// Bounds that keep one Place cheap whatever a hostile header holds.
const (
	maxRefs   = 64 // In-Reply-To and the newest References, the nearest ancestors
	maxGhosts = 8  // unknown references looked up one by one for siblings
)

// Methods of a Decision.
const (
	// MethodInReplyTo: the message's In-Reply-To names a message of the thread.
	MethodInReplyTo = "in-reply-to"
	// MethodReferences: its References name a message of the thread, or it shares a
	// reference to a never-seen parent with one.
	MethodReferences = "references"
	// MethodChildren: a message of the thread, which arrived first, cites it.
	MethodChildren = "children"
	// MethodDuplicate: a copy with the same Message-ID is already in the thread.
	MethodDuplicate = "duplicate"
	// MethodThreadIndex: same Outlook conversation (Thread-Index).
	MethodThreadIndex = "thread-index"
	// MethodSubject: reply-prefixed subject fallback.
	MethodSubject = "subject"
	// MethodDigest: a reply to a digest, placed by what it quotes.
	MethodDigest = "digest"
	// MethodNew: nothing matched; a new thread.
	MethodNew = "new"
	// MethodNewAfterGap: its only links are to old posts under another subject; a new thread.
	MethodNewAfterGap = "new-after-gap"
)

// Place decides where m goes, given the threads already known through idx. Incremental: it
// looks only at what idx returns, never rethreads. The rules, in order, are in the package doc;
// the first that finds a thread decides, and an empty Decision.Threads means a new thread.
// Errors come only from idx.
func Place(idx Index, m Message) (Decision, error) {
	p := newPlacer(idx, m)
	steps := []func() (Decision, bool, error){p.byHeaders, p.byConversation, p.byDigest, p.bySubject}
	for _, step := range steps {
		d, ok, err := step()
		if err != nil {
			return Decision{}, err
		}
		if ok {
			return d, nil
		}
	}
	return p.fresh(), nil
}

// placer holds what Place works out about one message.
type placer struct {
	idx    Index
	m      Message
	norm   string // NormalizeSubject(m.Subject)
	reply  bool   // the subject has a reply prefix
	digest bool   // the subject answers a list digest
	refs   []string
	irt    map[string]bool
	// dropped are threads linked by headers but refused by the gap rule, with the link that
	// was refused, so that no later rule brings the message back to them.
	dropped map[int64]link
	// note explains why the later rules found nothing, for the Reason of a new thread.
	note string
}

func newPlacer(idx Index, m Message) *placer {
	p := &placer{idx: idx, m: m, norm: NormalizeSubject(m.Subject), reply: IsReply(m.Subject),
		irt: map[string]bool{}, dropped: map[int64]link{}}
	p.digest = p.reply && isDigestSubject(p.norm)
	p.refs = refsOf(m)
	for _, id := range m.InReplyTo {
		p.irt[id] = true
	}
	return p
}

// refsOf lists the ids m points at: In-Reply-To first, then References newest first, without
// duplicates, empty ids or m's own id (a message citing itself must not loop), at most maxRefs.
func refsOf(m Message) []string {
	var out []string
	seen := map[string]bool{"": true, m.ID: true}
	add := func(id string) {
		if !seen[id] && len(out) < maxRefs {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range m.InReplyTo {
		add(id)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		add(m.References[i])
	}
	return out
}

// linkKind orders header links from strongest to weakest.
type linkKind int

const (
	linkInReplyTo linkKind = iota
	linkReference
	linkChild
	linkSibling
)

// link is one header relation between m and a message already threaded.
type link struct {
	kind linkKind
	c    Candidate
	ref  string // for siblings: the shared reference
}

// byHeaders applies JWZ header threading: parents and ancestors, children that arrived first,
// and siblings under a missing parent. Links to a digest (every reply to a digest cites it) and
// links refused by the gap rule are left out.
func (p *placer) byHeaders() (Decision, bool, error) {
	parents, found, dup, err := p.parents()
	if err != nil || dup.Method != "" {
		return dup, dup.Method != "", err
	}
	children, err := p.children()
	if err != nil {
		return Decision{}, false, err
	}
	siblings, err := p.siblings(found)
	if err != nil {
		return Decision{}, false, err
	}
	links := p.refuseGaps(slices.Concat(parents, children, siblings))
	if len(links) == 0 {
		return Decision{}, false, nil
	}
	return p.headerDecision(links), true, nil
}

// parents looks up m's own id and the ids it cites. It returns the links to cited messages, the
// set of ids found, and a Decision when m is a copy of a message already stored.
func (p *placer) parents() (links []link, found map[string]bool, dup Decision, err error) {
	found = map[string]bool{}
	ids := p.refs
	if p.m.ID != "" {
		ids = append([]string{p.m.ID}, p.refs...)
	}
	if len(ids) == 0 {
		return nil, found, Decision{}, nil
	}
	cs, err := p.idx.ByMessageIDs(ids)
	if err != nil {
		return nil, nil, Decision{}, fmt.Errorf("look up referenced ids: %w", err)
	}
	if d, ok := p.duplicate(cs); ok {
		return nil, nil, d, nil
	}
	for _, c := range cs {
		found[c.MessageID] = true
		if isDigestPost(c.MessageSubject) {
			continue // a digest is no one's parent
		}
		kind := linkReference
		if p.irt[c.MessageID] {
			kind = linkInReplyTo
		}
		links = append(links, link{kind: kind, c: c})
	}
	return links, found, Decision{}, nil
}

// children looks up messages that cite m and arrived before it.
func (p *placer) children() ([]link, error) {
	if p.m.ID == "" {
		return nil, nil
	}
	cs, err := p.idx.ByReference([]string{p.m.ID})
	if err != nil {
		return nil, fmt.Errorf("look up replies: %w", err)
	}
	var links []link
	for _, c := range cs {
		if !p.olderThanItsParent(c) {
			links = append(links, link{kind: linkChild, c: c})
		}
	}
	return links, nil
}

// olderThanItsParent reports whether a thread holding a reply to m opened well before m was
// written. Replies come after what they answer, so such a reply was put there by a guess (a
// header-less reply placed by subject before m arrived, in an older conversation with the same
// subject); following it would merge two conversations. The reply stays where it is and m
// looks for its place by the other rules.
func (p *placer) olderThanItsParent(c Candidate) bool {
	return !c.FirstAt.IsZero() && c.FirstAt.Before(p.m.Date.Add(-clockSkew))
}

// duplicate recognises a copy of a message already threaded (a cross-post stored once, a
// re-delivery): it goes where the first copy went.
func (p *placer) duplicate(cs []Candidate) (Decision, bool) {
	var threads []int64
	for _, c := range cs {
		if c.MessageID == p.m.ID {
			threads = append(threads, c.Thread)
		}
	}
	if len(threads) == 0 {
		return Decision{}, false
	}
	return Decision{Threads: sortedUnique(threads), Method: MethodDuplicate,
		Reason: fmt.Sprintf("a copy of <%s> is already in this thread (cross-post or re-delivery)", p.m.ID)}, true
}

// siblings finds threads of messages that cite one of m's references that is not itself known
// (a ghost parent). A reference cited by a reply to a digest is the digest's id and links
// nothing: everybody answering that digest cites it. A reply to a digest looks up no siblings.
func (p *placer) siblings(found map[string]bool) ([]link, error) {
	if p.digest {
		return nil, nil
	}
	var ghosts []string
	for _, r := range p.refs {
		if !found[r] && len(ghosts) < maxGhosts {
			ghosts = append(ghosts, r)
		}
	}
	var links []link
	for _, g := range ghosts {
		cs, err := p.idx.ByReference([]string{g})
		if err != nil {
			return nil, fmt.Errorf("look up siblings: %w", err)
		}
		if slices.ContainsFunc(cs, func(c Candidate) bool { return isDigestSubject(NormalizeSubject(c.MessageSubject)) }) {
			continue
		}
		for _, c := range cs {
			links = append(links, link{kind: linkSibling, c: c, ref: g})
		}
	}
	return links, nil
}

// isDigestPost reports whether a subject is a digest itself (not a reply to one).
func isDigestPost(subject string) bool {
	return !IsReply(subject) && isDigestSubject(NormalizeSubject(subject))
}

// refuseGaps applies the gap rule: people answer an old post to start a new topic, so a thread
// reached only through messages more than gapWindow older than m, under a clearly different
// subject, is not joined. Children (replies to m) always count.
func (p *placer) refuseGaps(links []link) []link {
	byThread := map[int64][]link{}
	for _, l := range links {
		byThread[l.c.Thread] = append(byThread[l.c.Thread], l)
	}
	var kept []link
	for _, l := range links {
		if p.gapRefused(byThread[l.c.Thread]) {
			if _, ok := p.dropped[l.c.Thread]; !ok || l.kind < p.dropped[l.c.Thread].kind {
				p.dropped[l.c.Thread] = l
			}
			continue
		}
		kept = append(kept, l)
	}
	return kept
}

// gapRefused reports whether every link into one thread is old and off-topic.
func (p *placer) gapRefused(ls []link) bool {
	if p.norm == "" {
		return false
	}
	var newest time.Time
	for _, l := range ls {
		if l.kind == linkChild || l.c.MessageDate.IsZero() {
			return false
		}
		if l.c.MessageDate.After(newest) {
			newest = l.c.MessageDate
		}
		if sameTopic(p.norm, NormalizeSubject(l.c.MessageSubject)) {
			return false
		}
	}
	return p.m.Date.Sub(newest) > gapWindow && !sameTopic(p.norm, ls[0].c.Subject)
}

// headerDecision turns the kept header links into a Decision that names, per thread, the
// strongest link.
func (p *placer) headerDecision(links []link) Decision {
	best := map[int64]link{}
	for _, l := range links {
		if b, ok := best[l.c.Thread]; !ok || l.kind < b.kind || (l.kind == b.kind && p.nearer(l, b)) {
			best[l.c.Thread] = l
		}
	}
	threads := make([]int64, 0, len(best))
	for t := range best {
		threads = append(threads, t)
	}
	slices.Sort(threads)
	strongest := best[threads[0]]
	for _, t := range threads[1:] {
		if best[t].kind < strongest.kind {
			strongest = best[t]
		}
	}
	d := Decision{Threads: threads, Method: strongest.method()}
	if len(threads) == 1 {
		d.Reason = strongest.sentence()
		return d
	}
	parts := make([]string, len(threads))
	for i, t := range threads {
		parts[i] = fmt.Sprintf("thread %d: %s", t, best[t].describe())
	}
	d.Reason = fmt.Sprintf("links %d threads, which merge (%s)", len(threads), strings.Join(parts, "; "))
	return d
}

// nearer prefers, between two links of one kind, the one naming the nearer ancestor (refs are
// newest first).
func (p *placer) nearer(a, b link) bool {
	return slices.Index(p.refs, a.c.MessageID) < slices.Index(p.refs, b.c.MessageID)
}

func (l link) method() string {
	switch l.kind {
	case linkInReplyTo:
		return MethodInReplyTo
	case linkChild:
		return MethodChildren
	default:
		return MethodReferences
	}
}

// sentence says a link into the one thread found.
func (l link) sentence() string {
	switch l.kind {
	case linkInReplyTo, linkReference:
		return l.describe() + " is in this thread"
	case linkSibling:
		return fmt.Sprintf("<%s>, in this thread, also cites <%s>, a parent never seen", l.c.MessageID, l.ref)
	}
	return l.describe()
}

// describe says a link in words, as a clause.
func (l link) describe() string {
	switch l.kind {
	case linkInReplyTo:
		return fmt.Sprintf("In-Reply-To <%s>", l.c.MessageID)
	case linkReference:
		return fmt.Sprintf("References <%s>", l.c.MessageID)
	case linkChild:
		return fmt.Sprintf("<%s>, already here, replies to this message", l.c.MessageID)
	default:
		return fmt.Sprintf("<%s> also cites <%s>, a parent never seen", l.c.MessageID, l.ref)
	}
}

// byConversation places a message that headers did not place by its Outlook conversation:
// Outlook replies often carry only Thread-Index and Thread-Topic.
func (p *placer) byConversation() (Decision, bool, error) {
	key := ConversationKey(p.m.ThreadIndex)
	if key == "" {
		return Decision{}, false, nil
	}
	cs, err := p.idx.ByConversation(key)
	if err != nil {
		return Decision{}, false, fmt.Errorf("look up conversation: %w", err)
	}
	topic := NormalizeSubject(p.m.ThreadTopic)
	var keep []Candidate
	for _, c := range cs {
		if _, gone := p.dropped[c.Thread]; gone || !p.inConversationWindow(c) {
			continue
		}
		if topic != "" && !sameTopic(topic, c.Subject) && !sameTopic(topic, NormalizeSubject(c.MessageSubject)) {
			continue
		}
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		return Decision{}, false, nil
	}
	c := latest(keep)
	reason := fmt.Sprintf("same Outlook conversation (Thread-Index) as <%s>, %s", c.MessageID, ago(p.m.Date, c.MessageDate))
	if topic != "" {
		reason += fmt.Sprintf(", and Thread-Topic %q agrees", p.m.ThreadTopic)
	}
	return Decision{Threads: threadsOf(keep), Method: MethodThreadIndex, Reason: reason}, true, nil
}

// inConversationWindow reports whether a thread was active within conversationWindow of m.
func (p *placer) inConversationWindow(c Candidate) bool {
	last := c.LastAt
	if last.IsZero() {
		last = c.MessageDate
	}
	return !last.Before(p.m.Date.Add(-conversationWindow)) && !c.FirstAt.After(p.m.Date.Add(conversationWindow))
}

// byDigest places a reply to a digest by what it quotes: the item's "Subject:" line if it
// quotes exactly one, else its longest distinctive quoted line, searched in recent messages.
func (p *placer) byDigest() (Decision, bool, error) {
	if !p.digest {
		return Decision{}, false, nil
	}
	name := digestName(p.m.Subject)
	since := p.m.Date.Add(-digestWindow)
	subjects := quotedSubjects(p.m.Text)
	switch {
	case len(subjects) > 1:
		p.note = fmt.Sprintf("replies to %s but quotes %d of its items; which one it answers is unclear", name, len(subjects))
		return Decision{}, false, nil
	case len(subjects) == 1:
		cs, err := p.idx.BySubject(subjects[0], p.m.Lists, since, p.m.Date)
		if err != nil {
			return Decision{}, false, fmt.Errorf("look up quoted subject: %w", err)
		}
		if c, ok := p.pick(cs); ok {
			return Decision{Threads: []int64{c.Thread}, Method: MethodDigest,
				Reason: fmt.Sprintf("replies to %s quoting \"Subject: %s\", a thread %s", name, c.MessageSubject, ago(p.m.Date, c.MessageDate))}, true, nil
		}
	}
	for _, line := range quotedLines(p.m.Text) {
		cs, err := p.idx.ByQuotedText(line, p.m.Lists, since, p.m.Date)
		if err != nil {
			return Decision{}, false, fmt.Errorf("look up quoted text: %w", err)
		}
		if c, ok := p.author(cs); ok {
			return Decision{Threads: []int64{c.Thread}, Method: MethodDigest,
				Reason: fmt.Sprintf("replies to %s quoting %q from <%s> (%s)", name, clip(line, 70), c.MessageID, ago(p.m.Date, c.MessageDate))}, true, nil
		}
	}
	p.note = fmt.Sprintf("replies to %s but quotes no item subject, and no quoted line points at one message of the last %d days", name, digestWindow/day)
	return Decision{}, false, nil
}

// bySubject is the fallback for a message that found no thread by headers: a reply-prefixed
// subject joins the most recent thread with the same normalised subject on the same lists.
func (p *placer) bySubject() (Decision, bool, error) {
	switch {
	case p.digest:
		return Decision{}, false, nil // every reply to one digest shares its subject
	case !p.reply:
		p.note = "no header links, and the subject has no reply prefix: a new conversation"
		return Decision{}, false, nil
	case isGeneric(p.norm):
		p.note = fmt.Sprintf("subject %q is too generic to group by, and no header links", p.m.Subject)
		return Decision{}, false, nil
	}
	cs, err := p.idx.BySubject(p.norm, p.m.Lists, p.m.Date.Add(-subjectWindow), p.m.Date.Add(clockSkew))
	if err != nil {
		return Decision{}, false, fmt.Errorf("look up subject: %w", err)
	}
	cs = slices.DeleteFunc(cs, func(c Candidate) bool { return !p.anchors(c) })
	c, ok := p.pick(cs)
	if !ok {
		p.note = fmt.Sprintf("reply-prefixed subject %q matches no thread on %s in the last %d days", p.m.Subject, listsText(p.m.Lists), subjectWindow/day)
		return Decision{}, false, nil
	}
	return Decision{Threads: []int64{c.Thread}, Method: MethodSubject,
		Reason: fmt.Sprintf("reply-prefixed subject %q matches a thread on %s active %s", p.m.Subject, listsText(sharedLists(p.m.Lists, c.Lists)), ago(p.m.Date, c.MessageDate))}, true, nil
}

// anchors reports whether a subject candidate really carries the subject: the thread opened
// with it, or the matched post set it (a post without a reply prefix, or a rename "New (was:
// Old)" and the replies keeping that note). A reply that merely edited its subject ("Re: Year 5
// resilience") is no anchor: other conversations with the shorter subject would be pulled in.
func (p *placer) anchors(c Candidate) bool {
	return c.Subject == p.norm || !IsReply(c.MessageSubject) || stripWas(c.MessageSubject) != c.MessageSubject
}

// pick chooses among subject candidates the thread most recently active, skipping threads
// the gap rule refused.
func (p *placer) pick(cs []Candidate) (Candidate, bool) {
	cs = slices.DeleteFunc(slices.Clone(cs), func(c Candidate) bool { _, gone := p.dropped[c.Thread]; return gone })
	if len(cs) == 0 {
		return Candidate{}, false
	}
	return latest(cs), true
}

// author returns the one thread whose message wrote a quoted line. Other replies to digests
// quote it too and are left out; if the line is still found in several threads it is
// boilerplate ("If enough of you reply, I'll post a hit") and identifies nothing.
func (p *placer) author(cs []Candidate) (Candidate, bool) {
	byThread := map[int64]Candidate{}
	for _, c := range cs {
		if _, gone := p.dropped[c.Thread]; gone || isDigestSubject(NormalizeSubject(c.MessageSubject)) {
			continue
		}
		// An index may return one row per message: keep the thread's earliest, the author's.
		if b, ok := byThread[c.Thread]; !ok || c.MessageDate.Before(b.MessageDate) {
			byThread[c.Thread] = c
		}
	}
	if len(byThread) != 1 {
		return Candidate{}, false
	}
	for _, c := range byThread {
		return c, true
	}
	panic("unreachable")
}

// fresh is the Decision for a message that starts a thread.
func (p *placer) fresh() Decision {
	if len(p.dropped) > 0 {
		// The strongest refused link explains it; ties go to the most recent message, then
		// the lower thread number. Taking the first in map order made the Reason differ from
		// run to run when two threads were refused (found by FuzzPlace).
		var l link
		for _, d := range p.dropped {
			if l.c.MessageID == "" || d.kind < l.kind || d.kind == l.kind &&
				(d.c.MessageDate.After(l.c.MessageDate) || d.c.MessageDate.Equal(l.c.MessageDate) && d.c.Thread < l.c.Thread) {
				l = d
			}
		}
		return Decision{Method: MethodNewAfterGap, Reason: fmt.Sprintf(
			"%s points at a message from %s under a different subject (%q): a new topic started by replying to an old post",
			l.describe(), ago(p.m.Date, l.c.MessageDate), l.c.MessageSubject)}
	}
	note := p.note
	if note == "" {
		note = "no header links: a new conversation"
	}
	return Decision{Method: MethodNew, Reason: note}
}

// latest returns the candidate with the most recent activity (ties: the lower thread number,
// so results do not depend on map order).
func latest(cs []Candidate) Candidate {
	return slices.MaxFunc(cs, func(a, b Candidate) int {
		if c := lastActive(a).Compare(lastActive(b)); c != 0 {
			return c
		}
		return cmpInt(b.Thread, a.Thread)
	})
}

func lastActive(c Candidate) time.Time {
	if c.MessageDate.After(c.LastAt) {
		return c.MessageDate
	}
	return c.LastAt
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func threadsOf(cs []Candidate) []int64 {
	ts := make([]int64, len(cs))
	for i, c := range cs {
		ts[i] = c.Thread
	}
	return sortedUnique(ts)
}

func sortedUnique(ts []int64) []int64 {
	slices.Sort(ts)
	return slices.Compact(ts)
}

// ago says how long before now then was, in days.
func ago(now, then time.Time) string {
	d := now.Sub(then)
	switch days := int(d.Round(time.Hour) / day); {
	case then.IsZero():
		return "at an unknown date"
	case d < 0:
		return fmt.Sprintf("%d days later", -int((-d).Round(time.Hour)/day))
	case days == 0:
		return "the same day"
	case days == 1:
		return "1 day earlier"
	default:
		return fmt.Sprintf("%d days earlier", days)
	}
}

func listsText(lists []string) string {
	if len(lists) == 0 {
		return "any list"
	}
	return strings.Join(lists, ", ")
}

// sharedLists returns the lists of a that b also has (all of a when b says nothing).
func sharedLists(a, b []string) []string {
	var out []string
	for _, l := range a {
		if len(b) == 0 || slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
