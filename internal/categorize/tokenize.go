package categorize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Feature extraction. A message is split into tokens once (document), and every layer
// that reads words reads those tokens: the auto-reply check, the classifier's terms and
// its cues. Terms are lower-cased words (and optionally bigrams of adjacent kept words)
// identified by a 64-bit hash, so that prediction allocates no strings; training keeps
// the text of each term for explanations.
const (
	// bodyWords is how much of the text is read: the request is in the opening lines,
	// and the rest (signatures, disclaimers, quoted digests) only adds noise and time.
	bodyWords = 300
	// subjectWords bounds a subject; real ones are a dozen words.
	subjectWords = 50
	// subjectWeight counts a subject term as this many body terms. Cross-validation
	// chose 1 (see params): the subject names the topic, the body the kind of post.
	subjectWeight = 1
	// maxTokenBytes drops runs that are not words (base64, long identifiers).
	maxTokenBytes = 30
)

// token is one run of letters and digits.
type token struct {
	key  uint64 // hash of the run, lower-cased
	text string // the run as written: a substring of the input
	word bool   // long enough to be a word: not a single letter, a long number or junk
	kept bool   // a word that is not a stop word: what the classifier reads
}

// document is a message tokenised for the layers that read words.
type document struct {
	subject     []token // of the subject without prefixes, tags and keyword
	body        []token // of the first bodyWords runs of the text
	subjectText string  // the subject and text themselves, for cues that are not words
	text        string
}

// reset tokenises subject and the first bodyRuns runs of text into d, reusing its slices.
func (d *document) reset(subject, text string, bodyRuns int) {
	d.subject = tokenize(d.subject[:0], subject, subjectWords)
	d.body = tokenize(d.body[:0], text, bodyRuns)
	d.subjectText, d.text = subject, text
}

// tokenize appends to dst the runs of letters and digits of s, at most maxRuns of them.
// Apostrophes split ("children's" gives "children" and "s"). E-mail addresses and URLs
// are skipped whole: they name people and sites, not kinds of post.
func tokenize(dst []token, s string, maxRuns int) []token {
	mark := addressMark(s, 0)
	runs := 0
	i := 0
	fieldStart := true
	for i < len(s) && runs < maxRuns {
		if c := s[i]; c < utf8.RuneSelf && !asciiWord[c] { // the common case, inline
			fieldStart = fieldStart || isSpaceByte(c) || c == '\v' || c == '\f'
			i++
			continue
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			if unicode.IsSpace(r) {
				fieldStart = true
			}
			i += n
			continue
		}
		if fieldStart {
			fieldStart = false
			if mark < i {
				mark = addressMark(s, i)
			}
			if inField(s, i, mark) {
				i = fieldEnd(s, mark)
				continue
			}
		}
		start := i
		h := uint64(fnvOffset)
		nr, digits := 0, 0
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf { // ASCII inline: most list mail is
				if !asciiWord[c] {
					break
				}
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				} else if c <= '9' {
					digits++
				}
				h = (h ^ uint64(c)) * fnvPrime
				nr++
				i++
				continue
			}
			r, n = utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				break
			}
			h = hashRune(h, unicode.ToLower(r)) // only ASCII digits count as digits
			nr++
			i += n
		}
		runs++
		word := i-start <= maxTokenBytes && (nr >= 2 || digits > 0) && !(digits == nr && digits > 4)
		dst = append(dst, token{key: h, text: s[start:i], word: word, kept: word && stopWords.get(h) < 0})
	}
	return dst
}

// markWindow bounds how far ahead addressMark looks, so that reading the opening of a
// long text does not search all of it.
const markWindow = 4096

// addressMark returns the position of the next sign of an address at or after from ("@",
// "://", "www."), or, when there is none within markWindow bytes, the end of the window
// (a position to look again from). Marks are rare, so tokenize looks for them once per
// mark rather than checking every field.
func addressMark(s string, from int) int {
	rest := s[from:min(len(s), from+markWindow)]
	mark := from + len(rest)
	if j := strings.IndexByte(rest, '@'); j >= 0 {
		mark = from + j
	}
	if j := strings.Index(rest, "://"); j >= 0 && from+j < mark {
		mark = from + j
	}
	if j := strings.Index(rest, "www."); j >= 0 && from+j < mark {
		mark = from + j
	}
	return mark
}

func isAddressMark(s string, mark int) bool {
	return mark < len(s) && (s[mark] == '@' || strings.HasPrefix(s[mark:], "://") || strings.HasPrefix(s[mark:], "www."))
}

// inField reports whether mark is an address mark in the whitespace-delimited field that
// starts at i.
func inField(s string, i, mark int) bool {
	if mark-i > 200 || !isAddressMark(s, mark) {
		return false
	}
	for j := i; j < mark; j++ {
		if isSpaceByte(s[j]) {
			return false
		}
	}
	return true
}

