package imapsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"listdigest/internal/ingest"
	"listdigest/internal/store"
)

const (
	testUser = "librarian@school.example.edu"
	testPass = "correct horse"
)

// memServer is go-imap's in-memory server on a loopback port.
type memServer struct {
	addr string
	user *imapmemserver.User
}

func startMemServer(t *testing.T) *memServer {
	t.Helper()
	mem := imapmemserver.New()
	logger := &testLogger{t: t}
	t.Cleanup(logger.stop) // runs after srv.Close: connections may still log while closing
	user := imapmemserver.NewUser(testUser, testPass)
	user.Create("INBOX", nil)
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger:       logger,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &memServer{addr: ln.Addr().String(), user: user}
}

// testLogger sends the server's log to the test until the test ends; t.Logf after that panics.
type testLogger struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (l *testLogger) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("imapserver: "+format, args...)
	}
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

// listMail is a plausible LM_NET post; reply makes it answer message parent.
func listMail(i int, parent int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Librarian %d <lib%d@school.example.edu>\r\n", i, i)
	fmt.Fprintf(&b, "Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>\r\n")
	fmt.Fprintf(&b, "List-Id: <lm_net.listserv.syr.edu>\r\n")
	fmt.Fprintf(&b, "To: LM_NET@LISTSERV.SYR.EDU\r\n")
	fmt.Fprintf(&b, "Date: Mon, 2 Mar 2026 %02d:%02d:00 -0500\r\n", 8+i/60%10, i%60)
	fmt.Fprintf(&b, "Message-ID: <post%d@school.example.edu>\r\n", i)
	if parent > 0 {
		fmt.Fprintf(&b, "In-Reply-To: <post%d@school.example.edu>\r\nReferences: <post%d@school.example.edu>\r\n", parent, parent)
		fmt.Fprintf(&b, "Subject: Re: TARGET-> Year 5 books on resilience %d\r\n", parent)
	} else {
		fmt.Fprintf(&b, "Subject: TARGET-> Year 5 books on resilience %d\r\n", i)
	}
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\n\r\n")
	fmt.Fprintf(&b, "Hi all, looking for picture books about resilience for Year 5 (%d).\r\nTIA, Librarian %d\r\n", i, i)
	return b.Bytes()
}

func personalMail(i int) []byte {
	return []byte(fmt.Sprintf("From: Principal <head@school.example.edu>\r\nTo: %s\r\nSubject: staff meeting %d\r\n"+
		"Message-ID: <private%d@school.example.edu>\r\nDate: Mon, 2 Mar 2026 07:00:00 -0500\r\n\r\nSee you at 3.\r\n", testUser, i, i))
}

func (m *memServer) deliver(t *testing.T, folder string, msgs ...[]byte) {
	t.Helper()
	for _, raw := range msgs {
		if _, err := m.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{}); err != nil {
			t.Fatalf("append to %s: %v", folder, err)
		}
	}
}

