package mailparse

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

const (
	// maxHeaderBytes bounds the fields kept from one header block; a field that would
	// take the block past it is dropped, and the fields after it are still kept.
	maxHeaderBytes = 1 << 20
	// maxHeaderFields bounds the number of fields kept from one header block.
	maxHeaderFields = 5000
)

// headerBlock is a header block split off the front of an entity.
type headerBlock struct {
	clean       []byte   // well-formed fields only, each ending in CRLF, then a blank line
	body        []byte   // the rest of the entity (a sub-slice of the input)
	dropped     int      // lines that were not fields and were skipped
	overflow    int      // fields dropped because of maxHeaderBytes/maxHeaderFields
	overNames   []string // names of the first few of those fields, for the note
	noSeparator bool     // the header ended at a non-field line, not a blank line
}

// splitHeader splits raw into its header block and body without trusting it to be
// well formed: orphan continuation lines are skipped, a line that is not a field
// ends the header (as Python's email package does: the body starts there), and the
// block is capped in size and field count. The clean block it builds always
// satisfies go-message's header reader, so message.Read never loses the header.
// skipFrom allows an mbox "From " line at the very start.
func splitHeader(raw []byte, skipFrom bool) headerBlock {
	var hb headerBlock
	var fields [][2]int // [start, end) of each kept field, end excluding its newline
	pos := 0
	if skipFrom && bytes.HasPrefix(raw, []byte("From ")) {
		pos = nextLine(raw, 0)
	}
	bodyStart := len(raw)
	// kept counts the bytes of the kept fields. The cap is on them, not on the offset
	// into the block: with the offset, one huge field (a 1 MB References or Subject)
	// also dropped every field after it, Message-ID, From and List-Id included.
	kept := 0
	overflow := func(field []byte) {
		hb.overflow++
		if len(hb.overNames) < 5 {
			name, _, _ := bytes.Cut(field, []byte(":"))
			hb.overNames = append(hb.overNames, truncateForNote(string(bytes.TrimSpace(name))))
		}
	}
	const none, skipped = -1, -2
	cur := none // index in fields of the field being continued, or none, or skipped (over the caps)
	for pos < len(raw) {
		next := nextLine(raw, pos)
		line := trimEOL(raw[pos:next])
		switch {
		case len(bytes.Trim(line, "\r")) == 0 || (cur == none && isBlank(line)):
			bodyStart = next
		case line[0] == ' ' || line[0] == '\t':
			switch {
			case cur >= 0:
				end := pos + len(line)
				kept += end - fields[cur][1]
				fields[cur][1] = end
				if kept > maxHeaderBytes {
					kept -= fields[cur][1] - fields[cur][0]
					overflow(raw[fields[cur][0]:fields[cur][1]])
					fields = fields[:cur]
					cur = skipped
				}
			case cur == none:
				hb.dropped++
			}
			pos = next
			continue
		case isFieldLine(line):
			cur = skipped
			if len(fields) < maxHeaderFields && kept+len(line) <= maxHeaderBytes {
				fields = append(fields, [2]int{pos, pos + len(line)})
				kept += len(line)
				cur = len(fields) - 1
			} else {
				overflow(line)
			}
			pos = next
			continue
		default:
			hb.noSeparator = true
			bodyStart = pos
		}
		break
	}
	hb.body = raw[bodyStart:]
	size := 2
	for _, f := range fields {
		size += f[1] - f[0] + 2
	}
	hb.clean = make([]byte, 0, size)
	for _, f := range fields {
		hb.clean = append(hb.clean, raw[f[0]:f[1]]...)
		hb.clean = append(hb.clean, '\r', '\n')
	}
	hb.clean = append(hb.clean, '\r', '\n')
	return hb
}

// nextLine returns the offset just past the newline ending the line at pos.
func nextLine(b []byte, pos int) int {
	if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(b)
}

// trimEOL strips the line terminator (LF or CRLF) from a line.
func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

func isBlank(line []byte) bool {
	return len(bytes.Trim(line, " \t\r")) == 0
}

// isFieldLine reports whether line starts a header field: a non-empty name of
// printable ASCII without spaces, then a colon (spaces before the colon tolerated).
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// readHeader parses a header block with go-message: the message header with
// message.Read, part headers with the textproto reader message.Read itself uses.
// message.Read also sets up body decoders (a 4 KB bufio.Reader, a charset reader)
// that this package never reads from; per part that was most of the parsing cost,
// per message it is small. The block comes from splitHeader, so errors are not
// expected; one that still happens yields an empty header.
func readHeader(hb headerBlock, top bool) (message.Header, error) {
	if top {
		e, err := message.ReadWithOptions(bytes.NewReader(hb.clean), &message.ReadOptions{MaxHeaderBytes: -1})
		if e == nil {
			return message.Header{}, fmt.Errorf("read header: %w", err)
		}
		// Unknown charset/encoding errors are about the (empty) body here; bodies
		// are decoded separately, with their own notes.
		return e.Header, nil
	}
	h, err := textproto.ReadHeader(bufio.NewReaderSize(bytes.NewReader(hb.clean), len(hb.clean)+16))
	if err != nil {
		return message.Header{}, fmt.Errorf("read header: %w", err)
	}
	return message.Header{Header: h}, nil
}

