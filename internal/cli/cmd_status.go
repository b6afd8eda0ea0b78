package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/dispatch"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// runStatus prints what the daemon is doing: each mailbox and folder with its last sync and
// error, the stored mail, when each recipient's next digest goes, and the recent digests. It
// reads the database only, so it is safe while the daemon runs.
func runStatus(ctx context.Context, e *env, args []string) error {
	fs := e.flags("status")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if errors.Is(err, os.ErrNotExist) && e.configPath == "" {
		cfg, err = nil, nil // a database alone: no schedules to show
	}
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	w := e.stdout
	now := e.now()
	c, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "database %s: %d messages in %d threads, %d stored unparsed\n", st.Path(), c.Messages, c.Threads, c.Errors)
	if err := statusMailboxes(ctx, w, cfg, st, now); err != nil {
		return err
	}
	if cfg != nil && len(cfg.Recipients) > 0 {
		fmt.Fprintln(w, "\nnext digests:")
		for _, rc := range cfg.Recipients {
			fmt.Fprintf(w, "  %-28s %s\n", rc.Address, nextDigest(ctx, st, rc, now))
		}
	}
	ds, err := st.RecentDigests(ctx, 20)
	if err != nil {
		return err
	}
	if len(ds) > 0 {
		fmt.Fprintln(w, "\ndigests (newest first):")
	}
	for _, d := range ds {
		fmt.Fprintf(w, "  %s  %-28s %-8s %d threads, %d words", d.Slot.Local().Format("2006-01-02 15:04"), d.Recipient, d.State, d.Threads, d.Words)
		if d.State == store.DigestRetry {
			fmt.Fprintf(w, ", retry at %s", d.NextAttemptAt.Local().Format("15:04"))
		}
		fmt.Fprintln(w)
		if d.LastError != "" && d.State != store.DigestSent {
			fmt.Fprintf(w, "    %s\n", d.LastError)
		}
	}
	return nil
}

// statusMailboxes lists every folder the database knows, and configured mailboxes that have
// never synced.
func statusMailboxes(ctx context.Context, w io.Writer, cfg *config.Config, st *store.Store, now time.Time) error {
	folders, err := st.SyncStates(ctx)
	if err != nil {
		return err
	}
	synced := map[string]bool{}
	for _, f := range folders {
		synced[f.Mailbox] = true
	}
	var never []string
	if cfg != nil {
		for _, m := range cfg.Mailboxes {
			if !synced[m.Name] {
				never = append(never, m.Name)
			}
		}
	}
	if len(folders)+len(never) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nmailboxes:")
	for _, f := range folders {
		line := fmt.Sprintf("  %s/%s: up to UID %d", f.Mailbox, f.Folder, f.LastUID)
		if !f.LastSync.IsZero() {
			line += fmt.Sprintf(", synced %s (%s ago)", f.LastSync.Local().Format("2006-01-02 15:04"), ago(now.Sub(f.LastSync)))
		}
		if cfg != nil {
			if _, ok := cfg.Mailbox(f.Mailbox); !ok {
				line += " [no longer configured]"
			}
		}
		if f.Disabled {
			line += "\n    STOPPED: " + f.Reason + "\n    (fix the configuration or credentials, then restart the daemon or run `listdigest sync --once`)"
		} else if f.LastError != "" {
			line += "\n    last error: " + f.LastError
		}
		fmt.Fprintln(w, line)
	}
	for _, name := range never {
		fmt.Fprintf(w, "  %s: never synced (listdigest sync --once --mailbox %s)\n", name, name)
	}
	return nil
}

// nextDigest says when a recipient's next digest goes, by the same rule the dispatcher uses.
func nextDigest(ctx context.Context, st *store.Store, rc config.Recipient, now time.Time) string {
	loc, err := rc.Location()
	if err != nil {
		return "bad timezone: " + err.Error()
	}
	sched, err := schedule.Parse(rc.Schedule, loc)
	if err != nil {
		return "bad schedule: " + err.Error()
	}
	at, _, due, err := dispatch.DueDigest(ctx, st, rc.Address, sched, now)
	if err != nil {
		return "unknown: " + err.Error()
	}
	if due {
		return fmt.Sprintf("due now (the %s digest; it goes within a minute while the daemon runs)", at.In(loc).Format("Mon 2 Jan 15:04 MST"))
	}
	if at.IsZero() {
		return "never (the schedule has no future time)"
	}
	return fmt.Sprintf("%s (in %s)", at.In(loc).Format("Mon 2 Jan 15:04 MST"), ago(at.Sub(now)))
}

// ago formats a duration for people: "3 min", "5 h 10 min", "2 days".
func ago(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	default:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
}
