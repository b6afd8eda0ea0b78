package sample

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ListStyle selects the mailing list, and so the list software, that
// ListMessage imitates.
type ListStyle int

const (
	// MixedLists alternates: even i is LM_NET, odd i is OZTL_NET. Threads
	// never cross lists.
	MixedLists ListStyle = iota
	// LMNet is LM_NET on LISTSERV: no subject tag, TARGET:/HIT:/GEN:
	// subject prefixes, Sender and Reply-To set to the list, List-Help and
	// friends but no List-Id, and a LISTSERV footer.
	LMNet
	// OZTLNet is OZTL_NET on Mailman 2: "[OZTL_NET]" subject tag, List-Id,
	// List-* headers, UTF-8 text and a Mailman footer (a separate MIME
	// part when the message is multipart).
	OZTLNet
)

// Addresses of the generated lists. They use reserved example domains.
const (
	LMNetAddress   = "LM_NET@LISTSERV.EXAMPLE.EDU"
	OZTLNetAddress = "oztl_net@lists.example.edu.au"
	OZTLNetListID  = "<oztl_net.lists.example.edu.au>"
)

// GenerateOptions configures ListMessage. The zero value is usable.
type GenerateOptions struct {
	// Style picks the list; the default, MixedLists, alternates.
	Style ListStyle
	// Seed varies the corpus: messages with the same i but different
	// seeds differ and have different Message-IDs.
	Seed uint64
	// Start is the Date of message 0; zero means 2024-03-04 08:00 UTC.
	Start time.Time
	// Interval is the spacing of Dates: message i is dated within
	// [Start+i*Interval, Start+(i+1)*Interval). Zero means 7 minutes.
	Interval time.Duration
}

func (o GenerateOptions) withDefaults() GenerateOptions {
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)
	}
	if o.Interval <= 0 {
		o.Interval = 7 * time.Minute
	}
	return o
}

// Rates. Each is an estimate of real list traffic, from the lists' documentation and
// complaints summarised in DOMAIN.md and from the hand-written sample week (56 messages);
// none is measured from an archive. They are kept where they show up in a corpus of a
// few thousand messages, so that tests of every stage meet every feature.
const (
	// replyPercent: 40% of ordinary posts answer an earlier post of the same list within
	// its previous 15 posts (about four hours of LM_NET traffic). Most traffic is new
	// requests, HITs and announcements; answers go to the asker off list.
	replyPercent = 40

	// autoReplyPer10k: 1% of messages are out-of-office replies to a post of the last
	// hour or so. LISTSERV sets Reply-To to the list, so a responder that answers Reply-To
	// writes to every member; with thousands of members someone is always away. (The
	// hand-written week has 3 in 56; 1% is a guess for an ordinary week.)
	autoReplyPer10k = 100
	// autoExchangePercent of auto-replies come from Exchange/Microsoft 365 ("Automatic
	// reply:" or "Out of Office:", Auto-Submitted: auto-replied, Thread-Index, In-Reply-To);
	// autoXAutoreplyPercent from vacation programs that mark only X-Autoreply: yes; the
	// rest carry nothing but their subject (a forwarding rule, an old server).
	autoExchangePercent   = 60
	autoXAutoreplyPercent = 25

	// unsubscribePer10k: 0.2%, about one "unsubscribe" posted to the list per 500 posts.
	// Both lists' footers say how to leave, and members still write to the list.
	unsubscribePer10k = 20

	// digestReplyPer10k: 0.5%: many members read in digest mode (LM_NET offers SET LM_NET
	// DIGEST, Mailman a daily digest) and some answer an item by replying to the whole
	// digest, "Re: LM_NET Digest - 3 Mar 2024 ...", quoting it.
	digestReplyPer10k = 50

	// headerlessPercent of Outlook replies carry no In-Reply-To or References, only
	// Thread-Index and Thread-Topic ("Outlook replies often lack References/In-Reply-To";
	// 4 of the hand-written week's 6 Outlook replies do, and 45% keeps most Outlook replies
	// threadable by headers). With Outlook writing about 35% of posts, that
	// is 16% of replies (6% of all messages): threading must use Thread-Index (when the
	// parent came from Outlook too) or the subject for them.
	headerlessPercent = 45

	// alternativePercent of posts are multipart/alternative (plain text and HTML): most
	// clients send HTML, but LM_NET asks for plain text and many members comply.
	alternativePercent = 30
	// htmlOnlyPer1000: 5% of posts are HTML only (text/html, quoted-printable): Outlook
	// set to HTML, phones, Outlook on the web. The week has 2 in 56.
	htmlOnlyPer1000 = 50
	// trackingPercent of HTML-only posts (0.75% of all) carry a tracking pixel from
	// track.example.com and a <script>: vendor announcements (GEN, CLASS) pasted from
	// marketing mail, and senders whose mail add-on tracks opens. A sanitiser must drop both.
	trackingPercent = 15
	// wordHTMLPercent of Outlook's HTML is desktop Outlook's Word HTML, with a <style>
	// block; the rest is Outlook on the web's inline styles.
	wordHTMLPercent = 70

	// smallAttachPer10k: 3% of posts carry a small attachment (a PDF booklist, a DOCX
	// rubric, a JPEG of a display: 2-12 KB): lists discourage attachments, but members
	// share lesson material and list software passes it. largeAttachPer10k: 0.2% carry a
	// photo or scan of about 200 KB. (The week has 1 attachment in 56.)
	smallAttachPer10k = 300
	largeAttachPer10k = 20

	// usDisclaimerPercent and auDisclaimerPercent of posts from district (US) and
	// department (Australian) mail servers get a long legal disclaimer appended by a
	// transport rule, for the users it applies to: about 9% of LM_NET posts (3 of the 5
	// domains are districts) and 25% of OZTL_NET's (2 of 4 are departments, whose rules
	// apply more widely). The week has 3 in 56.
	usDisclaimerPercent = 15
	auDisclaimerPercent = 50

	// lastFirstPercent of Outlook senders show as "Last, First", as school districts'
	// Exchange directories name people.
	lastFirstPercent = 35
)

