package digest

import (
	"strings"
	"unicode"
)

// DefaultBudgetWords is the word budget when Reader.BudgetWords is not set: two minutes of
// reading at 238 words per minute (Brysbaert 2019).
const DefaultBudgetWords = 476

// linkPrefixes start the tokens CountWords does not count: a link is read as one target, not
// as words, and budgeting it as words would punish every reply link.
var linkPrefixes = []string{"http://", "https://", "www.", "mailto:"}

// CountWords counts whitespace-separated tokens that contain a letter or a digit, not counting
// links: tokens starting with http://, https://, www. or mailto: (case-insensitive, after any
// opening punctuation such as "<" or "("). Punctuation alone ("-", "—") and emoji alone are not
// words; "+6" and "2.1" are.
func CountWords(s string) int {
	n := 0
	for tok := range strings.FieldsSeq(s) {
		if isWord(tok) {
			n++
		}
	}
	return n
}

// isWord reports whether one token counts as a word.
func isWord(tok string) bool {
	start := -1
	for i, r := range tok {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			start = i
			break
		}
	}
	if start < 0 {
		return false
	}
	return !isLink(strings.TrimLeftFunc(tok, isOpening))
}

// isOpening reports whether r is punctuation that may open a link token ("<https://…>").
func isOpening(r rune) bool {
	return strings.ContainsRune(`<(["'`, r)
}

// isLink reports whether tok starts with one of linkPrefixes.
func isLink(tok string) bool {
	for _, p := range linkPrefixes {
		if len(tok) >= len(p) && strings.EqualFold(tok[:len(p)], p) {
			return true
		}
	}
	return false
}
