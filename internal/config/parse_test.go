package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseProblems parses src and returns its problems, failing the test if it is valid.
func parseProblems(t *testing.T, src string) *ValidationError {
	t.Helper()
	cfg, err := Parse([]byte(src), "test.yaml")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Parse() = %v, %v; want a *ValidationError", cfg, err)
	}
	if cfg != nil {
		t.Errorf("Parse() returned a Config along with an error")
	}
	if !IsConfigError(err) {
		t.Errorf("IsConfigError(%v) = false; want true", err)
	}
	return ve
}

// mustParse parses src and fails the test on any problem.
func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse([]byte(src), "test.yaml")
	if err != nil {
		t.Fatalf("Parse() = %v; want no error", err)
	}
	return cfg
}

const minimalMailbox = `mailboxes:
  - name: school
    host: imap.example.edu
    username: librarian@school.example.edu
    password_file: /etc/listdigest/imap-password
`

// TestParseProblems covers the problems found while reading the YAML: unknown, secret,
// duplicate and mistyped keys, each with the key path and line.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		key     string
		line    int
		message string
	}{
		{"unknown top-level key", "databse:\n  path: /x.db\n", "databse", 1, "unknown key; did you mean database?"},
		{"unknown top-level key without suggestion", "frobnicate: 1\n", "frobnicate", 1, "unknown key; the keys allowed at the top level are categories, database, http, mailboxes, recipients, smtp"},
		{"unknown database key", "database:\n  paht: /x.db\n", "database.paht", 2, "did you mean path?"},
		{"unknown mailbox key", minimalMailbox + "    pasword_file: /x\n", "mailboxes[0].pasword_file", 6, "unknown key; did you mean password_file?"},
		{"unknown mailbox key camel case", minimalMailbox + "    fetchBatch: 10\n", "mailboxes[0].fetchBatch", 6, "did you mean fetch_batch?"},
		{"unknown mailbox key in second item", minimalMailbox + "  - name: b\n    hots: x\n", "mailboxes[1].hots", 7, "did you mean host?"},
		{"ssl instead of tls", minimalMailbox + "    ssl: true\n", "mailboxes[0].ssl", 6, "did you mean tls?"},
		{"user instead of username", minimalMailbox + "    user: x\n", "mailboxes[0].user", 6, "did you mean username?"},
		{"unknown recipient key", "recipients:\n  - address: jo@example.org\n    timezon: UTC\n", "recipients[0].timezon", 3, "did you mean timezone?"},
		{"unknown smtp key", "smtp:\n  host: smtp.example.org\n  form: a@example.org\n", "smtp.form", 3, "did you mean from?"},
		{"mailbox password in file", minimalMailbox + "    password: hunter2\n", "mailboxes[0].password", 6, "secrets are not accepted in the configuration file: put the password in a file readable only by listdigest and set password_file, or use password_env or password_command"},
		{"mailbox token in file", minimalMailbox + "    token: ya29.abc\n", "mailboxes[0].token", 6, "set auth: xoauth2 and token_command"},
		{"smtp password in file", "smtp:\n  host: smtp.example.org\n  from: a@example.org\n  Password: x\n", "smtp.Password", 4, "set password_file"},
		{"insecure skip verify", minimalMailbox + "    insecure_skip_verify: true\n", "mailboxes[0].insecure_skip_verify", 6, "certificate verification cannot be turned off: for a self-signed or private-CA server, set tls_ca_file"},
		{"duplicate key", minimalMailbox + "    host: imap2.example.edu\n", "mailboxes[0].host", 6, "given twice (first on line 3): keep one"},
		{"duplicate top-level key", "database:\n  path: /a.db\ndatabase:\n  path: /b.db\n", "database", 3, "given twice (first on line 1)"},
		{"port not a number", minimalMailbox + "    port: imaps\n", "mailboxes[0].port", 6, `must be a whole number, not "imaps"`},
		{"idle not a bool", minimalMailbox + "    idle: sometimes\n", "mailboxes[0].idle", 6, `must be true or false, not "sometimes"`},
		{"timeout without unit", minimalMailbox + "    timeout: 120\n", "mailboxes[0].timeout", 6, `must be a duration with a unit, such as 30s, 2m or 1h30m, not "120"`},
		{"timeout not a duration", minimalMailbox + "    timeout: two minutes\n", "mailboxes[0].timeout", 6, "must be a duration"},
		{"folders not a list", minimalMailbox + "    folders: INBOX\n", "mailboxes[0].folders", 6, "must be a list: write [INBOX]"},
		{"lists a mapping", minimalMailbox + "    lists:\n      lm_net: true\n", "mailboxes[0].lists", 6, "must be a list of values, not a mapping"},
		{"name a list", "mailboxes:\n  - name: [a, b]\n", "mailboxes[0].name", 2, "must be a single value, not a list"},
		{"tls a mapping", minimalMailbox + "    tls:\n      mode: none\n", "mailboxes[0].tls", 6, "must be a single value, not a mapping"},
		{"max message size bad unit", "database:\n  max_message_size: 25 MBs\n", "database.max_message_size", 2, `invalid size "25 MBs"`},
		{"max message size negative", "database:\n  max_message_size: -1\n", "database.max_message_size", 2, "invalid size"},
		{"max message size a list", "database:\n  max_message_size: [1]\n", "database.max_message_size", 2, "must be a size such as 25MB, not a list"},
		{"mailboxes a mapping", "mailboxes:\n  name: school\n", "mailboxes", 1, "must be a list (each item starts with \"- \"), not a mapping"},
		{"mailbox item a string", "mailboxes:\n  - school\n", "mailboxes[0]", 2, `must be a mapping of keys to values, not "school"`},
		{"smtp a string", "smtp: smtp.example.org\n", "smtp", 1, `must be a mapping of keys to values, not "smtp.ex`},
		{"database a list", "database: [a]\n", "database", 1, "must be a mapping of keys to values, not a list"},
		{"flow mapping", "mailboxes: [{name: a, host: h, username: u, password_env: P, port: x}]\n", "mailboxes[0]", 1, `must be a whole number, not "x"`},
		{"unset variable in path", "database:\n  path: $LISTDIGEST_TEST_UNSET_DIR/x.db\n", "database.path", 2, "environment variable $LISTDIGEST_TEST_UNSET_DIR is not set"},
		{"other user's home", minimalMailbox + "    tls_ca_file: ~bob/ca.pem\n", "mailboxes[0].tls_ca_file", 6, `only "~" and "~/..." are expanded`},
		{"validation problem gets its line", minimalMailbox + "    tls: none\n", "mailboxes[0].tls", 6, "none is refused for non-loopback host imap.example.edu"},
		{"missing key gets the item's line", "database:\n  path: /x.db\nmailboxes:\n  - name: school\n    host: imap.example.edu\n    password_env: P\n", "mailboxes[0].username", 4, "is required"},
		{"recipient mailbox reference line", minimalMailbox + "recipients:\n  - address: jo@example.org\n    mailboxes:\n      - school\n      - gmail\n", "recipients[0].mailboxes[1]", 10, `"gmail" is not the name of a configured mailbox`},
		{"syntax error", "database:\n  path: /x.db\n mailboxes: []\n", "", 3, "YAML syntax: did not find expected key (check the indentation"},
		{"syntax error in list", "mailboxes:\n  - name: a\n   host: b\n", "", 2, "YAML syntax"},
		{"unterminated flow list", "mailboxes:\n  - folders: [INBOX\n", "", 2, "YAML syntax"},
		{"tab indentation", "database:\n\tpath: /x.db\n", "", 2, "indent with spaces"},
		{"two documents", "database: {}\n---\ndatabase: {}\n", "", 2, "a second YAML document starts here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ve := parseProblems(t, tt.src)
			p, ok := ve.Problem(tt.key)
			if !ok {
				t.Fatalf("Parse() = %v; want a problem with key %q", ve, tt.key)
			}
			if p.Line != tt.line {
				t.Errorf("problem %q line = %d; want %d", tt.key, p.Line, tt.line)
			}
			if !strings.Contains(p.Message, tt.message) {
				t.Errorf("problem %q message = %q; want it to contain %q", tt.key, p.Message, tt.message)
			}
			if strings.Contains(ve.Error(), "hunter2") || strings.Contains(ve.Error(), "ya29") {
				t.Errorf("error text %q contains a secret from the file", ve.Error())
			}
		})
	}
}

