package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Validate checks the configuration and returns a [*ValidationError] listing every problem,
// or nil. It does not read files, environment variables or run commands, and it does not
// apply defaults: start from [Default], [DefaultMailbox], [DefaultRecipient] and
// [DefaultSMTP] when building a Config in code. [Load] and [Parse] call it.
func (c *Config) Validate() error {
	problems := c.check()
	if len(problems) == 0 {
		return nil
	}
	c.locate(problems)
	sortProblems(problems)
	return &ValidationError{File: c.source, Problems: problems}
}

// checker accumulates problems.
type checker struct {
	problems []Problem
}

func (ck *checker) add(key, format string, args ...any) {
	ck.problems = append(ck.problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (c *Config) check() []Problem {
	ck := &checker{}
	c.checkDatabase(ck)
	names := map[string]int{}
	for i, m := range c.Mailboxes {
		m.check(ck, fmt.Sprintf("mailboxes[%d]", i), names, i)
	}
	// Categories: a bad regular expression or an unknown category is a configuration error,
	// named by its key, not a surprise at the first message.
	tax, tp := c.taxonomy()
	ck.problems = append(ck.problems, tp...)
	_, rp := c.rules(tax)
	ck.problems = append(ck.problems, rp...)
	addresses := map[string]int{}
	for i, r := range c.Recipients {
		r.check(ck, fmt.Sprintf("recipients[%d]", i), c, addresses, i)
	}
	if c.SMTP != nil {
		c.SMTP.check(ck, "smtp")
	}
	if c.HTTP != nil {
		c.HTTP.check(ck, "http")
		c.checkLogin(ck)
	}
	return ck.problems
}

func (c *Config) checkDatabase(ck *checker) {
	d := c.Database
	if strings.TrimSpace(d.Path) == "" {
		ck.add("database.path", "is empty: set it to the SQLite file to use, e.g. /var/lib/listdigest/listdigest.db (the default needs $XDG_DATA_HOME or $HOME)")
	}
	if d.MaxMessageSize < MinMaxMessageSize || d.MaxMessageSize > MaxMaxMessageSize {
		ck.add("database.max_message_size", "%d bytes is out of range: use a size from %s to %s, e.g. %s", int64(d.MaxMessageSize), MinMaxMessageSize, MaxMaxMessageSize, DefaultMaxMessageSize)
	}
}

var nameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)

func (m Mailbox) check(ck *checker, key string, names map[string]int, index int) {
	switch {
	case m.Name == "":
		ck.add(key+".name", "is required: give the mailbox a short unique name such as \"school\" (lower-case letters, digits, '_' and '-')")
	case len(m.Name) > 64 || !nameRE.MatchString(m.Name):
		hint := ""
		if l := strings.ToLower(m.Name); l != m.Name && nameRE.MatchString(l) {
			hint = fmt.Sprintf(", e.g. %q", l)
		}
		ck.add(key+".name", "%q is not a valid name: use at most 64 lower-case letters, digits, '_' and '-'%s", m.Name, hint)
	default:
		if first, dup := names[m.Name]; dup {
			ck.add(key+".name", "%q is already the name of mailboxes[%d]: mailbox names must be unique", m.Name, first)
		} else {
			names[m.Name] = index
		}
	}

	checkHost(ck, key, m.Host, "IMAP")
	checkPort(ck, key+".port", m.Port)
	checkTLS(ck, key, m.TLS, m.Host, []TLSMode{TLSImplicit, TLSStartTLS, TLSNone})
	if m.TLSCAFile != "" && m.TLS == TLSNone {
		ck.add(key+".tls_ca_file", "has no effect with tls: none: remove it, or use tls: implicit or starttls")
	}
	if strings.TrimSpace(m.Username) == "" {
		ck.add(key+".username", "is required: set the IMAP login name, often the full e-mail address")
	}

	switch m.Auth {
	case AuthPlain, AuthLogin:
		checkPasswordSources(ck, key, string(m.Auth), m.PasswordFile, m.PasswordEnv, m.PasswordCommand)
		if m.TokenCommand != "" {
			ck.add(key+".token_command", "is only used with auth: xoauth2: remove it, or set auth: xoauth2")
		}
	case AuthXOAuth2:
		if strings.TrimSpace(m.TokenCommand) == "" {
			ck.add(key+".token_command", "is required with auth: xoauth2: set it to a command that prints a fresh OAuth2 access token")
		}
		for _, k := range setPasswordKeys(m.PasswordFile, m.PasswordEnv, m.PasswordCommand) {
			ck.add(key+"."+k, "is not used with auth: xoauth2, which takes its token from token_command: remove %s", k)
		}
	default:
		ck.add(key+".auth", "%q is not supported: use plain (the default), login or xoauth2", m.Auth)
	}

	if len(m.Folders) == 0 {
		ck.add(key+".folders", "is empty: list at least one folder, or remove the key to fetch [%s]", DefaultFolder)
	}
	seen := map[string]bool{}
	for i, f := range m.Folders {
		switch {
		case strings.TrimSpace(f) == "":
			ck.add(fmt.Sprintf("%s.folders[%d]", key, i), "is empty: give a folder name such as %s", DefaultFolder)
		case seen[f]:
			ck.add(fmt.Sprintf("%s.folders[%d]", key, i), "%q is listed twice: remove one", f)
		}
		seen[f] = true
	}
	checkPatterns(ck, key+".lists", m.Lists)
	if err := checkSchedule(m.Schedule); err != nil {
		ck.add(key+".schedule", "%v", err)
	}
	if m.FetchBatch < 1 || m.FetchBatch > MaxFetchBatch {
		ck.add(key+".fetch_batch", "%d is out of range: use 1 to %d (default %d)", m.FetchBatch, MaxFetchBatch, DefaultFetchBatch)
	}
	if m.Timeout < MinTimeout || m.Timeout > MaxTimeout {
		ck.add(key+".timeout", "%s is out of range: use %s to %s, e.g. %s (the default)", shortDuration(m.Timeout), shortDuration(MinTimeout), shortDuration(MaxTimeout), shortDuration(DefaultTimeout))
	}
}

func (r Recipient) check(ck *checker, key string, c *Config, addresses map[string]int, index int) {
	if strings.ContainsAny(r.Name, "\r\n") {
		ck.add(key+".name", "must be a single line")
	}
	switch a := strings.TrimSpace(r.Address); {
	case a == "":
		ck.add(key+".address", "is required: set the e-mail address the digest is sent to")
	default:
		parsed, err := mail.ParseAddress(a)
		switch {
		case err != nil:
			ck.add(key+".address", "%q is not a valid e-mail address (%v): write it as name@example.org", r.Address, err)
		case parsed.Name != "" || parsed.Address != a:
			ck.add(key+".address", "%q: write only the bare address (%s) and put the display name in name", r.Address, parsed.Address)
		default:
			lower := strings.ToLower(parsed.Address)
			if first, dup := addresses[lower]; dup {
				ck.add(key+".address", "%q is already the address of recipients[%d]: each address gets one digest; merge the two entries", r.Address, first)
			} else {
				addresses[lower] = index
			}
		}
	}
	r.checkDelivery(ck, key, c)
	tzOK := true
	if strings.TrimSpace(r.Timezone) == "" {
		tzOK = false
		ck.add(key+".timezone", "is empty: use an IANA time zone such as Europe/London or Australia/Sydney, or Local")
	} else if _, err := time.LoadLocation(r.Timezone); err != nil {
		tzOK = false
		ck.add(key+".timezone", "%q is not a known time zone: use an IANA name such as Europe/London, Australia/Sydney or UTC, or Local", r.Timezone)
	}
	s := strings.TrimSpace(r.Schedule)
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		ck.add(key+".schedule", "must not start with %s: the schedule is read in the recipient's time zone; set timezone instead", s[:strings.IndexByte(s, '=')+1])
	} else if err := checkSchedule(s); err != nil {
		ck.add(key+".schedule", "%v", err)
	} else if tzOK {
		if err := checkSchedule(r.EffectiveSchedule()); err != nil {
			ck.add(key+".schedule", "%v", err)
		}
	}
	checkPatterns(ck, key+".lists", r.Lists)
	if r.BudgetWords < MinBudgetWords || r.BudgetWords > MaxBudgetWords {
		ck.add(key+".budget_words", "%d is out of range: use %d to %d (default %d, two minutes of reading)", r.BudgetWords, MinBudgetWords, MaxBudgetWords, DefaultBudgetWords)
	}
	for i, name := range r.Mailboxes {
		if _, ok := c.Mailbox(name); !ok {
			known := make([]string, 0, len(c.Mailboxes))
			for _, m := range c.Mailboxes {
				known = append(known, m.Name)
			}
			hint := "no mailboxes are configured"
			if len(known) > 0 {
				hint = "use one of " + strings.Join(known, ", ")
			}
			ck.add(fmt.Sprintf("%s.mailboxes[%d]", key, i), "%q is not the name of a configured mailbox: %s", name, hint)
		}
	}
}

