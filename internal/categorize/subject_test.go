package categorize

import "testing"

func defaultKeywords(kw string) bool {
	switch kw {
	case "TARGET", "HIT", "GEN", "TECH", "JOBS", "CLASS", "INTRO":
		return true
	}
	return false
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name, subject       string
		wantKeyword         string
		wantRest, wantClean string
	}{
		{"arrow", "TARGET-> Bullying websites", "TARGET", "Bullying websites", "TARGET-> Bullying websites"},
		{"colon", "TARGET: Bullying websites", "TARGET", "Bullying websites", "TARGET: Bullying websites"},
		{"spaced dash", "TARGET - Bullying websites", "TARGET", "Bullying websites", "TARGET - Bullying websites"},
		{"hit arrow no space", "HIT->Read-alouds for Year 2", "HIT", "Read-alouds for Year 2", "HIT->Read-alouds for Year 2"},
		{"lower case", "target: picture books", "TARGET", "picture books", "target: picture books"},
		{"mixed case", "Hit: verse novels", "HIT", "verse novels", "Hit: verse novels"},
		{"reply and list tag", "Re: [aisle] TARGET: x", "TARGET", "x", "TARGET: x"},
		{"tag before reply", "[aisle] Re: TARGET: x", "TARGET", "x", "TARGET: x"},
		{"stacked prefixes", "R: R: RE: AW: HIT: y", "HIT", "y", "HIT: y"},
		{"counted prefix", "Re[2]: JOBS: Librarian", "JOBS", "Librarian", "JOBS: Librarian"},
		{"no space after reply", "Re:GEN: spare shelves", "GEN", "spare shelves", "GEN: spare shelves"},
		{"forward", "Fwd: CLASS: sale", "CLASS", "sale", "CLASS: sale"},
		{"german and swedish", "AW: SV: INTRO: Hallo", "INTRO", "Hallo", "INTRO: Hallo"},
		{"chinese reply", "回复：TARGET: books", "TARGET", "books", "TARGET: books"},
		{"bracketed keyword", "[JOBS] Teacher librarian", "JOBS", "Teacher librarian", "JOBS: Teacher librarian"},
		{"forwarded subject in brackets", "[Fwd: TARGET: films]", "TARGET", "films", "TARGET: films"},
		{"level prefix", "ELEM : TARGET: booktalks", "TARGET", "booktalks", "TARGET: booktalks"},
		{"level prefix alone", "HIGH: novels for grade 12", "", "novels for grade 12", "novels for grade 12"},
		{"capitals without separator", "HIT Bullying websites", "HIT", "Bullying websites", "HIT Bullying websites"},
		{"no keyword", "Picture books about grief", "", "Picture books about grief", "Picture books about grief"},
		{"word that is a keyword in lower case, no separator", "Class set suggestions", "", "Class set suggestions", "Class set suggestions"},
		{"hyphenated word is not a separator", "Class-set of novels", "", "Class-set of novels", "Class-set of novels"},
		{"hyphenated level word is kept", "High-interest books", "", "High-interest books", "High-interest books"},
		{"unknown keyword", "HELP: catalogue", "", "HELP: catalogue", "HELP: catalogue"},
		{"tech keyword", "TECH - scanner", "TECH", "scanner", "TECH - scanner"},
		{"keyword needs a separator in lower case", "hit the books", "", "hit the books", "hit the books"},
		{"empty", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseSubject(tt.subject, defaultKeywords)
			if got.Keyword != tt.wantKeyword || got.Rest != tt.wantRest || got.Clean != tt.wantClean {
				t.Errorf("parseSubject(%q) = %+v; want keyword %q, rest %q, clean %q",
					tt.subject, got, tt.wantKeyword, tt.wantRest, tt.wantClean)
			}
		})
	}
}
