package gist

import "strings"

// subjectInfo is what Gist needs from a subject line.
type subjectInfo struct {
	words   []string // lower-case words of the topic, prefixes and tags removed
	keyword string   // "target", "hit", ... when the subject starts with one
	reply   bool     // it had a Re:-style prefix
	forward bool     // it had a Fwd:-style prefix
}

// replyPrefixes and forwardPrefixes are the subject prefixes of replies and forwards
// in the languages list mail arrives in (lower-case, without the colon: "AW", "SV",
// "R", "Antw", "Odp"; "Fwd", "TR", "WG", "RV", "I"). subjectKeywords are the list
// keywords that may start a subject ("TARGET->", "HIT:", "ELEM :").
var (
	replyPrefixes = map[string]bool{
		"re": true, "aw": true, "sv": true, "r": true, "antw": true, "odp": true, "ynt": true,
		"vs": true, "res": true, "rif": true, "atb": true, "ref": true,
	}
	forwardPrefixes = map[string]bool{
		"fwd": true, "fw": true, "tr": true, "wg": true, "enc": true, "rv": true, "i": true,
		"doorst": true, "vb": true, "fs": true,
	}
	subjectKeywords = map[string]bool{
		"target": true, "hit": true, "gen": true, "tech": true, "jobs": true, "intro": true,
		"class": true, "elem": true, "middle": true, "high": true,
	}
)

// baseSubject strips list tags ("[aisle]"), reply and forward prefixes and a leading
// keyword ("TARGET->", "HIT:") from a subject.
func baseSubject(subject string) subjectInfo {
	var info subjectInfo
	s := trim(subject)
loop:
	for guard := 0; guard < 20 && s != ""; guard++ {
		if strings.HasPrefix(s, "[") {
			if k := strings.IndexByte(s, ']'); k > 0 {
				s = trim(s[k+1:])
				continue
			}
		}
		k := strings.IndexAny(s, ":-")
		if k <= 0 || k > 8 {
			break
		}
		p := lower(trim(strings.TrimRight(s[:k], " >")))
		if i := strings.IndexByte(p, '['); i > 0 { // "Re[2]:"
			p = p[:i]
		}
		switch {
		case replyPrefixes[p] && s[k] == ':':
			info.reply = true
		case forwardPrefixes[p] && s[k] == ':':
			info.forward = true
		case subjectKeywords[p]:
			info.keyword = p
		default:
			break loop
		}
		s = trim(strings.TrimLeft(s[k:], ":->= "))
	}
	if i := indexFold(s, "(was:"); i > 0 {
		s = s[:i]
	}
	info.words = wordList(s)
	return info
}
