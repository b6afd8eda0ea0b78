package digest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the golden files must not depend on the host's zoneinfo
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	sydney  = mustZone("Australia/Sydney")
	chicago = mustZone("America/Chicago")
)

// at is a time in loc, to the minute.
func at(loc *time.Location, month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, loc)
}

// sydneyDay is the period of the Thursday 5 March 2026 digest, sent at 07:00 in Sydney.
func sydneyDay() (from, to time.Time) {
	return at(sydney, time.March, 4, 7, 0), at(sydney, time.March, 5, 7, 0)
}

// normalDay is a day on three lists: a flagged thread with new replies, requests (one
// answered by a HIT of the same day, cross-posted to LM_NET and OZTL_NET), the HIT, sharing,
// an event, a job, a classified, an introduction, and an auto-reply that must not appear.
func normalDay() Input {
	from, to := sydneyDay()
	return Input{
		Reader: Reader{Name: "Jo Reader", Address: "jo@school.example.edu", Location: sydney, BudgetWords: 476},
		From:   from, To: to,
		Lists: []string{"LM_NET", "OZTL_NET", "aisle"},
		Noise: 3,
		Items: []Item{
			{
				ThreadID: "t-scanners", Category: "help-request", CategoryName: "Help requests",
				Subject: "Destiny upgrade broke our barcode scanners", OriginalSubject: "[aisle] TECH: Destiny upgrade broke our barcode scanners",
				AuthorName: "Tom Baker", AuthorAddr: "tbaker@d211.org", School: "Conant High School", Lists: []string{"aisle"},
				Gist:    "Since the weekend upgrade none of our scanners read the new student cards.",
				Replies: 4, NewInPeriod: 2, FollowUp: true, ReplyTo: "tbaker@d211.org",
				MessageID: "CAB7x9Q2=scan@mail.d211.org",
				FirstAt:   at(sydney, time.March, 2, 9, 15), LastAt: at(sydney, time.March, 5, 6, 10),
			},
			{
				ThreadID: "t-resilience", Category: "book-request", CategoryName: "Book requests",
				Subject: "Year 5 novels on resilience", OriginalSubject: "TARGET-> Year 5 novels on resilience",
				AuthorName: "Jane Smith", AuthorAddr: "jsmith@stmarys.nsw.edu.au", School: "St Mary's College",
				Lists:    []string{"LM_NET", "OZTL_NET"},
				Gist:     "Looking for novels for Year 5 about resilience, ideally with Australian settings.",
				Answered: true, ReplyTo: "jsmith@stmarys.nsw.edu.au",
				MessageID: "SY4PR01MB6123A1@SY4PR01MB6123.ausprd01.prod.outlook.com",
				FirstAt:   at(sydney, time.March, 4, 8, 30), LastAt: at(sydney, time.March, 4, 8, 30), NewInPeriod: 1,
			},
			{
				ThreadID: "t-stolen", Category: "video-request", CategoryName: "Video requests",
				Subject: "ClickView documentary on the Stolen Generations for Year 9", OriginalSubject: "ClickView request: Stolen Generations, Year 9",
				AuthorName: "Priya Nair", AuthorAddr: "priya.nair@education.vic.gov.au", Lists: []string{"OZTL_NET"},
				Gist:      "Does anyone have a ClickView playlist on the Stolen Generations suitable for Year 9 History?",
				ReplyTo:   "priya.nair@education.vic.gov.au",
				MessageID: "ME3PR01MB7788@ME3PR01MB7788.ausprd01.prod.outlook.com",
				FirstAt:   at(sydney, time.March, 4, 15, 2), LastAt: at(sydney, time.March, 4, 15, 2), NewInPeriod: 1,
			},
			{
				ThreadID: "t-graphic", Category: "book-request", CategoryName: "Book requests",
				Subject: "Graphic novels for reluctant Year 9 readers", OriginalSubject: "[aisle] Graphic novels for reluctant Year 9 readers",
				AuthorName: "Maria Lopez", AuthorAddr: "maria.lopez.lib@gmail.com", Lists: []string{"aisle"},
				Gist:    "Our Year 9 boys say they hate reading; which graphic novels hooked yours?",
				Replies: 2, NewInPeriod: 3, ReplyTo: "maria.lopez.lib@gmail.com",
				MessageID: "CAGx8=graphic@mail.gmail.com",
				FirstAt:   at(sydney, time.March, 4, 23, 40), LastAt: at(sydney, time.March, 5, 4, 5),
			},
			{
				ThreadID: "t-resilience-hit", Category: "hit", CategoryName: "HITs (summaries of replies)",
				Subject: "Year 5 novels on resilience", OriginalSubject: "HIT-> Year 5 novels on resilience",
				AuthorName: "Jane Smith", AuthorAddr: "jsmith@stmarys.nsw.edu.au", School: "St Mary's College",
				Lists: []string{"LM_NET"}, Answers: "Year 5 novels on resilience",
				Gist:      "Thank you to the 14 librarians who replied; the list is below, grouped by reading level.",
				ReplyTo:   "LM_NET@listserv.syr.edu",
				MessageID: "SY4PR01MB6123B7@SY4PR01MB6123.ausprd01.prod.outlook.com",
				FirstAt:   at(sydney, time.March, 5, 5, 30), LastAt: at(sydney, time.March, 5, 5, 30), NewInPeriod: 1,
			},
			{
				ThreadID: "t-shelving", Category: "sharing", CategoryName: "Sharing and news",
				Subject: "Free shelving to a good home", OriginalSubject: "GEN: Free shelving to a good home",
				AuthorName: "Cat Lister", AuthorAddr: "cat.lister@det.nsw.edu.au", School: "Epping Boys High School",
				Lists: []string{"OZTL_NET"}, Gist: "Six bays of Demco shelving, free to a school that can collect from Epping before 20 March.",
				Replies: 1, NewInPeriod: 2, ReplyTo: "oztl_net@lists.oztlnet.example",
				MessageID: "shelving.1@det.nsw.edu.au",
				FirstAt:   at(sydney, time.March, 4, 11, 0), LastAt: at(sydney, time.March, 4, 13, 45),
			},
			{
				ThreadID: "t-reading-matters", Category: "event", CategoryName: "Events and PD",
				Subject: "Reading Matters conference: early-bird closes Friday", OriginalSubject: "Reading Matters conference: early-bird closes Friday",
				AuthorName: "Centre for Youth Literature", AuthorAddr: "cyl@slv.vic.gov.au", School: "State Library Victoria",
				Lists: []string{"OZTL_NET"}, Gist: "Early-bird registration for Reading Matters closes this Friday; school groups get a further discount.",
				ReplyTo: "oztl_net@lists.oztlnet.example", MessageID: "rm2026@slv.vic.gov.au", NewInPeriod: 1,
				FirstAt: at(sydney, time.March, 4, 10, 0), LastAt: at(sydney, time.March, 4, 10, 0),
			},
			{
				ThreadID: "t-job-cgs", Category: "job", CategoryName: "Jobs",
				Subject: "Teacher librarian, 0.6 FTE, Canberra Grammar School", OriginalSubject: "JOBS: Teacher librarian, 0.6 FTE, Canberra Grammar School",
				AuthorName: "Helen Park", AuthorAddr: "hpark@cgs.act.edu.au", School: "Canberra Grammar School",
				Lists: []string{"OZTL_NET"}, Gist: "We are looking for a teacher librarian three days a week from Term 2; applications close 20 March.",
				ReplyTo: "oztl_net@lists.oztlnet.example", MessageID: "job-tl-2026@cgs.act.edu.au", NewInPeriod: 1,
				FirstAt: at(sydney, time.March, 4, 16, 20), LastAt: at(sydney, time.March, 4, 16, 20),
			},
			{
				ThreadID: "t-author-visits", Category: "classified", CategoryName: "Classifieds",
				Subject: "Author visits for Book Week 2026", OriginalSubject: "CLASS: Author visits for Book Week 2026",
				AuthorName: "Booked Out Speakers Agency", AuthorAddr: "info@bookedout.com.au",
				Lists: []string{"OZTL_NET"}, Gist: "Our Book Week calendar is open: authors and illustrators for primary and secondary schools.",
				ReplyTo: "info@bookedout.com.au", MessageID: "bw2026@bookedout.com.au", NewInPeriod: 1,
				FirstAt: at(sydney, time.March, 4, 12, 0), LastAt: at(sydney, time.March, 4, 12, 0),
			},
			{
				ThreadID: "t-intro-lyn", Category: "admin", CategoryName: "List admin and introductions",
				Subject: "Lyn Hay, new to the list", OriginalSubject: "INTRO: Lyn Hay, new to the list",
				AuthorName: "Lyn Hay", AuthorAddr: "lhay@csu.edu.au", School: "Charles Sturt University",
				Lists: []string{"OZTL_NET"}, Gist: "Hello everyone, I coordinate the teacher librarianship course at CSU.",
				Replies: 3, NewInPeriod: 4, ReplyTo: "oztl_net@lists.oztlnet.example", MessageID: "intro.lyn@csu.edu.au",
				FirstAt: at(sydney, time.March, 4, 9, 0), LastAt: at(sydney, time.March, 4, 20, 0),
			},
			{
				ThreadID: "t-ooo", Category: "noise", Subject: "Out of office: Year 5 novels on resilience",
				AuthorName: "Bob Away", AuthorAddr: "bob@school.example", Lists: []string{"LM_NET"},
				FirstAt: at(sydney, time.March, 4, 9, 0), LastAt: at(sydney, time.March, 4, 9, 0),
			},
		},
	}
}

