package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// textMsg is msg with a body, author and subject.
func textMsg(id string, minutes int, subject, from, body string, parents ...string) Incoming {
	in := msg(id, minutes, parents...)
	in.Msg.Subject, in.Msg.Text, in.Msg.TextSource = subject, body, "text/plain"
	in.Msg.From.Name, in.Msg.From.Addr = from, strings.ToLower(strings.ReplaceAll(from, " ", "."))+"@school.example"
	return in
}

func searchKeys(t *testing.T, s *Store, q string, opts SearchOptions) []string {
	t.Helper()
	hits, total, err := s.Search(context.Background(), q, opts)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	if total < len(hits) {
		t.Errorf("Search(%q): total %d < %d hits", q, total, len(hits))
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.MessageID)
	}
	slices.Sort(ids)
	return ids
}

func TestSearch(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	batch := []Incoming{
		textMsg("a@x", 0, "TARGET: Year 5 books on resilience", "Jane Smith", "Looking for picture books about resilience for Year 5."),
		textMsg("b@x", 10, "Re: TARGET: Year 5 books on resilience", "Tom Lee", "Try The Café on Rue Resilient, a lovely story.", "a@x"),
		textMsg("c@x", 20, "ClickView Gallipoli programme", "Ann Jones", "Does anyone have the ClickView programme on Gallipoli?"),
	}
	batch[2].Loc.Source = "other"
	if _, err := s.AddMessages(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		opts SearchOptions
		want []string
	}{
		{q: "resilience", want: []string{"a@x", "b@x"}}, // b matches on its subject
		{q: "RESILIENCE picture", want: []string{"a@x"}},
		{q: "cafe", want: []string{"b@x"}},                                            // accents folded
		{q: "resil*", want: []string{"a@x", "b@x"}},                                   // prefix
		{q: `"lovely story"`, want: []string{"b@x"}},                                  // phrase
		{q: `"story lovely"`, want: nil},                                              // phrase order matters
		{q: "from:jones", want: []string{"c@x"}},                                      // author only
		{q: "from:gallipoli", want: nil},                                              // not in any author
		{q: "subject:clickview", want: []string{"c@x"}},                               // subject only
		{q: "gallipoli", opts: SearchOptions{Sources: []string{"school"}}, want: nil}, // not this reader's mailbox
		{q: "gallipoli", opts: SearchOptions{Sources: []string{"school", "other"}}, want: []string{"c@x"}},
		// Hostile or odd input is never a syntax error.
		{q: `"unbalanced`, want: nil},
		{q: `AND OR NOT - * ( ) NEAR/3 ^ :`, want: nil},
		{q: `resilience OR gallipoli`, want: nil}, // OR is a word here, and no message has all three
		{q: "", want: nil},
	} {
		if got := searchKeys(t, s, tc.q, tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q, %v) = %v; want %v", tc.q, tc.opts.Sources, got, tc.want)
		}
	}

	hits, _, err := s.Search(ctx, "gallipoli", SearchOptions{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search(gallipoli) = %v, %v", hits, err)
	}
	if h := hits[0]; !strings.Contains(h.Snippet, MatchStart+"Gallipoli"+MatchEnd) || h.ThreadKey == "" || h.FromName != "Ann Jones" {
		t.Errorf("hit = %+v; want the match marked in the snippet, its thread and author", h)
	}

	// The index follows updates of the text (reindex rewrites body_text in place).
	if _, err := s.DB().Exec(`UPDATE messages SET body_text = 'Now about Anzac Day' WHERE message_id = 'c@x'`); err != nil {
		t.Fatal(err)
	}
	if got := searchKeys(t, s, "anzac", SearchOptions{}); !slices.Equal(got, []string{"c@x"}) {
		t.Errorf("after update, anzac finds %v", got)
	}
	if got := searchKeys(t, s, "programme", SearchOptions{}); !slices.Equal(got, []string{"c@x"}) {
		t.Errorf("after update, the subject still finds %v", got) // subject unchanged
	}
	if got := searchKeys(t, s, "does anyone", SearchOptions{}); got != nil {
		t.Errorf("after update, old text still finds %v", got)
	}
}

func TestFTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		"year 5 books":         `"year" "5" "books"`,
		`"year 5" books`:       `"year 5" "books"`,
		"resil*":               `"resil*"`,
		"from:Jane":            `author:Jane`,
		`from:"jane smith"`:    `author:jane author:smith`,
		"Subject:HIT":          `subject:HIT`,
		`a"b`:                  `"a b"`,
		"-x +y (z)":            `"x" "y" "z"`,
		"***":                  "",
		"from:":                `"from"`,
		"from:OR":              `author:or`,
		"from:o'brien*":        `author:o author:brien*`,
		"élève O'Brien":        `"élève" "O Brien"`,
		"NEAR/3 resilience":    `"NEAR 3" "resilience"`,
		"school:library books": `"school library" "books"`,
	} {
		if got := FTSQuery(in); got != want {
			t.Errorf("FTSQuery(%q) = %s; want %s", in, got, want)
		}
	}
}

func TestReadMarks(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.AddMessages(ctx, []Incoming{msg("a@x", 0), msg("b@x", 10, "a@x")}, nil); err != nil {
		t.Fatal(err)
	}
	unread := func(who string) bool {
		t.Helper()
		d, err := s.ThreadDetail(ctx, who, "a@x")
		if err != nil {
			t.Fatal(err)
		}
		return d.Unread()
	}
	if !unread("jane@x") {
		t.Fatal("a new thread is read")
	}
	if err := s.MarkRead(ctx, "Jane@X", "b@x"); err != nil {
		t.Fatal(err)
	}
	if unread("jane@x") {
		t.Error("thread unread after MarkRead")
	}
	if !unread("tom@x") {
		t.Error("one reader's mark counts for another")
	}
	key := ThreadKey("a@x")
	if m, err := s.ReadUpto(ctx, "jane@x", []string{key, "nope"}); err != nil || !m[key].Equal(base.Add(10*time.Minute)) || len(m) != 1 {
		t.Errorf("ReadUpto = %v, %v; want %s up to the last reply", m, err, key)
	}
	// A reply after the mark makes the thread unread again.
	if _, err := s.AddMessages(ctx, []Incoming{msg("c@x", 20, "a@x", "b@x")}, nil); err != nil {
		t.Fatal(err)
	}
	if !unread("jane@x") {
		t.Error("a new reply did not make the thread unread")
	}
	if err := s.MarkRead(ctx, "jane@x", key); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUnread(ctx, "jane@x", key); err != nil {
		t.Fatal(err)
	}
	if !unread("jane@x") {
		t.Error("thread read after MarkUnread")
	}
	if err := s.MarkRead(ctx, "jane@x", "nosuch"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkRead(unknown) = %v; want ErrNotFound", err)
	}
}

