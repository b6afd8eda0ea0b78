package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"listdigest/internal/mailparse"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// recorder is a Sender that records deliveries and fails as told, like maddy's unreliableTarget.
type recorder struct {
	mu       sync.Mutex
	sent     [][]byte
	failWith []error // returned by the next calls, in order
	has      map[string]bool
}

func (r *recorder) Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failWith) > 0 {
		err := r.failWith[0]
		r.failWith = r.failWith[1:]
		if err != nil {
			return err
		}
	}
	r.sent = append(r.sent, msg)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// classified is a delivery error that says whether it is temporary, as mailer's errors do.
type classified struct {
	temporary bool
	msg       string
}

func (e classified) Error() string   { return e.msg }
func (e classified) Temporary() bool { return e.temporary }

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

type fixture struct {
	st    *store.Store
	clk   *clock
	rec   *recorder
	d     *Dispatcher
	loc   *time.Location
	posts int
}

func newFixture(t *testing.T, zone, expr string, start time.Time) *fixture {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: start}
	st.Now = clk.Now
	sched, err := schedule.Parse(expr, loc)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	target := Target{Recipient: Recipient{Name: "Jo", Address: "jo@school.example.edu", Location: loc, BudgetWords: 476},
		Schedule: sched, Sender: rec, From: "Listdigest <digest@school.example.edu>"}
	d := &Dispatcher{Store: st, Targets: []Target{target}, Now: clk.Now, Log: slog.New(slog.DiscardHandler)}
	return &fixture{st: st, clk: clk, rec: rec, d: d, loc: loc}
}

// post stores one list message now (as sync would), so the next digest has something to say.
func (f *fixture) post(t *testing.T) {
	t.Helper()
	f.posts++
	m := &mailparse.Message{
		MessageID: fmt.Sprintf("p%d@school.example", f.posts),
		Subject:   fmt.Sprintf("TARGET-> picture books about topic %d for Year 5", f.posts),
		Date:      f.clk.Now(), List: mailparse.ListIdentity{ID: "lm_net.listserv.syr.edu", Name: "LM_NET"},
		From: mailparse.Address{Name: "Ann Reader", Addr: "ann@school.example"},
		Text: "Hi all, I am after picture books for a Year 5 unit. I'll post a HIT. TIA, Ann",
	}
	if _, err := f.st.AddMessages(context.Background(), []store.Incoming{{Msg: m, Raw: []byte("x"), Loc: store.Location{Source: "m", UID: uint32(f.posts)}}}, nil); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) run(t *testing.T) {
	t.Helper()
	if err := f.d.RunOnce(context.Background()); err != nil {
		t.Fatalf("RunOnce at %s: %v", f.clk.Now(), err)
	}
}

