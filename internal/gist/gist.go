package gist

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultWords is the gist length Gist uses when maxWords is zero or negative: about
// six seconds of reading at 238 words a minute.
const DefaultWords = 25

// Gist is one line (at most maxWords words, ending at a sentence or clause boundary
// when possible, with "…" when cut) in the poster's own words: the first meaningful
// sentences of Clean(text), skipping greetings ("Hi all,", "Dear colleagues,", "G'day
// everyone", "Hello LM_NETers"), "TIA", and text that only repeats the subject. Empty
// when nothing meaningful remains.
//
// Hard-wrapped lines are joined; list items ("- Wonder") become "; "-separated parts.
// A HIT keeps its quoted answers and a forward its forwarded text (see Clean).
func Gist(subject, text string, maxWords int) string {
	if maxWords <= 0 {
		maxWords = DefaultWords
	}
	subj := baseSubject(subject)
	body := cleanFor(subj, text)
	us := gistUnits(strings.Split(body, "\n"), subj, maxWords)
	return fit(us, maxWords)
}

// unit is one sentence or list item chosen for the gist.
type unit struct {
	text string
	list bool
}

// gistUnits collects meaningful sentences and list items from the cleaned lines until
// there are more than maxWords words, so long messages cost no more than short ones.
func gistUnits(lines []string, subj subjectInfo, maxWords int) []unit {
	var out []unit
	total := 0
	var para []string
	add := func(u unit) {
		out = append(out, u)
		total += words(u.text)
	}
	flush := func() {
		if len(para) == 0 {
			return
		}
		for _, s := range splitSentences(strings.Join(para, " ")) {
			if total > maxWords {
				break // enough: a long paragraph costs no more than the allowance
			}
			if t, ok := meaningful(s, subj); ok {
				add(unit{text: t})
			}
		}
		para = para[:0]
	}
	for i := 0; i < len(lines) && total <= maxWords; i++ {
		t := trim(lines[i])
		switch {
		case t == "" || isSeparator(t) || isDelimiter(t):
			flush()
			continue
		case isForwardMarker(t) || isOriginalMessage(t) || isMobileSig(t) || isImageRef(t):
			flush()
			continue
		}
		if end, ok := headerBlockAt(lines, i); ok {
			flush()
			i = end - 1
			continue
		}
		if item, ok := listItem(t); ok {
			flush()
			if s, ok := meaningful(item, subj); ok {
				add(unit{text: s, list: true})
			}
			continue
		}
		para = append(para, t)
	}
	flush()
	return out
}

// isImageRef reports Outlook's placeholders for inline images ("[cid:image001.png@...]",
// "[image: logo]").
func isImageRef(t string) bool {
	return hasPrefixFold(t, "[cid:") || hasPrefixFold(t, "[image:") || hasPrefixFold(t, "[inline image")
}

// listItem returns the text of a bulleted or numbered list line ("- Wonder", "* Holes",
// "• Hatchet", "1. Wonder", "2) Holes").
func listItem(t string) (string, bool) {
	for _, p := range []string{"- ", "* ", "• ", "· ", "– ", "o "} {
		if strings.HasPrefix(t, p) {
			return trim(t[len(p):]), true
		}
	}
	i := 0
	for i < len(t) && i < 3 && '0' <= t[i] && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
		return trim(t[i+2:]), true
	}
	return "", false
}

// meaningful strips a leading greeting from a sentence and reports whether anything
// worth showing is left: not a greeting, thanks, sign-off or restated subject.
func meaningful(s string, subj subjectInfo) (string, bool) {
	s = stripGreeting(trim(s))
	if s == "" || !hasLetterOrDigit(s) || isFluff(s) || isSignOff(s) || shortSignOff(s) {
		return "", false
	}
	if repeatsSubject(s, subj) {
		return "", false
	}
	return capitalise(s), true
}

// shortSignOff reports a sign-off with a short tail that isSignOff does not take for a
// name ("Regards, G?ran" with a mangled name, "Rgds, the library team").
func shortSignOff(s string) bool {
	rest, ok := signOffRest(s)
	return ok && words(rest) <= 3 && !strings.ContainsAny(rest, "?")
}

