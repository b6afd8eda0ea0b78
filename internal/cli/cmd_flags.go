package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/store"
)

// flagOwner is whose flags a command works on: the recipient named by --recipient, else the
// only configured one; with no recipients configured, the local reader ("").
// The configuration it loaded (nil without one) is returned for opening the database.
func (e *env) flagOwner(name string) (addr string, loc *time.Location, cfg *config.Config, err error) {
	cfg, err = e.loadConfig()
	if err != nil && (e.configPath != "" || !errors.Is(err, os.ErrNotExist)) {
		return "", nil, nil, err
	}
	if cfg == nil || len(cfg.Recipients) == 0 {
		if name != "" {
			return "", nil, cfg, &usageError{fmt.Sprintf("--recipient %s: no recipients are configured; flags belong to the local reader", name)}
		}
		return "", time.Local, cfg, nil
	}
	var pick *config.Recipient
	for i, r := range cfg.Recipients {
		if name == "" && len(cfg.Recipients) == 1 || strings.EqualFold(r.Address, name) {
			pick = &cfg.Recipients[i]
		}
	}
	if pick == nil {
		if name == "" {
			return "", nil, cfg, &usageError{fmt.Sprintf("%s has %d recipients: name whose flag it is with --recipient", cfg.Source(), len(cfg.Recipients))}
		}
		return "", nil, cfg, &usageError{fmt.Sprintf("no recipient %q in %s", name, cfg.Source())}
	}
	loc, err = pick.Location()
	return strings.ToLower(pick.Address), loc, cfg, err
}

// parseRemind reads --remind: a duration from now ("3d", "12h", "2w") or a day ("2026-03-10",
// which resurfaces the thread in the digest covering the start of that day in the reader's zone).
func parseRemind(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if day, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return day, nil
	}
	if n := len(s); n > 1 {
		if v, err := strconv.Atoi(s[:n-1]); err == nil && v > 0 {
			switch s[n-1] {
			case 'h':
				return now.Add(time.Duration(v) * time.Hour), nil
			case 'd':
				return now.AddDate(0, 0, v), nil
			case 'w':
				return now.AddDate(0, 0, 7*v), nil
			}
		}
	}
	return time.Time{}, &usageError{fmt.Sprintf("--remind %q: give a duration such as 3d, 12h or 2w, or a day such as 2026-03-10", s)}
}

// runFlag flags a thread for follow-up, with an optional note and reminder.
func runFlag(ctx context.Context, e *env, args []string) error {
	fs := e.flags("flag")
	note := fs.String("note", "", "a note to yourself, shown when the thread comes back")
	remind := fs.String("remind", "", "bring the thread back at this `time`: 3d, 12h, 2w or a day 2026-03-10")
	recipient := fs.String("recipient", "", "whose flag it is (`address`; default: the only recipient, or the local reader)")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return &usageError{"usage: listdigest flag THREAD [--note TEXT] [--remind 3d|2026-03-10] (THREAD: a thread id or any Message-ID in it)"}
	}
	owner, loc, cfg, err := e.flagOwner(*recipient)
	if err != nil {
		return err
	}
	var o store.FlagOptions
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "note" { // given, even empty: an empty note clears the old one
			o.Note = note
		}
	})
	if *remind != "" {
		at, err := parseRemind(*remind, e.now(), loc)
		if err != nil {
			return err
		}
		o.RemindAt = &at
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetFlag(ctx, owner, rest[0], o); err != nil {
		return err
	}
	msg := "flagged " + rest[0] + ": it comes back in your digest on a new reply or a HIT"
	if o.RemindAt != nil {
		msg += ", and on " + o.RemindAt.In(loc).Format("Mon 2 Jan 2006")
	}
	fmt.Fprintln(e.stdout, msg)
	return nil
}

// runUnflag removes a flag; runDone marks the follow-up finished.
func runUnflag(ctx context.Context, e *env, args []string) error {
	return changeFlag(ctx, e, "unflag", args)
}
func runDone(ctx context.Context, e *env, args []string) error {
	return changeFlag(ctx, e, "done", args)
}

func changeFlag(ctx context.Context, e *env, verb string, args []string) error {
	fs := e.flags(verb)
	recipient := fs.String("recipient", "", "whose flag it is (`address`; default: the only recipient, or the local reader)")
	rest, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return &usageError{fmt.Sprintf("usage: listdigest %s THREAD (a thread id or any Message-ID in it)", verb)}
	}
	owner, _, cfg, err := e.flagOwner(*recipient)
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if verb == "done" {
		err = st.MarkDone(ctx, owner, rest[0])
	} else {
		err = st.Unflag(ctx, owner, rest[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", map[string]string{"done": "done", "unflag": "unflagged"}[verb], rest[0])
	return nil
}

// runFlags lists flagged threads with their last activity.
func runFlags(ctx context.Context, e *env, args []string) error {
	fs := e.flags("flags")
	all := fs.Bool("all", false, "include threads marked done")
	recipient := fs.String("recipient", "", "whose flags (`address`; default: the only recipient, or the local reader)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	owner, loc, cfg, err := e.flagOwner(*recipient)
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	flags, err := st.Flags(ctx, owner, *all)
	if err != nil {
		return err
	}
	if len(flags) == 0 {
		fmt.Fprintln(e.stdout, "no flagged threads: flag one with listdigest flag THREAD")
	}
	for _, f := range flags {
		fmt.Fprintf(e.stdout, "%s  %s  %q, %d messages, last activity %s", f.Thread, f.State, f.Subject, f.Messages, f.LastAt.In(loc).Format("Mon 2 Jan 15:04"))
		if f.Answered {
			fmt.Fprint(e.stdout, ", HIT posted")
		}
		if f.RemindAt != nil {
			fmt.Fprintf(e.stdout, ", remind %s", f.RemindAt.In(loc).Format("Mon 2 Jan"))
		}
		fmt.Fprintln(e.stdout)
		if f.Note != "" {
			fmt.Fprintf(e.stdout, "    note: %s\n", f.Note)
		}
	}
	return nil
}
