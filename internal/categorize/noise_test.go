package categorize

import (
	"strings"
	"testing"
)

func TestHeaderNoise(t *testing.T) {
	signature := "\n\nJane Smith\nTeacher Librarian\nSt Mary's College\njane@stmarys.example"
	tests := []struct {
		name      string
		in        Input
		wantNoise bool
		wantIn    string // a fragment of the reason
	}{
		{"auto-submitted", Input{Subject: "Re: TARGET: x", Text: "Hello", AutoSubmitted: "auto-replied"}, true, "Auto-Submitted"},
		{"auto-submitted no", Input{Subject: "TARGET: x", Text: "Hello", AutoSubmitted: "no"}, false, ""},
		{"x-autoreply", Input{Subject: "Re: x", Text: "Hello", XAutoreply: "yes"}, true, "X-Autoreply"},
		{"precedence auto_reply", Input{Subject: "Re: x", Text: "Hello", Precedence: "auto_reply"}, true, "Precedence"},
		{"precedence list is list mail", Input{Subject: "TARGET: x", Text: "Looking for books", Precedence: "list"}, false, ""},
		{"precedence bulk is list mail", Input{Subject: "GEN: x", Text: "Sharing a display", Precedence: "bulk"}, false, ""},
		{"bounce content type", Input{Subject: "x", ContentType: "multipart/report"}, true, "multipart/report"},
		{"read receipt part", Input{Subject: "x", ContentType: "multipart/mixed", PartTypes: []string{"text/plain", "message/disposition-notification"}}, true, "disposition-notification"},
		{"delivery status part", Input{Subject: "x", PartTypes: []string{"Message/Delivery-Status"}}, true, "delivery-status"},
		{"out of office subject", Input{Subject: "Out of Office: TARGET: films"}, true, "Out of Office"},
		{"automatic reply subject", Input{Subject: "Automatic reply: HIT: verse novels"}, true, "Automatic reply"},
		{"autoreply after list tag", Input{Subject: "[aisle] Autoreply: library plans"}, true, "Autoreply"},
		{"german", Input{Subject: "Abwesenheitsnotiz: Re: x"}, true, "Abwesenheitsnotiz"},
		{"french", Input{Subject: "Réponse automatique : Webinar"}, true, "Réponse automatique"},
		{"undeliverable", Input{Subject: "Undeliverable: JOBS: Librarian"}, true, "Undeliverable"},
		{"dsn", Input{Subject: "Delivery Status Notification (Failure)"}, true, "Delivery Status Notification"},
		{"read receipt subject", Input{Subject: "Read: Weeding policy"}, true, "Read:"},
		{"returned mail", Input{Subject: "Returned mail: see transcript"}, true, "Returned mail"},
		{"is out of the office anywhere", Input{Subject: "Jane Smith is out of the office"}, true, "is out of the office"},
		{"unsubscribe body", Input{Subject: "Re: Verse novels", Text: "unsubscribe" + signature}, true, "list command"},
		{"signoff body", Input{Subject: "x", Text: "SIGNOFF LM_NET"}, true, "list command"},
		{"set nomail body", Input{Subject: "x", Text: "set oztl_net nomail"}, true, "list command"},
		{"remove me body", Input{Subject: "Re: x", Text: "Please remove me from this list. Thanks!"}, true, "list command"},
		{"take me off", Input{Subject: "Re: x", Text: "Take me off the list please"}, true, "list command"},
		{"unsubscribe subject, signature body", Input{Subject: "Unsubscribe", Text: "Jane Smith\nLibrarian"}, true, "subject is only"},
		{"unsubscribe subject, empty body", Input{Subject: "UNSUBSCRIBE"}, true, "subject is only"},
		{"remove? over a question", Input{Subject: "Remove?", Text: "Should I remove old encyclopaedias?"}, false, ""},
		{"bare remove subject", Input{Subject: "Remove", Text: "Jane"}, false, ""},
		{"a post about unsubscribing", Input{Subject: "Unsubscribe problems", Text: "I tried to sign off but LISTSERV says I'm not subscribed. How do I leave?"}, false, ""},
		{"long post starting with remove", Input{Subject: "Weeding", Text: "Remove anything older than 1990 from non-fiction, we were told. " + strings.Repeat("More words about weeding. ", 20)}, false, ""},
		{"out of office body", Input{Subject: "Re: Books like Wonder", Text: "I am currently out of the office with limited access to email and will return on 14 July."}, true, "auto-reply"},
		{"short strong cue", Input{Subject: "Re: x", Text: "This mailbox is no longer monitored."}, true, "auto-reply"},
		{"on leave reply", Input{Subject: "Re: x", Text: "Thank you for your email. I am on leave until 28 January."}, true, "auto-reply"},
		{"person mentioning leave", Input{Subject: "Maternity leave replacement TL", Text: "Our TL goes on maternity leave next term and we need a replacement for Terms 2 and 3."}, false, ""},
		{"person away until Monday", Input{Subject: "TARGET: books", Text: "I'm away until Monday but would love suggestions of verse novels for Year 9."}, false, ""},
		{"moderator notice about auto-replies", Input{Subject: "Holiday mode", Text: "Before you go on leave, please make sure your out of office replies do not reach the list."}, false, ""},
		{"ordinary post", Input{Subject: "TARGET: Picture books about grief", Text: "Can anyone recommend picture books about grief?" + signature, Precedence: "list"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := headerNoise(tt.in, parseSubject(tt.in.Subject, defaultKeywords), tokenize(nil, tt.in.Text, bodyWords))
			if (reason != "") != tt.wantNoise || !strings.Contains(reason, tt.wantIn) {
				t.Errorf("headerNoise(%q, %q) = %q; want noise %v with %q", tt.in.Subject, tt.in.Text, reason, tt.wantNoise, tt.wantIn)
			}
		})
	}
}

