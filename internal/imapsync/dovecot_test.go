package imapsync

// Integration tests against a real Dovecot (Debian's dovecot-imapd), started per test by
// internal/dovecottest. Without dovecot installed they skip, saying how to enable them;
// with LISTDIGEST_DOVECOT=require (as in CI) a missing dovecot fails them.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"listdigest/internal/dovecottest"
	"listdigest/internal/store"
)

func generated(from, to int) [][]byte {
	var msgs [][]byte
	for i := from; i < to; i++ {
		msgs = append(msgs, dovecottest.ListMessage(i))
	}
	return msgs
}

func dovecotSyncer(t *testing.T, d *dovecottest.Server, tlsMode string, folders ...string) (*Syncer, *store.Store) {
	t.Helper()
	addr := d.Addr()
	if tlsMode == "implicit" {
		addr = d.TLSAddr()
	}
	s, st := newSyncer(t, addr, folders...)
	s.Account.TLS = tlsMode
	s.Account.TLSConfig = d.TLSConfig()
	s.Account.Username = d.User
	s.Account.Auth = "plain"
	pass := d.Password
	s.Account.Secret = func(context.Context) (string, error) { return pass, nil }
	s.Account.BatchSize = 50
	return s, st
}

func TestDovecotSync(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 300)...)
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			s, st := dovecotSyncer(t, d, mode)
			ctx := context.Background()
			stats, err := s.SyncOnce(ctx)
			if err != nil {
				t.Fatalf("first sync: %v", err)
			}
			if stats.Seen != 300 || stats.Added != 300 || stats.Errors != 0 {
				t.Errorf("first sync = %+v; want 300 seen and added, no parse errors", stats)
			}
			stats, err = s.SyncOnce(ctx)
			if err != nil || stats.Seen != 0 {
				t.Errorf("second sync = %+v, %v; want nothing fetched", stats, err)
			}
			c, _ := st.Count(ctx)
			if c.Messages != 300 {
				t.Errorf("stored %d messages; want 300", c.Messages)
			}
			// Both lists were recognised, including LISTSERV posts that carry no List-Id.
			rows, err := st.DB().Query(`SELECT list_id, COUNT(*) FROM messages GROUP BY list_id ORDER BY list_id`)
			if err != nil {
				t.Fatal(err)
			}
			var lists []string
			for rows.Next() {
				var id string
				var n int
				rows.Scan(&id, &n)
				lists = append(lists, fmt.Sprintf("%s=%d", id, n))
			}
			rows.Close()
			if len(lists) != 2 || strings.Contains(strings.Join(lists, " "), "=0") || strings.HasPrefix(lists[0], "=") {
				t.Errorf("list identities = %v; want LM_NET and OZTL_NET, none unknown", lists)
			}
		})
	}
	// No fetch above may have marked anything read.
	for _, uid := range []uint32{1, 150, 300} {
		for _, f := range d.Flags(t, "INBOX", uid) {
			if strings.EqualFold(f, `\Seen`) {
				t.Errorf("UID %d has \\Seen after sync", uid)
			}
		}
	}
}

func TestDovecotNewMailAndUIDValidityReset(t *testing.T) {
	d := dovecottest.Start(t)
	first := generated(0, 200)
	d.Deliver(t, "Lists/LM_NET", first...)
	s, st := dovecotSyncer(t, d, "starttls", "Lists/LM_NET")
	ctx := context.Background()
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	d.Deliver(t, "Lists/LM_NET", generated(200, 300)...)
	stats, err := s.SyncOnce(ctx)
	if err != nil || stats.Seen != 100 || stats.Added != 100 {
		t.Fatalf("sync after 100 new = %+v, %v; want exactly 100 fetched and added", stats, err)
	}
	before, _ := st.Checkpoint(ctx, "school", "Lists/LM_NET")

	// The server rebuilt the folder: new UIDVALIDITY, the same 300 messages plus 5 new ones.
	d.ResetUIDValidity(t, "Lists/LM_NET", generated(0, 305)...)
	stats, err = s.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.Checkpoint(ctx, "school", "Lists/LM_NET")
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY unchanged (%d)", after.UIDValidity)
	}
	if stats.Added != 5 || stats.Duplicates != 300 {
		t.Errorf("resync = %+v; want 5 added and 300 duplicates", stats)
	}
	c, _ := st.Count(ctx)
	if c.Messages != 305 {
		t.Errorf("stored %d messages; want 305, nothing lost or doubled", c.Messages)
	}
}