// headerDecoder decodes header values to clean UTF-8.
type headerDecoder struct {
	// raw8 is the charset tried for raw 8-bit header bytes that are not UTF-8:
	// the message's own body charset when it has a multi-byte one, else windows-1252.
	raw8 string
	// unknown collects charsets of encoded words that could not be decoded.
	unknown []string
}

// decode decodes one raw header value: raw 8-bit bytes are repaired, RFC 2047
// encoded words are decoded, control characters become spaces and whitespace runs
// are folded to one space.
func (d *headerDecoder) decode(v string) string {
	return foldSpace(d.decodeWords(d.raw8bit(v)))
}

// raw8bit turns a raw header value into valid UTF-8.
func (d *headerDecoder) raw8bit(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	if d.raw8 != "" {
		if s, known := decodeCharset([]byte(v), d.raw8); known && !strings.ContainsRune(s, utf8.RuneError) {
			return s
		}
	}
	return fixUTF8([]byte(v))
}

// encodedWord is one RFC 2047 encoded word found in a header value.
type encodedWord struct {
	start, end int // byte offsets in the value
	charset    string
	data       []byte // decoded bytes, still in charset
}

// findEncodedWord finds the next "=?charset?X?text?=" at or after from. It is more
// lenient than RFC 2047: spaces inside the text and words glued to other text are
// accepted, because mailers produce both.
func findEncodedWord(s string, from int) (encodedWord, bool) {
	for {
		i := strings.Index(s[from:], "=?")
		if i < 0 {
			return encodedWord{}, false
		}
		start := from + i
		rest := s[start+2:]
		q1 := strings.IndexByte(rest, '?')
		if q1 <= 0 || q1+2 >= len(rest) || rest[q1+2] != '?' {
			from = start + 2
			continue
		}
		enc := rest[q1+1]
		text := rest[q1+3:]
		q2 := strings.Index(text, "?=")
		if q2 < 0 {
			// No "?=" anywhere after this word's text starts, so none after any later
			// "=?" either: stop here. Skipping on to the next "=?" made a value of many
			// unterminated words ("=?a?q?b=?a?q?b...") quadratic: 200 KB took 0.2 s.
			return encodedWord{}, false
		}
		if strings.ContainsAny(rest[:q1], " \t\r\n") {
			from = start + 2
			continue
		}
		var data []byte
		switch enc {
		case 'b', 'B':
			data = decodeBase64Lenient([]byte(text[:q2]))
		case 'q', 'Q':
			data = decodeQWord(text[:q2])
		default:
			from = start + 2
			continue
		}
		end := start + 2 + q1 + 3 + q2 + 2
		return encodedWord{start: start, end: end, charset: rest[:q1], data: data}, true
	}
}

// decodeWords decodes the encoded words in v. Adjacent words separated only by
// whitespace are joined (RFC 2047 section 6.2), and adjacent words in the same
// charset are joined before charset decoding, because mailers split multi-byte
// characters across words.
func (d *headerDecoder) decodeWords(v string) string {
	if !strings.Contains(v, "=?") {
		return cleanControls(v)
	}
	var sb strings.Builder
	pos := 0
	var pending []byte
	pendingCS := ""
	flush := func() {
		if pending == nil {
			return
		}
		s, known := decodeCharset(pending, pendingCS)
		if !known && len(d.unknown) < 10 {
			d.unknown = append(d.unknown, normCharset(pendingCS))
		}
		sb.WriteString(s)
		pending = nil
	}
	for {
		w, ok := findEncodedWord(v, pos)
		if !ok {
			break
		}
		between := v[pos:w.start]
		if pending != nil && strings.TrimSpace(between) == "" {
			if !strings.EqualFold(normCharset(w.charset), normCharset(pendingCS)) {
				flush()
			}
		} else {
			flush()
			sb.WriteString(between)
		}
		if pending == nil {
			pending = []byte{}
			pendingCS = w.charset
		}
		pending = append(pending, w.data...)
		pos = w.end
	}
	flush()
	sb.WriteString(v[pos:])
	return cleanControls(sb.String())
}

// decodeQWord decodes the Q encoding of RFC 2047: "_" is a space, "=XX" a byte;
// a malformed "=" is kept literally.
func decodeQWord(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

// cleanControls replaces control characters (CR, LF, NUL, ...) with spaces: decoded
// headers are single-line strings.
func cleanControls(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// foldSpace collapses whitespace runs to one space and trims the ends.
func foldSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// headerText returns the first value of key, decoded and folded.
func (d *headerDecoder) headerText(h message.Header, key string) string {
	return d.decode(h.Get(key))
}
