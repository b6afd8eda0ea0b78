package mailparse

import (
	"fmt"
	"testing"
)

func TestAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want string // fmt of []Address
	}{
		{"Jane Smith <jsmith@school.edu>", "[{Jane Smith jsmith@school.edu}]"},
		{`"Smith, Jane" <jsmith@school.edu>, bob@example.org`, "[{Smith, Jane jsmith@school.edu} { bob@example.org}]"},
		{"Smith, Jane <jsmith@school.edu>", "[{Smith, Jane jsmith@school.edu}]"},
		{"J. R. Smith <jrs@example.org>", "[{J. R. Smith jrs@example.org}]"},
		{"jane at example.com (Jane Doe)", "[{Jane Doe jane@example.com}]"},
		{"jsmith@school.edu (Jane Smith)", "[{Jane Smith jsmith@school.edu}]"},
		{"<jsmith@school.edu>", "[{ jsmith@school.edu}]"},
		{"=?utf-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>", "[{Jürgen Müller jm@example.de}]"},
		{`"=?utf-8?Q?J=C3=BCrgen?=" <jm@example.de>`, "[{Jürgen jm@example.de}]"},
		{"=?utf-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <jm@example.de>", "[{Müller, Jürgen jm@example.de}]"},
		{"undisclosed-recipients:;", "[]"},
		{"Team: a@example.org, b@example.org;", "[{ a@example.org} { b@example.org}]"},
		{"Jane Smith <jsmith@school.edu> via LM_NET", "[{Jane Smith jsmith@school.edu}]"},
		{"Jane <mailto:jane@example.org>", "[{Jane jane@example.org}]"},
		{"Jane Doe jane@example.org", "[{Jane Doe jane@example.org}]"},
		{"", "[]"},
		{`"unbalanced <x@y.org>`, "[{\"unbalanced x@y.org}]"},
	}
	for _, tt := range tests {
		p := &parser{msg: &Message{}}
		got := p.addressList(tt.in)
		if got == nil {
			got = []Address{}
		}
		if s := fmt.Sprint(got); s != tt.want {
			t.Errorf("addressList(%q) = %s; want %s", tt.in, s, tt.want)
		}
	}
}

func TestAuthor(t *testing.T) {
	oztl := ListIdentity{ID: "oztl_net.lists.csu.edu.au", Name: "OZTL_NET", Candidates: []string{"oztl_net.lists.csu.edu.au", "oztl_net@lists.csu.edu.au"}}
	lmnet := ListIdentity{ID: "lm_net@listserv.syr.edu", Name: "LM_NET", Candidates: []string{"lm_net@listserv.syr.edu"}}
	tests := []struct {
		name      string
		from      string
		list      ListIdentity
		replyTo   string
		xOrigFrom string
		want      Address
	}{
		{"Mailman via + Reply-To", "Jane Smith via OZTL_NET <oztl_net@lists.csu.edu.au>", oztl, "Jane Smith <jsmith@nsw.edu.au>", "", Address{"Jane Smith", "jsmith@nsw.edu.au"}},
		{"Reply-To is the list too", "Jane Smith via OZTL_NET <oztl_net@lists.csu.edu.au>", oztl, "OZTL_NET <OZTL_NET@lists.csu.edu.au>", "", Address{"Jane Smith", "oztl_net@lists.csu.edu.au"}},
		{"X-Original-From wins", "Jane Smith via OZTL_NET <oztl_net@lists.csu.edu.au>", oztl, "OZTL_NET <oztl_net@lists.csu.edu.au>", "Jane Q. Smith <jqs@nsw.edu.au>", Address{"Jane Q. Smith", "jqs@nsw.edu.au"}},
		{"Google quotes", `"'Jane Smith' via OZTL_NET" <oztl_net@lists.csu.edu.au>`, oztl, "", "", Address{"Jane Smith", "oztl_net@lists.csu.edu.au"}},
		{"LISTSERV address in name", `"Jane Smith <jsmith@westfield.org> via LM_NET" <LM_NET@LISTSERV.SYR.EDU>`, lmnet, "", "", Address{"Jane Smith", "jsmith@westfield.org"}},
		{"via unknown list, From is its address", "Jane Smith via AISLE <aisle@list.example.org>", ListIdentity{}, "Jane <jane@d123.org>", "", Address{"Jane Smith", "jane@d123.org"}},
		{"not a rewrite", "Trains via Rail <news@rail.example>", oztl, "", "", Address{"Trains via Rail", "news@rail.example"}},
		{"ordinary From", "Mary Okafor <mokafor@lincoln.k12.ny.us>", lmnet, "", "", Address{"Mary Okafor", "mokafor@lincoln.k12.ny.us"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &parser{msg: &Message{}}
			from := p.addressList(tt.from)[0]
			got := p.author(from, tt.list, p.addressList(tt.replyTo), tt.xOrigFrom)
			if got != tt.want {
				t.Errorf("author(%q) = %+v; want %+v", tt.from, got, tt.want)
			}
		})
	}
}
