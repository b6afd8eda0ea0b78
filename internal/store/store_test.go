package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"listdigest/internal/mailparse"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "test.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var base = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

// msg builds an Incoming for a message with the given id, parents and minutes after base.
func msg(id string, minutes int, parents ...string) Incoming {
	m := &mailparse.Message{
		MessageID: id,
		Subject:   "subject of " + id,
		Date:      base.Add(time.Duration(minutes) * time.Minute),
		List:      mailparse.ListIdentity{ID: "lm_net.listserv.syr.edu"},
	}
	if len(parents) > 0 {
		m.InReplyTo = parents[len(parents)-1:]
		m.References = parents
	}
	raw := fmt.Sprintf("Message-ID: <%s>\r\nSubject: %s\r\n\r\nbody of %s\r\n", id, m.Subject, id)
	return Incoming{Msg: m, Raw: []byte(raw), Loc: Location{Source: "school", Folder: "INBOX", UIDValidity: 7, UID: uint32(minutes + 1)}}
}

func threadsOf(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	err := s.ListThreads(context.Background(), ThreadOptions{}, func(th Thread) error {
		got[th.ID] = th.MessageIDs
		return nil
	})
	if err != nil {
		t.Fatalf("ListThreads: %v", err)
	}
	return got
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	s := openTemp(t)
	for _, p := range []string{s.Path(), filepath.Dir(s.Path())} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("mode of %s = %v; want %v", p, fi.Mode().Perm(), want)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open(newer schema) = %v; want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the database file", err)
	}
}

func TestAddMessagesDeduplicatesAndRecordsLocations(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := msg("a@x", 0)
	res, err := s.AddMessages(ctx, []Incoming{a}, nil)
	if err != nil || res.Added != 1 {
		t.Fatalf("AddMessages = %+v, %v; want 1 added", res, err)
	}
	// The same message cross-posted to a second list, seen in another folder.
	b := msg("a@x", 0)
	b.Msg.List.ID = "oztl_net.lists.example.edu.au"
	b.Loc.Folder = "Lists/OZTL"
	res, err = s.AddMessages(ctx, []Incoming{b, b}, nil)
	if err != nil || res.Added != 0 || res.Duplicates != 2 {
		t.Fatalf("AddMessages(copy) = %+v, %v; want 2 duplicates", res, err)
	}
	var n int
	s.DB().QueryRow(`SELECT COUNT(*) FROM locations`).Scan(&n)
	if n != 2 {
		t.Errorf("locations = %d; want 2", n)
	}
	var th Thread
	s.ListThreads(ctx, ThreadOptions{}, func(x Thread) error { th = x; return nil })
	if got := strings.Join(th.ListIDs, ","); got != "lm_net.listserv.syr.edu,oztl_net.lists.example.edu.au" {
		t.Errorf("list_ids = %s; want both lists", got)
	}
	if th.MessageIDs[0] != "<a@x>" {
		t.Errorf("message_ids[0] = %s; want <a@x>", th.MessageIDs[0])
	}
}

