package digest

// Forms of the contents line, from the full list of categories down to a bare total.
const (
	contentsFull  = iota // "Contents: 3 book requests, 2 HITs."
	contentsTotal        // "Contents: 5 threads."
	contentsBare         // "5 threads."
	contentsTiny         // "+5"
)

// layout says which header lines a digest keeps.
type layout struct {
	contents            int
	period, noise, also bool
}

// layouts go from the full header to the smallest; the planner takes the first in which a
// digest of counts alone fits the budget. The noise line goes first (it counts what is never
// shown), then the "Also" line (the contents line counts the same threads), then the period.
var layouts = []layout{
	{contents: contentsFull, period: true, noise: true, also: true},
	{contents: contentsFull, period: true, also: true},
	{contents: contentsFull, period: true},
	{contents: contentsFull},
	{contents: contentsTotal},
	{contents: contentsBare},
	{contents: contentsTiny},
}

// plan is how much of the digest is shown: the first full threads (in priority order) in
// full, the next short as subject lines, the rest counted.
type plan struct {
	layout      layout
	full, short int
}

// split says how many threads of s are in full and how many are listed at all under p.
func (p plan) split(s *section) (full, shown int) {
	clamp := func(v int) int { return max(0, min(v, len(s.entries))) }
	return clamp(p.full - s.start), clamp(p.full + p.short - s.start)
}

// plan chooses the layout and the split for the budget. See the package doc for the policy;
// the point of the half-budget floor is that on a busy day the reader still gets the gists of
// the most important threads rather than a page of bare subject lines.
func (c *composer) plan() plan {
	n := len(c.entries)
	li := 0
	for li < len(layouts)-1 && c.cost(plan{layout: layouts[li]}) > c.budget {
		li++
	}
	lay := layouts[li]
	fits := func(full, short, budget int) bool {
		return c.cost(plan{layout: lay, full: full, short: short}) <= budget
	}
	if fits(n, 0, c.budget) {
		return plan{layout: lay, full: n}
	}
	listAll := -1 // the most full threads with every other one listed
	for f := n; f >= 0; f-- {
		if fits(f, n-f, c.budget) {
			listAll = f
			break
		}
	}
	floor := 0 // the most full threads that fit in half the budget, the rest counted
	for f := n; f > 0; f-- {
		if fits(f, 0, c.budget/2) {
			floor = f
			break
		}
	}
	if listAll >= floor {
		return plan{layout: lay, full: listAll, short: n - listAll}
	}
	for s := n - floor; s > 0; s-- {
		if fits(floor, s, c.budget) {
			return plan{layout: lay, full: floor, short: s}
		}
	}
	return plan{layout: lay, full: floor}
}

// cost is the words of the plain text of p, computed from the measured parts without
// rendering: tokens never span lines, and wrapping only breaks lines at spaces, so the words
// of the text are the sum of the words of its lines.
func (c *composer) cost(p plan) int {
	w := CountWords(c.contentsLine(p.layout.contents))
	if p.layout.period {
		w += CountWords(c.period)
	}
	if p.layout.noise {
		w += CountWords(c.noise)
	}
	var also []string
	for _, s := range c.sections {
		full, shown := p.split(s)
		if shown == 0 {
			also = append(also, count(len(s.entries), s.one, s.any))
			continue
		}
		w += s.headWords + s.fullPre[full] + s.shortPre[shown] - s.shortPre[full]
		if rest := len(s.entries) - shown; rest > 0 {
			w += CountWords(moreLine(rest, s.title))
		}
	}
	if p.layout.also && len(also) > 0 {
		w += CountWords(alsoLine(also))
	}
	return w
}

// shrink returns the next smaller plan: one thread less in full (it becomes a subject line),
// else one subject line less, else a smaller header. ok is false when p is the smallest.
func (c *composer) shrink(p plan) (plan, bool) {
	switch {
	case p.full > 0:
		p.full--
		p.short++
	case p.short > 0:
		p.short--
	default:
		for i, l := range layouts[:len(layouts)-1] {
			if l == p.layout {
				p.layout = layouts[i+1]
				return p, true
			}
		}
		return p, false
	}
	return p, true
}
