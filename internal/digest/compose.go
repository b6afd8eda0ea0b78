package digest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Compose builds the digest for in: sections in priority order, each thread in full, as a
// subject line or counted, so that the plain text stays within the reader's word budget.
// It is deterministic for the same input (ties are sorted by thread id).
func Compose(in Input) Digest {
	d, _, _ := compose(in)
	return d
}

// compose is Compose, also returning the composer and the plan for tests.
func compose(in Input) (Digest, *composer, plan) {
	c := newComposer(in)
	p := c.plan()
	text := renderText(c.view(p))
	// The planner counts exactly what renderText writes; this loop only guards the budget
	// invariant against a future divergence between the two.
	for CountWords(text) > c.budget {
		smaller, ok := c.shrink(p)
		if !ok {
			break
		}
		p = smaller
		text = renderText(c.view(p))
	}
	v := c.view(p)
	d := Digest{
		Subject:  c.subject,
		Contents: c.contents,
		Text:     text,
		HTML:     renderHTML(v),
		Words:    CountWords(text),
		Full:     p.full,
		Short:    p.short,
		Counted:  len(c.entries) - p.full - p.short,
	}
	return d, c, p
}

// composer holds one digest's threads, arranged and measured, ready for planning.
type composer struct {
	in       Input
	budget   int
	loc      *time.Location
	multi    bool       // the digest covers several lists: items name theirs
	sections []*section // non-empty sections in priority order
	entries  []*entry   // every thread, in priority order (sections, then within them)
	// contents is the contents line ("3 book requests, 2 HITs") or "Nothing new".
	contents string
	subject  string
	title    string // the HTML heading: "Lists digest Thu 5 Mar"
	period   string // "Covers … (Australia/Sydney)." or ""
	noise    string // "Not shown: …" or ""
}

// section is one numbered part of the digest.
type section struct {
	rank     int
	slug     string // the category of a custom section
	title    string
	one, any string // nouns that count the whole section: "event", "events"
	entries  []*entry
	start    int // index of entries[0] in composer.entries
	// fullPre[i] and shortPre[i] are the words of the first i entries in full and as
	// subject lines; headWords are the heading's.
	fullPre, shortPre []int
	headWords         int
}

// entry is one thread and its two renderings, measured.
type entry struct {
	item       Item
	full       itemView
	short      shortView
	fullWords  int
	shortWords int
}

func newComposer(in Input) *composer {
	c := &composer{in: in, budget: in.Reader.BudgetWords, loc: in.Reader.Location}
	if c.budget <= 0 {
		c.budget = DefaultBudgetWords
	}
	if c.loc == nil {
		c.loc = time.UTC
	}
	threads := collect(in.Items)
	c.multi = coveredLists(in.Lists, threads) > 1
	c.arrange(threads)
	c.header()
	return c
}

// collect drops noise and merges items that are the same thread: the same ThreadID, or the
// same opening Message-ID (a cross-post the store kept once per list). Sorting first makes the
// result independent of the order of items.
func collect(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if slugOf(it) != noiseSlug {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.ThreadID, b.ThreadID), cmp.Compare(a.MessageID, b.MessageID),
			a.LastAt.Compare(b.LastAt), cmp.Compare(a.Subject, b.Subject))
	})
	byID := map[string]int{}
	byMsg := map[string]int{}
	merged := out[:0]
	for _, it := range out {
		msg := strings.Trim(strings.TrimSpace(it.MessageID), "<>")
		i, ok := byID[it.ThreadID]
		if !ok || it.ThreadID == "" {
			i, ok = byMsg[msg]
			ok = ok && msg != ""
		}
		if ok {
			merged[i] = mergeItems(merged[i], it)
		} else {
			i = len(merged)
			merged = append(merged, it)
		}
		// Both keys of every item lead to its thread, so a third copy known by either joins.
		if it.ThreadID != "" {
			byID[it.ThreadID] = i
		}
		if msg != "" {
			byMsg[msg] = i
		}
	}
	return merged
}

