package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"listdigest/internal/mailparse"
)

// This file holds what the web UI reads beyond the digest: a thread with all its messages,
// read marks and full-text search.

// ThreadRef names another thread (a HIT's request, a request's HITs).
type ThreadRef struct {
	Key, Subject string
}

// StoredMessage is one message as the thread page shows it.
type StoredMessage struct {
	ID                          int64
	MessageID                   string // without angle brackets
	Subject, FromName, FromAddr string
	Date                        time.Time
	ListID, ListName            string
	// Text is the readable body (list footer removed); TextSource says where it came from
	// ("text/plain", "text/html" or "" when the message has no text).
	Text, TextSource string
	Parts            []mailparse.Part
	Size             int
	Truncated        bool
	Notes            []string
	// ParseError is set when the message could not be parsed; it is stored all the same.
	ParseError string
	Noise      bool
	// Sources are where copies of the message were seen (mailbox names, or "import").
	Sources []string
}

// ThreadDetail is a thread with every message in it, oldest first.
type ThreadDetail struct {
	Key, Subject, Category, Keyword string
	// CategoryManual is set when a reader chose the category.
	CategoryManual  bool
	FirstAt, LastAt time.Time
	// Flag state for the recipient asked about: FlagState is "", "open" or "done".
	FlagState, FlagNote string
	RemindAt            *time.Time
	// ReadUpto is the thread's last activity when the recipient marked it read (zero if never);
	// the thread is unread when LastAt is after it.
	ReadUpto   time.Time
	Answers    *ThreadRef
	AnsweredBy []ThreadRef
	Messages   []StoredMessage
}

