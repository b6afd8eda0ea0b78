package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"listdigest/internal/categorize"
	"listdigest/internal/thread"
)

// maxRefs bounds how many ids of one message take part in threading: a hostile References
// header must not turn one insert into a huge query.
const maxRefs = 200

// hitWindow is how far back a HIT's TARGET is looked for.
const hitWindow = 90 * 24 * time.Hour

// ThreadKey is the public id of a thread created by the message with the given Message-ID.
// It never changes afterwards: a merge keeps the older thread's key and records the other as
// an alias. Rebuilding in date order recreates every thread from its earliest message, so a
// reindex gives the same keys.
func ThreadKey(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return "t" + hex.EncodeToString(sum[:8])
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func itoa(n int) string { return strconv.Itoa(n) }

// placing is one stored message on its way into a thread.
type placing struct {
	id  int64
	msg thread.Message
	in  categorize.Input
	// understood is the categorising done ahead by Understand, or nil.
	understood *understanding
}

// place puts a stored message into a thread as thread.Place decides, merging threads the
// message bridges, then keeps the thread's summary, category, noise marks and HIT link current.
func (w *writer) place(ctx context.Context, p placing) error {
	dec, err := thread.Place(&txIndex{ctx: ctx, w: w}, p.msg)
	if err != nil {
		return fmt.Errorf("thread: %w", err)
	}
	var noise bool
	var noiseWhy string
	if p.understood != nil {
		noise, noiseWhy = p.understood.noise, p.understood.why
	} else {
		noise, noiseWhy = w.cat.Noise(p.in)
	}
	date := p.msg.Date.UTC().Unix()
	var tid int64
	if len(dec.Threads) == 0 {
		if tid, err = w.newThread(ctx, &p, date); err != nil {
			return err
		}
	} else {
		tid = dec.Threads[0]
		for _, t := range dec.Threads[1:] {
			tid = min(tid, t)
		}
	}
	// One write of everything placing decided about the message.
	if _, err := w.exec(ctx, `UPDATE messages SET thread_id = ?, norm_subject = ?, conv_key = ?, thread_method = ?,
		thread_reason = ?, noise = ?, noise_reason = ? WHERE id = ?`,
		tid, thread.NormalizeSubject(p.msg.Subject), thread.ConversationKey(p.msg.ThreadIndex), dec.Method, dec.Reason,
		noise, noiseWhy, p.id); err != nil {
		return err
	}
	if len(dec.Threads) == 0 {
		return w.opened(ctx, tid, &p, date)
	}
	if len(dec.Threads) == 1 {
		var first int64
		if err := w.queryRow(ctx, `SELECT first_at FROM threads WHERE id = ?`, tid).Scan(&first); err != nil {
			return err
		}
		if date >= first {
			// The common case: a later message in a known thread.
			_, err := w.exec(ctx, `UPDATE threads SET message_count = message_count + 1, last_at = MAX(last_at, ?) WHERE id = ?`, date, tid)
			return err
		}
	}
	for _, t := range dec.Threads {
		if t != tid {
			if err := w.mergeInto(ctx, tid, t); err != nil {
				return err
			}
		}
	}
	return w.refresh(ctx, tid, &p)
}

// newThread starts a thread with p as its only message: everything refresh would compute is
// known, so the row is written complete.
func (w *writer) newThread(ctx context.Context, p *placing, date int64) (int64, error) {
	kw, _ := thread.Keyword(p.msg.Subject)
	r, err := w.exec(ctx, `INSERT INTO threads (key, subject, norm_subject, keyword, opening_id, first_at, last_at, message_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
		ThreadKey(p.msg.ID), p.msg.Subject, thread.NormalizeSubject(p.msg.Subject), kw, p.id, date, date)
	if err != nil {
		return 0, fmt.Errorf("create thread: %w", err)
	}
	return r.LastInsertId()
}

// opened categorises a new thread from its first message and links it to its TARGET when it
// is a HIT.
func (w *writer) opened(ctx context.Context, tid int64, p *placing, date int64) error {
	var err error
	if p.understood != nil {
		err = w.setCategory(ctx, tid, p.understood.category)
	} else {
		err = w.categorize(ctx, tid, p.in)
	}
	if err != nil {
		return err
	}
	if kw, _ := thread.Keyword(p.msg.Subject); kw == "HIT" && !thread.IsReply(p.msg.Subject) {
		return w.linkHit(ctx, tid, thread.Summary{Thread: tid, Subject: p.msg.Subject, From: p.msg.From, Lists: p.msg.Lists, FirstAt: unix(date)})
	}
	return nil
}

// mergeInto folds thread other into target: messages, a manual category, HIT links;
// other's public id becomes an alias of target.
func (w *writer) mergeInto(ctx context.Context, target, other int64) error {
	for _, q := range []string{
		`UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2`,
		`UPDATE threads SET category = (SELECT category FROM threads WHERE id = ?2), category_manual = 1,
			category_layer = 'manual', category_reason = (SELECT category_reason FROM threads WHERE id = ?2)
		 WHERE id = ?1 AND category_manual = 0 AND (SELECT category_manual FROM threads WHERE id = ?2) = 1`,
		`UPDATE OR IGNORE thread_links SET hit_thread = ?1 WHERE hit_thread = ?2`,
		`UPDATE OR IGNORE thread_links SET target_thread = ?1 WHERE target_thread = ?2`,
		`DELETE FROM thread_links WHERE hit_thread = target_thread AND hit_thread IN (?1, ?2)`,
		`UPDATE thread_aliases SET thread_id = ?1 WHERE thread_id = ?2`,
		`INSERT OR REPLACE INTO thread_aliases (key, thread_id) SELECT key, ?1 FROM threads WHERE id = ?2`,
		`DELETE FROM threads WHERE id = ?2`,
	} {
		if _, err := w.exec(ctx, q, target, other); err != nil {
			return fmt.Errorf("merge thread %d into %d: %w", other, target, err)
		}
	}
	return nil
}

// refresh recomputes a thread's summary from its messages. When its opening (earliest)
// message changed, the thread takes that message's subject, keyword and category, and a
// new HIT thread is linked to its TARGET. p is the message being placed, if any, so its
// categorising input need not be read back.
func (w *writer) refresh(ctx context.Context, tid int64, p *placing) error {
	var opening, prev int64
	var subject, normSubject string
	var first int64
	err := w.queryRow(ctx, `SELECT m.id, m.subject, m.norm_subject, m.date, t.opening_id
		FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE m.thread_id = ? ORDER BY m.date, m.message_id LIMIT 1`, tid).Scan(&opening, &subject, &normSubject, &first, &prev)
	if err != nil {
		return fmt.Errorf("refresh thread %d: %w", tid, err)
	}
	describing := w.describingSubject(ctx, tid, subject)
	kw, _ := thread.Keyword(describing)
	if _, err := w.exec(ctx, `
		UPDATE threads SET opening_id = ?1, subject = ?2, norm_subject = ?3, keyword = ?4, first_at = ?5,
			last_at = (SELECT MAX(date) FROM messages WHERE thread_id = ?6),
			message_count = (SELECT COUNT(*) FROM messages WHERE thread_id = ?6)
		WHERE id = ?6`, opening, subject, normSubject, kw, first, tid); err != nil {
		return err
	}
	if opening == prev {
		return nil
	}
	var in categorize.Input
	var lists []string
	var from string
	if p != nil && p.id == opening {
		in, lists, from = p.in, p.msg.Lists, p.msg.From
	} else {
		lp, err := w.load(ctx, opening)
		if err != nil {
			return err
		}
		in, lists, from = lp.in, lp.msg.Lists, lp.msg.From
	}
	if err := w.categorize(ctx, tid, in); err != nil {
		return err
	}
	if kw == "HIT" {
		return w.linkHit(ctx, tid, thread.Summary{Thread: tid, Subject: describing, From: from, Lists: lists, FirstAt: unix(first)})
	}
	return nil
}

// describingSubject is the subject that says what a thread is: its opening message's, unless
// that is a reply (a sender's wrong clock put a "Re:" first); then the first post without a
// reply prefix, so that a TARGET or HIT is still known as one.
func (w *writer) describingSubject(ctx context.Context, tid int64, opening string) string {
	if !thread.IsReply(opening) {
		return opening
	}
	rows, err := w.query(ctx, `SELECT subject FROM messages WHERE thread_id = ? ORDER BY date, message_id LIMIT 20`, tid)
	if err != nil {
		return opening
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if rows.Scan(&s) == nil && !thread.IsReply(s) {
			return s
		}
	}
	return opening
}

// categorize sets a thread's category from its opening message, unless a reader chose it.
func (w *writer) categorize(ctx context.Context, tid int64, in categorize.Input) error {
	return w.setCategory(ctx, tid, w.cat.Categorize(in))
}

// setCategory records a category decision on a thread, unless a reader chose its category.
func (w *writer) setCategory(ctx context.Context, tid int64, res categorize.Result) error {
	why, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = w.exec(ctx, `UPDATE threads SET category = ?, category_layer = ?, category_reason = ?
		WHERE id = ? AND category_manual = 0`, res.Category, res.Layer, string(why), tid)
	return err
}

// linkHit links a HIT thread to the TARGET thread it answers, if one is found. Candidates are
// TARGET threads opened on the HIT's lists within the window, newest first; each is judged by
// its opening message, so the lookup is one indexed query whatever the mailbox size.
func (w *writer) linkHit(ctx context.Context, tid int64, hit thread.Summary) error {
	q := `SELECT t.id, t.subject, t.first_at, m.from_addr, m.list_id
		FROM threads t JOIN messages m ON m.id = t.opening_id
		WHERE t.keyword = 'TARGET' AND t.first_at BETWEEN ? AND ? AND t.id != ?`
	args := []any{hit.FirstAt.Add(-hitWindow).Unix(), hit.FirstAt.Unix(), tid}
	if len(hit.Lists) > 0 {
		q += ` AND m.list_id IN (` + placeholders(len(hit.Lists)) + `)`
		for _, l := range hit.Lists {
			args = append(args, l)
		}
	}
	rows, err := w.query(ctx, q+` ORDER BY t.first_at DESC LIMIT 200`, args...)
	if err != nil {
		return err
	}
	var targets []thread.Summary
	for rows.Next() {
		var s thread.Summary
		var first int64
		var list string
		if err := rows.Scan(&s.Thread, &s.Subject, &first, &s.From, &list); err != nil {
			rows.Close()
			return err
		}
		s.FirstAt = unix(first)
		if list != "" {
			s.Lists = []string{list}
		}
		targets = append(targets, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	target, score, reason, ok := thread.LinkHit(hit, targets)
	if !ok {
		_, err := w.exec(ctx, `DELETE FROM thread_links WHERE hit_thread = ?`, tid)
		return err
	}
	_, err = w.exec(ctx, `INSERT OR REPLACE INTO thread_links (hit_thread, target_thread, score, reason) VALUES (?, ?, ?, ?)`,
		tid, target, score, reason)
	return err
}

// load reads back what placing needs about a stored message.
func (w *writer) load(ctx context.Context, id int64) (placing, error) {
	p := placing{id: id}
	var date int64
	var inReplyTo, refs, parts, listID string
	err := w.queryRow(ctx, `SELECT message_id, in_reply_to, refs, subject, date, from_addr, thread_index, thread_topic,
			body_text, list_id, auto_submitted, precedence, x_autoreply, content_type, parts
		FROM messages WHERE id = ?`, id).Scan(&p.msg.ID, &inReplyTo, &refs, &p.msg.Subject, &date, &p.msg.From,
		&p.msg.ThreadIndex, &p.msg.ThreadTopic, &p.msg.Text, &listID, &p.in.AutoSubmitted, &p.in.Precedence,
		&p.in.XAutoreply, &p.in.ContentType, &parts)
	if err != nil {
		return p, fmt.Errorf("load message %d: %w", id, err)
	}
	p.msg.Date = unix(date)
	json.Unmarshal([]byte(inReplyTo), &p.msg.InReplyTo)
	json.Unmarshal([]byte(refs), &p.msg.References)
	var ps []struct {
		ContentType string `json:"content_type"`
	}
	json.Unmarshal([]byte(parts), &ps)
	for _, x := range ps {
		p.in.PartTypes = append(p.in.PartTypes, x.ContentType)
	}
	rows, err := w.query(ctx, `SELECT DISTINCT list_id FROM locations WHERE message_id = ? AND list_id != ''`, id)
	if err != nil {
		return p, err
	}
	for rows.Next() {
		var l string
		rows.Scan(&l)
		p.msg.Lists = append(p.msg.Lists, l)
	}
	rows.Close()
	if len(p.msg.Lists) == 0 && listID != "" {
		p.msg.Lists = []string{listID}
	}
	p.in.Subject, p.in.Text, p.in.From, p.in.Lists = p.msg.Subject, p.msg.Text, p.msg.From, p.msg.Lists
	return p, rows.Err()
}

// Thread is a conversation as other tools see it (`listdigest threads --json`).
type Thread struct {
	ID         string    `json:"id"`
	Subject    string    `json:"subject"`
	ListIDs    []string  `json:"list_ids"`
	MessageIDs []string  `json:"message_ids"`
	FirstAt    time.Time `json:"first_at"`
	LastAt     time.Time `json:"last_at"`
	Category   *string   `json:"category"`
	Flagged    bool      `json:"flagged"`
	// Answers is, on a HIT thread, the id of the TARGET thread it summarises.
	Answers *string `json:"answers"`
	// AnsweredBy is, on a TARGET thread, the ids of the HIT threads that answer it.
	AnsweredBy []string `json:"answered_by"`
	// FlagNote and RemindAt belong to the recipient's open flag, when Flagged.
	FlagNote string     `json:"flag_note"`
	RemindAt *time.Time `json:"remind_at"`
	// Keyword is the list keyword of the opening subject (TARGET, HIT, GEN, ...), if any.
	Keyword string `json:"keyword,omitempty"`
}

// ThreadOptions selects threads.
type ThreadOptions struct {
	// Since keeps threads with a message at or after this time; zero means all.
	Since time.Time
	// Key keeps only the thread with this public id.
	Key string
	// Recipient is whose flags are shown ('' is the local reader).
	Recipient string
}

// ListThreads calls fn for each thread, oldest first. Message-IDs carry angle brackets, as in headers.
func (s *Store) ListThreads(ctx context.Context, opts ThreadOptions, fn func(Thread) error) error {
	rows, err := s.db.QueryContext(ctx, `
		WITH myflags AS (SELECT fm.thread_id AS tid, f.note, f.remind_at, f.updated_at FROM flags f
			JOIN messages fm ON fm.message_id = f.anchor WHERE f.recipient = ?3 AND f.state = 'open')
		SELECT t.key, t.subject, t.first_at, t.last_at, t.category,
			EXISTS (SELECT 1 FROM myflags WHERE tid = t.id), t.keyword,
			COALESCE((SELECT note FROM myflags WHERE tid = t.id ORDER BY updated_at DESC LIMIT 1), ''),
			(SELECT remind_at FROM myflags WHERE tid = t.id ORDER BY updated_at DESC LIMIT 1),
			(SELECT json_group_array(message_id) FROM (SELECT message_id FROM messages WHERE thread_id = t.id ORDER BY date, id)),
			(SELECT json_group_array(list_id) FROM (
				SELECT DISTINCT l.list_id FROM locations l JOIN messages m ON m.id = l.message_id
				WHERE m.thread_id = t.id AND l.list_id != '' ORDER BY l.list_id)),
			(SELECT x.key FROM thread_links k JOIN threads x ON x.id = k.target_thread WHERE k.hit_thread = t.id),
			(SELECT json_group_array(key) FROM (SELECT x.key FROM thread_links k JOIN threads x ON x.id = k.hit_thread
				WHERE k.target_thread = t.id ORDER BY x.first_at))
		FROM threads t WHERE t.last_at >= ?1 AND (?2 = '' OR t.key = ?2) ORDER BY t.first_at, t.id`, sinceUnix(opts.Since), opts.Key, strings.ToLower(opts.Recipient))
	if err != nil {
		return fmt.Errorf("list threads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Thread
		var first, last int64
		var category, answers sql.NullString
		var remind sql.NullInt64
		var mids, lists, answeredBy string
		if err := rows.Scan(&t.ID, &t.Subject, &first, &last, &category, &t.Flagged, &t.Keyword, &t.FlagNote, &remind,
			&mids, &lists, &answers, &answeredBy); err != nil {
			return err
		}
		if remind.Valid {
			r := unix(remind.Int64)
			t.RemindAt = &r
		}
		t.FirstAt, t.LastAt = unix(first), unix(last)
		if category.Valid {
			t.Category = &category.String
		}
		if answers.Valid {
			t.Answers = &answers.String
		}
		for _, j := range []struct {
			src string
			dst *[]string
		}{{mids, &t.MessageIDs}, {lists, &t.ListIDs}, {answeredBy, &t.AnsweredBy}} {
			if err := json.Unmarshal([]byte(j.src), j.dst); err != nil {
				return err
			}
		}
		for i, id := range t.MessageIDs {
			t.MessageIDs[i] = "<" + id + ">"
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

func sinceUnix(t time.Time) int64 {
	if t.IsZero() {
		return -1 << 62
	}
	return t.UTC().Unix()
}

// ResolveThread turns a public thread id (current or merged-away alias) into the row id.
func (s *Store) ResolveThread(ctx context.Context, key string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM threads WHERE key = ?1
		UNION ALL SELECT thread_id FROM thread_aliases WHERE key = ?1 LIMIT 1`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("thread %s: %w", key, ErrNotFound)
	}
	return id, err
}