// hasLetterOrDigit reports whether s has something to read.
func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// capitalise upper-cases the first letter, for sentences whose greeting was cut off
// ("Hi all, does anyone..." becomes "Does anyone...").
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		return string(unicode.ToUpper(r)) + s[n:]
	}
	return s
}

// greetings start a salutation (lower-case, followed by a non-letter).
var greetings = []string{
	"hi", "hello", "hey", "dear", "greetings", "g'day", "g’day", "gday", "good morning",
	"good afternoon", "good evening", "good day", "hiya", "howdy", "hallo", "bonjour",
	"hola", "kia ora", "aloha", "salut", "hej", "ciao", "hi there", "hello there",
}

// greetingWord returns the length of the greeting s starts with, or 0.
func greetingWord(s string) int {
	best := 0
	for _, g := range greetings {
		if len(g) > best && hasPrefixFold(s, g) {
			if rest := s[len(g):]; rest == "" || !isWordRune(firstRune(rest)) {
				best = len(g)
			}
		}
	}
	return best
}

// isGreetingLine reports a salutation on a line of its own ("Hi all,", "Dear
// colleagues,", "Hello LM_NETers!").
func isGreetingLine(l string) bool {
	s := trim(l)
	if greetingWord(s) == 0 {
		return false
	}
	n := words(s)
	switch lastRune(s) {
	case ',', '!', ':', '.', '—', '-':
		return n <= 6
	}
	return n <= 4
}

// stripGreeting removes a salutation from the start of a sentence: up to the comma,
// "!", colon or dash that ends it within six words ("Hey, that's great news." keeps
// "that's great news."), or the whole sentence when it is only a short greeting
// ("Hi all", "G'day everyone").
func stripGreeting(s string) string {
	g := greetingWord(s)
	if g == 0 {
		return s
	}
	for i, r := range s {
		if i < g {
			continue
		}
		switch r {
		case ',', '!', ':', ';', '—', '–':
			if words(s[:i]) <= 6 {
				return trim(s[i+utf8.RuneLen(r):])
			}
			return s
		case '.', '?':
			if r == '.' && isAbbreviation(s[:i]) {
				continue // "Dear Mr. Smith, ..."
			}
			if words(s[:i]) <= 4 {
				return trim(s[i+1:]) // "Hi everyone." and nothing after it
			}
			return s
		}
	}
	if words(s) <= 4 {
		return ""
	}
	return s
}

// fluffPhrases are thanks that carry nothing ("TIA", "Thanks in advance for any help").
var fluffPhrases = []string{
	"tia", "thanks in advance", "thank you in advance", "thanks for any help",
	"thanks for your help", "thanks for any suggestions", "thanks for your suggestions",
	"thanks for any ideas", "thanks for your time", "thank you for your help",
	"thank you for any help", "thank you for your time", "thanks everyone", "thanks all",
	"thanks so much", "many thanks", "thank you", "thanks", "cheers", "thx",
	"any help would be appreciated", "any help appreciated", "any help is appreciated",
	"any suggestions appreciated", "any ideas appreciated",
}

// isFluff reports a sentence that is only thanks or an appeal for help.
func isFluff(s string) bool {
	if words(s) > 9 {
		return false
	}
	l := strings.TrimRight(lower(s), ".!?… ")
	for _, p := range fluffPhrases {
		if l == p {
			return true
		}
		if strings.HasPrefix(l, p) && !isWordRune(firstRune(l[len(p):])) && words(l) <= len(strings.Fields(p))+3 {
			// "TIA, Jane", "Thanks in advance for any help!", "Many thanks again".
			return true
		}
	}
	return false
}

// repeatSubjectWords may appear with a restated subject without adding anything.
var repeatSubjectWords = map[string]bool{"target": true, "hit": true, "re": true, "fwd": true, "fw": true, "request": true}