func (s *SMTP) check(ck *checker, key string) {
	checkHost(ck, key, s.Host, "SMTP")
	checkPort(ck, key+".port", s.Port)
	checkTLS(ck, key, s.TLS, s.Host, []TLSMode{TLSStartTLS, TLSImplicit, TLSNone})
	switch {
	case s.Auth == AuthXOAuth2:
		if strings.TrimSpace(s.Username) == "" {
			ck.add(key+".username", "is required with auth xoauth2: set the account the token belongs to")
		}
		if strings.TrimSpace(s.TokenCommand) == "" {
			ck.add(key+".token_command", "is required with auth xoauth2: set a command that prints an access token")
		}
		for _, k := range setPasswordKeys(s.PasswordFile, s.PasswordEnv, s.PasswordCommand) {
			ck.add(key+"."+k, "is not used with auth xoauth2: remove it (the token comes from token_command)")
		}
	case s.TokenCommand != "":
		ck.add(key+".token_command", "is only used with auth xoauth2: set auth: xoauth2 or remove token_command")
	case strings.TrimSpace(s.Username) != "":
		checkPasswordSources(ck, key, "", s.PasswordFile, s.PasswordEnv, s.PasswordCommand)
	default:
		for _, k := range setPasswordKeys(s.PasswordFile, s.PasswordEnv, s.PasswordCommand) {
			ck.add(key+"."+k, "is set but username is empty: set username to log in, or remove %s to send without authentication", k)
		}
	}
	switch s.Auth {
	case "", AuthPlain, AuthLogin, AuthXOAuth2:
	default:
		ck.add(key+".auth", "%q is not a login mechanism: use plain, login or xoauth2", s.Auth)
	}
	if strings.TrimSpace(s.From) == "" {
		ck.add(key+".from", "is required: set the digests' sender, e.g. \"Listdigest <digest@example.org>\"")
	} else if _, err := mail.ParseAddress(s.From); err != nil {
		ck.add(key+".from", "%q is not a valid address (%v): write it as digest@example.org or \"Name <digest@example.org>\"", s.From, err)
	}
}

