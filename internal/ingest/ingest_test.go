package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"listdigest/internal/archive"
	"listdigest/internal/mailparse"
	"listdigest/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func post(i int, list string) []byte {
	listHeader := ""
	if list != "" {
		listHeader = "List-Id: <" + list + ">\r\n"
	}
	return []byte(fmt.Sprintf("From: A <a%d@school.example>\r\n%sSubject: GEN: post %d\r\nMessage-ID: <p%d@school.example>\r\n"+
		"Date: Tue, 3 Mar 2026 10:00:00 +1100\r\n\r\nbody %d\r\n", i, listHeader, i, i, i))
}

// run feeds batches through a pipeline and returns its stats.
func run(t *testing.T, p *Pipeline, batches ...Batch) (Stats, error) {
	t.Helper()
	in := make(chan Batch)
	go func() {
		defer close(in)
		for _, b := range batches {
			in <- b
		}
	}()
	return p.Run(context.Background(), in)
}

func TestRunKeepsConfiguredLists(t *testing.T) {
	st := openStore(t)
	p := &Pipeline{Store: st, Keep: KeepLists([]string{"lm_net*"}), Workers: 3}
	var items []Raw
	for i, list := range []string{"lm_net.listserv.syr.edu", "oztl_net.lists.example.edu.au", "", "LM_NET.listserv.syr.edu"} {
		items = append(items, Raw{Data: post(i, list), Loc: store.Location{Source: "m", Folder: "INBOX", UID: uint32(i + 1)}})
	}
	cp := &store.Checkpoint{Mailbox: "m", Folder: "INBOX", UIDValidity: 1, LastUID: 4}
	stats, err := run(t, p, Batch{Items: items, Checkpoint: cp})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Seen != 4 || stats.Added != 2 || stats.Skipped != 2 {
		t.Errorf("stats = %+v; want 4 seen, 2 added (both LM_NET), 2 skipped", stats)
	}
	// The checkpoint covers the skipped messages too: they are not fetched again.
	if got, _ := st.Checkpoint(context.Background(), "m", "INBOX"); got.LastUID != 4 {
		t.Errorf("checkpoint last_uid = %d; want 4", got.LastUID)
	}
}

func TestKeepLists(t *testing.T) {
	list := &mailparse.Message{List: mailparse.ListIdentity{ID: "aisle.lists.example.org", Name: "aisle"}}
	private := &mailparse.Message{}
	tests := []struct {
		name     string
		patterns []string
		m        *mailparse.Message
		err      error
		want     bool
	}{
		{"any list by default", nil, list, nil, true},
		{"private mail dropped", nil, private, nil, false},
		{"unreadable mail of unknown origin kept", nil, private, errors.New("broken"), true},
		{"pattern matches", []string{"aisle*"}, list, nil, true},
		{"pattern does not match", []string{"lm_net*"}, list, nil, false},
	}
	for _, tt := range tests {
		if got := KeepLists(tt.patterns)(tt.m, tt.err); got != tt.want {
			t.Errorf("%s: KeepLists(%v) = %v; want %v", tt.name, tt.patterns, got, tt.want)
		}
	}
}

func TestRunStopsOnStoreErrorWithoutBlockingSender(t *testing.T) {
	st := openStore(t)
	p := &Pipeline{Store: st}
	st.Close() // every write now fails
	var batches []Batch
	for i := 0; i < 5; i++ {
		batches = append(batches, Batch{Items: []Raw{{Data: post(i, "x.example")}}})
	}
	done := make(chan error, 1)
	go func() { _, err := run(t, p, batches...); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Run on a closed store succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run blocked after a store error")
	}
}

