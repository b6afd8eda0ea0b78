package thread

import (
	"strings"
	"unicode"
)

// stopWords carry no topic: function words, request politeness ("please", "tia"), and the
// words a HIT adds to the request it answers ("compiled", "responses", "thanks").
var stopWords = set(
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
	"of", "on", "or", "the", "to", "with", "about", "any", "our", "my", "your", "we", "i",
	"re", "fwd", "fw", "target", "hit", "hits", "request", "requests", "help", "please",
	"urgent", "asap", "tia", "thanks", "thank", "you", "all", "everyone", "again", "compiled",
	"compilation", "summary", "responses", "response", "replies", "results", "final", "long",
	"list", "here", "need", "needed", "looking", "ideas", "suggestions", "recommendations",
	"query", "question", "wanted",
)

// months and their abbreviations: a request's date ("- March 2026") is not its topic.
var months = set(
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// topicTokens returns the words that carry the topic of a subject (keyword and prefixes
// already removed): lower case, punctuation dropped, stop words, month names and years or
// day numbers dropped, a plural "s" removed so "books" meets "book". Other numbers stay:
// "Year 5" and "Year 7" are different requests.
func topicTokens(s string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := make(map[string]bool, len(words))
	for _, w := range words {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !stopWords[w] {
			w = w[:len(w)-1]
		}
		if stopWords[w] || months[w] || isDateNumber(w) {
			continue
		}
		out[w] = true
	}
	return out
}

// isDateNumber reports whether w is a year (1990–2099) or a day of month written with a
// suffix ("3rd"); plain small numbers are kept because grades and year levels are topics.
func isDateNumber(w string) bool {
	if len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) && allDigits(w) {
		return true
	}
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if d, ok := strings.CutSuffix(w, suf); ok && d != "" && len(d) <= 2 && allDigits(d) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// overlap measures how much two token sets share: Jaccard (shared over all) and containment
// (shared over the smaller set, so a short HIT restating part of a long request still scores).
// Containment counts a one-word set as two words: one shared word proves little.
func overlap(a, b map[string]bool) (jaccard, containment float64, shared int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0, 0
	}
	for w := range a {
		if b[w] {
			shared++
		}
	}
	union := len(a) + len(b) - shared
	return float64(shared) / float64(union), float64(shared) / float64(max(min(len(a), len(b)), 2)), shared
}

// numbersDisagree reports whether both token sets hold numbers and share none: "Year 5" and
// "Year 7" are different requests however alike the rest.
func numbersDisagree(a, b map[string]bool) bool {
	na, nb, shared := 0, 0, 0
	for w := range a {
		if allDigits(w) {
			na++
			if b[w] {
				shared++
			}
		}
	}
	for w := range b {
		if allDigits(w) {
			nb++
		}
	}
	return na > 0 && nb > 0 && shared == 0
}

// textScore combines Jaccard and containment into one similarity in [0, 1].
func textScore(a, b map[string]bool) float64 {
	j, c, _ := overlap(a, b)
	return (j + c) / 2
}

// similarTopic is the threshold above which two subjects are the same topic for the gap rule
// and the Thread-Topic check; "clearly different" is below it.
const similarTopic = 0.45

// sameTopic reports whether two normalised subjects are about the same thing. An empty
// subject says nothing and counts as the same.
func sameTopic(a, b string) bool {
	if a == "" || b == "" || a == b {
		return true
	}
	_, ra := keywordOf(a)
	_, rb := keywordOf(b)
	if ra == "" {
		ra = a
	}
	if rb == "" {
		rb = b
	}
	ta, tb := topicTokens(ra), topicTokens(rb)
	if len(ta) == 0 || len(tb) == 0 {
		return true
	}
	return textScore(ta, tb) >= similarTopic
}