// client is the mail program that wrote a post; it decides the reply prefix, the quoting,
// the charset and transfer encoding, the HTML and the signature.
type client uint8

const (
	// clientGmail (and Google Workspace): "Re:", "On ..., X wrote:" and "> " quoting, a "-- "
	// signature, UTF-8.
	clientGmail client = iota
	// clientOutlook: "RE:", Thread-Index and Thread-Topic, a "-----Original Message-----" or
	// "From: ... Sent: ... To: ... Subject:" block quoting the whole parent, curly quotes,
	// windows-1252 quoted-printable.
	clientOutlook
	// clientOutlookDE and clientOutlookSV: German and Swedish Outlook ("AW:", "SV:"), from
	// LM_NET's international members.
	clientOutlookDE
	clientOutlookSV
	// clientApple: iPad and iPhone Mail: "Sent from my iPad", curly quotes, UTF-8
	// quoted-printable.
	clientApple
	// clientLegacy: an old desktop client (Eudora, an old Thunderbird) writing ISO-8859-1.
	clientLegacy
	// clientWebmail: Yahoo and AOL webmail, UTF-8 base64.
	clientWebmail
	// clientNaive: a phone or webmail client that always adds "RE: ", stacking prefixes.
	clientNaive
	// clientNoSpace: a client that writes "Re:subject" without a space.
	clientNoSpace
)

func (c client) outlook() bool {
	return c == clientOutlook || c == clientOutlookDE || c == clientOutlookSV
}

// Client shares of posts, in percent. Schools and education departments run Microsoft
// 365, so Outlook writes about 30% of LM_NET posts and 40% of OZTL_NET's (the week has a
// Thread-Index on 14 of 56); Google Workspace districts and personal Gmail most of the
// rest; teachers post from iPads and iPhones. Localised Outlook is rare (LM_NET's members
// abroad). Mailman rewrites reply prefixes on OZTL_NET, so there only Thread-Index and the
// quoting show the client.
var (
	lmClients = []clientShare{
		{clientGmail, 32}, {clientOutlook, 28}, {clientOutlookDE, 2}, {clientOutlookSV, 1}, {clientApple, 13},
		{clientLegacy, 5}, {clientWebmail, 12}, {clientNaive, 5}, {clientNoSpace, 2},
	}
	ozClients = []clientShare{
		{clientGmail, 20}, {clientOutlook, 38}, {clientOutlookDE, 1}, {clientOutlookSV, 1}, {clientApple, 18},
		{clientLegacy, 3}, {clientWebmail, 12}, {clientNaive, 5}, {clientNoSpace, 2},
	}
)

type clientShare struct {
	c   client
	pct int
}