// busyDay returns n threads spread over every category, as on a heavy day after a long
// weekend, with realistic subjects, names and gists.
func busyDay(n, budget int) Input {
	from, to := sydneyDay()
	cats := []struct{ slug, name, subject string }{
		{"book-request", "Book requests", "Novels for Year %d on %s"},
		{"hit", "HITs (summaries of replies)", "Year %d %s booklist"},
		{"sharing", "Sharing and news", "Our Year %d %s display"},
		{"video-request", "Video requests", "ClickView clips for Year %d %s"},
		{"event", "Events and PD", "Webinar: Year %d %s"},
		{"help-request", "Help requests", "Oliver records for Year %d %s"},
		{"job", "Jobs", "Library technician, Year %d %s campus"},
		{"sharing", "Sharing and news", "Free Year %d %s readers"},
		{"classified", "Classifieds", "Year %d %s author talks"},
		{"admin", "List admin and introductions", "Hello from a Year %d %s teacher"},
	}
	topics := []string{"resilience", "friendship", "climate change", "Anzac Day", "Harmony Day", "First Nations voices", "coding", "poetry", "graphic novels", "ancient Egypt", "space", "sport"}
	people := []struct{ name, addr, school string }{
		{"Jane Smith", "jsmith@stmarys.nsw.edu.au", "St Mary's College"},
		{"Tom Baker", "tbaker@d211.org", "Conant High School"},
		{"Aroha Ngata", "aroha@kingsway.school.nz", ""},
		{"Sam Lee", "sam.lee@gmail.com", ""},
		{"Fiona O'Brien", "fobrien@sjc.qld.edu.au", "St Joseph's College"},
	}
	lists := [][]string{{"LM_NET"}, {"OZTL_NET"}, {"aisle"}, {"LM_NET", "OZTL_NET"}}
	in := Input{
		Reader: Reader{Name: "Jo", Address: "jo@school.example.edu", Location: sydney, BudgetWords: budget},
		From:   from, To: to, Noise: 11,
	}
	for i := range n {
		c := cats[i%len(cats)]
		p := people[i%len(people)]
		subject := fmt.Sprintf(c.subject, 3+i%9, topics[i%len(topics)])
		last := to.Add(-time.Duration(7*i+3) * time.Minute * 3)
		it := Item{
			ThreadID: fmt.Sprintf("t%03d", i), Category: c.slug, CategoryName: c.name,
			Subject: subject, OriginalSubject: "Re: " + subject,
			AuthorName: p.name, AuthorAddr: p.addr, School: p.school, Lists: lists[i%len(lists)],
			Gist:    fmt.Sprintf("We are planning a unit on %s for Year %d and would love to hear what has worked for you.", topics[(i+3)%len(topics)], 3+i%9),
			Replies: (i * 7) % 6, NewInPeriod: 1 + (i*5)%4, ReplyTo: p.addr,
			MessageID: fmt.Sprintf("busy.%03d@lists.example", i),
			FirstAt:   last.Add(-time.Duration(i%3) * 20 * time.Hour), LastAt: last,
			FollowUp: i%23 == 5,
			Answered: c.slug == "book-request" && i%3 == 0,
		}
		if c.slug == "hit" {
			it.Answers = fmt.Sprintf("Novels for Year %d on %s", 3+i%9, topics[i%len(topics)])
		}
		in.Items = append(in.Items, it)
	}
	return in
}

