package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Flag states.
const (
	FlagOpen = "open"
	FlagDone = "done"
)

// ErrNotFlagged is returned by MarkDone for a thread the recipient has not flagged.
var ErrNotFlagged = errors.New("not flagged")

// FlagOptions are the optional parts of a flag. Nil fields keep what a flag already had.
type FlagOptions struct {
	Note     *string
	RemindAt *time.Time
	// Source says where the flag came from: "cli", "imap", "link" or "web".
	Source string
}

// FlagView is a flagged thread as `listdigest flags` shows it.
type FlagView struct {
	Thread   string     `json:"thread"`
	Subject  string     `json:"subject"`
	State    string     `json:"state"`
	Note     string     `json:"note,omitempty"`
	RemindAt *time.Time `json:"remind_at"`
	Source   string     `json:"source"`
	// LastAt is the thread's last activity; Messages its size; Answered whether a HIT answers it.
	LastAt    time.Time `json:"last_at"`
	Messages  int       `json:"messages"`
	Answered  bool      `json:"answered"`
	FlaggedAt time.Time `json:"flagged_at"`
}

// ResolveRef turns what a reader types into a thread row: a thread id (current or from before a
// merge) or any Message-ID in the thread, with or without angle brackets.
func (s *Store) ResolveRef(ctx context.Context, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	if tid, err := s.ResolveThread(ctx, ref); err == nil || !errors.Is(err, ErrNotFound) {
		return tid, err
	}
	id := strings.TrimSuffix(strings.TrimPrefix(ref, "<"), ">")
	var tid sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT thread_id FROM messages WHERE message_id = ?`, id).Scan(&tid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !tid.Valid) {
		return 0, fmt.Errorf("%q is neither a thread id nor a stored Message-ID (`listdigest threads` lists thread ids): %w", ref, ErrNotFound)
	}
	return tid.Int64, err
}

// SetFlag flags a thread for a recipient, or updates (and reopens) their flag on it.
func (s *Store) SetFlag(ctx context.Context, recipient, ref string, o FlagOptions) error {
	return s.changeFlag(ctx, recipient, ref, func(tx *sql.Tx, flagID int64, anchor string, now int64) error {
		if o.Source == "" {
			o.Source = "cli"
		}
		var remind any
		if o.RemindAt != nil {
			remind = o.RemindAt.UTC().Unix()
		}
		if flagID == 0 {
			note := ""
			if o.Note != nil {
				note = *o.Note
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO flags (recipient, anchor, note, remind_at, state, source, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`, recipient, anchor, note, remind, o.Source, now, now)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE flags SET state = 'open', source = ?,
				note = CASE WHEN ? THEN ? ELSE note END,
				remind_at = CASE WHEN ? THEN ? ELSE remind_at END, updated_at = ?
			WHERE id = ?`, o.Source, o.Note != nil, deref(o.Note), o.RemindAt != nil, remind, now, flagID)
		return err
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// MarkDone ends a recipient's follow-up of a thread: it stops resurfacing, and the flag is kept
// as done (for `listdigest flags --all` and the mail client's flag sync).
func (s *Store) MarkDone(ctx context.Context, recipient, ref string) error {
	return s.changeFlag(ctx, recipient, ref, func(tx *sql.Tx, flagID int64, anchor string, now int64) error {
		if flagID == 0 {
			return fmt.Errorf("thread %s: %w (flag it first: listdigest flag %s)", ref, ErrNotFlagged, ref)
		}
		_, err := tx.ExecContext(ctx, `UPDATE flags SET state = 'done', updated_at = ? WHERE id = ?`, now, flagID)
		return err
	})
}

// Unflag removes a recipient's flag from a thread. Unflagging a thread that is not flagged is
// not an error: the result is what was asked for.
func (s *Store) Unflag(ctx context.Context, recipient, ref string) error {
	return s.changeFlag(ctx, recipient, ref, func(tx *sql.Tx, flagID int64, anchor string, now int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM flags WHERE recipient = ? AND anchor IN
			(SELECT message_id FROM messages WHERE thread_id = (SELECT thread_id FROM messages WHERE message_id = ?))`, recipient, anchor)
		return err
	})
}

