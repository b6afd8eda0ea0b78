package mailparse

import (
	"strings"
)

// footerWindow is how many lines from the end a footer may start: list footers are
// short, and a marker further up is quoted text, not this message's footer.
const footerWindow = 40

// splitFooter finds a list footer (Mailman, LISTSERV, Lyris, Google Groups,
// groups.io) starting in the last footerWindow lines of text and splits it off.
// only is true when nothing but whitespace precedes the footer; body is then empty.
// text must already be normalised (LF line ends, no trailing whitespace).
func splitFooter(text string) (body, footer string, only bool) {
	starts := lineStarts(text, footerWindow)
	lines := make([]string, len(starts))
	for i, s := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		lines[i] = strings.TrimSpace(text[s:end])
	}
	for i := range lines {
		if !footerStart(lines, i) {
			continue
		}
		// Take separator lines just above the marker ("=====", "-- ") with it.
		start := i
		for k := i - 1; k >= 0 && k >= i-4; k-- {
			if lines[k] == "" {
				continue
			}
			if !isSeparator(lines[k]) {
				break
			}
			start = k
		}
		off := starts[start]
		body = strings.TrimRight(text[:off], " \t\n")
		footer = strings.TrimSpace(text[off:])
		return body, footer, strings.TrimSpace(body) == ""
	}
	return text, "", false
}

// lineStarts returns the offsets of the last n lines of text (fewer if it is shorter),
// without splitting the whole text.
func lineStarts(text string, n int) []int {
	var offs []int
	end := len(text)
	for len(offs) < n {
		i := strings.LastIndexByte(text[:end], '\n')
		offs = append(offs, i+1)
		if i < 0 {
			break
		}
		end = i
	}
	// Reverse into reading order.
	for l, r := 0, len(offs)-1; l < r; l, r = l+1, r-1 {
		offs[l], offs[r] = offs[r], offs[l]
	}
	return offs
}

// footerStart reports whether lines[i] is where a known list footer begins.
func footerStart(lines []string, i int) bool {
	l := strings.ToLower(lines[i])
	switch {
	case l == "":
		return false
	case isRun(l, '_', 10):
		// Mailman: the separator, then list name, address, listinfo URL or
		// Mailman 3's "To unsubscribe send an email to".
		return nextLinesContain(lines, i, 5, "mailing list", "listinfo", "unsubscribe", "mailman", "@", "http")
	case isRun(l, '#', 10):
		// LISTSERV's web-era separator before "To unsubscribe from the X list".
		return nextLinesContain(lines, i, 3, "unsubscribe")
	case l == "--" || l == "---":
		return nextLinesContain(lines, i, 3, "you received this message because you are subscribed",
			"to unsubscribe from this group")
	case strings.HasPrefix(l, "-=-=-=-="):
		return nextLinesContain(lines, i, 3, "groups.io links")
	case strings.HasPrefix(l, "to unsubscribe from the ") && strings.Contains(l, " list"):
		// LISTSERV: "To unsubscribe from the LM_NET list, click the following link:".
		return true
	}
	for _, prefix := range footerPrefixes {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	for _, sub := range footerPhrases {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// footerPrefixes start a footer line (lower-case).
var footerPrefixes = []string{
	"to unsubscribe send an email to ",                                          // Mailman 3
	"you received this message because you are subscribed to the google groups", // Google Groups
	"groups.io links:",                 // groups.io
	"you are currently subscribed to ", // Lyris ListManager
}

// footerPhrases mark a footer line anywhere in it (lower-case).
var footerPhrases = []string{
	"postings are protected by copyright law", // LM_NET: "All LM_NET postings are protected ..."
	"(or set nomail or digest)",               // LISTSERV: "To quit LM_NET (or set NOMAIL or DIGEST) ..."
}

// footerHints mark a short separate text part as a list footer (lower-case).
var footerHints = []string{
	"listinfo", "mailing list", "to unsubscribe", "unsubscribe:", "-leave@", "signoff ",
	"you received this message because you are subscribed", "groups.io links",
	"postings are protected by copyright law",
}

// looksLikeFooterPart reports whether a whole text part is a list footer: Mailman
// adds its footer as a separate text/plain part beside HTML bodies, and list owners
// often replace the default footer (and its "____" separator) with their own text.
func looksLikeFooterPart(text string) bool {
	if _, _, only := splitFooter(text); only {
		return true
	}
	if strings.Count(text, "\n") > 20 {
		return false
	}
	low := strings.ToLower(text)
	for _, h := range footerHints {
		if strings.Contains(low, h) {
			return true
		}
	}
	return false
}

// nextLinesContain reports whether one of the n lines after i contains one of subs.
func nextLinesContain(lines []string, i, n int, subs ...string) bool {
	for k := i + 1; k < len(lines) && k <= i+n; k++ {
		l := strings.ToLower(lines[k])
		for _, s := range subs {
			if strings.Contains(l, s) {
				return true
			}
		}
	}
	return false
}

// isRun reports whether s is at least n repetitions of c and nothing else.
func isRun(s string, c byte, n int) bool {
	if len(s) < n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			return false
		}
	}
	return true
}

// isSeparator reports a line made only of separator punctuation ("=====", "--").
func isSeparator(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("-_=#*~+", rune(s[i])) {
			return false
		}
	}
	return true
}
