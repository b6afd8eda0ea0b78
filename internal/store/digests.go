package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Digest ledger states.
const (
	DigestClaimed = "claimed"
	DigestSending = "sending"
	DigestSent    = "sent"
	DigestRetry   = "retry"
	DigestFailed  = "failed"
	DigestSkipped = "skipped"
)

// DigestRecord is one row of the digest ledger.
type DigestRecord struct {
	ID            int64     `json:"id"`
	Recipient     string    `json:"recipient"`
	Slot          time.Time `json:"slot"`
	From          time.Time `json:"period_from"`
	To            time.Time `json:"period_to"`
	MessageID     string    `json:"message_id"`
	State         string    `json:"state"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
	Subject       string    `json:"subject,omitempty"`
	Words         int       `json:"words"`
	Threads       int       `json:"threads"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// DigestMessageID is the Message-ID (without brackets) of a recipient's digest for a slot: the
// same every time it is computed, so a repeated delivery is recognisably the same message.
func DigestMessageID(recipient string, slot time.Time) string {
	sum := sha256.Sum256([]byte(strings.ToLower(recipient) + "\x00" + slot.UTC().Format(time.RFC3339)))
	return "digest-" + hex.EncodeToString(sum[:12]) + "@listdigest.invalid"
}

// PeriodStart is where a recipient's next digest starts: the end of their last digest that was
// sent or skipped. A failed digest does not count, so the next one covers its period again.
func (s *Store) PeriodStart(ctx context.Context, recipient string) (time.Time, bool, error) {
	var to sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(period_to) FROM digests WHERE recipient = ? AND state IN ('sent', 'skipped', 'sending', 'claimed', 'retry')`,
		strings.ToLower(recipient)).Scan(&to)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("digest ledger: %w", err)
	}
	return unix(to.Int64), to.Valid, nil
}

// ClaimDigest writes the ledger row for a recipient's slot before anything is sent. It reports
// claimed=false, with the existing row, when the slot was claimed before: the caller must then
// not start another delivery, only resume an unfinished one.
func (s *Store) ClaimDigest(ctx context.Context, recipient string, slot, from, to time.Time) (DigestRecord, bool, error) {
	recipient = strings.ToLower(recipient)
	now := s.Now().UTC().Unix()
	r, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO digests (recipient, slot, period_from, period_to, message_id, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)`,
		recipient, slot.UTC().Unix(), from.UTC().Unix(), to.UTC().Unix(), DigestMessageID(recipient, slot), now, now)
	if err != nil {
		return DigestRecord{}, false, fmt.Errorf("claim digest for %s: %w", recipient, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return DigestRecord{}, false, err
	}
	rec, err := s.digestBySlot(ctx, recipient, slot)
	return rec, n == 1, err
}

const digestCols = `id, recipient, slot, period_from, period_to, message_id, state, attempts, next_attempt_at, last_error, subject, words, threads, updated_at`

func scanDigest(sc interface{ Scan(...any) error }) (DigestRecord, error) {
	var d DigestRecord
	var slot, from, to, next, updated int64
	err := sc.Scan(&d.ID, &d.Recipient, &slot, &from, &to, &d.MessageID, &d.State, &d.Attempts, &next, &d.LastError,
		&d.Subject, &d.Words, &d.Threads, &updated)
	d.Slot, d.From, d.To, d.NextAttemptAt, d.UpdatedAt = unix(slot), unix(from), unix(to), unix(next), unix(updated)
	return d, err
}

func (s *Store) digestBySlot(ctx context.Context, recipient string, slot time.Time) (DigestRecord, error) {
	d, err := scanDigest(s.db.QueryRowContext(ctx, `SELECT `+digestCols+` FROM digests WHERE recipient = ? AND slot = ?`,
		strings.ToLower(recipient), slot.UTC().Unix()))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("digest for %s at %s: %w", recipient, slot, ErrNotFound)
	}
	return d, err
}

// DigestUpdate is a ledger transition.
type DigestUpdate struct {
	State         string
	Error         string
	NextAttemptAt time.Time
	Subject       string
	Words         int
	Threads       int
	// CountAttempt adds one to the attempts (when a delivery was tried).
	CountAttempt bool
	// Body, when set, is the digest message exactly as handed to the mail server; it replaces
	// any body stored by an earlier attempt, for the web UI's archive.
	Body []byte
}

