package thread

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Summary describes a thread by its opening message, for TARGET/HIT linking.
type Summary struct {
	Thread  int64
	Subject string // as sent, keyword included ("TARGET-> Bullying websites")
	From    string // author address, lower-case
	Lists   []string
	FirstAt time.Time
}

// HIT linking thresholds. A HIT restates its request, usually in other words ("HIT: resilience
// novels for Year 5 (compiled)" for "TARGET-> Year 5 books on resilience"), so the bar is
// moderate for the asker, higher when someone else posts the HIT.
const (
	hitWindow      = 90 * day
	hitMinScore    = 0.6  // text similarity needed from another author
	hitMinSameAuth = 0.3  // text similarity needed when the asker posts the HIT
	hitAuthorBonus = 0.25 // same author: the asker compiles the answers
	hitMonthBonus  = 0.1  // both name the same month ("- March 2026"): the HIT restates the title
)

// LinkHit finds the TARGET thread a HIT answers among candidate TARGET threads. A candidate
// qualifies when its subject keyword is TARGET, it opened within 90 days before the HIT, it
// shares a list with the HIT (when both name lists), and the numbers in the two subjects (year
// levels, grades) are not disjoint. Its similarity is the topic overlap of the two subjects
// after the keyword (mean of Jaccard and containment over words, ignoring case, punctuation,
// stop words and dates such as "- March 2026"); it must reach 0.6, or 0.3 when the same person
// posted both (the asker compiles the answers). The score adds 0.25 for the same author and
// 0.1 when both subjects name the same month; the best score wins and equal scores go to the
// TARGET nearer in time. ok is false when hit is not a HIT or nothing qualifies; reason
// explains the link for a person.
func LinkHit(hit Summary, targets []Summary) (target int64, score float64, reason string, ok bool) {
	kw, rest := Keyword(hit.Subject)
	if kw != "HIT" {
		return 0, 0, "", false
	}
	hitTokens := topicTokens(rest)
	if len(hitTokens) == 0 {
		return 0, 0, "", false
	}
	var best *hitMatch
	for _, t := range targets {
		m, qualifies := matchHit(hit, hitTokens, t)
		if qualifies && (best == nil || m.better(*best)) {
			best = &m
		}
	}
	if best == nil {
		return 0, 0, "", false
	}
	return best.target.Thread, best.score, best.reason(hit), true
}

// hitMatch is one TARGET scored against a HIT.
type hitMatch struct {
	target     Summary
	text       float64
	score      float64
	shared     int
	of         int
	sameAuthor bool
	sameMonth  bool
}

// matchHit scores t against the HIT and reports whether it passes the rules.
func matchHit(hit Summary, hitTokens map[string]bool, t Summary) (hitMatch, bool) {
	kw, rest := Keyword(t.Subject)
	if kw != "TARGET" || t.FirstAt.After(hit.FirstAt) || hit.FirstAt.Sub(t.FirstAt) > hitWindow {
		return hitMatch{}, false
	}
	if len(hit.Lists) > 0 && len(t.Lists) > 0 && !slices.ContainsFunc(hit.Lists, func(l string) bool { return slices.Contains(t.Lists, l) }) {
		return hitMatch{}, false
	}
	tt := topicTokens(rest)
	if numbersDisagree(hitTokens, tt) {
		return hitMatch{}, false
	}
	_, _, shared := overlap(hitTokens, tt)
	m := hitMatch{target: t, text: textScore(hitTokens, tt), shared: shared, of: len(tt),
		sameAuthor: hit.From != "" && strings.EqualFold(hit.From, t.From)}
	m.score = m.text
	need := hitMinScore
	if m.sameAuthor {
		m.score += hitAuthorBonus
		need = hitMinSameAuth
	}
	if m.sameMonth = sameMonth(hit.Subject, t.Subject); m.sameMonth {
		m.score += hitMonthBonus
	}
	return m, m.text >= need
}

// sameMonth reports whether both subjects name a month and share one: LM_NET requests carry
// their date ("TARGET-> Bullying websites - January 2011") and the HIT restates it.
func sameMonth(a, b string) bool {
	ma, mb := monthsIn(a), monthsIn(b)
	for m := range ma {
		if mb[m] {
			return true
		}
	}
	return false
}

// monthsIn returns the full month names a subject mentions (abbreviations are too often
// words: "may", "mar").
func monthsIn(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if fullMonths[w] {
			out[w] = true
		}
	}
	return out
}

var fullMonths = set("january", "february", "march", "april", "june", "july", "august", "september",
	"october", "november", "december")

// better orders matches: higher score, then the TARGET nearer in time, then the lower thread
// number for determinism.
func (m hitMatch) better(o hitMatch) bool {
	const eps = 1e-9
	switch {
	case m.score > o.score+eps:
		return true
	case m.score < o.score-eps:
		return false
	case !m.target.FirstAt.Equal(o.target.FirstAt):
		return m.target.FirstAt.After(o.target.FirstAt)
	}
	return m.target.Thread < o.target.Thread
}

func (m hitMatch) reason(hit Summary) string {
	who := "another member"
	if m.sameAuthor {
		who = "the same author"
	}
	return fmt.Sprintf("HIT %q restates TARGET %q (%d of its %d topic words), posted by %s %s",
		hit.Subject, m.target.Subject, m.shared, m.of, who, ago(hit.FirstAt, m.target.FirstAt))
}
