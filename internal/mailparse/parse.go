package mailparse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message"
	// Registers go-message's charsets, so message.Read knows them as well; this
	// package decodes bodies and encoded words itself, resolving labels the same way.
	_ "github.com/emersion/go-message/charset"
)

// maxNotes bounds Message.Notes; hostile mail could otherwise produce one per part.
const maxNotes = 50

// Parse parses one raw RFC 5322 message. It never panics and always returns a non-nil
// *Message holding everything it could salvage (at worst: synthetic MessageID from a
// hash of the raw bytes, Size, Date from opts.Arrival). The error, if any, says what
// could not be parsed, naming the header or part and the problem, e.g.
// `part 2: unknown transfer encoding "x-uue"`; it joins one error per problem, each
// matching one of the Err* classes with errors.Is. The caller stores the message
// anyway with that error.
func Parse(raw []byte, opts Options) (*Message, error) {
	return guard(raw, opts, parse)
}

// guard runs parse and turns a panic into ErrPanic, so one bad message cannot stop
// ingest. Tests call parse directly, so they see panics instead.
func guard(raw []byte, opts Options, parse func([]byte, Options, *Message) error) (msg *Message, err error) {
	msg = &Message{Size: len(raw)}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		salvage(msg, raw, opts)
		msg.Notes = append(msg.Notes, fmt.Sprintf("internal error while parsing (%v): kept what was parsed before it", r))
		err = errors.Join(err, &defect{where: "message", what: fmt.Sprintf("panic: %v", r), class: ErrPanic})
	}()
	err = parse(raw, opts, msg)
	return msg, err
}

// salvage restores Message's invariants after a panic: an id, a date, valid UTF-8.
func salvage(m *Message, raw []byte, opts Options) {
	if m.MessageID == "" {
		m.MessageID, m.Synthetic = rawID(raw), true
	}
	if m.Date.IsZero() {
		m.Date, m.DateSource = opts.Arrival.UTC(), "arrival"
	}
	for _, s := range []*string{&m.MessageID, &m.Subject, &m.Text, &m.Footer, &m.ThreadIndex, &m.ThreadTopic,
		&m.AutoSubmitted, &m.Precedence, &m.XAutoreply, &m.ContentType, &m.DateSource, &m.TextSource,
		&m.From.Name, &m.From.Addr, &m.HeaderFrom.Name, &m.HeaderFrom.Addr} {
		*s = fixUTF8String(*s)
	}
}

// parser holds the state of one Parse call.
type parser struct {
	opts    Options
	msg     *Message
	dec     headerDecoder
	defects []error
}

// parse does the work of Parse without the panic guard.
func parse(raw []byte, opts Options, msg *Message) error {
	p := &parser{opts: opts, msg: msg}
	msg.Size = len(raw)
	// Until the header is read, the raw hash is the best id there is.
	msg.MessageID, msg.Synthetic = rawID(raw), true

	hb := splitHeader(raw, true)
	h := p.header(hb, "header", true)
	_, params := parseMediaType(h.Get("Content-Type"))
	if cs := normCharset(params["charset"]); cs != "" && !isUTF8Label(cs) && knownCharset(cs) {
		p.dec.raw8 = cs
	}

	p.ids(h, hb.body)
	msg.Subject = p.dec.headerText(h, "Subject")
	p.addresses(h)
	p.date(h)
	p.misc(h)
	p.body(h, hb.body, raw)
	for _, cs := range p.dec.unknown {
		p.defect(ErrUnknownCharset, "header", fmt.Sprintf("unknown charset %q in an encoded word", truncateForNote(cs)), "read as UTF-8, other bytes as windows-1252")
	}
	return errors.Join(p.defects...)
}

// header reads a header block, noting what splitHeader had to skip. top is true for
// the message's own header.
func (p *parser) header(hb headerBlock, where string, top bool) message.Header {
	if hb.dropped > 0 {
		p.defect(ErrMalformedHeader, where, fmt.Sprintf("%d malformed line(s) dropped", hb.dropped), "")
	}
	if hb.overflow > 0 {
		p.defect(ErrMalformedHeader, where, fmt.Sprintf("over the limit of %d fields or %d KB: %d field(s) dropped (%s)", maxHeaderFields, maxHeaderBytes>>10, hb.overflow, strings.Join(hb.overNames, ", ")), "")
	}
	if hb.noSeparator {
		p.defect(ErrMalformedHeader, where, "no blank line before the body", "the body starts at the first line that is not a header field")
	}
	h, err := readHeader(hb, top)
	if err != nil {
		p.defect(ErrMalformedHeader, where, err.Error(), "header ignored")
	}
	return h
}

// ids sets MessageID, InReplyTo and References, inventing a stable id if needed.
func (p *parser) ids(h message.Header, body []byte) {
	m := p.msg
	m.InReplyTo = ParseIDList(h.Get("In-Reply-To"))
	m.References = ParseIDList(strings.Join(h.Values("References"), " "))
	raw := h.Get("Message-Id")
	if id := NormalizeID(raw); id != "" && usableID(id) {
		m.MessageID, m.Synthetic = id, false
		return
	}
	m.MessageID, m.Synthetic = syntheticID(h, body), true
	if strings.TrimSpace(raw) == "" {
		p.notef("no Message-ID: using %s", m.MessageID)
	} else {
		p.notef("unusable Message-ID %q: using %s", truncateForNote(raw), m.MessageID)
	}
}