// mergeItems folds b into a: lists united, the larger counts, the wider time span, and any
// field a left empty.
func mergeItems(a, b Item) Item {
	a.Lists = slices.Clone(a.Lists)
	for _, l := range b.Lists {
		if !slices.Contains(a.Lists, l) {
			a.Lists = append(a.Lists, l)
		}
	}
	a.Replies = max(a.Replies, b.Replies)
	a.NewInPeriod = max(a.NewInPeriod, b.NewInPeriod)
	a.Answered = a.Answered || b.Answered
	a.FollowUp = a.FollowUp || b.FollowUp
	if a.FirstAt.IsZero() || (!b.FirstAt.IsZero() && b.FirstAt.Before(a.FirstAt)) {
		a.FirstAt = b.FirstAt
	}
	if b.LastAt.After(a.LastAt) {
		a.LastAt = b.LastAt
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&a.Category, b.Category}, {&a.CategoryName, b.CategoryName}, {&a.Subject, b.Subject},
		{&a.OriginalSubject, b.OriginalSubject}, {&a.AuthorName, b.AuthorName},
		{&a.AuthorAddr, b.AuthorAddr}, {&a.School, b.School}, {&a.Gist, b.Gist},
		{&a.Answers, b.Answers}, {&a.ReplyTo, b.ReplyTo}, {&a.MessageID, b.MessageID},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = f.src
		}
	}
	return a
}

// coveredLists is the number of lists the digest covers: the configured ones, else those the
// threads name.
func coveredLists(configured []string, threads []Item) int {
	seen := map[string]bool{}
	for _, l := range configured {
		seen[strings.TrimSpace(l)] = true
	}
	if len(seen) == 0 {
		for _, it := range threads {
			for _, l := range it.Lists {
				seen[strings.TrimSpace(l)] = true
			}
		}
	}
	delete(seen, "")
	return len(seen)
}

// arrange sorts threads into sections and measures each thread's two renderings.
func (c *composer) arrange(threads []Item) {
	bySection := map[string]*section{}
	for _, it := range threads {
		rank, slug := sectionOf(it)
		key := fmt.Sprint(rank, "/", slug)
		s := bySection[key]
		if s == nil {
			s = newSection(rank, slug, it)
			bySection[key] = s
			c.sections = append(c.sections, s)
		}
		s.entries = append(s.entries, &entry{item: it})
	}
	slices.SortFunc(c.sections, func(a, b *section) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.slug, b.slug))
	})
	for _, s := range c.sections {
		slices.SortFunc(s.entries, func(a, b *entry) int { return compareEntries(s.rank, a.item, b.item) })
		s.start = len(c.entries)
		c.entries = append(c.entries, s.entries...)
		c.measure(s)
	}
}

// sectionOf says which section a thread goes in: follow-ups first whatever their category.
func sectionOf(it Item) (rank int, slug string) {
	if it.FollowUp {
		return rankFollowUp, ""
	}
	k := kindOf(it)
	if k.rank == rankCustom {
		return k.rank, slugOf(it)
	}
	return k.rank, ""
}

func newSection(rank int, slug string, first Item) *section {
	s := &section{rank: rank, slug: slug, title: sectionTitles[rank]}
	if rank == rankCustom {
		s.title = customName(first)
	}
	switch {
	case rank == rankFollowUp || rank == rankRequests:
		s.one, s.any = sectionNouns[rank][0], sectionNouns[rank][1]
	default:
		k := kindOf(first)
		s.one, s.any = k.one, k.many
	}
	return s
}

// compareEntries orders a section: in Requests the unanswered first (they are where a reader
// can help), then the most recently active, then by thread id so that the order is total.
func compareEntries(rank int, a, b Item) int {
	if rank == rankRequests && a.Answered != b.Answered {
		if a.Answered {
			return 1
		}
		return -1
	}
	return cmp.Or(b.LastAt.Compare(a.LastAt), cmp.Compare(a.ThreadID, b.ThreadID),
		cmp.Compare(a.MessageID, b.MessageID), cmp.Compare(a.Subject, b.Subject))
}

// measure renders every entry of s both ways and sums their words. The item number ("2.1")
// is always one word, so a placeholder measures the same as the final number.
func (c *composer) measure(s *section) {
	mixed := s.rank == rankFollowUp || s.rank == rankRequests
	s.fullPre = make([]int, len(s.entries)+1)
	s.shortPre = make([]int, len(s.entries)+1)
	for i, e := range s.entries {
		e.full = c.itemView(e.item, mixed)
		e.full.Number = "0.0"
		e.short = shortLine(e.item)
		e.fullWords = CountWords(fullText(e.full))
		e.shortWords = CountWords(e.short.String())
		s.fullPre[i+1] = s.fullPre[i] + e.fullWords
		s.shortPre[i+1] = s.shortPre[i] + e.shortWords
	}
	s.headWords = CountWords(heading(1, s.title))
}

