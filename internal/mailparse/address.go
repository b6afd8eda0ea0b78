package mailparse

import (
	"regexp"
	"strings"
)

// maxAddresses bounds the addresses kept from one header.
const maxAddresses = 500

// addressList parses an address header value leniently. net/mail (and so go-message's
// mail.ParseAddressList) rejects a whole header over one flaw common in list mail:
// unquoted dots or commas in names, "jane at example.com" (Pipermail), text after the
// address ("Jane <j@x> via LM_NET"). Here each mailbox is salvaged on its own.
func (p *parser) addressList(v string) []Address {
	v = p.dec.raw8bit(v)
	var out []Address
	pendingName := ""
	for _, chunk := range splitAddressList(v) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" {
			continue
		}
		if !strings.ContainsAny(chunk, "<@") && !atForm.MatchString(stripComments(chunk)) {
			// "Smith, Jane <jane@x>" with the comma unquoted: a name piece.
			pendingName = strings.TrimSpace(pendingName + " " + chunk)
			continue
		}
		a := p.mailbox(chunk)
		if pendingName != "" {
			a.Name = strings.TrimSpace(p.dec.decode(unquote(pendingName)) + ", " + a.Name)
			a.Name = strings.TrimSuffix(a.Name, ", ")
			pendingName = ""
		}
		if a.Addr == "" && a.Name == "" {
			continue
		}
		out = append(out, a)
		if len(out) >= maxAddresses {
			break
		}
	}
	return out
}

// atForm matches Pipermail's obfuscated "jane at example.com".
var atForm = regexp.MustCompile(`^\s*([^\s@<>()",;]+) at ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*$`)

// splitAddressList splits on commas (and group semicolons) outside quotes, comments
// and angle brackets, and drops group names ("Team: a@x, b@y;").
func splitAddressList(v string) []string {
	var out []string
	var cur strings.Builder
	inQuote, esc, inAngle := false, false, false
	depth := 0
	for _, r := range v {
		switch {
		case esc:
			esc = false
		case r == '\\' && (inQuote || depth > 0):
			esc = true
		case r == '"' && depth == 0 && !inAngle:
			inQuote = !inQuote
		case inQuote:
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case r == '<':
			inAngle = true
		case r == '>':
			inAngle = false
		case inAngle:
		case r == ',' || r == ';':
			out = append(out, cur.String())
			cur.Reset()
			continue
		case r == ':' && !strings.ContainsAny(cur.String(), "<@"):
			// Group name: drop it.
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, cur.String())
}

// mailbox parses one "Name <addr>", "addr (Name)", "addr" or "name at host".
func (p *parser) mailbox(s string) Address {
	var a Address
	if lt := lastIndexOutsideQuotes(s, '<'); lt >= 0 {
		rest := s[lt+1:]
		if gt := strings.IndexByte(rest, '>'); gt >= 0 {
			rest = rest[:gt]
		}
		a.Addr = cleanAddr(rest)
		a.Name = strings.TrimSpace(s[:lt])
		if a.Name == "" {
			a.Name = commentText(s[lt:])
		} else {
			a.Name = strings.TrimSpace(stripComments(a.Name))
			if a.Name == "" {
				a.Name = commentText(s[:lt])
			}
		}
	} else {
		a.Name = commentText(s)
		bare := strings.TrimSpace(stripComments(s))
		if m := atForm.FindStringSubmatch(bare); m != nil {
			bare = m[1] + "@" + m[2]
		} else if f := strings.Fields(bare); len(f) > 1 {
			// "Jane Doe jane@x": the token with "@" is the address.
			for i, t := range f {
				if strings.Contains(t, "@") {
					bare = t
					if a.Name == "" {
						a.Name = strings.Join(append(f[:i:i], f[i+1:]...), " ")
					}
					break
				}
			}
		}
		a.Addr = cleanAddr(bare)
	}
	a.Name = p.dec.decode(unquote(a.Name))
	if strings.EqualFold(a.Name, a.Addr) {
		a.Name = ""
	}
	return a
}

// cleanAddr tidies an addr-spec: spaces, quotes, "mailto:", Pipermail's " at ".
func cleanAddr(s string) string {
	s = strings.TrimSpace(s)
	if m := atForm.FindStringSubmatch(s); m != nil {
		s = m[1] + "@" + m[2]
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	// Controls become spaces before spaces are removed: done after, a DEL or NUL left a
	// space inside the address (found by FuzzHeader).
	s = strings.Join(strings.Fields(cleanControls(s)), "")
	return strings.Trim(s, `"'.,;:`)
}

// commentText returns the text of the first comment in s, without parentheses.
func commentText(s string) string {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return ""
	}
	j := strings.LastIndexByte(s, ')')
	if j < i {
		j = len(s)
	}
	return strings.TrimSpace(s[i+1 : j])
}

// unquote removes one layer of double quotes and backslash escapes.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		if strings.Contains(s, `\`) {
			var sb strings.Builder
			esc := false
			for _, r := range s {
				if r == '\\' && !esc {
					esc = true
					continue
				}
				esc = false
				sb.WriteRune(r)
			}
			s = sb.String()
		}
	}
	return s
}

