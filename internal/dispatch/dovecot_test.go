package dispatch

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"listdigest/internal/dovecottest"
	"listdigest/internal/imapsync"
	"listdigest/internal/ingest"
	"listdigest/internal/mailer"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// TestDovecotDigestExactlyOnce runs the product end to end against a real Dovecot: list mail is
// synced from the server, the digest is composed and appended into the reader's own mailbox,
// and a restart after a crash between delivery and the ledger update does not deliver it twice.
func TestDovecotDigestExactlyOnce(t *testing.T) {
	d := dovecottest.Start(t)
	loc, _ := time.LoadLocation("Australia/Sydney")
	now := time.Date(2026, 3, 5, 6, 0, 0, 0, loc)
	var msgs [][]byte
	for i := 0; i < 60; i++ {
		msgs = append(msgs, dovecottest.ListMessage(i, dovecottest.GenerateOptions{Start: now.Add(-20 * time.Hour), Interval: 15 * time.Minute}))
	}
	d.Deliver(t, "INBOX", msgs...)
	if _, err := d.Doveadm("mailbox", "create", "-u", d.User, "Digests"); err != nil {
		t.Fatal(err)
	}

	clk := &clock{t: now}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Now = clk.Now
	secret := func(context.Context) (string, error) { return d.Password, nil }
	log := slog.New(slog.DiscardHandler)
	syncer := &imapsync.Syncer{
		Account: &imapsync.Account{Name: "school", Addr: d.Addr(), TLS: "starttls", TLSConfig: d.TLSConfig(),
			Username: d.User, Auth: "plain", Secret: secret, Folders: []string{"INBOX"}},
		Store: st, Log: log, Pipeline: &ingest.Pipeline{Store: st, Log: log, Keep: ingest.KeepLists(nil), Now: clk.Now},
	}
	if stats, err := syncer.SyncOnce(context.Background()); err != nil || stats.Added != 60 {
		t.Fatalf("sync = %+v, %v; want 60 added", stats, err)
	}

	sched, _ := schedule.Parse("0 7 * * *", loc)
	sender := &mailer.IMAPAppend{Addr: d.Addr(), TLS: "starttls", TLSConfig: d.TLSConfig(), Username: d.User,
		Auth: "plain", Secret: secret, Folder: "Digests"}
	newDispatcher := func() *Dispatcher {
		return &Dispatcher{Store: st, Now: clk.Now, Log: log, Targets: []Target{{
			Recipient: Recipient{Name: "Jo", Address: "jo@school.example.edu", Location: loc, BudgetWords: 476},
			Schedule:  sched, Sender: sender, From: "Listdigest <digest@school.example.edu>"}}}
	}
	clk.Set(time.Date(2026, 3, 5, 7, 0, 20, 0, loc))
	if err := newDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := d.Count(t, "Digests"); n != 1 {
		t.Fatalf("digests in the mailbox = %d; want 1", n)
	}
	for _, f := range d.Flags(t, "Digests", 1) {
		if f == `\Seen` {
			t.Error("the digest arrived already read")
		}
	}

	// A crash after the append but before "sent" was recorded; the daemon restarts.
	ds, _ := st.RecentDigests(context.Background(), 1)
	if ds[0].State != store.DigestSent || ds[0].Threads == 0 {
		t.Fatalf("ledger = %+v; want sent with threads", ds[0])
	}
	if err := st.UpdateDigest(context.Background(), ds[0].ID, store.DigestUpdate{State: store.DigestSending}); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	if err := newDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := d.Count(t, "Digests"); n != 1 {
		t.Fatalf("digests after the restart = %d; want still 1", n)
	}
	ds, _ = st.RecentDigests(context.Background(), 1)
	if ds[0].State != store.DigestSent {
		t.Errorf("ledger after the restart = %s; want sent", ds[0].State)
	}
}