func TestSendsOncePerSlot(t *testing.T) {
	loc, _ := time.LoadLocation("Australia/Sydney")
	f := newFixture(t, "Australia/Sydney", "0 7 * * *", time.Date(2026, 3, 3, 6, 0, 0, 0, loc))
	f.post(t)
	f.run(t) // 06:00: the last slot was yesterday 07:00, before the post: empty, skipped
	f.clk.Set(time.Date(2026, 3, 3, 7, 0, 30, 0, loc))
	f.run(t)
	f.run(t)
	if n := f.rec.count(); n != 1 {
		t.Fatalf("deliveries after two passes at 07:00 = %d; want 1", n)
	}
	msg := string(f.rec.sent[0])
	for _, want := range []string{"Message-ID: <digest-", "Auto-Submitted: auto-generated", "picture books about topic 1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	// The archive keeps the digest byte for byte as it was delivered.
	ds, err := f.st.RecentDigests(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.State != store.DigestSent {
			continue
		}
		if kept, err := f.st.DigestBody(context.Background(), d.ID); err != nil || string(kept) != msg {
			t.Errorf("kept copy of the sent digest = %d bytes, %v; want the %d bytes delivered", len(kept), err, len(msg))
		}
	}
	// Tomorrow, with new mail: one more; the period starts where the last ended.
	f.clk.Set(time.Date(2026, 3, 3, 12, 0, 0, 0, loc))
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 4, 7, 1, 0, 0, loc))
	f.run(t)
	if n := f.rec.count(); n != 2 {
		t.Fatalf("deliveries after the second day = %d; want 2", n)
	}
	if strings.Contains(string(f.rec.sent[1]), "topic 1 ") {
		t.Error("the second digest repeats the first day's thread")
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	loc, _ := time.LoadLocation("America/Chicago")
	f := newFixture(t, "America/Chicago", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 10, 0, loc))
	f.run(t) // Monday's digest
	f.clk.Set(time.Date(2026, 3, 3, 10, 0, 0, 0, loc))
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 4, 10, 0, 0, 0, loc))
	f.post(t)
	// Down from Monday until Friday 09:30.
	f.clk.Set(time.Date(2026, 3, 6, 9, 30, 0, 0, loc))
	f.run(t)
	f.run(t)
	ds, _ := f.st.RecentDigests(context.Background(), 10)
	sent := 0
	for _, d := range ds {
		if d.State == store.DigestSent {
			sent++
		}
	}
	if f.rec.count() != 2 || sent != 2 {
		t.Fatalf("deliveries = %d, sent rows = %d; want Monday's and one catch-up", f.rec.count(), sent)
	}
	catchUp := string(f.rec.sent[1])
	if !strings.Contains(catchUp, "topic 2") || !strings.Contains(catchUp, "topic 3") {
		t.Error("the catch-up digest does not cover the whole gap")
	}
}

func TestTemporaryFailureRetriesPermanentFails(t *testing.T) {
	loc, _ := time.LoadLocation("UTC")
	f := newFixture(t, "UTC", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	f.post(t)
	f.rec.failWith = []error{classified{temporary: true, msg: "451 4.3.0 try later"}}
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, loc))
	f.run(t)
	if f.rec.count() != 0 {
		t.Fatal("delivered despite the 451")
	}
	f.clk.Add(20 * time.Second)
	f.run(t) // not due yet
	if f.rec.count() != 0 {
		t.Fatal("retried before the backoff")
	}
	f.clk.Add(2 * time.Minute)
	f.run(t)
	if f.rec.count() != 1 {
		t.Fatalf("deliveries after the backoff = %d; want 1", f.rec.count())
	}

	// A permanent failure: recorded, and the next digest covers the period again.
	f.clk.Set(time.Date(2026, 3, 2, 12, 0, 0, 0, loc))
	f.post(t)
	f.rec.failWith = []error{classified{msg: "550 5.1.1 no such user"}}
	f.clk.Set(time.Date(2026, 3, 3, 7, 0, 0, 0, loc))
	f.run(t)
	ds, _ := f.st.RecentDigests(context.Background(), 1)
	if ds[0].State != store.DigestFailed || !strings.Contains(ds[0].LastError, "550") {
		t.Fatalf("after a 550 the ledger says %s %q; want failed with the reason", ds[0].State, ds[0].LastError)
	}
	f.clk.Set(time.Date(2026, 3, 4, 7, 0, 0, 0, loc))
	f.run(t)
	if f.rec.count() != 2 || !strings.Contains(string(f.rec.sent[1]), "topic 2") {
		t.Error("the digest after a failed one does not cover the failed period")
	}
}

func TestDSTDaysSendExactlyOnce(t *testing.T) {
	for _, tc := range []struct {
		zone, expr string
		from       time.Time
		change     string
	}{
		{"America/Chicago", "30 2 * * *", time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC), "2026-03-08"},   // spring forward: 02:30 does not exist
		{"America/Chicago", "30 1 * * *", time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC), "2026-11-01"}, // fall back: 01:30 happens twice
	} {
		t.Run(tc.zone+" "+tc.expr, func(t *testing.T) {
			f := newFixture(t, tc.zone, tc.expr, tc.from)
			f.d.Targets[0].SendEmpty = true
			// Four days, a pass every 10 minutes.
			for end := tc.from.Add(96 * time.Hour); f.clk.Now().Before(end); f.clk.Add(10 * time.Minute) {
				f.run(t)
			}
			days := map[string]int{}
			ds, _ := f.st.RecentDigests(context.Background(), 100)
			for _, d := range ds {
				days[d.Slot.In(f.loc).Format("2006-01-02")]++
			}
			for day, n := range days {
				if n != 1 {
					t.Errorf("%d digests on %s; want exactly one", n, day)
				}
			}
			if days[tc.change] != 1 || f.rec.count() != len(days) || len(days) < 4 {
				t.Errorf("deliveries = %d on days %v; want one every day, the change day %s included", f.rec.count(), days, tc.change)
			}
		})
	}
}