// lastIndexOutsideQuotes returns the index of the last c outside quoted strings.
func lastIndexOutsideQuotes(s string, c byte) int {
	idx := -1
	inQuote, esc := false, false
	for i := 0; i < len(s); i++ {
		switch {
		case esc:
			esc = false
		case s[i] == '\\' && inQuote:
			esc = true
		case s[i] == '"':
			inQuote = !inQuote
		case s[i] == c && !inQuote:
			idx = i
		}
	}
	if idx < 0 && inQuote {
		// Unbalanced quote: fall back to ignoring quotes.
		return strings.LastIndexByte(s, c)
	}
	return idx
}

// viaName matches a display name rewritten for DMARC: "Jane Smith via OZTL_NET",
// "'Jane Smith' via Group", "Jane Smith <jsmith@school.edu> via LM_NET".
var viaName = regexp.MustCompile(`^(.+?)\s+via\s+(.+)$`)

// author undoes the list's DMARC rewriting of From. from is the header's first
// address; list is the message's list identity.
func (p *parser) author(from Address, list ListIdentity, replyTo []Address, xOrigFrom string) Address {
	author := from
	isList := isListAddr(from.Addr, list)
	rewritten := isList
	if m := viaName.FindStringSubmatch(from.Name); m != nil && (isList || viaMatchesList(m[2], from.Addr, list)) {
		rewritten = true
		inner := strings.TrimSpace(m[1])
		author.Name = strings.Trim(inner, `'"`)
		if strings.Contains(inner, "<") {
			// LISTSERV keeps the real address in the name: "Jane <j@x> via LM_NET".
			if a := p.mailbox(inner); a.Addr != "" {
				author = a
			}
		}
	}
	if !rewritten {
		return author
	}
	if xs := p.addressList(xOrigFrom); len(xs) > 0 && xs[0].Addr != "" && !isListAddr(xs[0].Addr, list) {
		author.Addr = xs[0].Addr
		if xs[0].Name != "" {
			author.Name = xs[0].Name
		}
		return author
	}
	// The address is still the list's when From was the list address or the
	// rewrite left it in place: Reply-To then usually holds the author's.
	if isListAddr(author.Addr, list) || strings.EqualFold(author.Addr, from.Addr) {
		for _, rt := range replyTo {
			if rt.Addr != "" && !isListAddr(rt.Addr, list) && !strings.EqualFold(rt.Addr, from.Addr) {
				author.Addr = rt.Addr
				if author.Name == "" || strings.EqualFold(author.Name, list.Name) {
					author.Name = rt.Name
				}
				break
			}
		}
	}
	return author
}

// viaMatchesList reports whether the "via X" target names the list, for lists we
// could not identify from headers ("Jane via AISLE" sent from aisle@...).
func viaMatchesList(target, fromAddr string, list ListIdentity) bool {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(target), `'"`))
	if t == "" {
		return false
	}
	if list.Name != "" && t == strings.ToLower(list.Name) {
		return true
	}
	local, _, _ := strings.Cut(strings.ToLower(fromAddr), "@")
	return local != "" && t == local
}

// isListAddr reports whether addr is one of the list's own addresses.
func isListAddr(addr string, list ListIdentity) bool {
	if addr == "" || list.ID == "" {
		return false
	}
	a := strings.ToLower(addr)
	if a == list.ID {
		return true
	}
	for _, c := range list.Candidates {
		if a == c {
			return true
		}
	}
	return false
}
