package webui

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"

	_ "github.com/emersion/go-message/charset" // decode the charsets list mail arrives in
	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"listdigest/internal/gist"
	"listdigest/internal/mailparse"
)

// maxHTMLPart bounds how much of an HTML part is read for display (and sanitized): beyond it the page
// would be unreadable anyway, and the sanitizer's work grows with the input.
const maxHTMLPart = 2 << 20

// messageBody is how the thread page shows one message's text.
type messageBody struct {
	// Own is the author's own words: quotes, signature, disclaimers and footers removed.
	Own template.HTML
	// Full is the whole text when it has more than Own (quoted text, signature), else "".
	Full template.HTML
	// HTML is the message's HTML part, sanitized, for messages that were sent as HTML only.
	HTML template.HTML
	// HTMLError says why the HTML version cannot be shown, when it cannot.
	HTMLError string
}

// attachment is a part listed on the thread page; attachments are never served.
type attachment struct {
	Name, Type string
	Size       int
}

// bodyOf renders a stored message's text. raw is needed only for HTML-only messages (nil
// otherwise); it is the message exactly as received.
func bodyOf(text, textSource string, raw []byte) messageBody {
	var b messageBody
	own := gist.Clean(text)
	b.Own = linkify(own)
	if strings.TrimSpace(text) != own {
		b.Full = linkify(strings.TrimSpace(text))
	}
	if textSource == "text/html" && raw != nil {
		h, err := mailparse.FirstPart(raw, "text/html", maxHTMLPart)
		if err == nil {
			b.HTML, err = sanitizeHTML(h)
		}
		if err != nil {
			b.HTMLError = err.Error()
		}
	}
	return b
}

// sanitizeHTML makes a mail's HTML part safe to show inside the thread page:
//   - it is parsed as a mail reader shows it, and what the sender hid is removed
//     (mailparse.ParseVisibleHTML): bluemonday drops the style attributes that hid it, so
//     without this, text hidden with display:none was shown as the sender's words;
//   - policy removes anything that runs, loads, styles or submits;
//   - the result is parsed as a fragment and written out again, so every element it opens
//     is closed and no stray end tag remains: bluemonday keeps allowed end tags as they
//     come, so "</div></div>" closed the page's own box and <details>, and an unclosed
//     <table> or <h1> took in the rest of the page, letting a mail dress itself as the
//     page around it.
//
// Documents ParseVisibleHTML refuses (more than 100,000 tags, nested deeper than 512) are
// not shown: the text version is.
func sanitizeHTML(h string) (template.HTML, error) {
	doc, err := mailparse.ParseVisibleHTML(h)
	if err != nil {
		return "", fmt.Errorf("it is too large or too deeply nested to show safely (%v)", err)
	}
	var visible strings.Builder
	if body := findElement(doc, atom.Body); body != nil {
		for c := body.FirstChild; c != nil; c = c.NextSibling {
			if err := html.Render(&visible, c); err != nil {
				return "", fmt.Errorf("it cannot be written out again: %v", err)
			}
		}
	}
	clean := policy.Sanitize(visible.String())
	box := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(clean), box)
	if err != nil {
		return "", fmt.Errorf("it is too deeply nested to show safely (%v)", err)
	}
	var out strings.Builder
	for _, n := range nodes {
		if err := html.Render(&out, n); err != nil {
			return "", fmt.Errorf("it cannot be written out again: %v", err)
		}
	}
	return template.HTML(out.String()), nil
}

// findElement returns the first element of type a in n's tree, depth first, or nil.
func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

// policy allows text formatting, lists, tables, quotes and links, and nothing that loads or
// runs anything: no images, styles, forms, frames or scripts. Links get rel="nofollow
// noreferrer noopener" and open in a new tab. The pages' Content-Security-Policy forbids
// scripts and remote loads as well, so a sanitizer miss still cannot run or track anything.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href").OnElements("a")
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowElements("p", "br", "div", "span", "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "code", "pre",
		"blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[0-9]{1,3}$`)).OnElements("td", "th")
	return p
}()

// attachmentsOf lists the parts a reader would call attachments: named parts, or parts
// marked attachment, but not the text the body was read from.
func attachmentsOf(parts []mailparse.Part) []attachment {
	var out []attachment
	for _, p := range parts {
		if p.Filename == "" && p.Disposition != "attachment" {
			continue
		}
		if strings.HasPrefix(p.ContentType, "multipart/") {
			continue
		}
		name := p.Filename
		if name == "" {
			name = "(no name)"
		}
		out = append(out, attachment{Name: name, Type: p.ContentType, Size: p.Size})
	}
	return out
}

// urlPattern finds web links in plain text; a trailing full stop, comma or closing bracket
// is punctuation of the sentence, not of the URL.
var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)\]'}]`)

// linkify escapes text and turns http(s) URLs in it into links that send no referrer.
func linkify(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		u := template.HTMLEscapeString(text[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `" rel="nofollow noreferrer noopener" target="_blank">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// humanSize is a size as people read it: "820 bytes", "14 KB", "2.3 MB".
func humanSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
}
