package gist

import (
	"strings"
)

// Windows at the end of a message where footers and disclaimers are looked for: both
// are appended below the author's text, and a marker higher up is the author's own
// words about unsubscribing or confidentiality.
const (
	footerWindow     = 25 // non-blank lines
	disclaimerWindow = 60 // non-blank lines
)

// footerPhrases mark a list-footer line (lower-case, anywhere in the line): Mailman,
// LISTSERV (LM_NET), Google Groups, groups.io, Lyris, pipermail's scrubber notes.
var footerPhrases = []string{
	"listinfo", "/mailman/", "unsubscribe", "signoff ", "set nomail", "(or set nomail or digest)",
	"postings are protected by copyright", "you received this message because you are subscribed",
	"to post to this group", "for more options, visit", "groups.io links", "you are currently subscribed",
	"an html attachment was scrubbed", "next part --------", "non-text portions of this message",
	"manage your subscription", "change your subscription", "subscription options",
	"to leave this list", "to leave the list", "lm_net@", "oztl_net@",
	"listserv@", "listserv.", "lmnet.wordpress.com", "view this message online",
	"mailing list info", "to remove yourself from", "from this mailing list",
	"majordomo@", "the following command in the body",
}

// isFooterLine reports a line that only list footers contain.
func isFooterLine(line string) bool {
	if len(line) > 500 {
		return false // footer lines are short; this keeps 1 MB lines cheap
	}
	l := lower(trim(line))
	if l == "" {
		return false
	}
	// "riak-users mailing list", "OZTL_NET mailing list", "aisle@lists.x mailing list".
	if strings.HasSuffix(l, " mailing list") && words(l) <= 4 {
		return true
	}
	for _, p := range footerPhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// footerish reports a line that may sit inside a footer block besides the footer
// lines themselves: rules, bare links or addresses ("riak-users@lists.basho.com"),
// and short lines that are not sentences.
func footerish(line string) bool {
	s := trim(line)
	if len(s) > 500 {
		return false
	}
	return s == "" || isSeparator(s) || hasURL(s) || hasEmail(s) || (words(s) <= 6 && !endsSentence(s))
}

// footerStart returns where a list footer starts in lines, or -1. Footers hang at the
// very end: the lowest footer line must be within a few lines of the end, and footer
// lines may be at most a few footer-ish lines apart, so an author's question about
// unsubscribing higher up stays. The rules and blank lines above go with it.
func footerStart(lines []string) int {
	start, gap, n := -1, 0, 0
	for i := len(lines) - 1; i >= 0; i-- {
		if isBlank(lines[i]) {
			continue
		}
		if n++; n > footerWindow {
			break
		}
		if isFooterLine(lines[i]) {
			start, gap = i, 0
			continue
		}
		if gap++; !footerish(lines[i]) || gap > 3 {
			break
		}
	}
	if start < 0 {
		return -1
	}
	return extendUp(lines, start)
}

// extendUp moves a cut point up over blank lines, rules and a Mailman-style name line
// directly above it, so they leave with the block they introduce.
func extendUp(lines []string, i int) int {
	for i > 0 {
		p := lines[i-1]
		if isBlank(p) || isSeparator(p) || isDelimiter(p) {
			i--
			continue
		}
		break
	}
	return i
}

// disclaimerPhrases start or mark a legal disclaimer (lower-case).
var disclaimerPhrases = []string{
	"confidentiality notice", "confidentiality statement", "confidentiality warning",
	"confidentiality disclaimer", "privileged and confidential", "privileged/confidential",
	"this email and any attachments", "this e-mail and any attachments", "this email and any files",
	"this e-mail and any files", "this message and any attachments", "this email, including any attachments",
	"this e-mail, including any attachments", "the information contained in this e-mail",
	"the information contained in this email", "the information contained in this message",
	"the information contained in this communication", "the information in this e-mail",
	"the information in this email", "this email is confidential", "this e-mail is confidential",
	"this message is confidential", "this email message is for the sole use",
	"this e-mail message is for the sole use", "this email is intended only",
	"this e-mail is intended only", "this message is intended only", "intended solely for the use",
	"intended only for the use of", "if you are not the intended recipient",
	"if you have received this email in error", "if you have received this e-mail in error",
	"if you have received this message in error", "if you received this email in error",
	"please consider the environment before printing", "think before you print",
	"e-mail addresses are public records", "email addresses are public records",
	"public records law", "this email has been scanned", "this e-mail has been scanned",
	"any views or opinions expressed", "the views expressed in this",
	"le informazioni contenute in questo messaggio", "ce message et toutes les pièces jointes",
	"ce message et les pièces jointes", "ce courriel et les documents", "diese e-mail enthält vertrauliche",
	"diese nachricht enthält vertrauliche", "deze e-mail is uitsluitend bestemd",
	"dit bericht is uitsluitend bestemd", "la información contenida en este",
	"este mensaje y sus anexos", "caution: this email originated from outside",
	"this email originated from outside", "warning: this email originated",
}

// isDisclaimerLine reports a line that starts or marks a legal disclaimer.
func isDisclaimerLine(line string) bool {
	l := trim(line)
	if l == "" || len(l) > 2000 {
		return false
	}
	switch lower(strings.Trim(l, "*:.- ")) {
	case "disclaimer", "confidential", "confidentiality", "legal notice", "important notice":
		return true
	}
	if hasPrefixFold(l, "disclaimer:") || hasPrefixFold(l, "confidentiality:") {
		return true
	}
	for _, p := range disclaimerPhrases {
		if containsFold(l, p) {
			return true
		}
	}
	return false
}

// disclaimerStart returns where a trailing legal disclaimer starts, or -1. It must start
// below the first non-blank line and within the last disclaimerWindow non-blank lines.
func disclaimerStart(lines []string) int {
	first := firstNonBlank(lines)
	from := len(lines)
	for n := 0; from > first+1 && n < disclaimerWindow; {
		from--
		if !isBlank(lines[from]) {
			n++
		}
	}
	for i := from; i < len(lines); i++ {
		if i > first && isDisclaimerLine(lines[i]) {
			// Start at the paragraph when the phrase is inside it ("Under Florida
			// law, ...\nThis e-mail ...").
			j := i
			for j > first+1 && !isBlank(lines[j-1]) && !isSeparator(lines[j-1]) && j > i-3 {
				j--
			}
			if !isBlank(lines[j-1]) && !isSeparator(lines[j-1]) {
				j = i // a long paragraph: the author's, cut at the phrase only
			}
			return extendUp(lines, j)
		}
	}
	return -1
}

// bannerEnd returns the index after a leading "external sender" banner that mail
// gateways put above the text ("CAUTION: This email originated from outside of the
// organization..."), or 0.
func bannerEnd(lines []string) int {
	i := firstNonBlank(lines)
	if i >= len(lines) {
		return 0
	}
	l := lower(trim(lines[i]))
	if !strings.Contains(l, "originated from outside") && !strings.HasPrefix(l, "[external]") &&
		!strings.HasPrefix(l, "external email") && !strings.HasPrefix(l, "caution: external") {
		return 0
	}
	j := i
	for j < len(lines) && !isBlank(lines[j]) && j < i+5 {
		j++
	}
	return j
}
