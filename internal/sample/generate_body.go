package sample

// What a message says: its own paragraphs, signature, quote of the parent, and their
// rendering as plain text.

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// ownText returns the paragraphs message i writes itself (no quote,
// signature or footer), with curly quotes and dashes if smart. Replies write
// less than thread starters.
func (g corpus) ownText(i int, smart bool) []string {
	r := g.rng(i, streamBody)
	st := g.style(i)
	v := textVars{topic: g.topic(g.root(i)), smart: smart}
	v.grade = pickFor(st, r, usGrades, auGrades)
	v.title = bookTitles[r.IntN(len(bookTitles))]
	v.title2 = bookTitles[r.IntN(len(bookTitles))]
	v.vendor = pickFor(st, r, usVendors, auVendors)
	v.budget = pickFor(st, r, usBudgets, auBudgets)
	// All paragraphs go into one buffer, then one string that they are cut from.
	buf := make([]byte, 0, 8<<10)
	var ends []int
	endPara := func() { ends = append(ends, len(buf)) }
	last := -1
	sentence := func() {
		k := r.IntN(len(sentences) - 1)
		if k >= last {
			k++ // never the same sentence twice in a row
		}
		last = k
		buf = v.expand(buf, sentences[k], r)
	}
	paragraph := func(n int) {
		for k := range n {
			if k > 0 {
				buf = append(buf, ' ')
			}
			sentence()
		}
		endPara()
	}

	buf = v.append(buf, pickFor(st, r, usGreetings, auGreetings))
	endPara()
	isReply := g.parent(i) >= 0
	switch {
	case isReply:
		for range 2 + r.IntN(7) {
			paragraph(3 + r.IntN(4))
		}
	case st == LMNet && g.lmKind(i) == "HIT":
		buf = v.expand(buf, "Thank you to everyone who answered my TARGET about {topic}. "+
			"Many of you asked for the compilation, so here it is, lightly edited. Names and schools are "+
			"left in where people said that was fine.", r)
		endPara()
		for k := range 20 + r.IntN(45) {
			q := g.person(i + (k+1)*g.step()) // a reproducible colleague on the same list
			buf = append(buf, "* "...)
			sentence()
			buf = append(buf, ' ')
			sentence()
			buf = append(buf, " -- "...)
			buf = v.append(buf, q.name())
			buf = append(buf, ", "...)
			buf = v.append(buf, q.school)
			endPara()
		}
		buf = append(buf, "Thanks again, LM_NET. This list is still the best professional development I get."...)
		endPara()
	default:
		for range 8 + r.IntN(18) {
			paragraph(3 + r.IntN(5))
		}
		if st == LMNet && g.lmKind(i) == "TARGET" {
			buf = append(buf, "Please reply to me off list and I will post a HIT with everything I receive."...)
			endPara()
		}
	}
	all := string(buf)
	paras := make([]string, len(ends))
	from := 0
	for k, e := range ends {
		paras[k] = all[from:e]
		from = e
	}
	return paras
}

// textVars fills the placeholders of sentences.
type textVars struct {
	topic, grade, title, title2, vendor, budget string
	smart                                       bool // curly quotes, dashes and ellipses
}

// append appends s, with smart punctuation if v.smart.
func (v *textVars) append(b []byte, s string) []byte {
	if v.smart {
		return appendSmart(b, s)
	}
	return append(b, s...)
}

// expand appends tmpl with its {placeholders} filled; each {n} is a new number.
func (v *textVars) expand(b []byte, tmpl string, r *rand.Rand) []byte {
	for {
		k := strings.IndexByte(tmpl, '{')
		if k < 0 {
			return v.append(b, tmpl)
		}
		b = v.append(b, tmpl[:k])
		end := strings.IndexByte(tmpl[k:], '}') + k
		switch tmpl[k+1 : end] {
		case "topic":
			b = v.append(b, v.topic)
		case "grade":
			b = v.append(b, v.grade)
		case "title":
			b = v.append(b, v.title)
		case "title2":
			b = v.append(b, v.title2)
		case "vendor":
			b = v.append(b, v.vendor)
		case "budget":
			b = v.append(b, v.budget)
		case "n":
			b = strconv.AppendInt(b, int64(3+r.IntN(40)), 10)
		}
		tmpl = tmpl[end+1:]
	}
}

