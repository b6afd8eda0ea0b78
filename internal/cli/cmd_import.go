package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"listdigest/internal/archive"
	"listdigest/internal/config"
	"listdigest/internal/ingest"
	"listdigest/internal/store"
)

// importBatch bounds one import transaction by count and bytes.
const (
	importBatchCount = 500
	importBatchBytes = 32 << 20
)

// maxReadErrors stops an import whose archive fails on every message.
const maxReadErrors = 1000

// runImport reads archives through the same pipeline as sync.
func runImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("import")
	lists := fs.String("lists", "", "keep only these comma-separated list `patterns` (default: keep every message)")
	paths, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return &usageError{"name at least one mbox file, Maildir or .eml file: listdigest import PATH..."}
	}
	var cfg *config.Config
	if e.dbPath == "" {
		if cfg, err = e.loadConfig(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	p := &ingest.Pipeline{Store: st, Log: e.log, MaxSize: maxMessageSize(cfg), Now: e.now}
	if *lists != "" {
		p.Keep = ingest.KeepLists(strings.Split(*lists, ","))
	}
	stats, err := importPaths(ctx, e, p, paths)
	fmt.Fprintf(e.stdout, "imported %d new, %d already stored, %s, %d skipped (%.1f MB)\n",
		stats.Added, stats.Duplicates, plural(stats.Errors, "parse error"), stats.Skipped, float64(stats.Bytes)/1e6)
	if stats.Errors > 0 {
		fmt.Fprintln(e.stdout, "messages that could not be parsed are stored as received: `listdigest messages --errors` lists them")
	}
	return err
}

// importPaths feeds the archives to the pipeline in batches, with a progress line on a terminal.
func importPaths(ctx context.Context, e *env, p *ingest.Pipeline, paths []string) (ingest.Stats, error) {
	r, err := archive.OpenAll(paths)
	if err != nil {
		return ingest.Stats{}, err
	}
	defer r.Close()
	bar := newProgress(e.stderr)
	p.Progress = func(s ingest.Stats) {
		done, total := r.Progress()
		bar.update(done, total, s.Seen)
	}
	batches := make(chan ingest.Batch, 1)
	var stats ingest.Stats
	var perr error
	finished := make(chan struct{})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(finished)
		stats, perr = p.Run(ctx, batches)
		if perr != nil {
			cancel()
		}
	}()
	rerr := readBatches(ctx, e, r, batches)
	close(batches)
	<-finished
	bar.finish()
	if perr != nil {
		return stats, perr
	}
	return stats, rerr
}

func readBatches(ctx context.Context, e *env, r archive.Reader, out chan<- ingest.Batch) error {
	var b ingest.Batch
	var size int
	flush := func() error {
		if len(b.Items) == 0 {
			return nil
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b, size = ingest.Batch{}, 0
		return nil
	}
	errorsInRow := 0
	for {
		it, err := r.Next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			// One unreadable message or file does not stop the import.
			e.log.Warn("skip unreadable archive entry", "error", err)
			if errorsInRow++; errorsInRow >= maxReadErrors {
				return fmt.Errorf("giving up after %d unreadable entries in a row: %w", errorsInRow, err)
			}
			continue
		}
		errorsInRow = 0
		b.Items = append(b.Items, ingest.Raw{Data: it.Raw, Arrival: it.Arrival, Loc: store.Location{Source: "import", Path: it.Location}})
		size += len(it.Raw)
		if len(b.Items) >= importBatchCount || size >= importBatchBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// progress draws a one-line progress bar on a terminal and nothing elsewhere.
type progress struct {
	mu    sync.Mutex // sync --once draws from one goroutine per mailbox
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (p *progress) update(done, total int64, msgs int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	const width = 30
	filled := min(width, int(pct/100*width))
	rate := float64(msgs) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r[%s%s] %5.1f%%  %.1f/%.1f MB  %d messages  %.0f/s ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, float64(done)/1e6, float64(total)/1e6, msgs, rate)
}

// updateCount draws a bar counted in messages, for what has a known message count.
func (p *progress) updateCount(label string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := width * done / max(total, 1)
	rate := float64(done) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d messages  %.0f/s ", label,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, rate)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
	p.last = time.Time{}
}

// maxMessageSize is the configured parser cap, or 0 (the parser's default) without a configuration.
func maxMessageSize(cfg *config.Config) int64 {
	if cfg == nil {
		return 0
	}
	return int64(cfg.Database.MaxMessageSize)
}
