package digest

import (
	"fmt"
	"strings"
)

// view is a planned digest as both renderers see it: every string is final (cleaned,
// isolated, worded), so the text and HTML parts say the same thing.
type view struct {
	Title    string // the HTML heading
	Subject  string
	Contents string // "Contents: 3 book requests, 2 HITs." or a shorter form
	Period   string
	Noise    string
	Sections []sectionView
	Also     string // "Also: 3 events, 2 jobs." for sections with nothing listed
}

// sectionView is one numbered section with its listed threads.
type sectionView struct {
	Number int
	Title  string
	Full   []itemView
	Short  []shortView
	More   string // "+6 more in Sharing"
}

// shortView is a thread as a subject line: "Free shelving to a good home (Cat Lister)".
type shortView struct {
	Subject, Author string
}

// String is the line without its bullet.
func (s shortView) String() string {
	if s.Author == "" {
		return s.Subject
	}
	return s.Subject + " (" + s.Author + ")"
}

// itemView is one thread shown in full.
type itemView struct {
	Number    string // "2.1": section and position
	Head      string // "Book request: Year 5 novels on resilience"
	Who       string // "Jane Smith, St Mary's College, on LM_NET and OZTL_NET."
	Gist      string // the gist in quotes
	Status    string // "3 replies. Answered: HIT posted."
	Reply     string // the mailto: link, or ""
	ReplyText string // the link's text in HTML: "Reply to Jane Smith"
	Links     []Link // action links (flag, done, snooze)
}

// itemView words one thread in full. mixed says the section holds several categories, so
// the item names its own.
func (c *composer) itemView(it Item, mixed bool) itemView {
	head := subjectOf(it)
	if mixed {
		head = kindOf(it).label + ": " + head
	}
	v := itemView{Head: head, Who: c.whoLine(it), Status: c.status(it), Reply: replyLink(it)}
	if g := clean(it.Gist, maxGistWords, maxGistRunes); g != "" {
		v.Gist = `"` + isolate(g) + `"`
	}
	for _, l := range it.Links {
		if safeLink(l.URL) {
			v.Links = append(v.Links, l)
		}
	}
	if v.Reply != "" {
		v.ReplyText = "Reply to " + replyName(it)
	}
	return v
}

// subjectOf is the cleaned subject, or a placeholder a reader can still refer to.
func subjectOf(it Item) string {
	if s := clean(it.Subject, maxSubjectWords, maxSubjectRunes); s != "" {
		return isolate(s)
	}
	return "(no subject)"
}

// authorOf is who wrote the thread: their name, else their address.
func authorOf(it Item) string {
	if n := clean(it.AuthorName, maxNameWords, maxNameRunes); n != "" {
		return isolate(n)
	}
	return isolate(clean(it.AuthorAddr, 1, maxNameRunes))
}