func pickFor(st ListStyle, r *rand.Rand, us, au []string) string {
	if st == LMNet {
		return us[r.IntN(len(us))]
	}
	return au[r.IntN(len(au))]
}

// content is what a message says, before it is rendered as plain text or HTML.
type content struct {
	paras      []string // own words: greeting, paragraphs
	signoff    string   // first name under the text
	sig        []string // signature lines
	sigDash    bool     // "-- " above the signature
	device     string   // "Sent from my iPad"
	q          *quote
	disclaimer string // added by the author's mail server, at the very end
	footer     string // the list footer, when it is part of the text
}

// quote is the quoted parent (or digest) of a reply.
type quote struct {
	outlook bool     // Outlook's header block with the text unindented; else "> " lines
	intro   string   // "On ..., X wrote:" ("> " style)
	head    []string // lines before the paragraphs, verbatim
	paras   []string // quoted paragraphs, wrapped
	tail    []string // lines after them, verbatim
}

// postContent builds what post (or digest reply) i says, without its quote.
func (g corpus) postContent(i int, t traits, p person) *content {
	smart := t.client.outlook() || t.client == clientApple
	c := &content{paras: g.ownText(i, smart), signoff: p.first}
	switch t.attach {
	case 1:
		c.paras = append(c.paras, "I've attached "+g.attachment(i, t).name+" in case it's useful to anyone - feel free to adapt it.")
	case 2:
		c.paras = append(c.paras, "Attached is "+g.attachment(i, t).name+" so you can see what I mean.")
	}
	if smart && t.attach != 0 {
		c.paras[len(c.paras)-1] = smartify(c.paras[len(c.paras)-1])
	}
	switch {
	case t.client == clientApple:
		if t.ipad {
			c.device = "Sent from my iPad"
		} else {
			c.device = "Sent from my iPhone"
		}
	default:
		c.sig = []string{p.name(), p.role, p.school, p.place}
		c.sigDash = !t.client.outlook()
	}
	if p.dept && t.disclaimer {
		// One disclaimer per school (a district or department writes one).
		if g.style(i) == LMNet {
			c.disclaimer = usDisclaimers[len(p.school)%len(usDisclaimers)]
		} else {
			c.disclaimer = auDisclaimers[len(p.school)%len(auDisclaimers)]
		}
	}
	return c
}

// footerOf is the footer of i's list.
func (g corpus) footerOf(i int) string {
	if g.style(i) == LMNet {
		return lmFooter
	}
	return ozFooter
}