// changeFlag finds the thread and the recipient's flag on it (0 when none) and runs fn in a
// transaction. anchor is the flag's anchor, or the thread's opening message for a new flag.
func (s *Store) changeFlag(ctx context.Context, recipient, ref string, fn func(tx *sql.Tx, flagID int64, anchor string, now int64) error) error {
	recipient = strings.ToLower(recipient)
	tid, err := s.ResolveRef(ctx, ref)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var flagID int64
	var anchor string
	err = tx.QueryRowContext(ctx, `SELECT f.id, f.anchor FROM flags f JOIN messages m ON m.message_id = f.anchor
		WHERE f.recipient = ? AND m.thread_id = ? ORDER BY f.updated_at DESC LIMIT 1`, recipient, tid).Scan(&flagID, &anchor)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT message_id FROM messages WHERE thread_id = ? ORDER BY date, message_id LIMIT 1`, tid).Scan(&anchor)
	}
	if err != nil {
		return fmt.Errorf("flag thread %s: %w", ref, err)
	}
	if err := fn(tx, flagID, anchor, s.Now().UTC().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// Flags lists a recipient's flagged threads, most recent activity first; all includes done ones.
func (s *Store) Flags(ctx context.Context, recipient string, all bool) ([]FlagView, error) {
	q := `SELECT t.key, t.subject, f.state, f.note, f.remind_at, f.source, t.last_at, t.message_count,
			EXISTS (SELECT 1 FROM thread_links WHERE target_thread = t.id), f.created_at
		FROM flags f JOIN messages m ON m.message_id = f.anchor JOIN threads t ON t.id = m.thread_id
		WHERE f.recipient = ?`
	if !all {
		q += ` AND f.state = 'open'`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY t.last_at DESC, t.key`, strings.ToLower(recipient))
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	defer rows.Close()
	var out []FlagView
	seen := map[string]bool{}
	for rows.Next() {
		var v FlagView
		var remind sql.NullInt64
		var last, created int64
		if err := rows.Scan(&v.Thread, &v.Subject, &v.State, &v.Note, &remind, &v.Source, &last, &v.Messages, &v.Answered, &created); err != nil {
			return nil, err
		}
		if seen[v.Thread] {
			continue // two flags that met in a merge: the first (latest activity) stands for both
		}
		seen[v.Thread] = true
		v.LastAt, v.FlaggedAt = unix(last), unix(created)
		if remind.Valid {
			t := unix(remind.Int64)
			v.RemindAt = &t
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ServerFlags is the \Flagged state of messages in one IMAP folder, as fetched.
type ServerFlags struct {
	Mailbox, Folder string
	UIDValidity     uint32
	// Flagged maps UIDs to whether they carry \Flagged. Only UIDs present are considered.
	Flagged map[uint32]bool
	// HighestModSeq is the folder's HIGHESTMODSEQ after the fetch (0 without CONDSTORE).
	HighestModSeq uint64
}

// HighestModSeq returns the HIGHESTMODSEQ recorded at the last flag sync of a folder.
func (s *Store) HighestModSeq(ctx context.Context, mailbox, folder string) (uint64, error) {
	var m uint64
	err := s.db.QueryRowContext(ctx, `SELECT highest_modseq FROM sync_state WHERE mailbox = ? AND folder = ?`, mailbox, folder).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return m, err
}

// ApplyServerFlags turns changes of \Flagged in the reader's mail client into their flags: a
// message flagged there flags its thread; a message unflagged there removes the thread's flag.
// Unchanged messages do nothing, so a flag set or cleared in listdigest is not undone by a
// server that has not heard of it. It returns how many threads were flagged and unflagged.
func (s *Store) ApplyServerFlags(ctx context.Context, recipient string, f ServerFlags) (flagged, unflagged int, err error) {
	recipient = strings.ToLower(recipient)
	type change struct {
		loc     int64
		msgID   string
		flagged bool
	}
	// Only two kinds of copies can change: those flagged on the server now, and those we last
	// saw flagged. One query finds the second kind; the first is usually a handful.
	known := map[uint32]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT uid FROM locations WHERE source = ? AND folder = ? AND uidvalidity = ? AND server_flagged = 1`,
		f.Mailbox, f.Folder, f.UIDValidity)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var uid uint32
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return 0, 0, err
		}
		known[uid] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	var changes []change
	for uid, on := range f.Flagged {
		if on == known[uid] {
			continue
		}
		var loc int64
		var msgID string
		err := s.db.QueryRowContext(ctx, `SELECT l.id, m.message_id FROM locations l JOIN messages m ON m.id = l.message_id
			WHERE l.source = ? AND l.folder = ? AND l.uidvalidity = ? AND l.uid = ?`, f.Mailbox, f.Folder, f.UIDValidity, uid).Scan(&loc, &msgID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // not list mail we keep
		}
		if err != nil {
			return flagged, unflagged, err
		}
		changes = append(changes, change{loc, msgID, on})
	}
	for _, c := range changes {
		if c.flagged {
			err = s.SetFlag(ctx, recipient, c.msgID, FlagOptions{Source: "imap"})
			flagged++
		} else {
			err = s.Unflag(ctx, recipient, c.msgID)
			unflagged++
		}
		if err != nil {
			return flagged, unflagged, err
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE locations SET server_flagged = ? WHERE id = ?`, c.flagged, c.loc); err != nil {
			return flagged, unflagged, err
		}
	}
	if f.HighestModSeq > 0 {
		_, err = s.db.ExecContext(ctx, `UPDATE sync_state SET highest_modseq = ? WHERE mailbox = ? AND folder = ?`, f.HighestModSeq, f.Mailbox, f.Folder)
	}
	return flagged, unflagged, err
}

