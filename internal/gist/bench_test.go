package gist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dayMessages is a day of list mail: 1,000 messages built from the fixtures, most of
// them replies quoting a history of a few earlier messages with their footers, as
// Gmail and Outlook replies do (2-8 KB each).
func dayMessages() (subjects, bodies []string) {
	fixtures := []string{lmnetReply, oztlGmailReply, outlookDisclaimer, ipadReply, inlineReply,
		hitCompilation, germanOutlook, frenchOutlook, owaReply}
	var history strings.Builder
	for k := 0; k < 4; k++ {
		fmt.Fprintf(&history, "On Mon, %d Mar 2026 at 10:0%d, Member %d <m%d@example.edu> wrote:\n", k+1, k, k, k)
		for j := 0; j < 12; j++ {
			history.WriteString(strings.Repeat(">", k+1) + " We are weeding the nonfiction collection this term and would like advice.\n")
		}
		history.WriteString(strings.Repeat(">", k+1) + " _______________________________________________\n")
		history.WriteString(strings.Repeat(">", k+1) + " OZTL_NET mailing list\n")
	}
	for i := 0; i < 1000; i++ {
		body := fixtures[i%len(fixtures)]
		if i%3 != 0 {
			body += "\n" + history.String()
		}
		subjects = append(subjects, fmt.Sprintf("Re: [aisle] TARGET-> Weeding nonfiction %d", i%50))
		bodies = append(bodies, body)
	}
	return subjects, bodies
}

// BenchmarkClean reports the cost of Clean per message of a typical day.
func BenchmarkClean(b *testing.B) {
	_, bodies := dayMessages()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Clean(bodies[i%len(bodies)])
	}
}

// BenchmarkGist reports the cost of Gist per message of a typical day.
func BenchmarkGist(b *testing.B) {
	subjects, bodies := dayMessages()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(bodies)
		_ = Gist(subjects[k], bodies[k], DefaultWords)
	}
}

// BenchmarkGistDay reports the cost of the gists of a whole day of 1,000 messages;
// the target is well under 100 ms.
func BenchmarkGistDay(b *testing.B) {
	subjects, bodies := dayMessages()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range bodies {
			_ = Gist(subjects[k], bodies[k], DefaultWords)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/day")
}

// BenchmarkCleanLongQuote runs Clean on github/email_reply_parser's 767 KB long-quote
// message, the worst case the corpora hold.
func BenchmarkCleanLongQuote(b *testing.B) {
	dir := os.Getenv("LISTDIGEST_CORPORA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	data, err := os.ReadFile(filepath.Join(dir, "github-email_reply_parser", "test", "emails", "email_long_quote.txt"))
	if err != nil {
		b.Skipf("corpora not found (set LISTDIGEST_CORPORA): %v", err)
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Clean(text)
	}
}

// TestDayBudget guards the digest's budget in ordinary test runs: a day of 1,000
// gists must take well under 100 ms (the limit here is generous for slow CI and -race).
func TestDayBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	subjects, bodies := dayMessages()
	start := time.Now()
	for k := range bodies {
		_ = Gist(subjects[k], bodies[k], DefaultWords)
	}
	el := time.Since(start)
	t.Logf("1,000 gists in %v", el)
	if el > 2*time.Second {
		t.Errorf("1,000 gists took %v", el)
	}
}
