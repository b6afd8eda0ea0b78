// Package config loads, defaults and validates the listdigest configuration file.
//
// # Design
//
// The configuration is one YAML document (see configs/listdigest.example.yaml) decoded into
// a [Config] value. There are no package-level settings: the daemon loads a *Config once (or
// again on SIGHUP), and passes it, or the parts a component needs, explicitly.
//
// [Load] reads a file and calls [Parse], which works in three steps:
//
//  1. Structure. The document is parsed into a yaml.Node tree and walked against the Go types.
//     Every key the types do not declare is reported with its line number and a did-you-mean
//     suggestion; keys that would put a secret in the file ("password", "token") and the
//     deliberately absent "insecure_skip_verify" get a message saying what to use instead.
//     The top level is also decoded with yaml.Decoder.KnownFields(true) as a second guard.
//  2. Decoding and defaults. Each section and list item is decoded on top of its defaults
//     ([Default], [DefaultMailbox], [DefaultRecipient], [DefaultSMTP]), so an absent key keeps
//     its default while a key given with a bad value is an error. A mailbox or SMTP port of 0
//     or absent means "the usual port for the TLS mode". Paths (database.path, tls_ca_file,
//     password_file) have "~" and $VARIABLES expanded; an unset variable is an error.
//  3. Validation. [Config.Validate] checks every rule and returns all problems at once.
//
// Every problem is a [Problem] carrying the key path ("mailboxes[1].tls"), the line when it is
// known, and a message that says what is wrong and how to fix it. They are gathered in a
// [*ValidationError]; an unreadable file is a [*FileError]. [IsConfigError] recognises both
// (and permanent [*SecretError]s) so the command line can exit with [ExitCode] (2), the status
// that systemd's RestartPreventExitStatus= treats as "do not restart".
//
// Validate is pure: it reads no files, environment variables or commands, so it can run in
// tests and in "listdigest check-config" before secrets are deployed. Secrets are resolved
// only when needed, by [Mailbox.Secret] and [SMTP.Secret].
//
// # Secrets
//
// A secret never appears in the configuration text. It comes from exactly one of
//
//   - password_file: the file's content with one trailing newline removed. A file that every
//     user can read (mode o+r) is refused; group-readable files are accepted so that a service
//     group can share one (mode 0640).
//   - password_env: the named environment variable, which must be set and non-empty.
//   - password_command: run with "sh -c" for at most [SecretCommandTimeout]; its standard
//     output with trailing newlines removed is the secret.
//
// An xoauth2 mailbox takes its access token from token_command, run the same way. Errors
// name the key ("mailboxes[name=school].password_file") and never contain the secret: the
// text of a command (which may embed one) is never echoed, and a failing command's standard
// error is included only with any copy of its output redacted. [Mailbox], [SMTP] and
// [Config] implement fmt.Stringer and slog.LogValuer without secrets or command texts.
package config
