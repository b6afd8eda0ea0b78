package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"listdigest/internal/mailparse"
	"listdigest/internal/store"
)

// runMessages lists stored messages, or only those stored with a parse error.
func runMessages(ctx context.Context, e *env, args []string) error {
	fs := e.flags("messages")
	errorsOnly := fs.Bool("errors", false, "list only messages that could not be parsed (stored as received)")
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	limit := fs.Int("limit", 0, "print at most `n` messages (0: all)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	st, err := e.openStore(ctx, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(e.stdout)
	n := 0
	err = st.ListMessages(ctx, store.MessageOptions{ErrorsOnly: *errorsOnly, Limit: *limit}, func(m store.MessageSummary) error {
		n++
		if *asJSON {
			return enc.Encode(m)
		}
		from := m.FromName
		if from == "" {
			from = m.FromAddr
		}
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\n", m.ID, m.Date.Format(time.DateOnly), m.ListID, from, m.Subject)
		if m.ParseError != "" {
			fmt.Fprintf(e.stdout, "\terror: %s\n\tfrom: %s\n", m.ParseError, strings.Join(m.Locations, ", "))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !*asJSON && *errorsOnly && n == 0 {
		fmt.Fprintln(e.stdout, "no messages with parse errors")
	}
	return nil
}

// runThreads lists threads; --json is the output contract other tools rely on.
func runThreads(ctx context.Context, e *env, args []string) error {
	fs := e.flags("threads")
	asJSON := fs.Bool("json", false, "print one JSON object per line: id, subject, list_ids, message_ids, first_at, last_at, category, flagged, answers")
	since := fs.Duration("since", 0, "only threads active within this `duration` (e.g. 72h; 0: all)")
	recipient := fs.String("recipient", "", "show this recipient's flags (`address`; default: the only recipient, or the local reader)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	owner, _, cfg, err := e.flagOwner(*recipient)
	if err != nil && *recipient != "" {
		return err
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := store.ThreadOptions{Recipient: owner}
	if *since > 0 {
		opts.Since = e.now().Add(-*since)
	}
	enc := json.NewEncoder(e.stdout)
	return st.ListThreads(ctx, opts, func(t store.Thread) error {
		if *asJSON {
			return enc.Encode(t)
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%3d\t%s\n", t.ID, t.LastAt.Format(time.DateOnly), len(t.MessageIDs), t.Subject)
		return nil
	})
}

// runReindex reparses every stored raw message and rebuilds threads.
func runReindex(ctx context.Context, e *env, args []string) error {
	fs := e.flags("reindex")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, _ := e.loadConfig() // for max_message_size and categories; the database may be given alone
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	maxSize := maxMessageSize(cfg)
	parse := func(raw []byte, arrival time.Time) (*mailparse.Message, error) {
		return mailparse.Parse(raw, mailparse.Options{MaxSize: maxSize, Arrival: arrival, Now: e.now})
	}
	bar := newProgress(e.stderr)
	start := time.Now()
	err = st.Reindex(ctx, parse, func(done, total int64) { bar.update(done, total, int(done)) })
	bar.finish()
	if err != nil {
		return err
	}
	c, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindexed %d messages into %d threads (%d parse errors) in %s\n",
		c.Messages, c.Threads, c.Errors, time.Since(start).Round(time.Millisecond))
	return nil
}
