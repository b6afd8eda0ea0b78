package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"listdigest/internal/mailparse"
)

// ParseFunc turns raw bytes into a message; arrival is the last-resort date.
type ParseFunc func(raw []byte, arrival time.Time) (*mailparse.Message, error)

// reindexChunk is how many messages one reparse transaction covers.
const reindexChunk = 250

// Reindex reparses every stored raw message with parse and rebuilds the threads, without
// refetching anything. Flags survive: they are anchored to messages, not to thread rows.
// progress, when not nil, is told how many messages are done out of the total.
func (s *Store) Reindex(ctx context.Context, parse ParseFunc, progress func(done, total int64)) error {
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages`).Scan(&total); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	var done int64
	var after int64
	for {
		n, last, err := s.reparseChunk(ctx, parse, after)
		if err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		if n == 0 {
			break
		}
		after = last
		done += int64(n)
		if progress != nil {
			progress(done, total)
		}
	}
	if err := s.rethread(ctx); err != nil {
		return fmt.Errorf("reindex: rebuild threads: %w", err)
	}
	return nil
}

type rawRow struct {
	id      int64
	arrived int64
	comp    string
	data    []byte
}

func (s *Store) reparseChunk(ctx context.Context, parse ParseFunc, after int64) (n int, last int64, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.arrived_at, r.compression, r.data FROM messages m
		JOIN raw_messages r ON r.message_id = m.id WHERE m.id > ? ORDER BY m.id LIMIT ?`, after, reindexChunk)
	if err != nil {
		return 0, 0, err
	}
	var chunk []rawRow
	for rows.Next() {
		var r rawRow
		if err := rows.Scan(&r.id, &r.arrived, &r.comp, &r.data); err != nil {
			rows.Close()
			return 0, 0, err
		}
		chunk = append(chunk, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(chunk) == 0 {
		return 0, 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	for _, r := range chunk {
		raw, err := unpack(r.comp, r.data)
		if err != nil {
			return 0, 0, fmt.Errorf("message %d: %w", r.id, err)
		}
		m, perr := parse(raw, time.Unix(r.arrived, 0).UTC())
		if err := updateParsed(ctx, tx, r.id, m, perr); err != nil {
			return 0, 0, fmt.Errorf("message %d: %w", r.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	return len(chunk), chunk[len(chunk)-1].id, nil
}

// updateParsed replaces the parsed columns of one row. When the new parse gives a Message-ID
// that another row already has, the two are the same message: this row's locations move there.
func updateParsed(ctx context.Context, tx *sql.Tx, id int64, m *mailparse.Message, perr error) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE message_id = ? AND id != ?`, m.MessageID, id).Scan(&other)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE locations SET message_id = ? WHERE message_id = ?`, other, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE id = ?`, id)
		return err
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var parseErr sql.NullString
	if perr != nil {
		parseErr = sql.NullString{String: perr.Error(), Valid: true}
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE messages SET message_id = ?, synthetic_id = ?, subject = ?, from_name = ?, from_addr = ?, date = ?,
			date_source = ?, list_id = ?, list_name = ?, in_reply_to = ?, refs = ?, thread_index = ?, thread_topic = ?,
			auto_submitted = ?, precedence = ?, x_autoreply = ?, content_type = ?, parts = ?, body_text = ?,
			text_source = ?, footer = ?, truncated = ?, notes = ?, parse_error = ?
		WHERE id = ?`,
		m.MessageID, m.Synthetic, m.Subject, m.From.Name, m.From.Addr, m.Date.UTC().Unix(), m.DateSource,
		m.List.ID, m.List.Name, jsonText(m.InReplyTo), jsonText(m.References), m.ThreadIndex, m.ThreadTopic,
		m.AutoSubmitted, m.Precedence, m.XAutoreply, m.ContentType, jsonText(m.Parts), m.Text, m.TextSource,
		m.Footer, m.Truncated, jsonText(m.Notes), parseErr, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM message_refs WHERE message_id = ?`, id); err != nil {
		return err
	}
	for _, ref := range refsOf(m) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_refs (message_id, ref) VALUES (?, ?)`, id, ref); err != nil {
			return err
		}
	}
	return nil
}

// rethread rebuilds every thread from the messages in date order, in one transaction so
// readers never see a half-built set. Flags and the reader's category corrections survive:
// both are anchored to messages, so they land on whatever thread holds that message.
func (s *Store) rethread(ctx context.Context) error {
	cat, err := s.categorizer(ctx) // before the transaction: training reads the database
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Every public id handed out so far must keep resolving after the rebuild: remember each
	// (key or alias, a message of its thread) and re-point it afterwards. The temporary table
	// lives in this transaction: a rollback removes it too.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE old_keys AS
		WITH first AS (SELECT t.id AS tid, (SELECT id FROM messages WHERE thread_id = t.id ORDER BY date, message_id LIMIT 1) AS message FROM threads t)
		SELECT t.key, f.message FROM threads t JOIN first f ON f.tid = t.id
		UNION ALL SELECT a.key, f.message FROM thread_aliases a JOIN first f ON f.tid = a.thread_id`); err != nil {
		return err
	}
	for _, q := range []string{`UPDATE messages SET thread_id = NULL`, `DELETE FROM thread_links`, `DELETE FROM thread_aliases`, `DELETE FROM threads`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	ids, err := collectIDs(ctx, tx, `SELECT id FROM messages ORDER BY date, message_id`)
	if err != nil {
		return err
	}
	w := &writer{tx: tx, now: s.Now().UTC().Unix(), cat: cat}
	for _, id := range ids {
		p, err := w.load(ctx, id)
		if err != nil {
			return err
		}
		if err := w.place(ctx, p); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO thread_aliases (key, thread_id)
		SELECT o.key, m.thread_id FROM old_keys o JOIN messages m ON m.id = o.message
		WHERE m.thread_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM threads WHERE key = o.key)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE temp.old_keys`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE threads SET category = c.category, category_layer = 'manual', category_manual = 1,
			category_reason = json_object('category', c.category, 'layer', 'manual', 'reason', 'set by the reader', 'confidence', 1)
		FROM (SELECT m.thread_id AS tid, cc.category FROM category_corrections cc JOIN messages m ON m.message_id = cc.message_id
			WHERE cc.id = (SELECT MAX(id) FROM category_corrections WHERE message_id = cc.message_id)) AS c
		WHERE threads.id = c.tid`); err != nil {
		return err
	}
	return tx.Commit()
}

func collectIDs(ctx context.Context, tx *sql.Tx, q string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
