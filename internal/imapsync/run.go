package imapsync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/emersion/go-imap/v2"

	"listdigest/internal/ingest"
)

// Schedule gives the next time a sync is due (robfig/cron's Schedule satisfies it).
type Schedule interface {
	Next(time.Time) time.Time
}

// maxBackoff caps the wait between reconnection attempts.
const maxBackoff = 5 * time.Minute

// backoff is the wait after n consecutive failures: 1 s, 2 s, 4 s ... capped, with ±20% jitter
// so that several mailboxes on one server do not retry in step.
func backoff(n int) time.Duration {
	d := maxBackoff
	if n < 20 {
		d = min(maxBackoff, time.Second<<max(n-1, 0))
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}

// Run keeps the account synchronised until ctx ends: a sync at start, then whenever the
// schedule says, and in between on IDLE notifications when enabled and offered by the server.
// Temporary errors are retried with capped exponential backoff. A permanent error (refused
// credentials, unusable configuration) marks the mailbox disabled in the store, with the
// reason, and ends Run with that error; other mailboxes are unaffected.
func (s *Syncer) Run(ctx context.Context, sched Schedule, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	log := s.Log
	failures := 0
	for {
		err := s.session(ctx, sched, now, func() { failures = 0 })
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			if !sleep(ctx, sched.Next(now()).Sub(now())) {
				return nil
			}
			continue
		}
		if Permanent(err) {
			log.Error("mailbox stopped: fix its configuration or credentials, then restart or run `listdigest sync`", "error", err)
			if derr := s.Store.DisableMailbox(context.WithoutCancel(ctx), s.Account.Name, err.Error()); derr != nil {
				log.Error("record disabled mailbox", "error", derr)
			}
			return err
		}
		failures++
		wait := backoff(failures)
		log.Warn("sync failed, will retry", "error", err, "retry_in", wait.Round(time.Second), "failures", failures)
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// session connects and syncs. Without IDLE it returns nil after one pass; with IDLE it
// stays connected, syncing on new mail and when the schedule comes due, until an error.
func (s *Syncer) session(ctx context.Context, sched Schedule, now func() time.Time, ok func()) error {
	start := time.Now()
	cn, err := dial(ctx, s.Account)
	if err != nil {
		if ctx.Err() == nil {
			s.observe(ingest.Stats{}, start, err)
		}
		return err
	}
	defer cn.logout()
	for {
		st, good, err := s.syncFolders(ctx, cn)
		if ctx.Err() == nil {
			s.observe(st, start, err)
		}
		if onlyFolderErrors(err) {
			s.Log.Error("folders could not be synced; the others were", "error", err)
		} else if err != nil {
			return err
		}
		ok()
		s.Log.Info("synced", "seen", st.Seen, "added", st.Added, "duplicates", st.Duplicates,
			"parse_errors", st.Errors, "skipped", st.Skipped, "bytes", st.Bytes)
		if !s.Account.Idle || !cn.c.Caps().Has(imap.CapIdle) || len(good) == 0 {
			return nil
		}
		if err := s.idle(ctx, cn, good[0], sched.Next(now()).Sub(now())); err != nil {
			return err
		}
		start = time.Now()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// idle waits on folder until the server announces new mail, the wait is over, or ctx ends.
// IDLE watches one folder; the others are synced on the schedule and whenever this one wakes.
func (s *Syncer) idle(ctx context.Context, cn *conn, folder string, wait time.Duration) error {
	// Forget announcements from before the SELECT: the UIDNEXT check below covers that
	// mail, and anything announced from now on is new.
	select {
	case <-cn.newMail:
	default:
	}
	cn.wd.kick()
	sel, err := cn.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("examine %q for idle: %w", folder, cn.wd.explain(err))
	}
	cp, err := s.Store.Checkpoint(ctx, s.Account.Name, folder)
	if err != nil {
		return err
	}
	if sel.UIDValidity != cp.UIDValidity || uint32(sel.UIDNext) > cp.LastUID+1 {
		return nil // mail arrived while we were syncing: go round again now
	}
	cmd, err := cn.c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", cn.wd.explain(err))
	}
	cn.wd.pause() // IDLE is legitimately silent; go-imap restarts it before servers time out
	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	select {
	case <-cn.newMail:
		s.Log.Debug("new mail announced", "folder", folder)
	case <-timer.C:
	case <-ctx.Done():
	case <-cn.c.Closed():
		return errors.New("server closed the connection during idle")
	}
	cn.wd.kick()
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("end idle: %w", cn.wd.explain(err))
	}
	if err := cmd.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("idle: %w", cn.wd.explain(err))
	}
	return nil
}

// sleep waits for d or until ctx ends; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
