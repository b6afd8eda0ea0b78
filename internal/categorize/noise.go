package categorize

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// headerNoise is the first layer: signals that a message was written by a machine (an
// auto-reply, a bounce, a read receipt) or is a list command posted to the list. It
// returns the reason, or "" when the message looks like a person's post. Only strong
// signals count: a real post wrongly hidden costs a reader far more than a stray
// out-of-office costs them.
func headerNoise(in Input, subject subjectParts, body []token) string {
	if r := autoHeaders(in); r != "" {
		return r
	}
	if r := reportType(in); r != "" {
		return r
	}
	if r := autoSubject(subject.Clean); r != "" {
		return r
	}
	if r := commandPost(subject.Clean, in.Text); r != "" {
		return r
	}
	return autoReplyBody(body)
}

// autoHeaders checks the headers RFC 3834 and common responders set. Precedence "list"
// and "bulk" are on all list mail and say nothing.
func autoHeaders(in Input) string {
	if v := strings.ToLower(strings.TrimSpace(in.AutoSubmitted)); v != "" && v != "no" {
		return fmt.Sprintf("header Auto-Submitted: %s", in.AutoSubmitted)
	}
	if v := strings.ToLower(strings.TrimSpace(in.XAutoreply)); v != "" && v != "no" && v != "false" && v != "0" {
		return fmt.Sprintf("header X-Autoreply: %s", in.XAutoreply)
	}
	switch strings.ToLower(strings.TrimSpace(in.Precedence)) {
	case "auto_reply", "auto-reply", "autoreply":
		return fmt.Sprintf("header Precedence: %s", in.Precedence)
	}
	return ""
}

// reportTypes are the media types of bounces (DSN) and read receipts (MDN).
var reportTypes = []string{
	"multipart/report", "message/delivery-status", "message/global-delivery-status",
	"message/disposition-notification", "message/global-disposition-notification",
}

func reportType(in Input) string {
	if r := isReportType(in.ContentType); r != "" {
		return r
	}
	for _, t := range in.PartTypes {
		if r := isReportType(t); r != "" {
			return r
		}
	}
	return ""
}

func isReportType(t string) string {
	t = strings.TrimSpace(t)
	for _, r := range reportTypes {
		if strings.EqualFold(t, r) {
			return fmt.Sprintf("content type %s (a bounce or receipt)", r)
		}
	}
	return ""
}

// autoSubjectPrefixes start the subjects of auto-replies, bounces and read receipts, in
// the languages list members' mail servers speak. Lower-case.
var autoSubjectPrefixes = []string{
	"out of office", "out of the office", "automatic reply", "auto reply", "auto-reply",
	"autoreply", "auto response", "auto-response", "automatische antwort", "abwesenheitsnotiz",
	"réponse automatique", "reponse automatique", "absence du bureau", "respuesta automática",
	"respuesta automatica", "risposta automatica", "automatisch antwoord", "afwezigheidsbericht",
	"autosvar", "fuera de la oficina", "undeliverable", "undelivered mail", "delivery status notification",
	"delivery delayed", "message undeliverable", "message not delivered", "delivery notification",
	"delivery failure", "delivery has failed", "mail delivery failed", "mail delivery failure",
	"returned mail", "mail system error", "failure notice", "non remis", "unzustellbar",
	"read:", "read receipt", "not read:", "lu :", "lu:", "gelesen:", "leído:", "leido:",
}

// autoSubjectAnywhere are phrases that mark an auto-reply wherever they are in a subject
// ("Jane Smith is out of the office", "Re: TARGET: x [auto-reply]").
var autoSubjectAnywhere = []string{
	"is out of the office", "out of office autoreply", "[auto-reply]", "(auto-reply)",
	"autoreply:", "automatic reply:",
}

func autoSubject(clean string) string {
	low := strings.ToLower(clean)
	for _, p := range autoSubjectPrefixes {
		if strings.HasPrefix(low, p) {
			shown := p
			if len(low) == len(clean) { // quote it as written when lower-casing kept the offsets
				shown = clean[:len(p)]
			}
			return fmt.Sprintf("subject starts %q (an auto-reply, bounce or receipt)", shown)
		}
	}
	for _, p := range autoSubjectAnywhere {
		if strings.Contains(low, p) {
			return fmt.Sprintf("subject contains %q (an auto-reply)", p)
		}
	}
	return ""
}

// commandRe matches a line that is only a list command or a request to leave: what
// members post to the list instead of to LISTSERV or Mailman.
var commandRe = regexp.MustCompile(`^(?:(?:please|pls|kindly|can you|could you)\s+)?` +
	`(?:(?:unsubscribe|unsub|subscribe|signoff|sign off|sign-off|remove|delete|take)\s*(?:me|my (?:e-?mail|address|name))?` +
	`(?:\s*(?:off|from))?(?:\s*(?:the|this|your))?(?:\s*(?:list|mailing list|listserv|group|lm_net|oztl_net|[a-z0-9_.-]+@[a-z0-9.-]+))?` +
	`|set\s+\S+\s+(?:nomail|mail|digest|index|nodigest)|signoff\s+\S+)` +
	`(?:\s*(?:please|now|asap|thanks|thank you|thx|immediately))*$`)

// commandWords bounds how long a command post can be, signature included: a member's
// "unsubscribe" has their ID signature under it, but not much more.
const commandWords = 60

