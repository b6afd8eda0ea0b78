package mailparse

import (
	"bytes"
	"strings"
)

// decodeTransfer undoes a Content-Transfer-Encoding. It is deliberately more lenient
// than go-message's decoders, which stop at the first problem and lose the rest of
// the part (quoted-printable lines over 4 KB, control bytes, base64 junk): here a
// problem never loses the text around it. known is false for an encoding we do not
// implement; the raw bytes are returned then.
func decodeTransfer(raw []byte, cte string) (out []byte, known bool) {
	switch normEncoding(cte) {
	case "", "7bit", "8bit", "binary":
		return raw, true
	case "quoted-printable":
		return decodeQP(raw), true
	case "base64":
		return decodeBase64Lenient(raw), true
	default:
		return raw, false
	}
}

// knownEncoding reports whether decodeTransfer implements cte.
func knownEncoding(cte string) bool {
	_, known := decodeTransfer(nil, cte)
	return known
}

// normEncoding normalises a Content-Transfer-Encoding value, mapping the spellings
// seen in the wild ("7-bit", "Quoted-Printable ", "base-64") to their names.
func normEncoding(cte string) string {
	e := strings.ToLower(strings.Trim(cte, " \t\"'"))
	if i := strings.IndexAny(e, " \t;("); i >= 0 {
		e = e[:i]
	}
	switch e {
	case "7-bit", "7bits", "7 bit":
		return "7bit"
	case "8-bit", "8bits", "8 bit":
		return "8bit"
	case "quoted_printable", "quotedprintable", "qp":
		return "quoted-printable"
	case "base-64":
		return "base64"
	}
	return e
}

// decodeQP decodes quoted-printable without failing: "=XX" becomes a byte, "=" at the
// end of a line (before optional whitespace) is a soft line break, and any other "="
// is kept as is. Trailing whitespace before a line end is dropped, per RFC 2045.
func decodeQP(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for len(raw) > 0 {
		var line []byte
		nl := false
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw, nl = raw[:i], raw[i+1:], true
		} else {
			line, raw = raw, nil
		}
		line = bytes.TrimRight(line, " \t\r")
		soft := false
		if len(line) > 0 && line[len(line)-1] == '=' {
			soft = true
			line = line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, c)
		}
		if nl && !soft {
			out = append(out, '\n')
		}
	}
	return out
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// b64 maps a byte to its base64 value (standard and URL alphabets), or 0xff.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// decodeBase64Lenient decodes base64 ignoring anything outside the alphabet. Padding
// resets the bit accumulator, so concatenated base64 blocks (each with its own
// padding) decode correctly, and a truncated final group just loses its partial byte.
func decodeBase64Lenient(raw []byte) []byte {
	out := make([]byte, 0, len(raw)*3/4+3)
	var acc uint32
	bits := 0
	for _, c := range raw {
		if c == '=' {
			acc, bits = 0, 0
			continue
		}
		v := b64[c]
		if v == 0xff {
			continue
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>uint(bits)))
			acc &= 1<<uint(bits) - 1
		}
	}
	return out
}
