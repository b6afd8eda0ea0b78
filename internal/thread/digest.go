package thread

import (
	"regexp"
	"slices"
	"strings"
)

// Digest subjects, matched on the normalised subject (lower case, list tags gone):
//
//	LISTSERV:  "lm_net digest - 3 mar 2026 (#2026-62)"
//	Mailman:   "oztl_net digest, vol 123, issue 4", "aisle digest, vol 5, issue 12"
//	Google:    "digest for list@googlegroups.com - 5 updates in 2 topics", "abridged summary of x"
//	groups.io: "digest #1234"
//
// "Reader's Digest back issues" matches none of them.
var digestPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^[\w.\-]+ digest - \d{1,2} [a-z]{3}`),
	regexp.MustCompile(`\bdigest,? vol(ume|\.)? *\d+,? *issue *\d+`),
	regexp.MustCompile(`^(digest for|abridged summary of) `),
	regexp.MustCompile(`\bdigest #\d+`),
}

// isDigestSubject reports whether a normalised subject is a list digest's.
func isDigestSubject(norm string) bool {
	if !strings.Contains(norm, "digest") && !strings.Contains(norm, "abridged") {
		return false
	}
	for _, re := range digestPatterns {
		if re.MatchString(norm) {
			return true
		}
	}
	return false
}

// digestName is how a Reason names the digest: "LM_NET Digest", "OZTL_NET Digest, Vol 123,
// Issue 4", from the subject as sent.
func digestName(subject string) string {
	s, _ := stripLead(foldSpace(subject))
	s = foldSpace(removeTags(s))
	if i := strings.Index(s, " - "); i > 0 {
		s = s[:i]
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// stripQuote removes quoting marks (">", "> >", "|") from the start of a line and reports
// whether there were any.
func stripQuote(line string) (string, bool) {
	t := strings.TrimLeft(line, " \t")
	quoted := false
	for t != "" && (t[0] == '>' || t[0] == '|') {
		t = strings.TrimLeft(t[1:], " \t")
		quoted = true
	}
	return t, quoted
}

// quotedSubjects returns the distinct normalised subjects of the "Subject: ..." lines in a
// reply to a digest (LISTSERV and Mailman digests head every item with one), in order,
// leaving out the digest's own subject.
func quotedSubjects(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		t, _ := stripQuote(line)
		if len(t) < 9 || !strings.EqualFold(t[:8], "subject:") {
			continue
		}
		norm := NormalizeSubject(t[8:])
		if isGeneric(norm) || isDigestSubject(norm) || slices.Contains(out, norm) {
			continue
		}
		out = append(out, norm)
	}
	return out
}

// Lines quoted from a digest are tried longest first; shorter lines are too common to
// identify a message ("Thanks so much!").
const (
	minQuotedLen   = 30
	minQuotedWords = 6
	maxQuotedTries = 3
)

// quotedLines returns the most distinctive lines a reply quotes, longest first: lines marked
// with ">" and lines after an attribution ("On ... wrote:", "-----Original Message-----").
// Header lines, footers and links are left out: every digest has them.
func quotedLines(text string) []string {
	var out []string
	afterAttribution := false
	for line := range strings.Lines(text) {
		t, quoted := stripQuote(line)
		t = foldSpace(t)
		if isAttribution(t) {
			afterAttribution = true
			continue
		}
		if (!quoted && !afterAttribution) || !distinctive(t) || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	if len(out) > maxQuotedTries {
		out = out[:maxQuotedTries]
	}
	return out
}

// isAttribution recognises the line a mail client writes above the text it quotes.
func isAttribution(t string) bool {
	l := strings.ToLower(t)
	return (strings.HasPrefix(l, "on ") && strings.HasSuffix(l, "wrote:")) ||
		strings.Contains(l, "original message") ||
		strings.HasSuffix(l, "a écrit :") || strings.HasSuffix(l, "schrieb:")
}

// boilerplate marks lines every digest carries, which identify nothing.
var boilerplate = []string{
	"http", "www.", "@", "digest", "unsubscribe", "signoff", "listserv", "mailman", "mailing list",
	"to post to", "topics of the day", "today's topics", "message:", "------", "______", "=====",
}

// distinctive reports whether a quoted line is long and specific enough to search for.
func distinctive(t string) bool {
	if len(t) < minQuotedLen || len(strings.Fields(t)) < minQuotedWords {
		return false
	}
	l := strings.ToLower(t)
	for _, h := range []string{"from:", "sent:", "to:", "cc:", "date:", "subject:"} {
		if strings.HasPrefix(l, h) {
			return false
		}
	}
	for _, b := range boilerplate {
		if strings.Contains(l, b) {
			return false
		}
	}
	return true
}

// foldText prepares text for quoted-line search: lower case, white space collapsed, so that a
// line matches whatever the line breaks around it.
func foldText(s string) string {
	return strings.ToLower(foldSpace(s))
}
