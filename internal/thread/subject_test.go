package thread

import "testing"

func TestNormalizeSubject(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Booklist request", "booklist request"},
		{"re", "Re: Booklist request", "booklist request"},
		{"RE upper", "RE: Booklist request", "booklist request"},
		{"no space after colon", "Re:Booklist request", "booklist request"},
		{"space before colon (French)", "RE : Booklist request", "booklist request"},
		{"stacked", "RE: AW: Re: Booklist request", "booklist request"},
		{"stacked no spaces", "Re:Re:RE:Booklist request", "booklist request"},
		{"counter brackets", "Re[2]: Booklist request", "booklist request"},
		{"counter parens", "Re(3): Booklist request", "booklist request"},
		{"counter caret", "Re^2: Booklist request", "booklist request"},
		{"German", "AW: Booklist request", "booklist request"},
		{"German forward", "WG: Booklist request", "booklist request"},
		{"Swedish", "SV: Booklist request", "booklist request"},
		{"Italian", "R: R: R: Booklist request", "booklist request"},
		{"Italian RIF", "RIF: Booklist request", "booklist request"},
		{"Dutch", "Antw: Booklist request", "booklist request"},
		{"Polish", "Odp: Booklist request", "booklist request"},
		{"French forward", "TR: Booklist request", "booklist request"},
		{"Finnish", "VS: Booklist request", "booklist request"},
		{"Turkish", "Ynt: Booklist request", "booklist request"},
		{"Portuguese", "RES: Booklist request", "booklist request"},
		{"Chinese reply full-width colon", "回复：Booklist request", "booklist request"},
		{"Chinese answer", "答复: Booklist request", "booklist request"},
		{"Chinese forward", "转发: Booklist request", "booklist request"},
		{"Fwd", "Fwd: Booklist request", "booklist request"},
		{"FW", "FW: Booklist request", "booklist request"},
		{"Fw mixed", "Fw: RE: Booklist request", "booklist request"},
		{"fwd wrapper", "[Fwd: Booklist request]", "booklist request"},
		{"fw wrapper after re", "Re: [Fwd: Booklist request]", "booklist request"},
		{"pine fwd suffix", "Booklist request (fwd)", "booklist request"},
		{"tag before prefix", "[aisle] Re: Library plans", "library plans"},
		{"tag after prefix", "Re: [aisle] Library plans", "library plans"},
		{"tag twice", "Re: [aisle] RE: [aisle] Library plans", "library plans"},
		{"tag at end", "Library plans [aisle]", "library plans"},
		{"tag OZTL_NET", "[OZTL_NET] Re: Booklist request", "booklist request"},
		{"tag ISLMA-Share", "RE: [ISLMA-Share] ISBE Listening Tour...what to expect", "isbe listening tour...what to expect"},
		{"patch bracket kept", "[notmuch] [PATCH 1/2] Close file", "[patch 1/2] close file"},
		{"was", "Graphic novels for Year 7 (was: Booklist request)", "graphic novels for year 7"},
		{"was with re", "Re: Graphic novels for Year 7 (was: Re: Booklist request)", "graphic novels for year 7"},
		{"was no colon", "Re: Weeding the 500s (was Re: Budget)", "weeding the 500s"},
		{"German war", "AW: Neue Frage (war: Alte Frage)", "neue frage"},
		{"was only", "(was: Booklist request)", "(was: booklist request)"},
		{"whitespace", "  Re:   Booklist \t request  ", "booklist request"},
		{"case", "BOOKLIST Request", "booklist request"},
		{"trailing punctuation", "Re: Overdue fines?!", "overdue fines"},
		{"trailing dot", "TARGET-> Choosing Online Catalogs - March 1993.", "target: choosing online catalogs - march 1993"},
		{"keyword arrow", "TARGET-> Year 5 books", "target: year 5 books"},
		{"keyword colon", "Re: TARGET: Year 5 books", "target: year 5 books"},
		{"keyword dash", "Target - Year 5 books", "target: year 5 books"},
		{"keyword long arrow", "Target--> Year 5 books", "target: year 5 books"},
		{"keyword after tag", "Re: [aisle] TARGET -> Year 5 books", "target: year 5 books"},
		{"hit stays apart from target", "HIT-> Year 5 books", "hit: year 5 books"},
		{"auto reply", "Automatic reply: TARGET-> Year 5 books", "target: year 5 books"},
		{"out of office", "Out of Office AutoReply: Booklist request", "booklist request"},
		{"re inside is text", "Booklist request re: Year 5", "booklist request re: year 5"},
		{"word starting like prefix", "Reading challenge", "reading challenge"},
		{"R without colon is a word", "R and D in the library", "r and d in the library"},
		{"empty", "", ""},
		{"only prefix", "Re:", ""},
		{"digest", "Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", "lm_net digest - 3 mar 2026 (#2026-62)"},
		{"mailman digest", "Re: [aisle] aisle Digest, Vol 5, Issue 12", "aisle digest, vol 5, issue 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeSubject(tt.in); got != tt.want {
				t.Errorf("NormalizeSubject(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsReply(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Re: x", true},
		{"RE: x", true},
		{"Re:x", true},
		{"re : x", true},
		{"Re[2]: x", true},
		{"AW: x", true},
		{"SV: x", true},
		{"R: x", true},
		{"Antw: x", true},
		{"Odp: x", true},
		{"VS: x", true},
		{"RIF: x", true},
		{"Ynt: x", true},
		{"回复：x", true},
		{"答复: x", true},
		{"Automatic reply: x", true},
		{"[aisle] Re: x", true},
		{"Re: [aisle] x", true},
		{"FW: RE: x", true},
		{"Fwd: x", false},
		{"FW: x", false},
		{"TR: x", false},
		{"WG: x", false},
		{"转发: x", false},
		{"[Fwd: x]", false},
		{"x", false},
		{"TARGET-> Re: x", false},
		{"Reading list", false},
		{"Regarding: x", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsReply(tt.in); got != tt.want {
			t.Errorf("IsReply(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestKeyword(t *testing.T) {
	tests := []struct {
		in, kw, rest string
	}{
		{"TARGET-> Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET->Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET: Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET - Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET > Bullying websites", "TARGET", "Bullying websites"},
		{"Target--> Bullying websites", "TARGET", "Bullying websites"},
		{"target -> Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET => Bullying websites", "TARGET", "Bullying websites"},
		{"TARGET – Bullying websites", "TARGET", "Bullying websites"},
		{"HIT-> Bullying websites", "HIT", "Bullying websites"},
		{"HIT: Bullying websites", "HIT", "Bullying websites"},
		{"HITS: Bullying websites", "HIT", "Bullying websites"},
		{"Re: [aisle] TARGET: Year 5 books", "TARGET", "Year 5 books"},
		{"[aisle] RE: HIT-> Year 5 books", "HIT", "Year 5 books"},
		{"GEN: Free books to a good home", "GEN", "Free books to a good home"},
		{"TECH: Destiny upgrade", "TECH", "Destiny upgrade"},
		{"JOBS: Teacher librarian, Brisbane", "JOBS", "Teacher librarian, Brisbane"},
		{"JOB: Teacher librarian", "JOBS", "Teacher librarian"},
		{"INTRO: Lyn Hay", "INTRO", "Lyn Hay"},
		{"CLASS: Author visits 2026", "CLASS", "Author visits 2026"},
		{"ELEM : Booktalks", "ELEM", "Booktalks"},
		{"MIDDLE: Summer reading", "MIDDLE", "Summer reading"},
		{"HIGH: Senior research", "HIGH", "Senior research"},
		{"High school reading list", "", ""},
		{"Target audience for podcasts", "", ""},
		{"Target-audience question", "", ""},
		{"Hitchhiker's guide", "", ""},
		{"Generation gap", "", ""},
		{"TARGET", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		kw, rest := Keyword(tt.in)
		if kw != tt.kw || rest != tt.rest {
			t.Errorf("Keyword(%q) = %q, %q; want %q, %q", tt.in, kw, rest, tt.kw, tt.rest)
		}
	}
}

func TestIsDigestSubject(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"LM_NET Digest - 3 Mar 2026 (#2026-62)", true},
		{"Re: LM_NET Digest - 3 Mar 2026 (#2026-62)", true},
		{"Re: OZTL_NET Digest, Vol 123, Issue 4", true},
		{"Re: [aisle] aisle Digest, Vol 5, Issue 12", true},
		{"RE: Digest for lm@googlegroups.com - 5 updates in 2 topics", true},
		{"Abridged summary of lm@googlegroups.com - 3 updates", true},
		{"Re: [oztl] Digest #1234", true},
		{"TARGET-> Reader's Digest back issues", false},
		{"Readers Digest - Vol 5", false},
		{"Booklist request", false},
	}
	for _, tt := range tests {
		if got := isDigestSubject(NormalizeSubject(tt.in)); got != tt.want {
			t.Errorf("isDigestSubject(NormalizeSubject(%q)) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeSubjectKeepsPD(t *testing.T) {
	if got := NormalizeSubject("PD: Term 2 workshops"); got != "pd: term 2 workshops" {
		t.Errorf(`NormalizeSubject("PD: Term 2 workshops") = %q; want "pd: term 2 workshops"`, got)
	}
}

func TestDisplaySubject(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Re: [aisle] TARGET-> Year 5 books on resilience", "Year 5 books on resilience"},
		{"[OZTL_NET] Wheelers or BorrowBox for eBooks", "Wheelers or BorrowBox for eBooks"},
		{"HIT: Bullying websites", "Bullying websites"},
		{"AW: RE: GEN - free shelving", "free shelving"},
		{"Re:", "Re:"},
		{"Plain subject", "Plain subject"},
	}
	for _, tt := range tests {
		if got := DisplaySubject(tt.in); got != tt.want {
			t.Errorf("DisplaySubject(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