func newSyncer(t *testing.T, addr string, folders ...string) (*Syncer, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir()+"/test.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(folders) == 0 {
		folders = []string{"INBOX"}
	}
	log := slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := &Account{
		Name: "school", Addr: addr, TLS: "none", Username: testUser, Auth: "login",
		Secret:  func(context.Context) (string, error) { return testPass, nil },
		Folders: folders, BatchSize: 7, Timeout: 5 * time.Second,
	}
	return &Syncer{Account: a, Store: st, Log: log,
		Pipeline: &ingest.Pipeline{Store: st, Log: log, Keep: ingest.KeepLists(nil)}}, st
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestSyncIncremental(t *testing.T) {
	srv := startMemServer(t)
	for i := 1; i <= 30; i++ {
		parent := 0
		if i%3 == 0 {
			parent = i - 1
		}
		srv.deliver(t, "INBOX", listMail(i, parent))
	}
	srv.deliver(t, "INBOX", personalMail(1))
	s, st := newSyncer(t, srv.addr)
	ctx := context.Background()

	stats, err := s.SyncOnce(ctx)
	if err != nil {
		t.Fatalf("first SyncOnce: %v", err)
	}
	if stats.Added != 30 || stats.Skipped != 1 || stats.Seen != 31 {
		t.Errorf("first sync = %+v; want 30 added, 1 skipped (personal mail), 31 seen", stats)
	}
	cp, _ := st.Checkpoint(ctx, "school", "INBOX")
	if cp.LastUID != 31 || cp.UIDValidity == 0 {
		t.Errorf("checkpoint = %+v; want last_uid 31", cp)
	}

	stats, err = s.SyncOnce(ctx)
	if err != nil || stats.Seen != 0 {
		t.Errorf("second SyncOnce = %+v, %v; want nothing fetched", stats, err)
	}

	for i := 31; i <= 40; i++ {
		srv.deliver(t, "INBOX", listMail(i, 0))
	}
	stats, err = s.SyncOnce(ctx)
	if err != nil || stats.Added != 10 || stats.Seen != 10 {
		t.Errorf("third SyncOnce = %+v, %v; want exactly the 10 new messages", stats, err)
	}
	c, _ := st.Count(ctx)
	if c.Messages != 40 || c.Threads != 30 {
		t.Errorf("store has %+v; want 40 messages in 30 threads", c)
	}
	assertUnseen(t, srv.addr, "INBOX")
}

// serverFlags reads every message's flags as another client would, by UID.
func serverFlags(t *testing.T, addr, folder string) map[uint32][]imap.Flag {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Flags: true, UID: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][]imap.Flag{}
	for _, m := range msgs {
		out[uint32(m.UID)] = m.Flags
	}
	return out
}

// assertUnseen checks that no message got \Seen from our fetches.
func assertUnseen(t *testing.T, addr, folder string) {
	t.Helper()
	flags := serverFlags(t, addr, folder)
	if len(flags) == 0 {
		t.Fatal("no messages to check")
	}
	for uid, fs := range flags {
		if slices.Contains(fs, imap.FlagSeen) {
			t.Fatalf("message UID %d is \\Seen after sync", uid)
		}
	}
}

func TestSyncUIDValidityChange(t *testing.T) {
	srv := startMemServer(t)
	srv.user.Create("Lists", nil)
	var msgs [][]byte
	for i := 1; i <= 12; i++ {
		msgs = append(msgs, listMail(i, 0))
	}
	srv.deliver(t, "Lists", msgs...)
	s, st := newSyncer(t, srv.addr, "Lists")
	ctx := context.Background()
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Checkpoint(ctx, "school", "Lists")

	// The server rebuilt the folder: new UIDVALIDITY, same mail plus two new posts.
	if err := srv.user.Delete("Lists"); err != nil {
		t.Fatal(err)
	}
	srv.user.Create("Lists", nil)
	srv.deliver(t, "Lists", append(msgs, listMail(13, 0), listMail(14, 1))...)
	stats, err := s.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.Checkpoint(ctx, "school", "Lists")
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY did not change (%d); the test cannot work", after.UIDValidity)
	}
	if stats.Added != 2 || stats.Duplicates != 12 {
		t.Errorf("resync = %+v; want 2 added, 12 duplicates", stats)
	}
	c, _ := st.Count(ctx)
	if c.Messages != 14 {
		t.Errorf("messages = %d; want 14 (nothing lost or doubled)", c.Messages)
	}
}

func TestSyncWrongPasswordIsPermanent(t *testing.T) {
	srv := startMemServer(t)
	s, st := newSyncer(t, srv.addr)
	s.Account.Secret = func(context.Context) (string, error) { return "wrong", nil }
	_, err := s.SyncOnce(context.Background())
	if !errors.Is(err, ErrAuth) || !Permanent(err) {
		t.Fatalf("SyncOnce(wrong password) = %v; want a permanent ErrAuth", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q contains the password", err)
	}
	// Run stops for good and records why.
	err = s.Run(context.Background(), everyHour{}, nil)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("Run = %v; want ErrAuth", err)
	}
	disabled, reason, _ := st.MailboxDisabled(context.Background(), "school")
	if !disabled || !strings.Contains(reason, testUser) {
		t.Errorf("mailbox disabled = %v (%q); want disabled naming the user", disabled, reason)
	}
}

