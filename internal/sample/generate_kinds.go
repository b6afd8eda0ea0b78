package sample

// Messages other than ordinary posts: out-of-office replies, "unsubscribe" posts and
// replies to a digest.

import (
	"fmt"
	"strings"
	"time"
)

// autoReplyContent is an out-of-office message.
func (g corpus) autoReplyContent(i int, p person, a autoReplyInfo) *content {
	r := g.rng(i, streamBody)
	back := g.date(i).AddDate(0, 0, 2+r.IntN(12)).Format("Monday 2 January")
	text := strings.ReplaceAll(autoReplyTexts[r.IntN(len(autoReplyTexts))], "{back}", back)
	if a.exchange {
		text = smartify(text)
	}
	return &content{paras: []string{text, "Kind regards,"}, sig: []string{p.name(), p.role, p.school}}
}

// unsubscribeContent is a member asking the list to remove them.
func (g corpus) unsubscribeContent(i int, p person, t traits) *content {
	r := g.rng(i, streamBody)
	c := &content{paras: []string{unsubscribeBodies[r.IntN(len(unsubscribeBodies))]}}
	if t.client == clientApple {
		c.device = "Sent from my iPhone"
	} else if r.IntN(2) == 0 {
		c.signoff = p.name()
	}
	return c
}

// digestInfo describes the digest a digest reply answers.
type digestInfo struct {
	title  string // "LM_NET Digest - 3 Mar 2024 to 4 Mar 2024 (#2024-64)"
	sent   time.Time
	irt    string // the digest's Message-ID, when the reply cites it
	opener string
}

var digestOpeners = []string{
	"Sorry for replying to the whole digest - I read the list in digest mode and this is the only way I know to answer from my phone.",
	"Replying to the digest, sorry. This is about the item below.",
	"Apologies for the digest reply - I can never find the original message.",
}

func (g corpus) digest(i int) digestInfo {
	r := g.rng(i, streamDigest)
	par := g.parent(i)
	var d digestInfo
	// The digest went out between the item and the reply.
	pd, rd := g.date(par), g.date(i)
	d.sent = pd.Add(time.Duration(r.Int64N(int64(rd.Sub(pd))))).Truncate(time.Second)
	if g.style(i) == LMNet {
		eastern := time.FixedZone("", -5*3600)
		from, to := pd.In(eastern), d.sent.In(eastern)
		d.sent = to
		if from.YearDay() == to.YearDay() {
			d.title = fmt.Sprintf("LM_NET Digest - %s (#%d-%d)", to.Format("2 Jan 2006"), to.Year(), to.YearDay())
		} else {
			d.title = fmt.Sprintf("LM_NET Digest - %s to %s (#%d-%d)", from.Format("2 Jan 2006"), to.Format("2 Jan 2006"), to.Year(), to.YearDay())
		}
		if r.IntN(2) == 0 {
			d.irt = fmt.Sprintf("<LISTSERV%%%s%02d@LISTSERV.EXAMPLE.EDU>", to.Format("20060102150405"), r.IntN(100))
		}
	} else {
		day := d.sent.In(time.FixedZone("", 11*3600))
		d.sent = day
		d.title = fmt.Sprintf("OZTL_NET Digest, Vol %d, Issue %d", (day.Year()-2012)*12+int(day.Month()), day.Day())
		if r.IntN(2) == 0 {
			d.irt = fmt.Sprintf("<mailman.%d.%d.%d.oztl_net@lists.example.edu.au>", day.Day(), d.sent.Unix(), 1000+r.IntN(30000))
		}
	}
	d.opener = digestOpeners[r.IntN(len(digestOpeners))]
	return d
}

// digestQuote quotes the digest a reply answers: its table of contents, then the one item
// the reply is about, with a "Subject:" line, as LISTSERV and Mailman digests head items.
func (g corpus) digestQuote(i, par int, p person, d digestInfo) *quote {
	pp := g.person(par)
	step := g.step()
	var items []string
	for k := 6; k >= 0; k-- { // the item and the posts before it in the digest
		if j := par - k*step; j >= 0 {
			items = append(items, g.subject(j))
		}
	}
	paras := g.postContent(par, g.traits(par), pp).paras
	if len(paras) > 4 {
		paras = paras[:4]
	}
	if g.style(i) == LMNet {
		q := &quote{outlook: true, paras: paras, tail: []string{"[...]"}}
		q.head = []string{"-----Original Message-----",
			"From: LM_NET automatic digest system <LISTSERV@LISTSERV.EXAMPLE.EDU>",
			"Sent: " + d.sent.In(p.zone).Format("Monday, January 2, 2006 3:04 PM"),
			"To: " + LMNetAddress,
			"Subject: " + d.title, "",
			fmt.Sprintf("There are %d messages totaling %d lines in this issue.", len(items)+4, 300+len(items)*57), "",
			"Topics of the day:", ""}
		for n, s := range items {
			q.head = append(q.head, fmt.Sprintf("  %d. %s", n+1, s))
		}
		q.head = append(q.head, "", strings.Repeat("-", 70), "",
			"Date:    "+g.date(par).Format("Mon, 2 Jan 2006 15:04:05 -0700"),
			"From:    "+pp.name()+" <"+pp.email()+">",
			"Subject: "+g.subject(par), "")
		return q
	}
	q := &quote{paras: paras, tail: []string{"", strings.Repeat("-", 30), ""}}
	q.intro = fmt.Sprintf("On %s, <oztl_net-request@lists.example.edu.au> wrote:", d.sent.Format("Mon, 2 Jan 2006 at 15:04"))
	q.head = []string{"Send OZTL_NET mailing list submissions to", "\t" + OZTLNetAddress, "",
		"Today's Topics:", ""}
	for n, s := range items {
		q.head = append(q.head, fmt.Sprintf("   %d. %s", n+1, s))
	}
	q.head = append(q.head, "", "", strings.Repeat("-", 70), "",
		fmt.Sprintf("Message: %d", 1+len(items)/2),
		"Date: "+g.date(par).Format("Mon, 2 Jan 2006 15:04:05 -0700"),
		"From: "+pp.name()+" <"+pp.email()+">",
		"To: "+OZTLNetAddress,
		"Subject: "+g.subject(par),
		"Message-ID: "+g.messageID(par),
		`Content-Type: text/plain; charset="utf-8"`, "")
	return q
}
