package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

const (
	// maxIDLen is the longest id kept as is; longer ones are shortened stably.
	maxIDLen = 250
	// maxIDs bounds the ids kept from one In-Reply-To or References header.
	maxIDs = 200
	// minBareIDLen is how long an id without "@" must be to count as an id when it is
	// unbracketed or truncated; shorter ones are too likely to be free text or to collide.
	minBareIDLen = 20
	// syntheticDomain marks ids made up by Parse.
	syntheticDomain = "@listdigest.invalid"
)

// NormalizeID returns the first message id in s without angle brackets, or "" when s
// holds none. See ParseIDList for what counts as an id.
func NormalizeID(s string) string {
	ids := parseIDs(s, 1)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// ParseIDList returns the message ids in an In-Reply-To or References value, in
// order, without brackets, whitespace or comments, duplicates removed. Free text
// around bracketed ids ("Your message of Mon, 3 Mar ... <abc@x>") is dropped. Without
// any bracket, bare tokens containing "@" are ids. A truncated id ("<abc@example"
// at the end, or before the next "<") is kept when it contains "@" or is at least 20
// bytes long. Ids longer than 250 bytes are shortened to 200 bytes plus a hash of the
// whole id, so the same long id always gives the same result. At most 200 ids are
// kept: the first and the last 199, since threading needs the root and the parents.
func ParseIDList(s string) []string {
	return parseIDs(s, maxIDs)
}

func parseIDs(s string, limit int) []string {
	s = cleanControls(fixUTF8String(s))
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		ids = append(ids, id)
	}
	bracketed := false
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		start := i + j + 1
		k := strings.IndexAny(s[start:], "<>")
		var content string
		closed := false
		switch {
		case k >= 0 && s[start+k] == '>':
			content, closed, i = s[start:start+k], true, start+k+1
		case k >= 0:
			content, i = s[start:start+k], start+k
		default:
			content, i = s[start:], len(s)
		}
		bracketed = true
		if closed {
			add(cleanID(content, 1))
		} else if f := strings.Fields(content); len(f) > 0 {
			// Truncated: the id is what precedes any whitespace.
			add(cleanID(f[0], minBareIDLen))
		}
		if len(ids) > 2*limit {
			// Keep memory bounded on hostile input: only the root and the last
			// limit-1 ids can survive the final cut anyway.
			ids = append(ids[:1], ids[len(ids)-(limit-1):]...)
		}
	}
	if !bracketed {
		// A stray ">" ("abc@x>" with its "<" lost) separates too: no id contains one, and an
		// id that did could not be written back in brackets and read the same (found by
		// FuzzHeader).
		for _, tok := range strings.FieldsFunc(stripComments(s), func(r rune) bool {
			return r == ' ' || r == '\t' || r == ',' || r == ';' || r == '"' || r == '>'
		}) {
			if strings.Contains(tok, "@") {
				add(cleanID(strings.Trim(tok, ".:'"), 1))
			}
		}
	}
	if len(ids) > limit {
		if limit == 1 {
			return ids[:1]
		}
		ids = append(ids[:1:1], ids[len(ids)-(limit-1):]...)
	}
	return ids
}

// cleanID removes whitespace (ids folded across lines) and shortens an overlong id.
// An id without "@" shorter than minLen is rejected.
func cleanID(s string, minLen int) string {
	s = strings.Join(strings.Fields(s), "")
	if s == "" || (!strings.Contains(s, "@") && len(s) < minLen) {
		return ""
	}
	if strings.HasPrefix(s, "@") || strings.HasSuffix(s, "@") && len(s) < minBareIDLen {
		return ""
	}
	return shortenID(s)
}

// shortenID cuts ids over maxIDLen bytes to 200 bytes plus "~" and 16 hex digits of
// the id's SHA-256, so distinct long ids stay distinct and one id always maps the same.
func shortenID(s string) string {
	if len(s) <= maxIDLen {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	i := 200
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "~" + hex.EncodeToString(sum[:8])
}

// stripComments removes RFC 5322 comments (nested parentheses) outside quoted strings.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var sb strings.Builder
	depth := 0
	inQuote, esc := false, false
	for _, r := range s {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == '"' && depth == 0:
			inQuote = !inQuote
		case r == '(' && !inQuote:
			depth++
			continue
		case r == ')' && !inQuote && depth > 0:
			depth--
			if depth == 0 {
				sb.WriteByte(' ')
			}
			continue
		}
		if depth == 0 {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// usableID reports whether a Message-ID is specific enough to identify a message:
// short ids without "@" ("<1234>") collide across senders.
func usableID(id string) bool {
	return strings.Contains(id, "@") || len(id) >= 8
}

// syntheticID derives a stable id for a message without a usable Message-ID from the
// Date, From, Subject and To headers and the body. Received headers are left out, so
// a re-delivered copy gets the same id; line endings and trailing whitespace are
// normalised, so a copy that went through a CRLF store does too.
func syntheticID(h message.Header, body []byte) string {
	sum := sha256.New()
	for _, k := range []string{"Date", "From", "Subject", "To"} {
		io.WriteString(sum, k)
		io.WriteString(sum, ": ")
		io.WriteString(sum, foldSpace(h.Get(k)))
		io.WriteString(sum, "\n")
	}
	io.WriteString(sum, "\n")
	writeWithoutCR(sum, bytes.TrimRight(body, " \t\r\n"))
	return hex.EncodeToString(sum.Sum(nil))[:32] + syntheticDomain
}

// rawID is the last-resort id: a hash of the raw bytes.
func rawID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:32] + syntheticDomain
}

// writeWithoutCR writes b to h with every CR removed, without copying b.
func writeWithoutCR(h hash.Hash, b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			h.Write(b)
			return
		}
		h.Write(b[:i])
		b = b[i+1:]
	}
}
