package mailparse

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inbucket/html2text"
	"golang.org/x/net/html"
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
// use to strip quotes. Documents ParseVisibleHTML refuses (more than maxHTMLTags tags,
// nesting over 512 elements) fall back to a plain tag stripper.
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
// so that the fallback converter takes over for this one part. The document is parsed
// as a mail reader shows it, without hidden text and what makes html2text slow
// (ParseVisibleHTML).
func convertHTML(s string) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("html2text: %v", r)
		}
	}()
	doc, err := ParseVisibleHTML(s)
	if err != nil {
		return "", err
	}
	return html2text.FromHTMLNode(doc, html2text.Options{})
}

// stripTags is a last-resort HTML to text conversion: script and style bodies are
// dropped, block-level tags become line breaks, other tags vanish, entities are
// unescaped. It never recurses, so no document is too deep for it. Comments, and
// elements that pruneHTML would remove (hidden ones, template, iframe), are dropped with
// their content too: a document too deep for the parser must not be a way to get hidden
// text into the digest.
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
		if strings.HasPrefix(low[i:], "<!--") {
			i = skipPast(low, i+4, "-->")
			i = min(i+3, len(s))
			continue
		}
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			break
		}
		tag := low[i+1 : i+gt]
		i += gt + 1
		name, attrs := tagAttrs(tag)
		switch {
		case name == "script":
			i = skipPast(low, i, "</script")
		case name == "style":
			i = skipPast(low, i, "</style")
		case (name == "template" || name == "iframe" || hiddenElement(attrs)) && !voidElement(name) && !strings.HasSuffix(tag, "/"):
			i = skipElement(low, i, name)
		case isBlockTag(tag):
			sb.WriteByte('\n')
		}
	}
	return fixUTF8String(stdhtml.UnescapeString(sb.String()))
}

// tagAttrs splits the inside of a start tag ("div style='display:none' hidden") into its
// name and attributes, leniently: values quoted with either quote or not at all.
func tagAttrs(tag string) (string, []html.Attribute) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' }
	i := 0
	for i < len(tag) && !isSpace(tag[i]) {
		i++
	}
	name := tag[:i]
	var attrs []html.Attribute
	for i < len(tag) {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		k := i
		for i < len(tag) && !isSpace(tag[i]) && tag[i] != '=' {
			i++
		}
		a := html.Attribute{Key: tag[k:i]}
		if i < len(tag) && tag[i] == '=' {
			i++
			if i < len(tag) && (tag[i] == '"' || tag[i] == '\'') {
				q := tag[i]
				end := strings.IndexByte(tag[i+1:], q)
				if end < 0 {
					end = len(tag) - i - 1
				}
				a.Val, i = tag[i+1:i+1+end], min(i+2+end, len(tag))
			} else {
				v := i
				for i < len(tag) && !isSpace(tag[i]) {
					i++
				}
				a.Val = tag[v:i]
			}
		}
		if a.Key != "" {
			attrs = append(attrs, a)
		}
	}
	return name, attrs
}

// voidElement reports the elements that have no content and no end tag.
func voidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// skipElement returns the offset just past the end tag that closes the element named name
// whose start tag ends at i, counting nested elements of the same name; len(low) when it
// is never closed (an unclosed hidden element hides the rest). Implied end tags (a <p>
// closed by the next <p>) are not known here: the fallback errs on the side of hiding.
func skipElement(low string, i int, name string) int {
	if name == "" {
		return i
	}
	depth := 1
	for i < len(low) {
		j := strings.Index(low[i:], name)
		if j < 0 {
			return len(low)
		}
		at := i + j
		i = at + len(name)
		var closing bool
		switch {
		case at >= 2 && low[at-2:at] == "</":
			closing = true
		case at >= 1 && low[at-1] == '<':
		default:
			continue
		}
		if i < len(low) && strings.IndexByte(" \t\n\r\f/>", low[i]) < 0 {
			continue // a longer name ("<divx")
		}
		if closing {
			depth--
		} else {
			depth++
		}
		if depth == 0 {
			if gt := strings.IndexByte(low[i:], '>'); gt >= 0 {
				return i + gt + 1
			}
			return len(low)
		}
	}
	return len(low)
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
	// The name is compared without building strings: this runs once per tag, and
	// concatenating "br"+" " and so on was most of stripTags' time.
	if i := strings.IndexAny(tag, " /\t\n"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr":
		return true
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
