package config

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ExitCode is the process exit status for configuration errors. The systemd unit lists it in
// RestartPreventExitStatus= so that a broken configuration is not restarted in a loop.
const ExitCode = 2

// Defaults and limits for the configuration keys.
const (
	// DefaultMaxMessageSize is the default database.max_message_size.
	DefaultMaxMessageSize = 25 * MB
	// MinMaxMessageSize is the smallest accepted database.max_message_size.
	MinMaxMessageSize = 1 * KB
	// MaxMaxMessageSize is the largest accepted database.max_message_size, below SQLite's
	// default maximum blob length of 10^9 bytes.
	MaxMaxMessageSize = 512 * MB

	// DefaultFetchSchedule is the default mailboxes[].schedule: every ten minutes.
	DefaultFetchSchedule = "*/10 * * * *"
	// DefaultFetchBatch is the default mailboxes[].fetch_batch.
	DefaultFetchBatch = 500
	// MaxFetchBatch is the largest accepted mailboxes[].fetch_batch.
	MaxFetchBatch = 5000
	// DefaultTimeout is the default mailboxes[].timeout, the per-command watchdog.
	DefaultTimeout = 2 * time.Minute
	// MinTimeout is the shortest accepted mailboxes[].timeout.
	MinTimeout = time.Second
	// MaxTimeout is the longest accepted mailboxes[].timeout.
	MaxTimeout = time.Hour
	// DefaultFolder is the folder fetched when mailboxes[].folders is absent.
	DefaultFolder = "INBOX"

	// DefaultDigestSchedule is the default recipients[].schedule, in the recipient's time zone.
	DefaultDigestSchedule = "0 7 * * *"
	// DefaultTimezone is the default recipients[].timezone: the daemon's local time zone.
	DefaultTimezone = "Local"
	// DefaultBudgetWords is the default recipients[].budget_words: two minutes at 238 words
	// per minute.
	DefaultBudgetWords = 476
	// MinBudgetWords is the smallest accepted recipients[].budget_words.
	MinBudgetWords = 50
	// MaxBudgetWords is the largest accepted recipients[].budget_words.
	MaxBudgetWords = 5000

	// SecretCommandTimeout bounds password_command and token_command runs.
	SecretCommandTimeout = 30 * time.Second
)

// TLSMode says how a connection is protected.
type TLSMode string

// The TLS modes. TLSNone is accepted only for loopback hosts.
const (
	// TLSImplicit starts TLS as soon as the connection is open (IMAP port 993, SMTP 465).
	TLSImplicit TLSMode = "implicit"
	// TLSStartTLS upgrades a plain connection with STARTTLS and fails if the server cannot
	// (IMAP port 143, SMTP 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSNone sends everything in clear text; only allowed for localhost, 127.0.0.0/8 and ::1.
	TLSNone TLSMode = "none"
)

// AuthMode is the SASL mechanism used to log in to an IMAP server.
type AuthMode string

// The IMAP authentication mechanisms.
const (
	// AuthPlain is SASL PLAIN with a password.
	AuthPlain AuthMode = "plain"
	// AuthLogin is the IMAP LOGIN command with a password.
	AuthLogin AuthMode = "login"
	// AuthXOAuth2 is SASL XOAUTH2 with an access token from token_command.
	AuthXOAuth2 AuthMode = "xoauth2"
)

// Config is the whole configuration file. Obtain one from [Load], [Parse] or [Default];
// a Config built or modified in code should be checked with [Config.Validate].
type Config struct {
	// Database is the "database" section.
	Database Database `yaml:"database"`
	// Mailboxes are the IMAP accounts to fetch list mail from. It may be empty (for example
	// when only importing archives); the daemon decides whether that is acceptable.
	Mailboxes []Mailbox `yaml:"mailboxes"`
	// Recipients are the people who receive digests.
	Recipients []Recipient `yaml:"recipients"`
	// SMTP configures how digests are sent; nil when the section is absent.
	SMTP *SMTP `yaml:"smtp"`
	// Categories configures the taxonomy and the reader's categorising rules.
	Categories Categories `yaml:"categories"`
	// HTTP configures the daemon's listener for the web UI and one-click digest links. It is
	// never nil after Load or Default: its defaults serve the UI on this machine only.
	HTTP *HTTP `yaml:"http"`

	// source names the file the configuration came from, for error messages.
	source string
	// lines maps key paths ("mailboxes[0].tls") to 1-based line numbers in source.
	lines map[string]int
}