// emptyDay has nothing but two auto-replies, in Chicago.
func emptyDay() Input {
	return Input{
		Reader: Reader{Name: "Pat", Address: "pat@d211.org", Location: chicago},
		From:   time.Date(2026, time.November, 2, 7, 0, 0, 0, chicago),
		To:     time.Date(2026, time.November, 3, 7, 0, 0, 0, chicago),
		Noise:  2,
	}
}

// catchUpDay is the first digest after nine days away (spanning the end of daylight saving
// in Chicago), with a small day's worth of threads.
func catchUpDay() Input {
	in := normalDay()
	in.Reader = Reader{Name: "Pat", Address: "pat@d211.org", Location: chicago, BudgetWords: 476}
	in.From = time.Date(2026, time.October, 27, 7, 0, 0, 0, chicago)
	in.To = time.Date(2026, time.November, 5, 7, 0, 0, 0, chicago)
	in.Lists = nil // the lists the threads name decide
	shift := in.To.Sub(at(sydney, time.March, 5, 7, 0))
	for i := range in.Items {
		in.Items[i].FirstAt = in.Items[i].FirstAt.Add(shift)
		in.Items[i].LastAt = in.Items[i].LastAt.Add(shift)
	}
	return in
}

// hostileDay carries markup, header injection, bidi tricks, RTL text, emoji, a custom
// category with markup in its name, and a 10,000-character gist.
func hostileDay() Input {
	from, to := sydneyDay()
	huge := strings.Repeat("All work and no play makes Jack a dull boy. ", 230)[:10000]
	return Input{
		Reader: Reader{Location: sydney, BudgetWords: 476},
		From:   from, To: to,
		Items: []Item{
			{
				ThreadID: "h1", Category: "book-request", Subject: `<script>alert("x")</script> Books about <b>bats</b>`,
				OriginalSubject: "TARGET: <script>alert(\"x\")</script>\r\nBcc: everyone@example.com",
				AuthorName:      `"><img src=x onerror=alert(1)>`, AuthorAddr: "evil@attacker.example",
				School: "St Trinian's & Sons <i>School</i>", Lists: []string{"LM_NET"},
				Gist:    `Click <a href="javascript:alert(1)">here</a> & win; "quoted" 'text'` + "\x00\x1b[31m",
				ReplyTo: "evil@attacker.example?cc=boss@example.com&body=hi", MessageID: `x"><script>@y`,
				LastAt: at(sydney, time.March, 5, 6, 0),
			},
			{
				ThreadID: "h2", Category: "sharing", Subject: "ספרים חדשים לספרייה \u202Egnp.exe",
				OriginalSubject: "ספרים חדשים לספרייה", AuthorName: "רחל כהן", AuthorAddr: "rachel@school.example.il",
				School: "مدرسة النور", Lists: []string{"LM_NET"}, Gist: "שלום לכולם, מצרפת רשימה של ספרים חדשים 📚✨ for Year 7.",
				Replies: 1, ReplyTo: "lm_net@listserv.syr.edu", MessageID: "rtl.1@school.example.il",
				LastAt: at(sydney, time.March, 5, 5, 0),
			},
			{
				ThreadID: "h3", Category: "event", Subject: "Book Week parade 🦸‍♀️🦸🏽 ideas 🎉🎉🎉",
				AuthorName: "Zoë Ångström", AuthorAddr: "zoe@skola.example.se", Lists: []string{"LM_NET"},
				Gist: huge, ReplyTo: "lm_net@listserv.syr.edu", MessageID: "huge@skola.example.se",
				LastAt: at(sydney, time.March, 5, 4, 0),
			},
			{
				ThreadID: "h4", Category: "booktalk", CategoryName: "<i>Booktalks</i> & more",
				Subject: strings.Repeat("Supercalifragilistic", 20), AuthorAddr: "nobody@example.org",
				Lists: []string{"LM_NET"}, MessageID: "long@example.org",
				LastAt: at(sydney, time.March, 5, 3, 0),
			},
		},
	}
}

