package digest

import (
	"net/url"
	"strings"
	"testing"
)

func TestReplyLink(t *testing.T) {
	tests := []struct {
		name                  string
		it                    Item
		wantTo, wantSubject   string
		wantInReplyTo         string
		wantEmpty, wantNoIRTo bool
	}{
		{
			name:   "request to the poster",
			it:     Item{ReplyTo: "jsmith@stmarys.nsw.edu.au", OriginalSubject: "TARGET-> Year 5 novels & more?", MessageID: "abc+1=2@mail.example"},
			wantTo: "jsmith@stmarys.nsw.edu.au", wantSubject: "Re: TARGET-> Year 5 novels & more?", wantInReplyTo: "<abc+1=2@mail.example>",
		},
		{
			name:   "already a reply, id in brackets",
			it:     Item{ReplyTo: "LM_NET@listserv.syr.edu", OriginalSubject: "RE: [aisle] x", MessageID: "<id@x>"},
			wantTo: "LM_NET@listserv.syr.edu", wantSubject: "RE: [aisle] x", wantInReplyTo: "<id@x>",
		},
		{
			name:   "name-addr and non-ASCII subject",
			it:     Item{ReplyTo: "Jane Smith <jane+lists@example.org>", Subject: "Bücher für Klasse 5 #1", MessageID: "m@x"},
			wantTo: "jane+lists@example.org", wantSubject: "Re: Bücher für Klasse 5 #1", wantInReplyTo: "<m@x>",
		},
		{
			name:   "smuggled header fields fall back to the author",
			it:     Item{ReplyTo: "a@b.example?cc=boss@c.example&body=x", AuthorAddr: "author@school.example", OriginalSubject: "x\r\nBcc: all@example", MessageID: "bad id@x"},
			wantTo: "author@school.example", wantSubject: "Re: x Bcc: all@example", wantNoIRTo: true,
		},
		{name: "no address", it: Item{ReplyTo: "not an address", Subject: "x"}, wantEmpty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := replyLink(tt.it)
			if tt.wantEmpty {
				if link != "" {
					t.Errorf("replyLink() = %q; want none", link)
				}
				return
			}
			if strings.ContainsAny(link, " +<>\"\r\n") {
				t.Errorf("replyLink() = %q; want no raw space, +, <, >, quote or line break", link)
			}
			u, err := url.Parse(link)
			if err != nil || u.Scheme != "mailto" {
				t.Fatalf("url.Parse(%q) = %v, %v; want a mailto URL", link, u, err)
			}
			to, err := url.PathUnescape(u.Opaque)
			if err != nil || to != tt.wantTo {
				t.Errorf("replyLink() to = %q (%v); want %q", to, err, tt.wantTo)
			}
			q, err := url.ParseQuery(u.RawQuery)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", u.RawQuery, err)
			}
			if got := q.Get("subject"); got != tt.wantSubject {
				t.Errorf("replyLink() subject = %q; want %q", got, tt.wantSubject)
			}
			if got := q.Get("In-Reply-To"); got != tt.wantInReplyTo {
				t.Errorf("replyLink() In-Reply-To = %q; want %q", got, tt.wantInReplyTo)
			}
			if tt.wantNoIRTo && q.Has("In-Reply-To") {
				t.Errorf("replyLink() = %q; want no In-Reply-To for an invalid id", link)
			}
			if len(q) > 2 {
				t.Errorf("replyLink() has header fields %v; want subject and In-Reply-To only", q)
			}
		})
	}
}
