package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"listdigest/internal/config"
)

func TestInitWritesAValidStartingConfiguration(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "conf", "listdigest.yaml")
	code, out, errOut := runCLI(t, "init", "--config", path, "--address", "jo@school.example.edu", "--name", "Jo Librarian", "--timezone", "Australia/Sydney")
	if code != exitOK || !strings.Contains(out, "listdigest subscribe") {
		t.Fatalf("init: code %d\n%s%s", code, out, errOut)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v, %v; want 0600", st.Mode(), err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Recipients) != 1 || cfg.Recipients[0].Address != "jo@school.example.edu" || cfg.Recipients[0].Timezone != "Australia/Sydney" ||
		cfg.Recipients[0].Name != "Jo Librarian" || cfg.Recipients[0].BudgetWords != 476 {
		t.Errorf("recipients = %+v", cfg.Recipients)
	}
	if code, _, errOut := runCLI(t, "init", "--config", path, "--address", "x@example.org"); code != exitUsage || !strings.Contains(errOut, "--force") {
		t.Errorf("init over an existing file: code %d, %s; want 2 suggesting --force", code, errOut)
	}
	if code, _, errOut := runCLI(t, "init", "--config", path, "--force", "--address", "x@example.org", "--timezone", "Mars/Olympus"); code != exitUsage || !strings.Contains(errOut, "timezone") {
		t.Errorf("init with a bad zone: code %d, %s; want 2 naming the timezone", code, errOut)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "jo@school.example.edu") {
		t.Error("a refused init changed the file")
	}
	// No address and no terminal: a configuration without recipients, still valid.
	bare := filepath.Join(dir, "bare.yaml")
	if code, _, errOut := runCLI(t, "init", "--config", bare); code != exitOK {
		t.Fatalf("init without an address: code %d, %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "check-config", "--config", bare); code != exitOK {
		t.Errorf("check-config on a bare init: code %d\n%s%s", code, out, errOut)
	}
}

func TestSubscribeFindsTheListsAndWritesTheEntry(t *testing.T) {
	addr := memIMAP(t, "librarian", "pw",
		listPost(1, "lm_net.listserv.syr.edu"), listPost(2, "lm_net.listserv.syr.edu"), listPost(3, "aisle.lists.example.org"),
		"From: Principal <head@school.example.edu>\r\nSubject: staff meeting\r\nMessage-ID: <p1@school.example.edu>\r\n\r\nAt 3.\r\n")
	t.Setenv("LD_TEST_PW", "pw")
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	path := filepath.Join(dir, "listdigest.yaml")
	if code, _, errOut := runCLI(t, "init", "--config", path, "--db", filepath.Join(dir, "l.db"), "--address", "jo@school.example.edu"); code != exitOK {
		t.Fatalf("init: %d %s", code, errOut)
	}
	args := []string{"subscribe", "--config", path, "--host", host, "--port", port, "--tls", "none", "--auth", "login",
		"--username", "librarian", "--password-env", "LD_TEST_PW", "--name", "school"}

	// Without a terminal nothing is written unless --yes.
	code, out, errOut := runCLI(t, args...)
	if code != exitOK || !strings.Contains(out, "Not written") {
		t.Fatalf("subscribe without --yes: code %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, append(args, "--yes")...)
	if code != exitOK {
		t.Fatalf("subscribe: code %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"INBOX", "4 messages", "lm_net.listserv.syr.edu", "aisle.lists.example.org", "Added mailbox school"} {
		if !strings.Contains(out, want) {
			t.Errorf("subscribe output lacks %q:\n%s", want, out)
		}
	}
	b, _ := os.ReadFile(path)
	text := string(b)
	if !strings.Contains(text, "# The IMAP accounts your lists arrive in") || !strings.Contains(text, "# How digests are mailed") {
		t.Errorf("subscribe lost the file's comments:\n%s", text)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the written configuration: %v\n%s", err, text)
	}
	m, ok := cfg.Mailbox("school")
	if !ok || m.Host != host || m.PasswordEnv != "LD_TEST_PW" || len(m.Folders) != 1 || m.Folders[0] != "INBOX" ||
		strings.Join(m.Lists, ",") != "lm_net.listserv.syr.edu,aisle.lists.example.org" {
		t.Errorf("mailbox entry = %+v", m)
	}
	// The entry works: sync stores the list mail and skips the principal's note.
	if code, out, errOut := runCLI(t, "sync", "--once", "--config", path); code != exitOK || !strings.Contains(out, "school: 3 new") {
		t.Errorf("sync with the subscribed mailbox: code %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, append(args, "--yes")...); code != exitUsage || !strings.Contains(errOut, "already has a mailbox named \"school\"") {
		t.Errorf("subscribing the same name again: code %d, %s", code, errOut)
	}
}

func TestSubscribeWrongPasswordWritesNothing(t *testing.T) {
	addr := memIMAP(t, "librarian", "pw")
	t.Setenv("LD_TEST_PW", "not-it")
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	path := filepath.Join(dir, "listdigest.yaml")
	runCLI(t, "init", "--config", path)
	before, _ := os.ReadFile(path)
	code, _, errOut := runCLI(t, "subscribe", "--config", path, "--host", host, "--port", port, "--tls", "none", "--auth", "login",
		"--username", "librarian", "--password-env", "LD_TEST_PW", "--yes")
	if code != exitFailure || !strings.Contains(errOut, "librarian") || strings.Contains(errOut, "not-it") {
		t.Errorf("wrong password: code %d, stderr %q; want 1 naming the login, never the password", code, errOut)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a failed subscribe changed the configuration")
	}
	if code, _, errOut := runCLI(t, "subscribe", "--config", filepath.Join(dir, "none.yaml"), "--host", host); code != exitUsage || !strings.Contains(errOut, "listdigest init") {
		t.Errorf("subscribe without a configuration: code %d, %s", code, errOut)
	}
}

func TestAddMailbox(t *testing.T) {
	entry := "  - name: new\n    host: imap.example.org\n"
	tests := []struct{ name, in, want string }{
		{"empty flow list", "database:\n  path: x\nmailboxes: []\n\nrecipients: []\n",
			"database:\n  path: x\nmailboxes:\n" + entry + "\nrecipients: []\n"},
		{"after the last entry, before the next key's comment", "mailboxes:\n  - name: old\n    host: a\n\n# Who gets it\nrecipients: []\n",
			"mailboxes:\n  - name: old\n    host: a\n" + entry + "\n# Who gets it\nrecipients: []\n"},
		{"last key in the file", "mailboxes:\n  # a comment\n  - name: old\n    host: a\n",
			"mailboxes:\n  # a comment\n  - name: old\n    host: a\n" + entry},
		{"no key", "database:\n  path: x", "database:\n  path: x\n\nmailboxes:\n" + entry},
	}
	for _, tt := range tests {
		if got := addMailbox(tt.in, entry); got != tt.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func TestNameFromHost(t *testing.T) {
	for host, want := range map[string]string{"imap.gmail.com": "gmail", "outlook.office365.com": "office365",
		"mail.school.example.edu": "school", "127.0.0.1": "127", "IMAP.Dept_Ed.example": "dept_ed"} {
		if got := nameFromHost(host); got != want {
			t.Errorf("nameFromHost(%q) = %q; want %q", host, got, want)
		}
	}
}