// mustCompose composes in and checks the invariants every digest keeps.
func mustCompose(t testing.TB, in Input) Digest {
	t.Helper()
	d := Compose(in)
	checkInvariants(t, in, d)
	return d
}

// checkInvariants asserts the budget, the accounting of threads and the text's shape.
func checkInvariants(t testing.TB, in Input, d Digest) {
	t.Helper()
	budget := in.Reader.BudgetWords
	if budget <= 0 {
		budget = DefaultBudgetWords
	}
	if got := CountWords(d.Text); got != d.Words || got > budget {
		t.Errorf("CountWords(Text) = %d, Words = %d; want equal and <= %d", got, d.Words, budget)
	}
	threads := len(collect(in.Items))
	if d.Full+d.Short+d.Counted != threads || d.Full < 0 || d.Short < 0 || d.Counted < 0 {
		t.Errorf("Full+Short+Counted = %d+%d+%d; want %d threads", d.Full, d.Short, d.Counted, threads)
	}
	for i, line := range strings.Split(d.Text, "\n") {
		if utf8Len(line) > textWidth && !unbreakable(line) {
			t.Errorf("Text line %d has %d columns; want <= %d: %q", i+1, utf8Len(line), textWidth, line)
		}
	}
	checkLevels(t, d.Text)
}

