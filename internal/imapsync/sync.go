package imapsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"listdigest/internal/ingest"
	"listdigest/internal/store"
)

// hardCap bounds how much of one message is read into memory. Beyond it the rest of the
// literal is discarded; the parser's own cap (25 MB by default) is far below, so such a
// message is stored as its headers and first text part in any case.
const hardCap = 128 << 20

// Syncer synchronises one account into the store.
type Syncer struct {
	Account  *Account
	Store    *store.Store
	Pipeline *ingest.Pipeline
	Log      *slog.Logger
	// SyncFlags reads \Flagged from the server after each folder sync: a message the reader
	// flags in their mail client flags its thread for FlagOwner (a recipient address, or ""
	// for the local reader).
	SyncFlags bool
	FlagOwner string
	// PushFlags sets and clears \Flagged on the server to match the owner's flags set in
	// listdigest (CLI, digest links). It needs the folder opened read-write; \Seen is never
	// touched.
	PushFlags bool
	// Observe, when set, hears the outcome of every sync pass, including a connection or
	// login that failed before it (with zero stats): the daemon's metrics.
	Observe func(st ingest.Stats, elapsed time.Duration, err error)
	// Progress, when set, hears after each stored batch how many of a folder's new messages
	// are done (a progress bar for long first syncs).
	Progress func(folder string, done, total int)
}

func (s *Syncer) observe(st ingest.Stats, start time.Time, err error) {
	if s.Observe != nil {
		s.Observe(st, time.Since(start), err)
	}
}

// SyncOnce connects, synchronises every folder and logs out.
func (s *Syncer) SyncOnce(ctx context.Context) (ingest.Stats, error) {
	start := time.Now()
	cn, err := dial(ctx, s.Account)
	if err != nil {
		s.observe(ingest.Stats{}, start, err)
		return ingest.Stats{}, err
	}
	defer cn.logout()
	st, _, err := s.syncFolders(ctx, cn)
	s.observe(st, start, err)
	return st, err
}

// syncFolders syncs every folder and returns the totals and the folders that synced cleanly.
func (s *Syncer) syncFolders(ctx context.Context, cn *conn) (ingest.Stats, []string, error) {
	var total ingest.Stats
	var good []string
	var errs []error
	for _, f := range s.Account.Folders {
		st, err := s.syncFolder(ctx, cn, f)
		total.Seen += st.Seen
		total.Added += st.Added
		total.Duplicates += st.Duplicates
		total.Errors += st.Errors
		total.Skipped += st.Skipped
		total.Bytes += st.Bytes
		if err != nil {
			if rerr := s.Store.RecordSyncError(ctx, s.Account.Name, f, err.Error()); rerr != nil {
				s.Log.Warn("record sync error", "folder", f, "error", rerr)
			}
			var ie *imap.Error
			if errors.As(err, &ie) && !cn.broken() {
				errs = append(errs, &FolderError{Folder: f, Err: err})
				continue
			}
			errs = append(errs, fmt.Errorf("folder %q: %w", f, err))
			if cn.broken() {
				break // the connection is gone; the remaining folders wait for the retry
			}
			continue
		}
		good = append(good, f)
	}
	return total, good, errors.Join(errs...)
}

// FolderError is a folder the server refused to open or search (it does not exist, or access
// was denied) while the connection itself stayed healthy. The other folders are unaffected,
// so the daemon reports it and keeps its schedule instead of backing off.
type FolderError struct {
	Folder string
	Err    error
}

func (e *FolderError) Error() string {
	return fmt.Sprintf("folder %q: %v (check mailboxes[].folders; `listdigest sync --once -v` shows the server's answer)", e.Folder, e.Err)
}

func (e *FolderError) Unwrap() error { return e.Err }

// onlyFolderErrors reports whether every error joined in err is a FolderError.
func onlyFolderErrors(err error) bool {
	if err == nil {
		return false
	}
	var fe *FolderError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !errors.As(e, &fe) {
				return false
			}
		}
		return true
	}
	return errors.As(err, &fe)
}

