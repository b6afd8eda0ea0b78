package mailparse

import (
	"bytes"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

const (
	// maxDepth bounds multipart and message/rfc822 nesting.
	maxDepth = 50
	// maxParts bounds the number of MIME entities walked in one message.
	maxParts = 1000
)

// node is one MIME entity of the walked tree.
type node struct {
	mediaType  string // lower-case type/subtype, as walked
	declared   string // mediaType as declared, before any salvage changed it
	parentType string // media type of the enclosing multipart, "" at a message root
	section    string // IMAP-style part number ("1", "2.1"); "" for a multipart root
	params     map[string]string
	disp       string // lower-case disposition type, "" if none
	filename   string
	cte        string
	body       []byte // raw (still transfer-encoded) body; a sub-slice of the input for leaves
	kids       []*node
	inner      *node // the parsed content of a message/rfc822 part, if walked
}

func (n *node) isMultipart() bool { return strings.HasPrefix(n.mediaType, "multipart/") }

// label names n in notes and errors ("part 2.1").
func (n *node) label() string {
	if n.section == "" {
		return "body"
	}
	return "part " + n.section
}

// walker builds the node tree of a message, within the size, depth and count limits.
type walker struct {
	p      *parser
	count  int
	firstT bool // stop after the first inline text leaf (oversize messages)
	done   bool
}

// walk turns the entity with header h and raw body into a node. section is the
// entity's IMAP part number; a message root has section "" (its leaf is then "1",
// its children "1", "2", ...); parent is the enclosing multipart type, which sets
// the default content type (message/rfc822 inside multipart/digest).
func (w *walker) walk(h message.Header, body []byte, section string, root bool, parent string, depth int) *node {
	w.count++
	n := &node{body: body, section: section, parentType: parent}
	n.mediaType, n.params = w.contentType(h, parent, section)
	n.declared = n.mediaType
	n.cte = h.Get("Content-Transfer-Encoding")
	n.disp, n.filename = w.p.disposition(h, n.params)
	if root && !n.isMultipart() {
		n.section = joinSection(section, 1)
	}
	if !n.isMultipart() && !knownEncoding(n.cte) {
		// Reported for every leaf, attachments included: the caller may want them.
		w.p.defect(ErrUnknownEncoding, n.label(), fmt.Sprintf("unknown transfer encoding %q", truncateForNote(strings.TrimSpace(n.cte))), "kept the raw bytes")
	}
	switch {
	case depth >= maxDepth:
		w.p.defect(ErrMalformedMIME, n.label(), "nesting deeper than "+strconv.Itoa(maxDepth)+" levels", "not walked further")
		n.mediaType = "application/octet-stream"
	case n.isMultipart():
		w.multipart(n, depth)
	case isMessageType(n.mediaType) && !w.firstT:
		w.message(n, depth)
	}
	return n
}

// multipart splits n's body into parts and walks them.
func (w *walker) multipart(n *node, depth int) {
	boundary := n.params["boundary"]
	if boundary == "" {
		boundary = guessBoundary(n.body)
	}
	it := newPartIter(n.body, boundary)
	i := 0
	for !w.done {
		part, ok := it.next()
		if !ok {
			break
		}
		i++
		if w.count >= maxParts {
			w.p.defect(ErrMalformedMIME, "message", "more than "+strconv.Itoa(maxParts)+" MIME parts", "the rest were skipped")
			w.done = true
			break
		}
		sec := joinSection(n.section, i)
		hb := splitHeader(part, false)
		h := w.p.header(hb, "part "+sec, false)
		kid := w.walk(h, hb.body, sec, false, n.mediaType, depth+1)
		n.kids = append(n.kids, kid)
		if w.firstT && isInlineText(kid) {
			w.done = true
		}
	}
	if i == 0 && !w.done {
		// No delimiter at all: salvage the body as text rather than lose it.
		w.p.defect(ErrMalformedMIME, n.label(), "multipart boundary "+strconv.Quote(truncateForNote(boundary))+" not found", "body read as text/plain")
		n.mediaType = "text/plain"
		n.params = map[string]string{}
		if n.section == "" {
			n.section = "1"
		}
		return
	}
	if !it.closed && !w.done {
		w.p.notef("%s: multipart boundary %q never closed", n.label(), truncateForNote(boundary))
	}
}

// message walks the message inside a message/rfc822 part, so its text can serve when
// the outer message has none.
func (w *walker) message(n *node, depth int) {
	raw, _ := decodeTransfer(n.body, n.cte)
	hb := splitHeader(raw, true)
	h := w.p.header(hb, n.label(), false)
	n.inner = w.walk(h, hb.body, n.section, true, "", depth+1)
}

func isMessageType(mt string) bool {
	return mt == "message/rfc822" || mt == "message/global"
}

// isInlineText reports a text/plain or text/html leaf that is not an attachment.
func isInlineText(n *node) bool {
	return (n.mediaType == "text/plain" || n.mediaType == "text/html") && n.disp != "attachment"
}

func joinSection(parent string, i int) string {
	if parent == "" {
		return strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
}

// contentType returns the lower-case media type and parameters of h, defaulting as
// RFC 2046 says (text/plain; message/rfc822 inside multipart/digest).
func (w *walker) contentType(h message.Header, parent, section string) (string, map[string]string) {
	v := h.Get("Content-Type")
	def := "text/plain"
	if parent == "multipart/digest" {
		def = "message/rfc822"
	}
	if strings.TrimSpace(v) == "" {
		return def, map[string]string{}
	}
	mt, params := parseMediaType(v)
	if mt == "text" {
		mt = "text/plain" // seen from old mailers
	}
	if strings.Count(mt, "/") != 1 || strings.HasPrefix(mt, "/") || strings.HasSuffix(mt, "/") {
		where := "body"
		if section != "" {
			where = "part " + section
		}
		w.p.notef("%s: unparseable Content-Type %q, read as %s", where, truncateForNote(v), def)
		return def, params
	}
	return mt, params
}

// parseMediaType parses a Content-Type or Content-Disposition value. It uses
// mime.ParseMediaType and falls back to a lenient split when that fails, so a broken
// parameter does not lose the boundary or charset. The value is lower-case, "" when
// it is not a token; parameter keys are lower-case.
func parseMediaType(v string) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || params == nil {
		mt, params = splitParams(v)
	}
	mt = strings.ToLower(strings.TrimSpace(mt))
	if !isTokenish(mt) {
		return "", params
	}
	return mt, params
}

// isTokenish reports whether s uses only the characters of MIME tokens and "/".
func isTokenish(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~/", rune(c)) {
			return false
		}
	}
	return true
}