var fullItemLine = regexp.MustCompile(`^\d+\.\d+ `)

// checkLevels reads the text top to bottom, in priority order, and checks that the levels
// only go down: no thread in full after a subject line, and nothing listed after a thread
// was counted ("+N more in X").
func checkLevels(t testing.TB, text string) {
	t.Helper()
	shortSeen, countedSeen := false, false
	for i, line := range strings.Split(text, "\n") {
		switch {
		case fullItemLine.MatchString(line):
			if shortSeen || countedSeen {
				t.Errorf("Text line %d: a thread in full after a shortened or counted one: %q", i+1, line)
			}
		case strings.HasPrefix(line, "- "):
			shortSeen = true
			if countedSeen {
				t.Errorf("Text line %d: a subject line after a counted thread: %q", i+1, line)
			}
		case strings.HasPrefix(line, "+") && strings.Contains(line, " more in "):
			countedSeen = true
		}
	}
}

// unbreakable reports a line that may be long: a reply link line, or one token (after its
// bullet or number) too long for any line.
func unbreakable(line string) bool {
	f := strings.Fields(line)
	switch {
	case strings.HasPrefix(line, itemIndent+"Reply: mailto:") && len(f) == 2:
		return true
	case len(f) == 1:
		return true
	case len(f) == 2 && (f[0] == "-" || strings.Trim(f[0], "0123456789.") == ""):
		return true
	}
	return false
}

func utf8Len(s string) int { return len([]rune(s)) }