// Sources returns the distinct mailboxes the thread's messages were seen in.
func (t ThreadDetail) Sources() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range t.Messages {
		for _, s := range m.Sources {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// Unread reports whether the thread has activity after the recipient last marked it read.
func (t ThreadDetail) Unread() bool { return t.LastAt.After(t.ReadUpto) }

// ThreadDetail returns a thread and its messages as recipient sees it. ref is anything
// ResolveRef takes.
func (s *Store) ThreadDetail(ctx context.Context, recipient, ref string) (ThreadDetail, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	recipient = strings.ToLower(recipient)
	tid, err := s.ResolveRef(ctx, ref)
	if err != nil {
		return ThreadDetail{}, err
	}
	var t ThreadDetail
	var first, last int64
	var readUpto, remind sql.NullInt64
	var answersKey, answersSubject sql.NullString
	err = s.db.QueryRowContext(ctx, `
		WITH myflags AS (SELECT f.state, f.note, f.remind_at, f.updated_at FROM flags f
			JOIN messages fm ON fm.message_id = f.anchor WHERE f.recipient = ?2 AND fm.thread_id = ?1
			ORDER BY f.state = 'open' DESC, f.updated_at DESC LIMIT 1)
		SELECT t.key, t.subject, COALESCE(t.category, ''), t.keyword, t.category_manual, t.first_at, t.last_at,
			COALESCE((SELECT state FROM myflags), ''), COALESCE((SELECT note FROM myflags), ''), (SELECT remind_at FROM myflags),
			(SELECT MAX(r.read_upto) FROM reads r JOIN messages rm ON rm.message_id = r.anchor
				WHERE r.recipient = ?2 AND rm.thread_id = ?1),
			(SELECT x.key FROM thread_links k JOIN threads x ON x.id = k.target_thread WHERE k.hit_thread = ?1),
			(SELECT x.subject FROM thread_links k JOIN threads x ON x.id = k.target_thread WHERE k.hit_thread = ?1)
		FROM threads t WHERE t.id = ?1`, tid, recipient).Scan(&t.Key, &t.Subject, &t.Category, &t.Keyword, &t.CategoryManual,
		&first, &last, &t.FlagState, &t.FlagNote, &remind, &readUpto, &answersKey, &answersSubject)
	if errors.Is(err, sql.ErrNoRows) {
		return ThreadDetail{}, fmt.Errorf("thread %s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return ThreadDetail{}, fmt.Errorf("thread %s: %w", ref, err)
	}
	t.FirstAt, t.LastAt = unix(first), unix(last)
	if readUpto.Valid {
		t.ReadUpto = unix(readUpto.Int64)
	}
	if remind.Valid {
		r := unix(remind.Int64)
		t.RemindAt = &r
	}
	if answersKey.Valid {
		t.Answers = &ThreadRef{Key: answersKey.String, Subject: answersSubject.String}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT x.key, x.subject FROM thread_links k JOIN threads x ON x.id = k.hit_thread
		WHERE k.target_thread = ? ORDER BY x.first_at, x.key`, tid)
	if err != nil {
		return ThreadDetail{}, fmt.Errorf("thread %s: %w", ref, err)
	}
	for rows.Next() {
		var r ThreadRef
		if err := rows.Scan(&r.Key, &r.Subject); err != nil {
			rows.Close()
			return ThreadDetail{}, err
		}
		t.AnsweredBy = append(t.AnsweredBy, r)
	}
	rows.Close()
	if t.Messages, err = s.threadMessages(ctx, tid); err != nil {
		return ThreadDetail{}, fmt.Errorf("thread %s: %w", ref, err)
	}
	return t, nil
}

func (s *Store) threadMessages(ctx context.Context, tid int64) ([]StoredMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.message_id, m.subject, m.from_name, m.from_addr, m.date, m.list_id,
			m.list_name, m.body_text, m.text_source, m.parts, m.size, m.truncated, m.notes, COALESCE(m.parse_error, ''), m.noise,
			(SELECT group_concat(DISTINCT l.source) FROM locations l WHERE l.message_id = m.id)
		FROM messages m WHERE m.thread_id = ? ORDER BY m.date, m.id`, tid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredMessage
	for rows.Next() {
		var m StoredMessage
		var date int64
		var parts, notes string
		var sources sql.NullString
		if err := rows.Scan(&m.ID, &m.MessageID, &m.Subject, &m.FromName, &m.FromAddr, &date, &m.ListID, &m.ListName,
			&m.Text, &m.TextSource, &parts, &m.Size, &m.Truncated, &notes, &m.ParseError, &m.Noise, &sources); err != nil {
			return nil, err
		}
		m.Date = unix(date)
		// Both columns are written by this package from Go values; a bad one is reported, not fatal.
		if err := json.Unmarshal([]byte(parts), &m.Parts); err != nil {
			m.Notes = append(m.Notes, "stored part list unreadable: "+err.Error())
		}
		var ns []string
		if err := json.Unmarshal([]byte(notes), &ns); err == nil {
			m.Notes = append(ns, m.Notes...)
		}
		if sources.String != "" {
			m.Sources = strings.Split(sources.String, ",")
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkRead marks a thread read for recipient up to its current last activity.
func (s *Store) MarkRead(ctx context.Context, recipient, ref string) error {
	return s.changeRead(ctx, recipient, ref, true)
}

// MarkUnread removes the recipient's read mark from a thread.
func (s *Store) MarkUnread(ctx context.Context, recipient, ref string) error {
	return s.changeRead(ctx, recipient, ref, false)
}

func (s *Store) changeRead(ctx context.Context, recipient, ref string, read bool) error {
	recipient = strings.ToLower(recipient)
	tid, err := s.ResolveRef(ctx, ref)
	if err != nil {
		return err
	}
	now := s.Now().UTC().Unix()
	// Any earlier mark in the thread (from before a merge) goes; one mark, on the opening message.
	_, err = s.db.ExecContext(ctx, `DELETE FROM reads WHERE recipient = ?1 AND anchor IN
		(SELECT message_id FROM messages WHERE thread_id = ?2)`, recipient, tid)
	if err == nil && read {
		_, err = s.db.ExecContext(ctx, `INSERT INTO reads (recipient, anchor, read_upto, updated_at)
			SELECT ?1, o.message_id, t.last_at, ?3 FROM threads t JOIN messages o ON o.id = t.opening_id WHERE t.id = ?2`,
			recipient, tid, now)
	}
	if err != nil {
		return fmt.Errorf("mark thread %s read: %w", ref, err)
	}
	return nil
}

// ReadUpto returns, for each of keys that the recipient has marked read, the last activity
// the mark covers.
func (s *Store) ReadUpto(ctx context.Context, recipient string, keys []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(keys) == 0 {
		return out, nil
	}
	args := append([]any{strings.ToLower(recipient)}, idArgs(keys)...)
	rows, err := s.db.QueryContext(ctx, `SELECT t.key, MAX(r.read_upto) FROM reads r
		JOIN messages m ON m.message_id = r.anchor JOIN threads t ON t.id = m.thread_id
		WHERE r.recipient = ? AND t.key IN (`+placeholders(len(keys))+`) GROUP BY t.key`, args...)
	if err != nil {
		return nil, fmt.Errorf("read marks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var upto int64
		if err := rows.Scan(&key, &upto); err != nil {
			return nil, err
		}
		out[key] = unix(upto)
	}
	return out, rows.Err()
}

// IndexSearch adds up to limit messages that are not yet in the search index, oldest first,
// in one transaction, and returns how many it added (0: the index is complete). Chunks keep
// each write short, so a sync waiting for the database is never held up for long.
func (s *Store) IndexSearch(ctx context.Context, limit int) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	defer tx.Rollback()
	var upto int64
	var last sql.NullInt64
	var n int
	err = tx.QueryRowContext(ctx, `SELECT indexed_upto FROM search_progress`).Scan(&upto)
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT MAX(id), COUNT(*) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)`,
			upto, limit).Scan(&last, &n)
	}
	if err != nil || n == 0 {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_search (docid, subject, author, body_text)
		SELECT id, subject, author, body_text FROM messages WHERE id > ? AND id <= ?`, upto, last.Int64); err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_progress SET indexed_upto = ?`, last.Int64); err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	return n, tx.Commit()
}

// searchChunk is how many messages IndexSearch indexes per transaction when catching up:
// about a quarter of a second of work for typical list mail.
const searchChunk = 500

// CatchUpSearch indexes every message not yet in the search index.
func (s *Store) CatchUpSearch(ctx context.Context) error {
	for {
		n, err := s.IndexSearch(ctx, searchChunk)
		if err != nil || n == 0 {
			return err
		}
	}
}

// Snippet markers: Search puts these around matched words in SearchHit.Snippet. They are
// control characters that never survive mail parsing into stored text, so the UI can escape
// the snippet and then turn them into highlighting.
const (
	MatchStart = "\x02"
	MatchEnd   = "\x03"
)

// SearchHit is one message matching a search.
type SearchHit struct {
	ThreadKey, ThreadSubject    string
	MessageID                   string
	Subject, FromName, FromAddr string
	Date                        time.Time
	// Snippet is an excerpt of the body with matches between MatchStart and MatchEnd.
	Snippet string
}

// SearchOptions narrows a search.
type SearchOptions struct {
	// Sources keeps messages seen in these mailboxes; empty keeps all.
	Sources []string
	Limit   int
}

// Search finds messages whose subject, author or text contain every word of query, newest
// first. Words match whole words, case- and accent-insensitively; a word ending in * matches
// as a prefix ("resil*"), "quoted words" match as a phrase, and from: or subject: before a
// word looks only at the author or the subject. Anything else in query is ignored, so no
// input is a syntax error. It returns the hits (at most opts.Limit) and the total count.
func (s *Store) Search(ctx context.Context, query string, opts SearchOptions) ([]SearchHit, int, error) {
	// Mail stored since the indexer last ran is indexed first, so a search never misses it.
	if err := s.CatchUpSearch(ctx); err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	match := FTSQuery(query)
	if match == "" {
		return nil, 0, nil
	}
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	// ?1 is the match, ?2 the limit, ?3... the sources.
	cond := `message_search MATCH ?1`
	args := []any{match, opts.Limit}
	if len(opts.Sources) > 0 {
		nums := make([]string, len(opts.Sources))
		for i, src := range opts.Sources {
			nums[i] = "?" + itoa(i+3)
			args = append(args, src)
		}
		cond += ` AND EXISTS (SELECT 1 FROM locations l WHERE l.message_id = m.id AND l.source IN (` + strings.Join(nums, ", ") + `))`
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM message_search JOIN messages m ON m.id = message_search.docid
		WHERE `+cond+` AND ?2 = ?2`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", query, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(t.key, ''), COALESCE(t.subject, ''), m.message_id, m.subject, m.from_name,
			m.from_addr, m.date, snippet(message_search, '`+MatchStart+`', '`+MatchEnd+`', '…', -1, 24)
		FROM message_search JOIN messages m ON m.id = message_search.docid LEFT JOIN threads t ON t.id = m.thread_id
		WHERE `+cond+` ORDER BY m.date DESC, m.id DESC LIMIT ?2`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", query, err)
	}
	defer rows.Close()
	var out []SearchHit
	for rows.Next() {
		var h SearchHit
		var date int64
		if err := rows.Scan(&h.ThreadKey, &h.ThreadSubject, &h.MessageID, &h.Subject, &h.FromName, &h.FromAddr, &date, &h.Snippet); err != nil {
			return nil, 0, err
		}
		h.Date = unix(date)
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// FTSQuery turns what a reader typed into an FTS4 MATCH expression that cannot be a syntax
// error: every term is quoted, and punctuation, operators and stray quotes are dropped.
// It returns "" when nothing searchable remains.
func FTSQuery(q string) string {
	var terms []string
	for q != "" {
		q = strings.TrimLeftFunc(q, func(r rune) bool { return !isWordRune(r) && r != '"' })
		if q == "" {
			break
		}
		column := ""
		for _, c := range [][2]string{{"from:", "author"}, {"subject:", "subject"}} {
			if len(q) > len(c[0]) && strings.EqualFold(q[:len(c[0])], c[0]) {
				column, q = c[1]+":", q[len(c[0]):]
				break
			}
		}
		var words []string
		if strings.HasPrefix(q, `"`) {
			end := strings.Index(q[1:], `"`)
			phrase := q[1:]
			if end >= 0 {
				phrase, q = q[1:end+1], q[end+2:]
			} else {
				q = ""
			}
			words = wordsOf(phrase)
		} else {
			end := strings.IndexFunc(q, func(r rune) bool { return unicode.IsSpace(r) })
			if end < 0 {
				end = len(q)
			}
			words, q = wordsOf(q[:end]), q[end:]
		}
		if len(words) == 0 {
			continue
		}
		if column != "" {
			// FTS4 takes a column filter only before a bare term, not a quoted phrase, so each
			// word goes bare with the filter: from:"jane smith" means both words in the author.
			// Bare words are letters, digits and a final *: only the operators need care, and
			// they are case-sensitive.
			for _, w := range words {
				if slices.Contains([]string{"AND", "OR", "NOT", "NEAR"}, w) {
					w = strings.ToLower(w)
				}
				terms = append(terms, column+w)
			}
			continue
		}
		terms = append(terms, column+`"`+strings.Join(words, " ")+`"`)
	}
	return strings.Join(terms, " ")
}

// wordsOf splits s into searchable words, keeping a trailing * as a prefix marker.
func wordsOf(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) && r != '*' }) {
		prefix := strings.HasSuffix(f, "*")
		f = strings.Map(func(r rune) rune {
			if isWordRune(r) {
				return r
			}
			return -1
		}, f)
		if f == "" {
			continue
		}
		if prefix {
			f += "*"
		}
		out = append(out, f)
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
