package sample

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"unicode/utf8"
)

// Encodings for generated mail: line wrapping, charsets (UTF-8, windows-1252,
// ISO-8859-1), quoted-printable, base64 and RFC 2047 encoded words. Everything
// appends to a byte slice; text uses "\n" line ends, which ListMessage turns
// into CRLF at the end (encoded bodies are built so that this stays correct).

// appendWrap fills s into lines of at most width characters (longer words stay
// whole), each starting with prefix, and ends with a line break. Runs of white
// space separate words.
func appendWrap(b []byte, s string, width int, prefix string) []byte {
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\t') >= 0 || strings.Contains(s, "  ") {
		return appendWrapWords(b, s, width, prefix)
	}
	// Words are separated by single spaces: take whole lines at a time.
	avail := width - utf8.RuneCountInString(prefix)
	wrote := false
	for {
		for len(s) > 0 && s[0] == ' ' {
			s = s[1:]
		}
		if s == "" {
			break
		}
		b = append(b, prefix...)
		k := len(s)
		if window := s[:min(len(s), avail+1)]; isASCII(window) {
			if len(s) > avail {
				if k = strings.LastIndexByte(window, ' '); k <= 0 {
					if k = strings.IndexByte(s, ' '); k < 0 { // a word longer than the line
						k = len(s)
					}
				}
			}
		} else {
			k = lineEnd(s, avail)
		}
		b = append(b, s[:k]...)
		b = append(b, '\n')
		s = s[k:]
		wrote = true
	}
	if !wrote {
		b = append(b, '\n')
	}
	return b
}

// lineEnd returns where the first line of s (single-spaced words) ends when it holds at
// most avail characters, counting runes, and at least one word.
func lineEnd(s string, avail int) int {
	end, n := 0, 0
	for i := 0; i < len(s); {
		j, w := i, 0
		for j < len(s) && s[j] != ' ' {
			if s[j] < 0x80 || s[j] >= 0xC0 {
				w++
			}
			j++
		}
		if end > 0 && n+1+w > avail {
			break
		}
		if end > 0 {
			n++
		}
		n += w
		end = j
		i = j + 1
	}
	return end
}

// appendWrapWords is appendWrap for text with line breaks, tabs or runs of spaces.
func appendWrapWords(b []byte, s string, width int, prefix string) []byte {
	plen := utf8.RuneCountInString(prefix)
	line := 0
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		j, n := i, 0
		for j < len(s) && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' {
			if s[j] < 0x80 || s[j] >= 0xC0 { // count runes by their first byte
				n++
			}
			j++
		}
		if line > 0 && line+1+n > width {
			b = append(b, '\n')
			line = 0
		}
		if line == 0 {
			b = append(b, prefix...)
			line = plen
		} else {
			b = append(b, ' ')
			line++
		}
		b = append(b, s[i:j]...)
		line += n
		i = j
	}
	return append(b, '\n')
}

func isASCII[T string | []byte](s T) bool {
	var m byte
	for i := 0; i < len(s); i++ {
		m |= s[i]
	}
	return m < utf8.RuneSelf
}

// smartify does what Outlook's AutoFormat and iOS smart punctuation do as people
// type: curly apostrophes and quotes, an en dash for " - ", an ellipsis for "...".
func smartify(s string) string {
	if strings.IndexByte(s, '\'') < 0 && strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '-') < 0 && !strings.Contains(s, "...") {
		return s
	}
	return string(appendSmart(make([]byte, 0, len(s)+16), s))
}