// Database is the "database" section: where and how messages are stored.
type Database struct {
	// Path is the SQLite database file, with "~" and $VARIABLES expanded. Relative paths are
	// relative to the daemon's working directory. The default is
	// $XDG_DATA_HOME/listdigest/listdigest.db, with XDG_DATA_HOME defaulting to
	// ~/.local/share.
	Path string `yaml:"path"`
	// MaxMessageSize is the largest message stored in full; bigger ones keep their headers
	// and first text part. The default is [DefaultMaxMessageSize].
	MaxMessageSize ByteSize `yaml:"max_message_size"`
}

// Mailbox is one IMAP account ("mailboxes" list item).
type Mailbox struct {
	// Name identifies the mailbox in the database, logs and recipients[].mailboxes. Required,
	// unique, made of lower-case letters, digits, '_' and '-'.
	Name string `yaml:"name"`
	// Host is the IMAP server's host name or IP address, without scheme or port. Required.
	Host string `yaml:"host"`
	// Port is the IMAP server's port; absent or 0 means 993 for TLSImplicit and 143 otherwise.
	Port int `yaml:"port"`
	// TLS is the connection security; the default is TLSImplicit.
	TLS TLSMode `yaml:"tls"`
	// TLSCAFile is an optional PEM file of extra CA certificates trusted for this server, for
	// self-signed or private-CA servers. Certificate verification cannot be turned off.
	TLSCAFile string `yaml:"tls_ca_file"`
	// Username is the login name. Required.
	Username string `yaml:"username"`
	// Auth is the login mechanism; the default is AuthPlain.
	Auth AuthMode `yaml:"auth"`
	// PasswordFile is a file holding the password (auth plain or login).
	PasswordFile string `yaml:"password_file"`
	// PasswordEnv is the name of an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// PasswordCommand is a shell command printing the password on standard output.
	PasswordCommand string `yaml:"password_command"`
	// TokenCommand is a shell command printing an OAuth2 access token; required for, and only
	// allowed with, AuthXOAuth2.
	TokenCommand string `yaml:"token_command"`
	// Folders are the IMAP folders to fetch; the default is just [DefaultFolder], "INBOX".
	Folders []string `yaml:"folders"`
	// Lists are case-insensitive glob patterns (path.Match syntax) of list identities to keep.
	// Empty keeps every message recognised as list mail. Matched by mailparse.MatchList against every identity the list shows.
	Lists []string `yaml:"lists"`
	// Schedule is when to poll, as a cron expression (5 fields, or a descriptor such as
	// "@hourly" or "@every 10m", optionally prefixed by "CRON_TZ=Zone "). The default is
	// [DefaultFetchSchedule].
	Schedule string `yaml:"schedule"`
	// Idle says whether to also wait for new mail with IMAP IDLE between polls. The default
	// is true.
	Idle bool `yaml:"idle"`
	// PushFlags sets \Flagged in this mailbox on the messages of threads its reader flags in
	// listdigest (and clears it when they unflag or finish them). It needs the folder opened
	// read-write for that one command; \Seen is never changed. The default is true.
	PushFlags bool `yaml:"push_flags"`
	// FetchBatch is how many messages are fetched per command, 1 to [MaxFetchBatch]. The
	// default is [DefaultFetchBatch].
	FetchBatch int `yaml:"fetch_batch"`
	// Timeout is the watchdog for a single IMAP command. The default is [DefaultTimeout].
	Timeout time.Duration `yaml:"timeout"`
}

// Recipient is one person who receives digests ("recipients" list item).
type Recipient struct {
	// Name is the display name used in the To: header. Optional.
	Name string `yaml:"name"`
	// Address is the bare e-mail address (RFC 5322 addr-spec). Required and unique.
	Address string `yaml:"address"`
	// Timezone is the IANA time zone the schedule is read in, or "Local". The default is
	// [DefaultTimezone].
	Timezone string `yaml:"timezone"`
	// Schedule is when the digest is sent, as a cron expression in Timezone (without a
	// CRON_TZ= prefix). The default is [DefaultDigestSchedule]. See
	// [Recipient.EffectiveSchedule].
	Schedule string `yaml:"schedule"`
	// Lists are glob patterns of the lists to include; empty means all. Matched by mailparse.MatchList against every identity the list shows.
	Lists []string `yaml:"lists"`
	// BudgetWords caps the digest length in words, [MinBudgetWords] to [MaxBudgetWords]. The
	// default is [DefaultBudgetWords].
	BudgetWords int `yaml:"budget_words"`
	// Mailboxes names the mailboxes whose lists this recipient gets; empty means all.
	Mailboxes []string `yaml:"mailboxes"`
	// Categories are the category slugs to include; empty means every category that appears
	// in digests (noise never does).
	Categories []string `yaml:"categories"`
	// SendEmpty sends a digest even when nothing new arrived. The default is false.
	SendEmpty bool `yaml:"send_empty"`
	// Delivery is how the digest reaches the reader: "smtp" (the default; needs the smtp
	// section) or "imap", appending it into the mailbox named by DeliverMailbox.
	Delivery string `yaml:"delivery"`
	// DeliverMailbox names the configured mailbox the digest is appended to with delivery imap.
	DeliverMailbox string `yaml:"deliver_mailbox"`
	// FlagsMailbox names the configured mailbox that is this reader's own: a message they flag
	// there in their mail client flags its thread. The default, with a single recipient and a
	// single mailbox, is that mailbox; otherwise none.
	FlagsMailbox string `yaml:"flags_mailbox"`
	// WebPasswordFile and WebPasswordEnv hold the bcrypt hash of the reader's web UI password
	// (`listdigest passwd` makes one); at most one is set. A reader without one cannot log in
	// to a web UI that needs a login (see HTTP.NeedsLogin).
	WebPasswordFile string `yaml:"web_password_file"`
	WebPasswordEnv  string `yaml:"web_password_env"`
}