// ListMessage returns message i (i >= 0) of a deterministic corpus of
// school-librarian mailing-list mail, with CRLF line endings. The same i and
// options always give the same bytes, and message i is computed without
// generating the ones before it. Messages average 10-15 KB with a wide spread
// (long HIT compilations, quoted replies, HTML, the odd 200 KB attachment).
// Every Message-ID is unique within a corpus. About 40% of ordinary posts
// reply to an earlier message of the same list, within the previous 15 of
// that list; every reference points to an earlier message (or, for a reply to
// a digest, to the digest, which is not in the corpus).
//
// The corpus has the variety of real list mail, at the rates documented on
// the constants above: Outlook replies with Thread-Index and Thread-Topic,
// some without In-Reply-To/References; "RE:", "AW:", "SV:", stacked and
// unspaced reply prefixes on LM_NET; windows-1252 and ISO-8859-1
// quoted-printable, UTF-8 base64 and RFC 2047 headers; HTML alternatives and
// HTML-only mail (some with a tracking pixel, a <script> or a <style> block);
// attachments; auto-replies; "unsubscribe" posts; replies to the digest;
// "Sent from my iPad" and departmental disclaimers. Every message carries its
// list's headers.
//
// At most one GenerateOptions may be given.
func ListMessage(i int, opts ...GenerateOptions) []byte {
	return newCorpus(i, opts).message(i)
}

// ListMessageID returns the Message-ID (with angle brackets) of
// ListMessage(i, opts...), without generating the message.
func ListMessageID(i int, opts ...GenerateOptions) string {
	return newCorpus(i, opts).messageID(i)
}

func newCorpus(i int, opts []GenerateOptions) corpus {
	if i < 0 {
		panic("sample: negative message index")
	}
	if len(opts) > 1 {
		panic("sample: at most one GenerateOptions may be given")
	}
	var o GenerateOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	return corpus{o.withDefaults()}
}

// corpus computes the properties of message i from i alone, so that any
// message can be generated without its predecessors.
type corpus struct {
	o GenerateOptions
}

// Independent random streams per message and purpose. New streams go at the end, so that
// adding one leaves the others' draws, and so the corpus, as they were.
const (
	streamThread = iota + 1
	streamTopic
	streamPerson
	streamDate
	streamBody
	streamMIME
	streamKind    // kind of message and, for auto-replies, their details
	streamTraits  // mail client and its habits
	streamOutlook // Thread-Index
	streamAttach  // attachment bytes
	streamDigest  // reply to a digest: which digest, what it quoted
)

func (g corpus) rng(i, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(g.o.Seed^0x6c697374646967, uint64(i)<<8|uint64(stream)))
}

func (g corpus) style(i int) ListStyle {
	if g.o.Style == MixedLists {
		if i%2 == 0 {
			return LMNet
		}
		return OZTLNet
	}
	return g.o.Style
}

// step is the distance between consecutive messages of one list.
func (g corpus) step() int {
	if g.o.Style == MixedLists {
		return 2
	}
	return 1
}

// kind is what a message is, beside an ordinary post.
type kind uint8

const (
	kindPost kind = iota
	kindAutoReply
	kindUnsubscribe
	kindDigestReply
)

// digestLag is how far back (in messages of the list) the item a digest reply answers is:
// from the previous day's digest, 20 to 150 posts back (5 to 35 hours of LM_NET).
const (
	digestLagMin = 20
	digestLagMax = 150
)

func (g corpus) kind(i int) kind {
	earlier := i / g.step()
	switch n := g.rng(i, streamKind).IntN(10000); {
	case n < autoReplyPer10k:
		if earlier > 0 {
			return kindAutoReply
		}
	case n < autoReplyPer10k+unsubscribePer10k:
		return kindUnsubscribe
	case n < autoReplyPer10k+unsubscribePer10k+digestReplyPer10k:
		if earlier >= digestLagMin {
			return kindDigestReply
		}
	}
	return kindPost
}

// post returns the nearest ordinary post of i's list at or before i, or -1. Auto-replies,
// unsubscribe posts and digest replies are nobody's parent.
func (g corpus) post(i int) int {
	for i >= 0 && g.kind(i) != kindPost {
		i -= g.step()
	}
	return i
}

