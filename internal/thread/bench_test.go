package thread

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// bigTraffic returns n messages of list traffic: consecutive 98-day worlds of the evaluation
// generator with different seeds, so the corpus keeps the same rate of mail and grows in time,
// as a mailbox does. Messages are in date order.
func bigTraffic(n int) []Message {
	var msgs []Message
	for seed := uint64(1); len(msgs) < n; seed++ {
		start := corpusStart.AddDate(0, 0, 98*int(seed-1))
		msgs = append(msgs, messagesOf(genTraffic(seed, start, 98))...)
	}
	slices.SortStableFunc(msgs, func(a, b Message) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return msgs[:n]
}

// BenchmarkGroup threads 20,000 messages from scratch.
func BenchmarkGroup(b *testing.B) {
	msgs := bigTraffic(20000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Group(msgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(msgs)), "ns/msg")
}

// BenchmarkPlaceOne measures one Place against an index already holding 1,000 or 20,000
// messages: the cost must not grow with the mailbox. Probes are the 500 messages that follow
// the indexed ones, so they find parents, conversations, subjects and digests as in real use.
func BenchmarkPlaceOne(b *testing.B) {
	const probes = 500
	all := bigTraffic(20000 + probes)
	for _, size := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("index=%d", size), func(b *testing.B) {
			// The probes follow the indexed messages in time, at both sizes.
			indexed := all[20000-size : 20000]
			x := NewMemIndex()
			if err := GroupInto(x, indexed, nil); err != nil {
				b.Fatal(err)
			}
			next := all[20000:]
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				if _, err := Place(x, next[i%probes]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
