package categorize

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"listdigest/internal/fuzzkit"
)

// levelKeywords also takes the school levels for keywords, so that a bracketed level
// ("[ELEM]") is rewritten as a keyword and then met again as a level prefix.
func levelKeywords(kw string) bool {
	return defaultKeywords(kw) || kw == "ELEM" || kw == "HIGH" || kw == "MIDDLE"
}

// FuzzParseSubject fuzzes the subject parser with two keyword sets. Invariants: no panic;
// valid UTF-8 in, valid UTF-8 out; stripping is idempotent (Clean parses to itself, with the
// same keyword and rest); Clean is no longer than the subject; a keyword is one of the set,
// upper-case ASCII; Rest is Clean without the keyword (a proper suffix) or Clean itself.
func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{
		"", "TARGET-> Bullying websites", "Re: [aisle] TARGET: x", "R: R: RE: AW: HIT: y", "Re[2]: JOBS: Librarian",
		"回复：TARGET: books", "[JOBS] Teacher librarian", "[Fwd: TARGET: films]", "ELEM : TARGET: booktalks",
		"HIT Bullying websites", "Class-set of novels", "(JOBS)x", "[ELEM][JOBS] x", "(was: x)", "TECH - scanner",
		"Re: (no subject)", "HIGH -> novels", "\xff[GEN]\x00",
	} {
		f.Add(s)
	}
	if fh, err := os.Open("testdata/heldout.jsonl"); err == nil {
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ex struct{ Subject string }
			if json.Unmarshal(sc.Bytes(), &ex) == nil {
				f.Add(ex.Subject)
			}
		}
		fh.Close()
	}
	msgs := fuzzkit.Messages(4<<20, 256<<10, fuzzkit.MailFolders...)
	for _, v := range fuzzkit.HeaderValues(msgs, 400, "Subject") {
		f.Add(strings.TrimFunc(fuzzkit.Decode(v), unicode.IsSpace))
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer fuzzkit.Deadline(5*time.Second, "FuzzParseSubject", s)()
		for _, isKeyword := range []func(string) bool{defaultKeywords, levelKeywords} {
			p := parseSubject(s, isKeyword)
			if utf8.ValidString(s) && !(utf8.ValidString(p.Clean) && utf8.ValidString(p.Rest)) {
				t.Fatalf("parseSubject(%q) = %+v: invalid UTF-8", s, p)
			}
			if again := parseSubject(p.Clean, isKeyword); again != p {
				t.Fatalf("parseSubject(%q) = %+v, but its Clean parses as %+v", s, p, again)
			}
			if len(p.Clean) > len(s) {
				t.Fatalf("parseSubject(%q).Clean = %q: longer than the subject", s, p.Clean)
			}
			switch {
			case p.Keyword == "":
				if p.Rest != p.Clean {
					t.Fatalf("parseSubject(%q) = %+v: no keyword, but Rest is not Clean", s, p)
				}
			case !isKeyword(p.Keyword) || !validKeyword(p.Keyword) || p.Keyword != strings.ToUpper(p.Keyword):
				t.Fatalf("parseSubject(%q) keyword %q", s, p.Keyword)
			case !strings.HasSuffix(p.Clean, p.Rest) || len(p.Rest) >= len(p.Clean):
				t.Fatalf("parseSubject(%q) = %+v: Rest is not what follows the keyword", s, p)
			}
		}
	})
}