func TestDovecotConnectionDroppedMidFetch(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 400)...)
	proxy := dovecottest.NewProxy(t, d.Addr())
	s, st := dovecotSyncer(t, d, "starttls")
	s.Account.Addr = proxy.Addr()
	s.Account.TLSConfig.ServerName = "127.0.0.1"
	ctx := context.Background()

	proxy.CutAfter(2 << 20) // somewhere in the middle of the bodies
	_, err := s.SyncOnce(ctx)
	if err == nil {
		t.Fatal("sync through a cut connection succeeded")
	}
	if Permanent(err) {
		t.Errorf("a dropped connection must be temporary: %v", err)
	}
	if proxy.Cuts() != 1 {
		t.Fatalf("proxy cut %d times; want 1", proxy.Cuts())
	}
	partial, _ := st.Count(ctx)
	cp, _ := st.Checkpoint(ctx, "school", "INBOX")
	if int64(cp.LastUID) > partial.Messages {
		t.Errorf("checkpoint at UID %d but only %d messages stored: the checkpoint ran ahead", cp.LastUID, partial.Messages)
	}
	stats, err := s.SyncOnce(ctx)
	if err != nil {
		t.Fatalf("sync after the cut: %v", err)
	}
	c, _ := st.Count(ctx)
	if c.Messages != 400 {
		t.Errorf("stored %d messages after retry; want 400", c.Messages)
	}
	if stats.Duplicates != 0 {
		t.Errorf("retry refetched %d stored messages; want it to resume after the checkpoint", stats.Duplicates)
	}
	t.Logf("cut after %d messages stored; retry added %d", partial.Messages, stats.Added)
}

func TestDovecotStalledServer(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 20)...)
	proxy := dovecottest.NewProxy(t, d.Addr())
	s, _ := dovecotSyncer(t, d, "starttls")
	s.Account.Addr = proxy.Addr()
	s.Account.Timeout = 500 * time.Millisecond
	proxy.Stall()
	_, err := s.SyncOnce(context.Background())
	if err == nil || Permanent(err) {
		t.Fatalf("SyncOnce(stalled) = %v; want a temporary error", err)
	}
	proxy.Resume()
}

