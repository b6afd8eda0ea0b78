package gist

import (
	"strings"
)

// maxHeaderLen caps the length of a line that may start an attribution or a header
// block. Real ones are short; the cap keeps the recognisers cheap on 100 KB lines.
const maxHeaderLen = 400

// attributionSpan is how many lines an attribution may be wrapped over ("On ..., Jane
// Smith <\njane@x.edu> wrote:"); Polymail's form with a blank line inside gets
// attributionSpanOn lines when it starts with "On" and a date.
const (
	attributionSpan   = 3
	attributionSpanOn = 6
)

// verbsEnd are the attribution verbs that end an attribution ("... wrote:"), lower-case,
// in the languages list mail arrives in.
var verbsEnd = []string{
	"wrote", "writes", "a écrit", "escribió", "escreveu", "ha scritto", "scrisse", "schreef",
	"geschreven", "skrev", "skrifaði", "napisał", "napisała", "napisał(a)", "kirjoitti",
	"написал", "написала", "написал(а)", "đã viết", "írta", "yazdı", "napsal", "napsala",
	"schrieb", "写道", "寫道", "書きました",
}

// verbsInside are verbs that languages with verb-second word order put before the
// name ("Am 13.12.2017 schrieb Jane <j@x.de>:", "Op ... schreef Jan <...>:").
var verbsInside = []string{
	"schrieb", "schreef", "skrev", "escribió", "a écrit", "ha scritto", "napisał", "escreveu",
	"wrote", "geschreven", "đã viết", "kirjoitti", "írta", "napsal",
}

// leadWords start a dated attribution in each language ("On", "Am", "Le", "El", "Op",
// "Il", "In data", "Den", "På", "W dniu", "Dnia", "Em", "Vào", "Dne"), lower-case with
// the following space.
var leadWords = []string{
	"on ", "am ", "le ", "el ", "op ", "il ", "in data ", "den ", "på ", "w dniu ", "dnia ",
	"em ", "vào ", "dne ",
}

// attributionAt reports whether an attribution line ("On <date>, <name> wrote:" and its
// localised and wrapped forms) starts at lines[i]. span is how many lines it takes;
// col > 0 means it starts inside the line after the author's text ("reply On ...
// wrote:"), which then keeps lines[i][:col].
func attributionAt(lines []string, quoted []bool, i int) (span, col int, ok bool) {
	first := trim(lines[i])
	if first == "" || len(first) > maxHeaderLen {
		return 0, 0, false
	}
	// A wrapped attribution starts like one: with a lead word, a date, an address or
	// dashes. Otherwise "Thanks Thanmai\n On Mar 8, ... wrote:" would start a line early.
	multi := startsAttribution(first)
	if !multi && !mayEndAttribution(first) {
		return 0, 0, false // most lines: cheap way out
	}
	maxSpan := attributionSpan
	if hasPrefixFold(strings.TrimLeft(first, "-* "), "on ") && hasDateish(first) {
		maxSpan = attributionSpanOn
	}
	joined := ""
	for k := 0; k < maxSpan && i+k < len(lines); k++ {
		if k > 0 && !multi {
			break
		}
		if k > 0 && quoted[i+k] && !quotedCloser(lines[i+k]) {
			break
		}
		l := trim(lines[i+k])
		if l == "" {
			if maxSpan == attributionSpan {
				break
			}
			continue
		}
		if len(joined)+len(l) > 2*maxHeaderLen {
			break
		}
		if joined == "" {
			joined = l
		} else {
			joined += " " + l
		}
		if !mayEndAttribution(l) {
			if endsSentence(l) {
				// Attributions wrap inside a clause; a finished sentence ("On 3 March
				// we meet.") is the author's, even when "Jane wrote:" follows.
				break
			}
			continue
		}
		next := nextNonBlank(lines, i+k+1)
		nextQuoted := next < len(lines) && quoted[next]
		if nextQuoted && next-i < maxSpan && quotedCloser(lines[next]) {
			continue // the attribution ends on the "> wrote:" below
		}
		if k == 0 {
			if c := inlineAttribution(lines[i]); c > 0 {
				return 1, c, true
			}
		}
		if isAttribution(joined, first, nextQuoted) {
			return k + 1, 0, true
		}
	}
	return 0, 0, false
}