// addresses sets HeaderFrom, From, ReplyTo, To, Cc and List.
func (p *parser) addresses(h message.Header) {
	m := p.msg
	m.List = p.listIdentity(h)
	if from := p.addressList(h.Get("From")); len(from) > 0 {
		m.HeaderFrom = from[0]
	}
	m.ReplyTo = p.addressList(h.Get("Reply-To"))
	m.To = p.addressList(h.Get("To"))
	m.Cc = p.addressList(h.Get("Cc"))
	xof := h.Get("X-Original-From")
	m.From = p.author(m.HeaderFrom, m.List, m.ReplyTo, xof)
	if m.From.Addr == "" && m.From.Name == "" && xof != "" {
		if xs := p.addressList(xof); len(xs) > 0 {
			m.From = xs[0]
		}
	}
}

// date sets Date and DateSource: the Date header when sane, else the topmost
// Received header with a sane date, else opts.Arrival.
func (p *parser) date(h message.Header) {
	m := p.msg
	ref := p.opts.Arrival
	if ref.IsZero() {
		ref = p.now()
	}
	v := h.Get("Date")
	if strings.TrimSpace(v) != "" {
		t, ok := parseDate(p.dec.raw8bit(v))
		switch {
		case ok && saneDate(t, ref):
			m.Date, m.DateSource = t.UTC(), "date"
			return
		case ok:
			p.defect(ErrBadDate, "header Date", fmt.Sprintf("absurd date %q (%s)", truncateForNote(v), t.UTC().Format(time.RFC3339)), "")
		default:
			p.defect(ErrBadDate, "header Date", fmt.Sprintf("unparseable date %q", truncateForNote(v)), "")
		}
	}
	for _, rv := range h.Values("Received") {
		if t, ok := receivedDate(rv); ok && saneDate(t, ref) {
			m.Date, m.DateSource = t.UTC(), "received"
			p.notef("date taken from the Received header")
			return
		}
	}
	m.Date, m.DateSource = p.opts.Arrival.UTC(), "arrival"
	if p.opts.Arrival.IsZero() {
		m.Date = time.Time{}
		p.notef("no usable date and no arrival time")
	} else {
		p.notef("date taken from the arrival time")
	}
}

func (p *parser) now() time.Time {
	if p.opts.Now != nil {
		return p.opts.Now()
	}
	return time.Now()
}

// misc sets the headers kept for threading and auto-reply detection.
func (p *parser) misc(h message.Header) {
	m := p.msg
	m.ThreadIndex = foldSpace(cleanControls(fixUTF8String(h.Get("Thread-Index"))))
	m.ThreadTopic = p.dec.headerText(h, "Thread-Topic")
	m.AutoSubmitted = p.dec.headerText(h, "Auto-Submitted")
	m.Precedence = p.dec.headerText(h, "Precedence")
	m.XAutoreply = p.dec.headerText(h, "X-Autoreply")
	if m.XAutoreply == "" {
		m.XAutoreply = p.dec.headerText(h, "X-Autorespond")
	}
}

// body walks the MIME structure, lists the leaf parts and picks the text. A message
// over the size cap keeps only its first text part, read up to oversizeLeafRaw.
func (p *parser) body(h message.Header, body, raw []byte) {
	maxSize := p.opts.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	w := &walker{p: p}
	limit := maxLeafRaw
	if int64(len(raw)) > maxSize {
		w.firstT, limit = true, oversizeLeafRaw
		p.msg.Truncated = true
		p.notef("message is %s MB, over the %s MB cap: kept headers and the first text part", mb(int64(len(raw))), mb(maxSize))
	}
	root := w.walk(h, body, "", true, "", 0)
	p.msg.ContentType = root.declared
	p.msg.Parts = leafParts(root, nil)
	p.selectText(root, limit)
}

// leafParts lists the leaves of the tree in order (not entering message/rfc822).
func leafParts(n *node, out []Part) []Part {
	if n.isMultipart() {
		for _, k := range n.kids {
			out = leafParts(k, out)
		}
		return out
	}
	return append(out, Part{
		ContentType: n.mediaType,
		Charset:     strings.ToLower(fixUTF8String(n.params["charset"])),
		Disposition: fixUTF8String(n.disp),
		Filename:    n.filename,
		Size:        len(n.body),
	})
}

// mb formats a byte count in megabytes, with one decimal when it is not whole.
func mb(n int64) string {
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// notef adds a note, up to maxNotes.
func (p *parser) notef(format string, args ...any) {
	switch {
	case len(p.msg.Notes) < maxNotes:
		p.msg.Notes = append(p.msg.Notes, fixUTF8String(fmt.Sprintf(format, args...)))
	case len(p.msg.Notes) == maxNotes:
		p.msg.Notes = append(p.msg.Notes, "more problems were not noted")
	}
}

// defect records a problem as an error of class and as a note; consequence, if
// not empty, tells the reader of the note what Parse did about it.
func (p *parser) defect(class error, where, what, consequence string) {
	if len(p.defects) < maxNotes {
		p.defects = append(p.defects, &defect{where: where, what: what, class: class})
	}
	if consequence != "" {
		p.notef("%s: %s: %s", where, what, consequence)
	} else {
		p.notef("%s: %s", where, what)
	}
}
