package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"listdigest/internal/config"
	"listdigest/internal/imapsync"
)

// prompter asks questions on a terminal; without one every question must have been answered
// by a flag.
type prompter struct {
	e   *env
	in  *bufio.Reader
	tty bool
}

func newPrompter(e *env) *prompter {
	f, ok := e.stdin.(*os.File)
	return &prompter{e: e, in: bufio.NewReader(e.stdin), tty: ok && term.IsTerminal(int(f.Fd()))}
}

// ask returns value if set, else asks (offering def), else fails naming the flag.
func (p *prompter) ask(value *string, question, def, flag string) error {
	if *value != "" {
		return nil
	}
	if !p.tty {
		if def != "" {
			*value = def
			return nil
		}
		return &usageError{fmt.Sprintf("%s is needed: give %s (no terminal to ask on)", question, flag)}
	}
	if def != "" {
		fmt.Fprintf(p.e.stdout, "%s [%s]: ", question, def)
	} else {
		fmt.Fprintf(p.e.stdout, "%s: ", question)
	}
	line, err := p.in.ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("%s: %w", question, err)
	}
	*value = strings.TrimSpace(line)
	if *value == "" {
		*value = def
	}
	if *value == "" {
		return &usageError{question + " is needed"}
	}
	return nil
}

// confirm asks a yes/no question; without a terminal the answer is no unless yes is set.
func (p *prompter) confirm(question string, yes bool) bool {
	if yes {
		return true
	}
	if !p.tty {
		return false
	}
	fmt.Fprintf(p.e.stdout, "%s [Y/n]: ", question)
	line, _ := p.in.ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "" || a == "y" || a == "yes"
}