// startsAttribution reports whether a line can be the first of a wrapped attribution.
func startsAttribution(first string) bool {
	if (strings.HasPrefix(first, "-") && hasLetter(first)) || hasDateish(first) || hasEmail(first) {
		return true
	}
	for _, w := range leadWords {
		if hasPrefixFold(first, w) {
			return true
		}
	}
	return false
}

// quotedCloser reports Polymail's "> wrote:" and Gmail's ">:": the end of an
// attribution whose address was wrapped onto a line starting with ">".
func quotedCloser(l string) bool {
	u := trim(strings.TrimPrefix(trim(l), ">"))
	if u == ":" || u == "：" {
		return true // "<jane@x.com\n>:", the address's closing bracket wrapped
	}
	return words(u) <= 2 && mayEndAttribution(u) && hasSuffix(lower(strings.TrimRight(u, ":： ")), verbsEnd...)
}

// mayEndAttribution is a cheap filter: the last line of an attribution ends with a
// colon, a closing bracket, dashes, or a verb.
func mayEndAttribution(l string) bool {
	switch lastRune(l) {
	case ':', '：', '>', '-', ')':
		return true
	}
	return hasSuffixFold(l, "wrote") || hasSuffixFold(l, "writes")
}

// isAttribution decides whether the joined attribution candidate t is one. first is
// its first line, nextQuoted whether quoted text follows it.
func isAttribution(t, first string, nextQuoted bool) bool {
	core := strings.TrimLeft(t, "-*_ ")
	trimmed := strings.TrimRight(core, "-*_ ")
	decorated := len(trimmed) < len(core) && strings.HasSuffix(strings.TrimRight(core, " "), "--")
	colon := strings.HasSuffix(trimmed, ":") || strings.HasSuffix(trimmed, "：")
	body := strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(trimmed, ":"), "："), " ")
	l := lower(body)
	email := hasAddress(t)
	date := hasDateish(first)
	if words(body) > 45 {
		return false
	}
	lead := ""
	for _, w := range leadWords {
		if strings.HasPrefix(l, w) {
			lead = w
			break
		}
	}
	switch {
	case lead == "on ":
		// English: the verb must end it; "On the other hand ... wrote:" has no date.
		if hasSuffix(l, "wrote", "writes", "sent", "wrote on") {
			return colon || decorated || (date && email)
		}
	case lead != "":
		if containsAny(l, verbsInside) && (colon || decorated) && (date || email) {
			return true
		}
	}
	if hasSuffix(l, verbsEnd...) && (colon || decorated) && (date || email || decorated) {
		return true
	}
	// "Jeffrey Krzysztow wrote:" straight above the quote it introduces.
	if hasSuffix(l, "wrote", "writes") && colon && nextQuoted && words(body) <= 6 {
		return true
	}
	// "-- Geoff Armstrong wrote on Wed 5 Jul 15:35 PM --".
	if decorated && date && containsWord(l, "wrote") {
		return true
	}
	// "2014-10-17 11:28 GMT+03:00 Postmaster <postmaster@x.org>:", "ср, 30 апр. 2025 г.
	// в 15:19, John Doe <doe@example.com>:", Gmail's "2011/4/7 Nathan <n@x.com>" and
	// mutt's "* Carl Knoos (ck@x.com) [000331 01:39]:".
	if date && email {
		end := strings.TrimRight(body, " ")
		switch lastRune(end) {
		case '>', ')', ']':
			return colon || nextQuoted
		}
	}
	return false
}

// inlineAttribution finds "On <date> ... wrote:" that starts inside a line after the
// author's own words ("reply--- On Wed, Apr 4, 2012 at 3:59 PM, bob@x.com wrote:") and
// returns where it starts, or 0.
//
// Offsets are found in line itself, not in a lower-cased copy: lower-casing can change
// byte lengths ("Ⱥ"), and a copy's offsets would then cut line in the wrong place.
func inlineAttribution(line string) int {
	if !hasSuffixFold(strings.TrimRight(line, ": "), "wrote") {
		return 0
	}
	for i := 1; i+3 <= len(line); i++ {
		if line[i] != 'o' && line[i] != 'O' || !hasPrefixFold(line[i:], "on ") || isWordRune(lastRune(line[:i])) {
			continue
		}
		rest := line[i:]
		if hasDateish(rest) && hasAddress(rest) && isAttribution(rest, rest, true) {
			return i
		}
	}
	return 0
}

