package categorize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxKeywordLen bounds list keywords; real ones are 3 to 6 letters.
const maxKeywordLen = 12

// subjectParts is a subject taken apart the way list readers read it.
type subjectParts struct {
	// Clean is the subject without reply/forward prefixes, list tags and level prefixes.
	Clean string
	// Keyword is the list keyword at the start of Clean, upper-case, "" if none.
	Keyword string
	// Rest is Clean without the keyword and its separator: what the post is about.
	Rest string
}

// replyPrefixes are the reply and forward markers seen on the lists, lower-case, in the
// languages of their members' mail clients.
var replyPrefixes = map[string]bool{
	"re": true, "aw": true, "sv": true, "vs": true, "r": true, "rif": true, "antw": true,
	"antwort": true, "odp": true, "tr": true, "fw": true, "fwd": true, "wg": true,
	"ref": true, "réf": true, "enc": true, "res": true, "rv": true, "ynt": true, "vá": true,
	"atb": true, "vl": true, "bls": true, "回复": true, "答复": true, "转发": true, "回覆": true,
	"轉寄": true, "返信": true, "転送": true,
}

// levelPrefixes are school-level prefixes ("ELEM : Booktalks") that some lists put before
// the keyword; they say nothing about the kind of post.
var levelPrefixes = map[string]bool{
	"elem": true, "elementary": true, "middle": true, "high": true, "primary": true,
	"secondary": true, "ms": true, "hs": true, "es": true,
}

// parseSubject strips prefixes and tags from s and finds the list keyword. isKeyword
// says which upper-case words are keywords of the taxonomy; a bracketed tag or a level
// prefix is only taken for a keyword when isKeyword accepts it.
func parseSubject(s string, isKeyword func(string) bool) subjectParts {
	s = stripPrefixes(s, isKeyword)
	p := subjectParts{Clean: s, Rest: s}
	if kw, rest, ok := leadingKeyword(s); ok && isKeyword(kw) {
		p.Keyword, p.Rest = kw, rest
	}
	return p
}

// stripPrefixes removes, repeatedly, reply prefixes ("Re:", "AW:", "R: R:", "Re[2]:"),
// list tags ("[aisle]") and level prefixes ("ELEM :") from the front of s. A bracketed
// keyword ("[JOBS] x") is rewritten as "JOBS: x" so that leadingKeyword finds it.
func stripPrefixes(s string, isKeyword func(string) bool) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if rest, ok := stripTag(s, isKeyword); ok {
			s = rest
			continue
		}
		if rest, ok := stripWordPrefix(s, replyPrefixes, true); ok {
			s = rest
			continue
		}
		if rest, ok := stripWordPrefix(s, levelPrefixes, false); ok {
			s = rest
			continue
		}
		return s
	}
}

// stripTag removes a leading "[tag]" or "(tag)". "[Fwd: x]" becomes "x".
func stripTag(s string, isKeyword func(string) bool) (string, bool) {
	if s == "" || (s[0] != '[' && s[0] != '(') {
		return s, false
	}
	closer := byte(']')
	if s[0] == '(' {
		closer = ')'
	}
	end := strings.IndexByte(s, closer)
	if end < 0 || end > 60 {
		return s, false
	}
	tag := strings.TrimSpace(s[1:end])
	rest := s[end+1:]
	if upper := strings.ToUpper(tag); validKeyword(tag) && isKeyword(upper) {
		return upper + ": " + strings.TrimLeftFunc(rest, unicode.IsSpace), true
	}
	if s[0] == '(' {
		// "(no subject)" or "(was: x)" at the front is not a tag worth stripping.
		return s, false
	}
	if fwd, ok := stripWordPrefix(tag, replyPrefixes, true); ok && closer == ']' {
		// "[Fwd: subject]": the forwarded subject is the subject.
		return fwd + rest, true
	}
	if strings.ContainsAny(tag, ":") {
		return s, false
	}
	return rest, true
}

// stripWordPrefix removes "word:" ("word [2]:", "word :") when word, lower-cased, is in
// set. Unless colon is set, any keyword separator will do ("ELEM -> x", "HIGH - x").
func stripWordPrefix(s string, set map[string]bool, colon bool) (string, bool) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += n
	}
	if i == 0 || i > 24 || !set[strings.ToLower(s[:i])] {
		return s, false
	}
	rest := strings.TrimLeft(s[i:], " \t")
	spaced := len(rest) < len(s[i:])
	if strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, "(") {
		// Counted prefixes: "Re[2]:", "AW(3):".
		if end := strings.IndexAny(rest, "])"); end > 0 && end <= 5 {
			rest = strings.TrimLeft(rest[end+1:], " \t")
		}
	}
	if colon {
		if strings.HasPrefix(rest, ":") {
			return rest[1:], true
		}
		if strings.HasPrefix(rest, "：") {
			return rest[len("："):], true
		}
		return s, false
	}
	if sep := separatorLen(rest, spaced); sep > 0 {
		return rest[sep:], true
	}
	return s, false
}

// separators are the keyword separators seen on the lists, longest first.
var separators = [...]string{"-->", "->", "=>", "–>", "—>", "::", ":", "：", "–", "—", "-", ">", "~"}

// separatorLen is the length of the keyword separator at the start of s, with the spaces
// after it, or 0. A bare dash only separates when there is a space on either side (looseDash
// says the caller saw one before it, or the word is in capitals): "Class-set of novels" and
// "High-interest books" are not keyword posts.
func separatorLen(s string, looseDash bool) int {
	for _, sep := range separators {
		if !strings.HasPrefix(s, sep) {
			continue
		}
		n := len(sep)
		for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
			n++
		}
		if isDash(sep) && !looseDash && n == len(sep) {
			return 0
		}
		return n
	}
	return 0
}

func isDash(sep string) bool { return sep == "-" || sep == "–" || sep == "—" }

// leadingKeyword reads a keyword candidate at the front of s: letters followed by a
// separator in any case ("Target: x", "HIT-> x", "TARGET - x"), or an all-capitals word
// followed by a space ("HIT Bullying websites"). It returns the word upper-cased.
func leadingKeyword(s string) (kw, rest string, ok bool) {
	i := 0
	upper := true
	for i < len(s) && i <= maxKeywordLen && isASCIILetter(s[i]) {
		upper = upper && s[i] <= 'Z'
		i++
	}
	if i < 2 || i > maxKeywordLen {
		return "", s, false
	}
	after := strings.TrimLeft(s[i:], " \t")
	if n := separatorLen(after, upper || len(after) < len(s[i:])); n > 0 {
		return strings.ToUpper(s[:i]), after[n:], true
	}
	if upper && len(after) < len(s[i:]) {
		return s[:i], after, true
	}
	return "", s, false
}
