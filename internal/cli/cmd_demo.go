package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"listdigest/internal/config"
	"listdigest/internal/demoserver"
	"listdigest/internal/mailparse"
	"listdigest/internal/sample"
)

// runDemo shows the whole job with nothing set up. It starts an IMAP server and an SMTP
// server inside the process, on loopback, loads the IMAP server with a week of sample list mail
// (LM_NET, OZTL_NET and a state list), writes a real configuration pointing at them, and then
// runs what the daemon runs: sync over IMAP, parse, thread, categorise, compose the digest and
// submit it over SMTP. It prints the plain-text digest the SMTP server received and writes
// the HTML one to a file. --serve keeps the web UI up over the demo database.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := e.flags("demo")
	n := fs.Int("messages", 0, "instead of the bundled sample week, generate this many messages over the last three days")
	htmlPath := fs.String("html", "", "write the HTML digest to this `file` (default: listdigest-demo-digest.html in the temporary directory)")
	serve := fs.Bool("serve", false, "then keep the web UI up over the demo database until Ctrl-C")
	listen := fs.String("listen", "127.0.0.1:8025", "with --serve, the web UI's `host:port`")
	budget := fs.Int("budget", 0, "word budget (default 476: two minutes at 238 words per minute)")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	if !e.verbose {
		// The demo narrates on stdout; the log says only what went wrong (-v for all of it).
		e.setLogger(slog.LevelWarn)
	}
	var reserved net.Listener
	if *n < 0 || *n > 100000 {
		return &usageError{"--messages: use 1 to 100000"}
	}
	if *budget != 0 && (*budget < 50 || *budget > 5000) {
		return &usageError{"--budget: use 50 to 5000 words"}
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		return &usageError{fmt.Sprintf("--listen %q is not host:port: write e.g. 127.0.0.1:8025", *listen)}
	}
	if *serve {
		// Hold the web UI's port while the demo's own servers pick theirs, and say at once if
		// it is taken rather than after the whole run.
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			return fmt.Errorf("--listen %s: %w (use another port, e.g. --listen 127.0.0.1:8026)", *listen, err)
		}
		defer ln.Close()
		reserved = ln
	}
	dir, err := os.MkdirTemp("", "listdigest-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbPath := e.dbPath
	if dbPath == "" {
		dbPath = filepath.Join(dir, "demo.db")
	}
	if *htmlPath == "" {
		*htmlPath = filepath.Join(os.TempDir(), "listdigest-demo-digest.html")
	}
	now := e.now()
	w := e.stdout

	// 1. The mailbox: a subscriber's INBOX on an IMAP server.
	msgs, what := demoMail(now, *n)
	password := make([]byte, 12)
	rand.Read(password)
	const user = "librarian@school.example.edu"
	imapSrv, err := demoserver.StartIMAP(user, hex.EncodeToString(password), msgs)
	if err != nil {
		return err
	}
	defer imapSrv.Close()
	smtpSrv, err := demoserver.StartSMTP()
	if err != nil {
		return err
	}
	defer smtpSrv.Close()

	// 2. A configuration like the one a user writes, read by the same loader.
	pwFile := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pwFile, []byte(hex.EncodeToString(password)+"\n"), 0o600); err != nil {
		return err
	}
	listenCfg := "none"
	if *serve {
		listenCfg = *listen
	}
	cfgPath := filepath.Join(dir, "listdigest.yaml")
	if err := os.WriteFile(cfgPath, []byte(demoConfig(dbPath, imapSrv.Addr, smtpSrv.Addr, user, pwFile, listenCfg, *budget)), 0o600); err != nil {
		return err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return fmt.Errorf("the demo's own configuration: %w", err)
	}
	st, err := e.openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	fmt.Fprintf(w, "listdigest demo: an IMAP server at %s holds %s.\n", imapSrv.Addr, what)
	fmt.Fprintf(w, "Syncing it as the daemon would (IMAP login, fetch, parse, thread, categorise):\n  ")
	start := time.Now()
	if err := syncOnce(ctx, e, cfg, cfg.Mailboxes[0], st, nil); err != nil {
		return fmt.Errorf("demo sync: %w", err)
	}
	c, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %d threads in %s.\n", c.Threads, time.Since(start).Round(time.Millisecond))

	// 3. The digest, composed and submitted over SMTP by the dispatcher.
	d, err := dispatcher(e, cfg, st)
	if err != nil {
		return err
	}
	if *serve {
		reserved.Close()
		stop, err := serveHTTP(ctx, e, cfg, st, d, nil)
		if err != nil {
			return err
		}
		defer stop()
	}
	// A live digest covers the mail stored since the last one, up to its send time, and the
	// mail was stored just now: so the demo's dispatcher is told it is the next send time.
	sendAt := d.Targets[0].Schedule.Next(now)
	d.Now = func() time.Time { return sendAt }
	fmt.Fprintf(w, "Moving the clock to Jo's next send time (%s), the digest goes out over SMTP.\n", sendAt.Format("Mon 2 Jan 15:04"))
	if err := d.RunOnce(ctx); err != nil {
		return fmt.Errorf("demo digest: %w", err)
	}
	got := smtpSrv.Messages()
	if len(got) == 0 {
		return errors.New("the demo SMTP server received no digest (see the log above)")
	}
	text, html, subject, err := digestParts(got[0].Data)
	if err != nil {
		return fmt.Errorf("the digest the SMTP server received: %w", err)
	}
	fmt.Fprintf(w, "The SMTP server at %s received the digest for %s (%d bytes):\n\n", smtpSrv.Addr, strings.Join(got[0].To, ", "), len(got[0].Data))
	fmt.Fprintf(w, "Subject: %s\n\n%s\n", subject, strings.TrimRight(text, "\n"))
	if ds, err := st.RecentDigests(ctx, 1); err == nil && len(ds) == 1 {
		fmt.Fprintf(w, "\n(%d words: %s at 238 words a minute.) ", ds[0].Words, readingTime(ds[0].Words))
	}
	if err := os.WriteFile(*htmlPath, []byte(html), 0o644); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	fmt.Fprintf(w, "The HTML version is in %s: open it in a browser.\n", *htmlPath)
	if !*serve {
		fmt.Fprintf(w, "\nNext: `listdigest demo --serve` to browse the threads in the web UI; `listdigest init` to\n"+
			"write your own configuration, then `listdigest subscribe` to add your mailbox.\n")
		return nil
	}
	fmt.Fprintf(w, "\nThe web UI is at http://%s/ (flag a thread, search, read a whole conversation).\nCtrl-C stops the demo.\n", *listen)
	<-ctx.Done()
	return nil
}