// hasSuffix reports whether s ends with one of the suffixes (all lower-case).
func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) && (len(s) == len(x) || !isWordRune(lastRune(s[:len(s)-len(x)]))) {
			return true
		}
	}
	return false
}

// containsAny reports whether the lower-case s contains one of the words.
func containsAny(s string, list []string) bool {
	for _, w := range list {
		if containsWord(s, w) {
			return true
		}
	}
	return false
}

// Header block keys, by what they mean. Outlook and webmail write the quoted
// message's header as a block of "Key: value" lines in the reader's language.
const (
	keyNone = iota
	keyFrom
	keySent
	keyDate
	keyTo
	keyCc
	keySubject
)

// headerKeys maps a lower-case header key to its meaning.
var headerKeys = map[string]int{
	"from": keyFrom, "von": keyFrom, "de": keyFrom, "da": keyFrom, "van": keyFrom,
	"fra": keyFrom, "från": keyFrom, "od": keyFrom, "от": keyFrom, "lähettäjä": keyFrom,
	"feladó": keyFrom, "kimden": keyFrom, "发件人": keyFrom, "寄件者": keyFrom, "remitente": keyFrom,

	"sent": keySent, "gesendet": keySent, "envoyé": keySent, "envoyé le": keySent,
	"inviato": keySent, "verzonden": keySent, "sendt": keySent, "skickat": keySent,
	"wysłano": keySent, "wysłane": keySent, "enviado": keySent, "enviada": keySent,
	"enviado el": keySent, "отправлено": keySent, "lähetetty": keySent, "elküldve": keySent,
	"发送时间": keySent, "sent by": keySent,

	"date": keyDate, "datum": keyDate, "dato": keyDate, "data": keyDate, "fecha": keyDate,
	"дата": keyDate, "päivämäärä": keyDate, "message du": keyDate, "日期": keyDate,

	"to": keyTo, "an": keyTo, "à": keyTo, "a": keyTo, "aan": keyTo, "til": keyTo,
	"till": keyTo, "do": keyTo, "para": keyTo, "кому": keyTo, "vastaanottaja": keyTo,
	"címzett": keyTo, "收件人": keyTo, "pour": keyTo,

	"cc": keyCc, "kopie": keyCc, "copie": keyCc, "copie à": keyCc, "kopia": keyCc,
	"копия": keyCc, "kopio": keyCc, "cc.": keyCc,

	"subject": keySubject, "betreff": keySubject, "objet": keySubject, "oggetto": keySubject,
	"onderwerp": keySubject, "emne": keySubject, "ämne": keySubject, "temat": keySubject,
	"asunto": keySubject, "assunto": keySubject, "тема": keySubject, "aihe": keySubject,
	"tárgy": keySubject, "sujet": keySubject, "主题": keySubject, "主旨": keySubject,
}

// headerKey parses "Key: value" (also "*From:*", "De :", "Objet\u00a0:") and returns the
// key's meaning and the value. Keys are short, so only the first 24 bytes are searched.
func headerKey(line string) (key int, value string) {
	head := line
	if len(head) > 40 {
		head = head[:40]
	}
	if strings.IndexByte(head, ':') < 0 && !strings.Contains(head, "：") {
		return keyNone, "" // no colon near the start: not a header line
	}
	s := strings.TrimLeft(trim(line), "*")
	n := len(s)
	if n > 24 {
		n = 24
	}
	c := strings.IndexAny(s[:n], ":：")
	if c <= 0 {
		return keyNone, ""
	}
	k := lower(strings.TrimRight(trim(s[:c]), "*"))
	k = strings.TrimFunc(k, isSpace)
	key = headerKeys[k]
	if key == keyNone {
		return keyNone, ""
	}
	rest := s[c:]
	if strings.HasPrefix(rest, "：") {
		rest = rest[len("："):]
	} else {
		rest = rest[1:]
	}
	return key, trim(strings.TrimLeft(rest, "* "))
}

