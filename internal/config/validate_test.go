package config

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// validConfig returns a configuration that passes Validate, using every section.
func validConfig() *Config {
	c := Default()
	c.Database.Path = "/var/lib/listdigest/listdigest.db"

	school := DefaultMailbox()
	school.Name = "school"
	school.Host = "imap.example.edu"
	school.Username = "librarian@school.example.edu"
	school.PasswordFile = "/etc/listdigest/imap-password"
	school.Lists = []string{"lm_net*", "oztl_net*", "aisle*"}

	gmail := DefaultMailbox()
	gmail.Name = "gmail"
	gmail.Host = "imap.gmail.com"
	gmail.Username = "school.librarian@gmail.com"
	gmail.Auth = AuthXOAuth2
	gmail.TokenCommand = "print-token"

	jo := DefaultRecipient()
	jo.Address = "jo@school.example.edu"
	jo.Timezone = "Australia/Sydney"
	jo.Mailboxes = []string{"school"}

	sam := DefaultRecipient()
	sam.Address = "sam@school.example.edu"

	smtp := DefaultSMTP()
	smtp.Host = "smtp.example.edu"
	smtp.Username = "librarian@school.example.edu"
	smtp.PasswordEnv = "SMTP_PASSWORD"
	smtp.From = "Listdigest <librarian@school.example.edu>"

	c.Mailboxes = []Mailbox{school, gmail}
	c.Recipients = []Recipient{jo, sam}
	c.SMTP = &smtp
	return c
}

func TestValidConfig(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("validConfig().Validate() = %v; want nil", err)
	}
}

