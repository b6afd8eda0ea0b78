package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

const examplePath = "../../configs/listdigest.example.yaml"

// TestExampleConfig keeps configs/listdigest.example.yaml loadable and valid.
func TestExampleConfig(t *testing.T) {
	cfg, err := Load(examplePath)
	if err != nil {
		t.Fatalf("Load(%q) = %v", examplePath, err)
	}
	if got := cfg.Database; got != (Database{Path: "/var/lib/listdigest/listdigest.db", MaxMessageSize: 25 * MB}) {
		t.Errorf("Database = %+v", got)
	}
	if len(cfg.Mailboxes) != 1 {
		t.Fatalf("len(Mailboxes) = %d; want 1 (the Gmail example is commented out)", len(cfg.Mailboxes))
	}
	m := cfg.Mailboxes[0]
	want := Mailbox{
		Name: "school", Host: "imap.example.edu", Port: 993, TLS: TLSImplicit,
		Username: "librarian@school.example.edu", Auth: AuthPlain,
		PasswordFile: "/etc/listdigest/imap-password",
		Folders:      []string{"INBOX"},
		Lists:        []string{"lm_net*", "oztl_net*", "aisle*"},
		Schedule:     DefaultFetchSchedule, Idle: true, PushFlags: true, FetchBatch: DefaultFetchBatch, Timeout: 2 * time.Minute,
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("Mailboxes[0] = %#v; want %#v", m, want)
	}
	if len(cfg.Recipients) != 2 {
		t.Fatalf("len(Recipients) = %d; want 2", len(cfg.Recipients))
	}
	if got, want := cfg.Recipients[0].EffectiveSchedule(), "CRON_TZ=Australia/Sydney 0 6 * * *"; got != want {
		t.Errorf("Recipients[0].EffectiveSchedule() = %q; want %q", got, want)
	}
	if r := cfg.Recipients[1]; r.BudgetWords != DefaultBudgetWords || r.Lists != nil || r.Mailboxes != nil {
		t.Errorf("Recipients[1] = %+v; want defaults for the keys it omits", r)
	}
	if cfg.SMTP == nil || cfg.SMTP.Port != 587 || cfg.SMTP.PasswordFile != "/etc/listdigest/smtp-password" {
		t.Errorf("SMTP = %v", cfg.SMTP)
	}
}

// TestExampleConfigGmail uncomments the Gmail xoauth2 example, so that it stays valid too.
func TestExampleConfigGmail(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	inBlock, found := false, false
	for i, l := range lines {
		if strings.HasPrefix(l, "  # - name: gmail") {
			inBlock, found = true, true
		} else if !strings.HasPrefix(l, "  #   ") {
			inBlock = false
		}
		if inBlock {
			lines[i] = "  " + strings.TrimPrefix(l, "  # ")
		}
	}
	if !found {
		t.Fatalf("%s has no commented-out mailbox starting with %q", examplePath, "  # - name: gmail")
	}
	cfg, err := Parse([]byte(strings.Join(lines, "\n")), examplePath+" (Gmail uncommented)")
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if len(cfg.Mailboxes) != 2 {
		t.Fatalf("len(Mailboxes) = %d; want 2", len(cfg.Mailboxes))
	}
	g := cfg.Mailboxes[1]
	if g.Name != "gmail" || g.Auth != AuthXOAuth2 || g.TokenCommand == "" || g.Port != 993 || g.Schedule != "@every 15m" {
		t.Errorf("Mailboxes[1] = %#v", g)
	}
}