func checkHost(ck *checker, key, host, proto string) {
	h := strings.TrimSpace(host)
	switch {
	case h == "":
		ck.add(key+".host", "is required: set the %s server's host name, e.g. %s.example.org", proto, strings.ToLower(proto))
	case strings.Contains(h, "://"):
		ck.add(key+".host", "%q: give only the host name, without a scheme (use tls to choose the security)", host)
	case h != host || strings.ContainsAny(h, " /\t"):
		ck.add(key+".host", "%q is not a host name: remove spaces and slashes", host)
	case strings.Contains(h, ":"):
		if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err != nil || strings.HasPrefix(h, "[") {
			ck.add(key+".host", "%q: give only the host name or IP address, and the port in port", host)
		}
	}
}

func checkPort(ck *checker, key string, port int) {
	if port < 1 || port > 65535 {
		ck.add(key, "%d is not a port number: use 1 to 65535, or remove the key for the usual port", port)
	}
}

func checkTLS(ck *checker, key string, mode TLSMode, host string, allowed []TLSMode) {
	if !slices.Contains(allowed, mode) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		ck.add(key+".tls", "%q is not a TLS mode: use %s (%s is the default)", mode, strings.Join(names, ", "), allowed[0])
		return
	}
	if mode == TLSNone && strings.TrimSpace(host) != "" && !isLoopback(host) {
		ck.add(key+".tls", "none is refused for non-loopback host %s: use implicit or starttls (clear text is only allowed to localhost, 127.0.0.0/8 and ::1)", host)
	}
}

