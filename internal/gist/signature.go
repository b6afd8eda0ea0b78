package gist

import (
	"strings"
	"unicode"
)

// Limits on a signature block. An LM_NET ID block runs to six or eight lines; a
// "-- " signature may carry a long disclaimer, so it gets more.
const (
	maxSigLines       = 12 // non-blank lines after a sign-off or name line
	maxDelimitedLines = 25 // non-blank lines after a "-- " delimiter
)

// signOffs are closing phrases, lower-case; a sign-off line is one of these, optional
// punctuation, and optionally a name ("Cheers, Jane Smith").
var signOffs = []string{
	"thanks so much", "thank you so much", "thanks very much", "thank you very much",
	"many thanks", "thanks again", "thank you again", "thanks in advance",
	"thank you in advance", "thanks everyone", "thanks all", "thanks a lot", "thanks heaps",
	"thank you", "thanks", "thx", "ta", "tia", "cheers", "rgds", "brgds", "best regards", "kind regards",
	"warm regards", "warmest regards", "kindest regards", "with regards", "regards", "warmly",
	"best wishes", "all the best", "best", "yours sincerely", "sincerely yours", "sincerely",
	"yours truly", "yours", "respectfully", "take care", "ciao", "love", "hugs",
	"happy reading", "with thanks", "with gratitude", "gratefully", "blessings",
	"mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße", "viele grüße",
	"liebe grüße", "beste grüße", "grüße", "gruß", "bien cordialement", "cordialement",
	"bien à vous", "merci beaucoup", "merci", "un saludo", "saludos", "atentamente",
	"met vriendelijke groet", "vriendelijke groet", "groeten", "med vänliga hälsningar",
	"hälsningar", "med venlig hilsen", "venlig hilsen", "mvh", "pozdrawiam", "atenciosamente",
	"abraços", "cordiali saluti", "distinti saluti", "saluti", "с уважением",
}

// titleWords mark a job-title line in a signature (lower-case, whole words).
var titleWords = []string{
	"librarian", "teacher", "specialist", "coordinator", "co-ordinator", "assistant",
	"technician", "manager", "director", "head of", "principal", "aide", "clerk", "officer",
	"consultant", "lms", "tl", "teacher-librarian", "president", "ceo", "developer",
	"engineer", "professor", "lecturer", "dean", "superintendent", "secretary",
	"administrator", "media", "curator", "archivist", "leader", "advisor", "adviser",
}

// schoolWords mark a workplace line in a signature (lower-case, whole words).
var schoolWords = []string{
	"school", "schools", "college", "academy", "grammar", "high", "primary", "elementary",
	"middle", "district", "isd", "usd", "library", "libraries", "university", "institute",
	"collegiate", "campus", "k-12", "k12", "p-12", "montessori", "kindergarten",
	"secondary", "junior", "senior",
}

// isDelimiter reports a signature delimiter line: "-- " (RFC 3676) and the forms
// people type instead ("--", "---", "—", "__").
func isDelimiter(line string) bool {
	switch trim(line) {
	case "--", "---", "—", "__", "–":
		return true
	}
	return false
}

// signOffRest returns what follows a sign-off phrase at the start of line and whether
// the line starts with one. The phrase must be followed by the end of the line or by
// punctuation or a space.
func signOffRest(line string) (rest string, ok bool) {
	s := trim(line)
	for _, p := range signOffs {
		if !hasPrefixFold(s, p) {
			continue
		}
		rest = s[len(p):]
		if rest != "" && isWordRune(firstRune(rest)) {
			continue // "Bestow", "Thanksgiving"
		}
		return trim(strings.TrimLeft(rest, ",.!;:…-— ")), true
	}
	return "", false
}

// isSignOff reports a closing line: "Thanks,", "Cheers, Jane Smith", "Thanks,Christine",
// "Best regards", "Cheers 🎉" — but not "Thanks for your help!".
func isSignOff(line string) bool {
	if words(line) > 7 {
		return false
	}
	rest, ok := signOffRest(line)
	if !ok {
		return false
	}
	return rest == "" || isNameLike(rest) || !hasLetter(rest)
}

// hasLetter reports whether s contains a letter.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// nameParticles may appear lower-case inside a personal name.
var nameParticles = map[string]bool{
	"de": true, "van": true, "der": true, "den": true, "von": true, "da": true, "di": true,
	"la": true, "le": true, "du": true, "del": true, "dos": true, "y": true, "bin": true,
}