// HasWebPassword reports whether the reader can log in to the web UI.
func (r Recipient) HasWebPassword() bool { return r.WebPasswordFile != "" || r.WebPasswordEnv != "" }

// FlagOwner returns whose flags a mailbox's \Flagged messages are: the recipient naming it in
// flags_mailbox, the only recipient when there is one recipient and one mailbox, the local
// reader ("") when no recipients are configured; ok is false when nobody's.
func (c *Config) FlagOwner(mailbox string) (owner string, ok bool) {
	for _, r := range c.Recipients {
		if r.FlagsMailbox == mailbox {
			return strings.ToLower(r.Address), true
		}
	}
	switch {
	case len(c.Recipients) == 0:
		return "", true
	case len(c.Recipients) == 1 && len(c.Mailboxes) == 1 && c.Recipients[0].FlagsMailbox == "":
		return strings.ToLower(c.Recipients[0].Address), true
	}
	return "", false
}

// SMTP is the optional "smtp" section: the server digests are submitted to.
type SMTP struct {
	// Host is the SMTP server's host name or IP address. Required.
	Host string `yaml:"host"`
	// Port is the server's port; absent or 0 means 587 for TLSStartTLS, 465 for TLSImplicit
	// and 25 for TLSNone.
	Port int `yaml:"port"`
	// TLS is the connection security; the default is TLSStartTLS.
	TLS TLSMode `yaml:"tls"`
	// TLSCAFile is an optional PEM file of extra CA certificates trusted for this server.
	TLSCAFile string `yaml:"tls_ca_file"`
	// Username is the login name; empty means no authentication.
	Username string `yaml:"username"`
	// Auth is the login mechanism: plain (the default; LOGIN is used when the server offers
	// only that), login, or xoauth2 with an access token from TokenCommand.
	Auth AuthMode `yaml:"auth"`
	// TokenCommand is a shell command printing an OAuth2 access token; required for, and only
	// allowed with, auth xoauth2.
	TokenCommand string `yaml:"token_command"`
	// PasswordFile is a file holding the password.
	PasswordFile string `yaml:"password_file"`
	// PasswordEnv is the name of an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// PasswordCommand is a shell command printing the password on standard output.
	PasswordCommand string `yaml:"password_command"`
	// From is the digests' From: address, optionally with a display name
	// ("Listdigest <digest@school.example.edu>"). Required.
	From string `yaml:"from"`
}

// Default returns the configuration used for every absent key: the default database and
// no mailboxes, recipients or SMTP server. The database path is computed from the
// environment at call time; it is empty if neither $XDG_DATA_HOME nor $HOME is usable.
func Default() *Config {
	c := &Config{
		Database: Database{
			Path:           defaultDatabasePath(os.Getenv, os.UserHomeDir),
			MaxMessageSize: DefaultMaxMessageSize,
		},
	}
	h := DefaultHTTP(c.Database.Path)
	c.HTTP = &h
	return c
}

// defaultDatabasePath follows the XDG base directory specification: a relative
// $XDG_DATA_HOME is ignored.
func defaultDatabasePath(getenv func(string) string, home func() (string, error)) string {
	dir := getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(dir) {
		h, err := home()
		if err != nil || h == "" {
			return ""
		}
		dir = filepath.Join(h, ".local", "share")
	}
	return filepath.Join(dir, "listdigest", "listdigest.db")
}

// DefaultMailbox returns a Mailbox with every default filled in and the required keys
// (name, host, username, a password source) empty.
func DefaultMailbox() Mailbox {
	return Mailbox{
		Port:       defaultIMAPPort(TLSImplicit),
		TLS:        TLSImplicit,
		Auth:       AuthPlain,
		Folders:    []string{DefaultFolder},
		Schedule:   DefaultFetchSchedule,
		Idle:       true,
		PushFlags:  true,
		FetchBatch: DefaultFetchBatch,
		Timeout:    DefaultTimeout,
	}
}

