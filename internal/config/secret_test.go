package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const secretValue = "hunter2-Sup3r-s3cret"

// writeSecret writes content to a new file with the given mode and returns its path.
func writeSecret(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func mailboxWith(f func(m *Mailbox)) Mailbox {
	m := DefaultMailbox()
	m.Name = "school"
	m.Host = "imap.example.edu"
	m.Username = "librarian@school.example.edu"
	f(&m)
	return m
}

// assertSecretError checks err is a *SecretError with the key, message fragment and
// temporariness wanted, and that no part of its text reveals the secret.
func assertSecretError(t *testing.T, err error, key, fragment string, temporary bool) {
	t.Helper()
	var se *SecretError
	if !errors.As(err, &se) {
		t.Fatalf("Secret() error = %v; want *SecretError", err)
	}
	if se.Key != key {
		t.Errorf("SecretError.Key = %q; want %q", se.Key, key)
	}
	if !strings.Contains(err.Error(), fragment) {
		t.Errorf("Secret() error = %q; want it to contain %q", err, fragment)
	}
	if se.Temporary() != temporary {
		t.Errorf("Temporary() = %v; want %v", se.Temporary(), temporary)
	}
	if IsConfigError(err) == temporary {
		t.Errorf("IsConfigError(%v) = %v; want %v", err, !temporary, !temporary)
	}
	assertNoSecret(t, err.Error())
}

func assertNoSecret(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{secretValue, "hunter2", "s3cret"} {
		if strings.Contains(text, s) {
			t.Errorf("text %q reveals the secret (contains %q)", text, s)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"no newline", secretValue, secretValue},
		{"one newline", secretValue + "\n", secretValue},
		{"CRLF", secretValue + "\r\n", secretValue},
		{"only one newline is removed", secretValue + "\n\n", secretValue + "\n"},
		{"spaces are kept", " " + secretValue + " \n", " " + secretValue + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSecret(t, tt.content, 0o600)
			m := mailboxWith(func(m *Mailbox) { m.PasswordFile = path })
			got, err := m.Secret(t.Context())
			if err != nil || got != tt.want {
				t.Errorf("Secret() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("group readable", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = writeSecret(t, secretValue, 0o640) })
		if got, err := m.Secret(t.Context()); err != nil || got != secretValue {
			t.Errorf("Secret() = %q, %v; want the secret from a 0640 file", got, err)
		}
	})
}

func TestSecretFromFileErrors(t *testing.T) {
	const key = "mailboxes[name=school].password_file"
	t.Run("world readable", func(t *testing.T) {
		path := writeSecret(t, secretValue, 0o644)
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = path })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, path+" is readable by every user (mode 0644): run chmod o-r "+path, false)
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope")
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = path })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, "no such file", false)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = writeSecret(t, "\n", 0o600) })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, "is empty", false)
	})
	t.Run("directory", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = t.TempDir() })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, "is a directory", false)
	})
	t.Run("too large", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = writeSecret(t, strings.Repeat(secretValue, 5000), 0o600) })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, "larger than", false)
	})
	t.Run("no source", func(t *testing.T) {
		_, err := mailboxWith(func(*Mailbox) {}).Secret(t.Context())
		assertSecretError(t, err, key, "no password source", false)
	})
	t.Run("two sources", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordFile = "/x"; m.PasswordCommand = "echo " + secretValue })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, "mailboxes[name=school].password_command", "password_file and password_command are both set", false)
	})
}

func TestSecretFromEnv(t *testing.T) {
	const key = "mailboxes[name=school].password_env"
	t.Setenv("LISTDIGEST_TEST_PASSWORD", secretValue)
	t.Setenv("LISTDIGEST_TEST_EMPTY", "")
	m := mailboxWith(func(m *Mailbox) { m.PasswordEnv = "LISTDIGEST_TEST_PASSWORD" })
	if got, err := m.Secret(t.Context()); err != nil || got != secretValue {
		t.Errorf("Secret() = %q, %v; want the variable's value", got, err)
	}

	m.PasswordEnv = "LISTDIGEST_TEST_UNSET"
	_, err := m.Secret(t.Context())
	assertSecretError(t, err, key, "environment variable LISTDIGEST_TEST_UNSET is not set", false)

	m.PasswordEnv = "LISTDIGEST_TEST_EMPTY"
	_, err = m.Secret(t.Context())
	assertSecretError(t, err, key, "environment variable LISTDIGEST_TEST_EMPTY is empty", false)
}