// fieldEnd returns the position of the first whitespace at or after i, or len(s).
func fieldEnd(s string, i int) int {
	for i < len(s) && !isSpaceByte(s[i]) {
		i++
	}
	return i
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// asciiWord says which ASCII characters are word characters: letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// fnv64 constants (FNV-1a).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashRune(h uint64, r rune) uint64 {
	if r < utf8.RuneSelf {
		return (h ^ uint64(r)) * fnvPrime
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, b := range buf[:n] {
		h = (h ^ uint64(b)) * fnvPrime
	}
	return h
}

// wordKey hashes s lower-cased, exactly as tokenize does.
func wordKey(s string) uint64 {
	h := uint64(fnvOffset)
	for _, r := range s {
		h = hashRune(h, unicode.ToLower(r))
	}
	return h
}

// bigramKey combines two word keys so that "picture books" differs from "books picture".
func bigramKey(a, b uint64) uint64 {
	h := a*0x9E3779B97F4A7C15 ^ b
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>29
}

// term is a feature of a message: a kept word, a bigram of adjacent kept words, or a cue.
// It keeps the original spelling of its words (substrings of the input, so no
// allocation); lower-case them to name the term.
type term struct {
	key  uint64
	prev string // the first word of a bigram; "" for a word
	word string
}

// name is the term as shown in explanations: lower-case, a bigram's words joined by a space.
func (t term) name() string {
	if t.prev == "" {
		return strings.ToLower(t.word)
	}
	return strings.ToLower(t.prev) + " " + strings.ToLower(t.word)
}

// eachFeature calls fn for every feature of a document with its weight: the terms of the
// subject and the body, and the cue terms. Training and prediction both go through here,
// so they cannot disagree about what a term is.
func eachFeature(d *document, p params, fn func(term, float64)) {
	eachTerm(d.subject, p.bigrams, p.subjectWeight, fn)
	eachTerm(d.body, p.bigrams, 1, fn)
	if p.cues {
		eachCue(d, fn)
	}
}

// eachTerm calls fn for every kept word and, if bigrams is set, every bigram of adjacent
// kept words (stop words between them are skipped).
func eachTerm(tokens []token, bigrams bool, weight float64, fn func(term, float64)) {
	var prev *token
	for i := range tokens {
		t := &tokens[i]
		if !t.kept {
			continue
		}
		fn(term{key: t.key, word: t.text}, weight)
		if bigrams && prev != nil {
			fn(term{key: bigramKey(prev.key, t.key), prev: prev.text, word: t.text}, weight)
		}
		prev = t
	}
}

// Cue terms stand for things that are not words but tell kinds of post apart: requests
// ask questions, vendors and jobs name prices and salaries, events give times, and
// auto-replies and list commands are short. Their keys hash a NUL, which no word has.
var (
	cueQuestion = term{key: wordKey("\x00question"), word: "(question mark)"}
	cueMoney    = term{key: wordKey("\x00money"), word: "(price)"}
	cueTime     = term{key: wordKey("\x00time"), word: "(time of day)"}
	cueShort    = term{key: wordKey("\x00short"), word: "(short text)"}
)

// cueBytes bounds how much of the text the cues read, like bodyWords for terms.
const cueBytes = 2000

// shortWords is the length, in words, under which a text counts as short.
const shortWords = 25

func eachCue(d *document, fn func(term, float64)) {
	head := d.text
	if len(head) > cueBytes {
		head = head[:cueBytes]
	}
	if strings.IndexByte(d.subjectText, '?') >= 0 || strings.IndexByte(head, '?') >= 0 {
		fn(cueQuestion, 1)
	}
	// ContainsAny would take its slow path for the non-ASCII symbols.
	if strings.IndexByte(head, '$') >= 0 || strings.IndexByte(head, '%') >= 0 ||
		strings.Contains(head, "£") || strings.Contains(head, "€") {
		fn(cueMoney, 1)
	}
	if hasClockTime(head) {
		fn(cueTime, 1)
	}
	words := 0
	for _, t := range d.body {
		if t.word {
			words++
		}
	}
	if words < shortWords {
		fn(cueShort, 1)
	}
}

// hasClockTime finds "4pm", "10 AM", "3:45" by looking at each colon and each "m"
// (IndexByte is fast; most text has few of them).
func hasClockTime(s string) bool {
	return anyAt(s, ':', colonTime) || anyAt(s, 'm', meridiem) || anyAt(s, 'M', meridiem)
}

// anyAt reports whether ok holds at some position of b in s.
func anyAt(s string, b byte, ok func(s string, i int) bool) bool {
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(s[i:], b)
		if j < 0 {
			return false
		}
		i += j
		if ok(s, i) {
			return true
		}
	}
	return false
}

// colonTime: s[i] is ":" between a digit and two digits 00-59.
func colonTime(s string, i int) bool {
	return i > 0 && isDigit(s[i-1]) && i+2 < len(s) && s[i+1] >= '0' && s[i+1] <= '5' && isDigit(s[i+2])
}

// meridiem: s[i] is the "m" of "am"/"pm" after a digit (or a digit and a space), with
// no letter after it.
func meridiem(s string, i int) bool {
	if i < 2 || (s[i-1]|0x20 != 'a' && s[i-1]|0x20 != 'p') || (i+1 < len(s) && isASCIILetter(s[i+1])) {
		return false
	}
	k := i - 2
	if s[k] == ' ' && k > 0 {
		k--
	}
	return isDigit(s[k])
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// stopWords holds the keys of function words. Question and request words ("how",
// "anyone", "recommend", "looking") are deliberately kept: they tell requests from news.
var stopWords = func() keyTable {
	words := strings.Fields(stopList)
	t := newKeyTable(len(words))
	for _, w := range words {
		t.put(wordKey(w), 1)
	}
	return t
}()

const stopList = `a an the and or but if then than so as of at by for with about against between into
through during before after above below to from up down in out on off over under again further
once here there all both each few more most other some such no nor not only own same too very
can will just don should now is am are was were be been being have has had having do does did
doing would could might must shall may i me my myself we our ours ourselves you your yours
yourself yourselves he him his himself she her hers herself it its itself they them their
theirs themselves this that these those what which who whom whose when where why s t ve ll re
d m isn aren wasn weren hasn haven hadn doesn didn won wouldn shan shouldn couldn mustn let
also us get got its im ive hi hello dear colleagues cheers
regards kind many much well yes via etc e g eg ie re fw fwd sent iphone ipad`