// isLoopback reports whether host is localhost or a loopback address. Names other than
// "localhost" are not resolved: what they point to can change.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// setPasswordKeys returns the names of the password keys that are set, in file order.
func setPasswordKeys(file, env, command string) []string {
	var set []string
	for _, kv := range [...]struct{ k, v string }{{"password_file", file}, {"password_env", env}, {"password_command", command}} {
		if kv.v != "" {
			set = append(set, kv.k)
		}
	}
	return set
}

// checkPasswordSources requires exactly one of the three password keys. auth is the auth
// mode for the message, or "" for SMTP.
func checkPasswordSources(ck *checker, key, auth, file, env, command string) {
	set := setPasswordKeys(file, env, command)
	if file != "" {
		if strings.TrimSpace(file) == "" {
			ck.add(key+".password_file", "is blank: give the path of the file holding the password")
		}
	}
	if env != "" {
		switch {
		case strings.HasPrefix(env, "$") && envNameRE.MatchString(strings.Trim(env, "${}")):
			ck.add(key+".password_env", "%q: give the variable's name without \"$\": %s", env, strings.Trim(env, "${}"))
		case !envNameRE.MatchString(env):
			ck.add(key+".password_env", "%q is not an environment variable name: use letters, digits and '_', e.g. IMAP_PASSWORD", env)
		}
	}
	if command != "" {
		if strings.TrimSpace(command) == "" {
			ck.add(key+".password_command", "is blank: give a command that prints the password")
		}
	}
	switch {
	case len(set) == 0:
		who := "logging in"
		if auth != "" {
			who = "auth " + auth
		}
		ck.add(key+".password_file", "a password is needed for %s: set exactly one of password_file, password_env or password_command", who)
	case len(set) > 1:
		ck.add(key+"."+set[1], "%s and %s are both set: keep exactly one password source", set[0], set[1])
	}
}

func checkPatterns(ck *checker, key string, patterns []string) {
	for i, p := range patterns {
		k := fmt.Sprintf("%s[%d]", key, i)
		if strings.TrimSpace(p) == "" {
			ck.add(k, "is empty: give a list identity or a glob pattern such as \"lm_net*\", or remove the item")
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			ck.add(k, "%q is not a valid glob pattern (%v): use * and ? wildcards and [...] classes; escape a literal [ as \\[", p, err)
		}
	}
}

// checkSchedule parses a cron expression the way the scheduler will, turning the panics
// robfig/cron has on malformed "TZ=" prefixes into errors.
func checkSchedule(spec string) (err error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return fmt.Errorf("is empty: use a cron expression such as %q or a descriptor such as @hourly or \"@every 10m\"", DefaultFetchSchedule)
	}
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		prefix, rest, _ := strings.Cut(s, "=")
		zone, sched, ok := strings.Cut(rest, " ")
		if !ok || strings.TrimSpace(sched) == "" {
			return fmt.Errorf("%q has a %s= time zone but no schedule after it: write %s=<zone>, a space, then the schedule, e.g. \"%s=Europe/London 0 6 * * *\"", spec, prefix, prefix, prefix)
		}
		if zone == "" {
			return fmt.Errorf("%q has an empty %s= time zone: write e.g. \"%s=Europe/London %s\"", spec, prefix, prefix, strings.TrimSpace(sched))
		}
		if _, err := time.LoadLocation(zone); err != nil {
			return fmt.Errorf("%q: %q is not a known time zone: use an IANA name such as Europe/London or UTC", spec, zone)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a valid cron expression: use 5 fields (minute hour day-of-month month day-of-week) or a descriptor such as @hourly or \"@every 10m\"", spec)
		}
	}()
	sched, err := cron.ParseStandard(s)
	if err != nil {
		return fmt.Errorf("%q is not a valid cron expression (%v): use 5 fields (minute hour day-of-month month day-of-week), e.g. %q, or a descriptor such as @hourly or \"@every 10m\"", spec, err, DefaultFetchSchedule)
	}
	if sched.Next(time.Now()).IsZero() {
		return fmt.Errorf("%q never fires (no such date within five years): check the day-of-month and month fields", spec)
	}
	return nil
}