// repeatsSubject reports a sentence whose words all come from the subject ("TARGET->
// Bullying websites" restated as the first line of the body).
func repeatsSubject(s string, subj subjectInfo) bool {
	if len(subj.words) == 0 || words(s) > 2*len(subj.words)+4 {
		return false // longer than the subject: it says something more
	}
	ws := wordList(s)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if repeatSubjectWords[w] {
			continue
		}
		found := false
		for _, v := range subj.words {
			if v == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// wordList returns the lower-case words (letters and digits) of s.
func wordList(s string) []string {
	return strings.FieldsFunc(lower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// abbreviations end with a dot but not a sentence (lower-case, without the dot).
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "e.g": true, "i.e": true,
	"vs": true, "no": true, "vol": true, "pp": true, "jr": true, "sr": true, "prof": true,
	"gr": true, "yr": true, "approx": true, "ed": true, "eds": true, "mt": true, "ft": true,
}

// splitSentences splits a paragraph after . ! ? or … when a space and a capital letter,
// digit or quote follow, except after abbreviations and initials.
func splitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '.' && c != '!' && c != '?' && !strings.HasPrefix(p[i:], "…") {
			continue
		}
		end := i + 1
		if c != '.' && c != '!' && c != '?' {
			end = i + len("…")
		}
		for end < len(p) && strings.IndexByte(".!?\"')”’", p[end]) >= 0 {
			end++
		}
		if end >= len(p) || p[end] != ' ' {
			continue
		}
		next := firstRune(strings.TrimLeft(p[end:], " "))
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '"' && next != '“' && next != '(' {
			continue
		}
		if c == '.' && isAbbreviation(p[start:i]) {
			continue
		}
		out = append(out, trim(p[start:end]))
		start = end
		i = end - 1
	}
	if rest := trim(p[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// isAbbreviation reports whether the text before a dot ends with an abbreviation or an
// initial ("Mr", "e.g", "J").
func isAbbreviation(before string) bool {
	k := strings.LastIndexAny(before, " (")
	w := lower(before[k+1:])
	return utf8.RuneCountInString(w) == 1 || abbreviations[w]
}

// compose joins the units into one line: sentences with a space (adding a full stop
// where a paragraph had none), list items with "; ".
func compose(us []unit) string {
	var b strings.Builder
	prevList := false
	for i, u := range us {
		if i > 0 {
			prev := b.String()
			last := lastRune(prev)
			if last == ',' { // "Dear committers," whose greeting was not recognised
				b.Reset()
				b.WriteString(strings.TrimSuffix(prev, ","))
				last = lastRune(b.String())
			}
			switch {
			case u.list && prevList:
				b.WriteString("; ")
			case strings.ContainsRune(".!?…:;", last):
				b.WriteByte(' ')
			case u.list:
				b.WriteString(": ")
			default:
				b.WriteString(". ")
			}
		}
		b.WriteString(strings.Join(strings.Fields(u.text), " "))
		prevList = u.list
	}
	return b.String()
}

// fit joins the units into at most maxWords words. Whole sentences are kept while they
// fit; when they fill at least half the allowance the line ends there, marked "…".
// Otherwise the next sentence is cut inside, at its last clause boundary (, ; : or a
// dash) that keeps at least minClauseWords of it, else at the word limit, with "…".
func fit(us []unit, maxWords int) string {
	n, k := 0, 0
	for ; k < len(us); k++ {
		w := words(us[k].text)
		if n+w > maxWords {
			break
		}
		n += w
	}
	switch {
	case k == len(us):
		return compose(us)
	case k > 0 && n >= maxWords/2:
		return ellipsis(compose(us[:k]))
	}
	f := strings.Fields(compose(us[:k+1]))[:maxWords]
	cut := len(f)
	for i := len(f) - 1; i >= n+minClauseWords-1 && i >= maxWords/2; i-- {
		last := lastRune(f[i])
		if last == ',' || last == ';' || last == ':' || (i+1 < len(f) && (f[i+1] == "-" || f[i+1] == "—" || f[i+1] == "–")) {
			cut = i + 1
			break
		}
	}
	return ellipsis(strings.TrimRight(strings.Join(f[:cut], " "), ",;:—–- "))
}

// ellipsis marks a cut line with "…" attached to its last word, so the mark never
// counts as a word: a full stop becomes the ellipsis, "?" and "!" keep theirs.
func ellipsis(s string) string {
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		s = strings.TrimSuffix(s, ".")
	}
	if strings.HasSuffix(s, "…") || strings.HasSuffix(s, "...") {
		return s
	}
	return s + "…"
}

// minClauseWords is the shortest piece of a cut sentence worth showing.
const minClauseWords = 4