// splitParams is the lenient fallback of parseMediaType: the media type is the
// leading "type/subtype" token, and parameters are key=value pairs separated by
// ";" or just whitespace (a missing ";" before boundary= is a classic).
func splitParams(v string) (string, map[string]string) {
	params := map[string]string{}
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && v[i] != ';' && v[i] != ' ' && v[i] != '\t' {
		i++
	}
	mt := v[:i]
	for _, f := range splitParamFields(v[i:]) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = strings.ReplaceAll(val[1:len(val)-1], `\"`, `"`)
		} else {
			val = strings.Trim(val, `"`)
		}
		if strings.HasSuffix(k, "*") {
			// RFC 2231 extended value: charset'lang'percent-encoded.
			k = strings.TrimSuffix(k, "*")
			val = decode2231(val)
		}
		if _, dup := params[k]; !dup && k != "" {
			params[k] = val
		}
	}
	return mt, params
}

// splitParamFields splits a parameter list on ";" and on whitespace that is not
// inside quotes and not next to "=" ("a = b" is one field).
func splitParamFields(s string) []string {
	var out []string
	var cur strings.Builder
	var last byte // last byte written to cur
	inQuote, esc := false, false
	flush := func() {
		if f := strings.TrimSpace(cur.String()); f != "" {
			out = append(out, f)
		}
		cur.Reset()
		last = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && inQuote:
			esc = true
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == ';':
			flush()
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n') {
				j++
			}
			if last != '=' && (j == len(s) || s[j] != '=') {
				flush()
			}
			i = j - 1
			continue
		}
		cur.WriteByte(c)
		last = c
	}
	flush()
	return out
}

