package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"listdigest/internal/digest"
	"listdigest/internal/dispatch"
	"listdigest/internal/ingest"
	"listdigest/internal/sample"
	"listdigest/internal/store"
)

// runDemo shows the whole job on generated list mail: three days of LM_NET and OZTL_NET go
// through the real pipeline (parse, thread, categorise, link HITs) into a throwaway database,
// and the digest a reader would get this morning is printed. Nothing touches the network.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := e.flags("demo")
	n := fs.Int("messages", 300, "how many sample messages to generate, spread over the last three days")
	format := fs.String("format", "text", "digest `format`: text, html or eml")
	budget := fs.Int("budget", 0, "word budget (default 476: two minutes at 238 words per minute)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "html" && *format != "eml" {
		return &usageError{fmt.Sprintf("--format %q: use text, html or eml", *format)}
	}
	if *n < 1 || *n > 100000 {
		return &usageError{"--messages: use 1 to 100000"}
	}
	path := e.dbPath
	if path == "" {
		dir, err := os.MkdirTemp("", "listdigest-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "demo.db")
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	st.Now = e.now

	now := e.now()
	span := 72 * time.Hour
	opts := sample.GenerateOptions{Start: now.Add(-span), Interval: span / time.Duration(*n)}
	batches := make(chan ingest.Batch)
	go func() {
		defer close(batches)
		var b ingest.Batch
		for i := 0; i < *n; i++ {
			b.Items = append(b.Items, ingest.Raw{Data: sample.ListMessage(i, opts), Arrival: now,
				Loc: store.Location{Source: "demo", Path: fmt.Sprintf("sample#%d", i+1)}})
			if len(b.Items) == 200 || i == *n-1 {
				select {
				case batches <- b:
				case <-ctx.Done():
					return
				}
				b = ingest.Batch{}
			}
		}
	}()
	stats, err := (&ingest.Pipeline{Store: st, Log: e.log, Now: e.now}).Run(ctx, batches)
	if err != nil {
		return err
	}
	c, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "listdigest demo: %d generated LM_NET and OZTL_NET messages from the last three days,\n", stats.Added)
	fmt.Fprintf(e.stdout, "parsed, threaded into %d conversations and categorised. Today's two-minute digest:\n\n", c.Threads)

	r := dispatch.Recipient{Location: time.Local, BudgetWords: *budget} // the local reader
	in, err := dispatch.Assemble(ctx, st, r, store.DigestQuery{From: now.Add(-24 * time.Hour), To: now, ByDate: true})
	if err != nil {
		return err
	}
	d := digest.Compose(in)
	if err := writeDigest(e, d, *format, "Listdigest <listdigest@localhost>", r.Address, now, now); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n(%d words.) This ran on generated mail. For your own lists, copy configs/listdigest.example.yaml\n"+
		"to ~/.config/listdigest/listdigest.yaml, then: listdigest check-config; listdigest sync --once;\n"+
		"listdigest digest --preview; listdigest run. Try --db demo.db to keep this database and explore it\n"+
		"with listdigest threads / explain / digest --preview.\n", d.Words)
	return nil
}
