package mailparse

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inbucket/html2text"
)

const (
	// maxTextBytes caps Text (and Footer).
	maxTextBytes = 2 << 20
	// maxLeafRaw caps the encoded bytes of one text part that are decoded.
	maxLeafRaw = 8 << 20
	// oversizeLeafRaw is maxLeafRaw for messages over Options.MaxSize.
	oversizeLeafRaw = 1 << 20
	// footerProbeRaw caps the bytes decoded to check whether a later part is a footer.
	footerProbeRaw = 64 << 10
	// maxFooterParts bounds the separate footer parts collected.
	maxFooterParts = 5
)

// textChoice is the part chosen as the readable text.
type textChoice struct {
	n      *node
	text   string
	footer string
}

// selectText picks the readable text from the walked tree and sets Text, TextSource
// and Footer. Inline text parts are tried in reading order, with
// multipart/alternative offering its text/plain before its HTML; the first that is
// neither empty nor a list footer wins. Footer-only plain parts (Mailman's footer
// beside an HTML body) go to Footer. Text inside forwarded messages and digests is
// used only when the message has no text of its own.
func (p *parser) selectText(root *node, limit int) {
	cands := candidates(root, nil, false)
	tried := make(map[*node]bool, len(cands))
	var footers []string
	var onlyFooter, chosen *textChoice
	i := 0
	for ; i < len(cands); i++ {
		c := cands[i]
		tried[c] = true
		t := p.leafText(c, limit)
		if t == "" {
			continue
		}
		body, foot, only := splitFooter(t)
		if c.mediaType == "text/plain" && len(cands) > 1 && (only || (c.parentType != "multipart/alternative" && looksLikeFooterPart(t))) {
			if onlyFooter == nil {
				onlyFooter = &textChoice{n: c, text: t}
			}
			footers = append(footers, t)
			continue
		}
		if only {
			body, foot = t, "" // all footer: keep it as the text rather than show nothing
		}
		chosen = &textChoice{n: c, text: body, footer: foot}
		break
	}
	switch {
	case chosen != nil:
		footers = append(footers, p.laterFooters(cands[min(i+1, len(cands)):], maxFooterParts-len(footers))...)
	case onlyFooter != nil:
		chosen, footers = onlyFooter, nil
	default:
		chosen = p.nestedText(root, tried, limit)
	}
	if chosen == nil {
		return
	}
	p.msg.Text = p.capText(chosen.text, "Text")
	p.msg.TextSource = chosen.n.mediaType
	p.msg.Footer = p.capText(strings.Join(nonEmpty(append([]string{chosen.footer}, footers...)), "\n\n"), "Footer")
}

// laterFooters returns the footer-only plain parts among the parts after the chosen one.
func (p *parser) laterFooters(rest []*node, max int) []string {
	var out []string
	for _, c := range rest {
		if len(out) >= max {
			break
		}
		if c.mediaType != "text/plain" || c.parentType == "multipart/alternative" {
			continue
		}
		if t := p.leafText(c, footerProbeRaw); t != "" && looksLikeFooterPart(t) {
			out = append(out, t)
		}
	}
	return out
}

// nestedText is the fallback for a message without text of its own: the first text
// found inside forwarded messages and digest items.
func (p *parser) nestedText(root *node, tried map[*node]bool, limit int) *textChoice {
	for _, c := range candidates(root, nil, true) {
		if tried[c] {
			continue
		}
		tried[c] = true
		if t := p.leafText(c, limit); t != "" {
			body, foot, only := splitFooter(t)
			if only {
				body, foot = t, ""
			}
			return &textChoice{n: c, text: body, footer: foot}
		}
	}
	return nil
}

