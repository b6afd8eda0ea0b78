package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// maxRefs bounds how many ids of one message take part in threading: a hostile References
// header must not turn one insert into a huge query.
const maxRefs = 200

// ThreadKey is the public id of a thread whose earliest message has the given Message-ID.
// It is a pure function of that id, so it survives a reindex.
func ThreadKey(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return "t" + hex.EncodeToString(sum[:8])
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// thread attaches message id to a thread: the thread of any message it references, of any
// message that references it (a reply that arrived first), or of any message sharing a
// reference with it (siblings under a parent we never saw). Threads it bridges are merged.
// Grouping by subject is left to the threading stage; this is header threading only.
func (w *writer) thread(ctx context.Context, id int64, messageID string, refs []string, date int64, subject string) error {
	if len(refs) > maxRefs {
		refs = refs[len(refs)-maxRefs:]
	}
	keys := append([]string{messageID}, refs...)
	var args []any
	q := `SELECT thread_id FROM message_refs r JOIN messages m ON m.id = r.message_id
		WHERE r.ref IN (` + placeholders(len(keys)) + `) AND m.id != ? AND m.thread_id IS NOT NULL`
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, id)
	if len(refs) > 0 {
		q += ` UNION SELECT thread_id FROM messages WHERE message_id IN (` + placeholders(len(refs)) + `) AND thread_id IS NOT NULL`
		for _, r := range refs {
			args = append(args, r)
		}
	}
	rows, err := w.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("find thread: %w", err)
	}
	var found []int64
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		found = append(found, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	if len(found) == 0 {
		r, err := w.exec(ctx, `INSERT INTO threads (key, subject, first_at, last_at, message_count) VALUES (?, ?, ?, ?, 1)`,
			ThreadKey(messageID), subject, date, date)
		if err != nil {
			return fmt.Errorf("create thread: %w", err)
		}
		tid, err := r.LastInsertId()
		if err != nil {
			return err
		}
		_, err = w.exec(ctx, `UPDATE messages SET thread_id = ? WHERE id = ?`, tid, id)
		return err
	}

	target := found[0]
	for _, t := range found[1:] {
		target = min(target, t)
	}
	if _, err := w.exec(ctx, `UPDATE messages SET thread_id = ? WHERE id = ?`, target, id); err != nil {
		return err
	}
	if len(found) == 1 {
		// The common case: one more message in a known thread.
		_, err := w.exec(ctx, `
			UPDATE threads SET
				message_count = message_count + 1,
				subject = CASE WHEN ?1 < first_at THEN ?2 ELSE subject END,
				key = CASE WHEN ?1 < first_at THEN ?3 ELSE key END,
				first_at = MIN(first_at, ?1),
				last_at = MAX(last_at, ?1)
			WHERE id = ?4`, date, subject, ThreadKey(messageID), target)
		return err
	}
	return w.merge(ctx, target, found)
}

// merge folds the threads in others into target and recomputes target's summary.
func (w *writer) merge(ctx context.Context, target int64, others []int64) error {
	for _, t := range others {
		if t == target {
			continue
		}
		if _, err := w.exec(ctx, `UPDATE messages SET thread_id = ? WHERE thread_id = ?`, target, t); err != nil {
			return err
		}
		if _, err := w.exec(ctx, `
			UPDATE threads SET flagged = MAX(flagged, (SELECT flagged FROM threads WHERE id = ?2)),
				category = COALESCE(category, (SELECT category FROM threads WHERE id = ?2))
			WHERE id = ?1`, target, t); err != nil {
			return err
		}
		if _, err := w.exec(ctx, `DELETE FROM threads WHERE id = ?`, t); err != nil {
			return err
		}
	}
	return w.summarize(ctx, target)
}

// summarize recomputes a thread's subject, key, dates and count from its messages.
func (w *writer) summarize(ctx context.Context, tid int64) error {
	var mid, subject string
	var first int64
	err := w.queryRow(ctx, `SELECT message_id, subject, date FROM messages WHERE thread_id = ? ORDER BY date, message_id LIMIT 1`, tid).
		Scan(&mid, &subject, &first)
	if err != nil {
		return fmt.Errorf("summarize thread %d: %w", tid, err)
	}
	_, err = w.exec(ctx, `
		UPDATE threads SET key = ?, subject = ?, first_at = ?,
			last_at = (SELECT MAX(date) FROM messages WHERE thread_id = ?4),
			message_count = (SELECT COUNT(*) FROM messages WHERE thread_id = ?4)
		WHERE id = ?4`, ThreadKey(mid), subject, first, tid)
	return err
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
	// Answers links a request to the posts that answer it; null until TARGET/HIT linking exists.
	Answers []string `json:"answers"`
}

// ThreadOptions selects threads.
type ThreadOptions struct {
	// Since keeps threads with a message at or after this time; zero means all.
	Since time.Time
}

// ListThreads calls fn for each thread, oldest first. Message-IDs carry angle brackets, as in headers.
func (s *Store) ListThreads(ctx context.Context, opts ThreadOptions, fn func(Thread) error) error {
	rows, err := s.db.QueryContext(ctx, `
		SELECT t.key, t.subject, t.first_at, t.last_at, t.category, t.flagged,
			(SELECT json_group_array(message_id) FROM (SELECT message_id FROM messages WHERE thread_id = t.id ORDER BY date, id)),
			(SELECT json_group_array(list_id) FROM (
				SELECT DISTINCT l.list_id FROM locations l JOIN messages m ON m.id = l.message_id
				WHERE m.thread_id = t.id AND l.list_id != '' ORDER BY l.list_id))
		FROM threads t WHERE t.last_at >= ? ORDER BY t.first_at, t.id`, sinceUnix(opts.Since))
	if err != nil {
		return fmt.Errorf("list threads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Thread
		var first, last int64
		var category sql.NullString
		var mids, lists string
		if err := rows.Scan(&t.ID, &t.Subject, &first, &last, &category, &t.Flagged, &mids, &lists); err != nil {
			return err
		}
		t.FirstAt, t.LastAt = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
		if category.Valid {
			t.Category = &category.String
		}
		if err := json.Unmarshal([]byte(mids), &t.MessageIDs); err != nil {
			return err
		}
		for i, id := range t.MessageIDs {
			t.MessageIDs[i] = "<" + id + ">"
		}
		if err := json.Unmarshal([]byte(lists), &t.ListIDs); err != nil {
			return err
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
