package thread

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// prefix is one reply or forward marker as mail clients write it before a colon.
type prefix struct {
	word  string
	reply bool // false: a forward marker
}

// prefixes are the reply and forward markers of mail clients in the languages seen on
// school-library lists, tried longest first so that multi-word auto-reply markers win over
// shorter words. Each is matched case-insensitively and must be followed (after an optional
// counter such as "[2]") by ":" or "：". Polish "PD:" (forward) is left out on purpose: on these
// lists "PD: ..." means professional development.
var prefixes = sortedPrefixes([]prefix{
	// Replies.
	{"re", true}, {"aw", true}, {"sv", true}, {"r", true}, {"antw", true}, {"odp", true},
	{"vs", true}, {"rif", true}, {"ynt", true}, {"res", true}, {"rép", true}, {"réf", true},
	{"vá", true}, {"atb", true}, {"ats", true}, {"отв", true}, {"ответ", true}, {"απ", true},
	{"σχετ", true}, {"השב", true}, {"회신", true}, {"답장", true}, {"回复", true}, {"答复", true},
	{"回覆", true}, {"返信", true},
	// Out-of-office replies: they answer the message they quote.
	{"automatic reply", true}, {"autoreply", true}, {"auto-reply", true},
	{"out of office autoreply", true}, {"réponse automatique", true},
	{"automatische antwort", true}, {"abwesenheitsnotiz", true},
	// Forwards.
	{"fwd", false}, {"fw", false}, {"tr", false}, {"wg", false}, {"enc", false}, {"rv", false},
	{"doorst", false}, {"vb", false}, {"vl", false}, {"ilt", false},
	{"İlt", false}, {"fs", false}, {"πρθ", false}, {"הועבר", false}, {"전달", false},
	{"转发", false}, {"轉發", false}, {"转寄", false}, {"轉寄", false}, {"転送", false},
})

func sortedPrefixes(ps []prefix) []prefix {
	// Insertion sort by length, longest first: the list is tiny and built once.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && len(ps[j].word) > len(ps[j-1].word); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// lead is what stripLead found in front of a subject.
type lead struct {
	reply   bool // a reply prefix was seen
	forward bool // a forward prefix or "[Fwd: ...]" wrapper was seen
}

// stripLead removes list tags, reply and forward prefixes (stacked, in any order) and a
// "[Fwd: x]" wrapper from the start of s.
func stripLead(s string) (string, lead) {
	var l lead
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if rest, ok := cutTag(s); ok {
			s = rest
			continue
		}
		if inner, ok := cutFwdWrapper(s); ok {
			s, l.forward = inner, true
			continue
		}
		rest, p, ok := cutPrefix(s)
		if !ok {
			return s, l
		}
		s = rest
		if p.reply {
			l.reply = true
		} else {
			l.forward = true
		}
	}
}

// cutTag removes a leading list tag such as "[aisle]", "[OZTL_NET]" or "[ISLMA-Share]".
func cutTag(s string) (string, bool) {
	if !strings.HasPrefix(s, "[") {
		return s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 || !isTag(s[1:end]) {
		return s, false
	}
	return s[end+1:], true
}

// isTag reports whether the text between brackets looks like a list name: one word of letters,
// digits, "_", "-" or "." containing a letter. "[PATCH 1/2]" and "[Fwd: x]" are not tags.
func isTag(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r) || r == '_' || r == '-' || r == '.':
		default:
			return false
		}
	}
	return letter
}

// cutFwdWrapper turns "[Fwd: x]" (the whole subject) into x, as old Netscape and Mailman
// forwards wrote it.
func cutFwdWrapper(s string) (string, bool) {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return s, false
	}
	inner := s[1 : len(s)-1]
	rest, p, ok := cutPrefix(inner)
	if !ok || p.reply {
		return s, false
	}
	return rest, true
}

// cutPrefix removes one reply or forward prefix: the word, an optional counter ("[2]", "(2)",
// "^2"), optional spaces, then ":" or "：". A following space is not required ("Re:x").
func cutPrefix(s string) (string, prefix, bool) {
	for _, p := range prefixes {
		if len(s) < len(p.word) || !strings.EqualFold(s[:len(p.word)], p.word) {
			continue
		}
		if rest, ok := cutColon(s[len(p.word):]); ok {
			return rest, p, true
		}
	}
	return s, prefix{}, false
}

