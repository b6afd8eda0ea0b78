package mailparse

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Hostile HTML is pruned before html2text turns it into text (see pruneHTML).
const (
	// maxEmphasisNesting bounds nested b, strong and h1–h3 elements handed to html2text,
	// which renders each into a buffer of its own and copies that into its parent's: n
	// levels cost n copies of their text, and 500 nested <b> around 3 MB of text took 49 s
	// and 13 GB of allocation. Deeper ones become plain spans (their text is kept).
	maxEmphasisNesting = 3
	// maxQuoteNesting bounds nested blockquotes: html2text writes the quote marks of every
	// level at the start of each line, so 500 levels with a <br> every 4 bytes made 2.8 GB
	// of text out of 3 MB. Deeper ones become divs; their text stays quoted at this depth.
	maxQuoteNesting = 20
	// offscreenOffset is the negative offset (in any unit) from which text counts as
	// pushed off-screen ("left:-9999px", "text-indent:-5000px").
	offscreenOffset = 1000
)

// maxHTMLTags bounds the tags ("<") of an HTML document parsed into a tree. The parser
// makes a node per element and more (formatting elements left open are re-created in
// every paragraph): 3 MB of "<p><b><i><u><span>" made 2.3 million nodes, 270 MB of
// allocation and a second of work. Real mail has a few thousand tags.
const maxHTMLTags = 100_000

// ParseVisibleHTML parses an HTML document as a mail reader shows it (scripting off, so
// <noscript> content is markup) and removes what its reader would not see or what would
// make later work superlinear (see pruneHTML). It refuses documents of more than
// maxHTMLTags tags and those nested deeper than the parser allows (512 elements): the
// caller falls back to something that needs no tree. Parse uses it to extract the text of
// HTML parts; the web UI uses it before sanitising an HTML part for display, so hidden
// text is not shown there either.
func ParseVisibleHTML(s string) (*html.Node, error) {
	if n := strings.Count(s, "<"); n > maxHTMLTags {
		return nil, fmt.Errorf("HTML of more than %d tags", maxHTMLTags)
	}
	doc, err := html.ParseWithOptions(strings.NewReader(strings.TrimPrefix(s, "\uFEFF")), html.ParseOptionEnableScripting(false))
	if err != nil {
		return nil, err
	}
	pruneHTML(doc, 0, 0)
	return doc, nil
}

// pruneHTML prepares a parsed document for html2text, so that the text is what a reader of
// the mail sees and costs time in proportion to the input:
//   - elements the sender hid (hidden attribute; display:none, visibility:hidden,
//     mso-hide:all, zero font size or opacity, zero height or width with overflow hidden,
//     or a large negative offset in their inline style) are removed with their content:
//     hidden text must not be presented as the sender's words (preheaders of newsletters,
//     or text planted for filters and digests). Hiding by class from a <style> sheet, or
//     text coloured like its background, is not detected;
//   - template and iframe elements, whose content is never rendered, are removed;
//   - link targets that are not web or mail addresses (javascript:, data:, vbscript:...)
//     are dropped, so they never appear in the text as "( javascript:... )";
//   - nesting that makes html2text superlinear is capped (maxEmphasisNesting,
//     maxQuoteNesting).
//
// The parser bounds the document's depth (512), so the recursion is bounded too.
func pruneHTML(n *html.Node, emphasis, quotes int) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type != html.ElementNode {
			c = next
			continue
		}
		if c.DataAtom == atom.Template || c.DataAtom == atom.Iframe || hiddenElement(c.Attr) {
			n.RemoveChild(c)
			c = next
			continue
		}
		e, q := emphasis, quotes
		switch c.DataAtom {
		case atom.B, atom.Strong, atom.H1, atom.H2, atom.H3:
			if e >= maxEmphasisNesting {
				c.DataAtom, c.Data = atom.Span, "span"
			} else {
				e++
			}
		case atom.Blockquote:
			if q >= maxQuoteNesting {
				c.DataAtom, c.Data = atom.Div, "div"
			} else {
				q++
			}
		case atom.A:
			c.Attr = dropUnsafeHref(c.Attr)
		}
		pruneHTML(c, e, q)
		c = next
	}
}

// hiddenElement reports an element whose attributes hide it: the hidden attribute, or an
// inline style that hides it (hiddenStyle).
func hiddenElement(attrs []html.Attribute) bool {
	for _, a := range attrs {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "style":
			if hiddenStyle(a.Val) {
				return true
			}
		}
	}
	return false
}

// hiddenStyle reports an inline style that keeps its element's text from being seen.
func hiddenStyle(style string) bool {
	decl := map[string]string{}
	for _, d := range strings.Split(style, ";") {
		k, v, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.ToLower(v)), "!important"))
		decl[strings.ToLower(strings.TrimSpace(k))] = v
	}
	switch {
	case decl["display"] == "none", decl["visibility"] == "hidden", decl["visibility"] == "collapse",
		decl["mso-hide"] == "all", zeroLength(decl["font-size"]), zeroLength(decl["opacity"]):
		return true
	case decl["overflow"] == "hidden" && (zeroLength(decl["height"]) || zeroLength(decl["max-height"]) ||
		zeroLength(decl["width"]) || zeroLength(decl["max-width"])):
		return true
	}
	for _, k := range []string{"left", "top", "right", "bottom", "text-indent", "margin-left", "margin-top"} {
		if offscreen(decl[k]) {
			return true
		}
	}
	return false
}

// zeroLength reports a CSS length or number that is zero ("0", "0px", "0.0em", "0%").
func zeroLength(v string) bool {
	num := strings.TrimRightFunc(v, func(r rune) bool { return r == '%' || ('a' <= r && r <= 'z') })
	f, err := strconv.ParseFloat(num, 64)
	return err == nil && f == 0
}

// offscreen reports a negative offset of at least offscreenOffset units ("-9999px").
func offscreen(v string) bool {
	num := strings.TrimRightFunc(v, func(r rune) bool { return r == '%' || ('a' <= r && r <= 'z') })
	f, err := strconv.ParseFloat(num, 64)
	return err == nil && f <= -offscreenOffset
}

// dropUnsafeHref removes an href whose scheme is not http, https, mailto or ftp. Browsers
// ignore tabs and line breaks inside a URL and the case of its scheme, so both are ignored
// here too ("JaVa&#9;script:").
func dropUnsafeHref(attrs []html.Attribute) []html.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if strings.EqualFold(a.Key, "href") && !safeHref(a.Val) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func safeHref(u string) bool {
	u = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, u)
	i := strings.IndexAny(u, ":/?#")
	if i < 0 || u[i] != ':' {
		return true // relative: no scheme
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "mailto", "ftp":
		return true
	}
	return false
}
