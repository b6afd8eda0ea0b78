package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/digest"
	"listdigest/internal/dispatch"
	"listdigest/internal/mailer"
	"listdigest/internal/schedule"
	"listdigest/internal/store"
)

// recipientOf turns a configured recipient into the dispatcher's view of it.
func recipientOf(r config.Recipient) (dispatch.Recipient, error) {
	loc, err := r.Location()
	if err != nil {
		return dispatch.Recipient{}, err
	}
	return dispatch.Recipient{Name: r.Name, Address: r.Address, Location: loc, BudgetWords: r.BudgetWords,
		Lists: r.Lists, Categories: r.Categories, Mailboxes: r.Mailboxes, SendEmpty: r.SendEmpty}, nil
}

// runDigest previews a digest without sending it.
func runDigest(ctx context.Context, e *env, args []string) error {
	fs := e.flags("digest")
	preview := fs.Bool("preview", false, "render the digest without sending it (required for now: the daemon sends)")
	recipient := fs.String("recipient", "", "preview the digest of this recipient `address` (default: the first configured, or a default reader)")
	date := fs.String("date", "", "preview the calendar `day` YYYY-MM-DD in the recipient's zone (default: since their last digest)")
	tz := fs.String("tz", "", "time `zone` for --date and for the default reader (default: the recipient's, else Local)")
	format := fs.String("format", "text", "output `format`: text, html or eml")
	budget := fs.Int("budget", 0, "word budget for the default reader (default 476)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if !*preview {
		return &usageError{"add --preview: `listdigest digest --preview` renders a digest; `listdigest run` sends them on schedule"}
	}
	if *format != "text" && *format != "html" && *format != "eml" {
		return &usageError{fmt.Sprintf("--format %q: use text, html or eml", *format)}
	}
	cfg, err := e.loadConfig()
	if err != nil && (e.configPath != "" || !errors.Is(err, os.ErrNotExist)) {
		return err
	}
	r, err := previewRecipient(cfg, *recipient, *tz, *budget)
	if err != nil {
		return err
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	now := e.now()
	q := store.DigestQuery{To: now}
	if *date != "" {
		day, err := time.ParseInLocation(time.DateOnly, *date, r.Location)
		if err != nil {
			return &usageError{fmt.Sprintf("--date %q: write the day as YYYY-MM-DD", *date)}
		}
		q = store.DigestQuery{From: day, To: day.AddDate(0, 0, 1), ByDate: true}
	} else {
		start, ok, err := st.PeriodStart(ctx, r.Address)
		if err != nil {
			return err
		}
		if !ok {
			start = now.Add(-24 * time.Hour)
		}
		q.From = start
	}
	in, err := dispatch.Assemble(ctx, st, r, q)
	if err != nil {
		return err
	}
	from := "Listdigest <listdigest@localhost>"
	if cfg != nil && cfg.SMTP != nil {
		from = cfg.SMTP.From
	}
	return writeDigest(e, digest.Compose(in), *format, from, r.Address, q.To, now)
}

// writeDigest prints a composed digest as plain text (with its subject), HTML, or a complete
// message (eml) with the Message-ID the scheduled digest for that slot would carry.
func writeDigest(e *env, d digest.Digest, format, from, to string, slot, now time.Time) error {
	if to == "" {
		to = "reader@localhost" // the local reader of a database used without recipients
	}
	switch format {
	case "html":
		fmt.Fprint(e.stdout, d.HTML)
	case "eml":
		msg, err := digest.Message(d, from, to, store.DigestMessageID(to, slot), now)
		if err != nil {
			return err
		}
		e.stdout.Write(msg)
	default:
		fmt.Fprintf(e.stdout, "Subject: %s\n\n%s", d.Subject, d.Text)
	}
	return nil
}

// previewRecipient picks the recipient to preview: the one named, the first configured, or a
// default reader (two minutes, every list) in the --tz zone.
func previewRecipient(cfg *config.Config, addr, tz string, budget int) (dispatch.Recipient, error) {
	var loc *time.Location
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return dispatch.Recipient{}, &usageError{fmt.Sprintf("--tz %q is not a known time zone: use an IANA name such as Australia/Sydney", tz)}
		}
		loc = l
	}
	if cfg != nil {
		for _, rc := range cfg.Recipients {
			if addr == "" || strings.EqualFold(rc.Address, addr) {
				r, err := recipientOf(rc)
				if loc != nil {
					r.Location = loc
				}
				if budget > 0 {
					r.BudgetWords = budget
				}
				return r, err
			}
		}
		if addr != "" {
			return dispatch.Recipient{}, &usageError{fmt.Sprintf("no recipient %q in %s", addr, cfg.Source())}
		}
	}
	if loc == nil {
		loc = time.Local
	}
	// addr stays "" for the local reader: that is whose flags a database used alone holds.
	if budget <= 0 {
		budget = config.DefaultBudgetWords
	}
	return dispatch.Recipient{Address: addr, Location: loc, BudgetWords: budget}, nil
}

// dispatcher builds the digest sender for the configured recipients.
func dispatcher(e *env, cfg *config.Config, st *store.Store) (*dispatch.Dispatcher, error) {
	d := &dispatch.Dispatcher{Store: st, Log: e.log.With("component", "digest"), Now: e.now}
	var smtpSender dispatch.Sender
	from := ""
	if cfg.SMTP != nil {
		s := cfg.SMTP
		tc, err := tlsConfig(s.Host, s.TLSCAFile, "smtp.tls_ca_file")
		if err != nil {
			return nil, err
		}
		auth := string(s.Auth)
		if auth == "" {
			auth = "plain"
		}
		smtpSender = &mailer.SMTP{Host: s.Host, Port: s.Port, TLS: string(s.TLS), Username: s.Username, Auth: auth,
			Secret: s.Secret, TLSConfig: tc}
		from = s.From
	}
	for _, rc := range cfg.Recipients {
		r, err := recipientOf(rc)
		if err != nil {
			return nil, err
		}
		sched, err := schedule.Parse(rc.Schedule, r.Location)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("recipients %s: %v", rc.Address, err)}
		}
		t := dispatch.Target{Recipient: r, Schedule: sched, From: from}
		switch rc.Delivery {
		case "imap":
			m, _ := cfg.Mailbox(rc.DeliverMailbox)
			a, err := account(m)
			if err != nil {
				return nil, err
			}
			t.Sender = &mailer.IMAPAppend{Addr: net.JoinHostPort(m.Host, strconv.Itoa(m.Port)), TLS: string(m.TLS),
				TLSConfig: a.TLSConfig, Username: m.Username, Auth: string(m.Auth), Secret: m.Secret, Timeout: m.Timeout}
			if t.From == "" {
				// The digest lands in the reader's own mailbox: from their login when it is an
				// address, else from their own address (a bare login such as "librarian" would
				// make a From header no mail client accepts).
				from := m.Username
				if !strings.Contains(from, "@") {
					from = rc.Address
				}
				t.From = "Listdigest <" + from + ">"
			}
		default:
			if smtpSender != nil {
				t.Sender = smtpSender
			} else {
				e.log.Warn("recipient has no delivery: digests are recorded, not sent; add an smtp section",
					"recipient", rc.Address)
			}
		}
		d.Targets = append(d.Targets, t)
	}
	return d, nil
}
