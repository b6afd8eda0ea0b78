package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"listdigest/internal/archive"
	"listdigest/internal/sample"
)

// runSample writes sample list mail as a Maildir or an mbox: the bundled week (ending now), or
// a generated corpus of any size. It feeds a test server (the compose file's Dovecot, the
// benchmarks) or `listdigest import`.
func runSample(ctx context.Context, e *env, args []string) error {
	fs := e.flags("sample")
	maildir := fs.String("maildir", "", "write the messages into this Maildir `directory` (created if missing)")
	mbox := fs.String("mbox", "", "write the messages to this mbox `file` (mboxrd; - for stdout)")
	n := fs.Int("messages", 0, "generate this many messages instead of the bundled sample week")
	seed := fs.Uint64("seed", 0, "with --messages, the corpus seed (the same seed gives the same mail)")
	every := fs.Duration("interval", 7*time.Minute, "with --messages, the spacing of their dates; the newest is now")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if (*maildir == "") == (*mbox == "") {
		return &usageError{"give exactly one of --maildir DIR or --mbox FILE"}
	}
	if *n < 0 || *n > 10_000_000 {
		return &usageError{"--messages: use 1 to 10000000"}
	}
	if *every <= 0 {
		return &usageError{"--interval must be positive, e.g. 7m"}
	}
	now := e.now()

	var write func(raw []byte, at time.Time) error
	var finish func() error
	switch {
	case *maildir != "":
		w, err := archive.NewMaildirWriter(*maildir)
		if err != nil {
			return err
		}
		write = func(raw []byte, at time.Time) error { _, err := w.Write(raw, at, false); return err }
		finish = func() error { return nil }
	default:
		out := e.stdout
		var f *os.File
		if *mbox != "-" {
			var err error
			f, err = os.OpenFile(*mbox, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("--mbox: %w (it must not exist yet)", err)
			}
			out = f
		}
		w := archive.NewMboxWriter(out)
		write = func(raw []byte, at time.Time) error { return w.Write(raw, "list-owner@example.org", at) }
		finish = func() error {
			err := w.Flush()
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			return err
		}
	}

	count := 0
	if *n == 0 {
		for _, m := range sample.Week(now) {
			if err := write(m.Data, m.Date); err != nil {
				return err
			}
			count++
		}
	} else {
		start := now.Add(-time.Duration(*n) * *every)
		opts := sample.GenerateOptions{Seed: *seed, Start: start, Interval: *every}
		for i := 0; i < *n; i++ {
			if ctx.Err() != nil {
				finish()
				return ctx.Err()
			}
			if err := write(sample.ListMessage(i, opts), start.Add(time.Duration(i+1)**every)); err != nil {
				finish()
				return err
			}
			count++
		}
	}
	if err := finish(); err != nil {
		return err
	}
	where := *maildir
	if where == "" {
		where = *mbox
	}
	if where != "-" {
		fmt.Fprintf(e.stderr, "listdigest sample: wrote %s to %s\n", plural(count, "message"), where)
	}
	return nil
}