type everyHour struct{}

func (everyHour) Next(t time.Time) time.Time { return t.Add(time.Hour) }

func TestWatchdogClosesStalledConnection(t *testing.T) {
	// A server that greets and then never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("* OK IMAP4rev1 ready\r\n"))
			defer c.Close()
		}
	}()
	s, _ := newSyncer(t, ln.Addr().String())
	s.Account.Timeout = 300 * time.Millisecond
	done := make(chan error, 1)
	go func() { _, err := s.SyncOnce(context.Background()); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no progress") {
			t.Fatalf("SyncOnce(stalled) = %v; want an error saying the server made no progress", err)
		}
		if Permanent(err) {
			t.Errorf("a stall must be temporary: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("SyncOnce did not return: the watchdog did not fire")
	}
}

func TestRunPicksUpNewMailWithIdle(t *testing.T) {
	srv := startMemServer(t)
	srv.deliver(t, "INBOX", listMail(1, 0))
	s, st := newSyncer(t, srv.addr)
	s.Account.Idle = true
	stop := runInBackground(t, s)
	waitCount(t, st, 1)
	srv.deliver(t, "INBOX", listMail(2, 1))
	waitCount(t, st, 2) // the schedule is an hour away: only IDLE can bring this one in
	stop()
}

// runInBackground starts s.Run with an hourly schedule; the returned stop cancels it and checks
// that it ends cleanly.
func runInBackground(t *testing.T, s *Syncer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, everyHour{}, nil) }()
	return func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run after cancel = %v; want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop after cancel")
		}
	}
}

func waitCount(t *testing.T, st *store.Store, want int64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, _ := st.Count(context.Background()); c.Messages >= want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c, _ := st.Count(context.Background())
	t.Fatalf("store has %d messages after 15s; want %d", c.Messages, want)
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		failures int
		lo, hi   time.Duration
	}{
		{1, 800 * time.Millisecond, 1200 * time.Millisecond},
		{2, 1600 * time.Millisecond, 2400 * time.Millisecond},
		{5, 12800 * time.Millisecond, 19200 * time.Millisecond},
		{30, 4 * time.Minute, 6 * time.Minute},
		{1000, 4 * time.Minute, 6 * time.Minute},
	}
	for _, tt := range tests {
		for range 20 {
			if d := backoff(tt.failures); d < tt.lo || d > tt.hi {
				t.Errorf("backoff(%d) = %v; want between %v and %v", tt.failures, d, tt.lo, tt.hi)
			}
		}
	}
}