// parent returns the index of the message i replies to, or -1.
func (g corpus) parent(i int) int {
	r := g.rng(i, streamThread)
	earlier := i / g.step() // messages of the same list before i
	switch g.kind(i) {
	case kindUnsubscribe:
		return -1
	case kindAutoReply:
		return g.post(i - g.step()*(1+r.IntN(min(4, earlier))))
	case kindDigestReply:
		return g.post(i - g.step()*(digestLagMin+r.IntN(min(digestLagMax, earlier)-digestLagMin+1)))
	}
	if earlier == 0 || r.IntN(100) >= replyPercent {
		return -1
	}
	return g.post(i - g.step()*(1+r.IntN(min(15, earlier))))
}

// ancestors returns the thread of i from its root to its parent.
func (g corpus) ancestors(i int) []int {
	var chain []int
	for p := g.parent(i); p >= 0; p = g.parent(p) {
		chain = append(chain, p)
	}
	for a, b := 0, len(chain)-1; a < b; a, b = a+1, b-1 {
		chain[a], chain[b] = chain[b], chain[a]
	}
	return chain
}

// root returns the first message of i's thread (i itself for a thread starter).
func (g corpus) root(i int) int {
	for p := g.parent(i); p >= 0; p = g.parent(p) {
		i = p
	}
	return i
}

// lmKind returns the LM_NET subject keyword of thread root i.
func (g corpus) lmKind(i int) string {
	switch n := g.rng(i, streamTopic).IntN(100); {
	case n < 55:
		return "TARGET"
	case n < 70:
		return "HIT"
	default:
		return "GEN"
	}
}

func (g corpus) topic(root int) string {
	r := g.rng(root, streamTopic)
	r.IntN(100) // the draw lmKind uses
	if g.style(root) == LMNet {
		return lmTopics[r.IntN(len(lmTopics))]
	}
	return ozTopics[r.IntN(len(ozTopics))]
}

// rootSubject is the subject the author of thread root i typed: on LM_NET the keyword,
// written "TARGET: x" or "TARGET-> x" (the list's own convention) about equally; on
// OZTL_NET the topic, to which Mailman adds the tag. Half add a few words of their own.
func (g corpus) rootSubject(root int) string {
	r := g.rng(root, streamTopic)
	r.IntN(100)
	r.IntN(1000) // the draws topic uses
	sep := ": "
	if r.IntN(2) == 0 {
		sep = "-> "
	}
	// People word the same request differently, so that one subject rarely comes back
	// within a few days, as on the real lists.
	suffix := ""
	if n := r.IntN(len(subjectSuffixes) * 2); n < len(subjectSuffixes) {
		suffix = subjectSuffixes[n]
	}
	if g.style(root) != LMNet {
		return g.topic(root) + suffix
	}
	return g.lmKind(root) + sep + g.topic(root) + suffix
}

// subject returns message i's Subject as delivered, decoded.
func (g corpus) subject(i int) string {
	var s string
	switch g.kind(i) {
	case kindUnsubscribe:
		r := g.rng(i, streamKind)
		r.IntN(10000)
		if g.style(i) == LMNet && r.IntN(3) == 0 {
			s = lmUnsubscribeSubjects[r.IntN(len(lmUnsubscribeSubjects))]
		} else {
			s = unsubscribeSubjects[r.IntN(len(unsubscribeSubjects))]
		}
	case kindAutoReply:
		s = g.autoReply(i).prefix + g.subject(g.parent(i))
	case kindDigestReply:
		s = "Re: " + g.digest(i).title
	default:
		if p := g.parent(i); p >= 0 {
			s = replySubject(g.traits(i).client, g.subject(p))
		} else {
			s = g.rootSubject(i)
		}
	}
	if g.style(i) == OZTLNet {
		s = mailmanSubject(s)
	}
	return s
}

// replySubject is the subject client c gives a reply to a message with subject s. Each
// client strips the reply prefixes it knows and adds its own; German and Swedish Outlook
// know only theirs, and some clients strip nothing, so prefixes stack ("AW: Re: x",
// "RE: RE: x").
func replySubject(c client, s string) string {
	switch c {
	case clientOutlook:
		return "RE: " + cutPrefix(s, "re:")
	case clientOutlookDE:
		return "AW: " + cutPrefix(s, "aw:")
	case clientOutlookSV:
		return "SV: " + cutPrefix(s, "sv:")
	case clientNaive:
		return "RE: " + s
	case clientNoSpace:
		return "Re:" + cutPrefix(s, "re:")
	}
	return "Re: " + cutPrefix(s, "re:")
}