func TestParseUnknownKeyErrorText(t *testing.T) {
	src := "# listdigest\n\ndatabase:\n  path: /x.db\n\n" + minimalMailbox + "    pasword_file: /x\n"
	_, err := Parse([]byte(src), "/etc/listdigest/listdigest.yaml")
	want := "/etc/listdigest/listdigest.yaml: line 11: mailboxes[0].pasword_file: unknown key; did you mean password_file?"
	if err == nil || err.Error() != want {
		t.Errorf("Parse() error = %v; want %q", err, want)
	}
}

// TestParseAllProblemsInFileOrder checks that parse-time and validation problems are
// reported together, ordered by line, without follow-on noise for the same key.
func TestParseAllProblemsInFileOrder(t *testing.T) {
	src := `database:
  max_message_size: 10 parsecs
mailboxes:
  - name: School
    host: imap.example.edu:993
    port: nine
    username: librarian@school.example.edu
    password: hunter2
recipients:
  - address: jo
    budget_words: 10
`
	ve := parseProblems(t, src)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Key)
	}
	want := []string{
		"database.max_message_size",
		"mailboxes[0].name",
		"mailboxes[0].password_file", // no password source: reported on the item's line
		"mailboxes[0].host",
		"mailboxes[0].port",
		"mailboxes[0].password",
		"recipients[0].address",
		"recipients[0].budget_words",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse() problem keys = %q; want %q\n%v", got, want, ve)
	}
	for i := 1; i < len(ve.Problems); i++ {
		if ve.Problems[i].Line < ve.Problems[i-1].Line {
			t.Errorf("problems not in line order:\n%v", ve)
		}
	}
}

