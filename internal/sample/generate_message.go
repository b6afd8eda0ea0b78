package sample

// Assembling a message: headers, charsets and transfer encodings, MIME structure, and the
// list software's changes (LISTSERV's footer in every text part, Mailman's footer part).

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// bodyEnc is how a text part is written.
type bodyEnc struct {
	cs    charset
	label string // the charset as the client spells it
	cte   string // "7bit", "8bit", "quoted-printable", "base64"
}

// bodyEncoding picks the charset and transfer encoding client c uses for text (UTF-8).
func bodyEncoding(c client, st ListStyle, t traits, text []byte) bodyEnc {
	ascii, win1252 := textClass(text)
	switch c {
	case clientOutlook, clientOutlookDE, clientOutlookSV:
		if (c == clientOutlook && t.utf8) || !win1252 {
			return bodyEnc{csUTF8, "utf-8", "quoted-printable"}
		}
		if ascii {
			return bodyEnc{csASCII, "us-ascii", "quoted-printable"}
		}
		return bodyEnc{csWin1252, "windows-1252", "quoted-printable"}
	case clientApple:
		if ascii {
			return bodyEnc{csASCII, "us-ascii", "7bit"}
		}
		return bodyEnc{csUTF8, "utf-8", "quoted-printable"}
	case clientLegacy:
		return bodyEnc{csLatin1, "ISO-8859-1", "quoted-printable"}
	case clientWebmail, clientNaive:
		return bodyEnc{csUTF8, "UTF-8", "base64"}
	case clientNoSpace:
		if ascii && st == LMNet {
			return bodyEnc{csASCII, "us-ascii", "7bit"}
		}
		return bodyEnc{csUTF8, "utf-8", "8bit"}
	}
	// Gmail, and OZTL_NET's UTF-8 as the corpus always had it.
	switch {
	case st == OZTLNet:
		return bodyEnc{csUTF8, "utf-8", "8bit"}
	case ascii:
		return bodyEnc{csASCII, "us-ascii", "7bit"}
	}
	return bodyEnc{csUTF8, "UTF-8", "quoted-printable"}
}