func TestRawRoundTrip(t *testing.T) {
	s := openTemp(t)
	in := msg("raw@x", 0)
	in.Raw = []byte(strings.Repeat("Subject: long line of list mail\r\n", 1000))
	if _, err := s.AddMessages(context.Background(), []Incoming{in}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Raw(context.Background(), 1)
	if err != nil || string(got) != string(in.Raw) {
		t.Fatalf("Raw = %d bytes, %v; want the %d bytes stored", len(got), err, len(in.Raw))
	}
	if _, err := s.Raw(context.Background(), 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("Raw(99) = %v; want ErrNotFound", err)
	}
}

func TestThreading(t *testing.T) {
	tests := []struct {
		name string
		msgs []Incoming
		want [][]string // groups of message ids, each in date order
	}{
		{"reply joins parent", []Incoming{msg("p", 0), msg("r", 5, "p")}, [][]string{{"p", "r"}}},
		{"reply before parent", []Incoming{msg("r", 5, "p"), msg("p", 0)}, [][]string{{"p", "r"}}},
		{"siblings under a missing parent", []Incoming{msg("r1", 5, "gone"), msg("r2", 6, "gone")}, [][]string{{"r1", "r2"}}},
		{"bridge merges two threads", []Incoming{msg("a", 0), msg("b", 1), msg("c", 2, "a", "b")}, [][]string{{"a", "b", "c"}}},
		{"loop does not hang", []Incoming{msg("x", 0, "y"), msg("y", 1, "x")}, [][]string{{"x", "y"}}},
		{"unrelated stay apart", []Incoming{msg("a", 0), msg("b", 1)}, [][]string{{"a"}, {"b"}}},
		{"deep chain", []Incoming{msg("a", 0), msg("b", 1, "a"), msg("c", 2, "a", "b"), msg("d", 3, "a", "b", "c")}, [][]string{{"a", "b", "c", "d"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			// One message per batch, as arrival order matters.
			for _, m := range tt.msgs {
				if _, err := s.AddMessages(context.Background(), []Incoming{m}, nil); err != nil {
					t.Fatal(err)
				}
			}
			got := threadsOf(t, s)
			if len(got) != len(tt.want) {
				t.Fatalf("threads = %v; want %v", got, tt.want)
			}
			for _, group := range tt.want {
				// A thread keeps the key of the message that created it: the first to arrive.
				key := ""
				for _, m := range tt.msgs {
					if slices.Contains(group, m.Msg.MessageID) {
						key = ThreadKey(m.Msg.MessageID)
						break
					}
				}
				var want []string
				for _, id := range group {
					want = append(want, "<"+id+">")
				}
				if strings.Join(got[key], " ") != strings.Join(want, " ") {
					t.Errorf("thread %s = %v; want %v", key, got[key], want)
				}
			}
		})
	}
}

func TestCheckpointCommittedWithMessages(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	cp := Checkpoint{Mailbox: "school", Folder: "INBOX", UIDValidity: 7, LastUID: 2}
	if _, err := s.AddMessages(ctx, []Incoming{msg("a", 0), msg("b", 1)}, &cp); err != nil {
		t.Fatal(err)
	}
	got, err := s.Checkpoint(ctx, "school", "INBOX")
	if err != nil || got != cp {
		t.Fatalf("Checkpoint = %+v, %v; want %+v", got, err, cp)
	}
	// A batch that fails must leave neither messages nor checkpoint behind.
	bad := msg("c", 2)
	bad.Loc.Source = "school"
	cp2 := cp
	cp2.LastUID = 3
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.AddMessages(canceled, []Incoming{bad}, &cp2); err == nil {
		t.Fatal("AddMessages with a canceled context succeeded")
	}
	got, _ = s.Checkpoint(ctx, "school", "INBOX")
	c, _ := s.Count(ctx)
	if got.LastUID != 2 || c.Messages != 2 {
		t.Errorf("after failed batch: last_uid %d, %d messages; want 2 and 2", got.LastUID, c.Messages)
	}
}

func TestParseErrorsAreStoredAndListed(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	bad := msg("bad", 0)
	bad.ParseErr = errors.New(`part 2: unknown transfer encoding "x-uue"`)
	if _, err := s.AddMessages(ctx, []Incoming{msg("good", 1), bad}, nil); err != nil {
		t.Fatal(err)
	}
	var got []MessageSummary
	s.ListMessages(ctx, MessageOptions{ErrorsOnly: true}, func(m MessageSummary) error { got = append(got, m); return nil })
	if len(got) != 1 || got[0].MessageID != "bad" || !strings.Contains(got[0].ParseError, "x-uue") {
		t.Fatalf("ListMessages(errors) = %+v; want the one bad message with its error", got)
	}
	if len(got[0].Locations) != 1 || got[0].Locations[0] != "school:INBOX:7:1" {
		t.Errorf("locations = %v", got[0].Locations)
	}
}

func TestReindexRebuildsFromRaw(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	// Stored first as three unrelated messages; a better parser finds the references.
	var batch []Incoming
	for i, id := range []string{"a", "b", "c"} {
		batch = append(batch, msg(id, i))
	}
	s.AddMessages(ctx, batch, nil)
	note := "want the HIT"
	if err := s.SetFlag(ctx, "", "<b>", FlagOptions{Note: &note}); err != nil {
		t.Fatal(err)
	}
	parse := func(raw []byte, arrival time.Time) (*mailparse.Message, error) {
		id := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(string(raw), "\r\n", 2)[0], "Message-ID: <"), ">")
		m := &mailparse.Message{MessageID: id, Subject: "re-parsed " + id, Date: base}
		if id != "a" {
			m.InReplyTo = []string{"a"}
		}
		return m, nil
	}
	var last int64
	if err := s.Reindex(ctx, parse, func(done, total int64) { last = done }); err != nil {
		t.Fatal(err)
	}
	if last != 3 {
		t.Errorf("progress ended at %d; want 3", last)
	}
	got := threadsOf(t, s)
	if len(got) != 1 {
		t.Fatalf("threads after reindex = %v; want one", got)
	}
	var th Thread
	s.ListThreads(ctx, ThreadOptions{}, func(x Thread) error { th = x; return nil })
	if !th.Flagged || th.FlagNote != "want the HIT" || th.Subject != "re-parsed a" {
		t.Errorf("thread = %+v; want flagged, subject from reparse", th)
	}
}

func TestInMemory(t *testing.T) {
	s, err := Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddMessages(context.Background(), []Incoming{msg("m", 0)}, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Count(context.Background()); c.Messages != 1 || c.Threads != 1 {
		t.Errorf("Count = %+v; want 1 message, 1 thread", c)
	}
}

func TestDifferingCopyKeptAsVariant(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := msg("x@y", 0)
	same := msg("x@y", 0)
	same.Loc.UID = 50
	other := msg("x@y", 0)
	other.Loc.Folder = "Lists/OZTL"
	other.Raw = append(other.Raw, []byte("-- \r\nOZTL_NET mailing list footer\r\n")...)
	if _, err := s.AddMessages(ctx, []Incoming{a, same, other}, nil); err != nil {
		t.Fatal(err)
	}
	var variants int
	var data []byte
	s.DB().QueryRow(`SELECT COUNT(*), MAX(data) FROM raw_variants`).Scan(&variants, &data)
	if variants != 1 {
		t.Fatalf("raw_variants = %d; want 1 (only the copy whose bytes differ)", variants)
	}
	got, err := unpack("zstd", data)
	if err != nil || string(got) != string(other.Raw) {
		t.Errorf("variant = %q, %v; want the differing copy's bytes", got, err)
	}
}

func TestMergedThreadKeepsOldIDAsAlias(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, m := range []Incoming{msg("a", 0), msg("b", 1), msg("c", 2, "a", "b")} {
		if _, err := s.AddMessages(ctx, []Incoming{m}, nil); err != nil {
			t.Fatal(err)
		}
	}
	ta, err1 := s.ResolveThread(ctx, ThreadKey("a"))
	tb, err2 := s.ResolveThread(ctx, ThreadKey("b"))
	if err1 != nil || err2 != nil || ta != tb {
		t.Errorf("ResolveThread(a) = %d, %v; ResolveThread(b) = %d, %v; want the same merged thread", ta, err1, tb, err2)
	}
}