func TestDovecotWrongPassword(t *testing.T) {
	d := dovecottest.Start(t)
	s, _ := dovecotSyncer(t, d, "implicit")
	s.Account.Secret = func(context.Context) (string, error) { return "not-the-password", nil }
	for range 3 { // Dovecot's auth penalty is off in the harness: each answer comes at once
		_, err := s.SyncOnce(context.Background())
		if !errors.Is(err, ErrAuth) {
			t.Fatalf("SyncOnce(wrong password) = %v; want ErrAuth", err)
		}
		if strings.Contains(err.Error(), "not-the-password") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
}

func TestDovecotMalformedAndOversizeMail(t *testing.T) {
	d := dovecottest.Start(t)
	big := bytes.Repeat([]byte("All LM_NET postings are protected by copyright law. "), 2_000_000/52+1)
	oversize := []byte("From: Big Sender <big@school.example.edu>\r\nSender: LM_NET@LISTSERV.EXAMPLE.EDU\r\n" +
		"List-Id: <lm_net.listserv.example.edu>\r\nSubject: HIT-> scanned booklists\r\nMessage-ID: <big@x>\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + string(big) + "\r\n--b--\r\n")
	malformed := [][]byte{
		[]byte("List-Id: <lm_net.listserv.example.edu>\r\nSubject: =?x-unknown?q?caf=E9?=\r\nContent-Type: text/plain; charset=x-unknown\r\n" +
			"Message-ID: <bad1@x>\r\n\r\ncaf\xe9\r\n"),
		[]byte("List-Id: <lm_net.listserv.example.edu>\r\nMessage-ID: <bad2@x>\r\nContent-Type: multipart/mixed; boundary=zz\r\n" +
			"Content-Transfer-Encoding: x-uuencode\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nnever closed\r\n"),
		[]byte("List-Id: <lm_net.listserv.example.edu>\r\nSubject: no message id, no date\r\n\r\n\x00\x01binary junk\r\n"),
	}
	d.Deliver(t, "INBOX", append(malformed, oversize)...)
	s, st := dovecotSyncer(t, d, "starttls")
	st.Close()
	var err error
	st, err = store.Open(context.Background(), t.TempDir()+"/cap.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s.Store, s.Pipeline.Store = st, st
	s.Pipeline.MaxSize = 1 << 20 // a 1 MB cap makes the 2 MB attachment oversize without a huge fixture
	stats, err := s.SyncOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Added != 4 {
		t.Errorf("sync = %+v; want all 4 messages stored", stats)
	}
	var truncated int
	st.DB().QueryRow(`SELECT truncated FROM messages WHERE message_id = 'big@x'`).Scan(&truncated)
	if truncated != 1 {
		t.Errorf("oversize message truncated = %d; want 1", truncated)
	}
	raw, err := st.Raw(context.Background(), 4)
	if err != nil || len(raw) != len(oversize) {
		t.Errorf("raw oversize copy = %d bytes, %v; want all %d bytes kept for reindex", len(raw), err, len(oversize))
	}
}

func TestDovecotRunIdle(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 10)...)
	s, st := dovecotSyncer(t, d, "implicit")
	s.Account.Idle = true
	stop := runInBackground(t, s)
	waitCount(t, st, 10)
	d.Deliver(t, "INBOX", generated(10, 110)...)
	waitCount(t, st, 110) // the next scheduled poll is an hour away: IDLE brought these in
	stop()
}

func TestDovecotFlagsFromMailClient(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 50)...)
	s, st := dovecotSyncer(t, d, "implicit")
	s.SyncFlags, s.FlagOwner = true, ""
	ctx := context.Background()
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// A mail client flags UID 7 (Dovecot has CONDSTORE: only the change is fetched).
	if out, err := d.Doveadm("flags", "add", "-u", d.User, `\Flagged`, "mailbox", "INBOX", "uid", "7"); err != nil {
		t.Fatalf("doveadm flags add: %v %s", err, out)
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	fs, _ := st.Flags(ctx, "", false)
	if len(fs) != 1 || fs[0].Source != "imap" {
		t.Fatalf("flags after the client flagged UID 7 = %+v; want one, from imap", fs)
	}
	mid := strings.Trim(dovecottest.ListMessageID(6), "<>") // UIDs start at 1: UID 7 is message 6
	tid, err := st.ResolveRef(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	st.DB().QueryRow(`SELECT key FROM threads WHERE id = ?`, tid).Scan(&key)
	if fs[0].Thread != key {
		t.Errorf("flagged thread %s; want the thread of UID 7 (%s)", fs[0].Thread, key)
	}
	if _, err := d.Doveadm("flags", "remove", "-u", d.User, `\Flagged`, "mailbox", "INBOX", "uid", "7"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if fs, _ := st.Flags(ctx, "", false); len(fs) != 0 {
		t.Errorf("flags after the client removed its flag = %+v", fs)
	}
	// Flagged in listdigest (the CLI's path): \Flagged appears on the server at the next sync.
	s.PushFlags = true
	if err := st.SetFlag(ctx, "", "<"+strings.Trim(dovecottest.ListMessageID(20), "<>")+">", store.FlagOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(d.Flags(t, "INBOX", 21), `\Flagged`) {
		t.Errorf("UID 21 flags on the server = %v; want \\Flagged after flagging its thread in listdigest", d.Flags(t, "INBOX", 21))
	}
	for _, uid := range []uint32{7, 21} {
		for _, f := range d.Flags(t, "INBOX", uid) {
			if f == `\Seen` {
				t.Errorf("flag sync set \\Seen on UID %d", uid)
			}
		}
	}
}

// TestDovecotSurvey: what `listdigest subscribe` sees on a real server with list mail in two
// folders (one of them nested) and a folder of other mail, over implicit TLS.
func TestDovecotSurvey(t *testing.T) {
	d := dovecottest.Start(t)
	d.Deliver(t, "INBOX", generated(0, 30)...)
	d.Deliver(t, "Lists/OZTL", dovecottest.ListMessage(100, dovecottest.GenerateOptions{Style: dovecottest.OZTLNet}),
		dovecottest.ListMessage(101, dovecottest.GenerateOptions{Style: dovecottest.OZTLNet}))
	d.Deliver(t, "Personal", []byte("From: Principal <head@school.example.edu>\r\nSubject: staff meeting\r\n"+
		"Message-ID: <p1@school.example.edu>\r\nDate: Mon, 2 Mar 2026 07:00:00 -0500\r\n\r\nAt 3.\r\n"))
	s, _ := dovecotSyncer(t, d, "implicit")
	got, err := Survey(context.Background(), s.Account, 20)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]FolderSurvey{}
	for _, f := range got {
		byName[f.Name] = f
	}
	in := byName["INBOX"]
	if in.Messages != 30 || in.Sampled != 20 || len(in.Lists) != 2 || in.Lists["lm_net.listserv.example.edu"]+in.Lists["oztl_net.lists.example.edu.au"] != 20 {
		t.Errorf("INBOX = %+v; want 30 messages, the newest 20 sampled, all from LM_NET and OZTL_NET", in)
	}
	var nested FolderSurvey
	for name, f := range byName {
		if strings.HasSuffix(name, "OZTL") {
			nested = f
		}
	}
	if nested.Messages != 2 || nested.Lists["oztl_net.lists.example.edu.au"] != 2 {
		t.Errorf("nested OZTL folder = %+v (folders: %v)", nested, got)
	}
	if p := byName["Personal"]; p.Messages != 1 || len(p.Lists) != 0 {
		t.Errorf("Personal = %+v; want one message, no lists", p)
	}
	if slices.Contains(d.Flags(t, "INBOX", 1), `\Seen`) {
		t.Error("the survey marked a message read")
	}
}
