package gist

import (
	"strings"
)

// maxSchoolLen bounds a workplace name taken from a signature line.
const maxSchoolLen = 80

// strongSchoolWords name an institution; "library" alone is weaker, because "Library
// Media Specialist" is a title (lower-case, whole words).
var strongSchoolWords = []string{
	"school", "schools", "college", "academy", "grammar", "high", "primary", "elementary",
	"middle school", "district", "isd", "usd", "university", "institute", "collegiate",
	"montessori", "secondary", "kindergarten", "k-12", "p-12",
}

// streetWords mark a postal address line, which is not a workplace name even when it
// contains "School Road".
var streetWords = []string{
	"road", "rd", "street", "st", "avenue", "ave", "drive", "dr", "lane", "ln", "highway",
	"hwy", "boulevard", "blvd", "po box", "p.o. box", "parade", "crescent", "court", "place",
}

// webmailDomains are personal mail providers: never a workplace.
var webmailDomains = []string{
	"gmail.", "googlemail.", "outlook.", "hotmail.", "live.", "msn.", "yahoo.", "ymail.",
	"icloud.", "me.com", "mac.com", "aol.", "bigpond.", "optusnet.", "iinet.", "comcast.",
	"protonmail.", "proton.me", "gmx.", "web.de", "mail.ru", "yandex.", "zoho.", "att.net",
	"verizon.net", "sbcglobal.net", "btinternet.", "xtra.co.nz", "tpg.com.au",
}

// School guesses where the author works: from the signature block before Clean
// removed it (lines naming a school/college/academy/grammar/high school/primary/
// elementary/middle school/district/ISD/library/university, "Teacher Librarian, X"),
// else from the mail domain when it is an education domain (e.g. "stmarys.vic.edu.au"
// -> "stmarys.vic.edu.au", "k12.il.us" districts), else "". Never returns the author's
// personal name or a webmail domain (gmail, outlook, hotmail, yahoo, icloud, bigpond).
//
// fromAddr may be a bare address or "Name <addr>"; the display name is used only to
// keep the person's name out of the answer.
func School(text, fromAddr string) string {
	name, domain := splitFrom(fromAddr)
	if s := schoolFromSignature(analyse(text, options{}).sig, name); s != "" {
		return s
	}
	return eduDomain(domain)
}

// splitFrom returns the lower-case display name and domain of "Name <local@domain>".
func splitFrom(from string) (name, domain string) {
	from = trim(from)
	at := strings.LastIndexByte(from, '@')
	if at < 0 {
		return lower(strings.Trim(from, "\" ")), ""
	}
	domain = from[at+1:]
	if k := strings.IndexAny(domain, "> \t)\"'"); k >= 0 {
		domain = domain[:k]
	}
	if lt := strings.LastIndexByte(from[:at], '<'); lt >= 0 {
		name = strings.Trim(trim(from[:lt]), "\"' ")
	}
	return lower(name), strings.Trim(lower(domain), ". ")
}

// schoolFromSignature picks the workplace from signature lines: a segment naming an
// institution, else the segment after a job title ("Teacher Librarian, St Mary's"),
// else a segment naming a library.
func schoolFromSignature(sig []string, name string) string {
	var afterTitle, library string
	for _, line := range sig {
		segs := segments(line)
		for i, seg := range segs {
			if !usableSegment(seg, name) {
				continue
			}
			l := lower(seg)
			title := containsAny(l, titleWords)
			switch {
			case containsAny(l, strongSchoolWords) && !titleOnly(l):
				return seg
			case title:
				if afterTitle == "" && i+1 < len(segs) && usableSegment(segs[i+1], name) &&
					!containsAny(lower(segs[i+1]), titleWords) && isNameLike(segs[i+1]) {
					afterTitle = segs[i+1]
				}
			case library == "" && (containsWord(l, "library") || containsWord(l, "libraries")):
				library = seg
			}
		}
	}
	if afterTitle != "" {
		return afterTitle
	}
	return library
}

// segments splits a signature line at commas, pipes, bullets, dashes and " at " into
// trimmed parts ("Teacher Librarian at St Mary's College" -> "Teacher Librarian",
// "St Mary's College").
func segments(line string) []string {
	s := trim(line)
	for _, sep := range []string{" | ", " - ", " – ", " — ", " • ", " · ", " at ", " @ ", "|", "•", ";"} {
		s = strings.ReplaceAll(s, sep, ",")
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.Trim(trim(p), "*_\"'()[]. ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// usableSegment reports whether a signature segment can be a workplace name: not an
// address, phone, link, street address, mobile signature, or the person's name.
func usableSegment(seg, name string) bool {
	l := lower(seg)
	switch {
	case len(seg) > maxSchoolLen || words(seg) > 10:
		return false
	case hasEmail(seg) || hasURL(seg) || hasPhone(seg) || isMobileSig(seg):
		return false
	case name != "" && strings.Contains(l, name):
		return false
	case '0' <= l[0] && l[0] <= '9':
		return false // "123 School Road"
	case hasDigit(l) && containsAny(l, streetWords):
		return false
	}
	return true
}

// titleOnly reports a job title that mentions a school word but names no school:
// "Library Media Specialist", "Head of Library", "Middle School Teacher" is a title,
// "Lincoln Middle School" is not.
func titleOnly(l string) bool {
	if !containsAny(l, titleWords) {
		return false
	}
	// A title followed by a place ("Librarian, Lincoln High" was split already);
	// what remains with a title word is a title unless it ends with the institution.
	for _, w := range []string{"school", "college", "academy", "grammar", "university", "district", "isd", "high", "primary", "elementary"} {
		if strings.HasSuffix(l, w) && !strings.HasPrefix(l, w) {
			f := strings.Fields(l)
			return len(f) > 0 && containsAny(f[len(f)-1], titleWords)
		}
	}
	return true
}

// eduDomain returns the domain when it belongs to an education institution or
// district (*.edu, *.edu.au, *.k12.xx.us, *.sch.uk, *.school.nz, *.ac.uk, *isd.org),
// else "".
func eduDomain(domain string) string {
	if domain == "" || !strings.Contains(domain, ".") {
		return ""
	}
	for _, w := range webmailDomains {
		if strings.HasPrefix(domain, w) || strings.Contains(domain, "."+w) {
			return ""
		}
	}
	labels := strings.Split(domain, ".")
	edu := false
	for i, lb := range labels {
		switch lb {
		case "edu", "k12", "sch", "school", "schools", "ac", "education":
			// "education.com" is a company; "education.vic.gov.au" is not.
			if i > 0 || len(labels) >= 3 {
				edu = true
			}
		}
		if i == 0 && (strings.HasSuffix(lb, "isd") || strings.HasSuffix(lb, "usd")) && len(lb) > 3 {
			edu = true
		}
	}
	if !edu {
		return ""
	}
	return strings.TrimPrefix(domain, "mail.")
}
