package mailparse

import (
	"strings"
	"testing"
)

func TestSplitFooter(t *testing.T) {
	body := "Thanks all!\n\nJane"
	quoted := "\n\n> _______________________________________________\n> aisle mailing list\n> aisle@list.example.org"
	tests := []struct {
		name, text string
		wantBody   string
		wantFooter string // prefix
		wantOnly   bool
	}{
		{"Mailman 2", body + "\n_______________________________________________\nAISLE mailing list\naisle@list.railslibraries.info\nhttp://list.railslibraries.info/mailman/listinfo/aisle",
			body, "_______________________________________________\nAISLE mailing list", false},
		{"Mailman 3", body + "\n_______________________________________________\nOZTL_NET mailing list -- oztl_net@lists.example.edu.au\nTo unsubscribe send an email to oztl_net-leave@lists.example.edu.au",
			body, "____", false},
		{"LISTSERV web era", body + "\n\n########################################################################\n\nTo unsubscribe from the LM_NET list, click the following link:\nhttps://listserv.syr.edu/scripts/wa.exe?SUBED1=LM_NET&A=1",
			body, "####", false},
		{"LM_NET copyright", body + "\n\nAll LM_NET postings are protected by copyright law.\nTo unsubscribe: http://lmnet.wordpress.com/subscribe-unsubscribe/",
			body, "All LM_NET postings", false},
		{"LM_NET 1990s with separator", body + "\n=========================================================================\nTo quit LM_NET (or set NOMAIL or DIGEST), e-mail: LISTSERV@LISTSERV.SYR.EDU\nIn the message, write ONE of the following:\n    SIGNOFF LM_NET",
			body, "=====", false},
		{"Google Groups", body + "\n\n-- \nYou received this message because you are subscribed to the Google Groups \"School Librarians\" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to x+unsubscribe@googlegroups.com.",
			body, "--", false},
		{"groups.io", body + "\n-=-=-=-=-=-=-=-=-=-=-=-\nGroups.io Links: You receive all messages sent to this group.\nView/Reply Online (#123): https://groups.io/g/tl/message/123\n_._,_._,_",
			body, "-=-=", false},
		{"signature is not a footer", body + "\n-- \nJane Smith, Teacher Librarian", body + "\n-- \nJane Smith, Teacher Librarian", "", false},
		{"quoted footer is not a footer", body + quoted, body + quoted, "", false},
		{"footer far from the end stays", "Intro\n_______________________________________________\nold list\nold@list.example.org\n" + strings.Repeat("more text\n", 50) + "end",
			"Intro\n_______________________________________________\nold list\nold@list.example.org\n" + strings.Repeat("more text\n", 50) + "end", "", false},
		{"only a footer", "_______________________________________________\nAISLE mailing list\naisle@list.railslibraries.info", "", "____", true},
		{"no footer", body, body, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotBody, gotFooter, only := splitFooter(tt.text)
			if gotBody != tt.wantBody || !strings.HasPrefix(gotFooter, tt.wantFooter) || (tt.wantFooter == "" && gotFooter != "") || only != tt.wantOnly {
				t.Errorf("splitFooter(%q)\n = %q, %q, %v\nwant %q, %q..., %v", tt.text, gotBody, gotFooter, only, tt.wantBody, tt.wantFooter, tt.wantOnly)
			}
		})
	}
}
