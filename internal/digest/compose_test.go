package digest

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestComposeNormalDay(t *testing.T) {
	in := normalDay()
	d := mustCompose(t, in)
	if d.Full != 10 || d.Short != 0 || d.Counted != 0 {
		t.Errorf("Compose(normal day) Full/Short/Counted = %d/%d/%d; want 10/0/0", d.Full, d.Short, d.Counted)
	}
	if want := "1 follow-up, 2 book requests, 1 video request, 1 HIT, 1 sharing post, 1 event, 1 job, 1 classified ad, 1 admin post"; d.Contents != want {
		t.Errorf("Contents = %q; want %q", d.Contents, want)
	}
	if want := "Lists digest Thu 5 Mar: 1 follow-up, 2 book requests, 1 video request"; d.Subject != want {
		t.Errorf("Subject = %q; want %q", d.Subject, want)
	}
	for _, want := range []string{
		"Covers Wed 4 Mar 07:00 to Thu 5 Mar 07:00 (Australia/Sydney).",
		"Not shown: 3 auto-replies and list notices.",
		"1. Follow-ups\n\n1.1 Help request: Destiny upgrade",
		"4 replies, 2 new.",
		"Jane Smith, St Mary's College, on LM_NET and OZTL_NET.",
		"No replies yet. Answered: HIT posted.",
		"Answers: Year 5 novels on resilience.",
		"Priya Nair, education.vic.gov.au, on OZTL_NET.",
		"Maria Lopez, on aisle.", // a free-mail domain says nothing about the school
		"8. List admin",
	} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("Text does not contain %q", want)
		}
	}
	if !strings.HasPrefix(d.Text, "Contents: ") {
		t.Errorf("Text starts %q; want the contents line first", firstLine(d.Text))
	}
	if strings.Contains(d.Text, "Out of office") || strings.Contains(d.HTML, "Out of office") {
		t.Error("a noise item appears in the digest")
	}
	order := []string{"1. Follow-ups", "2. Requests", "3. HITs", "4. Sharing", "5. Events", "6. Jobs", "7. Classifieds", "8. List admin"}
	last := -1
	for _, h := range order {
		i := strings.Index(d.Text, "\n"+h+"\n")
		if i < last {
			t.Errorf("section %q at %d; want after the previous section (%d)", h, i, last)
		}
		last = i
	}
	// Unanswered requests come before answered ones.
	if a, b := strings.Index(d.Text, "Graphic novels"), strings.Index(d.Text, "Book request: Year 5 novels"); a > b {
		t.Error("the answered request is listed before an open one")
	}
}

func TestComposeMergesCrossPosts(t *testing.T) {
	in := normalDay()
	in.Lists = nil
	base := Item{Category: "sharing", Subject: "Free posters", AuthorName: "Ann", MessageID: "poster@x.example", LastAt: in.To.Add(-time.Hour)}
	a, b := base, base
	a.ThreadID, a.Lists = "t-a", []string{"LM_NET"}
	b.ThreadID, b.Lists, b.Replies = "t-b", []string{"OZTL_NET"}, 2
	in.Items = []Item{b, a, a} // a passed twice, b the same message on another list
	d := mustCompose(t, in)
	if d.Full+d.Short+d.Counted != 1 {
		t.Errorf("Full+Short+Counted = %d; want 1 thread", d.Full+d.Short+d.Counted)
	}
	if n := strings.Count(d.Text, "Free posters"); n != 1 {
		t.Errorf("the cross-post appears %d times; want once", n)
	}
	if !strings.Contains(d.Text, "Ann, on LM_NET and OZTL_NET.") || !strings.Contains(d.Text, "2 replies.") {
		t.Errorf("the cross-post should name both lists and keep the larger reply count:\n%s", d.Text)
	}
}

func TestComposeListsOnlyWhenSeveral(t *testing.T) {
	in := normalDay()
	in.Lists = []string{"LM_NET"}
	d := mustCompose(t, in)
	if strings.Contains(d.Text, "on LM_NET") {
		t.Errorf("a digest of one list names the list on items:\n%s", d.Text)
	}
}

func TestComposeShrinksInPriorityOrder(t *testing.T) {
	for _, budget := range []int{60, 100, 250, 476, 900, 2000} {
		in := busyDay(60, budget)
		d := mustCompose(t, in)
		if budget >= 100 && budget <= 476 && (d.Counted == 0 || d.Short == 0) {
			t.Errorf("busy day at %d words: Full/Short/Counted = %d/%d/%d; want some shortened and some counted", budget, d.Full, d.Short, d.Counted)
		}
		if budget == 476 && d.Full == 0 {
			t.Errorf("busy day at 476 words: no thread in full; want the most important ones in full")
		}
		if d.Counted > 0 && !strings.Contains(d.Text, " more in ") && !strings.Contains(d.Text, "Also: ") {
			t.Errorf("busy day at %d words: %d counted threads but no count line", budget, d.Counted)
		}
		if got := sumContents(t, d.Contents); got != 60 {
			t.Errorf("busy day at %d words: contents counts %d threads; want 60", budget, got)
		}
	}
}

