package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// maxSecretSize bounds what is read from a password file or a command's output.
const maxSecretSize = 64 << 10

// maxStderr bounds how much of a failing command's standard error goes into the error.
const maxStderr = 1 << 10

// Secret returns the mailbox's credential: the password from password_file, password_env or
// password_command for auth plain and login, or the access token printed by token_command
// for xoauth2. Call it for each login rather than caching the result, so that rotated
// passwords and short-lived tokens are picked up. Errors are [*SecretError]s naming the key
// as "mailboxes[name=NAME].KEY" and never contain the secret.
func (m Mailbox) Secret(ctx context.Context) (string, error) {
	key := "mailboxes[name=" + m.Name + "]"
	if m.Auth == AuthXOAuth2 {
		return runSecretCommand(ctx, SecretCommandTimeout, key+".token_command", m.TokenCommand, "token")
	}
	return resolvePassword(ctx, key, m.PasswordFile, m.PasswordEnv, m.PasswordCommand)
}

// Secret returns the SMTP password, from password_file, password_env or password_command,
// the same way as [Mailbox.Secret].
func (s SMTP) Secret(ctx context.Context) (string, error) {
	if s.Auth == AuthXOAuth2 {
		return runSecretCommand(ctx, SecretCommandTimeout, "smtp.token_command", s.TokenCommand, "token")
	}
	return resolvePassword(ctx, "smtp", s.PasswordFile, s.PasswordEnv, s.PasswordCommand)
}

func resolvePassword(ctx context.Context, key, file, env, command string) (string, error) {
	switch set := setPasswordKeys(file, env, command); {
	case len(set) == 0:
		return "", &SecretError{Key: key + ".password_file", Err: errors.New("no password source: set one of password_file, password_env or password_command")}
	case len(set) > 1:
		return "", &SecretError{Key: key + "." + set[1], Err: fmt.Errorf("%s and %s are both set: keep exactly one", set[0], set[1])}
	}
	switch {
	case file != "":
		return readSecretFile(key+".password_file", file)
	case env != "":
		return readSecretEnv(key+".password_env", env)
	default:
		return runSecretCommand(ctx, SecretCommandTimeout, key+".password_command", command, "password")
	}
}

// readSecretFile returns the file's content minus one trailing newline. A file readable by
// every user is refused, like ssh does for private keys: the secret is already exposed and
// the operator should know. Group-readable is fine (a shared service group, mode 0640).
func readSecretFile(key, name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", &SecretError{Key: key, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", &SecretError{Key: key, Err: err}
	}
	if fi.IsDir() {
		return "", &SecretError{Key: key, Err: fmt.Errorf("%s is a directory: give the path of the file holding the password", name)}
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o004 != 0 {
		return "", &SecretError{Key: key, Err: fmt.Errorf("%s is readable by every user (mode %04o): run chmod o-r %s (0600, or 0640 with the service's group)", name, perm, name)}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecretSize+1))
	if err != nil {
		return "", &SecretError{Key: key, Err: err}
	}
	if len(data) > maxSecretSize {
		return "", &SecretError{Key: key, Err: fmt.Errorf("%s is larger than %d bytes: it should hold only the password", name, maxSecretSize)}
	}
	s := string(data)
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		s = strings.TrimSuffix(t, "\r")
	}
	if s == "" {
		return "", &SecretError{Key: key, Err: fmt.Errorf("%s is empty: write the password into it", name)}
	}
	return s, nil
}

func readSecretEnv(key, name string) (string, error) {
	v, ok := os.LookupEnv(name)
	switch {
	case !ok:
		return "", &SecretError{Key: key, Err: fmt.Errorf("environment variable %s is not set: set it in the service's environment", name)}
	case v == "":
		return "", &SecretError{Key: key, Err: fmt.Errorf("environment variable %s is empty", name)}
	}
	return v, nil
}

// runSecretCommand runs command with "sh -c" for at most timeout and returns its standard
// output minus trailing newlines. The command text is never put in errors (it may embed a secret), and
// the output is redacted from the standard error that is.
func runSecretCommand(ctx context.Context, timeout time.Duration, key, command, what string) (string, error) {
	if strings.TrimSpace(command) == "" {
		return "", &SecretError{Key: key, Err: fmt.Errorf("is empty: give a command that prints the %s", what)}
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, "sh", "-c", command)
	stdout := &cappedBuffer{max: maxSecretSize}
	stderr := &cappedBuffer{max: maxStderr}
	cmd.Stdin = nil
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	// A child that keeps the pipes open after sh is killed must not hang us.
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	out := strings.TrimRight(stdout.buf.String(), "\r\n")

	detail := func() string {
		e := strings.TrimSpace(stderr.buf.String())
		if out != "" {
			e = strings.ReplaceAll(e, out, "[redacted]")
		}
		if strings.TrimSpace(stdout.buf.String()) != "" {
			for line := range strings.Lines(stdout.buf.String()) {
				if l := strings.TrimSpace(line); l != "" {
					e = strings.ReplaceAll(e, l, "[redacted]")
				}
			}
		}
		if stderr.over {
			e += " [...]"
		}
		if e == "" {
			return ""
		}
		return "; stderr: " + e
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		return "", &SecretError{Key: key, Err: fmt.Errorf("command interrupted: %w", ctx.Err()), temporary: true}
	case runErr != nil && errors.Is(cctx.Err(), context.DeadlineExceeded):
		return "", &SecretError{Key: key, Err: fmt.Errorf("command timed out after %s%s", timeout, detail()), temporary: true}
	case runErr != nil:
		return "", &SecretError{Key: key, Err: fmt.Errorf("command failed: %w%s", runErr, detail()), temporary: true}
	case stdout.over:
		return "", &SecretError{Key: key, Err: fmt.Errorf("command printed more than %d bytes: it should print only the %s", maxSecretSize, what)}
	case out == "":
		return "", &SecretError{Key: key, Err: fmt.Errorf("command printed nothing on standard output: it should print the %s%s", what, detail()), temporary: true}
	}
	return out, nil
}

// cappedBuffer keeps the first max bytes written and discards the rest, so a runaway
// command cannot exhaust memory; over records that something was discarded.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room < len(p) {
		b.over = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

// WebPasswordHash returns the bcrypt hash of the reader's web UI password from
// web_password_file or web_password_env. A value that is not a bcrypt hash is refused, so a
// plain password put there by mistake is never compared as if it were one.
func (r Recipient) WebPasswordHash() (string, error) {
	key := "recipients[address=" + r.Address + "]"
	var hash string
	var err error
	switch {
	case r.WebPasswordFile != "":
		key += ".web_password_file"
		hash, err = readSecretFile(key, r.WebPasswordFile)
	case r.WebPasswordEnv != "":
		key += ".web_password_env"
		hash, err = readSecretEnv(key, r.WebPasswordEnv)
	default:
		return "", &SecretError{Key: key + ".web_password_file", Err: errors.New("no web password set")}
	}
	if err != nil {
		return "", err
	}
	hash = strings.TrimSpace(hash)
	if len(hash) != 60 || !(strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$")) {
		return "", &SecretError{Key: key, Err: errors.New("is not a bcrypt hash: store the line `listdigest passwd` prints, not the password itself")}
	}
	return hash, nil
}