func TestThreadDetail(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	batch := []Incoming{
		textMsg("t@x", 0, "TARGET: Year 5 books on resilience", "Jane Smith", "Looking for books."),
		textMsg("r@x", 30, "Re: TARGET: Year 5 books on resilience", "Tom Lee", "Try these.", "t@x"),
		textMsg("h@x", 60*24, "HIT: Year 5 books on resilience", "Jane Smith", "Thanks all, here is the list."),
	}
	batch[1].Loc.Source = "other"
	if _, err := s.AddMessages(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFlag(ctx, "jane@x", "r@x", FlagOptions{Note: ptr("ask Tom")}); err != nil {
		t.Fatal(err)
	}
	d, err := s.ThreadDetail(ctx, "JANE@x", "<r@x>")
	if err != nil {
		t.Fatal(err)
	}
	if d.Key != ThreadKey("t@x") || len(d.Messages) != 2 || d.Messages[0].MessageID != "t@x" || d.Messages[1].FromName != "Tom Lee" {
		t.Fatalf("detail = %+v; want the request and its reply, in order", d)
	}
	if d.FlagState != "open" || d.FlagNote != "ask Tom" || d.Keyword != "TARGET" {
		t.Errorf("flag %q %q keyword %q; want open, the note, TARGET", d.FlagState, d.FlagNote, d.Keyword)
	}
	if len(d.AnsweredBy) != 1 || d.AnsweredBy[0].Key != ThreadKey("h@x") {
		t.Errorf("AnsweredBy = %v; want the HIT", d.AnsweredBy)
	}
	if got := d.Sources(); !slices.Equal(got, []string{"school", "other"}) {
		t.Errorf("Sources = %v", got)
	}
	hit, err := s.ThreadDetail(ctx, "tom@x", "h@x")
	if err != nil || hit.Answers == nil || hit.Answers.Key != d.Key || hit.FlagState != "" {
		t.Errorf("HIT detail = %+v, %v; want it to answer the request, unflagged for Tom", hit, err)
	}
	if _, err := s.ThreadDetail(ctx, "", "missing@x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ThreadDetail(missing) = %v; want ErrNotFound", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDigestBodyKeptAsSent(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	slot := base.Add(24 * time.Hour)
	rec, _, err := s.ClaimDigest(ctx, "Jane@X", slot, base, slot)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DigestBody(ctx, rec.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DigestBody before sending = %v; want ErrNotFound", err)
	}
	for _, body := range []string{"first attempt", "Subject: digest\r\n\r\nas sent\r\n"} {
		if err := s.UpdateDigest(ctx, rec.ID, DigestUpdate{State: DigestSending, Subject: "digest", Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.UpdateDigest(ctx, rec.ID, DigestUpdate{State: DigestSent}); err != nil {
		t.Fatal(err)
	}
	got, err := s.DigestBody(ctx, rec.ID)
	if err != nil || string(got) != "Subject: digest\r\n\r\nas sent\r\n" {
		t.Errorf("DigestBody = %q, %v; want the last attempt's message, kept by later updates", got, err)
	}
	ds, err := s.Digests(ctx, "jane@x", 10)
	if err != nil || len(ds) != 1 || ds[0].ID != rec.ID || ds[0].State != DigestSent {
		t.Errorf("Digests(jane) = %+v, %v", ds, err)
	}
	if ds, _ := s.Digests(ctx, "tom@x", 10); len(ds) != 0 {
		t.Errorf("Digests(tom) = %+v; want none of Jane's", ds)
	}
	if _, err := s.Digest(ctx, rec.ID+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Digest(missing) = %v; want ErrNotFound", err)
	}
}

func TestSearchIndexedInChunksBehindTheWrites(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.AddMessages(ctx, []Incoming{msg("a@x", 0), msg("b@x", 1), msg("c@x", 2)}, nil); err != nil {
		t.Fatal(err)
	}
	var indexed int
	s.DB().QueryRow(`SELECT COUNT(*) FROM message_search WHERE message_search MATCH 'subject'`).Scan(&indexed)
	if indexed != 0 {
		t.Fatalf("%d messages indexed by the write itself; want the indexer to do it", indexed)
	}
	assertIntegrity(t, s) // stored but not yet indexed is not a damaged index
	for _, want := range []int{2, 1, 0} {
		if n, err := s.IndexSearch(ctx, 2); err != nil || n != want {
			t.Fatalf("IndexSearch = %d, %v; want %d", n, err, want)
		}
		assertIntegrity(t, s)
	}
	// Reindexing rewrites indexed rows' text through the triggers; the index stays whole.
	if _, err := s.DB().Exec(`UPDATE messages SET body_text = body_text || ' appended' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if got := searchKeys(t, s, "appended", SearchOptions{}); !slices.Equal(got, []string{"a@x"}) {
		t.Errorf("search for rewritten text = %v", got)
	}
	assertIntegrity(t, s)
	// A message stored after the indexer ran is still found: Search catches up first.
	if _, err := s.AddMessages(ctx, []Incoming{msg("d@x", 3)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := searchKeys(t, s, "subject", SearchOptions{}); !slices.Equal(got, []string{"a@x", "b@x", "c@x", "d@x"}) {
		t.Errorf("search after catching up = %v", got)
	}
}

// assertIntegrity runs the check an operator runs after a crash or a restore; since SQLite
// 3.44 it includes the FTS index against its content.
func assertIntegrity(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.DB().Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		rows.Scan(&line)
		if line != "ok" {
			t.Errorf("integrity_check: %s", line)
		}
	}
}
