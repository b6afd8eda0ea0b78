package dispatch

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"listdigest/internal/digest"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
)

// BenchmarkRenderDay measures what a digest costs to produce for a busy day: 1,000 messages in
// about 300 threads, read from the store (threads, openings, counts, lists), each opening's
// gist and school extracted from quoted, signed mail, composed under the budget and rendered
// as a multipart message. Target: 200 ms.
//
//	go test -run '^$' -bench RenderDay ./internal/dispatch
func BenchmarkRenderDay(b *testing.B) {
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return day.Add(12 * time.Hour) }
	subjects := []string{"TARGET-> picture books about %d", "GEN: free posters %d", "TECH: barcode scanners %d",
		"HIT-> graphic novels %d", "JOBS: teacher librarian position %d", "[OZTL_NET] ClickView documentary %d"}
	var batch []store.Incoming
	for i := 0; i < 1000; i++ {
		root := i - i%3
		m := &mailparse.Message{
			MessageID: fmt.Sprintf("m%d@bench", i),
			Subject:   fmt.Sprintf(subjects[root%len(subjects)], root),
			Date:      day.Add(time.Duration(i) * 80 * time.Second),
			List:      mailparse.ListIdentity{ID: []string{"lm_net.listserv.syr.edu", "oztl_net.lists.example.edu.au"}[root%2], Name: "LM_NET"},
			From:      mailparse.Address{Name: fmt.Sprintf("Librarian %d", i%97), Addr: fmt.Sprintf("lib%d@school%d.example.edu", i%97, i%13)},
			Text: "Hi all,\n\nWe are refreshing the collection and I would love suggestions for titles that students borrow again and again.\n" +
				"Thanks in advance, I will post a HIT.\n\nJane Smith\nTeacher Librarian\nSt Mary's College\n\n" +
				"On Mon, 2 Mar 2026, Someone wrote:\n> earlier message text that is quoted here\n> and more quoted text\n",
		}
		if i != root {
			m.Subject = "Re: " + m.Subject
			m.InReplyTo = []string{fmt.Sprintf("m%d@bench", root)}
		}
		batch = append(batch, store.Incoming{Msg: m, Raw: []byte("x"), Loc: store.Location{Source: "m", UID: uint32(i + 1)}})
	}
	if _, err := st.AddMessages(context.Background(), batch, nil); err != nil {
		b.Fatal(err)
	}
	r := Recipient{Address: "jo@school.example.edu", Location: time.UTC, BudgetWords: 476}
	q := store.DigestQuery{From: day, To: day.AddDate(0, 0, 1), ByDate: true}
	b.ResetTimer()
	for range b.N {
		in, err := Assemble(context.Background(), st, r, q)
		if err != nil {
			b.Fatal(err)
		}
		if len(in.Items) < 300 {
			b.Fatalf("assembled %d threads; want about 334", len(in.Items))
		}
		d := digest.Compose(in)
		if _, err := digest.Message(d, "digest@school.example.edu", r.Address, "bench@x", day); err != nil {
			b.Fatal(err)
		}
	}
}
