package gist

import (
	"strings"
	"testing"
)

func TestGist(t *testing.T) {
	tests := []struct {
		name, subject, in string
		max               int
		want              string
	}{
		{"TARGET: greeting, restated subject, TIA and ID block skipped", "TARGET-> Bullying websites",
			"Hello LM_NETers!\n\nTARGET-> Bullying websites\n\nI am looking for websites that help middle schoolers\nunderstand cyberbullying. If enough of you reply, I'll post a hit. TIA.\n\nJane Smith\nLibrarian, Lincoln Middle School\n",
			25, "I am looking for websites that help middle schoolers understand cyberbullying. If enough of you reply, I'll post a hit."},
		{"greeting before a comma is cut off", "[aisle] Book fair vendors",
			"Hi all, does anyone have a book fair vendor other than Scholastic they would recommend?\n", 25,
			"Does anyone have a book fair vendor other than Scholastic they would recommend?"},
		{"greeting with news keeps the news", "Re: Grant", "Hey, that's great news about the grant!\n", 25, "That's great news about the grant!"},
		{"greeting with a title", "Re: Visit", "Dear Mr. Smith, thank you for visiting our library on Monday.\n", 25, "Thank you for visiting our library on Monday."},
		{"G'day on its own line", "Re: Oliver v5", "G'day everyone\n\nWe moved to Oliver v5 in January.\n", 25, "We moved to Oliver v5 in January."},
		{"Dear colleagues", "ELEM : Booktalks", "Dear colleagues,\n\nHere are my favourite booktalks for grade 3.\n", 25, "Here are my favourite booktalks for grade 3."},
		{"cut inside a sentence at a clause boundary", "Reading program",
			"Our Year 7 students loved the program, especially the author visits in term two.\n", 10,
			"Our Year 7 students loved the program…"},
		{"whole sentences when they fill the allowance", "Book fair",
			"The fair starts Monday. Parents can help at lunch. Please sign up in the library by Friday.\n", 12,
			"The fair starts Monday. Parents can help at lunch…"},
		{"hard cut without a clause boundary", "x", "one two three four five six seven eight nine ten eleven twelve\n", 5, "One two three four five…"},
		{"nothing meaningful", "Re: Author visit", "Hi all,\n\nTIA\n\nJane\n", 25, ""},
		{"thanks-only reply", "Re: Author visit", "Thanks!\n\nOn Tue, 3 Mar 2026 at 09:14, Sue <sue@example.org> wrote:\n> Who has had an author visit?\n", 25, ""},
		{"HIT keeps quoted answers", "HIT-> Dog books", "> Try Dog Man.\n> Also Hank the Cowdog.\n\nJane\n", 25, "Try Dog Man. Also Hank the Cowdog."},
		{"a reply to a HIT does not", "Re: HIT-> Dog books", "> Try Dog Man.\n> Also Hank the Cowdog.\n", 25, ""},
		{"HIT list items", "HIT: Graphic novels for reluctant Year 7 readers", hitCompilation, 40,
			"Thanks to everyone who replied! Here is the list: Amulet by Kazu Kibuishi; Bone by Jeff Smith; New Kid by Jerry Craft; El Deafo by Cece Bell. Dog Man is still the most borrowed series in our library."},
		{"Outlook forward without text above", "FW: Conference early bird",
			"________________________________\nFrom: SLAV <info@example.org>\nSent: Tuesday, 3 March 2026 9:14 AM\nTo: Kate <kate@example.org>\nSubject: Conference early bird\n\nEarly bird registration closes on Friday.\n",
			25, "Early bird registration closes on Friday."},
		{"default length", "x", strings.Repeat("word ", 60), 0, strings.TrimSpace(strings.Repeat("Word ", 1)+strings.Repeat("word ", DefaultWords-1)) + "…"},
		{"abbreviations do not end sentences", "x", "Mr. Smith from St. Mary's visited. It was great.\n", 25, "Mr. Smith from St. Mary's visited. It was great."},
		{"HIT skips pasted headers and keeps going", "HIT-> Makerspace kits",
			"Here is what people suggested.\n\n-----Original Message-----\nFrom: Sue <sue@example.org>\nSent: Monday\nTo: Jane\nSubject: RE: TARGET-> Makerspace kits\n\nWe love Ozobots.\n",
			25, "Here is what people suggested. We love Ozobots."},
		{"mobile signature only", "Re: x", "Sent from my iPhone\n", 25, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Gist(tc.subject, tc.in, tc.max)
			if got != tc.want {
				t.Errorf("Gist =\n%q\nwant\n%q", got, tc.want)
			}
			max := tc.max
			if max <= 0 {
				max = DefaultWords
			}
			if n := words(got); n > max {
				t.Errorf("Gist has %d words, more than %d", n, max)
			}
		})
	}
}

