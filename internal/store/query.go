package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MessageSummary is one stored message as listed by `listdigest messages`.
type MessageSummary struct {
	ID         int64     `json:"id"`
	MessageID  string    `json:"message_id"`
	Synthetic  bool      `json:"synthetic_id"`
	Subject    string    `json:"subject"`
	FromName   string    `json:"from_name"`
	FromAddr   string    `json:"from_addr"`
	Date       time.Time `json:"date"`
	ListID     string    `json:"list_id"`
	Size       int       `json:"size"`
	Truncated  bool      `json:"truncated"`
	ParseError string    `json:"parse_error,omitempty"`
	Locations  []string  `json:"locations"`
}

// MessageOptions selects messages.
type MessageOptions struct {
	// ErrorsOnly keeps messages stored with a parse error.
	ErrorsOnly bool
	// Limit caps the count; 0 means no cap.
	Limit int
}

// ListMessages calls fn for each selected message in arrival order.
func (s *Store) ListMessages(ctx context.Context, opts MessageOptions, fn func(MessageSummary) error) error {
	q := `SELECT m.id, m.message_id, m.synthetic_id, m.subject, m.from_name, m.from_addr, m.date, m.list_id,
			m.size, m.truncated, COALESCE(m.parse_error, ''),
			(SELECT group_concat(CASE WHEN l.path != '' THEN l.path
				ELSE l.source || ':' || l.folder || ':' || l.uidvalidity || ':' || l.uid END, char(10))
			 FROM locations l WHERE l.message_id = m.id)
		FROM messages m`
	if opts.ErrorsOnly {
		q += ` WHERE m.parse_error IS NOT NULL`
	}
	q += ` ORDER BY m.id`
	var args []any
	if opts.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, opts.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("list messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m MessageSummary
		var date int64
		var locs sql.NullString
		if err := rows.Scan(&m.ID, &m.MessageID, &m.Synthetic, &m.Subject, &m.FromName, &m.FromAddr, &date, &m.ListID,
			&m.Size, &m.Truncated, &m.ParseError, &locs); err != nil {
			return err
		}
		m.Date = time.Unix(date, 0).UTC()
		m.Locations = splitLines(locs.String)
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Raw returns the bytes of a stored message exactly as received.
func (s *Store) Raw(ctx context.Context, id int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	raw, err := s.blob(ctx, `SELECT compression, data FROM raw_messages WHERE message_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("raw message %d: %w", id, err)
	}
	return raw, nil
}

// blob reads one compressed copy (a message, a sent digest) and unpacks it; ErrNotFound when
// there is none.
func (s *Store) blob(ctx context.Context, query string, id int64) ([]byte, error) {
	var compression string
	var data []byte
	err := s.db.QueryRowContext(ctx, query, id).Scan(&compression, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return unpack(compression, data)
}

// Counts summarises the database for status output.
type Counts struct {
	Messages int64 `json:"messages"`
	Errors   int64 `json:"parse_errors"`
	Threads  int64 `json:"threads"`
}

// Count returns totals of messages, parse errors and threads.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM messages),
		(SELECT COUNT(*) FROM messages WHERE parse_error IS NOT NULL), (SELECT COUNT(*) FROM threads)`).
		Scan(&c.Messages, &c.Errors, &c.Threads)
	return c, err
}

// FolderState is one synchronised folder, for `listdigest status`.
type FolderState struct {
	Mailbox, Folder string
	LastUID         uint32
	LastSync        time.Time
	LastError       string
	// Disabled and Reason say whether the whole mailbox is stopped (e.g. refused credentials).
	Disabled bool
	Reason   string
}

// SyncStates lists every folder's checkpoint with its mailbox's state.
func (s *Store) SyncStates(ctx context.Context) ([]FolderState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.mailbox, f.folder, f.last_uid, f.last_sync_at, f.last_error,
			COALESCE(m.disabled, 0), COALESCE(m.reason, '')
		FROM sync_state f LEFT JOIN mailbox_state m ON m.mailbox = f.mailbox ORDER BY f.mailbox, f.folder`)
	if err != nil {
		return nil, fmt.Errorf("sync states: %w", err)
	}
	defer rows.Close()
	var out []FolderState
	for rows.Next() {
		var f FolderState
		var last int64
		if err := rows.Scan(&f.Mailbox, &f.Folder, &f.LastUID, &last, &f.LastError, &f.Disabled, &f.Reason); err != nil {
			return nil, err
		}
		if last > 0 {
			f.LastSync = time.Unix(last, 0)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