// TestHeaderNoiseSparesSeedPosts checks the header layer against every non-noise seed
// example: a real post hidden as noise is the costliest mistake the digest can make.
func TestHeaderNoiseSparesSeedPosts(t *testing.T) {
	for _, ex := range SeedExamples() {
		if ex.Category == Noise {
			continue
		}
		if reason := headerNoise(Input{Subject: ex.Subject, Text: ex.Text}, parseSubject(ex.Subject, defaultKeywords), tokenize(nil, ex.Text, bodyWords)); reason != "" {
			t.Errorf("headerNoise(%q) = %q; want a real %s post", ex.Subject, reason, ex.Category)
		}
	}
}

func TestCategorizerNoise(t *testing.T) {
	tax, err := DefaultTaxonomy().With([]Category{{Slug: "ooo", Name: "Out of office", Keywords: []string{"OOO"}, Digest: false}})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := CompileRule("categories.rules[0]", "from", `^noreply@`, Noise, tax)
	if err != nil {
		t.Fatal(err)
	}
	jobsRule, err := CompileRule("categories.rules[1]", "subject", `vacancy`, Job, tax)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(tax, []Rule{rule, jobsRule}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		in        Input
		wantNoise bool
		wantIn    string
	}{
		{"reply by a person", Input{Subject: "Re: TARGET: verse novels", Text: "Try The Crossover by Kwame Alexander."}, false, ""},
		{"reply that is an auto-reply", Input{Subject: "Re: TARGET: verse novels", Text: "On leave.", AutoSubmitted: "auto-replied"}, true, "Auto-Submitted"},
		{"reply that says unsubscribe", Input{Subject: "Re: HIT: verse novels", Text: "unsubscribe"}, true, "list command"},
		{"keyword of a noise category", Input{Subject: "OOO: back Monday", Text: "Away."}, true, `keyword "OOO"`},
		{"keyword of a digest category", Input{Subject: "Re: JOBS: Librarian", Text: "Is this still open?"}, false, ""},
		{"rule to noise", Input{Subject: "Weekly report", Text: "Numbers", From: "noreply@vendor.example"}, true, "categories.rules[0]"},
		{"rule to a digest category", Input{Subject: "Vacancy", Text: "Apply", From: "noreply@vendor.example"}, true, "categories.rules[0]"},
		{"first rule decides", Input{Subject: "Vacancy", Text: "Apply", From: "hr@school.example"}, false, ""},
		{"classifier never consulted", Input{Subject: "Re: x", Text: "Back Monday."}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noise, reason := c.Noise(tt.in)
			if noise != tt.wantNoise || !strings.Contains(reason, tt.wantIn) {
				t.Errorf("Noise(%q) = %v, %q; want %v with %q", tt.in.Subject, noise, reason, tt.wantNoise, tt.wantIn)
			}
		})
	}
}