// candidates lists the inline text leaves under n in reading order, text/plain first
// within multipart/alternative. With nested, it also enters message/rfc822 parts and
// multipart/digest items.
func candidates(n *node, out []*node, nested bool) []*node {
	switch {
	case n.mediaType == "multipart/alternative":
		var plain, other []*node
		for _, k := range n.kids {
			c := candidates(k, nil, nested)
			if hasPlain(c) {
				plain = append(plain, c...)
			} else {
				other = append(other, c...)
			}
		}
		return append(append(out, plain...), other...)
	case n.mediaType == "multipart/digest" && !nested:
		return out
	case n.isMultipart():
		for _, k := range n.kids {
			out = candidates(k, out, nested)
		}
	case n.inner != nil:
		if nested {
			out = candidates(n.inner, out, nested)
		}
	case isInlineText(n):
		out = append(out, n)
	}
	return out
}

func hasPlain(ns []*node) bool {
	for _, n := range ns {
		if n.mediaType == "text/plain" {
			return true
		}
	}
	return false
}

// leafText decodes a text part (transfer encoding, then charset), converts HTML to
// text, undoes format=flowed and normalises the result. At most limit encoded bytes
// are read.
func (p *parser) leafText(n *node, limit int) string {
	raw := n.body
	if len(raw) > limit {
		raw = raw[:limit]
	}
	data, _ := decodeTransfer(raw, n.cte) // an unknown encoding was noted by the walker
	cs := n.params["charset"]
	isHTML := n.mediaType == "text/html"
	if isHTML && !utf8.Valid(data) && (cs == "" || !knownCharset(cs)) {
		if s := sniffHTMLCharset(data); s != "" && knownCharset(s) {
			cs = s
		}
	}
	s, ok := decodeCharset(data, cs)
	if !ok {
		p.defect(ErrUnknownCharset, n.label(), fmt.Sprintf("unknown charset %q", truncateForNote(cs)), "read as UTF-8, other bytes as windows-1252")
	}
	if isHTML {
		return normalizeText(htmlToText(s), 1)
	}
	if strings.EqualFold(n.params["format"], "flowed") {
		s = unflow(s, strings.EqualFold(n.params["delsp"], "yes"))
	}
	return normalizeText(s, 2)
}

// capText cuts s to maxTextBytes at a rune boundary, noting it.
func (p *parser) capText(s, field string) string {
	if len(s) <= maxTextBytes {
		return s
	}
	i := maxTextBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	p.notef("%s cut to its first %d MB", field, maxTextBytes>>20)
	return s[:i]
}

// normalizeText turns line ends into \n, drops control characters (but tabs), turns
// no-break spaces into spaces, trims trailing whitespace from every line, allows at
// most maxBlank blank lines in a row, and trims blank lines at both ends. It works
// line by line without splitting, so a text of many empty lines costs no more than
// its own size.
func normalizeText(s string, maxBlank int) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	var sb strings.Builder
	sb.Grow(len(s))
	blank, started := 0, false
	for len(s) > 0 {
		var line string
		i := strings.IndexAny(s, "\r\n")
		switch {
		case i < 0:
			line, s = s, ""
		case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n':
			line, s = s[:i], s[i+2:]
		default:
			line, s = s[:i], s[i+1:]
		}
		line = cleanLine(line)
		if line == "" {
			blank++
			continue
		}
		if started {
			sb.WriteString(strings.Repeat("\n", min(blank, maxBlank)+1))
		}
		blank, started = 0, true
		sb.WriteString(line)
	}
	return sb.String()
}

// cleanLine removes control characters and trailing whitespace from one line.
func cleanLine(line string) string {
	clean := true
	for i := 0; i < len(line); i++ {
		if c := line[i]; (c < 0x20 && c != '\t') || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if !clean {
		line = strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return r
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\uFEFF':
				return -1
			case r == '\u00a0':
				return ' '
			}
			return r
		}, line)
	}
	return strings.TrimRightFunc(line, unicode.IsSpace)
}

