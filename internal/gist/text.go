package gist

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitLines normalises line ends (CRLF and lone CR become LF), repairs invalid UTF-8
// and splits text into lines without their line ends. Trailing whitespace is dropped
// from every line: mailers pad lines with spaces and tabs (Hotmail, format=flowed),
// and nothing downstream gives it meaning.
func splitLines(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return lines
}

// joinLines is the inverse of splitLines for a kept range: it drops blank lines at both
// ends and collapses runs of blank lines to one, so output is stable for comparisons.
func joinLines(lines []string) string {
	var b strings.Builder
	blank := false
	for _, l := range lines {
		if isBlank(l) {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteString("\n\n")
		} else if b.Len() > 0 {
			b.WriteByte('\n')
		}
		blank = false
		b.WriteString(l)
	}
	return b.String()
}

// trim is strings.TrimSpace plus the no-break and zero-width spaces that Outlook and
// phones put around header keys ("Objet\u00a0:") and at line starts.
func trim(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// isSpace reports Unicode white space and the zero-width characters mail clients use
// as invisible padding.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u200e' || r == '\u200f'
}

// isBlank reports a line with nothing visible on it.
func isBlank(s string) bool {
	return trim(s) == ""
}

// lower is strings.ToLower; named for brevity in the many keyword checks.
func lower(s string) string { return strings.ToLower(s) }

// firstNonBlank returns the index of the first non-blank line, or len(lines).
func firstNonBlank(lines []string) int {
	for i, l := range lines {
		if !isBlank(l) {
			return i
		}
	}
	return len(lines)
}

// lastNonBlank returns the index of the last non-blank line, or -1.
func lastNonBlank(lines []string) int {
	for i := len(lines) - 1; i >= 0; i-- {
		if !isBlank(lines[i]) {
			return i
		}
	}
	return -1
}

// nextNonBlank returns the index of the first non-blank line at or after i, or len(lines).
func nextNonBlank(lines []string, i int) int {
	for i < len(lines) && isBlank(lines[i]) {
		i++
	}
	return i
}

// prevNonBlank returns the index of the last non-blank line before i, or -1.
func prevNonBlank(lines []string, i int) int {
	for i--; i >= 0 && isBlank(lines[i]); i-- {
	}
	return i
}

// isSeparator reports a line made only of rule characters ("-----", "_____", "=====",
// "—————"), at least three of them: signatures, footers and Outlook quote headers
// hang below such rules.
func isSeparator(s string) bool {
	s = trim(s)
	n := 0
	for _, r := range s {
		switch r {
		case '-', '_', '=', '*', '~', '#', '+', '—', '–', '─', '•', ' ':
		default:
			return false
		}
		if r != ' ' {
			n++
		}
	}
	return n >= 3
}

// words returns the number of space-separated words in s.
func words(s string) int {
	n := 0
	in := false
	for _, r := range s {
		if isSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// lastRune returns the last rune of s, or 0.
func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	if r == utf8.RuneError {
		return 0
	}
	return r
}

// firstRune returns the first rune of s, or 0.
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return 0
	}
	return r
}