// commandPost reports a message whose first line, or whose subject over a short body, is
// only "unsubscribe", "SIGNOFF LM_NET", "remove me" and the like.
func commandPost(clean, text string) string {
	line, words := firstLine(text)
	if words > commandWords {
		return ""
	}
	if isCommand(line) {
		return fmt.Sprintf("body is only a list command (%q)", line)
	}
	// A subject alone is weaker evidence ("Remove?" over a question about weeding), so the
	// body must be no more than a signature and ask nothing, and a bare verb is not enough.
	if words <= commandWords/4 && !strings.Contains(text, "?") && isCommand(clean) && !bareVerb(clean) {
		return fmt.Sprintf("subject is only a list command (%q)", clean)
	}
	return ""
}

func bareVerb(s string) bool {
	switch strings.Trim(strings.ToLower(s), " .!?") {
	case "remove", "delete", "take":
		return true
	}
	return false
}

// commandHints are words every command post has; checking for them first keeps the
// regular expression off ordinary first lines.
var commandHints = []string{"sub", "sign", "remove", "delete", "take", "set "}

// isCommand normalises s (lower-case, no punctuation around words) and matches commandRe.
func isCommand(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 120 || !containsAny(s, commandHints) {
		return false
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case '.', ',', '!', '?', '"', '\'', '*', '(', ')':
			return ' '
		}
		return r
	}, s)
	return commandRe.MatchString(strings.Join(strings.Fields(s), " "))
}

// firstLine returns the first non-empty line of text and the number of words in the
// text, counting only as far as commandWords+1.
func firstLine(text string) (string, int) {
	line := ""
	words := wordCount(text, commandWords+1)
	rest := text
	for rest != "" && line == "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSpace(l)
	}
	return line, words
}

// autoReplyCues are phrases of out-of-office and mailbox-closed replies, matched as
// words (so "auto-reply" is "auto reply"). One of them is not enough (a person may write
// "I am away until Monday, but..."); two in the opening lines are, or one strong cue in
// a short text.
var autoReplyCues = newPhraseSet(
	"out of the office", "out of office", "automatic reply", "automated reply", "automatic response",
	"automated response", "auto reply", "autoreply", "auto response", "no longer monitored",
	"not monitored", "not monitoring", "no longer in use", "limited access to email",
	"limited access to my email", "limited email access", "limited access to e-mail",
	"no access to email", "no access to my email", "without access to email",
	"not be checking", "not checking email", "not be accessing", "on leave until", "away until",
	"absent until", "returning on", "return on", "will be back on", "back in the office",
	"respond to your email", "respond to your message", "reply to your email",
	"reply to your message", "when i return", "upon my return", "on my return",
	"thank you for your email", "thank you for your message", "thanks for your email",
	"thanks for your message", "no longer work at", "no longer working at", "no longer employed",
	"annual leave", "long service leave", "maternity leave", "parental leave", "on leave",
	"ich bin bis", "abwesend", "je suis absent", "en congé", "fuera de la oficina",
	"fuori ufficio", "for urgent matters", "for urgent enquiries", "for urgent inquiries",
	"if your matter is urgent", "if your enquiry is urgent", "if your message is urgent",
)

// strongAutoReplyCues settle it alone when the text is short: nobody writes these to a
// list except a machine.
var strongAutoReplyCues = []string{
	"out of the office", "out of office", "automatic reply", "automated reply", "automatic response",
	"automated response", "auto reply", "autoreply", "auto response", "no longer monitored",
	"no access to email", "not be checking", "no longer in use", "limited access to email",
}

// mailboxVoices are how auto-replies speak: in the first person, or as the mailbox. A
// text about auto-replies ("please don't let your out of office reach the list") speaks
// to "you" instead.
var mailboxVoices = newPhraseSet(
	"i", "my", "mailbox", "inbox", "this is an automatic", "this is an automated",
	"this is an auto", "email address", "e-mail address", "this account", "ich", "je", "estoy", "sono", "ik",
)

// shortAutoReply bounds the text, in words, that one strong cue settles.
const shortAutoReply = 60

// autoReplyBody reports text whose opening (tokenised as body) reads like an
// out-of-office reply.
func autoReplyBody(body []token) string {
	words := body[:min(len(body), headWords)]
	voiced := false
	for i := range words {
		if voiced = mailboxVoices.match(words, i) >= 0; voiced {
			break
		}
	}
	var found []string
	for i := 0; i < len(words); i++ {
		p := autoReplyCues.match(words, i)
		if p < 0 {
			continue
		}
		cue := autoReplyCues.phrases[p]
		if !slices.Contains(found, cue.text) {
			found = append(found, cue.text)
		}
		i += len(cue.keys) - 1
	}
	switch {
	case !voiced || len(found) == 0:
		return ""
	case len(found) >= 2:
		return fmt.Sprintf("body reads like an auto-reply (%q, %q)", found[0], found[1])
	case slices.Contains(strongAutoReplyCues, found[0]) && len(words) <= shortAutoReply:
		return fmt.Sprintf("short body reads like an auto-reply (%q)", found[0])
	}
	return ""
}

// wordCount counts the words of text, stopping at limit.
func wordCount(text string, limit int) int {
	words := 0
	inWord := false
	for i := 0; i < len(text) && words < limit; i++ {
		space := text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'
		if !space && !inWord {
			words++
		}
		inWord = !space
	}
	return words
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