// TestParseDuplicateKeySkipsValidation: a mapping with a duplicate key is not decoded, so
// validating what is left would report misleading problems.
func TestParseDuplicateKeySkipsValidation(t *testing.T) {
	ve := parseProblems(t, "mailboxes:\n  - name: a\n    name: b\n")
	if len(ve.Problems) != 1 {
		t.Errorf("Parse() = %v; want only the duplicate-key problem", ve)
	}
}

func TestParseDefaults(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	cfg := mustParse(t, minimalMailbox+`recipients:
  - address: jo@school.example.edu
`)
	if got, want := cfg.Database, (Database{Path: "/xdg/data/listdigest/listdigest.db", MaxMessageSize: 25 * MB}); got != want {
		t.Errorf("Database = %+v; want %+v", got, want)
	}
	want := DefaultMailbox()
	want.Name = "school"
	want.Host = "imap.example.edu"
	want.Username = "librarian@school.example.edu"
	want.PasswordFile = "/etc/listdigest/imap-password"
	if len(cfg.Mailboxes) != 1 || !reflect.DeepEqual(cfg.Mailboxes[0], want) {
		t.Errorf("Mailboxes = %#v; want [%#v]", cfg.Mailboxes, want)
	}
	m := cfg.Mailboxes[0]
	if m.Port != 993 || m.TLS != TLSImplicit || m.Auth != AuthPlain || !m.Idle || m.FetchBatch != 500 ||
		m.Timeout != 2*time.Minute || m.Schedule != "*/10 * * * *" || !reflect.DeepEqual(m.Folders, []string{"INBOX"}) || m.Lists != nil {
		t.Errorf("mailbox defaults = %+v", m)
	}
	r := cfg.Recipients[0]
	wantR := Recipient{Address: "jo@school.example.edu", Timezone: "Local", Schedule: "0 7 * * *", BudgetWords: 476}
	if !reflect.DeepEqual(r, wantR) {
		t.Errorf("Recipients[0] = %+v; want %+v", r, wantR)
	}
	if cfg.SMTP != nil {
		t.Errorf("SMTP = %v; want nil when the section is absent", cfg.SMTP)
	}
	if cfg.Source() != "test.yaml" {
		t.Errorf("Source() = %q; want test.yaml", cfg.Source())
	}
}

