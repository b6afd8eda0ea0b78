package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"listdigest/internal/categorize"
)

// ExplainedMessage says how one message was placed in its thread.
type ExplainedMessage struct {
	MessageID   string    `json:"message_id"`
	Date        time.Time `json:"date"`
	From        string    `json:"from"`
	Subject     string    `json:"subject"`
	Method      string    `json:"method"`
	Reason      string    `json:"reason"`
	Noise       bool      `json:"noise"`
	NoiseReason string    `json:"noise_reason,omitempty"`
}

// Explanation is why a thread looks the way it does: its category, its HIT/TARGET links and
// how each message joined it.
type Explanation struct {
	Thread     Thread             `json:"thread"`
	Category   categorize.Result  `json:"category"`
	Manual     bool               `json:"manual"`
	LinkReason string             `json:"link_reason,omitempty"`
	Messages   []ExplainedMessage `json:"messages"`
}

// Explain gathers the reasons behind a thread, by public id (or an alias from a merge).
func (s *Store) Explain(ctx context.Context, key string) (Explanation, error) {
	var ex Explanation
	tid, err := s.ResolveRef(ctx, key)
	if err != nil {
		return ex, err
	}
	var realKey, catJSON string
	var linkReason sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT t.key, t.category_reason, t.category_manual,
			(SELECT reason || ' (score ' || printf('%.2f', score) || ')' FROM thread_links WHERE hit_thread = t.id)
		FROM threads t WHERE t.id = ?`, tid).Scan(&realKey, &catJSON, &ex.Manual, &linkReason); err != nil {
		return ex, fmt.Errorf("explain thread %s: %w", key, err)
	}
	ex.LinkReason = linkReason.String
	if catJSON != "" {
		if err := json.Unmarshal([]byte(catJSON), &ex.Category); err != nil {
			return ex, fmt.Errorf("explain thread %s: category: %w", key, err)
		}
	}
	found := false
	err = s.ListThreads(ctx, ThreadOptions{Key: realKey}, func(t Thread) error {
		ex.Thread, found = t, true
		return nil
	})
	if err != nil {
		return ex, err
	}
	if !found {
		return ex, fmt.Errorf("thread %s: %w", key, ErrNotFound)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, date, CASE WHEN from_name != '' THEN from_name || ' <' || from_addr || '>' ELSE from_addr END,
			subject, thread_method, thread_reason, noise, noise_reason
		FROM messages WHERE thread_id = ? ORDER BY date, message_id`, tid)
	if err != nil {
		return ex, err
	}
	defer rows.Close()
	for rows.Next() {
		var m ExplainedMessage
		var date int64
		if err := rows.Scan(&m.MessageID, &date, &m.From, &m.Subject, &m.Method, &m.Reason, &m.Noise, &m.NoiseReason); err != nil {
			return ex, err
		}
		m.Date = unix(date)
		ex.Messages = append(ex.Messages, m)
	}
	return ex, rows.Err()
}