func TestBaseSubject(t *testing.T) {
	tests := []struct {
		in, words, keyword string
		reply, forward     bool
	}{
		{"TARGET-> Bullying websites", "bullying websites", "target", false, false},
		{"Re: [aisle] HIT: Library plans", "library plans", "hit", true, false},
		{"[aisle] Re:Library plans (was: Budget)", "library plans", "", true, false},
		{"AW: SV: R: Fwd: Leseliste", "leseliste", "", true, true},
		{"ELEM : Booktalks", "booktalks", "elem", false, false},
		{"Year 7-8 books", "year 7 8 books", "", false, false},
	}
	for _, tc := range tests {
		got := baseSubject(tc.in)
		if strings.Join(got.words, " ") != tc.words || got.keyword != tc.keyword || got.reply != tc.reply || got.forward != tc.forward {
			t.Errorf("baseSubject(%q) = %+v", tc.in, got)
		}
	}
}

func TestSchool(t *testing.T) {
	tests := []struct {
		name, text, from, want string
	}{
		{"LM_NET ID block", lmnetReply, "Jane Smith <jsmith@lincoln.example.k12.il.us>", "Lincoln Middle School"},
		{"sign-off, title, school lines", "Happy to help.\nCheers, Jane Smith\nTeacher Librarian\nSt Mary's College\n", "jane@gmail.com", "St Mary's College"},
		{"title | school", outlookDisclaimer, "Mark Jones <mjones@example.vic.edu.au>", "St Mary's College"},
		{"Teacher Librarian, X", "We loved it.\n\nThanks,\nJane\nTeacher Librarian, St Brigid's\n", "jane@outlook.com", "St Brigid's"},
		{"one line under the text", "Thanks for the help!\nJane Smith, Lincoln Elementary School\n", "jane@gmail.com", "Lincoln Elementary School"},
		{"librarian at X", "See you there.\n\nKate Lee\nLibrarian at Riverside High School\n", "", "Riverside High School"},
		{"public library", "Count me in.\n\nSam Green\nYouth Services\nSpringfield Public Library\n", "", "Springfield Public Library"},
		{"education domain", "Count me in.\n", "Kate <kate@stmarys.vic.edu.au>", "stmarys.vic.edu.au"},
		{"k12 district domain", "Count me in.\n", "jsmith@d123.k12.il.us", "d123.k12.il.us"},
		{"ISD domain", "Count me in.\n", "pat@austinisd.org", "austinisd.org"},
		{"webmail and a title only", "We loved it.\n\nJane Smith\nLibrary Media Specialist\n", "jane@gmail.com", ""},
		{"bigpond", "Count me in.\n", "Jane Smith <jane.smith@bigpond.com>", ""},
		{"a company domain", "Count me in.\n", "info@education.com", ""},
		{"never the person's name", "We loved it.\n\nJane Academy\nTeacher Librarian\n", "Jane Academy <jane@gmail.com>", ""},
		{"street address is not a school", "We loved it.\n\nJane Smith\n12 School Road\nSpringfield\n", "jane@yahoo.com", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := School(tc.text, tc.from); got != tc.want {
				t.Errorf("School = %q, want %q (signature %q)", got, tc.want, Signature(tc.text))
			}
		})
	}
}
