package mailparse

import (
	"path"
	"strings"

	"github.com/emersion/go-message"
)

// MatchList reports whether any of the case-insensitive glob patterns (path.Match
// syntax: "*", "?", "[...]") matches the list's ID, Name or one of its Candidates.
// A malformed pattern matches nothing.
func MatchList(patterns []string, id ListIdentity) bool {
	values := make([]string, 0, 2+len(id.Candidates))
	for _, v := range append([]string{id.ID, id.Name}, id.Candidates...) {
		if v != "" {
			values = append(values, strings.ToLower(v))
		}
	}
	for _, pat := range patterns {
		pat = strings.ToLower(strings.TrimSpace(pat))
		if pat == "" {
			continue
		}
		for _, v := range values {
			if ok, err := path.Match(pat, v); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// listIdentity works out which list a message came through. The order follows how
// reliable each header is: List-Id, List-Post, X-Mailing-List, a list-like Sender
// (LISTSERV often sends no List-* headers at all), X-BeenThere, Mailman markers,
// Mailing-List (ezmlm, Yahoo, Google Groups) and X-Google-Group-Id.
func (p *parser) listIdentity(h message.Header) ListIdentity {
	var id ListIdentity
	var cands []string
	addCand := func(c string) {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" {
			return
		}
		for _, x := range cands {
			if x == c {
				return
			}
		}
		cands = append(cands, c)
	}
	choose := func(v, source string) {
		if id.ID == "" && v != "" {
			id.ID, id.Source = strings.ToLower(v), source
		}
	}

	// raw gives a header value as clean UTF-8 without decoding encoded words.
	raw := func(k string) string { return cleanControls(p.dec.raw8bit(h.Get(k))) }
	listserv := isListserv(h)
	listID := parseListID(p.dec.decode(h.Get("List-Id")))
	post := mailtoAddr(raw("List-Post"))
	xml := p.firstAddr(h.Get("X-Mailing-List"))
	sender := p.firstAddr(h.Get("Sender"))
	mailman := h.Get("X-Mailman-Version") != "" || h.Get("X-BeenThere") != ""
	senderList := ""
	if sender != "" && (listserv || mailman || listHost(sender) || listLocal(sender)) {
		senderList = baseListAddr(sender)
	}
	beenThere := p.firstAddr(h.Get("X-BeenThere"))
	mailingList := ""
	for _, v := range h.Values("Mailing-List") {
		if mailingList = mailingListAddr(cleanControls(p.dec.raw8bit(v))); mailingList != "" {
			break
		}
	}

	choose(listID, "List-Id")
	choose(post, "List-Post")
	choose(xml, "X-Mailing-List")
	choose(senderList, "Sender")
	choose(beenThere, "X-BeenThere")
	if mailman {
		choose(p.firstAddr(h.Get("To")), "X-Mailman-Version")
	}
	choose(mailingList, "Mailing-List")
	if h.Get("X-Google-Group-Id") != "" {
		choose(p.firstAddr(h.Get("To")), "X-Google-Group-Id")
	}
	if id.ID == "" {
		return ListIdentity{}
	}
	for _, c := range []string{listID, post, xml, senderList, beenThere, mailingList} {
		addCand(c)
	}
	if id.Source == "X-Mailman-Version" || id.Source == "X-Google-Group-Id" {
		addCand(id.ID)
	}
	id.Name = listName(id, listID, post, listserv)
	// One list, one identity: a LISTSERV post without List-Id must not become a second list
	// beside the posts that carry one. List-Ids are conventionally "name.host" for the list
	// address name@host (LISTSERV, Mailman, Google Groups all do this), so address-derived
	// identities take that form; the address stays among the candidates.
	if id.Source != "List-Id" {
		if local, host, ok := strings.Cut(id.ID, "@"); ok && local != "" && host != "" {
			id.ID = local + "." + host
			addCand(id.ID)
		}
	}
	id.Candidates = cands
	return id
}

// listName picks a short display name: the List-Id label or the local part of the
// list address, upper-case for LISTSERV lists (whose names are conventionally so),
// else as the list spells it in List-Post when that differs only in case.
func listName(id ListIdentity, listID, post string, listserv bool) string {
	var name string
	if id.Source == "List-Id" {
		name, _, _ = strings.Cut(listID, ".")
	} else {
		name, _, _ = strings.Cut(id.ID, "@")
	}
	if listserv {
		return strings.ToUpper(name)
	}
	if local, _, _ := strings.Cut(post, "@"); strings.EqualFold(local, name) {
		name = local
	}
	return name
}

// isListserv recognises mail distributed by L-Soft LISTSERV.
func isListserv(h message.Header) bool {
	for _, v := range h.Values("Received") {
		if strings.Contains(strings.ToUpper(v), "LISTSERV-TCP/IP") {
			return true
		}
	}
	for _, k := range []string{"List-Unsubscribe", "List-Help", "List-Subscribe", "List-Owner"} {
		v := strings.ToLower(h.Get(k))
		if strings.Contains(v, "-signoff-request@") || strings.Contains(v, "mailto:listserv@") {
			return true
		}
	}
	_, host, _ := strings.Cut(strings.ToLower(h.Get("Sender")), "@")
	return strings.HasPrefix(host, "listserv.")
}

// listHost reports an address on a host that is conventionally a list server.
func listHost(addr string) bool {
	_, host, _ := strings.Cut(strings.ToLower(addr), "@")
	return strings.HasPrefix(host, "listserv.") || strings.HasPrefix(host, "lists.") ||
		strings.HasPrefix(host, "list.") || host == "googlegroups.com" || host == "groups.io"
}

// listLocal reports an address whose local part marks a list's bounce/owner address.
func listLocal(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	return strings.HasPrefix(local, "owner-") || strings.HasSuffix(local, "-bounces") ||
		strings.Contains(local, "-bounces+") || strings.HasSuffix(local, "-owner")
}

// baseListAddr turns a list's bounce or owner address into the list address:
// "aisle-bounces+jane=x.org@lists.y" and "owner-lm_net@listserv.z" lose their decorations.
func baseListAddr(addr string) string {
	local, host, ok := strings.Cut(strings.ToLower(addr), "@")
	if !ok {
		return strings.ToLower(addr)
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	local = strings.TrimPrefix(local, "owner-")
	for _, suf := range []string{"-bounces", "-owner", "-request"} {
		local = strings.TrimSuffix(local, suf)
	}
	return local + "@" + host
}

// parseListID extracts the identifier of a List-Id value ("Description <id>").
func parseListID(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		rest := v[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			rest = rest[:j]
		}
		return strings.ToLower(strings.TrimSpace(rest))
	}
	v = strings.TrimSpace(v)
	if strings.Contains(v, ".") && !strings.ContainsAny(v, " \t") {
		return strings.ToLower(v)
	}
	return ""
}

// mailtoAddr extracts the first mailto: address of a List-* value ("<mailto:x@y>";
// "NO" means posting is not allowed), in its original case.
func mailtoAddr(v string) string {
	low := strings.ToLower(v)
	i := strings.Index(low, "mailto:")
	if i < 0 {
		return ""
	}
	a := v[i+len("mailto:"):]
	if j := strings.IndexAny(a, ">?, \t"); j >= 0 {
		a = a[:j]
	}
	if !strings.Contains(a, "@") {
		return ""
	}
	return a // case kept: it may spell the list name ("OZTL_NET@...")
}

// mailingListAddr parses "Mailing-List: list x@y; contact x-help@y" (Yahoo, Google
// Groups) or ezmlm's "contact x-help@y; run by ezmlm", whose list is x@y.
func mailingListAddr(v string) string {
	f := strings.Fields(strings.ReplaceAll(v, ";", " "))
	for i := 0; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "list") && strings.Contains(f[i+1], "@") {
			return strings.ToLower(strings.Trim(f[i+1], "<>"))
		}
	}
	for i := 0; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "contact") {
			local, host, ok := strings.Cut(strings.ToLower(strings.Trim(f[i+1], "<>")), "@")
			if base, cut := strings.CutSuffix(local, "-help"); ok && cut && base != "" {
				return base + "@" + host
			}
		}
	}
	return ""
}

// firstAddr returns the first address of an address header, lower-case.
func (p *parser) firstAddr(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	for _, a := range p.addressList(v) {
		if a.Addr != "" && strings.Contains(a.Addr, "@") {
			return strings.ToLower(a.Addr)
		}
	}
	return ""
}