// FlagPushes lists the copies in a folder whose \Flagged state on the server differs from the
// owner's flags: add are UIDs of messages in threads the owner follows up (open flag) that are
// not flagged on the server; remove are UIDs flagged on the server in threads they do not.
func (s *Store) FlagPushes(ctx context.Context, owner, mailbox, folder string, uidvalidity uint32) (add, remove []uint32, err error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH followed AS (SELECT DISTINCT fm.thread_id AS tid FROM flags f JOIN messages fm ON fm.message_id = f.anchor
			WHERE f.recipient = ? AND f.state = 'open')
		SELECT l.uid, m.thread_id IN (SELECT tid FROM followed) AS want, l.server_flagged
		FROM locations l JOIN messages m ON m.id = l.message_id
		WHERE l.source = ? AND l.folder = ? AND l.uidvalidity = ? AND want != l.server_flagged
		ORDER BY l.uid`, strings.ToLower(owner), mailbox, folder, uidvalidity)
	if err != nil {
		return nil, nil, fmt.Errorf("flag pushes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid uint32
		var want, have bool
		if err := rows.Scan(&uid, &want, &have); err != nil {
			return nil, nil, err
		}
		if want {
			add = append(add, uid)
		} else {
			remove = append(remove, uid)
		}
	}
	return add, remove, rows.Err()
}

// MarkServerFlagged records that the server now has (or no longer has) \Flagged on these UIDs.
func (s *Store) MarkServerFlagged(ctx context.Context, mailbox, folder string, uidvalidity uint32, uids []uint32, flagged bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, uid := range uids {
		if _, err := tx.ExecContext(ctx, `UPDATE locations SET server_flagged = ? WHERE source = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
			flagged, mailbox, folder, uidvalidity, uid); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ThreadSubject returns a thread's subject, by id, alias or Message-ID.
func (s *Store) ThreadSubject(ctx context.Context, ref string) (string, error) {
	tid, err := s.ResolveRef(ctx, ref)
	if err != nil {
		return "", err
	}
	var subject string
	err = s.db.QueryRowContext(ctx, `SELECT subject FROM threads WHERE id = ?`, tid).Scan(&subject)
	return subject, err
}