// appendLeaf appends a text part's Content-Type and Content-Transfer-Encoding, a blank
// line and text (UTF-8) encoded as e says.
func appendLeaf(b []byte, mediaType string, e bodyEnc, text []byte) []byte {
	b = append(b, "Content-Type: "...)
	b = append(b, mediaType...)
	b = append(b, `; charset="`...)
	b = append(b, e.label...)
	b = append(b, "\"\nContent-Transfer-Encoding: "...)
	b = append(b, e.cte...)
	b = append(b, "\n\n"...)
	raw := text
	if e.cs == csWin1252 || e.cs == csLatin1 {
		raw = appendIn(make([]byte, 0, len(text)), text, e.cs)
	}
	switch e.cte {
	case "quoted-printable":
		b = appendQP(b, raw)
	case "base64":
		b = appendBase64(b, crlf(raw))
	default:
		b = append(b, raw...)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

// mailman's footer part, as Mailman 2 adds it beside a body it cannot append to.
const ozFooterPart = "Content-Type: text/plain; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: inline\n\n" + ozFooter

// wordEncodingFor is how client c writes non-ASCII header text.
func wordEncodingFor(c client) wordEncoding {
	switch c {
	case clientOutlook, clientOutlookDE, clientOutlookSV:
		return wordEncoding{cs: csWin1252, label: "windows-1252"}
	case clientApple:
		return wordEncoding{cs: csUTF8, label: "utf-8"}
	case clientLegacy:
		return wordEncoding{cs: csLatin1, label: "ISO-8859-1"}
	case clientGmail, clientWebmail:
		return wordEncoding{cs: csUTF8, label: "UTF-8", b: true}
	}
	return wordEncoding{cs: csUTF8, label: "UTF-8"}
}

// headers accumulates a header block.
type headers struct{ b []byte }

func (h *headers) add(k, v string) {
	h.b = append(h.b, k...)
	h.b = append(h.b, ':')
	if v != "" {
		h.b = append(h.b, ' ')
		h.b = append(h.b, v...)
	}
	h.b = append(h.b, '\n')
}

func (h *headers) text(k, v string, e wordEncoding) {
	h.b = append(h.b, k...)
	h.b = append(h.b, ": "...)
	h.b = appendHeaderText(h.b, v, e)
	h.b = append(h.b, '\n')
}

func (h *headers) mailbox(k, name, addr string, e wordEncoding) {
	h.b = append(h.b, k...)
	h.b = append(h.b, ": "...)
	h.b = appendMailbox(h.b, name, addr, e)
	h.b = append(h.b, '\n')
}

// message assembles message i.
func (g corpus) message(i int) []byte {
	st := g.style(i)
	k := g.kind(i)
	p := g.person(i)
	date := g.date(i)
	par := g.parent(i)
	subject := g.subject(i)
	t := g.traits(i)

	// What the message says, and how it threads.
	var c *content
	var inReplyTo, references []string
	var auto autoReplyInfo
	switch k {
	case kindAutoReply:
		auto = g.autoReply(i)
		c = g.autoReplyContent(i, p, auto)
		t = traits{client: clientGmail}
		if auto.exchange {
			t.client = clientOutlook
		}
		if auto.irt {
			inReplyTo = []string{g.messageID(par)}
			if auto.exchange {
				references = inReplyTo
			}
		}
	case kindUnsubscribe:
		t.htmlOnly, t.htmlAlt, t.attach, t.tracking = false, false, 0, false
		c = g.unsubscribeContent(i, p, t)
	case kindDigestReply:
		t.htmlOnly, t.htmlAlt, t.attach, t.tracking = false, false, 0, false
		c = g.postContent(i, t, p)
		d := g.digest(i)
		c.paras = append([]string{d.opener}, c.paras[1:]...)
		c.q = g.digestQuote(i, par, p, d)
		if d.irt != "" {
			inReplyTo = []string{d.irt}
		}
	default:
		c = g.postContent(i, t, p)
		if par >= 0 {
			c.q = g.replyQuote(i, par, t, p)
			if !t.headerless {
				chain := g.ancestors(i)
				inReplyTo = []string{g.messageID(par)}
				refs := chain
				if len(refs) > 20 {
					refs = append(refs[:1:1], refs[len(refs)-19:]...)
				}
				references = make([]string, len(refs))
				for n, ref := range refs {
					references[n] = g.messageID(ref)
				}
			}
		}
	}
	we := wordEncodingFor(t.client)

	mr := g.rng(i, streamMIME)
	mr.Uint64()  // the draw messageID uses
	mr.IntN(100) // the draw multipartDraw uses
	boundary := fmt.Sprintf("=_%s_%d_%08x", boundaryTag[t.client], i, mr.Uint32())
	relayed := date.Add(time.Duration(2+mr.IntN(90)) * time.Second)

	// The plain text first: its size sizes the message, its characters decide the charset.
	plain := c.appendPlain(make([]byte, 0, 16<<10))
	enc := bodyEncoding(t.client, st, t, plain)
	if t.htmlOnly && (enc.cte == "7bit" || enc.cte == "8bit") {
		enc.cte = "quoted-printable" // HTML has long lines; every client encodes it
	}
	size := 4096 + len(plain)*3/2 // QP, a footer, the line ends' CRs
	if t.htmlAlt || t.htmlOnly {
		size += len(plain) * 3
	}
	if t.attach != 0 {
		size += g.attachment(i, t).size*7/5 + 2048
	}

	var h headers
	h.b = make([]byte, 0, size)
	if st == LMNet {
		h.add("Received", fmt.Sprintf("from LISTSERV.EXAMPLE.EDU (listserv.example.edu [192.0.2.25])\n\tby mx.example.org with ESMTPS id %08X;\n\t%s", mr.Uint32(), relayed.UTC().Format(time.RFC1123Z)))
	} else {
		h.add("Received", fmt.Sprintf("from lists.example.edu.au (lists.example.edu.au [198.51.100.7])\n\tby mx.example.org with ESMTPS id %08X;\n\t%s", mr.Uint32(), relayed.UTC().Format(time.RFC1123Z)))
	}
	// The client's own headers.
	if ti := g.threadIndex(i); ti != nil {
		topic := threadTopic(subject)
		switch {
		case k == kindPost && par < 0:
			topic = g.rootSubject(i) // as typed, before Mailman's tag
		case k == kindAutoReply:
			topic = threadTopic(g.subject(par)) // the conversation's, without "Automatic reply:"
		case k == kindDigestReply:
			topic = g.digest(i).title
		}
		h.text("Thread-Topic", topic, we)
		h.add("Thread-Index", base64.StdEncoding.EncodeToString(ti))
	}
	switch {
	case k == kindAutoReply && auto.exchange:
		h.add("Auto-Submitted", "auto-replied")
		h.add("X-Auto-Response-Suppress", "All")
		h.add("X-MS-Exchange-Inbox-Rules-Loop", p.email())
	case k == kindAutoReply && auto.xauto:
		h.add("X-Autoreply", "yes")
	case t.client.outlook():
		lang := "en-US"
		switch {
		case t.client == clientOutlookDE:
			lang = "de-DE"
		case t.client == clientOutlookSV:
			lang = "sv-SE"
		case st == OZTLNet:
			lang = "en-AU"
		}
		h.add("Accept-Language", lang)
		h.add("Content-Language", lang)
		if t.attach != 0 {
			h.add("X-MS-Has-Attach", "yes")
		} else {
			h.add("X-MS-Has-Attach", "")
		}
		h.add("X-MS-TNEF-Correlator", "")
	case t.client == clientApple:
		device := "iPhone"
		if t.ipad {
			device = "iPad"
		}
		h.add("X-Mailer", device+" Mail (21E236)")
	case t.client == clientLegacy:
		h.add("X-Mailer", "QUALCOMM Windows Eudora Version 7.1.0.9")
	case t.client == clientWebmail:
		h.add("X-Mailer", "WebService/1.1.22645 YMailNorrin")
	}

	name := p.name()
	if t.lastFirst {
		name = p.last + ", " + p.first
	}
	if st == LMNet {
		h.add("Date", date.Format(time.RFC1123Z))
		h.add("Reply-To", "School Library Media & Network Communications <"+LMNetAddress+">")
		h.add("Sender", "School Library Media & Network Communications <"+LMNetAddress+">")
		h.mailbox("From", name, p.email(), we)
		h.text("Subject", subject, we)
		h.add("To", LMNetAddress)
	} else {
		h.mailbox("From", name, p.email(), we)
		h.add("To", OZTLNetAddress)
		h.add("Date", date.Format(time.RFC1123Z))
		h.text("Subject", subject, we)
	}
	h.add("Message-ID", g.messageID(i))
	if len(inReplyTo) > 0 {
		h.add("In-Reply-To", inReplyTo[0])
	}
	if len(references) > 0 {
		h.add("References", strings.Join(references, "\n "))
	}
	h.add("MIME-Version", "1.0")
	if st == OZTLNet {
		h.add("Sender", `"OZTL_NET" <oztl_net-bounces@lists.example.edu.au>`)
		h.add("Errors-To", "oztl_net-bounces@lists.example.edu.au")
		h.add("X-BeenThere", OZTLNetAddress)
		h.add("X-Mailman-Version", "2.1.39")
		h.add("Precedence", "list")
		h.add("List-Id", "Teacher librarians in Australia and beyond "+OZTLNetListID)
		h.add("List-Unsubscribe", "<https://lists.example.edu.au/mailman/options/oztl_net>,\n <mailto:oztl_net-request@lists.example.edu.au?subject=unsubscribe>")
		h.add("List-Archive", "<https://lists.example.edu.au/pipermail/oztl_net/>")
		h.add("List-Post", "<mailto:"+OZTLNetAddress+">")
		h.add("List-Help", "<mailto:oztl_net-request@lists.example.edu.au?subject=help>")
		h.add("List-Subscribe", "<https://lists.example.edu.au/mailman/listinfo/oztl_net>,\n <mailto:oztl_net-request@lists.example.edu.au?subject=subscribe>")
	} else {
		h.add("Precedence", "list")
		h.add("List-Help", "<https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET>,\n <mailto:LISTSERV@LISTSERV.EXAMPLE.EDU?body=INFO%20LM_NET>")
		h.add("List-Unsubscribe", "<mailto:LM_NET-unsubscribe-request@LISTSERV.EXAMPLE.EDU>")
		h.add("List-Subscribe", "<mailto:LM_NET-subscribe-request@LISTSERV.EXAMPLE.EDU>")
		h.add("List-Owner", "<mailto:LM_NET-request@LISTSERV.EXAMPLE.EDU>")
		h.add("List-Archive", "<https://listserv.example.edu/cgi-bin/wa?LIST=LM_NET>")
	}

	// The body. LISTSERV appends its footer to every text part; Mailman appends it to a
	// plain-text body in a charset it can write (ASCII or UTF-8) and otherwise adds it as
	// a part of its own, wrapping a single-part message in multipart/mixed.
	footer := g.footerOf(i)
	lm := st == LMNet
	mmCanAppend := enc.cs == csASCII || enc.cs == csUTF8
	b := h.b
	switch {
	case t.attach != 0:
		b = g.appendWithAttachment(b, i, t, c, enc, plain, footer, boundary)
	case t.htmlAlt:
		if lm {
			b = appendMultipartStart(b, "alternative", boundary, true)
			b = appendBoundary(b, boundary)
			b = appendLeaf(b, "text/plain", enc, append(plain, footer...))
			b = appendBoundary(b, boundary)
			b = appendLeaf(b, "text/html", enc, g.html(i, t, c, enc, footer))
			b = appendClose(b, boundary)
		} else {
			outer := boundary + "_mm"
			b = appendMultipartStart(b, "mixed", outer, false)
			b = appendBoundary(b, outer)
			b = appendMultipartStart(b, "alternative", boundary, false)
			b = appendBoundary(b, boundary)
			b = appendLeaf(b, "text/plain", enc, plain)
			b = appendBoundary(b, boundary)
			b = appendLeaf(b, "text/html", enc, g.html(i, t, c, enc, ""))
			b = appendClose(b, boundary)
			b = append(b, '\n')
			b = appendBoundary(b, outer)
			b = append(b, ozFooterPart...)
			b = appendClose(b, outer)
		}
	case t.htmlOnly:
		if lm {
			b = appendLeaf(b, "text/html", enc, g.html(i, t, c, enc, footer))
		} else {
			b = appendMultipartStart(b, "mixed", boundary, false)
			b = appendBoundary(b, boundary)
			b = appendLeaf(b, "text/html", enc, g.html(i, t, c, enc, ""))
			b = appendBoundary(b, boundary)
			b = append(b, ozFooterPart...)
			b = appendClose(b, boundary)
		}
	case lm || mmCanAppend:
		b = appendLeaf(b, "text/plain", enc, append(plain, footer...))
	default:
		b = appendMultipartStart(b, "mixed", boundary, false)
		b = appendBoundary(b, boundary)
		b = appendLeaf(b, "text/plain", enc, plain)
		b = appendBoundary(b, boundary)
		b = append(b, ozFooterPart...)
		b = appendClose(b, boundary)
	}
	return toCRLF(b)
}

// boundaryTag makes each client's MIME boundaries look a little different.
var boundaryTag = map[client]string{
	clientGmail: "gm", clientOutlook: "000_EX", clientOutlookDE: "000_EX", clientOutlookSV: "000_EX",
	clientApple: "Apple-Mail", clientLegacy: "eudora", clientWebmail: "Part", clientNaive: "Part", clientNoSpace: "mp",
}

func appendMultipartStart(b []byte, subtype, boundary string, preamble bool) []byte {
	b = append(b, "Content-Type: multipart/"...)
	b = append(b, subtype...)
	b = append(b, `; boundary="`...)
	b = append(b, boundary...)
	b = append(b, "\"\n\n"...)
	if preamble {
		b = append(b, "This is a multi-part message in MIME format.\n\n"...)
	}
	return b
}

func appendBoundary(b []byte, boundary string) []byte {
	b = append(b, "--"...)
	b = append(b, boundary...)
	return append(b, '\n')
}

func appendClose(b []byte, boundary string) []byte {
	b = append(b, "--"...)
	b = append(b, boundary...)
	return append(b, "--\n"...)
}

// toCRLF turns the "\n" line ends of a whole message into CRLF, in place when b has room.
func toCRLF(b []byte) []byte {
	n := bytes.Count(b, []byte{'\n'})
	if cap(b)-len(b) < n {
		return crlf(b)
	}
	ends := make([]int, 0, n)
	for off := 0; ; {
		k := bytes.IndexByte(b[off:], '\n')
		if k < 0 {
			break
		}
		ends = append(ends, off+k)
		off += k + 1
	}
	// Move each line to its place from the end, where it moves furthest.
	r, w := len(b), len(b)+n
	b = b[:w]
	for k := len(ends) - 1; k >= 0; k-- {
		e := ends[k]
		w -= r - (e + 1)
		copy(b[w:], b[e+1:r])
		w -= 2
		b[w], b[w+1] = '\r', '\n'
		r = e
	}
	return b
}
