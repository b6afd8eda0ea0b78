package gist

// maxTailPasses bounds the footer/disclaimer/signature loop: each pass removes one
// block from the end, and real messages stack at most three or four.
const maxTailPasses = 8

// parts is a message split into the author's lines and what was removed at the end as
// signature.
type parts struct {
	body []string
	sig  []string
}

// analyse splits text into the author's words and the signature, in the order Clean
// documents: banner, quotes, then footers, disclaimers and the signature from the end.
func analyse(text string, opt options) parts {
	lines := splitLines(text)
	lines = lines[bannerEnd(lines):]
	body := stripQuotes(lines, opt)
	var sig []string
	for pass := 0; pass < maxTailPasses; pass++ {
		body = body[:lastNonBlank(body)+1]
		if k := footerStart(body); k >= 0 {
			body = body[:k]
			continue
		}
		if k := disclaimerStart(body); k >= 0 {
			body = body[:k]
			continue
		}
		// One signature only: a second pass would eat the author's last lines
		// ("Charlotte's Web") as another name block.
		if k := signatureStart(body); k >= 0 {
			sig = body[k:]
			body = body[:k]
		}
		break
	}
	for len(body) > 0 && (isBlank(body[len(body)-1]) || isSeparator(body[len(body)-1]) || isDelimiter(body[len(body)-1])) {
		body = body[:len(body)-1]
	}
	return parts{body: body, sig: sig}
}

// Clean returns the author's own words of a message body: quoted replies removed (lines
// starting ">", "On <date>, <name> wrote:" and everything after it when the rest is
// quoted, localised variants (Am ... schrieb, Le ... a écrit, El ... escribió, Op ...
// schreef, Il ... ha scritto, Den ... skrev, W dniu ... napisał), Outlook "-----Original
// Message-----", "From: ... Sent: ... To: ... Subject:" header blocks,
// "________________________________" + From:, Apple/iOS "Begin forwarded message:" only
// when it ends the author's text), signatures ("-- " delimiter, "Sent from my
// iPhone/iPad/Galaxy", "Get Outlook for iOS", sign-off + name block at the end like
// "Thanks,\nJane" / "Cheers, Jane Smith\nTeacher Librarian\nSt Mary's College"),
// LM_NET-style ID blocks (name / title / school / address / email lines at the end),
// legal disclaimers ("This email and any attachments are confidential",
// "CONFIDENTIALITY NOTICE", "The information contained in this e-mail", "Please consider
// the environment before printing"), and list footers that survived. Inline replies
// (quote, answer, quote, answer) keep the answers.
//
// The result has LF line ends, no trailing spaces, no leading or trailing blank lines
// and no runs of blank lines; it is "" when the author wrote nothing of their own.
func Clean(text string) string {
	return joinLines(analyse(text, options{}).body)
}

// Signature returns what Clean removed as the signature block (for School and for
// tests): from the delimiter, sign-off, name line or phone signature to the end of the
// author's part, without the quoted text, list footer or disclaimer below it. It is ""
// when no signature was recognised.
func Signature(text string) string {
	return joinLines(analyse(text, options{}).sig)
}

// cleanFor is Clean with the options a subject calls for: HIT compilations keep their
// quoted answers, forwards keep a forwarded message that has no text above it.
func cleanFor(s subjectInfo, text string) string {
	opt := options{
		keepQuoted: s.keyword == "hit" && !s.reply,
		forwarded:  s.forward,
	}
	return joinLines(analyse(text, opt).body)
}