// TestValidate has one case per validation rule: the mutation breaks exactly one key.
func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *Config)
		key     string // "" means the configuration must be valid
		message string
	}{
		// database
		{"database path empty", func(c *Config) { c.Database.Path = "" }, "database.path", "is empty"},
		{"database size too small", func(c *Config) { c.Database.MaxMessageSize = 100 }, "database.max_message_size", "100 bytes is out of range: use a size from 1KB to 512MB"},
		{"database size too large", func(c *Config) { c.Database.MaxMessageSize = GB }, "database.max_message_size", "out of range"},

		// mailboxes: identity
		{"mailbox name missing", func(c *Config) { c.Mailboxes[1].Name = "" }, "mailboxes[1].name", "is required"},
		{"mailbox name upper case", func(c *Config) { c.Mailboxes[0].Name = "OZTL"; c.Recipients[0].Mailboxes = nil }, "mailboxes[0].name", `"OZTL" is not a valid name: use at most 64 lower-case letters, digits, '_' and '-', e.g. "oztl"`},
		{"mailbox name with space", func(c *Config) { c.Mailboxes[0].Name = "my school"; c.Recipients[0].Mailboxes = nil }, "mailboxes[0].name", "not a valid name"},
		{"mailbox name too long", func(c *Config) { c.Mailboxes[0].Name = strings.Repeat("a", 65); c.Recipients[0].Mailboxes = nil }, "mailboxes[0].name", "at most 64"},
		{"mailbox name duplicate", func(c *Config) { c.Mailboxes[1].Name = "school"; c.Recipients[0].Mailboxes = nil }, "mailboxes[1].name", `"school" is already the name of mailboxes[0]`},
		{"mailbox name dash underscore digits", func(c *Config) { c.Mailboxes[0].Name = "lm_net-2"; c.Recipients[0].Mailboxes = []string{"lm_net-2"} }, "", ""},

		// mailboxes: server
		{"mailbox host missing", func(c *Config) { c.Mailboxes[0].Host = "" }, "mailboxes[0].host", "is required"},
		{"mailbox host with scheme", func(c *Config) { c.Mailboxes[0].Host = "imaps://imap.example.edu" }, "mailboxes[0].host", "without a scheme"},
		{"mailbox host with port", func(c *Config) { c.Mailboxes[0].Host = "imap.example.edu:993" }, "mailboxes[0].host", "the port in port"},
		{"mailbox host bracketed IPv6", func(c *Config) { c.Mailboxes[0].Host = "[2001:db8::1]" }, "mailboxes[0].host", "the port in port"},
		{"mailbox host with space", func(c *Config) { c.Mailboxes[0].Host = "imap example" }, "mailboxes[0].host", "not a host name"},
		{"mailbox host IPv6 literal", func(c *Config) { c.Mailboxes[0].Host = "2001:db8::1" }, "", ""},
		{"mailbox port zero", func(c *Config) { c.Mailboxes[0].Port = 0 }, "mailboxes[0].port", "0 is not a port number"},
		{"mailbox port too large", func(c *Config) { c.Mailboxes[0].Port = 70000 }, "mailboxes[0].port", "use 1 to 65535"},
		{"mailbox tls unknown", func(c *Config) { c.Mailboxes[0].TLS = "ssl" }, "mailboxes[0].tls", `"ssl" is not a TLS mode: use implicit, starttls, none`},
		{"mailbox tls none remote", func(c *Config) { c.Mailboxes[0].TLS = TLSNone }, "mailboxes[0].tls", "none is refused for non-loopback host imap.example.edu: use implicit or starttls"},
		{"mailbox tls none loopback name", func(c *Config) { c.Mailboxes[0].TLS = TLSNone; c.Mailboxes[0].Host = "LocalHost" }, "", ""},
		{"mailbox tls none 127/8", func(c *Config) { c.Mailboxes[0].TLS = TLSNone; c.Mailboxes[0].Host = "127.0.0.2" }, "", ""},
		{"mailbox tls none ::1", func(c *Config) { c.Mailboxes[0].TLS = TLSNone; c.Mailboxes[0].Host = "::1" }, "", ""},
		{"mailbox tls none localhost lookalike", func(c *Config) { c.Mailboxes[0].TLS = TLSNone; c.Mailboxes[0].Host = "localhost.example.com" }, "mailboxes[0].tls", "refused"},
		{"mailbox tls none 128.0.0.1", func(c *Config) { c.Mailboxes[0].TLS = TLSNone; c.Mailboxes[0].Host = "128.0.0.1" }, "mailboxes[0].tls", "refused"},
		{"mailbox ca file with tls none", func(c *Config) {
			c.Mailboxes[0].TLS = TLSNone
			c.Mailboxes[0].Host = "localhost"
			c.Mailboxes[0].TLSCAFile = "/etc/ca.pem"
		}, "mailboxes[0].tls_ca_file", "has no effect with tls: none"},
		{"mailbox ca file with starttls", func(c *Config) { c.Mailboxes[0].TLS = TLSStartTLS; c.Mailboxes[0].TLSCAFile = "/etc/ca.pem" }, "", ""},

		// mailboxes: authentication
		{"mailbox username missing", func(c *Config) { c.Mailboxes[0].Username = " " }, "mailboxes[0].username", "is required"},
		{"mailbox auth unknown", func(c *Config) { c.Mailboxes[0].Auth = "cram-md5" }, "mailboxes[0].auth", `"cram-md5" is not supported: use plain (the default), login or xoauth2`},
		{"mailbox auth login", func(c *Config) { c.Mailboxes[0].Auth = AuthLogin }, "", ""},
		{"mailbox no password", func(c *Config) { c.Mailboxes[0].PasswordFile = "" }, "mailboxes[0].password_file", "set exactly one of password_file, password_env or password_command"},
		{"mailbox two passwords", func(c *Config) { c.Mailboxes[0].PasswordEnv = "IMAP_PASSWORD" }, "mailboxes[0].password_env", "password_file and password_env are both set: keep exactly one"},
		{"mailbox env and command", func(c *Config) {
			c.Mailboxes[0].PasswordFile = ""
			c.Mailboxes[0].PasswordEnv = "X"
			c.Mailboxes[0].PasswordCommand = "pass"
		}, "mailboxes[0].password_command", "password_env and password_command are both set"},
		{"mailbox password env with dollar", func(c *Config) { c.Mailboxes[0].PasswordFile = ""; c.Mailboxes[0].PasswordEnv = "$IMAP_PASSWORD" }, "mailboxes[0].password_env", `without "$": IMAP_PASSWORD`},
		{"mailbox password env invalid", func(c *Config) { c.Mailboxes[0].PasswordFile = ""; c.Mailboxes[0].PasswordEnv = "IMAP-PASSWORD" }, "mailboxes[0].password_env", "not an environment variable name"},
		{"mailbox password command blank", func(c *Config) { c.Mailboxes[0].PasswordFile = ""; c.Mailboxes[0].PasswordCommand = "  " }, "mailboxes[0].password_command", "is blank"},
		{"mailbox password file blank", func(c *Config) { c.Mailboxes[0].PasswordFile = " " }, "mailboxes[0].password_file", "is blank"},
		{"mailbox token command with plain", func(c *Config) { c.Mailboxes[0].TokenCommand = "tok" }, "mailboxes[0].token_command", "only used with auth: xoauth2"},
		{"mailbox xoauth2 without token command", func(c *Config) { c.Mailboxes[1].TokenCommand = "" }, "mailboxes[1].token_command", "is required with auth: xoauth2"},
		{"mailbox xoauth2 with password file", func(c *Config) { c.Mailboxes[1].PasswordFile = "/p" }, "mailboxes[1].password_file", "not used with auth: xoauth2"},
		{"mailbox xoauth2 with password command", func(c *Config) { c.Mailboxes[1].PasswordCommand = "p" }, "mailboxes[1].password_command", "remove password_command"},

		// mailboxes: what and when to fetch
		{"mailbox folders empty", func(c *Config) { c.Mailboxes[0].Folders = []string{} }, "mailboxes[0].folders", "list at least one folder"},
		{"mailbox folder blank", func(c *Config) { c.Mailboxes[0].Folders = []string{"INBOX", ""} }, "mailboxes[0].folders[1]", "is empty"},
		{"mailbox folder twice", func(c *Config) { c.Mailboxes[0].Folders = []string{"INBOX", "Lists", "INBOX"} }, "mailboxes[0].folders[2]", `"INBOX" is listed twice`},
		{"mailbox list pattern malformed", func(c *Config) { c.Mailboxes[0].Lists = []string{"lm_net*", "[oztl"} }, "mailboxes[0].lists[1]", `"[oztl" is not a valid glob pattern`},
		{"mailbox list pattern empty", func(c *Config) { c.Mailboxes[0].Lists = []string{""} }, "mailboxes[0].lists[0]", "is empty"},
		{"mailbox schedule empty", func(c *Config) { c.Mailboxes[0].Schedule = "" }, "mailboxes[0].schedule", "is empty"},
		{"mailbox schedule three fields", func(c *Config) { c.Mailboxes[0].Schedule = "* * *" }, "mailboxes[0].schedule", `"* * *" is not a valid cron expression`},
		{"mailbox schedule six fields", func(c *Config) { c.Mailboxes[0].Schedule = "0 */10 * * * *" }, "mailboxes[0].schedule", "use 5 fields"},
		{"mailbox schedule bad field", func(c *Config) { c.Mailboxes[0].Schedule = "61 * * * *" }, "mailboxes[0].schedule", "not a valid cron expression"},
		{"mailbox schedule TZ=0", func(c *Config) { c.Mailboxes[0].Schedule = "TZ=0" }, "mailboxes[0].schedule", "no schedule after it"},
		{"mailbox schedule CRON_TZ without space", func(c *Config) { c.Mailboxes[0].Schedule = "CRON_TZ=UTC" }, "mailboxes[0].schedule", "no schedule after it"},
		{"mailbox schedule empty zone", func(c *Config) { c.Mailboxes[0].Schedule = "CRON_TZ= 0 6 * * *" }, "mailboxes[0].schedule", "empty CRON_TZ= time zone"},
		{"mailbox schedule unknown zone", func(c *Config) { c.Mailboxes[0].Schedule = "CRON_TZ=Mars/Olympus 0 6 * * *" }, "mailboxes[0].schedule", `"Mars/Olympus" is not a known time zone`},
		{"mailbox schedule never fires", func(c *Config) { c.Mailboxes[0].Schedule = "0 0 30 2 *" }, "mailboxes[0].schedule", "never fires"},
		{"mailbox schedule bad descriptor", func(c *Config) { c.Mailboxes[0].Schedule = "@sometimes" }, "mailboxes[0].schedule", "not a valid cron expression"},
		{"mailbox schedule bad every", func(c *Config) { c.Mailboxes[0].Schedule = "@every ten minutes" }, "mailboxes[0].schedule", "not a valid cron expression"},
		{"mailbox schedule every", func(c *Config) { c.Mailboxes[0].Schedule = "@every 10m" }, "", ""},
		{"mailbox schedule hourly", func(c *Config) { c.Mailboxes[0].Schedule = "@hourly" }, "", ""},
		{"mailbox schedule with zone", func(c *Config) { c.Mailboxes[0].Schedule = "CRON_TZ=Australia/Sydney */5 7-18 * * 1-5" }, "", ""},
		{"mailbox schedule TZ prefix", func(c *Config) { c.Mailboxes[0].Schedule = "TZ=UTC 0 * * * *" }, "", ""},
		{"mailbox fetch batch zero", func(c *Config) { c.Mailboxes[0].FetchBatch = 0 }, "mailboxes[0].fetch_batch", "0 is out of range: use 1 to 5000"},
		{"mailbox fetch batch too large", func(c *Config) { c.Mailboxes[0].FetchBatch = 5001 }, "mailboxes[0].fetch_batch", "out of range"},
		{"mailbox fetch batch max", func(c *Config) { c.Mailboxes[0].FetchBatch = 5000 }, "", ""},
		{"mailbox timeout zero", func(c *Config) { c.Mailboxes[0].Timeout = 0 }, "mailboxes[0].timeout", "0s is out of range: use 1s to 1h, e.g. 2m"},
		{"mailbox timeout too long", func(c *Config) { c.Mailboxes[0].Timeout = 2 * time.Hour }, "mailboxes[0].timeout", "2h is out of range"},

		// recipients
		{"recipient address missing", func(c *Config) { c.Recipients[1].Address = "" }, "recipients[1].address", "is required"},
		{"recipient address invalid", func(c *Config) { c.Recipients[0].Address = "jo at school" }, "recipients[0].address", `"jo at school" is not a valid e-mail address`},
		{"recipient address with name", func(c *Config) { c.Recipients[0].Address = "Jo <jo@school.example.edu>" }, "recipients[0].address", "write only the bare address (jo@school.example.edu) and put the display name in name"},
		{"recipient address duplicate", func(c *Config) { c.Recipients[1].Address = "JO@school.example.edu" }, "recipients[1].address", "already the address of recipients[0]"},
		{"recipient name two lines", func(c *Config) { c.Recipients[0].Name = "Jo\nBcc: x@y" }, "recipients[0].name", "single line"},
		{"recipient timezone empty", func(c *Config) { c.Recipients[0].Timezone = "" }, "recipients[0].timezone", "is empty"},
		{"recipient timezone unknown", func(c *Config) { c.Recipients[0].Timezone = "Australia/Springfield" }, "recipients[0].timezone", `"Australia/Springfield" is not a known time zone`},
		{"recipient timezone UTC", func(c *Config) { c.Recipients[0].Timezone = "UTC" }, "", ""},
		{"recipient schedule with CRON_TZ", func(c *Config) { c.Recipients[0].Schedule = "CRON_TZ=UTC 0 6 * * *" }, "recipients[0].schedule", "must not start with CRON_TZ=: the schedule is read in the recipient's time zone; set timezone instead"},
		{"recipient schedule with TZ", func(c *Config) { c.Recipients[0].Schedule = "TZ=0" }, "recipients[0].schedule", "must not start with TZ="},
		{"recipient schedule invalid", func(c *Config) { c.Recipients[0].Schedule = "6am" }, "recipients[0].schedule", `"6am" is not a valid cron expression`},
		{"recipient schedule empty", func(c *Config) { c.Recipients[0].Schedule = "" }, "recipients[0].schedule", "is empty"},
		{"recipient schedule daily", func(c *Config) { c.Recipients[0].Schedule = "@daily" }, "", ""},
		{"recipient list pattern malformed", func(c *Config) { c.Recipients[0].Lists = []string{"aisle[*"} }, "recipients[0].lists[0]", "not a valid glob pattern"},
		{"recipient budget too small", func(c *Config) { c.Recipients[0].BudgetWords = 49 }, "recipients[0].budget_words", "49 is out of range: use 50 to 5000"},
		{"recipient budget too large", func(c *Config) { c.Recipients[0].BudgetWords = 5001 }, "recipients[0].budget_words", "out of range"},
		{"recipient unknown mailbox", func(c *Config) { c.Recipients[0].Mailboxes = []string{"school", "scool"} }, "recipients[0].mailboxes[1]", `"scool" is not the name of a configured mailbox: use one of school, gmail`},
		{"recipient mailbox with none configured", func(c *Config) { c.Mailboxes = nil }, "recipients[0].mailboxes[0]", "no mailboxes are configured"},

		// smtp
		{"smtp host missing", func(c *Config) { c.SMTP.Host = "" }, "smtp.host", "is required"},
		{"smtp host with port", func(c *Config) { c.SMTP.Host = "smtp.example.edu:587" }, "smtp.host", "the port in port"},
		{"smtp port invalid", func(c *Config) { c.SMTP.Port = -1 }, "smtp.port", "not a port number"},
		{"smtp tls unknown", func(c *Config) { c.SMTP.TLS = "tls" }, "smtp.tls", "use starttls, implicit, none (starttls is the default)"},
		{"smtp tls none remote", func(c *Config) { c.SMTP.TLS = TLSNone }, "smtp.tls", "none is refused for non-loopback host smtp.example.edu"},
		{"smtp tls none local relay", func(c *Config) {
			c.SMTP.TLS, c.SMTP.Host, c.SMTP.Port, c.SMTP.Username, c.SMTP.PasswordEnv = TLSNone, "127.0.0.1", 25, "", ""
		}, "", ""},
		{"smtp username without password", func(c *Config) { c.SMTP.PasswordEnv = "" }, "smtp.password_file", "a password is needed for logging in"},
		{"smtp two passwords", func(c *Config) { c.SMTP.PasswordCommand = "pass smtp" }, "smtp.password_command", "both set"},
		{"smtp password without username", func(c *Config) { c.SMTP.Username = "" }, "smtp.password_env", "username is empty"},
		{"smtp from missing", func(c *Config) { c.SMTP.From = "" }, "smtp.from", "is required"},
		{"smtp from invalid", func(c *Config) { c.SMTP.From = "Listdigest" }, "smtp.from", `"Listdigest" is not a valid address`},
		{"smtp from bare", func(c *Config) { c.SMTP.From = "digest@school.example.edu" }, "", ""},
		{"smtp absent", func(c *Config) { c.SMTP = nil }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(c)
			err := c.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v; want *ValidationError", err)
			}
			if len(ve.Problems) != 1 {
				t.Errorf("Validate() found %d problems; want 1:\n%v", len(ve.Problems), err)
			}
			p, ok := ve.Problem(tt.key)
			if !ok {
				t.Fatalf("Validate() = %v; want a problem with key %s", err, tt.key)
			}
			if !strings.Contains(p.Message, tt.message) {
				t.Errorf("problem %s message = %q; want it to contain %q", tt.key, p.Message, tt.message)
			}
			if !IsConfigError(err) {
				t.Errorf("IsConfigError(%v) = false; want true", err)
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	c := validConfig()
	c.Mailboxes[0].TLS = TLSNone
	c.Mailboxes[1].FetchBatch = 0
	c.Recipients[1].BudgetWords = 1
	c.SMTP.From = ""
	err := c.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v; want *ValidationError", err)
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	want := []string{"mailboxes[0].tls", "mailboxes[1].fetch_batch", "recipients[1].budget_words", "smtp.from"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("Validate() problem keys = %v; want %v", keys, want)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "config: 4 problems:\n\tmailboxes[0].tls: none is refused") {
		t.Errorf("Validate().Error() = %q; want a count and one problem per line", msg)
	}
}

func TestCheckScheduleNeverPanics(t *testing.T) {
	for _, spec := range []string{
		"TZ=0", "CRON_TZ=0", "TZ=", "CRON_TZ=", "TZ=UTC", "TZ= ", "TZ=0 ", "TZ=0 x", "=", "TZ",
		"@every", "@every -5m", "@every 0s", "@", "* * * * * * *", "*/0 * * * *", "0-99 * * * *",
		"CRON_TZ=UTC @every", "TZ=UTC TZ=UTC 0 * * * *", "\x00", "1,2,3-,4 * * * *", "* * * * 8",
	} {
		t.Run(spec, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("checkSchedule(%q) panicked: %v", spec, r)
				}
			}()
			_ = checkSchedule(spec)
		})
	}
	if err := checkSchedule("TZ=0"); err == nil {
		t.Errorf("checkSchedule(%q) = nil; want an error", "TZ=0")
	}
}