// whoLine says who and from where, and on which lists when the digest covers several:
// "Jane Smith, St Mary's College, on LM_NET and OZTL_NET." The place is the school from the
// signature, else the mail domain (unless it is a free-mail one, or the name is already an
// address).
func (c *composer) whoLine(it Item) string {
	var parts []string
	if a := authorOf(it); a != "" {
		parts = append(parts, a)
	}
	place := clean(it.School, maxNameWords, maxNameRunes)
	if place == "" && strings.TrimSpace(it.AuthorName) != "" {
		place = placeDomain(it.AuthorAddr)
	}
	if place != "" {
		parts = append(parts, isolate(place))
	}
	lists := ""
	if c.multi {
		var names []string
		for _, l := range it.Lists {
			if l = clean(l, maxNameWords, maxListRunes); l != "" {
				names = append(names, isolate(l))
			}
		}
		if len(names) > 0 {
			lists = "on " + joinAnd(names)
			parts = append(parts, lists)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	// Names and addresses keep their case; only a line that starts with the lists is a
	// sentence of ours to capitalise.
	if parts[0] == lists {
		parts[0] = capitalize(parts[0])
	}
	return strings.Join(parts, ", ") + "."
}

// status says how the thread is going: "Answers: Bullying websites. 3 replies, 2 new.
// Answered: HIT posted." New messages are mentioned for threads that began before the
// period, where "3 replies" alone would hide what is new.
func (c *composer) status(it Item) string {
	var b strings.Builder
	if a := clean(it.Answers, maxSubjectWords, maxSubjectRunes); a != "" {
		fmt.Fprintf(&b, "Answers: %s. ", isolate(a))
	}
	b.WriteString(capitalize(replies(it.Replies)))
	if it.NewInPeriod > 0 && it.Replies > 0 && !it.FirstAt.IsZero() && it.FirstAt.Before(c.in.From) {
		fmt.Fprintf(&b, ", %d new", min(it.NewInPeriod, it.Replies))
	}
	b.WriteString(".")
	if it.Answered {
		b.WriteString(" Answered: HIT posted.")
	}
	if it.FollowUp {
		if why := clean(it.FollowUpWhy, maxSubjectWords, maxSubjectRunes); why != "" {
			fmt.Fprintf(&b, " Back because %s.", why)
		}
		if note := clean(it.Note, maxSubjectWords, maxSubjectRunes); note != "" {
			fmt.Fprintf(&b, " Your note: %s.", isolate(note))
		}
	}
	return b.String()
}

// replyName names where the reply link goes: the poster by name when it goes to them (a
// request), else the address (the list).
func replyName(it Item) string {
	to := replyAddress(it.ReplyTo)
	if to == "" || strings.EqualFold(to, replyAddress(it.AuthorAddr)) {
		return authorOf(it)
	}
	return clean(to, 1, maxNameRunes)
}

// shortLine is a thread as one subject line.
func shortLine(it Item) shortView {
	return shortView{Subject: subjectOf(it), Author: authorOf(it)}
}

// view lays out plan p: numbered sections holding the listed threads, a "+N more" line
// where a section is partly counted, and one "Also" line for sections with nothing listed.
func (c *composer) view(p plan) *view {
	v := &view{Title: c.title, Subject: c.subject, Contents: c.contentsLine(p.layout.contents)}
	if p.layout.period {
		v.Period = c.period
	}
	if p.layout.noise {
		v.Noise = c.noise
	}
	var also []string
	for _, s := range c.sections {
		full, shown := p.split(s)
		if shown == 0 {
			also = append(also, count(len(s.entries), s.one, s.any))
			continue
		}
		sv := sectionView{Number: len(v.Sections) + 1, Title: s.title}
		for i, e := range s.entries[:shown] {
			if i < full {
				iv := e.full
				iv.Number = fmt.Sprintf("%d.%d", sv.Number, i+1)
				sv.Full = append(sv.Full, iv)
			} else {
				sv.Short = append(sv.Short, e.short)
			}
		}
		if rest := len(s.entries) - shown; rest > 0 {
			sv.More = moreLine(rest, s.title)
		}
		v.Sections = append(v.Sections, sv)
	}
	if p.layout.also && len(also) > 0 {
		v.Also = alsoLine(also)
	}
	return v
}

// contentsLine is the contents line in the given form, from "Contents: 3 book requests,
// 2 HITs." down to "+5" for a budget of a word or two.
func (c *composer) contentsLine(form int) string {
	n := len(c.entries)
	if n == 0 {
		if form == contentsTiny {
			return "Nothing."
		}
		return "Nothing new."
	}
	switch form {
	case contentsFull:
		return "Contents: " + c.contents + "."
	case contentsTotal:
		return "Contents: " + count(n, "thread.", "threads.")
	case contentsBare:
		return count(n, "thread.", "threads.")
	}
	return fmt.Sprintf("+%d", n)
}

// moreLine counts the threads of a section that did not fit: "+6 more in Sharing".
func moreLine(n int, title string) string {
	return fmt.Sprintf("+%d more in %s", n, title)
}

// alsoLine counts the sections with nothing listed: "Also: 3 events, 2 jobs."
func alsoLine(phrases []string) string {
	return "Also: " + strings.Join(phrases, ", ") + "."
}

// heading is a section heading: "2. Requests".
func heading(n int, title string) string {
	return fmt.Sprintf("%d. %s", n, title)
}

// safeLink accepts only absolute http(s) URLs without spaces or control characters: action
// links come from our signer, but a digest must never carry a javascript: or broken link.
func safeLink(u string) bool {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return false
	}
	return !strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '"' || r == '<' || r == '>' })
}
