package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	// Key is the path of the offending key, such as "mailboxes[1].tls" or
	// "recipients[0].mailboxes[2]"; list items are numbered from 0 in file order. It is
	// empty for problems with the file as a whole, such as a YAML syntax error.
	Key string
	// Line is the 1-based line of the key in the file, or of the enclosing item when the key
	// is missing; 0 when unknown (for example for a Config built in code).
	Line int
	// Message says what is wrong and how to fix it.
	Message string
}

// String formats the problem as "line 12: mailboxes[0].tls: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteString(": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in a configuration. [Load], [Parse] and
// [Config.Validate] return it as *ValidationError.
type ValidationError struct {
	// File is the configuration file's name; empty for a Config built in code.
	File string
	// Problems holds at least one problem, in file order when lines are known.
	Problems []Problem
}

// Error formats all the problems, one per line after the first when there are several.
func (e *ValidationError) Error() string {
	prefix := "config"
	if e.File != "" {
		prefix = e.File
	}
	if len(e.Problems) == 1 {
		return prefix + ": " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", prefix, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Problem returns the first problem with the given key.
func (e *ValidationError) Problem(key string) (Problem, bool) {
	for _, p := range e.Problems {
		if p.Key == key {
			return p, true
		}
	}
	return Problem{}, false
}

// FileError reports a configuration file that cannot be read. It unwraps to the
// underlying error, so errors.Is(err, fs.ErrNotExist) works.
type FileError struct {
	// Path is the file that was being read.
	Path string
	// Err is the underlying error.
	Err error
}

// Error says which file could not be read, why, and what to do about it.
func (e *FileError) Error() string {
	cause := e.Err
	var pe *fs.PathError
	if errors.As(cause, &pe) {
		cause = pe.Err // the path is already in the message
	}
	var hint string
	switch {
	case errors.Is(e.Err, fs.ErrNotExist):
		hint = "create it from configs/listdigest.example.yaml, then run \"listdigest check-config\""
	case errors.Is(e.Err, fs.ErrPermission):
		hint = "make it readable by the user listdigest runs as (it holds no secrets), then run \"listdigest check-config\""
	case errors.Is(e.Err, syscall.EISDIR):
		hint = "give the path of the YAML file, not of its directory"
	default:
		hint = "check the path, then run \"listdigest check-config\""
	}
	return fmt.Sprintf("read config file %s: %v: %s", e.Path, cause, hint)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// SecretError reports a password or token that could not be obtained. Its message never
// contains the secret.
type SecretError struct {
	// Key names the source, such as "mailboxes[name=school].password_file" or
	// "smtp.password_command".
	Key string
	// Err is the cause.
	Err error
	// temporary is set for command failures, which may succeed on a later attempt (a password
	// manager or token endpoint that is briefly unreachable).
	temporary bool
}

// Error returns "key: cause".
func (e *SecretError) Error() string { return e.Key + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *SecretError) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed: true when a password_command
// or token_command failed or timed out, false for a missing or unsafe file or an unset
// variable, which need an operator.
func (e *SecretError) Temporary() bool { return e.temporary }

// IsConfigError reports whether err is, or wraps, a configuration error that a restart
// cannot fix: a [*ValidationError], a [*FileError], or a [*SecretError] that is not
// temporary. The command line exits with [ExitCode] for these.
func IsConfigError(err error) bool {
	var ve *ValidationError
	var fe *FileError
	var se *SecretError
	switch {
	case errors.As(err, &ve), errors.As(err, &fe):
		return true
	case errors.As(err, &se):
		return !se.Temporary()
	}
	return false
}