func TestParseDefaultsDependOnOtherKeys(t *testing.T) {
	cfg := mustParse(t, `mailboxes:
  - name: starttls
    host: imap.example.edu
    tls: starttls
    username: u
    password_env: P
  - name: local
    host: localhost
    tls: none
    username: u
    password_env: P
  - name: explicit
    host: imap.example.edu
    port: 10993
    username: u
    password_env: P
  - name: zero
    host: imap.example.edu
    port: 0
    folders:
    lists: []
    idle: false
    username: u
    password_env: P
smtp:
  host: smtp.example.edu
  tls: implicit
  from: digest@example.edu
`)
	for i, want := range []int{143, 143, 10993, 993} {
		if got := cfg.Mailboxes[i].Port; got != want {
			t.Errorf("Mailboxes[%d].Port = %d; want %d", i, got, want)
		}
	}
	z := cfg.Mailboxes[3]
	if !reflect.DeepEqual(z.Folders, []string{"INBOX"}) || len(z.Lists) != 0 || z.Idle {
		t.Errorf("null folders, empty lists, idle false = %v, %v, %v; want [INBOX], [], false", z.Folders, z.Lists, z.Idle)
	}
	if cfg.SMTP == nil || cfg.SMTP.Port != 465 || cfg.SMTP.TLS != TLSImplicit {
		t.Errorf("SMTP = %v; want port 465 for tls implicit", cfg.SMTP)
	}

	cfg = mustParse(t, "smtp:\n")
	if cfg.SMTP != nil {
		t.Errorf("empty smtp section = %v; want nil", cfg.SMTP)
	}
	cfg = mustParse(t, "smtp:\n  host: localhost\n  tls: none\n  from: d@example.org\n")
	if cfg.SMTP.Port != 25 {
		t.Errorf("SMTP.Port with tls none = %d; want 25", cfg.SMTP.Port)
	}
	cfg = mustParse(t, "smtp:\n  host: smtp.example.org\n  from: d@example.org\n")
	if cfg.SMTP.Port != 587 || cfg.SMTP.TLS != TLSStartTLS {
		t.Errorf("SMTP = %v; want starttls on 587 by default", cfg.SMTP)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "---\n", "{}\n"} {
		cfg := mustParse(t, src)
		if !reflect.DeepEqual(cfg.Database, Default().Database) || cfg.Mailboxes != nil || cfg.Recipients != nil || cfg.SMTP != nil {
			t.Errorf("Parse(%q) = %v; want the defaults", src, cfg)
		}
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	cfg := mustParse(t, `mailboxes:
  - &base
    name: one
    host: imap.example.edu
    username: u
    password_env: P
    lists: ["lm_net*"]
  - <<: *base
    name: two
    folders: [Lists]
`)
	if len(cfg.Mailboxes) != 2 || cfg.Mailboxes[1].Host != "imap.example.edu" || cfg.Mailboxes[1].Name != "two" ||
		!reflect.DeepEqual(cfg.Mailboxes[1].Folders, []string{"Lists"}) {
		t.Errorf("Mailboxes = %+v", cfg.Mailboxes)
	}
	ve := parseProblems(t, `mailboxes:
  - &base
    name: one
    host: imap.example.edu
    username: u
    password_env: P
  - <<: *base
    name: two
    hots: x
`)
	if p, ok := ve.Problem("mailboxes[1].hots"); !ok || p.Line != 9 {
		t.Errorf("Parse() = %v; want unknown key mailboxes[1].hots on line 9", ve)
	}

	// A problem in the anchored mapping is reported once, where it is written.
	ve = parseProblems(t, `mailboxes:
  - &base
    name: one
    host: imap.example.edu
    username: u
    password_env: P
    hots: x
    port: abc
  - <<: *base
    name: two
`)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	want := []string{
		"line 7: mailboxes[0].hots: unknown key; did you mean host?",
		`line 8: mailboxes[0].port: must be a whole number, not "abc"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Parse() problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseExpandsPaths(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LISTDIGEST_TEST_DIR", dir)
	t.Setenv("HOME", "/home/librarian")
	cfg := mustParse(t, `database:
  path: ${LISTDIGEST_TEST_DIR}/db/../listdigest.db
mailboxes:
  - name: school
    host: imap.example.edu
    username: u
    password_file: ~/secrets/imap
    tls_ca_file: $LISTDIGEST_TEST_DIR/ca.pem
smtp:
  host: smtp.example.edu
  username: u
  password_file: "~"
  from: d@example.edu
`)
	if want := filepath.Join(dir, "listdigest.db"); cfg.Database.Path != want {
		t.Errorf("Database.Path = %q; want %q", cfg.Database.Path, want)
	}
	if got := cfg.Mailboxes[0].PasswordFile; got != "/home/librarian/secrets/imap" {
		t.Errorf("PasswordFile = %q; want /home/librarian/secrets/imap", got)
	}
	if got := cfg.Mailboxes[0].TLSCAFile; got != filepath.Join(dir, "ca.pem") {
		t.Errorf("TLSCAFile = %q", got)
	}
	if got := cfg.SMTP.PasswordFile; got != "/home/librarian" {
		t.Errorf("SMTP.PasswordFile = %q; want /home/librarian", got)
	}
}

func TestExpandPath(t *testing.T) {
	env := map[string]string{"A": "/a", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	tests := []struct {
		in, want string
		home     func() (string, error)
		wantErr  string
	}{
		{"", "", home, ""},
		{"/x/y", "/x/y", home, ""},
		{"rel/x", "rel/x", home, ""},
		{"~", "/home/u", home, ""},
		{"~/x", "/home/u/x", home, ""},
		{"$A/x", "/a/x", home, ""},
		{"${A}x", "/ax", home, ""},
		{"/x$EMPTY/y", "/x/y", home, ""},
		{"/cost$$/y", "/cost$/y", home, ""},
		{"$NOPE/x", "", home, "$NOPE is not set"},
		{"$NOPE/$NADA/$NOPE", "", home, "$NOPE, $NADA is not set"},
		{"~bob/x", "", home, `only "~" and "~/..."`},
		{"~/x", "", noHome, "home directory is unknown"},
	}
	for _, tt := range tests {
		got, err := expandPath(tt.in, lookup, tt.home)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("expandPath(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expandPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDefaultDatabasePath(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	env := func(v string) func(string) string {
		return func(string) string { return v }
	}
	tests := []struct {
		xdg  string
		home func() (string, error)
		want string
	}{
		{"", home, "/home/u/.local/share/listdigest/listdigest.db"},
		{"/data", home, "/data/listdigest/listdigest.db"},
		{"relative/data", home, "/home/u/.local/share/listdigest/listdigest.db"},
		{"/data", noHome, "/data/listdigest/listdigest.db"},
		{"", noHome, ""},
	}
	for _, tt := range tests {
		if got := defaultDatabasePath(env(tt.xdg), tt.home); got != tt.want {
			t.Errorf("defaultDatabasePath(XDG_DATA_HOME=%q) = %q; want %q", tt.xdg, got, tt.want)
		}
	}
}

func TestDefaultDatabasePathUnknownIsAnError(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "")
	ve := parseProblems(t, "recipients: []\n")
	if _, ok := ve.Problem("database.path"); !ok {
		t.Errorf("Parse() without $HOME = %v; want a database.path problem", ve)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "listdigest.yaml")
	if err := os.WriteFile(path, []byte(minimalMailbox), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%q) = %v", path, err)
	}
	if cfg.Source() != path || cfg.Mailboxes[0].Name != "school" {
		t.Errorf("Load(%q) = %v", path, cfg)
	}

	if err := os.WriteFile(path, []byte("mailboxes: [{name: X}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.File != path || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("Load(invalid) = %v; want a *ValidationError naming %s", err, path)
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name  string
		path  string
		is    error
		hints []string
	}{
		{"missing", missing, fs.ErrNotExist, []string{"read config file " + missing + ": no such file or directory", "configs/listdigest.example.yaml", "listdigest check-config"}},
		{"directory", dir, nil, []string{"read config file " + dir, "not of its directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(tt.path)
			var fe *FileError
			if cfg != nil || !errors.As(err, &fe) || fe.Path != tt.path {
				t.Fatalf("Load(%q) = %v, %v; want a *FileError", tt.path, cfg, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			for _, h := range tt.hints {
				if !strings.Contains(err.Error(), h) {
					t.Errorf("Load(%q) error = %q; want it to contain %q", tt.path, err, h)
				}
			}
			if !IsConfigError(err) {
				t.Errorf("IsConfigError(%v) = false; want true", err)
			}
		})
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in      string
		want    ByteSize
		wantErr bool
	}{
		{"0", 0, false},
		{"1048576", MB, false},
		{"25MB", 25 * MB, false},
		{"25 mb", 25 * MB, false},
		{"10 MiB", 10 * MB, false},
		{"512KB", 512 * KB, false},
		{"512k", 512 * KB, false},
		{"1GiB", GB, false},
		{"1.5GB", GB + GB/2, false},
		{"100B", 100, false},
		{" 7 ", 7, false},
		{"", 0, true},
		{"MB", 0, true},
		{"-1", 0, true},
		{"25 MBs", 0, true},
		{"1.2.3MB", 0, true},
		{"99999999999999999999", 0, true},
		{"9999999999999GB", 0, true},
		{"1e9", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for _, tt := range []struct {
		b    ByteSize
		want string
	}{{25 * MB, "25MB"}, {1536 * KB, "1536KB"}, {1000, "1000B"}, {0, "0B"}, {2 * GB, "2GB"}} {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("ByteSize(%d).String() = %q; want %q", int64(tt.b), got, tt.want)
		}
	}
	cfg := mustParse(t, "database:\n  path: /x.db\n  max_message_size: 2097152\n")
	if cfg.Database.MaxMessageSize != 2*MB {
		t.Errorf("max_message_size: 2097152 = %d; want %d", cfg.Database.MaxMessageSize, 2*MB)
	}
}

func TestEditDistanceAndSuggest(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"pasword_file", "password_file", 1}, {"ssl", "tls", 3}, {"kitten", "sitting", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
	keys := []string{"host", "name", "port", "tls"}
	for _, tt := range []struct{ key, want string }{{"hots", "host"}, {"nmae", "name"}, {"frobnicate", ""}, {"prot", "port"}} {
		if got := suggest(tt.key, keys); got != tt.want {
			t.Errorf("suggest(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
}

// TestStructTagsMatchWalker guards the invariant the walker relies on: every exported
// field has a yaml tag, so the keys it accepts are exactly those the decoder fills.
func TestStructTagsMatchWalker(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Config](), reflect.TypeFor[Database](), reflect.TypeFor[Mailbox](), reflect.TypeFor[Recipient](), reflect.TypeFor[SMTP]()} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.IsExported() && f.Tag.Get("yaml") == "" {
				t.Errorf("%s.%s has no yaml tag", typ.Name(), f.Name)
			}
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that it returns either a Config
// or a *ValidationError.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(examplePath); err == nil {
		f.Add(data)
	}
	for _, s := range []string{minimalMailbox, "mailboxes: [{<<: *x}]", "a: &a [*a]", "smtp: ~", "mailboxes:\n  - schedule: TZ=0\n", "database: {max_message_size: 1e99}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		cfg, err := Parse(data, "fuzz.yaml")
		// Catches a runaway on some input (a config is tiny), with room for a busy machine.
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Parse(%q) took %v", data, d)
		}
		var ve *ValidationError
		if (cfg == nil) == (err == nil) || (err != nil && !errors.As(err, &ve)) {
			t.Fatalf("Parse() = %v, %v", cfg, err)
		}
	})
}