// shortDuration formats d without zero units: "2m" rather than "2m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// checkDelivery checks how the digest is delivered and which categories it includes.
func (r Recipient) checkDelivery(ck *checker, key string, c *Config) {
	switch r.Delivery {
	case "", "smtp":
		// Without an smtp section digests can still be previewed; the daemon says why it
		// does not send them.
	case "imap":
		if r.DeliverMailbox == "" {
			ck.add(key+".deliver_mailbox", "is required with delivery imap: name the configured mailbox the digest is appended to")
		} else if _, ok := c.Mailbox(r.DeliverMailbox); !ok {
			ck.add(key+".deliver_mailbox", "%q is not a configured mailbox name", r.DeliverMailbox)
		}
	default:
		ck.add(key+".delivery", "%q is not a delivery method: use smtp or imap", r.Delivery)
	}
	if r.FlagsMailbox != "" {
		if _, ok := c.Mailbox(r.FlagsMailbox); !ok {
			ck.add(key+".flags_mailbox", "%q is not a configured mailbox name", r.FlagsMailbox)
		}
	}
	tax, _ := c.taxonomy()
	for i, slug := range r.Categories {
		if _, ok := tax.Category(slug); !ok {
			ck.add(fmt.Sprintf("%s.categories[%d]", key, i), "%q is not a category: `listdigest categories` lists them", slug)
		}
	}
}

func (h *HTTP) check(ck *checker, key string) {
	if _, _, err := net.SplitHostPort(h.Listen); h.Listen != ListenNone && (err != nil || h.Listen == "") {
		ck.add(key+".listen", "%q is not host:port: write e.g. 127.0.0.1:8025 (this machine, or behind a reverse proxy), :8025 (every interface), or none (no listener)", h.Listen)
	}
	u, err := url.Parse(h.PublicURL)
	switch {
	case h.PublicURL == "":
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		ck.add(key+".public_url", "%q is not an http(s) URL: write e.g. https://digest.example.org", h.PublicURL)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		ck.add(key+".public_url", "%q: links and logins carry the right to change a reader's flags; use https (http only for localhost)", h.PublicURL)
	}
	if h.SessionTTL < 5*time.Minute || h.SessionTTL > 365*24*time.Hour {
		ck.add(key+".session_ttl", "%s is out of range: use 5m to 8760h (default 720h, 30 days)", h.SessionTTL)
	}
	if h.LinkTTL < time.Hour || h.LinkTTL > 365*24*time.Hour {
		ck.add(key+".link_ttl", "%s is out of range: use 1h to 8760h (default 720h, 30 days)", h.LinkTTL)
	}
	if h.Snooze < time.Hour || h.Snooze > 90*24*time.Hour {
		ck.add(key+".snooze", "%s is out of range: use 1h to 2160h (default 72h)", h.Snooze)
	}
}

// checkLogin checks the web UI's password settings. A UI that needs a login while no reader
// has a password is not an error: the daemon still serves digest links (as configurations
// from before the UI did), and the login page says what to set.
func (c *Config) checkLogin(ck *checker) {
	for i, r := range c.Recipients {
		if r.WebPasswordFile != "" && r.WebPasswordEnv != "" {
			ck.add(fmt.Sprintf("recipients[%d].web_password_env", i), "web_password_file and web_password_env are both set: keep exactly one")
		}
	}
}
