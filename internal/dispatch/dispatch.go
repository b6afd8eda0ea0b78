package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"listdigest/internal/digest"
	"listdigest/internal/mailer"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// Sender delivers one finished message (mailer.SMTP and mailer.IMAPAppend implement it).
type Sender interface {
	Deliver(ctx context.Context, from string, to []string, msg []byte, date time.Time) error
}

// Deduper is a Sender that can tell whether a message is already delivered (IMAP append can
// search the mailbox for the Message-ID); resumed deliveries check it first.
type Deduper interface {
	Has(ctx context.Context, messageID string) (bool, error)
}

// Target is a recipient with their schedule and delivery.
type Target struct {
	Recipient
	Schedule *schedule.Schedule
	// Sender is nil when no delivery is configured: digests are then recorded as failed with
	// the reason, and can still be previewed.
	Sender Sender
	// From is the digests' From header ("Listdigest <librarian@school.example.edu>").
	From string
}

// Dispatcher sends due digests.
type Dispatcher struct {
	Store   *store.Store
	Targets []Target
	Log     *slog.Logger
	Now     func() time.Time
	// Poll is how often Run looks for due digests; the default is 30 s.
	Poll time.Duration
	// Links, when set, puts signed flag/done/snooze links in every item.
	Links *Links
	// Observe, when set, hears each delivery attempt's outcome (store.DigestSent,
	// DigestRetry or DigestFailed) and how long it took: the daemon's metrics.
	Observe func(state string, elapsed time.Duration)
}

// maxAttempts is how many temporary failures a digest survives before it is given up; the
// reader's next digest then covers its period again.
const maxAttempts = 12

// retryAfter is the wait after n failed attempts: 1, 2, 4 ... minutes, at most an hour.
func retryAfter(n int) time.Duration {
	if n > 6 {
		return time.Hour
	}
	return time.Minute << max(n-1, 0)
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Run calls RunOnce now and then every Poll until ctx ends. Errors are logged: one reader's
// failure never stops the others or the daemon.
func (d *Dispatcher) Run(ctx context.Context) {
	poll := d.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("send digests", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce resumes unfinished deliveries and sends every digest that is due.
func (d *Dispatcher) RunOnce(ctx context.Context) error {
	now := d.now()
	var errs []error
	pending, err := d.Store.UnfinishedDigests(ctx, now)
	if err != nil {
		return err
	}
	for _, rec := range pending {
		t, ok := d.target(rec.Recipient)
		if !ok {
			continue // no longer configured: left as it is, visible in `listdigest status`
		}
		errs = append(errs, d.deliver(ctx, t, rec, true))
	}
	for _, t := range d.Targets {
		slot, from, due, err := DueDigest(ctx, d.Store, t.Address, t.Schedule, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !due {
			continue
		}
		rec, claimed, err := d.Store.ClaimDigest(ctx, t.Address, slot, from, slot)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if claimed {
			errs = append(errs, d.deliver(ctx, t, rec, false))
		}
	}
	return errors.Join(errs...)
}

// DueDigest says whether a recipient's digest is due at now: the latest scheduled time after
// their last digest (slot), and the start of the period it covers (from). A first digest
// covers the day before its slot. When none is due, slot is the next scheduled time.
func DueDigest(ctx context.Context, st *store.Store, addr string, sched *schedule.Schedule, now time.Time) (slot, from time.Time, due bool, err error) {
	start, sentBefore, err := st.PeriodStart(ctx, addr)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	if !sentBefore {
		start = now.Add(-24 * time.Hour) // a first digest covers the last day
	}
	slot, due = sched.Latest(start, now)
	if !due {
		return sched.Next(now), time.Time{}, false, nil
	}
	from = start
	if !sentBefore {
		from = slot.Add(-24 * time.Hour)
	}
	return slot, from, true, nil
}

func (d *Dispatcher) target(addr string) (Target, bool) {
	for _, t := range d.Targets {
		if strings.EqualFold(t.Address, addr) {
			return t, true
		}
	}
	return Target{}, false
}

// deliver composes and sends the digest of one ledger row and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, t Target, rec store.DigestRecord, resumed bool) error {
	log := d.Log.With("recipient", t.Address, "slot", rec.Slot.In(t.reader().Location).Format(time.RFC3339))
	in, err := Assemble(ctx, d.Store, t.Recipient, store.DigestQuery{From: rec.From, To: rec.To})
	if err != nil {
		return err
	}
	d.Links.Add(&in, t.Address, d.now())
	dg := digest.Compose(in)
	summary := store.DigestUpdate{Subject: dg.Subject, Words: dg.Words, Threads: dg.Full + dg.Short + dg.Counted}
	if len(in.Items) == 0 && !t.SendEmpty {
		summary.State = store.DigestSkipped
		log.Info("digest skipped: nothing new", "from", rec.From, "to", rec.To)
		return d.Store.UpdateDigest(ctx, rec.ID, summary)
	}
	if t.Sender == nil {
		summary.State, summary.Error = store.DigestFailed, "no delivery configured: add an smtp section, or set delivery: imap with deliver_mailbox"
		log.Warn("digest not sent", "reason", summary.Error)
		return d.Store.UpdateDigest(ctx, rec.ID, summary)
	}
	if dd, ok := t.Sender.(Deduper); ok && resumed && rec.State == store.DigestSending {
		// A crash came between delivery and the ledger update: look before sending again.
		if has, err := dd.Has(ctx, rec.MessageID); err == nil && has {
			summary.State = store.DigestSent
			log.Info("digest was already delivered before a restart", "message_id", rec.MessageID)
			return d.Store.UpdateDigest(ctx, rec.ID, summary)
		}
	}
	to := t.Address
	if t.Name != "" {
		to = (&mail.Address{Name: t.Name, Address: t.Address}).String()
	}
	msg, err := digest.Message(dg, t.From, to, rec.MessageID, d.now())
	if err != nil {
		return fmt.Errorf("render digest for %s: %w", t.Address, err)
	}
	sending := summary
	sending.State, sending.CountAttempt, sending.Body = store.DigestSending, true, msg
	if err := d.Store.UpdateDigest(ctx, rec.ID, sending); err != nil {
		return err
	}
	envelopeFrom := t.From
	if a, err := mail.ParseAddress(t.From); err == nil {
		envelopeFrom = a.Address
	}
	started := time.Now()
	err = t.Sender.Deliver(ctx, envelopeFrom, []string{t.Address}, msg, d.now())
	defer func() {
		if d.Observe != nil {
			d.Observe(summary.State, time.Since(started))
		}
	}()
	switch {
	case err == nil:
		summary.State = store.DigestSent
		log.Info("digest sent", "subject", dg.Subject, "words", dg.Words, "threads", summary.Threads)
	case mailer.Temporary(err) && rec.Attempts+1 < maxAttempts:
		summary.State, summary.Error = store.DigestRetry, err.Error()
		summary.NextAttemptAt = d.now().Add(retryAfter(rec.Attempts + 1))
		log.Warn("digest delivery failed, will retry", "error", err, "retry_at", summary.NextAttemptAt)
	default:
		summary.State, summary.Error = store.DigestFailed, err.Error()
		log.Error("digest delivery failed for good; the next digest covers this period again", "error", err)
	}
	return d.Store.UpdateDigest(ctx, rec.ID, summary)
}