// headerBlockAt reports whether an Outlook-style quoted header block ("From: ...",
// "Sent: ...", "To: ...", "Subject: ...", in any of the supported languages) starts at
// lines[i], and returns the index just past it.
//
// A block must start with From, Sent or Date, and is accepted with From holding an
// address, with From and three different keys including Sent or Subject, or with a
// Date or Sent and an address elsewhere. That keeps out event announcements ("From:
// 3:30pm\nTo: 5pm\nDate: every Tuesday") and Q&A ("A: yes").
func headerBlockAt(lines []string, i int) (end int, ok bool) {
	if len(lines[i]) > maxHeaderLen {
		return i, false
	}
	key, val := headerKey(lines[i])
	if key != keyFrom && key != keySent && key != keyDate {
		return i, false
	}
	if key == keyFrom && oneLineHeader(val) {
		return i + 1, true
	}
	var seen keySet
	fromAt, anyAt := false, false
	cont := 0
	j := i
	for ; j < len(lines) && j < i+16; j++ {
		l := lines[j]
		if isBlank(l) || len(l) > maxHeaderLen {
			break
		}
		k, v := headerKey(l)
		if k == keyNone {
			// Wrapped values ("From: Human Resources\n<hr@x.com>") continue a key.
			if cont++; cont > 2 {
				break
			}
			if hasEmail(l) {
				anyAt = true
				if seen.only(keyFrom) {
					fromAt = true
				}
			}
			continue
		}
		if seen.has(k) {
			break // a header names each key once: this is the next block, or a list
		}
		cont = 0
		seen.add(k)
		if hasEmail(v) || strings.Contains(v, "[mailto:") {
			anyAt = true
			if k == keyFrom {
				fromAt = true
			}
		}
	}
	switch {
	case seen.count() < 2:
		return i, false
	case seen.has(keyFrom) && fromAt:
		return j, true
	case seen.has(keyFrom) && seen.count() >= 3 && (seen.has(keySent) || seen.has(keySubject)):
		// Outlook without addresses: "From: Jane Smith\nSent: ...\nTo: ...\nSubject:".
		return j, true
	case !seen.has(keyFrom) && (seen.has(keyDate) || seen.has(keySent)) && anyAt:
		return j, true
	}
	return i, false
}

// keySet is a set of header key meanings, as bits.
type keySet uint8

func (s *keySet) add(k int)      { *s |= 1 << k }
func (s keySet) has(k int) bool  { return s&(1<<k) != 0 }
func (s keySet) only(k int) bool { return s == 1<<k }
func (s keySet) count() (n int) {
	for ; s != 0; s &= s - 1 {
		n++
	}
	return n
}

// oneLineHeader reports the old Outlook and Lotus form that puts the whole quoted
// header on one line: "From: Jane [mailto:j@x.edu] Sent: Monday ... To: ... Subject: ...".
func oneLineHeader(v string) bool {
	l := lower(v)
	return (strings.Contains(l, " sent:") || strings.Contains(l, " date:")) &&
		(strings.Contains(l, " to:") || strings.Contains(l, " subject:"))
}

// originalMarkers are the words between the dashes of "-----Original Message-----"
// in the languages Outlook and webmail write them, lower-case.
var originalMarkers = map[string]bool{
	"original message": true, "original": true, "ursprüngliche nachricht": true,
	"message d'origine": true, "message d’origine": true, "oprindelig besked": true,
	"oprindelig meddelelse": true, "mensaje original": true, "messaggio originale": true,
	"oorspronkelijk bericht": true, "alkuperäinen viesti": true, "opprinnelig melding": true,
	"ursprungligt meddelande": true, "wiadomość oryginalna": true, "mensagem original": true,
	"исходное сообщение": true, "původní zpráva": true, "eredeti üzenet": true,
	"reply message": true, "original mail": true, "原始邮件": true, "原始郵件": true,
	"mail original": true, "originalnachricht": true,
}

