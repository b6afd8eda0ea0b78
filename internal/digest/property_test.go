package digest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// vocabulary mixes the tokens that stress counting and wrapping: links (not words), emoji
// and punctuation (not words), RTL text, markup, numbers, and very long tokens.
var vocabulary = []string{
	"books", "Year", "5", "resilience", "TARGET->", "HIT:", "library", "ClickView", "—", "-", "...",
	"https://example.org/a/very/long/path?with=query&and=more", "www.example.com", "mailto:x@y.example",
	"📚", "🎉🎉", "שלום", "مرحبا", "日本語", "<script>", "&amp;", `"quoted"`, "it's", "2.1", "+6",
	strings.Repeat("x", 90), "Ångström", "\u202Eevil", "a\r\nb", "\t", "\x00",
}

func randomText(r *rand.Rand, maxWords int) string {
	n := r.IntN(maxWords + 1)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = vocabulary[r.IntN(len(vocabulary))]
	}
	return strings.Join(parts, " ")
}

var randomCategories = []string{"book-request", "video-request", "help-request", "hit", "sharing", "event",
	"job", "classified", "admin", "noise", "booktalk", "", "Makerspace"}

// randomInput is a day of up to maxItems threads with random text, categories, flags,
// duplicates and noise, and a random budget (sometimes the default, sometimes absurdly small).
func randomInput(r *rand.Rand, maxItems int) Input {
	from := time.Date(2026, 3, 4, 20, 0, 0, 0, time.UTC)
	in := Input{
		Reader: Reader{Location: sydney},
		From:   from, To: from.Add(time.Duration(1+r.IntN(240)) * time.Hour),
		Noise: r.IntN(3) * r.IntN(20),
	}
	switch r.IntN(4) {
	case 0:
		in.Reader.BudgetWords = 0
	case 1:
		in.Reader.BudgetWords = 1 + r.IntN(60)
	default:
		in.Reader.BudgetWords = 1 + r.IntN(2500)
	}
	lists := []string{"LM_NET", "OZTL_NET", "aisle"}
	for i := range r.IntN(maxItems + 1) {
		cat := randomCategories[r.IntN(len(randomCategories))]
		it := Item{
			ThreadID: fmt.Sprintf("t%d", i), Category: cat, CategoryName: strings.ToUpper(cat),
			Subject: randomText(r, 25), OriginalSubject: randomText(r, 8),
			AuthorName: randomText(r, 3), AuthorAddr: fmt.Sprintf("p%d@school%d.example", i%7, i%3),
			School: randomText(r, 4), Gist: randomText(r, 60), Lists: lists[:1+r.IntN(len(lists))],
			Replies: r.IntN(12), NewInPeriod: r.IntN(5), Answered: r.IntN(4) == 0, FollowUp: r.IntN(8) == 0,
			ReplyTo: "list@lists.example", MessageID: fmt.Sprintf("m%d@x.example", i),
			FirstAt: from.Add(time.Duration(r.IntN(100)-50) * time.Hour), LastAt: from.Add(time.Duration(r.IntN(200)) * time.Hour),
		}
		if cat == "hit" {
			it.Answers = randomText(r, 6)
		}
		if cat == "noise" {
			it.Subject = "NOISEMARKER " + it.Subject
		}
		if r.IntN(20) == 0 && i > 0 { // the same thread again, or a cross-post stored twice
			it.ThreadID = fmt.Sprintf("t%d", r.IntN(i))
		}
		in.Items = append(in.Items, it)
	}
	return in
}

// TestComposeProperties composes random days and checks the invariants: the budget is never
// exceeded, no thread is dropped, the contents line counts every thread, the planner's word
// count is exact, noise never shows, and the output does not depend on the order of items.
func TestComposeProperties(t *testing.T) {
	t.Parallel()
	iterations := 250
	if testing.Short() || raceEnabled {
		iterations = 60
	}
	r := rand.New(rand.NewPCG(2026, 3))
	for i := range iterations {
		in := randomInput(r, 60)
		if i%50 == 0 {
			in = randomInput(r, 300)
		}
		d, c, p := compose(in)
		checkInvariants(t, in, d)
		threads := len(collect(in.Items))
		if got := sumContents(t, d.Contents); got != threads {
			t.Errorf("iteration %d: contents %q counts %d threads; want %d", i, d.Contents, got, threads)
		}
		if strings.Contains(d.Text, "NOISEMARKER") || strings.Contains(d.HTML, "NOISEMARKER") {
			t.Errorf("iteration %d: a noise item is shown", i)
		}
		if got, want := c.cost(p), d.Words; got != want || p != c.plan() {
			t.Errorf("iteration %d: planned %d words, rendered %d (plan %+v, first plan %+v)", i, got, want, p, c.plan())
		}
		if t.Failed() {
			t.Fatalf("iteration %d failed; budget %d, %d items", i, in.Reader.BudgetWords, len(in.Items))
		}
	}
}

// TestPlanIsMaximal checks that the planner leaves no room: one more thread promoted (the
// first counted one to a subject line) would not fit, unless every thread is already listed.
func TestPlanIsMaximal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	iterations := 150
	if testing.Short() || raceEnabled {
		iterations = 40
	}
	for i := range iterations {
		in := randomInput(r, 80)
		c := newComposer(in)
		p := c.plan()
		n := len(c.entries)
		if p.full+p.short < n && p.layout == layouts[0] {
			next := p
			next.short++
			if c.cost(next) <= c.budget {
				t.Errorf("iteration %d: plan %+v leaves room for another subject line (budget %d)", i, p, c.budget)
			}
		}
	}
}
