package dispatch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"listdigest/internal/digest"

	"listdigest/internal/store"
	"listdigest/internal/thread"
	"listdigest/internal/weblink"
)

// LinkStore applies digest links to the store; it is what the daemon's HTTP listener serves.
type LinkStore struct {
	Store *store.Store
	Now   func() time.Time
}

// Apply flags a thread, marks its follow-up done, or snoozes it (a reminder after the snooze
// time), for the link's recipient. Repeating an action is harmless.
func (l LinkStore) Apply(ctx context.Context, c weblink.Claims) (string, error) {
	var err error
	switch c.Action {
	case weblink.ActionFlag:
		err = l.Store.SetFlag(ctx, c.Recipient, c.Thread, store.FlagOptions{Source: "link"})
	case weblink.ActionDone:
		err = l.Store.MarkDone(ctx, c.Recipient, c.Thread)
		if errors.Is(err, store.ErrNotFlagged) {
			err = nil // unflagged meanwhile: "done" is what the reader has anyway
		}
	case weblink.ActionSnooze:
		at := l.now().Add(c.Snooze)
		err = l.Store.SetFlag(ctx, c.Recipient, c.Thread, store.FlagOptions{Source: "link", RemindAt: &at})
	}
	if err != nil {
		return "", err
	}
	return l.Subject(ctx, c)
}

// Subject names the thread on the confirmation page; it changes nothing.
func (l LinkStore) Subject(ctx context.Context, c weblink.Claims) (string, error) {
	s, err := l.Store.ThreadSubject(ctx, c.Thread)
	return thread.DisplaySubject(s), err
}

func (l LinkStore) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Links makes the signed action links of digest items.
type Links struct {
	Signer *weblink.Signer
	// TTL is how long a link works (default 30 days); Snooze how long "snooze" puts a thread
	// off (default 3 days).
	TTL, Snooze time.Duration
	// ThreadURL, when set (the web UI is served), is the base of each item's "Read" link to
	// the whole thread: ThreadURL + "/t/" + thread id. Unsigned: the UI has its own login.
	ThreadURL string
}

// Add gives each item its links: "flag" on ordinary items; "done" and "snooze" on follow-ups.
// A link that cannot be made is left out: the digest is still sent.
func (l *Links) Add(in *digest.Input, recipient string, now time.Time) {
	if l == nil || l.Signer == nil {
		return
	}
	ttl, snooze := l.TTL, l.Snooze
	if ttl <= 0 {
		ttl = 30 * 24 * time.Hour
	}
	if snooze <= 0 {
		snooze = 72 * time.Hour
	}
	for i := range in.Items {
		it := &in.Items[i]
		mk := func(a weblink.Action, text, label string, d time.Duration) {
			u, err := l.Signer.URL(weblink.Claims{Recipient: recipient, Thread: it.ThreadID, Action: a, Expires: now.Add(ttl), Snooze: d})
			if err == nil {
				it.Links = append(it.Links, digest.Link{Text: text, Label: label, URL: u})
			}
		}
		if l.ThreadURL != "" {
			it.Links = append(it.Links, digest.Link{Text: "Read", Label: "Read the thread", URL: strings.TrimSuffix(l.ThreadURL, "/") + "/t/" + url.PathEscape(it.ThreadID)})
		}
		if it.FollowUp {
			mk(weblink.ActionDone, "Done", "Done", 0)
			mk(weblink.ActionSnooze, "Snooze", "Snooze "+span(snooze), snooze)
		} else {
			mk(weblink.ActionFlag, "Flag", "Flag for follow-up", 0)
		}
	}
}

// span says a snooze length the way a reader would: "3 days", "12 hours".
func span(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	return fmt.Sprintf("%d hours", int(d.Hours()))
}