// notNames are capitalised words that start lines of prose, not names.
var notNames = map[string]bool{
	"the": true, "i": true, "hi": true, "hello": true, "dear": true, "any": true,
	"please": true, "yes": true, "no": true, "also": true, "thanks": true, "thank": true,
	"sent": true, "get": true, "this": true, "that": true, "we": true, "you": true,
	"it": true, "is": true, "are": true, "and": true, "or": true, "but": true, "if": true,
	"here": true, "there": true, "what": true, "who": true, "how": true, "why": true,
	"on": true, "in": true, "at": true, "for": true, "from": true, "to": true, "re": true,
	"fyi": true, "ps": true, "p.s.": true, "note": true, "see": true, "my": true, "our": true,
	"sorry": true, "ok": true, "okay": true, "great": true, "good": true, "well": true,
}

// isNameLike reports whether the line's first segment (before a comma, "|", " - " or
// "(") is a personal name: one to four capitalised words or initials, no digits.
func isNameLike(line string) bool {
	s := trim(line)
	// A name may carry a title after it, not a sentence ("Sorry, no more time to
	// investigate for me today: have to go...").
	if words(s) > 8 && !hasMarker(s) {
		return false
	}
	if k := strings.IndexAny(s, ",|(•·/"); k >= 0 {
		s = s[:k]
	}
	for _, sep := range []string{" - ", " – ", " — "} {
		if k := strings.Index(s, sep); k >= 0 {
			s = s[:k]
		}
	}
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 4 || len(s) > 40 || hasDigit(s) {
		return false
	}
	caps := 0
	for i, w := range f {
		w = strings.Trim(w, "\"'“”‘’*_")
		if w == "" {
			return false
		}
		if notNames[lower(w)] && i == 0 {
			return false
		}
		r := firstRune(w)
		switch {
		case unicode.IsUpper(r):
			caps++
		case nameParticles[w] && i > 0:
		default:
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && r != '.' && r != '-' && r != '\'' && r != '’' {
				return false
			}
		}
	}
	return caps > 0
}

// hasMarker reports whether a line carries what only signatures carry: an address,
// a phone number, a link, a job title or a workplace.
func hasMarker(line string) bool {
	if hasEmail(line) || hasURL(line) || hasPhone(line) || isMobileSig(line) {
		return true
	}
	l := lower(line)
	if strings.Contains(l, "via mobile") || strings.HasPrefix(l, "ph") || strings.HasPrefix(l, "tel") ||
		strings.HasPrefix(l, "mob") || strings.HasPrefix(l, "fax") {
		return true
	}
	return containsAny(l, titleWords) || containsAny(l, schoolWords)
}

// idLine reports a line that can belong to a signature block: a name, a title, a
// workplace, contact details, a rule, a sign-off, or any short line that is not a
// sentence. Sentences (five words or more ending in . ! ?) and questions are not.
func idLine(line string) bool {
	s := trim(line)
	switch {
	case s == "":
		return true
	case isQuoteLine(s):
		return false
	case len(s) > 200:
		return false
	case hasEmail(s) || hasURL(s) || hasPhone(s) || isSeparator(s) || isMobileSig(s) || isDelimiter(s):
		return true
	case isSignOff(s):
		return true
	}
	n := words(s)
	if n > 12 || lastRune(s) == '?' {
		return false
	}
	if endsSentence(s) && n >= 5 {
		return false
	}
	if n > 6 && !hasMarker(s) && !isNameLike(s) {
		return false
	}
	return true
}

// isDashName reports "-Jane", "- Jane Smith", "-Lev." used as a signature; a dash line
// inside a list of "- item" lines is a list item, not a signature.
func isDashName(lines []string, i int) bool {
	s := trim(lines[i])
	if !strings.HasPrefix(s, "-") || strings.HasPrefix(s, "--") {
		return false
	}
	name := trim(strings.TrimSuffix(trim(s[1:]), "."))
	f := strings.Fields(name)
	if len(f) == 0 || len(f) > 3 || hasDigit(name) {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && r != ' ' && r != '.' && r != '-' && r != '\'' {
			return false
		}
	}
	for _, j := range []int{prevNonBlank(lines, i), nextNonBlank(lines, i+1)} {
		if j >= 0 && j < len(lines) && strings.HasPrefix(trim(lines[j]), "-") && !isDelimiter(lines[j]) {
			return false
		}
	}
	return true
}