// demoMail returns the mailbox the demo syncs: the bundled week, or n generated messages.
func demoMail(now time.Time, n int) ([]demoserver.Message, string) {
	var msgs []demoserver.Message
	if n == 0 {
		for _, m := range sample.Week(now) {
			msgs = append(msgs, demoserver.Message{Data: m.Data, Arrival: m.Date})
		}
		return msgs, fmt.Sprintf("a week of list mail: %d messages from LM_NET, OZTL_NET and [aisle]", len(msgs))
	}
	span := 72 * time.Hour
	opts := sample.GenerateOptions{Start: now.Add(-span), Interval: span / time.Duration(n)}
	for i := 0; i < n; i++ {
		msgs = append(msgs, demoserver.Message{Data: sample.ListMessage(i, opts), Arrival: now})
	}
	return msgs, fmt.Sprintf("%d generated LM_NET and OZTL_NET messages from the last three days", n)
}

// demoConfig is the configuration the demo writes: one mailbox on the demo IMAP server, one
// reader whose digest is due now, delivered through the demo SMTP server.
func demoConfig(db, imapAddr, smtpAddr, user, pwFile, listen string, budget int) string {
	host, port, _ := net.SplitHostPort(imapAddr)
	shost, sport, _ := net.SplitHostPort(smtpAddr)
	budgetLine := ""
	if budget > 0 {
		budgetLine = fmt.Sprintf("    budget_words: %d\n", budget)
	}
	publicURL := ""
	if listen != "none" {
		publicURL = "  public_url: http://" + listen + "\n"
	}
	return fmt.Sprintf(`# Written by listdigest demo.
database:
  path: %q
mailboxes:
  - name: demo
    host: %s
    port: %s
    tls: none
    username: %s
    password_file: %q
    idle: false
recipients:
  - name: Jo Librarian
    address: jo.librarian@school.example.edu
    timezone: Local
    schedule: "0 7 * * *"
    send_empty: true
%ssmtp:
  host: %s
  port: %s
  tls: none
  from: "Listdigest <listdigest@school.example.edu>"
http:
  listen: %s
%s`, db, host, port, user, pwFile, budgetLine, shost, sport, listen, publicURL)
}

// digestParts takes a sent digest apart: its plain-text and HTML bodies and decoded subject.
func digestParts(raw []byte) (text, html, subject string, err error) {
	if text, err = mailparse.FirstPart(raw, "text/plain", 1<<20); err != nil {
		return "", "", "", err
	}
	if html, err = mailparse.FirstPart(raw, "text/html", 4<<20); err != nil {
		return "", "", "", err
	}
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", "", err
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	return text, html, subject, err
}

// readingTime says how long words take to read silently (Brysbaert 2019: 238 a minute).
func readingTime(words int) string {
	secs := (words*60 + 119) / 238
	if secs < 90 {
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%.1f minutes", float64(secs)/60)
}