// decode2231 decodes an RFC 2231 extended parameter value ("utf-8”na%C3%AFve").
func decode2231(v string) string {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return v
	}
	var b []byte
	s := parts[2]
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	out, _ := decodeCharset(b, parts[0])
	return out
}

// disposition returns the lower-case disposition type and the decoded file name.
func (p *parser) disposition(h message.Header, ctParams map[string]string) (string, string) {
	disp, params := "", map[string]string{}
	if v := h.Get("Content-Disposition"); strings.TrimSpace(v) != "" {
		disp, params = parseMediaType(v)
	}
	name := params["filename"]
	if name == "" {
		name = ctParams["name"]
	}
	return disp, p.dec.decode(name)
}

// guessBoundary finds a boundary for a multipart without one: the first line that
// starts with "--" and occurs again later as a line.
func guessBoundary(body []byte) string {
	limit := body
	if len(limit) > 64<<10 {
		limit = limit[:64<<10]
	}
	for pos := 0; pos < len(limit); pos = nextLine(limit, pos) {
		line := bytes.TrimRight(trimEOL(limit[pos:nextLine(limit, pos)]), " \t")
		if len(line) > 3 && bytes.HasPrefix(line, []byte("--")) && len(line) < 200 {
			b := line[2:]
			if bytes.Contains(body[pos+len(line):], append([]byte("\n--"), b...)) {
				return string(b)
			}
		}
	}
	return ""
}

// partIter iterates over the parts of a multipart body held in memory. Parts are
// sub-slices of the body: nothing is copied.
type partIter struct {
	body    []byte
	delim   []byte // "--" + boundary
	pos     int    // start of the next part's content; -1 before the first delimiter
	closed  bool   // the close delimiter was seen
	stopped bool
}

func newPartIter(body []byte, boundary string) *partIter {
	it := &partIter{body: body, delim: []byte("--" + boundary), pos: -1}
	if boundary == "" {
		it.stopped = true
	}
	return it
}

// next returns the next part, or false when there is none.
func (it *partIter) next() ([]byte, bool) {
	if it.stopped {
		return nil, false
	}
	if it.pos < 0 {
		_, after, isClose, ok := it.findDelim(0)
		if !ok || isClose {
			it.stopped = true
			it.closed = ok
			return nil, false
		}
		it.pos = after
	}
	start := it.pos
	lineStart, after, isClose, ok := it.findDelim(start)
	if !ok {
		it.stopped = true
		if start >= len(it.body) {
			return nil, false
		}
		return it.body[start:], true
	}
	end := lineStart
	// The line break before a delimiter belongs to the delimiter.
	if end > start && it.body[end-1] == '\n' {
		end--
		if end > start && it.body[end-1] == '\r' {
			end--
		}
	}
	if isClose {
		it.stopped = true
		it.closed = true
	}
	it.pos = after
	return it.body[start:end], true
}

// findDelim finds the next delimiter line at or after from: a line starting with
// "--boundary" followed by only whitespace, or by "--" (the close delimiter).
func (it *partIter) findDelim(from int) (lineStart, after int, isClose, ok bool) {
	for from <= len(it.body) {
		i := bytes.Index(it.body[from:], it.delim)
		if i < 0 {
			return 0, 0, false, false
		}
		p := from + i
		from = p + 1
		if p > 0 && it.body[p-1] != '\n' {
			continue
		}
		rest := p + len(it.delim)
		if rest+1 < len(it.body) && it.body[rest] == '-' && it.body[rest+1] == '-' {
			return p, nextLine(it.body, rest), true, true
		}
		j := rest
		for j < len(it.body) && (it.body[j] == ' ' || it.body[j] == '\t' || it.body[j] == '\r') {
			j++
		}
		if j == len(it.body) || it.body[j] == '\n' {
			return p, nextLine(it.body, j), false, true
		}
	}
	return 0, 0, false, false
}

// truncateForNote shortens a header value quoted in a note.
func truncateForNote(v string) string {
	v = fixUTF8String(cleanControls(v))
	if len(v) <= 80 {
		return v
	}
	i := 80
	for i > 0 && !utf8.RuneStart(v[i]) {
		i--
	}
	return v[:i] + "..."
}
