package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"listdigest/internal/categorize"
)

// catState holds the categorizer: taxonomy and rules from the configuration, trained on the
// seed set plus the reader's corrections from the database.
type catState struct {
	mu    sync.Mutex
	tax   categorize.Taxonomy
	rules []categorize.Rule
	cat   *categorize.Categorizer
}

// categorizer returns the classifier, training it on first use from the seed set and the
// reader's corrections: commands that never categorise (threads, status, flags) never pay for
// it. It reads the database, so callers get it before they begin a write transaction.
func (s *Store) categorizer(ctx context.Context) (*categorize.Categorizer, error) {
	s.cats.mu.Lock()
	defer s.cats.mu.Unlock()
	if s.cats.cat != nil {
		return s.cats.cat, nil
	}
	ex, err := s.corrections(ctx)
	if err != nil {
		return nil, err
	}
	// A correction to a category the configuration no longer has cannot train anything; it
	// must not stop the daemon either.
	kept := ex[:0]
	for _, e := range ex {
		if hasCategory(s.cats.tax, e.Category) {
			kept = append(kept, e)
		}
	}
	c, err := categorize.New(s.cats.tax, s.cats.rules, kept)
	if err != nil {
		return nil, fmt.Errorf("train categorizer: %w", err)
	}
	s.cats.cat = c
	return c, nil
}

// untrain drops the classifier so that its next use retrains it (after a correction, or a
// new taxonomy).
func (s *Store) untrain() {
	s.cats.mu.Lock()
	defer s.cats.mu.Unlock()
	s.cats.cat = nil
}

// Configure sets the taxonomy and rules; the classifier is retrained with the stored
// corrections when next needed. Messages stored from now on use them; `listdigest reindex`
// applies them to the past.
func (s *Store) Configure(ctx context.Context, tax categorize.Taxonomy, rules []categorize.Rule) error {
	if err := tax.Validate(); err != nil {
		return fmt.Errorf("taxonomy: %w", err)
	}
	s.cats.mu.Lock()
	s.cats.tax, s.cats.rules, s.cats.cat = tax, rules, nil
	s.cats.mu.Unlock()
	return nil
}

// Taxonomy returns the categories in use.
func (s *Store) Taxonomy() categorize.Taxonomy {
	s.cats.mu.Lock()
	defer s.cats.mu.Unlock()
	return s.cats.tax
}

func (s *Store) corrections(ctx context.Context) ([]categorize.Example, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT category, subject, text FROM category_corrections ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read corrections: %w", err)
	}
	defer rows.Close()
	var ex []categorize.Example
	for rows.Next() {
		var e categorize.Example
		if err := rows.Scan(&e.Category, &e.Subject, &e.Text); err != nil {
			return nil, err
		}
		ex = append(ex, e)
	}
	return ex, rows.Err()
}

// SetCategory records a reader's correction of a thread's category: the thread keeps it from
// now on (reindex included), and the classifier is retrained with the thread's opening message
// as a new example.
func (s *Store) SetCategory(ctx context.Context, key, category string) error {
	if !hasCategory(s.Taxonomy(), category) {
		return fmt.Errorf("unknown category %q: `listdigest categories` lists them", category)
	}
	tid, err := s.ResolveRef(ctx, key)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	reason, _ := json.Marshal(categorize.Result{Category: category, Layer: "manual", Reason: "set by the reader", Confidence: 1})
	if _, err := tx.ExecContext(ctx, `INSERT INTO category_corrections (thread_key, message_id, category, subject, text, created_at)
		SELECT t.key, m.message_id, ?, m.subject, substr(m.body_text, 1, 4000), ? FROM threads t JOIN messages m ON m.id = t.opening_id
		WHERE t.id = ?`, category, s.Now().UTC().Unix(), tid); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET category = ?, category_layer = 'manual', category_reason = ?,
		category_manual = 1 WHERE id = ?`, category, string(reason), tid); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.untrain() // the correction is a new training example
	return nil
}

func hasCategory(t categorize.Taxonomy, slug string) bool {
	for _, c := range t.Categories {
		if c.Slug == slug {
			return true
		}
	}
	return false
}