// cutPrefix removes one leading prefix p (lower case, with its colon) in any case, and the
// space after it.
func cutPrefix(s, p string) string {
	if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
		return strings.TrimLeft(s[len(p):], " ")
	}
	return s
}

// mailmanSubject is what Mailman 2.1 (CookHeaders.prefix_subject, the default
// OLD_STYLE_PREFIXING) makes of a subject posted to OZTL_NET: it removes the list tag
// wherever it is, folds any stack of RE/AW/SV/VS prefixes into one "Re:", and writes
// "Re: [OZTL_NET] subject", or "[OZTL_NET] subject" for a message that is not a reply.
func mailmanSubject(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "[OZTL_NET]", "")), " ")
	re := false
	for {
		t := strings.TrimLeft(s, " ")
		if len(t) >= 3 && t[2] == ':' && (strings.EqualFold(t[:2], "re") || strings.EqualFold(t[:2], "aw") ||
			strings.EqualFold(t[:2], "sv") || strings.EqualFold(t[:2], "vs")) {
			s, re = t[3:], true
			continue
		}
		s = t
		break
	}
	if re {
		return "Re: [OZTL_NET] " + s
	}
	return "[OZTL_NET] " + s
}

// threadTopic is Outlook's Thread-Topic for a subject: the subject without reply prefixes.
func threadTopic(s string) string {
	for {
		t := s
		for _, p := range []string{"re:", "aw:", "sv:", "fw:"} {
			t = cutPrefix(t, p)
		}
		if t == s {
			return s
		}
		s = t
	}
}

// traits are the habits of the author and mail client of a post.
type traits struct {
	client     client
	htmlOnly   bool
	htmlAlt    bool
	tracking   bool
	wordHTML   bool // Outlook desktop's Word HTML (with a <style> block)
	headerless bool // an Outlook reply without In-Reply-To and References
	attach     int  // 0, or 1 for a small attachment, 2 for a large one
	disclaimer bool // if the author's domain adds one
	lastFirst  bool // From shows "Last, First"
	onBehalf   bool // Outlook quotes the list as "From: list On Behalf Of author"
	dashes     bool // Outlook quotes with "-----Original Message-----" (else a line of underscores)
	ipad       bool // the Apple device is an iPad (else an iPhone)
	utf8       bool // Outlook writes UTF-8 rather than windows-1252
}

// traits draws every habit unconditionally, in a fixed order, so that each is independent
// of the others.
func (g corpus) traits(i int) traits {
	r := g.rng(i, streamTraits)
	mix := lmClients
	if g.style(i) == OZTLNet {
		mix = ozClients
	}
	var t traits
	n := r.IntN(100)
	for _, m := range mix {
		if n < m.pct {
			t.client = m.c
			break
		}
		n -= m.pct
	}
	t.htmlOnly = r.IntN(1000) < htmlOnlyPer1000
	t.htmlAlt = !t.htmlOnly && g.multipartDraw(i)
	t.tracking = t.htmlOnly && r.IntN(100) < trackingPercent
	t.wordHTML = r.IntN(100) < wordHTMLPercent
	t.headerless = t.client.outlook() && r.IntN(100) < headerlessPercent
	switch a := r.IntN(10000); {
	case a < largeAttachPer10k:
		t.attach = 2
	case a < largeAttachPer10k+smallAttachPer10k:
		t.attach = 1
	}
	d := r.IntN(100)
	if g.style(i) == LMNet {
		t.disclaimer = d < usDisclaimerPercent
	} else {
		t.disclaimer = d < auDisclaimerPercent
	}
	t.lastFirst = t.client.outlook() && r.IntN(100) < lastFirstPercent
	t.onBehalf = r.IntN(100) < 70
	t.dashes = r.IntN(100) < 60
	t.ipad = r.IntN(100) < 45
	t.utf8 = r.IntN(100) < 15
	return t
}

// multipartDraw is the draw that made 30% of posts multipart/alternative from the start.
func (g corpus) multipartDraw(i int) bool {
	r := g.rng(i, streamMIME)
	r.Uint64() // the draw messageID uses
	return r.IntN(100) < alternativePercent
}

// person is the author of a message.
type person struct {
	first, last, role, school, place, domain string
	dept                                     bool // the domain is a district's or department's
	zone                                     *time.Location
}

