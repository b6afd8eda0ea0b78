// Package ingest turns raw messages into stored ones. It is the one path every message takes,
// from IMAP sync and from archive import alike: parse (in parallel), filter to the configured
// lists, compress, and store batch by batch.
//
// Concurrency: a source goroutine (the IMAP fetch or the archive reader) sends batches; Run
// parses each batch on Workers goroutines while the previous batch is being written, and writes
// batches strictly in order, each in one transaction with its checkpoint. So fetch, parse and
// store overlap, memory is bounded by a few batches, and a crash loses at most the batches not
// yet committed, whose checkpoint was not written either: they are fetched again.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"listdigest/internal/mailparse"
	"listdigest/internal/store"
)

// Raw is one message as it arrived.
type Raw struct {
	Data    []byte
	Loc     store.Location
	Arrival time.Time
}

// Batch is a run of messages and, for IMAP, the checkpoint that covers all of them.
type Batch struct {
	Items      []Raw
	Checkpoint *store.Checkpoint
}

// Stats counts what a run did.
type Stats struct {
	Seen       int   // messages received from the source
	Added      int   // new messages stored
	Duplicates int   // copies of known messages (location recorded)
	Errors     int   // new messages stored with a parse error
	Skipped    int   // not list mail, or not one of the configured lists
	Bytes      int64 // raw bytes received
}

func (s *Stats) add(r store.AddResult) {
	s.Added += r.Added
	s.Duplicates += r.Duplicates
	s.Errors += r.Errors
}

// Pipeline parses and stores batches.
type Pipeline struct {
	Store *store.Store
	Log   *slog.Logger
	// MaxSize is the parser's size cap (0: mailparse.DefaultMaxSize).
	MaxSize int64
	// Keep decides whether a parsed message is stored; nil keeps everything.
	Keep func(*mailparse.Message, error) bool
	// Workers parse in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each stored batch with the running totals.
	Progress func(Stats)
	// Now is the parser's clock; nil means time.Now.
	Now func() time.Time
}

// KeepLists returns a Keep function for the configured list patterns: with no patterns, every
// message recognised as list mail; with patterns, those whose list identity matches one.
// A message whose parse failed and whose list is unknown is kept: it arrived, and it may be
// list mail we could not read, so it is stored with its error rather than silently dropped.
func KeepLists(patterns []string) func(*mailparse.Message, error) bool {
	return func(m *mailparse.Message, err error) bool {
		if m.List.ID == "" {
			return err != nil
		}
		if len(patterns) == 0 {
			return true
		}
		return mailparse.MatchList(patterns, m.List)
	}
}

type parsed struct {
	items []store.Incoming
	cp    *store.Checkpoint
	seen  int
	bytes int64
	err   error
}

// Run consumes batches until in is closed or ctx ends, and returns what it did. On a store
// error it stops, drains in (so the sender never blocks) and returns the error; everything
// committed before stays committed.
func (p *Pipeline) Run(ctx context.Context, in <-chan Batch) (Stats, error) {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make(chan parsed) // one batch parsed ahead of the one being written
	go func() {
		defer close(out)
		for b := range in {
			if ctx.Err() != nil {
				continue // drain: the sender never blocks
			}
			out <- p.parseBatch(b, workers)
		}
	}()

	var st Stats
	var firstErr error
	for pb := range out {
		if firstErr != nil {
			continue // drain
		}
		st.Seen += pb.seen
		st.Bytes += pb.bytes
		st.Skipped += pb.seen - len(pb.items)
		if len(pb.items) == 0 && pb.cp == nil {
			continue
		}
		// A batch parsed is committed even if a shutdown begins meanwhile: finishing the batch
		// in hand keeps a stop from wasting the fetch, and at most two batches are in hand.
		res, err := p.Store.AddMessages(context.WithoutCancel(ctx), pb.items, pb.cp)
		if err != nil {
			firstErr = err
			continue
		}
		st.add(res)
		if p.Progress != nil {
			p.Progress(st)
		}
	}
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return st, firstErr
}

// parseBatch parses and compresses the items of one batch on several goroutines, keeping order.
func (p *Pipeline) parseBatch(b Batch, workers int) parsed {
	results := make([]*store.Incoming, len(b.Items))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(b.Items); i += workers {
				results[i] = p.parseOne(b.Items[i])
			}
		}(w)
	}
	wg.Wait()
	pb := parsed{cp: b.Checkpoint, seen: len(b.Items)}
	for i, r := range results {
		pb.bytes += int64(len(b.Items[i].Data))
		if r != nil {
			pb.items = append(pb.items, *r)
		}
	}
	return pb
}

// parseOne parses one message. A panic in the parser must not take ingest down: the message
// is then stored raw with the panic as its error.
func (p *Pipeline) parseOne(r Raw) (in *store.Incoming) {
	defer func() {
		if v := recover(); v != nil {
			p.logger().Error("parser panic", "location", r.Loc.Path, "uid", r.Loc.UID, "panic", v, "stack", string(debug.Stack()))
			m := &mailparse.Message{MessageID: rawID(r.Data), Synthetic: true, Date: r.Arrival.UTC(), DateSource: "arrival", Size: len(r.Data)}
			in = &store.Incoming{Msg: m, Raw: r.Data, ParseErr: fmt.Errorf("parser panic: %v", v), Loc: r.Loc, Arrival: r.Arrival}
			in.Packed, _ = store.Pack(r.Data)
		}
	}()
	m, err := mailparse.Parse(r.Data, mailparse.Options{MaxSize: p.MaxSize, Arrival: r.Arrival, Now: p.Now})
	if p.Keep != nil && !p.Keep(m, err) {
		return nil
	}
	packed, perr := store.Pack(r.Data)
	if perr != nil {
		packed = nil // AddMessages retries and reports it
	}
	in = &store.Incoming{Msg: m, Raw: r.Data, Packed: packed, ParseErr: err, Loc: r.Loc, Arrival: r.Arrival}
	p.Store.Understand(in) // categorising needs no database: do it here, in parallel
	return in
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.New(slog.DiscardHandler)
}

// rawID is the last-resort identity of a message the parser could not even look at:
// a hash of its bytes, so a redelivery of the same bytes is still recognised.
func rawID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16]) + "@raw.listdigest.invalid"
}