// password reads a secret from the terminal without echo.
func (p *prompter) password(question string) (string, error) {
	if !p.tty {
		return "", &usageError{"a password is needed: give --password-file, --password-env or --password-command (no terminal to ask on)"}
	}
	fmt.Fprintf(p.e.stdout, "%s: ", question)
	b, err := term.ReadPassword(int(p.e.stdin.(*os.File).Fd()))
	fmt.Fprintln(p.e.stdout)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// runInit writes a starting configuration: the database, one reader, the web UI. Mailboxes
// are added with `listdigest subscribe`.
func runInit(ctx context.Context, e *env, args []string) error {
	fs := e.flags("init")
	address := fs.String("address", "", "the e-mail `address` digests go to")
	name := fs.String("name", "", "the reader's display `name`")
	tz := fs.String("timezone", "", "the reader's IANA time `zone` (default: this machine's)")
	sched := fs.String("schedule", "0 7 * * *", "when the digest goes, as a cron `expression` in that zone")
	force := fs.Bool("force", false, "overwrite an existing configuration file")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	path := e.configPath
	if path == "" {
		path = userConfigPath()
	}
	if _, err := os.Stat(path); err == nil && !*force {
		return &usageError{fmt.Sprintf("%s exists: edit it, add a mailbox with `listdigest subscribe`, or pass --force to start again", path)}
	}
	p := newPrompter(e)
	if p.tty {
		fmt.Fprintf(e.stdout, "Writing %s. Press Enter to take the [default].\n", path)
		if err := p.ask(address, "Your e-mail address (the digest goes there)", "", "--address"); err != nil {
			return err
		}
		p.ask(name, "Your name", "", "--name")
	}
	if *tz == "" {
		// ask offers this machine's zone as the default, and takes it without a terminal.
		if err := p.ask(tz, "Your time zone (IANA name, e.g. Australia/Sydney)", localZone(), "--timezone"); err != nil {
			return err
		}
	}
	text := initConfig(e.dbPath, *address, *name, *tz, *sched, e.now())
	if _, err := config.Parse([]byte(text), path); err != nil {
		return err // a bad --address, --timezone or --schedule, named by key
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := writeFileAtomic(path, []byte(text)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s.\nNext: `listdigest subscribe` adds the IMAP account your lists arrive in.\n", path)
	return nil
}

// localZone names this machine's time zone in IANA form when it can be found, else "Local".
func localZone() string {
	if tz := os.Getenv("TZ"); tz != "" && !strings.HasPrefix(tz, ":") {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			if zone := target[i+len("zoneinfo/"):]; zone != "" {
				if _, err := time.LoadLocation(zone); err == nil {
					return zone
				}
			}
		}
	}
	return "Local"
}

func initConfig(db, address, name, tz, sched string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# listdigest configuration, written by "listdigest init" on %s.
# Every key is explained in configs/listdigest.example.yaml; "listdigest check-config" checks
# this file and names any problem. Secrets never go in here: passwords come from a file, an
# environment variable or a command (password_file, password_env, password_command).

database:
`, now.Format("2 January 2006"))
	if db != "" {
		fmt.Fprintf(&b, "  path: %q\n", db)
	} else {
		b.WriteString("  # The SQLite database (created on first use, readable by you only). Default:\n  # ~/.local/share/listdigest/listdigest.db\n  # path: ~/.local/share/listdigest/listdigest.db\n")
	}
	b.WriteString(`  # Larger messages keep only their headers and first text part.
  max_message_size: 25MB

# The IMAP accounts your lists arrive in. "listdigest subscribe" tests an account, finds the
# lists in it and adds it here.
mailboxes: []

`)
	if address == "" {
		b.WriteString(`# Who gets the digest. Add yourself:
#   - address: you@school.example.edu
#     timezone: Australia/Sydney
#     schedule: "0 7 * * *"
recipients: []
`)
	} else {
		b.WriteString("# Who gets the digest, when, and how long it may be (476 words: two minutes' reading).\nrecipients:\n")
		if name != "" {
			fmt.Fprintf(&b, "  - name: %q\n    address: %q\n", name, address)
		} else {
			fmt.Fprintf(&b, "  - address: %q\n", address)
		}
		fmt.Fprintf(&b, "    timezone: %q\n    schedule: %q\n    budget_words: 476\n", tz, sched)
	}
	b.WriteString(`
# How digests are mailed: your school's submission server. Until this is set, digests can be
# previewed ("listdigest digest --preview") and read in the web UI, but are not sent.
# smtp:
#   host: smtp.school.example.edu
#   username: you@school.example.edu
#   password_file: ~/.config/listdigest/smtp-password
#   from: "Listdigest <you@school.example.edu>"

# The web UI, on this machine only, while "listdigest run" runs: http://127.0.0.1:8025
http:
  listen: 127.0.0.1:8025
`)
	return b.String()
}

// writeFileAtomic replaces path with data (mode 0600) so that a crash leaves the old file or
// the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".listdigest-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// runSubscribe adds an IMAP account: it logs in, lists the folders, samples the newest mail
// of each to find the lists present, and writes the mailbox entry into the configuration.
func runSubscribe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("subscribe")
	var m struct{ name, host, port, tls, user, auth, pwFile, pwEnv, pwCmd, tokenCmd string }
	fs.StringVar(&m.name, "name", "", "a short `name` for the mailbox (default: from the host)")
	fs.StringVar(&m.host, "host", "", "the IMAP server's `host` name")
	fs.StringVar(&m.port, "port", "", "the server's `port` (default: 993, or 143 with --tls starttls|none)")
	fs.StringVar(&m.tls, "tls", "", "connection security: implicit (default), starttls, or none (localhost only)")
	fs.StringVar(&m.user, "username", "", "the login `name`, often the full address")
	fs.StringVar(&m.auth, "auth", "", "plain (default), login, or xoauth2 (with --token-command)")
	fs.StringVar(&m.pwFile, "password-file", "", "read the password from this `file`")
	fs.StringVar(&m.pwEnv, "password-env", "", "read the password from this environment `variable`")
	fs.StringVar(&m.pwCmd, "password-command", "", "run this `command` to print the password")
	fs.StringVar(&m.tokenCmd, "token-command", "", "with --auth xoauth2, run this `command` to print an access token")
	sample := fs.Int("sample", 200, "look at the newest `N` messages of each folder to find the lists")
	yes := fs.Bool("yes", false, "write the entry without asking")
	dry := fs.Bool("dry-run", false, "show the entry but do not write it")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	path := e.configPath
	if path == "" {
		path = defaultConfigPath()
	}
	cfg, err := config.Load(path)
	if errors.Is(err, os.ErrNotExist) {
		return &usageError{fmt.Sprintf("no configuration at %s: run `listdigest init` first", path)}
	}
	if err != nil {
		return err
	}
	p := newPrompter(e)
	if err := p.ask(&m.host, "IMAP server", "", "--host"); err != nil {
		return err
	}
	if err := p.ask(&m.user, "Login name", "", "--username"); err != nil {
		return err
	}
	if m.name == "" {
		m.name = nameFromHost(m.host)
		p.ask(&m.name, "A short name for this mailbox", m.name, "--name")
	}
	if _, exists := cfg.Mailbox(m.name); exists {
		return &usageError{fmt.Sprintf("%s already has a mailbox named %q: pick another --name", path, m.name)}
	}
	if hint := providerHint(m.host); hint != "" {
		fmt.Fprintln(e.stdout, hint)
	}
	var typed string // a password typed at the prompt, saved to a file only if the entry is written
	if m.pwFile == "" && m.pwEnv == "" && m.pwCmd == "" && m.tokenCmd == "" {
		pw, err := p.password("Password (an app password for Gmail)")
		if err != nil {
			return err
		}
		typed = pw
		m.pwFile = filepath.Join(filepath.Dir(path), m.name+".imap-password")
	}

	entry := func(folders, lists []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "  - name: %s\n    host: %s\n", m.name, m.host)
		for _, kv := range [][2]string{{"port", m.port}, {"tls", m.tls}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "    %s: %s\n", kv[0], kv[1])
			}
		}
		fmt.Fprintf(&b, "    username: %q\n", m.user)
		if m.auth != "" {
			fmt.Fprintf(&b, "    auth: %s\n", m.auth)
		}
		for _, kv := range [][2]string{{"password_file", m.pwFile}, {"password_env", m.pwEnv}, {"password_command", m.pwCmd}, {"token_command", m.tokenCmd}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "    %s: %q\n", kv[0], kv[1])
			}
		}
		if folders != nil {
			fmt.Fprintf(&b, "    folders: %s\n", yamlList(folders))
			fmt.Fprintf(&b, "    lists: %s\n", yamlList(lists))
		}
		return b.String()
	}
	probe, err := config.Parse([]byte("mailboxes:\n"+entry(nil, nil)), "the mailbox from the command line")
	if err != nil {
		return err
	}
	a, err := account(probe.Mailboxes[0])
	if err != nil {
		return err
	}
	if typed != "" {
		a.Secret = func(context.Context) (string, error) { return typed, nil } // its file is written only with the entry
	}
	fmt.Fprintf(e.stdout, "Logging in to %s as %s ...\n", a.Addr, m.user)
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	folders, err := imapsync.Survey(sctx, a, *sample)
	if err != nil {
		if hint := providerHint(m.host); hint != "" && imapsync.Permanent(err) {
			return fmt.Errorf("%w\n%s", err, hint)
		}
		return err
	}

	fmt.Fprintf(e.stdout, "Logged in. Folders (the newest %d messages of each looked at):\n", *sample)
	totals := map[string]int{}
	names := map[string]string{}
	where := map[string][]string{}
	var keep []string
	for _, f := range folders {
		line := fmt.Sprintf("  %-24s %7d messages", f.Name, f.Messages)
		if f.Err != nil {
			line += "  (could not be read: " + f.Err.Error() + ")"
		}
		var parts []string
		for id, n := range f.Lists {
			totals[id] += n
			where[id] = append(where[id], f.Name)
			if f.Names[id] != "" {
				names[id] = f.Names[id]
			}
			parts = append(parts, fmt.Sprintf("%s %d", listLabel(id, f.Names[id]), n))
		}
		sort.Strings(parts)
		if len(parts) > 0 {
			line += "   " + strings.Join(parts, ", ")
			keep = append(keep, f.Name)
		}
		fmt.Fprintln(e.stdout, line)
	}
	ids := make([]string, 0, len(totals))
	for id := range totals {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		return totals[ids[i]] > totals[ids[j]] || totals[ids[i]] == totals[ids[j]] && ids[i] < ids[j]
	})
	if len(ids) == 0 {
		fmt.Fprintf(e.stdout, "No list mail in the newest %d messages of any folder. The entry below reads INBOX and keeps\n"+
			"any list mail that arrives there; check that your lists deliver to this account.\n", *sample)
		keep = []string{"INBOX"}
	} else {
		fmt.Fprintln(e.stdout, "\nLists found:")
		for _, id := range ids {
			fmt.Fprintf(e.stdout, "  %-40s %5d  in %s\n", listLabel(id, names[id]), totals[id], strings.Join(where[id], ", "))
		}
	}
	text := entry(keep, ids)
	fmt.Fprintf(e.stdout, "\nThe mailbox entry:\n\n%s\n", text)
	if *dry {
		return nil
	}
	if !p.confirm("Add it to "+path+"?", *yes) {
		fmt.Fprintln(e.stdout, "Not written (pass --yes to write without a terminal).")
		return nil
	}
	orig, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated := addMailbox(string(orig), text)
	if _, err := config.Parse([]byte(updated), path); err != nil {
		return fmt.Errorf("the configuration with the new mailbox does not validate, so it was not written: %w", err)
	}
	if typed != "" {
		if err := writeFileAtomic(m.pwFile, []byte(typed+"\n")); err != nil {
			return fmt.Errorf("save the password: %w", err)
		}
		fmt.Fprintf(e.stdout, "Saved the password in %s (readable by you only).\n", m.pwFile)
	}
	if err := writeFileAtomic(path, []byte(updated)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added mailbox %s to %s.\nNext: `listdigest sync --once --mailbox %s`, then `listdigest digest --preview`, then `listdigest run`.\n", m.name, path, m.name)
	return nil
}

func listLabel(id, name string) string {
	if name != "" && !strings.EqualFold(name, id) {
		return name + " (" + id + ")"
	}
	return id
}

// yamlList writes a flow sequence of quoted strings.
func yamlList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

var nonName = regexp.MustCompile(`[^a-z0-9_-]+`)

// nameFromHost suggests a mailbox name: "imap.gmail.com" -> "gmail", "outlook.office365.com"
// -> "office365", "mail.school.example.edu" -> "school".
func nameFromHost(host string) string {
	for _, label := range strings.Split(strings.ToLower(host), ".") {
		switch label {
		case "imap", "imaps", "mail", "outlook", "mx", "www", "":
			continue
		}
		if n := strings.Trim(nonName.ReplaceAllString(label, "-"), "-"); n != "" {
			return n
		}
	}
	return "mail"
}

// providerHint tells what the big providers need, or "".
func providerHint(host string) string {
	h := strings.ToLower(host)
	switch {
	case strings.HasSuffix(h, "gmail.com") || strings.HasSuffix(h, "googlemail.com"):
		return "Gmail: with 2-Step Verification on, create an app password (Google Account > Security > App passwords)\n" +
			"and use it here; or use --auth xoauth2 with a --token-command that prints an OAuth2 access token."
	case strings.Contains(h, "office365.com") || strings.Contains(h, "outlook.com") || strings.HasSuffix(h, "hotmail.com"):
		return "Microsoft 365 / Outlook.com: password login to IMAP is switched off; use --auth xoauth2 with a\n" +
			"--token-command that prints an access token for https://outlook.office.com/IMAP.AccessAsUser.All\n" +
			"(for example oama or mutt_oauth2.py), and ask your IT team to allow IMAP for the account."
	}
	return ""
}

// addMailbox inserts a mailbox entry (lines starting "  - ") into the top-level mailboxes
// list of a configuration's text, keeping every comment. "mailboxes: []" becomes a block; a
// missing key is appended.
func addMailbox(text, entry string) string {
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "mailboxes:") {
			start = i
			break
		}
	}
	if start < 0 {
		return strings.Join(lines, "") + "\nmailboxes:\n" + entry
	}
	if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(lines[start], "mailboxes:")), "[]") {
		lines[start] = "mailboxes:\n"
	}
	// The block ends at the next top-level key; comment lines just before that key belong to it.
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		l := lines[i]
		if l != "" && l[0] != ' ' && l[0] != '\t' && l[0] != '#' && strings.TrimSpace(l) != "" {
			end = i
			break
		}
	}
	for end > start+1 {
		t := strings.TrimSpace(lines[end-1])
		if t == "" || strings.HasPrefix(lines[end-1], "#") {
			end--
			continue
		}
		break
	}
	out := append([]string{}, lines[:end]...)
	out = append(out, entry)
	if end < len(lines) && strings.TrimSpace(lines[end]) != "" {
		out = append(out, "\n")
	}
	return strings.Join(append(out, lines[end:]...), "")
}