func (p person) name() string { return p.first + " " + p.last }
func (p person) email() string {
	local := strings.Map(func(r rune) rune {
		r = foldLetter(r)
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(p.first)[:1]+strings.ToLower(p.last))
	if local == "" || local[0] < 'a' || local[0] > 'z' {
		local = "x" + local
	}
	return local + "@" + p.domain
}

func (g corpus) person(i int) person {
	r := g.rng(i, streamPerson)
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	if g.style(i) == LMNet {
		z := usZones[r.IntN(len(usZones))]
		p := person{
			first: pick(usFirst), last: pick(usLast), role: pick(usRoles),
			school: pick(usSchools), place: z.place, zone: time.FixedZone("", z.offset),
		}
		d := r.IntN(len(usDomains))
		p.domain, p.dept = usDomains[d], d < 3
		return p
	}
	z := auZones[r.IntN(len(auZones))]
	p := person{
		first: pick(auFirst), last: pick(auLast), role: pick(auRoles),
		school: pick(auSchools), place: z.place, zone: time.FixedZone("", z.offset),
	}
	d := r.IntN(len(auDomains))
	p.domain, p.dept = auDomains[d], d < 2
	return p
}

func (g corpus) date(i int) time.Time {
	r := g.rng(i, streamDate)
	jitter := time.Duration(r.Int64N(int64(g.o.Interval)))
	t := g.o.Start.Add(time.Duration(i)*g.o.Interval + jitter).Truncate(time.Second)
	return t.In(g.person(i).zone)
}

func (g corpus) messageID(i int) string {
	r := g.rng(i, streamMIME)
	host := "mail.example.net"
	if g.style(i) == OZTLNet {
		host = "mail.example.com.au"
	}
	return fmt.Sprintf("<%d.%x.%016x@%s>", i, g.o.Seed, r.Uint64(), host)
}

// autoReply describes an out-of-office message.
type autoReplyInfo struct {
	prefix   string // "Automatic reply: ", "Out of Office: "
	exchange bool   // Exchange: Auto-Submitted, Thread-Index, In-Reply-To, windows-1252
	xauto    bool   // X-Autoreply: yes only
	irt      bool   // carries In-Reply-To
}

func (g corpus) autoReply(i int) autoReplyInfo {
	r := g.rng(i, streamKind)
	r.IntN(10000) // the draw kind uses
	var a autoReplyInfo
	switch n := r.IntN(100); {
	case n < autoExchangePercent:
		a.exchange, a.irt = true, true
	case n < autoExchangePercent+autoXAutoreplyPercent:
		a.xauto = true
		a.irt = r.IntN(2) == 0
	}
	if r.IntN(100) < 55 {
		a.prefix = "Automatic reply: "
	} else {
		a.prefix = "Out of Office: "
	}
	return a
}

// threadIndex returns message i's Outlook Thread-Index, decoded, or nil. A conversation's
// first message gets 22 bytes (the top 6 bytes of a FILETIME and a 16-byte GUID); each
// reply keeps its parent's bytes and adds a 5-byte block, as Outlook does. An Outlook
// reply to a message without one starts a new conversation.
func (g corpus) threadIndex(i int) []byte {
	switch g.kind(i) {
	case kindPost:
		if !g.traits(i).client.outlook() {
			return nil
		}
	case kindAutoReply:
		if !g.autoReply(i).exchange {
			return nil
		}
	case kindDigestReply:
		if !g.traits(i).client.outlook() {
			return nil
		}
	default:
		return nil
	}
	r := g.rng(i, streamOutlook)
	ft := filetime(g.date(i))
	if p := g.parent(i); p >= 0 && g.kind(i) != kindDigestReply { // a digest has no Thread-Index
		if pi := g.threadIndex(p); pi != nil {
			d := (ft - filetime(g.date(p))) >> 18
			return append(pi, byte(d>>24)&0x7f, byte(d>>16), byte(d>>8), byte(d), byte(r.Uint32()))
		}
	}
	b := make([]byte, 22, 32)
	for k := range 6 {
		b[k] = byte(ft >> (56 - 8*k))
	}
	x, y := r.Uint64(), r.Uint64()
	for k := range 8 {
		b[6+k], b[14+k] = byte(x>>(8*k)), byte(y>>(8*k))
	}
	return b
}

// filetime is a Windows FILETIME: 100 ns intervals since 1601.
func filetime(t time.Time) uint64 {
	return uint64(t.Unix()+11644473600)*10_000_000 + uint64(t.Nanosecond()/100)
}