// cutColon accepts what may follow a prefix word up to and including its colon.
func cutColon(s string) (string, bool) {
	s = skipCounter(strings.TrimLeft(s, " \t"))
	s = strings.TrimLeft(s, " \t")
	if rest, ok := strings.CutPrefix(s, ":"); ok {
		return rest, true
	}
	if rest, ok := strings.CutPrefix(s, "："); ok {
		return rest, true
	}
	return s, false
}

// skipCounter drops a reply counter: "[2]", "(2)" or "^2" (The Bat!, Eudora, old Pine).
func skipCounter(s string) string {
	if s == "" {
		return s
	}
	var closer byte
	switch s[0] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '^':
	default:
		return s
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 1 {
		return s
	}
	if closer == 0 {
		return s[i:]
	}
	if i < len(s) && s[i] == closer {
		return s[i+1:]
	}
	return s
}

// removeTags drops list tags wherever they stand ("Library plans [aisle]").
func removeTags(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest, ok := cutTag(s[i:])
		if ok {
			b.WriteByte(' ')
			s = rest
			continue
		}
		b.WriteByte('[')
		s = s[i+1:]
	}
}

// wasMarkers open the old-subject note of a renamed thread, in the languages seen on the lists.
var wasMarkers = []string{"was", "war", "var", "era", "était"}

// stripWas turns "New topic (was: Old topic)" into "New topic": the new part is the topic now.
func stripWas(s string) string {
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		// Case folding changed byte offsets (rare scripts): leave the subject alone.
		return s
	}
	for _, open := range []string{"(", "["} {
		for _, w := range wasMarkers {
			i := strings.LastIndex(lower, open+w)
			if i <= 0 {
				continue
			}
			after := lower[i+1+len(w):]
			if after == "" || (after[0] != ':' && after[0] != ' ') {
				continue
			}
			if head := strings.TrimSpace(s[:i]); head != "" {
				return head
			}
		}
	}
	return s
}

// stripFwdSuffix drops Pine's " (fwd)" marker at the end of a forwarded subject.
func stripFwdSuffix(s string) string {
	t := strings.TrimRightFunc(s, unicode.IsSpace)
	if len(t) >= 5 && strings.EqualFold(t[len(t)-5:], "(fwd)") {
		return t[:len(t)-5]
	}
	return s
}

// foldSpace collapses runs of white space into one space and trims the ends.
func foldSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// trailingPunct is dropped from the end of a normalised subject: "Overdue fines?" and
// "Overdue fines" are one topic.
const trailingPunct = ".,;:!?…-–—~ "

