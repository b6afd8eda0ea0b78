package gist

import (
	"strings"
)

// options change how much of a message counts as the author's.
type options struct {
	// keepQuoted keeps ">" lines (without the marker) and drops only attribution and
	// header lines: a HIT compilation often pastes the answers it collected as quotes.
	keepQuoted bool
	// forwarded keeps a forwarded message that has no text of the forwarder's above it
	// (an Outlook "FW:" whose body starts with the quoted header block).
	forwarded bool
}

// maxTrivialWords is how many words above a forwarded message still count as no text
// of the forwarder's own ("FYI", "See below."): the forwarded message is then kept,
// because it is what the post is about.
const maxTrivialWords = 4

// isQuoteLine reports a line quoted with ">" (after optional indentation), or with
// "|" as Gnus and supercite quote. Arrows used as decoration (">>> http://x.com <<<")
// and table rows ("| Title | Copies |") are not quoting.
func isQuoteLine(l string) bool {
	s := strings.TrimLeft(l, " \t\u00a0")
	switch {
	case strings.HasPrefix(s, ">"):
		return !strings.HasSuffix(s, "<<") || strings.HasPrefix(s, "> ")
	case s == "|":
		return true
	case strings.HasPrefix(s, "| ") || strings.HasPrefix(s, "|>"):
		return !strings.HasSuffix(s, "|")
	}
	return false
}

// markQuoted classifies each line as quoted or not. A short unquoted line between two
// quoted lines is quoted too: Outlook re-wraps long quoted lines and the wrapped
// remainder loses its ">" ("> ... pharetra d\nignissim odio?\n>").
func markQuoted(lines []string) []bool {
	q := make([]bool, len(lines))
	for i, l := range lines {
		q[i] = isQuoteLine(l)
	}
	for i := 1; i+1 < len(lines); i++ {
		if q[i] || !q[i-1] || isBlank(lines[i]) {
			continue
		}
		// Up to two wrapped lines before the quote resumes.
		j := i
		for j < len(lines) && j < i+2 && !q[j] && !isBlank(lines[j]) {
			j++
		}
		if j < len(lines) && q[j] && wrappedRemainder(lines[i-1], lines[i:j]) {
			for k := i; k < j; k++ {
				q[k] = true
			}
			i = j
		}
	}
	return q
}

// wrappedRemainder reports whether the unquoted lines look like the tail of the long
// quoted line before them, or like a link split off it.
func wrappedRemainder(prev string, rest []string) bool {
	for _, l := range rest {
		t := trim(l)
		if strings.HasSuffix(t, ">") || strings.HasPrefix(t, "(http") || strings.HasPrefix(t, "<http") ||
			!strings.ContainsAny(t, " \t") {
			continue
		}
		if len(prev) < 60 {
			return false
		}
	}
	return true
}

// unquote removes the leading ">" or "|" markers and the spaces after them.
func unquote(l string) string {
	return strings.TrimLeft(l, " \t\u00a0>|")
}

// isSupercite reports supercite's attribution, "* Name" straight above the quote.
func isSupercite(lines []string, quoted []bool, i int) bool {
	t := trim(lines[i])
	return strings.HasPrefix(t, "* ") && i+1 < len(lines) && quoted[i+1] && isNameLike(t[2:]) && words(t) <= 5
}

// stripQuotes returns the lines the author wrote, in order: quoted blocks, attribution
// lines and everything after a header block or "Original Message" line are removed.
// Text after a quoted block is kept (inline and bottom-posted replies).
func stripQuotes(lines []string, opt options) []string {
	quoted := markQuoted(lines)
	out := make([]string, 0, len(lines))
	// authored counts the words kept so far outside greetings, up to just past
	// maxTrivialWords: kept as a running count, since rescanning out at every
	// forward or header line would be quadratic.
	authored := 0
	keep := func(l string) {
		out = append(out, l)
		if authored <= maxTrivialWords && !isGreetingLine(l) {
			authored += words(l)
		}
	}
	for i := 0; i < len(lines); {
		l := lines[i]
		if quoted[i] {
			if opt.keepQuoted {
				keep(unquote(l))
			}
			i++
			continue
		}
		if isBlank(l) {
			out = append(out, l)
			i++
			continue
		}
		if isSupercite(lines, quoted, i) {
			i++
			continue
		}
		if span, col, ok := attributionAt(lines, quoted, i); ok {
			if col > 0 {
				if p := strings.TrimRight(l[:col], " -"); trim(p) != "" {
					keep(p)
				}
			}
			next := nextNonBlank(lines, i+span)
			if opt.keepQuoted || (next < len(lines) && quoted[next]) {
				// The quote that follows is dropped line by line; what comes after it
				// is the author's again.
				i += span
				continue
			}
			return out // the rest is the old message, not marked as quoted
		}
		trivial := authored <= maxTrivialWords
		if isForwardMarker(l) {
			if trivial {
				return append(out, lines[i:]...)
			}
			return out
		}
		// A HIT pastes the answers it collected, headers and all: only the header
		// lines go. A forward keeps what it forwards when it says nothing itself.
		keepOn := opt.keepQuoted || (opt.forwarded && trivial)
		if isOriginalMessage(l) {
			if keepOn {
				i++
				continue
			}
			return out
		}
		if end, ok := headerBlockAt(lines, i); ok {
			// "From: X\nDate: Y" over a ">" quote is an attribution: the author's
			// answer may follow the quote (old Usenet and Eudora style).
			next := nextNonBlank(lines, end)
			if (next < len(lines) && quoted[next]) || keepOn {
				i = end
				continue
			}
			return out
		}
		if isMobileSig(l) && !onlySignatureFollows(lines, i+1) {
			// A phone's signature ends what was typed; below it is the quoted message,
			// often without any marker (crisp's "Sent from my Wiko" case).
			return append(out, l)
		}
		keep(l)
		i++
	}
	return out
}

// onlySignatureFollows reports whether nothing but a short signature block follows
// lines[i:] (the name under "Sent from my iPad", a company line).
func onlySignatureFollows(lines []string, i int) bool {
	n := 0
	for ; i < len(lines); i++ {
		if isBlank(lines[i]) {
			continue
		}
		if n++; n > 6 || !idLine(lines[i]) {
			return false
		}
	}
	return true
}
