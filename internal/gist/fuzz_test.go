package gist

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"listdigest/internal/fuzzkit"
)

// FuzzBaseSubject fuzzes the subject reading of Gist. Invariants: no panic; the words are
// lower-case letters, digits and apostrophes, valid UTF-8, and no more bytes than the
// subject allows (lower-casing grows a rune by at most half); reading the words again gives
// the same words (idempotent); for ASCII subjects, case changes nothing (words, keyword,
// reply and forward flags).
func FuzzBaseSubject(f *testing.F) {
	for _, s := range []string{
		"", "Re: TARGET-> x", "Re: [aisle] TARGET: Books about immigration", "AW: SV: HIT: verse novels",
		"Fwd: [OZTL_NET] GEN - spare shelves", "Re[2]: JOBS: Librarian", "ELEM : TARGET: booktalks",
		"New (was: Old)", "[unclosed", "I: forwarded", "\xffRe:\x00", "İstanbul ẞ",
	} {
		f.Add(s)
	}
	msgs := fuzzkit.Messages(4<<20, 256<<10, fuzzkit.MailFolders...)
	for _, v := range fuzzkit.HeaderValues(msgs, 400, "Subject") {
		f.Add(strings.TrimFunc(fuzzkit.Decode(v), unicode.IsSpace))
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer fuzzkit.Deadline(5*time.Second, "FuzzBaseSubject", s)()
		info := baseSubject(s)
		n := 0
		for _, w := range info.words {
			n += len(w)
			if w == "" || !utf8.ValidString(w) || w != lower(w) {
				t.Fatalf("baseSubject(%q).words = %q: bad word %q", s, info.words, w)
			}
			for _, r := range w {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' {
					t.Fatalf("baseSubject(%q).words = %q: %q in a word", s, info.words, r)
				}
			}
		}
		if n > len(s)*3/2+3 {
			t.Fatalf("baseSubject(%q).words = %q: %d bytes from %d", s, info.words, n, len(s))
		}
		if again := baseSubject(strings.Join(info.words, " ")); !slices.Equal(again.words, info.words) {
			t.Fatalf("baseSubject(%q).words = %q, read again %q", s, info.words, again.words)
		}
		if isASCII(s) {
			for _, v := range []string{strings.ToUpper(s), strings.ToLower(s)} {
				o := baseSubject(v)
				if !slices.Equal(o.words, info.words) || o.keyword != info.keyword || o.reply != info.reply || o.forward != info.forward {
					t.Fatalf("case matters: baseSubject(%q) = %+v; baseSubject(%q) = %+v", s, info, v, o)
				}
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
