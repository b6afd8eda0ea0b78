package digest

import (
	"fmt"
	"testing"
	"time"
)

// benchDay is a heavy day: 1,000 messages in about 300 threads (an opening post and on
// average 2.3 replies each) across three lists.
func benchDay() Input {
	in := busyDay(300, DefaultBudgetWords)
	msgs := 0
	for i := range in.Items {
		in.Items[i].Replies = (i * 7) % 5
		if i%3 == 0 {
			in.Items[i].Replies += 3
		}
		msgs += 1 + in.Items[i].Replies
	}
	in.Noise = 1000 - msgs
	return in
}

// BenchmarkCompose composes and renders a day of 1,000 messages (about 300 threads) into a
// complete message. The target is 200 ms per digest.
func BenchmarkCompose(b *testing.B) {
	in := benchDay()
	date := in.To.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		d := Compose(in)
		if _, err := Message(d, "digest@listdigest.example", "jo@school.example.edu", "bench@listdigest.example", date); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchDayShape keeps the benchmark honest about its size.
func TestBenchDayShape(t *testing.T) {
	in := benchDay()
	msgs := in.Noise
	for _, it := range in.Items {
		msgs += 1 + it.Replies
	}
	if len(in.Items) != 300 || msgs != 1000 {
		t.Errorf("benchDay() = %d threads, %d messages; want 300 and 1000", len(in.Items), msgs)
	}
	d := mustCompose(t, in)
	t.Log(fmt.Sprintf("bench day: %d words, %d full, %d short, %d counted", d.Words, d.Full, d.Short, d.Counted))
}