// header fills the contents line, subject, title, period and noise lines.
func (c *composer) header() {
	groups := c.contentGroups()
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = g.phrase
	}
	c.contents = "Nothing new"
	if len(parts) > 0 {
		c.contents = strings.Join(parts, ", ")
	}
	date := ""
	if !c.in.To.IsZero() {
		// The last instant covered names the day: a 07:00 digest is today's, and a calendar
		// day ending at midnight is that day, not the next.
		date = " " + c.in.To.Add(-time.Second).In(c.loc).Format("Mon 2 Jan")
	}
	c.title = "Lists digest" + date
	days := c.catchUpDays()
	if days > 1 {
		date += fmt.Sprintf(" (catch-up, %d days)", days)
	}
	c.subject = subjectLine("Lists digest"+date+": ", groups)
	c.period = c.periodLine(days)
	if n := c.in.Noise; n > 0 {
		c.noise = "Not shown: " + count(n, "auto-reply or list notice.", "auto-replies and list notices.")
	}
}

// group is one entry of the contents line.
type group struct {
	order    int // position in the contents line
	followUp bool
	n        int
	phrase   string // "3 book requests"
}

// contentGroups counts all threads for the contents line: follow-ups, then each category in
// section order (requests as book, video, help).
func (c *composer) contentGroups() []group {
	type key struct {
		rank int
		slug string
	}
	counts := map[key]int{}
	var keys []key
	for _, e := range c.entries {
		k := key{rankFollowUp, ""}
		if !e.item.FollowUp {
			k = key{kindOf(e.item).rank, slugOf(e.item)}
		}
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	order := []string{"book-request", "video-request", "help-request"}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank),
			cmp.Compare(slices.Index(order, a.slug), slices.Index(order, b.slug)),
			cmp.Compare(a.slug, b.slug))
	})
	groups := make([]group, len(keys))
	for i, k := range keys {
		one, many := "follow-up", "follow-ups"
		if k.rank != rankFollowUp {
			kd := c.kindFor(k.slug)
			one, many = kd.one, kd.many
		}
		groups[i] = group{order: i, followUp: k.rank == rankFollowUp, n: counts[k], phrase: count(counts[k], one, many)}
	}
	return groups
}

// kindFor describes a category for the contents line. A custom category is named as its
// section is, so that the contents line and the heading agree.
func (c *composer) kindFor(slug string) kind {
	if k, ok := kinds[slug]; ok {
		return k
	}
	for _, s := range c.sections {
		if s.rank == rankCustom && s.slug == slug {
			return kind{rank: rankCustom, label: s.title, one: "in " + s.title, many: "in " + s.title}
		}
	}
	return kind{rank: rankCustom, one: "in Other", many: "in Other"}
}

// maxSubject is the longest Subject that still shows whole in most inbox lists.
const maxSubject = 78

// subjectLine is prefix and the biggest groups: follow-ups first (they are what the reader
// asked for), then by size, three at most, two when three make the subject longer than
// maxSubject.
func subjectLine(prefix string, groups []group) string {
	if len(groups) == 0 {
		return prefix + "nothing new"
	}
	top := slices.Clone(groups)
	slices.SortStableFunc(top, func(a, b group) int {
		if a.followUp != b.followUp {
			if a.followUp {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.order, b.order))
	})
	top = top[:min(3, len(top))]
	join := func(gs []group) string {
		p := make([]string, len(gs))
		for i, g := range gs {
			p[i] = g.phrase
		}
		return strings.Join(p, ", ")
	}
	if s := prefix + join(top); len(top) < 3 || len(s) <= maxSubject {
		return s
	}
	return prefix + join(top[:2])
}

// catchUpDays is the number of days a period longer than a day and a half covers (a digest
// after a holiday), else 0.
func (c *composer) catchUpDays() int {
	if c.in.From.IsZero() || c.in.To.IsZero() {
		return 0
	}
	d := c.in.To.Sub(c.in.From)
	if d <= 36*time.Hour {
		return 0
	}
	return int(math.Round(d.Hours() / 24))
}

// periodLine says what the digest covers, in the reader's zone:
// "Covers Wed 4 Mar 07:00 to Thu 5 Mar 07:00 (Australia/Sydney)."
func (c *composer) periodLine(days int) string {
	if c.in.From.IsZero() || c.in.To.IsZero() {
		return ""
	}
	from, to := c.in.From.In(c.loc), c.in.To.In(c.loc)
	layout := "Mon 2 Jan 15:04"
	if from.Year() != to.Year() {
		layout = "Mon 2 Jan 2006 15:04"
	}
	line := fmt.Sprintf("Covers %s to %s (%s).", from.Format(layout), to.Format(layout), c.loc)
	if days > 1 {
		line = fmt.Sprintf("Catch-up: %d days. %s", days, line)
	}
	return line
}