// UpdateDigest moves a ledger row to a new state.
func (s *Store) UpdateDigest(ctx context.Context, id int64, u DigestUpdate) error {
	attempt := 0
	if u.CountAttempt {
		attempt = 1
	}
	var packed []byte
	if u.Body != nil {
		var err error
		if packed, err = Pack(u.Body); err != nil {
			return fmt.Errorf("update digest %d: %w", id, err)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update digest %d: %w", id, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `UPDATE digests SET state = ?, last_error = ?, next_attempt_at = ?, attempts = attempts + ?,
			subject = CASE WHEN ? != '' THEN ? ELSE subject END, words = MAX(words, ?), threads = MAX(threads, ?), updated_at = ?
		WHERE id = ?`, u.State, u.Error, u.NextAttemptAt.UTC().Unix(), attempt, u.Subject, u.Subject, u.Words, u.Threads,
		s.Now().UTC().Unix(), id)
	if err == nil && packed != nil {
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO digest_bodies (digest_id, compression, data) VALUES (?, 'zstd', ?)`, id, packed)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("update digest %d: %w", id, err)
	}
	return nil
}

// Digests lists a recipient's digests, newest first, at most limit of them.
func (s *Store) Digests(ctx context.Context, recipient string, limit int) ([]DigestRecord, error) {
	return s.listDigests(ctx, `WHERE recipient = ? ORDER BY slot DESC, id DESC LIMIT ?`, strings.ToLower(recipient), limit)
}

// Digest returns one ledger row by id.
func (s *Store) Digest(ctx context.Context, id int64) (DigestRecord, error) {
	ds, err := s.listDigests(ctx, `WHERE id = ?`, id)
	if err != nil {
		return DigestRecord{}, err
	}
	if len(ds) == 0 {
		return DigestRecord{}, fmt.Errorf("digest %d: %w", id, ErrNotFound)
	}
	return ds[0], nil
}

// DigestBody returns a digest message as it was sent, or ErrNotFound when none was kept (it was
// skipped, never sent, or sent before schema version 5).
func (s *Store) DigestBody(ctx context.Context, id int64) ([]byte, error) {
	body, err := s.blob(ctx, `SELECT compression, data FROM digest_bodies WHERE digest_id = ?`, id)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("digest %d: no copy kept: %w", id, err)
	}
	if err != nil {
		return nil, fmt.Errorf("digest %d: %w", id, err)
	}
	return body, nil
}

// UnfinishedDigests lists ledger rows a delivery must resume: claimed or interrupted (a crash),
// or waiting for a retry that is due.
func (s *Store) UnfinishedDigests(ctx context.Context, now time.Time) ([]DigestRecord, error) {
	return s.listDigests(ctx, `WHERE state IN ('claimed', 'sending') OR (state = 'retry' AND next_attempt_at <= ?) ORDER BY slot`, now.UTC().Unix())
}

// RecentDigests lists the latest ledger rows, newest first, for `listdigest status`.
func (s *Store) RecentDigests(ctx context.Context, limit int) ([]DigestRecord, error) {
	return s.listDigests(ctx, `ORDER BY slot DESC, id DESC LIMIT ?`, limit)
}