func TestSecretFromCommand(t *testing.T) {
	const key = "mailboxes[name=school].password_command"
	tests := []struct {
		name    string
		command string
		want    string
	}{
		{"echo", "echo " + secretValue, secretValue},
		{"printf without newline", "printf '%s' " + secretValue, secretValue},
		{"trailing newlines", "printf '%s\\n\\r\\n' " + secretValue, secretValue},
		{"spaces kept", "printf ' %s \\n' " + secretValue, " " + secretValue + " "},
		{"environment", "LISTDIGEST_X=" + secretValue + "; echo $LISTDIGEST_X", secretValue},
		{"stderr ignored on success", "echo noise >&2; echo " + secretValue, secretValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mailboxWith(func(m *Mailbox) { m.PasswordCommand = tt.command })
			if got, err := m.Secret(t.Context()); err != nil || got != tt.want {
				t.Errorf("Secret() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}

	errTests := []struct {
		name     string
		command  string
		fragment string
	}{
		{"exit status", "exit 3", "command failed: exit status 3"},
		{"stderr included", "echo 'vault sealed' >&2; exit 1", "exit status 1; stderr: vault sealed"},
		{"output never included", "echo " + secretValue + "; exit 1", "command failed: exit status 1"},
		{"output redacted from stderr", "echo " + secretValue + "; echo \"bad password " + secretValue + "\" >&2; exit 1", "stderr: bad password [redacted]"},
		{"no output", "true", "printed nothing on standard output"},
		{"not found", "listdigest-no-such-command-xyz", "exit status 127"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			m := mailboxWith(func(m *Mailbox) { m.PasswordCommand = tt.command })
			_, err := m.Secret(t.Context())
			assertSecretError(t, err, key, tt.fragment, true)
		})
	}

	t.Run("too much output", func(t *testing.T) {
		m := mailboxWith(func(m *Mailbox) { m.PasswordCommand = "yes " + secretValue + " | head -c 100000" })
		_, err := m.Secret(t.Context())
		assertSecretError(t, err, key, "printed more than 65536 bytes", false)
	})
}

func TestSecretCommandTimeout(t *testing.T) {
	const key = "smtp.password_command"
	start := time.Now()
	_, err := runSecretCommand(t.Context(), 200*time.Millisecond, key, "echo "+secretValue+"; sleep 10", "password")
	assertSecretError(t, err, key, "command timed out after 200ms", true)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("runSecretCommand took %v after a 200ms timeout", d)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = runSecretCommand(ctx, time.Minute, key, "sleep 10", "password")
	assertSecretError(t, err, key, "command interrupted: context canceled", true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(%v, context.Canceled) = false", err)
	}
}

func TestSecretXOAuth2Token(t *testing.T) {
	m := mailboxWith(func(m *Mailbox) {
		m.Auth = AuthXOAuth2
		m.TokenCommand = "echo ya29." + secretValue
	})
	if got, err := m.Secret(t.Context()); err != nil || got != "ya29."+secretValue {
		t.Errorf("Secret() = %q, %v; want the token", got, err)
	}
	m.TokenCommand = "echo 'refresh token expired' >&2; exit 2"
	_, err := m.Secret(t.Context())
	assertSecretError(t, err, "mailboxes[name=school].token_command", "stderr: refresh token expired", true)
	m.TokenCommand = ""
	_, err = m.Secret(t.Context())
	assertSecretError(t, err, "mailboxes[name=school].token_command", "give a command that prints the token", false)
}

func TestSMTPSecret(t *testing.T) {
	s := DefaultSMTP()
	s.PasswordFile = writeSecret(t, secretValue+"\n", 0o400)
	if got, err := s.Secret(t.Context()); err != nil || got != secretValue {
		t.Errorf("SMTP.Secret() = %q, %v; want the file's content", got, err)
	}
	s.PasswordFile = ""
	s.PasswordEnv = "LISTDIGEST_TEST_UNSET"
	_, err := s.Secret(t.Context())
	assertSecretError(t, err, "smtp.password_env", "LISTDIGEST_TEST_UNSET is not set", false)
}

// TestSecretsFromLoadedConfig follows the path the daemon takes: Load, then Secret.
func TestSecretsFromLoadedConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LISTDIGEST_TEST_SECRETS", dir)
	if err := os.WriteFile(filepath.Join(dir, "imap"), []byte(secretValue+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := mustParse(t, `mailboxes:
  - name: school
    host: imap.example.edu
    username: u
    password_file: $LISTDIGEST_TEST_SECRETS/imap
`)
	if got, err := cfg.Mailboxes[0].Secret(t.Context()); err != nil || got != secretValue {
		t.Errorf("Secret() = %q, %v; want the file's content", got, err)
	}
}

// TestNoSecretsInStringsOrLogs: a password_command may embed a secret, so its text never
// appears in String, GoString, %v, %+v or slog output.
func TestNoSecretsInStringsOrLogs(t *testing.T) {
	c := validConfig()
	c.Mailboxes[0].PasswordFile = ""
	c.Mailboxes[0].PasswordCommand = "echo " + secretValue
	c.Mailboxes[1].TokenCommand = "echo ya29." + secretValue
	c.SMTP.PasswordEnv = ""
	c.SMTP.PasswordCommand = "printf " + secretValue

	var logs strings.Builder
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		l := slog.New(h)
		l.Info("fetch mailbox", "mailbox", c.Mailboxes[0])
		l.Info("fetch mailbox", "mailbox", c.Mailboxes[1])
		l.Info("send digest", "smtp", *c.SMTP)
		l.Info("loaded", "config", c)
	}
	texts := []string{
		logs.String(),
		c.Mailboxes[0].String(), c.SMTP.String(), c.String(),
		fmt.Sprintf("%v %+v %#v", c.Mailboxes[0], c.Mailboxes[1], c.Mailboxes),
		fmt.Sprintf("%v %+v %#v", c.SMTP, *c.SMTP, *c.SMTP),
		fmt.Sprintf("%v %+v %#v", c, c, c),
	}
	for _, text := range texts {
		assertNoSecret(t, text)
	}
	for _, want := range []string{"secret_source=password_command", "name=school", "host=imap.example.edu", "secret_source=token_command", `"secret_source":"password_command"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs do not contain %q:\n%s", want, logs.String())
		}
	}
	if got, want := c.Mailboxes[0].String(), `mailbox "school" (librarian@school.example.edu at imap.example.edu:993, tls implicit, auth plain, secret from password_command)`; got != want {
		t.Errorf("Mailbox.String() = %q; want %q", got, want)
	}
}