// replyQuote builds how post i (by client t.client, person p) quotes its parent par.
func (g corpus) replyQuote(i, par int, t traits, p person) *quote {
	pp := g.person(par)
	pt := g.traits(par)
	pc := g.postContent(par, pt, pp)
	pd := g.date(par)
	us := g.style(i) == LMNet
	q := &quote{paras: pc.paras}
	switch t.client {
	case clientOutlook, clientOutlookDE, clientOutlookSV:
		q.outlook = true
		who := pp.name() + " <" + pp.email() + ">"
		if t.onBehalf {
			list := "School Library Media & Network Communications <" + LMNetAddress + ">"
			if !us {
				list = "OZTL_NET <oztl_net-bounces@lists.example.edu.au>"
			}
			switch t.client {
			case clientOutlookDE:
				who = list + " Im Auftrag von " + pp.name()
			case clientOutlookSV:
				who = list + " För " + pp.name()
			default:
				who = list + " On Behalf Of " + pp.name()
			}
		}
		to := LMNetAddress
		if !us {
			to = OZTLNetAddress
		}
		sent := pd.In(p.zone)
		subj := g.subject(par)
		switch t.client {
		case clientOutlookDE:
			q.head = []string{"-----Ursprüngliche Nachricht-----", "Von: " + who, "Gesendet: " + formatWeekTime("agode", sent), "An: " + to, "Betreff: " + subj}
		case clientOutlookSV:
			q.head = []string{"-----Ursprungligt meddelande-----", "Från: " + who, "Skickat: " + formatWeekTime("agosv", sent), "Till: " + to, "Ämne: " + subj}
		default:
			sep := "-----Original Message-----"
			if !t.dashes {
				sep = "________________________________"
			}
			layout := "Monday, January 2, 2006 3:04 PM"
			if !us {
				layout = "Monday, 2 January 2006 3:04 PM"
			}
			q.head = []string{sep, "From: " + who, "Sent: " + sent.Format(layout), "To: " + to, "Subject: " + subj}
		}
		// Outlook quotes the whole message it received: signature, disclaimer and footer too.
		if pc.signoff != "" {
			q.tail = append(q.tail, pc.signoff, "")
		}
		q.tail = append(q.tail, pc.sig...)
		if pc.device != "" {
			q.tail = append(q.tail, pc.device)
		}
		if pc.disclaimer != "" {
			q.tail = append(q.tail, "", pc.disclaimer)
		}
		q.tail = append(q.tail, strings.Split(strings.TrimRight(g.footerOf(par), "\n"), "\n")...)
	case clientApple:
		layout := "Jan 2, 2006, at 3:04 PM"
		if !us {
			layout = "2 Jan 2006, at 3:04 pm"
		}
		q.intro = fmt.Sprintf("On %s, %s <%s> wrote:", pd.In(p.zone).Format(layout), pp.name(), pp.email())
	case clientLegacy:
		q.intro = fmt.Sprintf("On %s, %s wrote:", pd.Format("1/2/2006 3:04 PM"), pp.name())
	case clientWebmail:
		q.intro = fmt.Sprintf("On %s, %s <%s> wrote:", pd.Format("Monday, January 2, 2006, 03:04:05 PM -0700"), pp.name(), pp.email())
	default:
		layout := "Mon, Jan 2, 2006 at 3:04 PM"
		if !us {
			layout = "Mon, 2 Jan 2006 at 15:04"
		}
		q.intro = fmt.Sprintf("On %s, %s <%s> wrote:", pd.Format(layout), pp.name(), pp.email())
	}
	return q
}

// appendPlain renders c as plain text.
func (c *content) appendPlain(b []byte) []byte {
	for _, para := range c.paras {
		b = appendWrap(b, para, 72, "")
		b = append(b, '\n')
	}
	if c.signoff != "" {
		b = append(b, c.signoff...)
		b = append(b, '\n')
	}
	outlook := c.q != nil && c.q.outlook
	if outlook || c.q == nil {
		b = c.appendSig(b)
	}
	if c.device != "" {
		b = append(b, '\n')
		b = append(b, c.device...)
		b = append(b, '\n')
	}
	if q := c.q; q != nil {
		b = append(b, '\n')
		if q.outlook {
			for _, l := range q.head {
				b = append(b, l...)
				b = append(b, '\n')
			}
			b = append(b, '\n')
			for _, para := range q.paras {
				b = appendWrap(b, para, 72, "")
				b = append(b, '\n')
			}
			for _, l := range q.tail {
				b = appendWrap(b, l, 72, "")
			}
		} else {
			b = append(b, q.intro...)
			b = append(b, '\n')
			for _, l := range q.head {
				b = appendQuoteLine(b, l)
			}
			for _, para := range q.paras {
				b = appendWrap(b, para, 70, "> ")
				b = append(b, ">\n"...)
			}
			for _, l := range q.tail {
				b = appendQuoteLine(b, l)
			}
		}
	}
	if !outlook && c.q != nil {
		b = c.appendSig(b)
	}
	if c.disclaimer != "" {
		b = append(b, '\n')
		b = appendWrap(b, c.disclaimer, 72, "")
	}
	return append(b, c.footer...)
}

func appendQuoteLine(b []byte, l string) []byte {
	if l == "" {
		return append(b, ">\n"...)
	}
	b = append(b, "> "...)
	b = append(b, l...)
	return append(b, '\n')
}

func (c *content) appendSig(b []byte) []byte {
	if len(c.sig) == 0 {
		return b
	}
	if n := len(b); n < 2 || b[n-1] != '\n' || b[n-2] != '\n' {
		b = append(b, '\n')
	}
	if c.sigDash {
		b = append(b, "-- \n"...)
	}
	for _, l := range c.sig {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return b
}