func TestComposeEmpty(t *testing.T) {
	d := mustCompose(t, emptyDay())
	if d.Contents != "Nothing new" || d.Subject != "Lists digest Tue 3 Nov: nothing new" {
		t.Errorf("Compose(empty) Contents, Subject = %q, %q; want Nothing new", d.Contents, d.Subject)
	}
	if !strings.Contains(d.Text, "(America/Chicago)") || !strings.Contains(d.Text, "Not shown: 2 auto-replies") {
		t.Errorf("Compose(empty) Text = %q; want the period in Chicago and the noise line", d.Text)
	}
	d = mustCompose(t, Input{})
	if d.Text != "Nothing new.\n" || d.Subject != "Lists digest: nothing new" {
		t.Errorf("Compose(Input{}) = %q, %q; want a bare nothing new", d.Subject, d.Text)
	}
}

func TestComposeCatchUp(t *testing.T) {
	d := mustCompose(t, catchUpDay())
	if !strings.Contains(d.Text, "Catch-up: 9 days. Covers Tue 27 Oct 07:00 to Thu 5 Nov 07:00") {
		t.Errorf("catch-up Text does not say so:\n%s", d.Text)
	}
	if !strings.Contains(d.Subject, "(catch-up, 9 days)") || len(d.Subject) > maxSubject {
		t.Errorf("catch-up Subject = %q; want it to say catch-up within %d characters", d.Subject, maxSubject)
	}
}

func TestComposeTinyBudgets(t *testing.T) {
	for budget := 1; budget <= 60; budget++ {
		for _, in := range []Input{normalDay(), busyDay(40, 0), emptyDay()} {
			in.Reader.BudgetWords = budget
			d := mustCompose(t, in)
			if d.Words == 0 && budget > 0 {
				t.Errorf("budget %d: empty text; want at least the contents", budget)
			}
		}
	}
}

func TestComposeDefaultBudget(t *testing.T) {
	in := busyDay(60, 0)
	d := mustCompose(t, in)
	if d.Words > DefaultBudgetWords || d.Words < DefaultBudgetWords*3/4 {
		t.Errorf("Compose(budget 0) = %d words; want close to, within, %d", d.Words, DefaultBudgetWords)
	}
}

func TestComposeIgnoresItemOrder(t *testing.T) {
	in := busyDay(60, 476)
	want := Compose(in)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		r.Shuffle(len(in.Items), func(i, j int) { in.Items[i], in.Items[j] = in.Items[j], in.Items[i] })
		if got := Compose(in); got != want {
			t.Fatalf("Compose(shuffled) differs from Compose(in)")
		}
	}
}

func TestComposeEscapesHTML(t *testing.T) {
	d := mustCompose(t, hostileDay())
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<a href=\"javascript", "\u202E", "\x00", "\x1b"} {
		if strings.Contains(d.HTML, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, bad := range []string{"\u202E", "\x00", "\x1b", "\r"} {
		if strings.Contains(d.Text, bad) {
			t.Errorf("Text contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;b&gt;bats&lt;/b&gt;", "&lt;i&gt;Booktalks&lt;/i&gt; &amp; more", "\u2068רחל כהן\u2069"} {
		if !strings.Contains(d.HTML, want) {
			t.Errorf("HTML does not contain %q", want)
		}
	}
	if n, want := strings.Count(d.HTML, "<a href=\"mailto:"), d.Full; n != want {
		t.Errorf("HTML has %d reply links; want %d (one per full item)", n, want)
	}
	if strings.Count(d.Text, "Jack") > maxGistWords {
		t.Error("the 10,000-character gist was not cut")
	}
}

func TestContentsPlurals(t *testing.T) {
	in := Input{To: time.Date(2026, 3, 5, 7, 0, 0, 0, time.UTC)}
	add := func(cat string, n int) {
		for range n {
			in.Items = append(in.Items, Item{ThreadID: cat + strconv.Itoa(len(in.Items)), Category: cat, Subject: "x"})
		}
	}
	add("job", 1)
	add("hit", 2)
	add("classified", 1)
	add("event", 3)
	add("booktalk", 2)
	in.Items[0].FollowUp = true
	add("job", 1)
	d := mustCompose(t, in)
	if want := "1 follow-up, 2 HITs, 3 events, 1 job, 1 classified ad, 2 in booktalk"; d.Contents != want {
		t.Errorf("Contents = %q; want %q", d.Contents, want)
	}
	if want := "Lists digest Thu 5 Mar: 1 follow-up, 3 events, 2 HITs"; d.Subject != want {
		t.Errorf("Subject = %q; want %q", d.Subject, want)
	}
}

func TestNoiseLine(t *testing.T) {
	d := mustCompose(t, Input{Noise: 1})
	if !strings.Contains(d.Text, "Not shown: 1 auto-reply or list notice.") {
		t.Errorf("Text = %q; want the singular noise line", d.Text)
	}
}

// sumContents adds up the counts of a contents line.
func sumContents(t testing.TB, contents string) int {
	t.Helper()
	if contents == "Nothing new" {
		return 0
	}
	total := 0
	for _, p := range strings.Split(contents, ", ") {
		n, err := strconv.Atoi(regexp.MustCompile(`^\d+`).FindString(p))
		if err != nil {
			t.Fatalf("contents phrase %q has no count", p)
		}
		total += n
	}
	return total
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
