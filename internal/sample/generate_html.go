package sample

import (
	"fmt"
	"html"
	"strings"
)

// HTML bodies as the clients write them: Gmail's plain divs, desktop Outlook's Word HTML
// (a <style> block, MsoNormal paragraphs, a bordered "From: Sent: To: Subject:" block),
// Outlook on the web's and Yahoo's inline styles, and iOS Mail's dir="auto" divs. Some carry
// a tracking pixel and a <script>, which a sanitiser must remove.

type htmlFlavor uint8

const (
	flavorGmail htmlFlavor = iota
	flavorWord
	flavorOWA
	flavorYahoo
	flavorPhone
)

func flavorOf(t traits) htmlFlavor {
	switch t.client {
	case clientOutlook:
		if t.wordHTML {
			return flavorWord
		}
		return flavorOWA
	case clientOutlookDE, clientOutlookSV:
		return flavorWord
	case clientApple:
		return flavorPhone
	case clientWebmail, clientNaive:
		return flavorYahoo
	}
	return flavorGmail
}

const wordHead = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face
	{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
	{font-family:Calibri;
	panose-1:2 15 5 2 2 2 4 3 2 4;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0cm;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;}
a:link, span.MsoHyperlink
	{mso-style-priority:99;
	color:#0563C1;
	text-decoration:underline;}
span.EmailStyle19
	{mso-style-type:personal-reply;
	font-family:"Calibri",sans-serif;
	color:windowtext;}
.MsoChpDefault
	{mso-style-type:export-only;
	font-size:10.0pt;}
@page WordSection1
	{size:612.0pt 792.0pt;
	margin:72.0pt 72.0pt 72.0pt 72.0pt;}
div.WordSection1
	{page:WordSection1;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->
`

const owaDiv = `<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">`

// html renders c as client t.client's HTML part in charset e; footer (LISTSERV's, or "")
// is appended as LISTSERV does.
func (g corpus) html(i int, t traits, c *content, e bodyEnc, footer string) []byte {
	fl := flavorOf(t)
	b := make([]byte, 0, 24<<10)
	para, paraEnd, blank := "<div>", "</div>\n", "<div><br></div>\n"
	switch fl {
	case flavorWord:
		b = append(b, strings.Replace(wordHead, "{charset}", e.label, 1)...)
		if t.tracking {
			b = g.appendScript(b, i)
		}
		b = append(b, "</head>\n<body lang=\"EN-US\" link=\"#0563C1\" vlink=\"#954F72\" style=\"word-wrap:break-word\">\n<div class=\"WordSection1\">\n"...)
		para, paraEnd, blank = `<p class="MsoNormal">`, "<o:p></o:p></p>\n", "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\n"
	case flavorOWA:
		b = append(b, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset="+e.label+"\">\n</head>\n<body dir=\"ltr\">\n"...)
		if t.tracking {
			b = g.appendScript(b, i)
		}
		para, paraEnd, blank = owaDiv, "</div>\n", owaDiv+"<br>\n</div>\n"
	case flavorYahoo:
		b = append(b, "<html><head></head><body><div class=\"yahoo-style-wrap\" style=\"font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;\">\n"...)
		if t.tracking {
			b = g.appendScript(b, i)
		}
		para, paraEnd, blank = `<div dir="ltr" data-setdir="false">`, "</div>\n", "<div dir=\"ltr\" data-setdir=\"false\"><br></div>\n"
	case flavorPhone:
		b = append(b, "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset="+e.label+"\"></head><body dir=\"auto\">\n"...)
		if t.tracking {
			b = g.appendScript(b, i)
		}
		para, blank = `<div dir="ltr">`, "<div dir=\"ltr\"><br></div>\n"
	default:
		b = append(b, "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset="+e.label+"\"></head>\n<body>\n"...)
		if t.tracking {
			b = g.appendScript(b, i)
		}
	}
	text := func(s string) {
		// A paragraph is one line, as clients write it, unless that would be too long for
		// a line of mail (998 characters).
		b = append(b, para...)
		start := len(b)
		b = appendEscapeHTML(b, s)
		if len(para)+len(b)-start+len(paraEnd) > 990 {
			esc := string(b[start:])
			b = appendWrap(b[:start], esc, 76, "")
			b = b[:len(b)-1] // appendWrap's final line break
		}
		b = append(b, paraEnd...)
	}
	lines := func(ls []string) {
		b = append(b, para...)
		for k, l := range ls {
			if k > 0 {
				b = append(b, "<br>\n"...)
			}
			b = appendEscapeHTML(b, l)
		}
		b = append(b, paraEnd...)
	}
	for _, p := range c.paras {
		text(p)
		b = append(b, blank...)
	}
	if c.signoff != "" {
		text(c.signoff)
	}
	outlookQuote := c.q != nil && c.q.outlook
	if len(c.sig) > 0 && (c.q == nil || outlookQuote) {
		b = append(b, blank...)
		lines(c.sig)
	}
	if c.device != "" {
		b = append(b, blank...)
		text(c.device)
	}
	if q := c.q; q != nil {
		b = append(b, blank...)
		switch {
		case q.outlook && fl == flavorOWA:
			b = append(b, "<div id=\"appendonsend\"></div>\n<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\n<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" color=\"#000000\">"...)
			b = appendQuoteHead(b, q.head)
			b = append(b, "</font>\n<div>&nbsp;</div>\n</div>\n"...)
		case q.outlook:
			b = append(b, "<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">\n"...)
			b = append(b, para...)
			b = appendQuoteHead(b, q.head)
			b = append(b, paraEnd...)
			b = append(b, "</div>\n"...)
			b = append(b, blank...)
		case fl == flavorPhone:
			b = append(b, "<div dir=\"ltr\"><br><blockquote type=\"cite\">"...)
			b = appendEscapeHTML(b, q.intro)
			b = append(b, "<br><br></blockquote></div>\n<blockquote type=\"cite\">\n"...)
		default:
			b = append(b, "<div class=\"gmail_quote\">"...)
			b = appendEscapeHTML(b, q.intro)
			b = append(b, "<br>\n<blockquote style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">\n"...)
		}
		if !q.outlook {
			for _, l := range q.head {
				text(l)
			}
		}
		for _, p := range q.paras {
			text(p)
			if q.outlook {
				b = append(b, blank...)
			}
		}
		for _, l := range q.tail {
			text(l)
		}
		if !q.outlook {
			if fl == flavorPhone {
				b = append(b, "</blockquote>\n"...)
			} else {
				b = append(b, "</blockquote></div>\n"...)
			}
		}
	}
	if len(c.sig) > 0 && c.q != nil && !outlookQuote {
		b = append(b, blank...)
		lines(c.sig)
	}
	if c.disclaimer != "" {
		b = append(b, blank...)
		b = append(b, "<p style=\"font-size:8pt;color:#808080\">"...)
		b = appendWrap(b, html.EscapeString(c.disclaimer), 76, "")
		b = append(b, "</p>\n"...)
	}
	if t.tracking {
		r := g.rng(i, streamAttach)
		b = fmt.Appendf(b, "<img src=\"https://track.example.com/o/%016x.gif?list=%d\" width=\"1\" height=\"1\" border=\"0\" alt=\"\" style=\"display:block;width:1px;height:1px;border:0\">\n", r.Uint64(), i%7)
	}
	switch fl {
	case flavorWord:
		b = append(b, "</div>\n"...)
	case flavorYahoo:
		b = append(b, "</div>\n"...)
	}
	if footer != "" {
		b = append(b, "<hr>\n<p>"...)
		b = append(b, strings.ReplaceAll(html.EscapeString(strings.Trim(footer, "\n")), "\n", "<br>\n")...)
		b = append(b, "</p>\n"...)
	}
	return append(b, "</body></html>\n"...)
}

// appendQuoteHead renders Outlook's quote header lines ("From: x") with bold labels, leaving
// out the separator line, which Outlook's HTML draws as a border.
func appendQuoteHead(b []byte, head []string) []byte {
	first := true
	for _, l := range head {
		label, value, ok := strings.Cut(l, ": ")
		if !ok {
			continue
		}
		if !first {
			b = append(b, "<br>\n"...)
		}
		first = false
		b = append(b, "<b>"...)
		b = appendEscapeHTML(b, label)
		b = append(b, ":</b> "...)
		b = appendEscapeHTML(b, value)
	}
	return b
}

// appendScript adds the analytics script of a tracked message.
func (g corpus) appendScript(b []byte, i int) []byte {
	return fmt.Appendf(b, "<script type=\"text/javascript\">\n(function(){var t=new Image();t.src=\"https://track.example.com/c/%d.js?r=\"+encodeURIComponent(document.referrer);document.cookie=\"trk=%d\";})();\n</script>\n", i, i)
}

// appendEscapeHTML appends s with <, >, &, ' and " escaped, as html.EscapeString does.
func appendEscapeHTML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '&':
			rep = "&amp;"
		case '\'':
			rep = "&#39;"
		case '"':
			rep = "&#34;"
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, rep...)
		start = i + 1
	}
	return append(b, s[start:]...)
}
