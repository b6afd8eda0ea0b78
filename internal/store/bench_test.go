package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"listdigest/internal/categorize"
	"listdigest/internal/mailparse"
	"listdigest/internal/thread"
)

// benchMsg is message i of a synthetic list: threads of five, each reply citing its parent,
// a TARGET opening every fifth thread and a HIT answering it.
func benchMsg(i int) Incoming {
	root := i - i%5
	m := &mailparse.Message{
		MessageID: fmt.Sprintf("m%d@bench.example", i),
		Date:      time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute),
		List:      mailparse.ListIdentity{ID: "lm_net.listserv.syr.edu"},
		From:      mailparse.Address{Addr: fmt.Sprintf("lib%d@school.example", root%300)},
		Text:      "Looking for picture books about resilience and friendship for Year 5, thanks in advance.",
	}
	switch {
	case i%5 != 0:
		m.Subject = fmt.Sprintf("Re: TARGET-> books on topic %d", root)
		m.InReplyTo = []string{fmt.Sprintf("m%d@bench.example", i-1)}
		m.References = []string{fmt.Sprintf("m%d@bench.example", root), fmt.Sprintf("m%d@bench.example", i-1)}
	case root%50 == 25:
		m.Subject = fmt.Sprintf("HIT-> books on topic %d", root-25)
		m.From.Addr = fmt.Sprintf("lib%d@school.example", (root-25)%300)
	default:
		m.Subject = fmt.Sprintf("TARGET-> books on topic %d", root)
	}
	return Incoming{Msg: m, Raw: []byte("Message-ID: <" + m.MessageID + ">\r\n\r\n" + m.Text), Loc: Location{Source: "b", Folder: "INBOX", UID: uint32(i + 1)}}
}

// BenchmarkAddMessage measures storing, threading and categorising one arriving message in a
// database that already holds 1,000 or 20,000 messages: the cost must not grow with the mailbox.
//
//	go test -run '^$' -bench AddMessage ./internal/store
func BenchmarkAddMessage(b *testing.B) {
	for _, size := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("stored=%d", size), func(b *testing.B) {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			for start := 0; start < size; start += 500 {
				var batch []Incoming
				for i := start; i < start+500; i++ {
					batch = append(batch, benchMsg(i))
				}
				if _, err := s.AddMessages(ctx, batch, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				// Batches of 100, as sync commits them, timed per message.
				b.StopTimer()
				var batch []Incoming
				for i := 0; i < 100; i++ {
					batch = append(batch, benchMsg(size+n*100+i))
				}
				batch[0].Packed, _ = Pack(batch[0].Raw)
				b.StartTimer()
				if _, err := s.AddMessages(ctx, batch, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*100), "µs/msg")
		})
	}
}

// BenchmarkThreadAndCategorize20k measures the understanding work itself on 20,000 messages,
// without SQLite: placing every message with the in-memory index (the same Place the store
// calls) and categorising every thread's opening message plus a noise check on each reply.
//
//	go test -run '^$' -bench ThreadAndCategorize -benchtime 3x ./internal/store
func BenchmarkThreadAndCategorize20k(b *testing.B) {
	const n = 20000
	msgs := make([]thread.Message, n)
	ins := make([]categorize.Input, n)
	for i := range msgs {
		in := benchMsg(i)
		p := placingOf(int64(i+1), &in)
		msgs[i], ins[i] = p.msg, p.in
	}
	cat, err := categorize.New(categorize.DefaultTaxonomy(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		x := thread.NewMemIndex()
		byID := map[string]int{}
		for i, m := range msgs {
			byID[m.ID] = i
		}
		threads := 0
		err := thread.GroupInto(x, msgs, func(m thread.Message, d thread.Decision) {
			in := ins[byID[m.ID]]
			if len(d.Threads) == 0 {
				threads++
				cat.Categorize(in)
				return
			}
			cat.Noise(in) // a reply: only the noise check applies
		})
		if err != nil {
			b.Fatal(err)
		}
		if threads == 0 {
			b.Fatal("no threads")
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/20k")
}

// BenchmarkCatchUpSearch indexes, from scratch, every message of the database named by
// LISTDIGEST_BENCH_DB (made by the InitialSync benchmark of cmd/listdigest); it works on a
// copy and skips without one.
func BenchmarkCatchUpSearch(b *testing.B) {
	src := os.Getenv("LISTDIGEST_BENCH_DB")
	if src == "" {
		b.Skip("set LISTDIGEST_BENCH_DB to a database made by the InitialSync benchmark")
	}
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "copy.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		var n, upto int
		s.DB().QueryRow(`SELECT COUNT(*), (SELECT indexed_upto FROM search_progress) FROM messages`).Scan(&n, &upto)
		if upto != 0 {
			b.Skip("the database is already indexed: use one fresh from `listdigest sync`")
		}
		start := time.Now()
		b.StartTimer()
		if err := s.CatchUpSearch(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
		s.Close()
	}
}