// hasEmail reports whether s contains something shaped like an e-mail address:
// a local part, "@", and a dotted domain.
func hasEmail(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if i > 0 && isAddrByte(s[i-1]) && dottedAfter(s[i+1:]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '@')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// hasAddress is hasEmail plus the archive-obfuscated form "jane at example.com" that
// pipermail writes into attributions it republishes.
func hasAddress(s string) bool {
	if hasEmail(s) {
		return true
	}
	for off := 0; ; {
		i := strings.Index(s[off:], " at ")
		if i < 0 {
			return false
		}
		i += off
		if i > 0 && isAddrByte(s[i-1]) && s[i-1] != '.' && dottedAfter(s[i+4:]) {
			return true
		}
		off = i + 1
	}
}

// isAddrByte reports a byte that can end the local part of an address.
func isAddrByte(c byte) bool {
	return c >= 0x80 || c == '.' || c == '_' || c == '-' || c == '+' || c == '\'' ||
		('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// dottedAfter reports whether s starts with a domain containing a dot (x.y).
func dottedAfter(s string) bool {
	dot, n := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if n == 0 {
				return false
			}
			dot = true
		case c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= 0x80:
			n++
		default:
			return dot && n > 1
		}
	}
	return dot && n > 1
}

// hasURL reports a web address: a scheme or a "www." host.
func hasURL(s string) bool {
	return containsFold(s, "http://") || containsFold(s, "https://") || containsFold(s, "www.")
}

// hasPhone reports a run of at least seven digits written as a phone number: digits
// with spaces, dots, dashes, parentheses or a leading plus between them.
func hasPhone(s string) bool {
	digits, run := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
			run = 0
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/':
			run++
			if run > 2 {
				digits, run = 0, 0
			}
		default:
			if digits >= 7 {
				return true
			}
			digits, run = 0, 0
		}
		if digits >= 9 {
			return true
		}
	}
	return digits >= 7
}

// hasDigit reports whether s contains an ASCII digit.
func hasDigit(s string) bool {
	return strings.IndexAny(s, "0123456789") >= 0
}

// hasDateish reports a token that only dates and times have: a clock (10:07), a year
// (2011), or a numeric date (04/19, 13.12., 2014-10). Attribution lines always carry
// one, prose that merely starts with "On" rarely does.
func hasDateish(s string) bool {
	n := 0 // length of the current digit run
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' {
			n++
			if n == 4 {
				return true
			}
			continue
		}
		if n > 0 && (c == ':' || c == '/' || c == '.' || c == '-') && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9' {
			return true
		}
		n = 0
	}
	return false
}

// containsFold reports whether s contains sub, ignoring ASCII case, without
// allocating; sub must be lower-case. Non-ASCII bytes must match exactly, which is
// right for the lower-case accented letters of the phrases searched for.
func containsFold(s, sub string) bool {
	return indexFold(s, sub) >= 0
}

// indexFold is strings.Index ignoring ASCII case (sub lower-case). The offset is in s
// itself: offsets found in a lower-cased copy can be wrong, because lower-casing
// changes the byte length of some characters.
func indexFold(s, sub string) int {
	if sub == "" {
		return 0
	}
	c := sub[0]
	up := c
	if 'a' <= c && c <= 'z' {
		up = c - 'a' + 'A'
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if (s[i] == c || s[i] == up) && equalFoldASCII(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// equalFoldASCII reports whether s equals the lower-case sub, ignoring ASCII case.
func equalFoldASCII(s, sub string) bool {
	for j := 0; j < len(sub); j++ {
		b := s[j]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != sub[j] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// hasSuffixFold reports whether s ends with suffix, ignoring case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// containsWord reports whether the lower-case text l contains w as a whole word (w may
// contain spaces); letters on either side make it a different word.
func containsWord(l, w string) bool {
	for off := 0; ; {
		i := strings.Index(l[off:], w)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(l[:i])
		after, _ := utf8.DecodeRuneInString(l[i+len(w):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		off = i + 1
	}
}

// isWordRune reports letters and digits; RuneError (start or end of string) is not one.
func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// endsSentence reports whether s ends like a sentence (. ! ? or an ellipsis), not
// like an initial or abbreviation ("Jane S.", "Ph.D.") that names and titles end with.
func endsSentence(s string) bool {
	s = strings.TrimRight(trim(s), "\"')]”’")
	switch lastRune(s) {
	case '!', '?', '…':
		return true
	case '.':
		f := strings.Fields(s)
		last := strings.TrimSuffix(f[len(f)-1], ".")
		if strings.Contains(last, ".") { // Ph.D., U.S.
			return false
		}
		return utf8.RuneCountInString(last) > 2 || strings.HasSuffix(s, "..")
	}
	return false
}