func TestMissingFolderDoesNotStopTheOthers(t *testing.T) {
	srv := startMemServer(t)
	srv.deliver(t, "INBOX", listMail(1, 0))
	s, st := newSyncer(t, srv.addr, "Lists/Typo", "INBOX")
	_, err := s.SyncOnce(context.Background())
	var fe *FolderError
	if !errors.As(err, &fe) || fe.Folder != "Lists/Typo" || !onlyFolderErrors(err) {
		t.Fatalf("SyncOnce = %v; want only a FolderError for Lists/Typo", err)
	}
	if c, _ := st.Count(context.Background()); c.Messages != 1 {
		t.Errorf("INBOX not synced after the bad folder: %d messages", c.Messages)
	}
	// The daemon keeps its connection and schedule: new mail still arrives through IDLE.
	s.Account.Idle = true
	var log lockedBuffer
	s.Log = slog.New(slog.NewTextHandler(&log, nil))
	stop := runInBackground(t, s)
	srv.deliver(t, "INBOX", listMail(2, 0))
	waitCount(t, st, 2)
	stop()
	if strings.Contains(log.String(), "will retry") {
		t.Errorf("the session failed and reconnected instead of idling on INBOX:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "folders could not be synced") {
		t.Errorf("the bad folder was not reported:\n%s", log.String())
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// setFlag plays the reader's mail client: STORE on one message, as a client does.
func setFlag(t *testing.T, addr, folder string, uid uint32, add bool) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	op := imap.StoreFlagsAdd
	if !add {
		op = imap.StoreFlagsDel
	}
	if err := c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
}

func flaggedThreads(t *testing.T, st *store.Store, owner string) []string {
	t.Helper()
	fs, err := st.Flags(context.Background(), owner, false)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, f := range fs {
		subjects = append(subjects, f.Subject)
	}
	return subjects
}

func TestFlagsFromMailClient(t *testing.T) {
	srv := startMemServer(t)
	srv.deliver(t, "INBOX", listMail(1, 0), listMail(2, 0), listMail(3, 2))
	s, st := newSyncer(t, srv.addr)
	s.SyncFlags, s.FlagOwner = true, "jo@school.example.edu"
	ctx := context.Background()
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := flaggedThreads(t, st, "jo@school.example.edu"); len(got) != 0 {
		t.Fatalf("flags before any client flag = %v", got)
	}
	setFlag(t, srv.addr, "INBOX", 3, true) // the reply in thread 2
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := flaggedThreads(t, st, "jo@school.example.edu"); len(got) != 1 || !strings.Contains(got[0], "resilience 2") {
		t.Fatalf("flags after the client flagged UID 3 = %v; want thread 2", got)
	}
	// Unflagging in listdigest is not undone by the next sync (the server's state did not change).
	if err := st.Unflag(ctx, "jo@school.example.edu", "<post2@school.example.edu>"); err != nil {
		t.Fatal(err)
	}
	s.SyncOnce(ctx)
	if got := flaggedThreads(t, st, "jo@school.example.edu"); len(got) != 0 {
		t.Fatalf("a sync re-flagged a thread unflagged in listdigest: %v", got)
	}
	// Flag again in listdigest, then the client clears its flag: the thread is unflagged.
	st.SetFlag(ctx, "jo@school.example.edu", "<post2@school.example.edu>", store.FlagOptions{})
	setFlag(t, srv.addr, "INBOX", 3, false)
	s.SyncOnce(ctx)
	if got := flaggedThreads(t, st, "jo@school.example.edu"); len(got) != 0 {
		t.Fatalf("flags after the client cleared its flag = %v", got)
	}
	assertUnseen(t, srv.addr, "INBOX")
}

// serverFlagged returns the UIDs that carry \Flagged on the server.
func serverFlagged(t *testing.T, addr, folder string) map[uint32]bool {
	t.Helper()
	out := map[uint32]bool{}
	for uid, fs := range serverFlags(t, addr, folder) {
		if slices.Contains(fs, imap.FlagFlagged) {
			out[uid] = true
		}
	}
	return out
}

func TestFlagsPushedToMailClient(t *testing.T) {
	srv := startMemServer(t)
	srv.deliver(t, "INBOX", listMail(1, 0), listMail(2, 0), listMail(3, 2))
	s, st := newSyncer(t, srv.addr)
	s.SyncFlags, s.PushFlags, s.FlagOwner = true, true, "jo@school.example.edu"
	ctx := context.Background()
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// Flagged in listdigest: the thread's messages (UIDs 2 and 3) get \Flagged at the next sync.
	if err := st.SetFlag(ctx, "jo@school.example.edu", "<post3@school.example.edu>", store.FlagOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := serverFlagged(t, srv.addr, "INBOX"); len(got) != 2 || !got[2] || !got[3] {
		t.Fatalf("\\Flagged on the server = %v; want UIDs 2 and 3", got)
	}
	// The pushed flags are not read back as new client flags; done clears them.
	if err := st.MarkDone(ctx, "jo@school.example.edu", "<post2@school.example.edu>"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := serverFlagged(t, srv.addr, "INBOX"); len(got) != 0 {
		t.Fatalf("\\Flagged on the server after done = %v; want none", got)
	}
	if fs, _ := st.Flags(ctx, "jo@school.example.edu", true); len(fs) != 1 || fs[0].State != store.FlagDone {
		t.Errorf("flags after done and sync = %+v; want the one flag, done", fs)
	}
	assertUnseen(t, srv.addr, "INBOX")
}
