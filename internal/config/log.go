package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// secretSource describes where a secret comes from without revealing it: the file path or
// variable name, but never a command's text, which may embed a secret.
func secretSource(file, env, command, token string) string {
	var parts []string
	if file != "" {
		parts = append(parts, "password_file "+file)
	}
	if env != "" {
		parts = append(parts, "password_env "+env)
	}
	if command != "" {
		parts = append(parts, "password_command")
	}
	if token != "" {
		parts = append(parts, "token_command")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// String describes the mailbox for humans, without secrets or command texts:
// `mailbox "school" (librarian@school.example.edu at imap.example.edu:993, tls implicit,
// auth plain, secret from password_file /etc/listdigest/imap-password)`.
func (m Mailbox) String() string {
	return fmt.Sprintf("mailbox %q (%s at %s, tls %s, auth %s, secret from %s)",
		m.Name, m.Username, hostPort(m.Host, m.Port), m.TLS, m.Auth,
		secretSource(m.PasswordFile, m.PasswordEnv, m.PasswordCommand, m.TokenCommand))
}

// GoString is String, so that %#v cannot print a password_command either.
func (m Mailbox) GoString() string { return m.String() }

// LogValue implements slog.LogValuer with the mailbox's non-secret settings.
func (m Mailbox) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", m.Name),
		slog.String("host", m.Host),
		slog.Int("port", m.Port),
		slog.String("tls", string(m.TLS)),
		slog.String("username", m.Username),
		slog.String("auth", string(m.Auth)),
		slog.String("secret_source", secretSource(m.PasswordFile, m.PasswordEnv, m.PasswordCommand, m.TokenCommand)),
		slog.Any("folders", m.Folders),
		slog.String("schedule", m.Schedule),
		slog.Bool("idle", m.Idle),
	)
}

// String describes the SMTP server for humans, without secrets or command texts.
func (s SMTP) String() string {
	user := s.Username
	if user == "" {
		user = "no login"
	}
	return fmt.Sprintf("smtp %s (%s, tls %s, from %s, secret from %s)",
		hostPort(s.Host, s.Port), user, s.TLS, s.From,
		secretSource(s.PasswordFile, s.PasswordEnv, s.PasswordCommand, ""))
}

// GoString is String, so that %#v cannot print a password_command either.
func (s SMTP) GoString() string { return s.String() }

// LogValue implements slog.LogValuer with the server's non-secret settings.
func (s SMTP) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", s.Host),
		slog.Int("port", s.Port),
		slog.String("tls", string(s.TLS)),
		slog.String("username", s.Username),
		slog.String("secret_source", secretSource(s.PasswordFile, s.PasswordEnv, s.PasswordCommand, "")),
		slog.String("from", s.From),
	)
}

// String summarises the configuration without secrets.
func (c *Config) String() string {
	names := make([]string, len(c.Mailboxes))
	for i, m := range c.Mailboxes {
		names[i] = m.Name
	}
	smtp := "none"
	if c.SMTP != nil {
		smtp = hostPort(c.SMTP.Host, c.SMTP.Port)
	}
	return fmt.Sprintf("config %s (database %s, mailboxes [%s], %d recipients, smtp %s)",
		c.source, c.Database.Path, strings.Join(names, " "), len(c.Recipients), smtp)
}

// GoString is String, so that %#v cannot print a password_command either.
func (c *Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer with a summary of the configuration.
func (c *Config) LogValue() slog.Value {
	names := make([]string, len(c.Mailboxes))
	for i, m := range c.Mailboxes {
		names[i] = m.Name
	}
	attrs := []slog.Attr{
		slog.String("source", c.source),
		slog.String("database", c.Database.Path),
		slog.Any("mailboxes", names),
		slog.Int("recipients", len(c.Recipients)),
	}
	if c.SMTP != nil {
		attrs = append(attrs, slog.String("smtp", hostPort(c.SMTP.Host, c.SMTP.Port)))
	}
	return slog.GroupValue(attrs...)
}

func hostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}
