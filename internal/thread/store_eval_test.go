package thread_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"listdigest/internal/mailparse"
	"listdigest/internal/store"
	"listdigest/internal/thread"
)

// TestEvaluateThreadingThroughStore runs the labelled list traffic through the real store
// (SQLite index, arrival in date order, batches as sync commits them) and scores it like the
// in-memory evaluation: the product must thread as well as the rules do.
func TestEvaluateThreadingThroughStore(t *testing.T) {
	corpus := thread.EvalTraffic(1)
	sort.SliceStable(corpus, func(i, j int) bool { return corpus[i].Date.Before(corpus[j].Date) })
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "eval.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	truth := map[string]string{}
	var batch []store.Incoming
	flush := func() {
		if _, err := st.AddMessages(context.Background(), batch, nil); err != nil {
			t.Fatal(err)
		}
		batch = nil
	}
	for i, m := range corpus {
		truth[m.ID] = m.Label
		list := ""
		if len(m.Lists) > 0 {
			list = m.Lists[0]
		}
		pm := &mailparse.Message{
			MessageID: m.ID, InReplyTo: m.InReplyTo, References: m.References, Subject: m.Subject,
			Date: m.Date, List: mailparse.ListIdentity{ID: list}, From: mailparse.Address{Addr: m.From},
			ThreadIndex: m.ThreadIndex, ThreadTopic: m.ThreadTopic, Text: m.Text,
		}
		batch = append(batch, store.Incoming{Msg: pm, Raw: []byte("Message-ID: <" + m.ID + ">\r\n\r\n" + m.Text),
			Loc: store.Location{Source: "eval", Folder: list, UID: uint32(i + 1)}})
		if len(batch) == 100 {
			flush()
		}
	}
	flush()

	got := map[string]int64{}
	rows, err := st.DB().Query(`SELECT message_id, thread_id FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var tid int64
		rows.Scan(&id, &tid)
		got[id] = tid
	}
	rows.Close()
	p, r, f1, summary := thread.Pairwise(truth, got)
	t.Logf("list traffic through the SQLite store: %s", summary)
	if f1 < 0.95 || p < 0.97 || r < 0.93 {
		t.Errorf("store threading P=%.3f R=%.3f F1=%.3f; want F1 >= 0.95", p, r, f1)
	}

	// HIT links as the store made them, against the truth.
	threadOf := got
	links := map[int64]int64{}
	rows, err = st.DB().Query(`SELECT hit_thread, target_thread FROM thread_links`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h, tg int64
		rows.Scan(&h, &tg)
		links[h] = tg
	}
	rows.Close()
	var hits, right, wrong int
	for _, m := range corpus {
		if !m.IsHit || m.HitTarget == "" {
			continue
		}
		hits++
		switch target, ok := links[threadOf[m.ID]]; {
		case ok && target == threadOf[m.HitTarget]:
			right++
		case ok:
			wrong++
		}
	}
	t.Logf("HIT links through the store: %d/%d right, %d wrong", right, hits, wrong)
	if hits == 0 || float64(right)/float64(hits) < 0.95 {
		t.Errorf("HIT links %d/%d right; want at least 95%%", right, hits)
	}
}