// dedupRecorder is a recorder that can say whether a Message-ID was delivered.
type dedupRecorder struct{ recorder }

func (r *dedupRecorder) Has(ctx context.Context, id string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.sent {
		if strings.Contains(string(m), "<"+id+">") {
			return true, nil
		}
	}
	return false, nil
}

func TestCrashBetweenSendAndMark(t *testing.T) {
	loc, _ := time.LoadLocation("UTC")
	f := newFixture(t, "UTC", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	rec := &dedupRecorder{}
	f.d.Targets[0].Sender = rec
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, loc))
	f.run(t)
	ds, _ := f.st.RecentDigests(context.Background(), 1)
	// Simulate a crash after delivery but before the ledger said "sent".
	if err := f.st.UpdateDigest(context.Background(), ds[0].ID, store.DigestUpdate{State: store.DigestSending}); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	if rec.count() != 1 {
		t.Fatalf("deliveries after the restart = %d; want the one from before the crash", rec.count())
	}
	ds, _ = f.st.RecentDigests(context.Background(), 1)
	if ds[0].State != store.DigestSent {
		t.Errorf("ledger after restart = %s; want sent", ds[0].State)
	}
}

func TestFlaggedThreadResurfacesOnReply(t *testing.T) {
	loc, _ := time.LoadLocation("UTC")
	f := newFixture(t, "UTC", "0 7 * * *", time.Date(2026, 3, 2, 6, 0, 0, 0, loc))
	f.post(t) // p1: "TARGET-> picture books about topic 1"
	f.clk.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, loc))
	f.run(t)
	if err := f.st.SetFlag(context.Background(), "jo@school.example.edu", "<p1@school.example>", store.FlagOptions{}); err != nil {
		t.Fatal(err)
	}
	// Tuesday: nothing new in the flagged thread, something else posted: not repeated.
	f.clk.Set(time.Date(2026, 3, 2, 12, 0, 0, 0, loc))
	f.post(t)
	f.clk.Set(time.Date(2026, 3, 3, 7, 0, 0, 0, loc))
	f.run(t)
	if strings.Contains(string(f.rec.sent[1]), "Follow-ups") {
		t.Error("the flagged thread was repeated without activity")
	}
	// Wednesday: a reply to it arrives: it comes back under Follow-ups, saying why.
	f.clk.Set(time.Date(2026, 3, 3, 15, 0, 0, 0, loc))
	reply := &mailparse.Message{MessageID: "r1@school.example", Subject: "Re: TARGET-> picture books about topic 1 for Year 5",
		InReplyTo: []string{"p1@school.example"}, Date: f.clk.Now(), List: mailparse.ListIdentity{ID: "lm_net.listserv.syr.edu"},
		From: mailparse.Address{Name: "Bob", Addr: "bob@school.example"}, Text: "Try The Invisible String."}
	if _, err := f.st.AddMessages(context.Background(), []store.Incoming{{Msg: reply, Raw: []byte("r"), Loc: store.Location{Source: "m", UID: 99}}}, nil); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 3, 4, 7, 0, 0, 0, loc))
	f.run(t)
	if f.rec.count() != 3 {
		t.Fatalf("deliveries = %d; want 3", f.rec.count())
	}
	got := strings.Join(strings.Fields(string(f.rec.sent[2])), " ")
	if !strings.Contains(got, "Follow-ups") || !strings.Contains(got, "it has new replies") {
		t.Errorf("Wednesday's digest lacks the follow-up brought back by the reply:\n%s", got)
	}
}