// unflow undoes RFC 3676 format=flowed: a line ending in a space continues on the
// next line of the same quote depth. Quote markers are rewritten as "> ".
func unflow(s string, delsp bool) string {
	var sb strings.Builder
	sb.Grow(len(s))
	inPara, curDepth := false, 0
	for len(s) > 0 {
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		line = strings.TrimSuffix(line, "\r")
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ") // space-stuffing
		if inPara && depth != curDepth {
			sb.WriteByte('\n')
			inPara = false
		}
		if !inPara && depth > 0 {
			sb.WriteString(strings.Repeat(">", depth))
			sb.WriteByte(' ')
		}
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delsp {
			content = content[:len(content)-1]
		}
		sb.WriteString(content)
		if soft {
			inPara, curDepth = true, depth
		} else {
			sb.WriteByte('\n')
			inPara = false
		}
	}
	return sb.String()
}

// maxHTMLBytes caps the HTML handed to the converter.
const maxHTMLBytes = 4 << 20

// htmlToText converts HTML to plain text with html2text. Its default mode is used,
// not TextOnly: TextOnly appends "." after bold text and headings ("Thanks so. much")
// and drops link targets and the "> " marks of quoted blocks, which later stages
// use to strip quotes. Documents the HTML parser refuses (nesting over 512 elements)
// fall back to a plain tag stripper.
func htmlToText(s string) string {
	if len(s) > maxHTMLBytes {
		s = s[:maxHTMLBytes]
	}
	out, err := convertHTML(s)
	if err != nil {
		return stripTags(s)
	}
	return fixUTF8String(out)
}

// convertHTML runs html2text, turning a panic in that third-party code into an error
// so that the fallback converter takes over for this one part.
func convertHTML(s string) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("html2text: %v", r)
		}
	}()
	return html2text.FromString(s, html2text.Options{})
}

// stripTags is a last-resort HTML to text conversion: script and style bodies are
// dropped, block-level tags become line breaks, other tags vanish, entities are
// unescaped. It never recurses, so no document is too deep for it.
func stripTags(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) / 2)
	low := asciiLower(s)
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			sb.WriteString(s[i:])
			break
		}
		sb.WriteString(s[i : i+lt])
		i += lt
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			break
		}
		tag := low[i+1 : i+gt]
		i += gt + 1
		switch {
		case strings.HasPrefix(tag, "script"):
			i = skipPast(low, i, "</script")
		case strings.HasPrefix(tag, "style"):
			i = skipPast(low, i, "</style")
		case isBlockTag(tag):
			sb.WriteByte('\n')
		}
	}
	return fixUTF8String(html.UnescapeString(sb.String()))
}

// skipPast returns the offset of the next occurrence of end in s at or after i, or len(s).
func skipPast(s string, i int, end string) int {
	if j := strings.Index(s[i:], end); j >= 0 {
		return i + j
	}
	return len(s)
}

// asciiLower lower-cases ASCII letters only, so offsets into the result are offsets
// into s (strings.ToLower can change the length of non-ASCII text).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isBlockTag reports tags (without "<") that end a line of text.
func isBlockTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	for _, b := range []string{"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr"} {
		if tag == b || strings.HasPrefix(tag, b+" ") || strings.HasPrefix(tag, b+"/") || strings.HasPrefix(tag, b+"\t") || strings.HasPrefix(tag, b+"\n") {
			return true
		}
	}
	return false
}

// sniffHTMLCharset finds a charset declared in the head of an HTML document
// (<meta charset="..."> or http-equiv content="...; charset=...").
func sniffHTMLCharset(data []byte) string {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	low := bytes.ToLower(head)
	i := bytes.Index(low, []byte("charset="))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(low[i+len("charset="):], `"' `)
	j := 0
	for j < len(rest) && (isAlnum(rest[j]) || bytes.IndexByte([]byte("-_:."), rest[j]) >= 0) {
		j++
	}
	return string(rest[:j])
}

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// nonEmpty returns the non-blank strings of ss.
func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