// syncFolder brings one folder up to date.
func (s *Syncer) syncFolder(ctx context.Context, cn *conn, folder string) (_ ingest.Stats, err error) {
	log := s.Log.With("folder", folder)
	cp, err := s.Store.Checkpoint(ctx, s.Account.Name, folder)
	if err != nil {
		return ingest.Stats{}, err
	}
	cn.wd.kick()
	condstore := s.SyncFlags && cn.c.Caps().Has(imap.CapCondStore)
	sel, err := cn.c.Select(folder, &imap.SelectOptions{ReadOnly: true, CondStore: condstore}).Wait()
	if err != nil {
		return ingest.Stats{}, fmt.Errorf("examine: %w", cn.wd.explain(err))
	}
	if s.SyncFlags {
		// After the new messages are stored, so that their locations are known.
		defer func() {
			if err == nil {
				err = s.syncFlags(ctx, cn, folder, sel)
			}
		}()
	}
	if sel.UIDValidity != cp.UIDValidity {
		if cp.UIDValidity != 0 {
			log.Warn("UIDVALIDITY changed: resynchronising the folder; known messages are deduplicated by Message-ID",
				"old_uidvalidity", cp.UIDValidity, "new_uidvalidity", sel.UIDValidity)
		}
		cp.UIDValidity, cp.LastUID = sel.UIDValidity, 0
		if err := s.Store.SaveCheckpoint(ctx, cp); err != nil {
			return ingest.Stats{}, err
		}
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= cp.LastUID+1) {
		return ingest.Stats{}, s.Store.SaveCheckpoint(ctx, cp)
	}

	cn.wd.kick()
	var set imap.UIDSet
	set.AddRange(imap.UID(cp.LastUID+1), 0)
	found, err := cn.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return ingest.Stats{}, fmt.Errorf("search new messages: %w", cn.wd.explain(err))
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		// "UID n:*" always matches the highest UID, even when it is below n.
		if uint32(u) > cp.LastUID {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	if len(uids) == 0 {
		return ingest.Stats{}, s.Store.SaveCheckpoint(ctx, cp)
	}
	log.Info("fetch new messages", "count", len(uids), "after_uid", cp.LastUID)

	fetchCtx, cancel := context.WithCancel(ctx) // not ctx: the deferred flag sync needs it after this
	defer cancel()
	batches := make(chan ingest.Batch) // unbuffered: fetch, parse and store still overlap
	var st ingest.Stats
	var perr error
	done := make(chan struct{})
	pipeline := s.Pipeline
	if s.Progress != nil {
		p := *s.Pipeline
		p.Progress = func(st ingest.Stats) { s.Progress(folder, st.Seen, len(uids)) }
		pipeline = &p
	}
	go func() {
		defer close(done)
		st, perr = pipeline.Run(fetchCtx, batches)
		if perr != nil {
			cancel() // stop fetching what we could not store
		}
	}()
	ferr := s.fetch(fetchCtx, cn, cp, uids, batches)
	close(batches)
	<-done
	if perr != nil {
		return st, fmt.Errorf("store: %w", perr)
	}
	return st, ferr
}

// fetch streams the bodies of uids in batches into out. Each batch carries the checkpoint
// up to which every requested UID has been received.
func (s *Syncer) fetch(ctx context.Context, cn *conn, cp store.Checkpoint, uids []imap.UID, out chan<- ingest.Batch) error {
	size := s.Account.batchSize()
	for start := 0; start < len(uids); start += size {
		chunk := uids[start:min(start+size, len(uids))]
		if err := s.fetchChunk(ctx, cn, cp, chunk, out); err != nil {
			return err
		}
	}
	return nil
}

func (s *Syncer) fetchChunk(ctx context.Context, cn *conn, cp store.Checkpoint, chunk []imap.UID, out chan<- ingest.Batch) error {
	var set imap.UIDSet
	set.AddNum(chunk...)
	cn.wd.kick()
	cmd := cn.c.Fetch(set, &imap.FetchOptions{
		UID:          true,
		InternalDate: true,
		BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
	})
	received := make(map[imap.UID]bool, len(chunk))
	next := 0 // chunk[:next] are all received
	var batch ingest.Batch
	var batchBytes int64
	send := func(final bool) error {
		for next < len(chunk) && (final || received[chunk[next]]) {
			next++
		}
		if next == 0 && len(batch.Items) == 0 {
			return nil
		}
		c := cp
		if next > 0 {
			c.LastUID = uint32(chunk[next-1])
		}
		batch.Checkpoint = &c
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch, batchBytes = ingest.Batch{}, 0
		return nil
	}
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		raw, uid, date, err := readMessage(msg)
		cn.wd.kick()
		if err != nil {
			cmd.Close()
			return fmt.Errorf("fetch: %w", cn.wd.explain(err))
		}
		if uid == 0 || raw == nil {
			continue // a FETCH we did not ask for, or a body the server could not give
		}
		received[uid] = true
		batch.Items = append(batch.Items, ingest.Raw{
			Data:    raw,
			Arrival: date,
			Loc:     store.Location{Source: s.Account.Name, Folder: cp.Folder, UIDValidity: cp.UIDValidity, UID: uint32(uid)},
		})
		batchBytes += int64(len(raw))
		if batchBytes >= s.Account.batchBytes() {
			if err := send(false); err != nil {
				cmd.Close()
				return err
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("fetch: %w", cn.wd.explain(err))
	}
	// UIDs the server did not return were expunged meanwhile: the checkpoint may pass them.
	return send(true)
}

// readMessage reads one FETCH response, consuming its body before returning as go-imap's
// streaming API requires.
func readMessage(msg *imapclient.FetchMessageData) (raw []byte, uid imap.UID, date time.Time, err error) {
	for {
		item := msg.Next()
		if item == nil {
			return raw, uid, date, nil
		}
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = item.UID
		case imapclient.FetchItemDataInternalDate:
			date = item.Time
		case imapclient.FetchItemDataBodySection:
			if item.Literal == nil {
				continue
			}
			raw, err = readLiteral(item.Literal)
			if err != nil {
				return nil, uid, date, err
			}
		}
	}
}

func readLiteral(lit imap.LiteralReader) ([]byte, error) {
	// The literal's size is known: read exactly that much into one allocation.
	n := min(lit.Size(), hardCap)
	buf := make([]byte, n)
	if _, err := io.ReadFull(lit, buf); err != nil {
		return nil, err
	}
	if lit.Size() > hardCap {
		if _, err := io.Copy(io.Discard, lit); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// syncFlags reads which messages carry \Flagged and hands the changes to the store. With
// CONDSTORE only messages changed since the last flag sync are fetched (nothing at all when
// HIGHESTMODSEQ has not moved); otherwise FLAGS of the whole folder, which is small.
func (s *Syncer) syncFlags(ctx context.Context, cn *conn, folder string, sel *imap.SelectData) error {
	if sel.NumMessages == 0 {
		return nil
	}
	since, err := s.Store.HighestModSeq(ctx, s.Account.Name, folder)
	if err != nil {
		return err
	}
	if sel.HighestModSeq != 0 && since == sel.HighestModSeq {
		return s.pushOwnFlags(ctx, cn, folder, sel.UIDValidity) // nothing changed on the server
	}
	opts := &imap.FetchOptions{UID: true, Flags: true}
	if sel.HighestModSeq != 0 && since != 0 {
		opts.ChangedSince = since
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	cn.wd.kick()
	cmd := cn.c.Fetch(all, opts)
	flags := map[uint32]bool{}
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect() // FLAGS and UID only: small
		cn.wd.kick()
		if err != nil {
			cmd.Close()
			return fmt.Errorf("fetch flags: %w", cn.wd.explain(err))
		}
		flags[uint32(buf.UID)] = slices.Contains(buf.Flags, imap.FlagFlagged)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("fetch flags: %w", cn.wd.explain(err))
	}
	on, off, err := s.Store.ApplyServerFlags(ctx, s.FlagOwner, store.ServerFlags{Mailbox: s.Account.Name, Folder: folder,
		UIDValidity: sel.UIDValidity, Flagged: flags, HighestModSeq: sel.HighestModSeq})
	if on+off > 0 {
		s.Log.Info("flags from the mail client", "folder", folder, "flagged", on, "unflagged", off)
	}
	if err != nil {
		return err
	}
	return s.pushOwnFlags(ctx, cn, folder, sel.UIDValidity)
}

func (s *Syncer) pushOwnFlags(ctx context.Context, cn *conn, folder string, uidvalidity uint32) error {
	if !s.PushFlags {
		return nil
	}
	return s.pushFlags(ctx, cn, folder, uidvalidity)
}

// pushFlags makes \Flagged on the server match the owner's flags in listdigest.
func (s *Syncer) pushFlags(ctx context.Context, cn *conn, folder string, uidvalidity uint32) error {
	add, remove, err := s.Store.FlagPushes(ctx, s.FlagOwner, s.Account.Name, folder, uidvalidity)
	if err != nil || len(add)+len(remove) == 0 {
		return err
	}
	cn.wd.kick()
	// Read-write only now, and only for STORE of \Flagged: the rest of the sync stays EXAMINE.
	if _, err := cn.c.Select(folder, nil).Wait(); err != nil {
		return fmt.Errorf("select %q to set flags: %w", folder, cn.wd.explain(err))
	}
	for _, op := range []struct {
		uids []uint32
		op   imap.StoreFlagsOp
		on   bool
	}{{add, imap.StoreFlagsAdd, true}, {remove, imap.StoreFlagsDel, false}} {
		if len(op.uids) == 0 {
			continue
		}
		var set imap.UIDSet
		for _, u := range op.uids {
			set.AddNum(imap.UID(u))
		}
		cn.wd.kick()
		if err := cn.c.Store(set, &imap.StoreFlags{Op: op.op, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
			return fmt.Errorf("store \\Flagged: %w", cn.wd.explain(err))
		}
		if err := s.Store.MarkServerFlagged(ctx, s.Account.Name, folder, uidvalidity, op.uids, op.on); err != nil {
			return err
		}
	}
	s.Log.Info("flags set in the mail client", "folder", folder, "flagged", len(add), "unflagged", len(remove))
	return nil
}
