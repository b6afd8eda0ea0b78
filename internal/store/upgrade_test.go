package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestUpgradeFromV1 builds a database with the frozen version-1 schema (testdata/schema_v1.sql,
// never edited), fills it as version 1 did, and opens it: every migration since must apply
// and keep the data usable.
func TestUpgradeFromV1(t *testing.T) {
	schema, err := os.ReadFile("testdata/schema_v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(schema),
		`PRAGMA user_version = 1`,
		`INSERT INTO threads (id, key, subject, first_at, last_at, message_count, flagged) VALUES (1, 'told', 'TARGET-> old', 100, 100, 1, 1)`,
		`INSERT INTO messages (id, message_id, thread_id, subject, date, list_id, created_at) VALUES (1, 'old@x', 1, 'TARGET-> old', 100, 'lm_net.listserv.syr.edu', 100)`,
		`INSERT INTO raw_messages (message_id, compression, sha256, data) VALUES (1, 'none', '', 'Message-ID: <old@x>')`,
		`INSERT INTO locations (message_id, source, folder, uidvalidity, uid, list_id, seen_at) VALUES (1, 'm', 'INBOX', 1, 1, 'lm_net.listserv.syr.edu', 100)`,
		`INSERT INTO sync_state (mailbox, folder, uidvalidity, last_uid) VALUES ('m', 'INBOX', 1, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("v1 setup: %v\n%s", err, q)
		}
	}
	db.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(v1 database): %v", err)
	}
	defer s.Close()
	var version int
	s.DB().QueryRow(`PRAGMA user_version`).Scan(&version)
	if version != SchemaVersion() {
		t.Errorf("user_version = %d; want %d", version, SchemaVersion())
	}
	cp, err := s.Checkpoint(context.Background(), "m", "INBOX")
	if err != nil || cp.LastUID != 1 {
		t.Errorf("checkpoint after upgrade = %+v, %v", cp, err)
	}
	// A reply stored after the upgrade joins the thread stored before it.
	reply := msg("reply@x", 10)
	reply.Msg.InReplyTo = []string{"old@x"}
	reply.Msg.Subject = "Re: TARGET-> old"
	if _, err := s.AddMessages(context.Background(), []Incoming{reply}, nil); err != nil {
		t.Fatal(err)
	}
	// The thread keeps answering to the id it had under version 1, and keeps its flag.
	var th Thread
	tid, err := s.ResolveThread(context.Background(), "told")
	if err != nil {
		t.Fatalf("ResolveThread(told) after upgrade: %v", err)
	}
	var key string
	s.DB().QueryRow(`SELECT key FROM threads WHERE id = ?`, tid).Scan(&key)
	s.ListThreads(context.Background(), ThreadOptions{Key: key}, func(x Thread) error { th = x; return nil })
	if len(th.MessageIDs) != 2 || !th.Flagged || th.Keyword != "TARGET" {
		t.Errorf("thread after upgrade = %+v; want both messages, flagged, keyword TARGET", th)
	}
	// Version 5 indexed the message stored before it, and indexes the one stored after.
	if hits, total, err := s.Search(context.Background(), "old", SearchOptions{}); err != nil || total != 2 || len(hits) != 2 {
		t.Errorf("search after upgrade = %d hits of %d, %v; want both messages", len(hits), total, err)
	}
	raw, err := s.Raw(context.Background(), 1)
	if err != nil || string(raw) != "Message-ID: <old@x>" {
		t.Errorf("raw copy after upgrade = %q, %v", raw, err)
	}
}
