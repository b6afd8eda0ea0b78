package digest

import (
	"net/mail"
	"strings"
	"unicode"
)

// replyLink is the mailto: URI (RFC 6068) that answers one thread: to ReplyTo (the poster for
// requests, the list for discussions), subject "Re: <OriginalSubject>", and In-Reply-To so
// that clients honouring it keep the reply in the thread. It returns "" when there is no
// usable address.
func replyLink(it Item) string {
	addr := replyAddress(it.ReplyTo)
	if addr == "" {
		addr = replyAddress(it.AuthorAddr)
	}
	if addr == "" {
		return ""
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	var b strings.Builder
	b.WriteString("mailto:")
	b.WriteString(pctEncode(local, ""))
	b.WriteByte('@')
	b.WriteString(pctEncode(domain, ""))
	b.WriteString("?subject=")
	b.WriteString(pctEncode(replySubject(it), hfSafe))
	if id := strings.Trim(strings.TrimSpace(it.MessageID), "<>"); id != "" && validID(id) {
		b.WriteString("&In-Reply-To=")
		b.WriteString(pctEncode("<"+id+">", hfSafe))
	}
	return b.String()
}

// replyAddress extracts the bare address from "addr" or "Name <addr>", or "" when there is
// none.
func replyAddress(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if a, err := mail.ParseAddress(s); err == nil {
		s = a.Address
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || strings.ContainsFunc(s, isSpaceOrControl) || !validDomain(s[at+1:]) || !validLocal(s[:at]) {
		return ""
	}
	return s
}

// validLocal reports a local part that is a dot-atom: no quotes, no second "@", no comma or
// other special. A quoted local part may hold anything, and a link carrying
// "boss@evil.example,jane" percent-encoded still names two recipients: RFC 6068 separates
// the addresses of a mailto: URI with "%2C". Such addresses get no reply link.
func validLocal(l string) bool {
	return l != "" && !strings.ContainsAny(l, "\"(),:;<>@[\\]")
}

// validDomain reports a host name (letters of any script, digits, hyphens, dots) or an
// address literal. Anything else in a reply address ("x@y?cc=boss@z") is an attempt to
// smuggle header fields into the link, or garbage.
func validDomain(d string) bool {
	if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		return len(d) > 2 && !strings.ContainsAny(d[1:len(d)-1], "[]\\")
	}
	if d == "" || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return false
	}
	for _, r := range d {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.' || unicode.Is(unicode.Mn, r)) {
			return false
		}
	}
	return true
}

// replySubject is "Re: " and the subject the thread opened with, unless it already says Re:.
func replySubject(it Item) string {
	s := it.OriginalSubject
	if strings.TrimSpace(s) == "" {
		s = it.Subject
	}
	s = clean(s, 0, maxReplySubjectRunes)
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}

// validID reports whether a Message-ID (without brackets) can go in a header: id-left@id-right,
// printable ASCII, no spaces or brackets.
func validID(id string) bool {
	if !strings.Contains(id, "@") || len(id) > 250 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// isSpaceOrControl reports characters that cannot be in an address.
func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}

// hfSafe are the delimiters RFC 6068 allows unencoded in header-field values that every
// link detector also keeps inside a link. "+" is not among them: some clients read it as a
// space. "&", "=", "#", "%" and "?" must always be encoded.
const hfSafe = ":@"

// pctEncode percent-encodes every byte but RFC 3986's unreserved characters and keep.
func pctEncode(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