func TestRunOrderAndCheckpoints(t *testing.T) {
	st := openStore(t)
	p := &Pipeline{Store: st, Workers: 2}
	var batches []Batch
	for b := 0; b < 10; b++ {
		var items []Raw
		for i := b * 10; i < b*10+10; i++ {
			items = append(items, Raw{Data: post(i, "lm_net.listserv.syr.edu"), Loc: store.Location{Source: "m", Folder: "F", UID: uint32(i + 1)}})
		}
		batches = append(batches, Batch{Items: items, Checkpoint: &store.Checkpoint{Mailbox: "m", Folder: "F", UIDValidity: 9, LastUID: uint32(b*10 + 10)}})
	}
	stats, err := run(t, p, batches...)
	if err != nil || stats.Added != 100 {
		t.Fatalf("Run = %+v, %v; want 100 added", stats, err)
	}
	if cp, _ := st.Checkpoint(context.Background(), "m", "F"); cp.LastUID != 100 {
		t.Errorf("checkpoint = %d; want 100", cp.LastUID)
	}
	// Rows were written in arrival order, batch after batch.
	rows, err := st.DB().Query(`SELECT m.message_id, l.uid FROM messages m JOIN locations l ON l.message_id = m.id ORDER BY m.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := uint32(1)
	for rows.Next() {
		var id string
		var uid uint32
		rows.Scan(&id, &uid)
		if uid != want {
			t.Fatalf("row %d has uid %d; messages were stored out of order", want, uid)
		}
		want++
	}
}

// TestCorporaEveryMessageStored pushes the real third-party corpora through the archive readers
// and the pipeline: every message read must end up stored (new or a duplicate), none dropped.
func TestCorporaEveryMessageStored(t *testing.T) {
	root := os.Getenv("LISTDIGEST_CORPORA")
	if root == "" {
		root = "../../../shared/corpora"
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpora not found at %s (set LISTDIGEST_CORPORA): %v", root, err)
	}
	for _, name := range []string{"stalwart-mail-parser", "ruby-mail-fixtures", "cpython-test_email", "patchwork-mbox",
		"hyperkitty-testdata", "perceval-mbox", "notmuch", "mailbox-perl-imagemagick-2000", "perl-mail-thread-jwz"} {
		t.Run(name, func(t *testing.T) {
			r, err := archive.Open(filepath.Join(root, name))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			st := openStore(t)
			p := &Pipeline{Store: st}
			in := make(chan Batch)
			read := 0
			go func() {
				defer close(in)
				var b Batch
				for {
					it, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						continue // not mail (READMEs, JSON expectations): the archive reader says so
					}
					read++
					b.Items = append(b.Items, Raw{Data: it.Raw, Arrival: it.Arrival, Loc: store.Location{Source: "import", Path: it.Location}})
					if len(b.Items) == 100 {
						in <- b
						b = Batch{}
					}
				}
				in <- b
			}()
			stats, err := p.Run(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Seen != read || stats.Added+stats.Duplicates != read || stats.Skipped != 0 {
				t.Errorf("read %d, pipeline %+v: every message read must be stored", read, stats)
			}
			var locs int
			st.DB().QueryRow(`SELECT COUNT(*) FROM locations`).Scan(&locs)
			if locs != read {
				t.Errorf("%d locations for %d messages read", locs, read)
			}
			t.Logf("%s: %d messages read, %d stored, %d duplicates, %d with parse errors", name, read, stats.Added, stats.Duplicates, stats.Errors)
		})
	}
}

// TestRunFinishesBatchInHandOnShutdown: a stop that comes while a batch is being parsed still
// commits that batch with its checkpoint, and takes no further batch.
func TestRunFinishesBatchInHandOnShutdown(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &Pipeline{Store: st, Workers: 1, Keep: func(m *mailparse.Message, err error) bool {
		if m.Subject == "GEN: post 3" {
			cancel() // the signal arrives mid-batch
		}
		return true
	}}
	in := make(chan Batch)
	go func() {
		defer close(in)
		for b := 0; b < 3; b++ {
			var items []Raw
			for i := b * 5; i < b*5+5; i++ {
				items = append(items, Raw{Data: post(i, "lm_net.listserv.syr.edu"), Loc: store.Location{Source: "m", Folder: "F", UID: uint32(i + 1)}})
			}
			in <- Batch{Items: items, Checkpoint: &store.Checkpoint{Mailbox: "m", Folder: "F", UIDValidity: 9, LastUID: uint32(b*5 + 5)}}
		}
	}()
	stats, err := p.Run(ctx, in)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v; want context.Canceled", err)
	}
	if stats.Added != 5 {
		t.Errorf("added %d; want the 5 of the batch in hand", stats.Added)
	}
	if cp, _ := st.Checkpoint(context.Background(), "m", "F"); cp.LastUID != 5 {
		t.Errorf("checkpoint = %d; want 5 (the batch in hand, committed)", cp.LastUID)
	}
}