func (s *Store) listDigests(ctx context.Context, where string, args ...any) ([]DigestRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+digestCols+` FROM digests `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("digest ledger: %w", err)
	}
	defer rows.Close()
	var out []DigestRecord
	for rows.Next() {
		d, err := scanDigest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DigestThread is a thread active in a digest's period, with what composing needs.
type DigestThread struct {
	Key, Category, Keyword string
	// Subject is the opening message's subject as sent.
	Subject string
	// The opening message.
	MessageID, AuthorName, AuthorAddr, Text string
	// Lists maps each list id the thread was seen on to its display name.
	Lists map[string]string
	// Sources are the mailboxes (or "import") the thread's messages were seen in.
	Sources []string
	// Messages counts the thread's messages that are not noise; NewInPeriod those in the period.
	Messages, NewInPeriod int
	// Answered is set on a TARGET with a linked HIT; Answers is, on a HIT, its TARGET's subject.
	Answered bool
	Answers  string
	FirstAt  time.Time
	LastAt   time.Time
	// Flagged is set when the recipient follows the thread up (an open flag), with their note.
	Flagged  bool
	FlagNote string
	// HitInPeriod and RemindInPeriod say why a flagged thread resurfaces besides new replies:
	// a HIT answering it was posted in the period, or its reminder date falls in it.
	HitInPeriod    bool
	RemindInPeriod bool
}

// DigestQuery selects a digest's period.
type DigestQuery struct {
	From, To time.Time
	// ByDate selects messages by their Date header (a calendar day for previews); otherwise by
	// when they were stored, so that mail arriving late is never missed by the live digests.
	ByDate bool
	// Recipient is whose flags count ('' is the local reader).
	Recipient string
}

// lateWindow bounds how old a message stored in the period may be and still count as news:
// an archive imported today must not flood tomorrow's digest.
const lateWindow = 7 * 24 * time.Hour

// DigestThreads returns the threads with non-noise messages in the period, and the number of
// noise messages (auto-replies, bounces, "unsubscribe" posts) in it.
func (s *Store) DigestThreads(ctx context.Context, q DigestQuery) ([]DigestThread, int, error) {
	cond := `m.created_at >= ?1 AND m.created_at < ?2 AND m.date >= ?1 - ?3`
	if q.ByDate {
		cond = `m.date >= ?1 AND m.date < ?2 AND ?3 = ?3`
	}
	args := []any{q.From.UTC().Unix(), q.To.UTC().Unix(), int64(lateWindow.Seconds())}
	var noise int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m WHERE m.noise = 1 AND `+cond, args...).Scan(&noise); err != nil {
		return nil, 0, fmt.Errorf("digest: count noise: %w", err)
	}
	args = append(args, strings.ToLower(q.Recipient))
	rows, err := s.db.QueryContext(ctx, `
		WITH active AS (SELECT m.thread_id AS tid, COUNT(*) AS n FROM messages m
			WHERE m.noise = 0 AND m.thread_id IS NOT NULL AND `+cond+` GROUP BY m.thread_id),
		myflags AS (SELECT fm.thread_id AS tid, f.note, f.remind_at, f.updated_at FROM flags f
			JOIN messages fm ON fm.message_id = f.anchor WHERE f.recipient = ?4 AND f.state = 'open'),
		hits AS (SELECT k.target_thread AS tid FROM thread_links k JOIN threads h ON h.id = k.hit_thread
			WHERE h.first_at >= ?1 AND h.first_at < ?2),
		reminded AS (SELECT tid FROM myflags WHERE remind_at >= ?1 AND remind_at < ?2),
		sel AS (SELECT tid, n FROM active
			UNION ALL SELECT tid, 0 FROM myflags WHERE (tid IN (SELECT tid FROM hits) OR tid IN (SELECT tid FROM reminded))
				AND tid NOT IN (SELECT tid FROM active) GROUP BY tid)
		SELECT t.key, COALESCE(t.category, ''), t.keyword, t.subject,
			EXISTS (SELECT 1 FROM myflags WHERE tid = t.id),
			o.message_id, o.from_name, o.from_addr, o.body_text,
			(SELECT COUNT(*) FROM messages WHERE thread_id = t.id AND noise = 0), a.n,
			EXISTS (SELECT 1 FROM thread_links WHERE target_thread = t.id),
			COALESCE((SELECT x.subject FROM thread_links k JOIN threads x ON x.id = k.target_thread WHERE k.hit_thread = t.id), ''),
			t.first_at, t.last_at,
			(SELECT group_concat(l, char(10)) FROM (
				SELECT DISTINCT lo.list_id || char(9) || CASE WHEN lo.list_id = m2.list_id THEN m2.list_name ELSE '' END AS l
				FROM messages m2 JOIN locations lo ON lo.message_id = m2.id
				WHERE m2.thread_id = t.id AND lo.list_id != '')),
			(SELECT group_concat(DISTINCT lo.source) FROM messages m3 JOIN locations lo ON lo.message_id = m3.id WHERE m3.thread_id = t.id),
			COALESCE((SELECT note FROM myflags WHERE tid = t.id ORDER BY updated_at DESC LIMIT 1), ''),
			t.id IN (SELECT tid FROM hits), t.id IN (SELECT tid FROM reminded)
		FROM sel a JOIN threads t ON t.id = a.tid JOIN messages o ON o.id = t.opening_id
		ORDER BY t.first_at, t.key`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("digest: threads: %w", err)
	}
	defer rows.Close()
	var out []DigestThread
	for rows.Next() {
		var d DigestThread
		var first, last int64
		var lists, sources sql.NullString
		if err := rows.Scan(&d.Key, &d.Category, &d.Keyword, &d.Subject, &d.Flagged, &d.MessageID, &d.AuthorName, &d.AuthorAddr,
			&d.Text, &d.Messages, &d.NewInPeriod, &d.Answered, &d.Answers, &first, &last, &lists, &sources,
			&d.FlagNote, &d.HitInPeriod, &d.RemindInPeriod); err != nil {
			return nil, 0, err
		}
		d.FirstAt, d.LastAt = unix(first), unix(last)
		if sources.String != "" {
			d.Sources = strings.Split(sources.String, ",")
		}
		d.Lists = map[string]string{}
		for _, l := range splitLines(lists.String) {
			id, name, _ := strings.Cut(l, "\t")
			if d.Lists[id] == "" {
				d.Lists[id] = name
			}
		}
		out = append(out, d)
	}
	return out, noise, rows.Err()
}