func TestEffectiveSchedule(t *testing.T) {
	r := DefaultRecipient()
	if got, want := r.EffectiveSchedule(), "CRON_TZ=Local 0 7 * * *"; got != want {
		t.Errorf("DefaultRecipient().EffectiveSchedule() = %q; want %q", got, want)
	}
	r.Timezone = "Australia/Sydney"
	r.Schedule = " 30 7 * * 1-5 "
	if got, want := r.EffectiveSchedule(), "CRON_TZ=Australia/Sydney 30 7 * * 1-5"; got != want {
		t.Errorf("EffectiveSchedule() = %q; want %q", got, want)
	}
	if err := checkSchedule(r.EffectiveSchedule()); err != nil {
		t.Errorf("checkSchedule(%q) = %v; want nil", r.EffectiveSchedule(), err)
	}
	loc, err := r.Location()
	if err != nil || loc.String() != "Australia/Sydney" {
		t.Errorf("Location() = %v, %v; want Australia/Sydney", loc, err)
	}
}

func TestIsConfigError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("network down"), false},
		{&ValidationError{Problems: []Problem{{Key: "x", Message: "y"}}}, true},
		{wrap(&ValidationError{Problems: []Problem{{Key: "x", Message: "y"}}}), true},
		{wrap(&FileError{Path: "/x", Err: errors.New("boom")}), true},
		{&SecretError{Key: "smtp.password_env", Err: errors.New("unset")}, true},
		{wrap(&SecretError{Key: "smtp.password_command", Err: errors.New("exit 1"), temporary: true}), false},
	}
	for _, tt := range tests {
		if got := IsConfigError(tt.err); got != tt.want {
			t.Errorf("IsConfigError(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

func wrap(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "start daemon: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }

func TestCategoriesValidation(t *testing.T) {
	tests := []struct {
		name, yaml, key, fragment string
	}{
		{"bad regex", "categories:\n  rules:\n    - field: subject\n      match: \"(unclosed\"\n      category: job\n", "categories.rules[0]", "unclosed"},
		{"unknown field", "categories:\n  rules:\n    - field: headers\n      match: x\n      category: job\n", "categories.rules[0]", "headers"},
		{"unknown category", "categories:\n  rules:\n    - field: subject\n      match: x\n      category: jobz\n", "categories.rules[0]", "jobz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "test.yaml")
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v; want a ValidationError", err)
			}
			p, ok := ve.Problem(tt.key)
			if !ok || !strings.Contains(p.Message, tt.fragment) {
				t.Errorf("problems = %v; want %s mentioning %q", ve.Problems, tt.key, tt.fragment)
			}
		})
	}
	cfg, err := Parse([]byte("categories:\n  taxonomy:\n    - slug: makerspace\n      name: Makerspace\n      keywords: [MAKER]\n  rules:\n    - field: subject\n      match: \"(?i)3d print\"\n      category: makerspace\n"), "ok.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tax, rules, err := cfg.Categorizing()
	if err != nil || len(rules) != 1 {
		t.Fatalf("Categorizing = %v rules, %v", len(rules), err)
	}
	found := false
	for _, c := range tax.Categories {
		found = found || c.Slug == "makerspace"
	}
	if !found {
		t.Error("taxonomy lacks the added category")
	}
}

func TestTaxonomyOverrideKeys(t *testing.T) {
	cfg, err := Parse([]byte("categories:\n  taxonomy:\n    - slug: noise\n      name: Auto-replies and bounces\n"), "n.yaml")
	if err != nil {
		t.Fatalf("renaming noise without digest: %v", err)
	}
	tax, _, _ := cfg.Categorizing()
	if c, _ := tax.Category("noise"); c.Digest || c.Name != "Auto-replies and bounces" {
		t.Errorf("noise after rename = %+v; want the new name, still out of digests", c)
	}
	_, err = Parse([]byte("categories:\n  taxonomy:\n    - slug: ok-one\n    - slug: \"Bad Slug\"\n"), "b.yaml")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("bad slug: %v; want a ValidationError", err)
	}
	if _, ok := ve.Problem("categories.taxonomy[1]"); !ok {
		t.Errorf("problems = %v; want one under categories.taxonomy[1]", ve.Problems)
	}
}

func TestRecipientDeliveryAndCategories(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		key    string
	}{
		{"imap without mailbox", func(c *Config) { c.Recipients[0].Delivery = "imap" }, "recipients[0].deliver_mailbox"},
		{"imap unknown mailbox", func(c *Config) { c.Recipients[0].Delivery, c.Recipients[0].DeliverMailbox = "imap", "nope" }, "recipients[0].deliver_mailbox"},
		{"unknown delivery", func(c *Config) { c.Recipients[0].Delivery = "pigeon" }, "recipients[0].delivery"},
		{"unknown category", func(c *Config) { c.Recipients[0].Categories = []string{"book-request", "gossip"} }, "recipients[0].categories[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(c)
			var ve *ValidationError
			if err := c.Validate(); !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v; want a ValidationError", err)
			} else if _, ok := ve.Problem(tt.key); !ok {
				t.Errorf("problems = %v; want one for %s", ve.Problems, tt.key)
			}
		})
	}
	c := validConfig()
	c.Recipients[0].Delivery, c.Recipients[0].DeliverMailbox = "imap", c.Mailboxes[0].Name
	if err := c.Validate(); err != nil {
		t.Errorf("imap delivery into a configured mailbox: %v", err)
	}
}

