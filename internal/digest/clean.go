package digest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Caps on mail-derived fields. A digest line is a pointer to the thread, not the thread: a
// 10,000-character gist or a subject pasted with a whole message must not eat the budget
// of the items after it.
const (
	maxSubjectWords, maxSubjectRunes = 20, 160
	maxGistWords, maxGistRunes       = 40, 280
	maxNameWords, maxNameRunes       = 8, 80
	maxListRunes                     = 40
	maxReplySubjectRunes             = 250 // of the subject carried in a reply link
)

// ellipsis marks text that was cut.
const ellipsis = "…"

// clean makes one line of mail-derived text safe to show: invalid UTF-8 is replaced, control
// characters and line breaks become spaces, bidi embeddings, overrides and isolates are
// removed (they would reorder the digest text around the field), whitespace runs fold to one
// space, and at most maxWords words and maxRunes runes are kept, ending in "…" when cut.
func clean(s string, maxWords, maxRunes int) string {
	var b strings.Builder
	b.Grow(min(len(s), 4*maxRunes+8))
	space := false
	runes := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case isBidiControl(r) || r == '\uFEFF':
			continue
		}
		if space {
			b.WriteByte(' ')
			runes++
			space = false
		}
		b.WriteRune(r)
		runes++
		if runes > 2*maxRunes { // far enough: the rest would be cut anyway
			break
		}
	}
	return truncate(b.String(), maxWords, maxRunes)
}

// isBidiControl reports the explicit directional formatting characters (LRE, RLE, PDF, LRO,
// RLO, LRI, RLI, FSI, PDI). The implicit marks (LRM, RLM, ALM) only affect their neighbours
// and are kept.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// truncate keeps at most maxWords space-separated words and maxRunes runes of s (already
// folded to single spaces), cutting at a space when one is near and adding "…".
func truncate(s string, maxWords, maxRunes int) string {
	cut := false
	if n := 0; maxWords > 0 {
		for i := 0; i < len(s); i++ {
			if s[i] == ' ' {
				if n++; n == maxWords {
					s, cut = s[:i], true
					break
				}
			}
		}
	}
	if utf8.RuneCountInString(s) > maxRunes {
		end, n := len(s), 0
		for i := range s {
			if n == maxRunes-1 { // room for the ellipsis
				end = i
				break
			}
			n++
		}
		// Cut at the last space if it keeps most of the text; a single huge token is cut
		// mid-token, at a rune boundary.
		if sp := strings.LastIndexByte(s[:end], ' '); sp > end/2 {
			end = sp
		}
		s, cut = s[:end], true
	}
	if cut {
		s = strings.TrimRight(s, " ,;:-") + ellipsis
	}
	return s
}

// isolate wraps text holding right-to-left script in FSI … PDI, so that a Hebrew subject
// followed by " (Name)" keeps the parenthesis where the digest put it. Left-to-right text is
// returned as is: the marks would only add noise.
func isolate(s string) string {
	for _, r := range s {
		if isRTL(r) {
			return "\u2068" + s + "\u2069"
		}
	}
	return s
}

// isRTL reports letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko,
// Samaritan, Mandaic and their presentation forms, and the historic RTL planes).
func isRTL(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF) || (r >= 0xFB1D && r <= 0xFDFF) ||
		(r >= 0xFE70 && r <= 0xFEFE) || (r >= 0x10800 && r <= 0x10FFF) ||
		(r >= 0x1E800 && r <= 0x1EFFF)
}

// freeMail are mail domains that say nothing about where someone works, so a digest does not
// show them as the author's place.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "hotmail.com": true, "outlook.com": true,
	"live.com": true, "yahoo.com": true, "yahoo.com.au": true, "icloud.com": true,
	"me.com": true, "aol.com": true, "bigpond.com": true, "bigpond.net.au": true,
	"optusnet.com.au": true, "proton.me": true, "protonmail.com": true,
}

// placeDomain is the domain of addr when it says where the author works, else "".
func placeDomain(addr string) string {
	_, dom, ok := strings.Cut(addr, "@")
	dom = strings.ToLower(strings.TrimSpace(dom))
	if !ok || dom == "" || freeMail[dom] || strings.ContainsAny(dom, "@ <>") {
		return ""
	}
	return clean(dom, 1, maxNameRunes)
}
