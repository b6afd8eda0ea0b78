package mailparse

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// charsetAliases maps labels seen in list mail that go-message's registry does not
// know (or maps unhelpfully) to labels it does know.
var charsetAliases = map[string]string{
	"ks_c_5601-1987": "euc-kr", // Outlook's name for Korean; IANA has no decoder for it
	"ks_c_5601":      "euc-kr",
	"ksc_5601":       "euc-kr",
	"cp949":          "euc-kr",
	"windows-949":    "euc-kr",
	"cp932":          "shift_jis",
	"windows-31j":    "shift_jis",
	"x-ms-cp932":     "shift_jis",
	"cp936":          "gbk",
	"x-gbk":          "gbk",
	"gb_2312-80":     "gbk",
	"x-euc-cn":       "gbk",
	"euc-cn":         "gbk",
	"x-mac-roman":    "macintosh",
}

// unknownCharsets are labels that name no charset at all: the bytes are whatever
// the sender's machine used, so they get the UTF-8/windows-1252 fallback.
var unknownCharsets = map[string]bool{
	"unknown-8bit": true, "x-unknown": true, "unknown": true, "default": true,
	"x-user-defined": true, "8bit": true, "binary": true, "none": true, "charset": true,
}

// isLatin1Label reports labels that mail software uses for what is in practice
// windows-1252: WHATWG decodes them all as windows-1252, and Outlook's smart quotes
// (0x91-0x94) would otherwise become invisible C1 controls.
func isLatin1Label(l string) bool {
	switch l {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1", "l1",
		"cp819", "ibm819", "csisolatin1", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252":
		return true
	}
	return false
}

// isUTF8Label reports labels whose bytes are taken as UTF-8 (ASCII is a subset; 8-bit
// bytes under an ASCII label are repaired like any invalid UTF-8).
func isUTF8Label(l string) bool {
	switch l {
	case "utf-8", "utf8", "x-utf_8j", "unicode-1-1-utf-8", "us-ascii", "ascii", "ansi_x3.4-1968",
		"iso646-us", "us", "cp367", "ibm367", "csascii", "iso-ir-6":
		return true
	}
	return false
}

// normCharset lower-cases a charset label and strips quotes, spaces and an RFC 2231
// language suffix ("utf-8*en").
func normCharset(label string) string {
	l := strings.ToLower(strings.Trim(label, " \t\"'"))
	if i := strings.IndexByte(l, '*'); i >= 0 {
		l = l[:i]
	}
	return l
}

// decodeCharset converts b from the named charset to valid UTF-8. known is false when
// the label is not a charset we can decode; the result is then b as UTF-8 with any
// invalid bytes read as windows-1252, so the caller can keep going and note it.
func decodeCharset(b []byte, label string) (s string, known bool) {
	l := normCharset(label)
	switch {
	case l == "" || isUTF8Label(l):
		return fixUTF8(b), true
	case isLatin1Label(l):
		return decode1252(b), true
	case l == "utf-7" || l == "unicode-1-1-utf-7" || l == "x-unicode-2-0-utf-7" || l == "csunicode11utf7":
		return decodeUTF7(b), true // Outlook 2000 sent it; x/text has no decoder
	case unknownCharsets[l]:
		return fixUTF8(b), false
	}
	if a, ok := charsetAliases[l]; ok {
		l = a
	}
	enc := lookupEncoding(l)
	if enc == nil {
		return fixUTF8(b), false
	}
	out, err := enc.NewDecoder().Bytes(b)
	if (err != nil && len(out) == 0) || isReplacementOnly(out, b) {
		return fixUTF8(b), false
	}
	// x/text decoders emit U+FFFD for bad input, but a short read on error could
	// leave a partial rune: fixUTF8 keeps the invariant either way.
	return fixUTF8(out), true
}

// lookupEncoding finds the decoder for a normalised label the way go-message's
// charset package does (IANA MIME names, then "cs"-prefixed IANA names, then the
// WHATWG index), but returns the encoding itself: decoding a []byte with it costs
// one output buffer, where charset.Reader sets up a transform.Reader with two
// 4 KB buffers for every encoded word and part. nil means unknown.
func lookupEncoding(l string) encoding.Encoding {
	if enc, err := ianaindex.MIME.Encoding(l); err == nil && enc != nil {
		return enc
	}
	if enc, err := ianaindex.MIME.Encoding("cs" + l); err == nil && enc != nil {
		return enc
	}
	if enc, err := htmlindex.Get(l); err == nil && enc != nil {
		return enc
	}
	return nil
}

// isReplacementOnly reports output made only of U+FFFD from non-empty input: WHATWG's
// "replacement" decoder (iso-2022-kr, hz-gb-2312, ...) would otherwise erase the text.
func isReplacementOnly(out, in []byte) bool {
	return len(in) > 0 && len(bytes.Trim(out, "\uFFFD")) == 0
}

// knownCharset reports whether decodeCharset can decode label.
func knownCharset(label string) bool {
	_, known := decodeCharset(nil, label)
	return known
}

// decode1252 decodes b as windows-1252, which maps every byte to a rune.
func decode1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
			continue
		}
		sb.WriteRune(charmap.Windows1252.DecodeByte(c))
	}
	return sb.String()
}

// fixUTF8 returns b as a string, reading each byte that is not part of a valid UTF-8
// sequence as windows-1252 (the usual culprit: Latin-1 text under a UTF-8 or missing
// label), so the result is always valid UTF-8 and no text is thrown away.
func fixUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(charmap.Windows1252.DecodeByte(b[0]))
			b = b[1:]
			continue
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}

// fixUTF8String is fixUTF8 for strings.
func fixUTF8String(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return fixUTF8([]byte(s))
}

// decodeUTF7 decodes RFC 2152 UTF-7: "+" starts modified base64 of UTF-16 units,
// ended by "-" (consumed) or any other byte outside the alphabet; "+-" is "+".
// Malformed input never fails: stray bits are dropped, bad surrogates become U+FFFD.
func decodeUTF7(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	var units []uint16
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '+' {
			sb.WriteString(fixUTF8(b[i : i+1]))
			continue
		}
		if i+1 < len(b) && b[i+1] == '-' {
			sb.WriteByte('+')
			i++
			continue
		}
		units = units[:0]
		var acc uint32
		bits := 0
		j := i + 1
		for ; j < len(b) && b64[b[j]] != 0xff && b[j] != '-' && b[j] != '_'; j++ {
			acc = acc<<6 | uint32(b64[b[j]])
			bits += 6
			if bits >= 16 {
				bits -= 16
				units = append(units, uint16(acc>>uint(bits)))
				acc &= 1<<uint(bits) - 1
			}
		}
		sb.WriteString(string(utf16.Decode(units)))
		if j < len(b) && b[j] == '-' {
			j++ // the terminating "-" is absorbed
		}
		i = j - 1
	}
	return fixUTF8String(sb.String())
}