func TestSMTPXOAuth2(t *testing.T) {
	c := validConfig()
	c.SMTP.Auth, c.SMTP.TokenCommand = AuthXOAuth2, "printf token"
	c.SMTP.PasswordFile, c.SMTP.PasswordEnv, c.SMTP.PasswordCommand = "", "", ""
	if err := c.Validate(); err != nil {
		t.Fatalf("smtp xoauth2 with token_command: %v", err)
	}
	if tok, err := c.SMTP.Secret(context.Background()); err != nil || tok != "token" {
		t.Errorf("Secret = %q, %v; want the command's token", tok, err)
	}
	c.SMTP.TokenCommand = ""
	var ve *ValidationError
	if err := c.Validate(); !errors.As(err, &ve) {
		t.Fatal("xoauth2 without token_command validated")
	} else if _, ok := ve.Problem("smtp.token_command"); !ok {
		t.Errorf("problems = %v; want smtp.token_command", ve.Problems)
	}
}

func TestHTTPSection(t *testing.T) {
	cfg, err := Parse([]byte("http:\n  listen: 127.0.0.1:8025\n  public_url: https://digest.school.example.edu\n"), "h.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if h := cfg.HTTP; h.LinkTTL != 30*24*time.Hour || h.Snooze != 72*time.Hour || h.SessionTTL != 30*24*time.Hour || h.KeyFile == "" {
		t.Errorf("http defaults = %+v", h)
	}
	if h := cfg.HTTP; !h.UIEnabled() || !h.Links() || !h.NeedsLogin() {
		t.Errorf("published behind a proxy: UI %v, links %v, login %v; want all true", h.UIEnabled(), h.Links(), h.NeedsLogin())
	}
	for _, tt := range []struct{ yaml, key string }{
		{"http:\n  listen: nonsense\n  public_url: https://x.example\n", "http.listen"},
		{"http:\n  listen: :8025\n  public_url: http://digest.example.org\n", "http.public_url"},
		{"http:\n  public_url: digest.example.org\n", "http.public_url"},
		{"http:\n  session_ttl: 1s\n", "http.session_ttl"},
		{"recipients:\n  - address: a@x.example\n    web_password_file: /a\n    web_password_env: A\n", "recipients[0].web_password_env"},
	} {
		_, err := Parse([]byte(tt.yaml), "h.yaml")
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%q: %v; want a ValidationError", tt.yaml, err)
		} else if _, ok := ve.Problem(tt.key); !ok {
			t.Errorf("%q: problems %v; want %s", tt.yaml, ve.Problems, tt.key)
		}
	}
	// Who needs a login: anything reachable beyond this machine.
	for _, tt := range []struct {
		listen, public string
		login          bool
	}{
		{"127.0.0.1:8025", "", false},
		{"[::1]:8025", "http://localhost:8025", false},
		{"localhost:8025", "", false},
		{":8025", "", true},
		{"0.0.0.0:8025", "", true},
		{"192.0.2.7:8025", "", true},
		{"127.0.0.1:8025", "https://digest.example.org", true},
	} {
		if got := (HTTP{Listen: tt.listen, PublicURL: tt.public}).NeedsLogin(); got != tt.login {
			t.Errorf("NeedsLogin(%s, %q) = %v; want %v", tt.listen, tt.public, got, tt.login)
		}
	}
	// No section: the UI on this machine, no links; "none" turns the listener off.
	for yaml, want := range map[string][3]bool{
		"":                        {true, false, true},
		"http:\n  listen: none\n": {false, false, false},
		"http:\n  ui: false\n  public_url: https://d.example\n": {false, true, true},
	} {
		cfg, err := Parse([]byte(yaml), "h.yaml")
		if err != nil {
			t.Fatalf("%q: %v", yaml, err)
		}
		h := cfg.HTTP
		if got := [3]bool{h.UIEnabled(), h.Links(), h.Enabled()}; got != want || (yaml == "" && h.Listen != DefaultListen) {
			t.Errorf("%q: UI, links, listening = %v (listen %q); want %v", yaml, got, h.Listen, want)
		}
	}
	if h := Default().HTTP; h == nil || h.Listen != DefaultListen || h.KeyFile == "" {
		t.Errorf("Default().HTTP = %+v", h)
	}
}