// forwardMarkers are the same for forwarded messages.
var forwardMarkers = map[string]bool{
	"forwarded message": true, "forwarded message follows": true, "forwarded by": true,
	"weitergeleitete nachricht": true, "message transféré": true, "mensaje reenviado": true,
	"messaggio inoltrato": true, "doorgestuurd bericht": true, "videresendt melding": true,
	"videresendt meddelelse": true, "vidarebefordrat meddelande": true,
	"wiadomość przekazana": true, "mensagem encaminhada": true,
	"пересылаемое сообщение": true, "přeposlaná zpráva": true, "továbbított üzenet": true,
	"转发的邮件": true, "forwarded e-mail": true, "forwarded email": true,
}

// forwardLines are forward headers without dashes (Apple Mail and its translations),
// lower-case, without the trailing colon.
var forwardLines = map[string]bool{
	"begin forwarded message": true, "début du message réexpédié": true,
	"anfang der weitergeleiteten nachricht": true, "inizio messaggio inoltrato": true,
	"comienzo del mensaje reenviado": true, "doorgestuurd bericht": true,
	"início da mensagem reencaminhada": true, "videresendt besked": true,
	"vidarebefordrat brev": true, "начало переадресованного сообщения": true,
}

// dashedMarker returns the lower-case words inside a "---- words ----" line, or "".
func dashedMarker(line string) string {
	s := strings.Trim(trim(line), "*_ ")
	if !strings.HasPrefix(s, "--") || !strings.HasSuffix(s, "--") {
		return ""
	}
	return lower(trim(strings.Trim(s, "-")))
}

// isOriginalMessage reports "-----Original Message-----" and its translations.
func isOriginalMessage(line string) bool {
	if len(line) > 120 || !strings.Contains(line, "--") {
		return false
	}
	return originalMarkers[dashedMarker(line)]
}

// isForwardMarker reports a forwarded-message header line.
func isForwardMarker(line string) bool {
	t := trim(line)
	// Every marker starts with dashes or ends with a colon; most lines do neither.
	if len(t) > 120 || t == "" || (t[0] != '-' && t[0] != '*' && t[0] != '_' && lastRune(t) != ':' && lastRune(t) != '：') {
		return false
	}
	if forwardMarkers[dashedMarker(line)] {
		return true
	}
	s := lower(strings.Trim(trim(line), "*_ "))
	s = strings.TrimRight(strings.TrimRight(s, ":："), " \u00a0")
	return forwardLines[s]
}

// mobilePrefixes start the signature phones and mail apps add ("Sent from my iPad",
// "Get Outlook for iOS", "Envoyé de mon iPhone"), lower-case.
var mobilePrefixes = []string{
	"sent from my ", "sent from ", "sent with ", "sent via ", "sent using ", "get outlook for ",
	"envoyé de mon ", "envoyé depuis mon ", "envoyé à partir de ", "envoyé de ", "envoyé depuis ",
	"gesendet von meinem ", "gesendet von ", "gesendet mit ", "von meinem ", "enviado desde mi ",
	"enviado desde ", "enviado do meu ", "enviado de meu ", "enviado do ", "enviado de mi ",
	"verzonden vanaf mijn ", "verzonden vanaf ", "verstuurd vanaf mijn ", "verstuurd vanaf ",
	"inviato da ", "inviato dal mio ", "skickat från min ", "skickat från ", "sendt fra min ",
	"sendt fra ", "wysłane z ", "wysłano z ", "отправлено с ", "lähetetty ", "odesláno z ",
}

// isMobileSig reports a one-line mail-app signature. At most six words may follow the
// prefix, so "Sent from my desk, is much easier then my mobile phone." stays text.
func isMobileSig(line string) bool {
	s := trim(line)
	// Every prefix starts with one of these bytes (0xd0 leads Cyrillic "о").
	if len(s) > 160 || s == "" || strings.IndexByte("sSgGeEvVwWiIlLoO\xd0", s[0]) < 0 {
		return false
	}
	for _, p := range mobilePrefixes {
		if !hasPrefixFold(s, p) {
			continue
		}
		rest := s[len(p):]
		// A link the app appends ("Get Outlook for iOS<https://aka.ms/o0ukef>").
		if k := strings.IndexAny(rest, "<("); k > 0 {
			rest = rest[:k]
		}
		n := words(rest)
		return n >= 1 && n <= 6
	}
	return false
}
