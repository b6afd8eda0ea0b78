package sample

import (
	"fmt"
	"html"
	"math/rand/v2"
	"mime"
	"strings"
	"time"
	"unicode/utf8"
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

// replyPercent is the share of messages that reply to an earlier one.
const replyPercent = 40

// ListMessage returns message i (i >= 0) of a deterministic corpus of
// school-librarian mailing-list mail, with CRLF line endings. The same i and
// options always give the same bytes. Messages average 10-15 KB with a wide
// spread (long HIT compilations, quoted replies, multipart/alternative with
// an HTML part). Every Message-ID is unique within a corpus; about 40% of
// messages reply to an earlier message of the same list, within the previous
// 15 of that list, with "Re:" subjects, In-Reply-To and References.
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
		panic("dovecottest: negative message index")
	}
	if len(opts) > 1 {
		panic("dovecottest: at most one GenerateOptions may be given")
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

// Independent random streams per message and purpose.
const (
	streamThread = iota + 1
	streamTopic
	streamPerson
	streamDate
	streamBody
	streamMIME
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

// parent returns the index of the message i replies to, or -1.
func (g corpus) parent(i int) int {
	r := g.rng(i, streamThread)
	earlier := i / g.step() // messages of the same list before i
	if earlier == 0 || r.IntN(100) >= replyPercent {
		return -1
	}
	return i - g.step()*(1+r.IntN(min(15, earlier)))
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

// lmKind returns the LM_NET subject prefix of thread root i.
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

func (g corpus) rootSubject(root int) string {
	if g.style(root) == LMNet {
		return g.lmKind(root) + ": " + g.topic(root)
	}
	return "[OZTL_NET] " + g.topic(root)
}

// person is the author of a message.
type person struct {
	first, last, role, school, place, domain string
	zone                                     *time.Location
}

func (p person) name() string { return p.first + " " + p.last }
func (p person) email() string {
	local := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(p.first[:1]+p.last))
	return local + "@" + p.domain
}

func (g corpus) person(i int) person {
	r := g.rng(i, streamPerson)
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	if g.style(i) == LMNet {
		z := usZones[r.IntN(len(usZones))]
		return person{
			first: pick(usFirst), last: pick(usLast), role: pick(usRoles),
			school: pick(usSchools), place: z.place, domain: pick(usDomains),
			zone: time.FixedZone("", z.offset),
		}
	}
	z := auZones[r.IntN(len(auZones))]
	return person{
		first: pick(auFirst), last: pick(auLast), role: pick(auRoles),
		school: pick(auSchools), place: z.place, domain: pick(auDomains),
		zone: time.FixedZone("", z.offset),
	}
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

// ownText returns the paragraphs message i writes itself (no quote,
// signature or footer). Replies write less than thread starters.
func (g corpus) ownText(i int) []string {
	r := g.rng(i, streamBody)
	st := g.style(i)
	root := i
	if a := g.ancestors(i); len(a) > 0 {
		root = a[0]
	}
	vars := strings.NewReplacer(
		"{topic}", g.topic(root),
		"{grade}", pickFor(st, r, usGrades, auGrades),
		"{title}", bookTitles[r.IntN(len(bookTitles))],
		"{title2}", bookTitles[r.IntN(len(bookTitles))],
		"{vendor}", pickFor(st, r, usVendors, auVendors),
		"{budget}", pickFor(st, r, []string{"$500", "$1,200", "$3,000", "$250"}, []string{"$800", "$2,500", "$1,500", "$400"}),
	)
	last := -1
	sentence := func() string {
		k := r.IntN(len(sentences) - 1)
		if k >= last {
			k++ // never the same sentence twice in a row
		}
		last = k
		s := vars.Replace(sentences[k])
		for strings.Contains(s, "{n}") {
			s = strings.Replace(s, "{n}", fmt.Sprint(3+r.IntN(40)), 1)
		}
		return s
	}
	paragraph := func(n int) string {
		s := make([]string, n)
		for k := range s {
			s[k] = sentence()
		}
		return strings.Join(s, " ")
	}

	var paras []string
	paras = append(paras, pickFor(st, r, usGreetings, auGreetings))
	isReply := g.parent(i) >= 0
	switch {
	case isReply:
		for range 2 + r.IntN(7) {
			paras = append(paras, paragraph(3+r.IntN(4)))
		}
	case st == LMNet && g.lmKind(i) == "HIT":
		paras = append(paras, vars.Replace("Thank you to everyone who answered my TARGET about {topic}. "+
			"Many of you asked for the compilation, so here it is, lightly edited. Names and schools are "+
			"left in where people said that was fine."))
		for k := range 20 + r.IntN(45) {
			q := g.person(i + (k+1)*g.step()) // a reproducible colleague on the same list
			paras = append(paras, fmt.Sprintf("* %s %s -- %s, %s", sentence(), sentence(), q.name(), q.school))
		}
		paras = append(paras, "Thanks again, LM_NET. This list is still the best professional development I get.")
	default:
		for range 8 + r.IntN(18) {
			paras = append(paras, paragraph(3+r.IntN(5)))
		}
		if st == LMNet && g.lmKind(i) == "TARGET" {
			paras = append(paras, "Please reply to me off list and I will post a HIT with everything I receive.")
		}
	}
	return paras
}

func pickFor(st ListStyle, r *rand.Rand, us, au []string) string {
	if st == LMNet {
		return us[r.IntN(len(us))]
	}
	return au[r.IntN(len(au))]
}

func (g corpus) message(i int) []byte {
	st := g.style(i)
	p := g.person(i)
	date := g.date(i)
	chain := g.ancestors(i)
	subject := g.rootSubject(i)
	if len(chain) > 0 {
		subject = "Re: " + g.rootSubject(chain[0])
	}

	// Plain-text body: own words, quoted parent, signature.
	paras := g.ownText(i)
	var text strings.Builder
	for _, para := range paras {
		text.WriteString(wrap(para, 72, ""))
		text.WriteString("\n")
	}
	text.WriteString(p.first + "\n")
	var quoted []string
	var parentLine string
	if len(chain) > 0 {
		par := chain[len(chain)-1]
		pp := g.person(par)
		parentLine = fmt.Sprintf("On %s, %s <%s> wrote:", g.date(par).Format("Mon, Jan 2, 2006 at 3:04 PM"), pp.name(), pp.email())
		quoted = g.ownText(par)
		text.WriteString("\n" + parentLine + "\n")
		for _, para := range quoted {
			text.WriteString(wrap(para, 70, "> "))
			text.WriteString(">\n")
		}
	}
	signature := fmt.Sprintf("-- \n%s\n%s\n%s\n%s\n", p.name(), p.role, p.school, p.place)
	text.WriteString("\n" + signature)

	mr := g.rng(i, streamMIME)
	mr.Uint64() // the draw messageID uses
	multipart := mr.IntN(100) < 30
	boundary := fmt.Sprintf("=_dovecottest_%d_%08x", i, mr.Uint32())

	var h strings.Builder
	header := func(k, v string) { h.WriteString(k + ": " + v + "\n") }
	relayed := date.Add(time.Duration(2+mr.IntN(90)) * time.Second)
	from := encodeName(p.name()) + " <" + p.email() + ">"
	charset := "us-ascii"
	if st == OZTLNet {
		charset = "utf-8"
	}

	var footer string
	if st == LMNet {
		header("Received", fmt.Sprintf("from LISTSERV.EXAMPLE.EDU (listserv.example.edu [192.0.2.25])\n\tby mx.example.org with ESMTPS id %08X;\n\t%s", mr.Uint32(), relayed.UTC().Format(time.RFC1123Z)))
		header("Date", date.Format(time.RFC1123Z))
		header("Reply-To", "School Library Media & Network Communications <"+LMNetAddress+">")
		header("Sender", "School Library Media & Network Communications <"+LMNetAddress+">")
		header("From", from)
		header("Subject", encodeText(subject))
		header("To", LMNetAddress)
		footer = lmFooter
	} else {
		header("Received", fmt.Sprintf("from lists.example.edu.au (lists.example.edu.au [198.51.100.7])\n\tby mx.example.org with ESMTPS id %08X;\n\t%s", mr.Uint32(), relayed.UTC().Format(time.RFC1123Z)))
		header("From", from)
		header("To", OZTLNetAddress)
		header("Date", date.Format(time.RFC1123Z))
		header("Subject", encodeText(subject))
		footer = ozFooter
	}
	header("Message-ID", g.messageID(i))
	if len(chain) > 0 {
		header("In-Reply-To", g.messageID(chain[len(chain)-1]))
		refs := chain
		if len(refs) > 20 {
			refs = append(refs[:1:1], refs[len(refs)-19:]...)
		}
		ids := make([]string, len(refs))
		for k, ref := range refs {
			ids[k] = g.messageID(ref)
		}
		header("References", strings.Join(ids, "\n "))
	}
	header("MIME-Version", "1.0")
	if st == OZTLNet {
		header("Sender", `"OZTL_NET" <oztl_net-bounces@lists.example.edu.au>`)
		header("Errors-To", "oztl_net-bounces@lists.example.edu.au")
		header("X-BeenThere", OZTLNetAddress)
		header("X-Mailman-Version", "2.1.39")
		header("Precedence", "list")
		header("List-Id", "Teacher librarians in Australia and beyond "+OZTLNetListID)
		header("List-Unsubscribe", "<https://lists.example.edu.au/mailman/options/oztl_net>,\n <mailto:oztl_net-request@lists.example.edu.au?subject=unsubscribe>")
		header("List-Archive", "<https://lists.example.edu.au/pipermail/oztl_net/>")
		header("List-Post", "<mailto:"+OZTLNetAddress+">")
		header("List-Help", "<mailto:oztl_net-request@lists.example.edu.au?subject=help>")
		header("List-Subscribe", "<https://lists.example.edu.au/mailman/listinfo/oztl_net>,\n <mailto:oztl_net-request@lists.example.edu.au?subject=subscribe>")
	} else {
		header("Precedence", "list")
		header("List-Help", "<https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET>,\n <mailto:LISTSERV@LISTSERV.EXAMPLE.EDU?body=INFO%20LM_NET>")
		header("List-Unsubscribe", "<mailto:LM_NET-unsubscribe-request@LISTSERV.EXAMPLE.EDU>")
		header("List-Subscribe", "<mailto:LM_NET-subscribe-request@LISTSERV.EXAMPLE.EDU>")
		header("List-Owner", "<mailto:LM_NET-request@LISTSERV.EXAMPLE.EDU>")
		header("List-Archive", "<https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET>")
	}

	var b strings.Builder
	b.WriteString(h.String())
	plainType := `text/plain; charset="` + charset + `"`
	cte := "7bit"
	if charset == "utf-8" {
		cte = "8bit"
	}
	switch {
	case !multipart:
		b.WriteString("Content-Type: " + plainType + "\nContent-Transfer-Encoding: " + cte + "\n\n")
		b.WriteString(text.String())
		b.WriteString(footer)
	case st == LMNet:
		// LISTSERV appends its footer to both alternatives.
		b.WriteString(`Content-Type: multipart/alternative; boundary="` + boundary + `"` + "\n\n")
		b.WriteString("This is a multi-part message in MIME format.\n\n")
		b.WriteString("--" + boundary + "\nContent-Type: " + plainType + "\nContent-Transfer-Encoding: " + cte + "\n\n")
		b.WriteString(text.String() + footer)
		b.WriteString("--" + boundary + "\nContent-Type: text/html; charset=\"" + charset + "\"\nContent-Transfer-Encoding: " + cte + "\n\n")
		b.WriteString(htmlBody(charset, paras, p, parentLine, quoted, signature, footer))
		b.WriteString("--" + boundary + "--\n")
	default:
		// Mailman 2 wraps a multipart message in multipart/mixed and adds
		// its footer as a separate text/plain part.
		outer := boundary + "_mm"
		b.WriteString(`Content-Type: multipart/mixed; boundary="` + outer + `"` + "\n\n")
		b.WriteString("--" + outer + "\n")
		b.WriteString(`Content-Type: multipart/alternative; boundary="` + boundary + `"` + "\n\n")
		b.WriteString("--" + boundary + "\nContent-Type: " + plainType + "\nContent-Transfer-Encoding: " + cte + "\n\n")
		b.WriteString(text.String())
		b.WriteString("--" + boundary + "\nContent-Type: text/html; charset=\"" + charset + "\"\nContent-Transfer-Encoding: " + cte + "\n\n")
		b.WriteString(htmlBody(charset, paras, p, parentLine, quoted, signature, ""))
		b.WriteString("--" + boundary + "--\n\n")
		b.WriteString("--" + outer + "\nContent-Type: text/plain; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: inline\n\n")
		b.WriteString(footer)
		b.WriteString("--" + outer + "--\n")
	}
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}

// htmlBody renders the same content as the plain part, as a mail client's
// HTML alternative would.
func htmlBody(charset string, paras []string, p person, parentLine string, quoted []string, signature, footer string) string {
	var b strings.Builder
	b.WriteString("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=" + charset + "\"></head>\n<body>\n")
	for _, para := range paras {
		b.WriteString("<div>" + wrap(html.EscapeString(para), 76, "") + "</div>\n<div><br></div>\n")
	}
	b.WriteString("<div>" + html.EscapeString(p.first) + "</div>\n")
	if parentLine != "" {
		b.WriteString("<div class=\"gmail_quote\">" + html.EscapeString(parentLine) + "<br>\n<blockquote style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">\n")
		for _, para := range quoted {
			b.WriteString("<p>" + wrap(html.EscapeString(para), 76, "") + "</p>\n")
		}
		b.WriteString("</blockquote></div>\n")
	}
	b.WriteString("<div>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(signature, "\n")), "\n", "<br>\n") + "</div>\n")
	if footer != "" {
		b.WriteString("<hr>\n<p>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(footer, "\n")), "\n", "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// wrap fills s into lines of at most width characters (longer words stay
// whole), each starting with prefix.
func wrap(s string, width int, prefix string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/width*(len(prefix)+1) + len(prefix) + 1)
	line := 0
	for len(s) > 0 {
		// Next space-separated word, without allocating a slice of them.
		start := strings.IndexFunc(s, func(r rune) bool { return r != ' ' && r != '\n' && r != '\t' })
		if start < 0 {
			break
		}
		s = s[start:]
		end := strings.IndexAny(s, " \n\t")
		if end < 0 {
			end = len(s)
		}
		w := s[:end]
		s = s[end:]
		n := utf8.RuneCountInString(w)
		if line > 0 && line+1+n > width {
			b.WriteByte('\n')
			line = 0
		}
		if line == 0 {
			b.WriteString(prefix)
			line = utf8.RuneCountInString(prefix)
		} else {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += n
	}
	b.WriteByte('\n')
	return b.String()
}

// encodeName encodes a display name for a header: RFC 2047 if it is not
// ASCII.
func encodeName(s string) string {
	if isASCII(s) {
		return s
	}
	return mime.QEncoding.Encode("utf-8", s)
}

// encodeText encodes unstructured header text such as a subject.
func encodeText(s string) string {
	if isASCII(s) {
		return s
	}
	return mime.QEncoding.Encode("utf-8", s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const lmFooter = `
All LM_NET postings are protected by copyright law. You may forward a
posting only with the author's permission.
To change your subscription or read the archives:
https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET
To post a message: mailto:LM_NET@LISTSERV.EXAMPLE.EDU
Please use TARGET: for requests and HIT: for summaries of replies.
`

const ozFooter = `_______________________________________________
OZTL_NET mailing list
oztl_net@lists.example.edu.au
https://lists.example.edu.au/mailman/listinfo/oztl_net
`

var lmTopics = []string{
	"graphic novels for reluctant readers in grades 6-8",
	"weeding the 500s without losing curriculum support",
	"genrefying a middle school fiction collection",
	"Banned Books Week displays",
	"Destiny vs. Alexandria for a small district",
	"makerspace supplies on a small budget",
	"teaching source evaluation to 9th graders",
	"library orientation ideas for freshmen",
	"summer reading lists for rising 4th graders",
	"going fine-free: did circulation go up?",
	"which databases are worth renewing",
	"author visits on a tight budget",
	"Battle of the Books question writing",
	"collaborating with ELA teachers on research papers",
	"alternatives to the book fair",
	"Chromebook checkout through the library",
	"new nonfiction for elementary STEM",
	"diverse picture books for K-2",
	"duties for a part-time library aide",
	"a challenge to a title: reconsideration forms",
	"citation tools for middle school",
	"e-book platforms for a K-12 district",
	"AI tools and research lessons",
	"student library advisory boards",
	"signage for a high school library",
	"circulation statistics for the principal",
	"escape rooms in the library",
	"promoting the state reading award list",
	"audiobooks for English language learners",
	"end-of-year inventory procedures",
}

var ozTopics = []string{
	"Premier's Reading Challenge tracking in Years 5-6",
	"SCIS cataloguing for graphic novels",
	"Year 7 orientation to the library",
	"moving from Oliver to Accessit",
	"Book Week costume parade alternatives",
	"weeding the 900s",
	"eResources for Year 11 Modern History",
	"teaching APA 7 referencing in Year 9",
	"spaces for quiet study and group work",
	"reading programs for Year 8 boys",
	"First Nations picture books for the junior library",
	"managing Chromebook loans",
	"budget bids for next year",
	"teacher librarian position descriptions",
	"library monitors and student leaders",
	"challenged books in Australian schools",
	"Guided Inquiry Design in Stage 5",
	"magazine subscriptions worth keeping",
	"lunchtime clubs in the library",
	"Wheelers or BorrowBox for eBooks",
	"students’ wellbeing and the library as a safe space",
}

var sentences = []string{
	"We have been talking about {topic} at our school for most of this term.",
	"My principal has asked me to put together a proposal on {topic} by the end of the month.",
	"Has anyone dealt with {topic} recently, and what would you do differently?",
	"Our {grade} students responded really well when we tried this last year.",
	"I started with a small trial with two {grade} classes and it grew from there.",
	"The biggest hurdle was time: I see each class for only {n} minutes a fortnight.",
	"We use {vendor} and it has mostly been reliable, although the reports are clunky.",
	"Someone on this list recommended {title} years ago and it is still our most borrowed book.",
	"If you have not read {title} yet, it pairs nicely with {title2}.",
	"I put {n} titles on display and {n} of them were borrowed within a week.",
	"Our budget is about {budget} for the whole year, so every purchase has to count.",
	"The classroom teachers were sceptical at first, but they came around once they saw the results.",
	"I would love to see any lesson plans, rubrics or slide decks you are willing to share.",
	"We ended up writing our own guidelines because nothing we found quite fitted.",
	"Parents have been supportive, although a couple of them asked good hard questions.",
	"It took me about {n} hours over the holidays to get everything set up.",
	"Our IT department was helpful once I explained what we actually needed.",
	"I keep a spreadsheet of what works and what does not, which I am happy to send to anyone.",
	"Student feedback has been overwhelmingly positive, especially from the {grade} group.",
	"The admin side of {vendor} is fine, but the student interface confuses the younger ones.",
	"We had {n} students turn up to the first lunchtime session, which surprised everyone.",
	"I found that short, regular sessions work far better than one long workshop.",
	"Please do not reinvent the wheel: the archives of this list have a lot on {topic}.",
	"A colleague at a neighbouring school does this brilliantly and I have borrowed most of her ideas.",
	"Next year I want to involve the students more in choosing what we buy.",
	"The hardest conversations were about shelf space and what to discard.",
	"In the end we kept it simple, and simple turned out to be sustainable.",
	"Our library is open before school, at recess and at lunch, and that helps a lot.",
	"I have attached nothing to this message because attachments bounce from the list.",
	"If anyone is near us, you are welcome to visit and see it in action.",
	"We measured borrowing before and after, and loans were up by about {n} percent.",
	"The teachers now book the library for research lessons without being asked.",
}

var (
	usGrades    = []string{"6th grade", "7th grade", "8th grade", "9th grade", "freshman", "3rd grade", "kindergarten", "11th grade"}
	auGrades    = []string{"Year 7", "Year 8", "Year 9", "Year 10", "Year 5", "Year 3", "Prep", "Year 11"}
	usVendors   = []string{"Destiny", "Alexandria", "Sora", "Epic", "Gale", "EBSCO", "NoodleTools"}
	auVendors   = []string{"Oliver", "Accessit", "Wheelers", "BorrowBox", "SCIS", "Clickview", "EBSCO"}
	usGreetings = []string{"Hi all,", "Hello LM_NET,", "Dear colleagues,", "Good morning everyone,", "Hi everyone,"}
	auGreetings = []string{"Hi all,", "Hello everyone,", "G’day all,", "Dear colleagues,", "Hi OZTLers,"}
	bookTitles  = []string{
		"The Lighthouse Keeper's Daughter", "Stars Over Hollow Creek", "Counting Crows at Midnight",
		"The Map of Small Things", "A Library for Foxes", "Saltwater Summer", "The Clockwork Orchard",
		"Nine Lives of a Paper Boat", "When the River Sang", "The Girl Who Collected Rain",
	}
	usFirst   = []string{"Karen", "Linda", "Michelle", "Jennifer", "Susan", "David", "Maria", "Tanya", "Robert", "Angela", "Beth", "Carlos"}
	usLast    = []string{"Johnson", "Miller", "Garcia", "Anderson", "Thompson", "Martinez", "Robinson", "Walker", "Young", "Allen", "Hernandez", "King"}
	usRoles   = []string{"Library Media Specialist", "School Librarian", "Teacher Librarian", "District Library Coordinator", "Media Center Director"}
	usSchools = []string{"Lincoln Middle School", "Riverside Elementary", "Jefferson High School", "Oak Hill Intermediate", "Westbrook Academy", "Maple Grove K-8"}
	usDomains = []string{"example.k12.ny.us", "district.example.org", "schools.example.net", "example.k12.tx.us", "gmail.example.com"}
	usZones   = []struct {
		place  string
		offset int
	}{
		{"Albany, NY", -5 * 3600}, {"Austin, TX", -6 * 3600}, {"Denver, CO", -7 * 3600}, {"Sacramento, CA", -8 * 3600},
	}
	auFirst   = []string{"Sarah", "Megan", "Fiona", "Kylie", "Ngaire", "Zoë", "Bronwyn", "Liam", "Chloé", "Deb", "Mark", "Priya"}
	auLast    = []string{"Nguyen", "Smith", "O'Brien", "Wilson", "Taylor", "Kelly", "Murphy", "Singh", "Harris", "Brown", "Clarke", "Te Awa"}
	auRoles   = []string{"Teacher Librarian", "Head of Library", "Library Technician", "Information Services Manager", "Library Coordinator"}
	auSchools = []string{"Mount Example College", "Harbourside Public School", "St Brigid's Primary", "Eastwood Secondary College", "Banksia Grammar", "Red Gum High School"}
	auDomains = []string{"education.example.gov.au", "example.edu.au", "det.example.edu.au", "school.example.com.au"}
	auZones   = []struct {
		place  string
		offset int
	}{
		{"Sydney NSW", 11 * 3600}, {"Melbourne VIC", 11 * 3600}, {"Brisbane QLD", 10 * 3600}, {"Perth WA", 8 * 3600}, {"Adelaide SA", 10*3600 + 1800},
	}
)