// NormalizeSubject returns the grouping key of a subject: reply and forward prefixes in many
// languages and stacked ("RE: AW: Re[2]: x", "Re:x", "回复：x") removed, list tags removed
// wherever they stand ("[aisle]", "[OZTL_NET]", "[ISLMA-Share]"), "[Fwd: x]" unwrapped,
// "x (was: y)" reduced to x, a subject keyword written one way ("TARGET-> x", "Target - x" and
// "TARGET: x" all become "target: x"), white space and case folded, and trailing punctuation
// dropped. Two subjects with the same key are the same topic; an empty key means no topic.
func NormalizeSubject(s string) string {
	if !utf8.ValidString(s) {
		// Repair first: strings.ToLower below would turn each bad byte into U+FFFD, changing
		// byte offsets after stripWas had to give up on them, so normalising the result again
		// gave another key (found by FuzzNormalizeSubject).
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = foldSpace(s)
	s, _ = stripLead(s)
	// "(was: ...)" goes before " (fwd)": in "x (fwd) (was: y)" the marker is only at the end
	// once the note is gone, and stripped the other way round it stayed in the key, so the
	// key normalised again gave "x" (found with FuzzNormalizeSubject's idempotence check).
	s = stripFwdSuffix(stripWas(removeTags(s)))
	s, _ = stripLead(foldSpace(s))
	if kw, rest := keywordOf(s); kw != "" {
		s = kw + ": " + rest
	}
	s = foldSpace(strings.ToLower(s))
	return strings.TrimRight(s, trailingPunct)
}

// IsReply reports whether subject carries a reply prefix, in any language and anywhere in a
// stack of prefixes and list tags ("[aisle] FW: RE: x" is a reply). Forward prefixes alone
// ("Fwd: x") are not: a forward to a list starts a new conversation.
func IsReply(subject string) bool {
	_, l := stripLead(foldSpace(subject))
	return l.reply
}

// keywords are the subject keywords of LM_NET, OZTL_NET and the level lists.
var keywords = []string{"TARGET", "HITS", "HIT", "GEN", "TECH", "JOBS", "JOB", "INTRO", "CLASS", "ELEM", "MIDDLE", "HIGH"}

// Keyword returns the subject keyword ("TARGET", "HIT", "GEN", "TECH", "JOBS", "INTRO",
// "CLASS", "ELEM", "MIDDLE", "HIGH"; "" when there is none) and the subject after it. The
// keyword is recognised after list tags and reply prefixes ("Re: [aisle] TARGET: x"), in any
// case, followed by "->", "-->", ">", "=>", ":" or "-": "TARGET->", "Target-->", "HIT:",
// "TARGET -". Without such a separator a leading word is ordinary text ("High school").
// Keyword does not say whether the subject is a reply: callers that want a HIT post, not an
// answer to one, also check IsReply.
func Keyword(subject string) (kw, rest string) {
	s, _ := stripLead(foldSpace(subject))
	return keywordOf(s)
}

// keywordOf matches a keyword at the very start of s (prefixes already stripped).
func keywordOf(s string) (kw, rest string) {
	for _, k := range keywords {
		if len(s) <= len(k) || !strings.EqualFold(s[:len(k)], k) {
			continue
		}
		after, ok := cutSeparator(s[len(k):])
		if !ok {
			continue
		}
		switch k {
		case "HITS":
			k = "HIT"
		case "JOB":
			k = "JOBS"
		}
		return k, strings.TrimSpace(after)
	}
	return "", ""
}

// cutSeparator accepts the separator written after a keyword: "->", "-->", ">", "=>", ":",
// "-" (or a dash), with optional spaces around it. A dash glued to the next word
// ("Target-audience") is a hyphen, not a separator.
func cutSeparator(s string) (string, bool) {
	t := strings.TrimLeft(s, " \t")
	spaced := len(t) < len(s)
	switch {
	case t == "":
		return s, false
	case strings.HasPrefix(t, "=>"):
		return t[2:], true
	case t[0] == ':' || t[0] == '>':
		return t[1:], true
	case strings.HasPrefix(t, "："):
		return t[len("："):], true
	}
	r, size := utf8.DecodeRuneInString(t)
	if r != '-' && r != '–' && r != '—' {
		return s, false
	}
	t = strings.TrimLeft(t[size:], "-")
	arrow := strings.HasPrefix(t, ">")
	t = strings.TrimPrefix(t, ">")
	if !arrow && !spaced && t != "" && t[0] != ' ' && t[0] != '\t' {
		return s, false
	}
	return t, true
}

// genericSubjects say nothing about the topic: LISTSERV's "Re: your mail" answers anything,
// and members post "unsubscribe" or "Thanks" to the list again and again. Messages with these
// subjects are never grouped by subject (headers still work).
var genericSubjects = set(
	"", "your mail", "your message", "no subject", "(no subject)", "(none)", "none", "untitled",
	"(untitled)", "unsubscribe", "unsubscribe me", "unsubscribe me please", "please unsubscribe me",
	"please remove me", "remove me", "subscribe", "signoff", "sign off", "help", "help please",
	"question", "quick question", "thanks", "thank you", "thanks!", "hello", "hi", "test",
)

// isGeneric reports whether a normalised subject is too generic to group by.
func isGeneric(norm string) bool {
	return genericSubjects[norm]
}

// DisplaySubject is a subject as a digest shows it: list tags, reply and forward prefixes and
// the list keyword removed ("Re: [aisle] TARGET-> Year 5 books" → "Year 5 books"), case and
// wording kept. A subject that is nothing but prefixes comes back as it was.
func DisplaySubject(s string) string {
	t, _ := stripLead(foldSpace(s))
	if _, rest := keywordOf(t); rest != "" {
		t = rest
	}
	t = strings.TrimSpace(stripFwdSuffix(t))
	if t == "" {
		return strings.TrimSpace(s)
	}
	return t
}