// DefaultRecipient returns a Recipient with every default filled in and the address empty.
func DefaultRecipient() Recipient {
	return Recipient{
		Timezone:    DefaultTimezone,
		Schedule:    DefaultDigestSchedule,
		BudgetWords: DefaultBudgetWords,
	}
}

// DefaultSMTP returns an SMTP section with every default filled in and host and from empty.
func DefaultSMTP() SMTP {
	return SMTP{Port: defaultSMTPPort(TLSStartTLS), TLS: TLSStartTLS}
}

func defaultIMAPPort(mode TLSMode) int {
	if mode == TLSImplicit {
		return 993
	}
	return 143
}

func defaultSMTPPort(mode TLSMode) int {
	switch mode {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	default:
		return 587
	}
}

// Mailbox returns the mailbox called name.
func (c *Config) Mailbox(name string) (Mailbox, bool) {
	for _, m := range c.Mailboxes {
		if m.Name == name {
			return m, true
		}
	}
	return Mailbox{}, false
}

// Source returns the name of the file the configuration was parsed from, or "" if it was
// not parsed from a file.
func (c *Config) Source() string { return c.source }

// EffectiveSchedule returns the recipient's schedule with its time zone made explicit,
// "CRON_TZ=<timezone> <schedule>", ready for cron.ParseStandard.
func (r Recipient) EffectiveSchedule() string {
	return "CRON_TZ=" + r.Timezone + " " + strings.TrimSpace(r.Schedule)
}

// Location returns the recipient's time zone.
func (r Recipient) Location() (*time.Location, error) {
	return time.LoadLocation(r.Timezone)
}

// DefaultListen is where the daemon serves the web UI and digest links when the http section
// does not say: this machine only, so no login is needed.
const DefaultListen = "127.0.0.1:8025"

// ListenNone, as http.listen, turns the listener off: no web UI and no digest links.
const ListenNone = "none"

// HTTP is the "http" section: the daemon's web UI and one-click digest links. The section is
// optional; its defaults serve the UI on DefaultListen.
type HTTP struct {
	// Listen is the address to listen on: DefaultListen unless set, e.g. "0.0.0.0:8025", or
	// "127.0.0.1:8025" behind a reverse proxy; ListenNone turns the listener off.
	Listen string `yaml:"listen"`
	// PublicURL is the base URL readers' browsers reach the listener at, e.g.
	// "https://digest.school.example.edu"; https unless the host is loopback. Digests carry
	// one-click links only when it is set.
	PublicURL string `yaml:"public_url"`
	// UI serves the web UI (default true); false serves only digest links.
	UI *bool `yaml:"ui"`
	// SessionTTL is how long a web UI login lasts; the default is 720h (30 days).
	SessionTTL time.Duration `yaml:"session_ttl"`
	// KeyFile holds the secret that signs links; created (0600) on first start when missing.
	// The default is next to the database: $XDG_DATA_HOME/listdigest/link.key.
	KeyFile string `yaml:"key_file"`
	// LinkTTL is how long a link works; the default is 720h (30 days).
	LinkTTL time.Duration `yaml:"link_ttl"`
	// Snooze is how long "snooze" puts a thread off; the default is 72h.
	Snooze time.Duration `yaml:"snooze"`
}

// Enabled reports whether the daemon listens at all.
func (h HTTP) Enabled() bool { return h.Listen != ListenNone }

// UIEnabled reports whether the web UI is served (it is unless ui: false).
func (h HTTP) UIEnabled() bool { return h.Enabled() && (h.UI == nil || *h.UI) }

// Links reports whether digests carry one-click links: only when readers can reach them.
func (h HTTP) Links() bool { return h.Enabled() && h.PublicURL != "" }

// NeedsLogin reports whether the web UI can be reached from beyond this machine: it listens
// on an address other than loopback, or a public URL (a reverse proxy) publishes it. Then
// every page but the signed digest links needs a login.
func (h HTTP) NeedsLogin() bool {
	host, _, err := net.SplitHostPort(h.Listen)
	if err != nil || !isLoopback(host) {
		return true
	}
	if h.PublicURL == "" {
		return false
	}
	u, err := url.Parse(h.PublicURL)
	return err != nil || !isLoopback(u.Hostname())
}

// DefaultHTTP returns the http section's defaults for a database at dbPath.
func DefaultHTTP(dbPath string) HTTP {
	return HTTP{
		Listen:     DefaultListen,
		KeyFile:    filepath.Join(filepath.Dir(dbPath), "link.key"),
		LinkTTL:    30 * 24 * time.Hour,
		Snooze:     72 * time.Hour,
		SessionTTL: 30 * 24 * time.Hour,
	}
}