// signatureStart returns the index in lines where the trailing signature starts, or
// -1. lines hold the author's text only (quotes, footers and disclaimers removed).
// A signature never starts on the first non-blank line: a message that is nothing but
// a name is kept (talon's rule too).
//
// A "-- " delimiter with at most maxDelimitedLines lines below it starts a signature
// by convention; a sign-off or name block just above it joins it.
func signatureStart(lines []string) int {
	first := firstNonBlank(lines)
	last := lastNonBlank(lines)
	if last <= first {
		return -1
	}
	// The earliest delimiter with at most maxDelimitedLines non-blank lines below it,
	// found walking up from the end (counting per delimiter would be quadratic in a
	// message made of "--" lines).
	delim := -1
	for i, n := last, 0; i > first && n <= maxDelimitedLines; i-- {
		if isBlank(lines[i]) {
			continue
		}
		if isDelimiter(lines[i]) {
			delim = i
		}
		n++
	}
	end := last
	if delim >= 0 {
		end = prevNonBlank(lines, delim)
	}
	// Earliest line from which everything down to end could be a signature block.
	region := end + 1
	n := 0
	for i := end; i > first; i-- {
		if isBlank(lines[i]) {
			continue
		}
		if !idLine(lines[i]) || n >= maxSigLines+1 {
			break
		}
		n++
		region = i
	}
	for i := region; i <= end; i++ {
		if !isBlank(lines[i]) && startsSignature(lines, i) {
			return i
		}
	}
	return delim
}

// startsSignature reports whether a signature block can start at lines[i], given that
// every non-blank line from i on is an idLine.
func startsSignature(lines []string, i int) bool {
	l := lines[i]
	rest := lines[i+1:]
	switch {
	case isDelimiter(l), isMobileSig(l):
		return true
	case !allMaterial(rest):
		return false
	case isSignOff(l), isDashName(lines, i):
		return true
	case isSeparator(l):
		return anyMarker(rest)
	}
	if !isNameLike(l) || !afterBreak(lines, i) {
		return false
	}
	if hasMarker(l) {
		return true // "Jane Smith, Lincoln Middle School" on one line
	}
	if countNonBlank(rest) == 0 {
		// A lone name under the text ("Stranger"), at most three words; not the
		// answer to a colon ("Here is my pick:\n\nWonder").
		p := prevNonBlank(lines, i)
		return words(l) <= 3 && !endsSentence(l) && (p < 0 || lastRune(trim(lines[p])) != ':')
	}
	return anyMarker(rest)
}

// sigMaterial reports a line that can follow a sign-off or a name in a signature:
// stricter than idLine, because a short sentence under "Thanks Jane." is still text.
func sigMaterial(line string) bool {
	s := trim(line)
	switch {
	case s == "":
		return true
	case isNameLike(s), hasMarker(s), isSeparator(s), isSignOff(s), isMobileSig(s), isDelimiter(s):
		return true
	}
	return !endsSentence(s) && words(s) <= 6 && lastRune(s) != ':'
}

// allMaterial reports whether every line is sigMaterial, up to a "-- " delimiter
// below which anything goes ("LDR\n\n--\nLeonard Rosenthol ...").
func allMaterial(lines []string) bool {
	for _, l := range lines {
		if isDelimiter(l) {
			return true
		}
		if !sigMaterial(l) {
			return false
		}
	}
	return true
}

// afterBreak reports whether lines[i] starts a new block: after a blank line, or after
// a line that ends a sentence (an ID block typed straight under the last sentence).
func afterBreak(lines []string, i int) bool {
	if i == 0 || isBlank(lines[i-1]) {
		return true
	}
	p := trim(lines[i-1])
	switch lastRune(p) {
	case '.', '!', '?', ':', ')', '…':
		return true
	}
	return isSignOff(p)
}

// anyMarker reports whether one of the lines has a signature marker.
func anyMarker(lines []string) bool {
	for _, l := range lines {
		if !isBlank(l) && hasMarker(l) {
			return true
		}
	}
	return false
}

// countNonBlank counts the non-blank lines.
func countNonBlank(lines []string) int {
	n := 0
	for _, l := range lines {
		if !isBlank(l) {
			n++
		}
	}
	return n
}
