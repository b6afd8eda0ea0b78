package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/store"
)

// openConfiguredStore opens the database and applies the configuration's taxonomy and rules,
// so that every command categorises the way the daemon does. cfg may be nil: the
// configuration is then loaded if there is one (an explicit --config must exist).
func (e *env) openConfiguredStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if cfg == nil {
		c, err := e.loadConfig()
		if err != nil && (e.configPath != "" || !errors.Is(err, os.ErrNotExist)) {
			return nil, err
		}
		cfg = c
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		tax, rules, err := cfg.Categorizing()
		if err != nil {
			st.Close()
			return nil, err
		}
		if err := st.Configure(ctx, tax, rules); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// runCategorize records a reader's category for a thread and retrains the classifier.
func runCategorize(ctx context.Context, e *env, args []string) error {
	fs := e.flags("categorize")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return &usageError{"usage: listdigest categorize THREAD CATEGORY (THREAD: a thread id from `listdigest threads` or any Message-ID in it; categories: `listdigest categories`)"}
	}
	st, err := e.openConfiguredStore(ctx, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetCategory(ctx, rest[0], rest[1]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "thread %s is now %s; the classifier learnt from it (run `listdigest reindex` to recategorise older threads)\n", rest[0], rest[1])
	return nil
}

// runCategories lists the taxonomy in use.
func runCategories(ctx context.Context, e *env, args []string) error {
	fs := e.flags("categories")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	st, err := e.openConfiguredStore(ctx, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, c := range st.Taxonomy().Categories {
		kw := ""
		if len(c.Keywords) > 0 {
			kw = "  keywords: " + strings.Join(c.Keywords, ", ")
		}
		digest := ""
		if !c.Digest {
			digest = "  (kept out of digests)"
		}
		fmt.Fprintf(e.stdout, "%-15s %s%s%s\n", c.Slug, c.Name, kw, digest)
	}
	return nil
}

// runExplain prints why a thread got its category and how each message joined it.
func runExplain(ctx context.Context, e *env, args []string) error {
	fs := e.flags("explain")
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return &usageError{"usage: listdigest explain THREAD (a thread id from `listdigest threads` or any Message-ID in it)"}
	}
	st, err := e.openStore(ctx, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := st.Explain(ctx, rest[0])
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ex)
	}
	w := e.stdout
	t := ex.Thread
	fmt.Fprintf(w, "thread %s: %q\n", t.ID, t.Subject)
	fmt.Fprintf(w, "  lists: %s; %d messages, %s to %s\n", strings.Join(t.ListIDs, ", "), len(t.MessageIDs),
		t.FirstAt.Format(time.DateOnly), t.LastAt.Format(time.DateOnly))
	how := ex.Category.Layer
	if ex.Manual {
		how = "set by the reader"
	}
	fmt.Fprintf(w, "category: %s (%s)\n  %s\n", ex.Category.Category, how, ex.Category.Reason)
	if len(ex.Category.Words) > 0 {
		var ws []string
		for _, x := range ex.Category.Words {
			ws = append(ws, fmt.Sprintf("%s %+.2f", x.Term, x.Weight))
		}
		fmt.Fprintf(w, "  words that weighed most: %s\n", strings.Join(ws, ", "))
	}
	if t.Answers != nil {
		fmt.Fprintf(w, "answers TARGET thread %s: %s\n", *t.Answers, ex.LinkReason)
	}
	if len(t.AnsweredBy) > 0 {
		fmt.Fprintf(w, "answered by HIT thread(s): %s\n", strings.Join(t.AnsweredBy, ", "))
	}
	fmt.Fprintln(w, "messages:")
	for _, m := range ex.Messages {
		fmt.Fprintf(w, "  %s  %s  %q\n    <%s> %s: %s\n", m.Date.Format("2006-01-02 15:04"), m.From, m.Subject, m.MessageID, m.Method, m.Reason)
		if m.Noise {
			fmt.Fprintf(w, "    noise, kept out of digests: %s\n", m.NoiseReason)
		}
	}
	return nil
}