// appendSmart appends s to b as smartify changes it; the last byte of b is the context
// of the first of s.
func appendSmart(b []byte, s string) []byte {
	start := 0 // s[start:] is not yet copied to b
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !smartByte[c] {
			continue
		}
		var rep string
		prev := byte(' ')
		if i > 0 {
			prev = s[i-1]
		} else if len(b) > 0 {
			prev = b[len(b)-1]
		}
		switch {
		case c == '\'':
			rep = "’"
		case c == '"':
			rep = "”"
			if prev == ' ' || prev == '(' {
				rep = "“"
			}
		case c == '-' && i > 0 && i+1 < len(s) && prev == ' ' && s[i+1] == ' ':
			rep = "–"
		case c == '.' && i+2 < len(s) && s[i+1] == '.' && s[i+2] == '.':
			rep = "…"
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, rep...)
		if rep == "…" {
			i += 2
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

var smartByte = [256]bool{'\'': true, '"': true, '-': true, '.': true}

// charset is a body or header charset.
type charset uint8

const (
	csASCII charset = iota // us-ascii: the text must be ASCII
	csUTF8
	csWin1252
	csLatin1
)

func (c charset) String() string {
	switch c {
	case csUTF8:
		return "utf-8"
	case csWin1252:
		return "windows-1252"
	case csLatin1:
		return "iso-8859-1"
	}
	return "us-ascii"
}

// win1252Bytes maps the characters of windows-1252's 0x80-0x9F range.
var win1252Bytes = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// textClass reports, in one pass, whether s is ASCII and whether windows-1252 can write it.
func textClass(s []byte) (ascii, win1252 bool) {
	ascii, win1252 = true, true
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRune(s[i:])
		i += n
		if r >= 0xA0 && r <= 0xFF {
			continue
		}
		if _, ok := win1252Bytes[r]; !ok {
			return false, false
		}
	}
	return ascii, win1252
}

// fits reports whether s can be written in c without loss.
func fits[T string | []byte](s T, c charset) bool {
	switch c {
	case csUTF8:
		return true
	case csASCII:
		return isASCII(s)
	}
	for _, r := range string(s) { // no copy: the compiler ranges over the bytes
		if r < 0x80 || (r >= 0xA0 && r <= 0xFF) {
			continue
		}
		if _, ok := win1252Bytes[r]; ok && c == csWin1252 {
			continue
		}
		return false
	}
	return true
}

// translit gives an ASCII stand-in for a character a legacy charset lacks, as old
// mail clients did when they could not send it.
func translit(r rune) string {
	switch r {
	case '‘', '’':
		return "'"
	case '“', '”':
		return `"`
	case '–', '—':
		return "-"
	case '…':
		return "..."
	case 'ā':
		return "a"
	case 'Ā':
		return "A"
	case 'ē':
		return "e"
	case 'ī':
		return "i"
	case 'ō':
		return "o"
	case 'ū':
		return "u"
	}
	return "?"
}

// appendIn appends s converted from UTF-8 to c; characters c lacks are transliterated.
func appendIn[T string | []byte](b []byte, s T, c charset) []byte {
	if c == csUTF8 {
		return append(b, s...)
	}
	for len(s) > 0 {
		k := 0
		for k < len(s) && s[k] < utf8.RuneSelf {
			k++
		}
		b = append(b, s[:k]...)
		if k == len(s) {
			break
		}
		r, n := utf8.DecodeRuneInString(string(s[k:min(k+utf8.UTFMax, len(s))]))
		s = s[k+n:]
		switch {
		case c != csASCII && r >= 0xA0 && r <= 0xFF:
			b = append(b, byte(r))
		default:
			if x, ok := win1252Bytes[r]; ok && c == csWin1252 {
				b = append(b, x)
			} else {
				b = append(b, translit(r)...)
			}
		}
	}
	return b
}

const upperHex = "0123456789ABCDEF"

// qpPlain marks the bytes quoted-printable writes as themselves (space and tab too,
// except before a line break).
var qpPlain = func() (t [256]bool) {
	for c := ' '; c < 0x7F; c++ {
		t[c] = c != '='
	}
	t['\t'] = true
	return t
}()

// appendQP appends src quoted-printable encoded (RFC 2045): "\n" stays a line
// break, lines are broken softly before 76 characters, and white space before a
// line break is encoded.
func appendQP(b, src []byte) []byte {
	b = slices.Grow(b, len(src)+len(src)/16)
	col := 0
	for i := 0; i < len(src); {
		// A run of bytes written as themselves, up to the soft line limit, less white
		// space before a line break.
		j, lim := i, min(len(src), i+75-col)
		for j < lim && qpPlain[src[j]] {
			j++
		}
		if j > i && (j == len(src) || src[j] == '\n') && (src[j-1] == ' ' || src[j-1] == '\t') {
			j--
		}
		b = append(b, src[i:j]...)
		col += j - i
		i = j
		if i == len(src) {
			break
		}
		c := src[i]
		switch {
		case c == '\n':
			b = append(b, '\n')
			col = 0
			i++
			continue
		case col >= 75:
			b = append(b, '=', '\n')
			col = 0
			continue
		}
		if col+3 > 75 {
			b = append(b, '=', '\n')
			col = 0
		}
		b = append(b, '=', upperHex[c>>4], upperHex[c&15])
		col += 3
		i++
	}
	return b
}

// appendBase64 appends data base64 encoded in lines of 76 characters.
func appendBase64(b, data []byte) []byte {
	for len(data) > 0 {
		n := min(57, len(data))
		b = base64.StdEncoding.AppendEncode(b, data[:n])
		b = append(b, '\n')
		data = data[n:]
	}
	return b
}

// crlf returns text with "\n" line ends turned into CRLF, as a body must be
// before base64 encoding, and as ListMessage returns messages.
func crlf(text []byte) []byte {
	out := make([]byte, 0, len(text)+bytes.Count(text, []byte{'\n'}))
	for {
		k := bytes.IndexByte(text, '\n')
		if k < 0 {
			return append(out, text...)
		}
		out = append(out, text[:k]...)
		out = append(out, '\r', '\n')
		text = text[k+1:]
	}
}

// wordEncoding is how a mail client writes non-ASCII header text (RFC 2047).
type wordEncoding struct {
	cs    charset // csUTF8, csWin1252 or csLatin1
	label string  // how the client spells the charset: "UTF-8", "utf-8", "windows-1252"
	b     bool    // B (base64) rather than Q encoding
}

// appendHeaderText appends s as a header value: as is when it is ASCII, else as
// encoded words in e (falling back to UTF-8 B when e's charset lacks a
// character), folded onto continuation lines.
func appendHeaderText(b []byte, s string, e wordEncoding) []byte {
	if isASCII(s) {
		return append(b, s...)
	}
	if !fits(s, e.cs) {
		e = wordEncoding{cs: csUTF8, label: "UTF-8", b: true}
	}
	var raw []byte
	if e.cs == csUTF8 {
		raw = []byte(s)
	} else {
		raw = appendIn(nil, s, e.cs)
	}
	open := "=?" + e.label + "?Q?"
	if e.b {
		open = "=?" + e.label + "?B?"
	}
	// Split raw into words, never inside a UTF-8 sequence; each word at most 75 characters.
	first := true
	for len(raw) > 0 {
		if !first {
			b = append(b, "\n "...)
		}
		first = false
		b = append(b, open...)
		if e.b {
			n := min(45, len(raw))
			for e.cs == csUTF8 && n < len(raw) && !utf8.RuneStart(raw[n]) {
				n--
			}
			b = base64.StdEncoding.AppendEncode(b, raw[:n])
			raw = raw[n:]
		} else {
			room := 75 - len(open) - 2
			used := 0
			for len(raw) > 0 {
				// The next unit: one byte, or one whole UTF-8 sequence.
				n := 1
				if e.cs == csUTF8 && raw[0] >= 0xC0 {
					_, n = utf8.DecodeRune(raw)
				}
				w := 0
				for _, c := range raw[:n] {
					if qSafe(c) || c == ' ' {
						w++
					} else {
						w += 3
					}
				}
				if used+w > room {
					break
				}
				for _, c := range raw[:n] {
					switch {
					case c == ' ':
						b = append(b, '_')
					case qSafe(c):
						b = append(b, c)
					default:
						b = append(b, '=', upperHex[c>>4], upperHex[c&15])
					}
				}
				used += w
				raw = raw[n:]
			}
		}
		b = append(b, "?="...)
	}
	return b
}

// qSafe reports whether c may stand for itself in a Q-encoded word in any header
// position (RFC 2047 section 5(3)).
func qSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

// appendMailbox appends a From-style mailbox: display name (quoted or encoded as
// needed) and address.
func appendMailbox(b []byte, name, addr string, e wordEncoding) []byte {
	switch {
	case !isASCII(name):
		b = appendHeaderText(b, name, e)
	case strings.ContainsAny(name, `,.'"()<>@;:\[]`):
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), `"`, `\"`)...)
		b = append(b, '"')
	default:
		b = append(b, name...)
	}
	b = append(b, " <"...)
	b = append(b, addr...)
	return append(b, '>')
}

// foldLetter gives the ASCII letter an accented letter is written as in an address.
func foldLetter(r rune) rune {
	switch r {
	case 'á', 'ā', 'à', 'â', 'ä':
		return 'a'
	case 'é', 'è', 'ë', 'ê', 'ē':
		return 'e'
	case 'í', 'ï', 'ī':
		return 'i'
	case 'ó', 'ö', 'ō':
		return 'o'
	case 'ú', 'ü', 'ū':
		return 'u'
	case 'ñ':
		return 'n'
	}
	return r
}
