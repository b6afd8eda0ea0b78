package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"
)

// Stage names the step of a delivery that failed.
type Stage string

// The delivery stages, in the order they happen.
const (
	// StageConfig is a problem with the SMTP or IMAPAppend settings or the arguments, found
	// before connecting.
	StageConfig Stage = "config"
	// StageConnect covers the dial, the server's greeting and EHLO.
	StageConnect Stage = "connect"
	// StageTLS covers STARTTLS and the TLS handshake, including certificate verification.
	StageTLS Stage = "tls"
	// StageAuth covers obtaining the secret and logging in.
	StageAuth Stage = "auth"
	// StageMail is the SMTP MAIL FROM command.
	StageMail Stage = "mail from"
	// StageRcpt is the SMTP RCPT TO command.
	StageRcpt Stage = "rcpt to"
	// StageData is the SMTP DATA command, the message transfer and the final reply.
	StageData Stage = "data"
	// StageAppend is the IMAP APPEND command.
	StageAppend Stage = "append"
	// StageSearch is [IMAPAppend.Has] opening the folder and searching it.
	StageSearch Stage = "search"
)

// Error is a classified delivery failure. Its message names the server, what failed and, in
// Hint, what the operator can do about it; it never contains a password or token.
type Error struct {
	// Server is the server's host:port.
	Server string
	// Stage is the step that failed.
	Stage Stage
	// Code is the SMTP reply code, or 0 when the failure was not an SMTP reply.
	Code int
	// Hint says what the operator can do, such as "check smtp.username and the password
	// source"; empty when there is nothing better to do than retry later.
	Hint string
	// Err is the cause: an [*smtp.SMTPError], an [*imap.Error], a network, TLS or context
	// error, or an error from the Secret function.
	Err error

	// subject is what the stage was about: the user for StageAuth, the address for StageMail
	// and StageRcpt, the folder for StageAppend.
	subject   string
	temporary bool
}

// Error returns "action: cause: hint", e.g. `smtp.example.edu:587 refused the login for user
// "x": 535 5.7.8 Authentication failed: check smtp.username and the password source`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.action())
	b.WriteString(": ")
	b.WriteString(describe(e.Err))
	if e.Hint != "" {
		b.WriteString(": ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether retrying the delivery later may succeed. It makes *Error satisfy
// the interface{ Temporary() bool } that the scheduler classifies errors with.
func (e *Error) Temporary() bool { return e.temporary }

// action says what was being done, or what the server refused when it replied.
func (e *Error) action() string {
	reply := isReply(e.Err)
	pick := func(refused, failed string) string {
		if reply {
			return refused
		}
		return failed
	}
	switch e.Stage {
	case StageConnect:
		return pick(e.Server+" refused the connection", "connect to "+e.Server)
	case StageTLS:
		return pick(e.Server+" refused STARTTLS", "TLS with "+e.Server)
	case StageAuth:
		return pick(fmt.Sprintf("%s refused the login for user %q", e.Server, e.subject),
			fmt.Sprintf("log in to %s as %q", e.Server, e.subject))
	case StageMail:
		return pick(fmt.Sprintf("%s refused sender <%s>", e.Server, e.subject),
			fmt.Sprintf("send MAIL FROM:<%s> to %s", e.subject, e.Server))
	case StageRcpt:
		return pick(fmt.Sprintf("%s refused recipient <%s>", e.Server, e.subject),
			fmt.Sprintf("send RCPT TO:<%s> to %s", e.subject, e.Server))
	case StageData:
		return pick(e.Server+" refused the message", "send the message to "+e.Server)
	case StageAppend:
		return pick(fmt.Sprintf("%s refused to store the message in %q", e.Server, e.subject),
			fmt.Sprintf("store the message in %q on %s", e.subject, e.Server))
	case StageSearch:
		return pick(fmt.Sprintf("%s refused to search %q", e.Server, e.subject),
			fmt.Sprintf("search %q on %s", e.subject, e.Server))
	}
	return "deliver via " + e.Server
}

// isReply reports whether err is the server's answer to a command, as opposed to a failure
// to get one.
func isReply(err error) bool {
	var (
		se *smtp.SMTPError
		ie *imap.Error
	)
	return errors.As(err, &se) || errors.As(err, &ie)
}

// Temporary reports whether retrying a failed delivery later may succeed. It uses the
// Temporary method of the first error in err's chain that has one (an [*Error] for everything
// this package returns); errors without one are taken as temporary, because the scheduler's
// retry limit bounds the cost of a wrong guess while a wrong "permanent" drops a digest.
// Temporary(nil) is false.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}

// describe formats a cause for humans. SMTP replies read as the server sent them ("535 5.7.8
// Authentication failed") rather than go-smtp's "SMTP error 535: ...".
func describe(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		s := fmt.Sprintf("%03d", se.Code)
		if c := se.EnhancedCode; c != smtp.EnhancedCodeNotSet && c != smtp.NoEnhancedCode {
			s += fmt.Sprintf(" %d.%d.%d", c[0], c[1], c[2])
		}
		if msg := strings.Join(strings.Fields(se.Message), " "); msg != "" {
			s += " " + msg
		}
		return s
	}
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// smtpTemporary classifies an SMTP reply by its basic code, then by its enhanced code when the
// basic code is neither 4xx nor 5xx (an unexpected 2xx or 3xx during a command).
func smtpTemporary(se *smtp.SMTPError) bool {
	switch se.Code / 100 {
	case 4:
		return true
	case 5:
		return false
	}
	switch se.EnhancedCode[0] {
	case 5:
		return false
	default:
		return true
	}
}

// imapTemporary classifies an IMAP tagged NO or BAD. IMAP has no permanent/temporary split
// like SMTP's, so the response code decides; a refused login and a BAD (a command the server
// cannot parse) are permanent, and a bare NO elsewhere is taken as temporary.
func imapTemporary(e *imap.Error, stage Stage) bool {
	switch e.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug, imap.ResponseCodeInUse,
		imap.ResponseCodeOverQuota:
		return true // the server says: later
	case imap.ResponseCodeTryCreate, imap.ResponseCodeNonExistent, imap.ResponseCodeNoPerm,
		imap.ResponseCodeCannot, imap.ResponseCodeLimit, imap.ResponseCodeTooBig,
		imap.ResponseCodeAuthenticationFailed, imap.ResponseCodeAuthorizationFailed,
		imap.ResponseCodeExpired, imap.ResponseCodePrivacyRequired, imap.ResponseCodeContactAdmin:
		return false
	}
	if stage == StageAuth || stage == StageTLS || e.Type == imap.StatusResponseTypeBad {
		return false
	}
	return true
}

// certificateProblem recognises a failed certificate verification and says what to do about
// it. The reason itself is in the x509 error's text, which describe shows.
func certificateProblem(err error) (hint string, ok bool) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknown):
		return "trust the server's CA: add it to this system's trusted certificates", true
	case errors.As(err, &hostname):
		return "connect with a host name the certificate is valid for", true
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "the server's certificate has expired or is not yet valid: have it renewed, and check this system's clock", true
		}
		return "the server's administrator must fix its certificate", true
	case errors.As(err, &verify):
		return "the server's administrator must fix its certificate", true
	}
	return "", false
}

// notTLS recognises a server that answered a TLS handshake with something else, typically
// an SMTP or IMAP greeting in clear text.
func notTLS(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh)
}

// classify fills in the classification of e from e.Err: Code, temporary and, if not yet
// set, Hint. A failure without a server reply is temporary unless it is a TLS problem.
func classify(e *Error, h *hints) *Error {
	var (
		se *smtp.SMTPError
		ie *imap.Error
		pe *policyError
	)
	switch {
	case errors.As(e.Err, &pe):
		if e.Hint == "" {
			e.Hint = pe.hint
		}
	case errors.Is(e.Err, errNoSTARTTLS):
		e.Stage = StageTLS
	case errors.As(e.Err, &se):
		e.Code = se.Code
		e.temporary = smtpTemporary(se)
	case errors.As(e.Err, &ie):
		e.temporary = imapTemporary(ie, e.Stage)
	case errors.Is(e.Err, context.DeadlineExceeded), errors.Is(e.Err, context.Canceled):
		e.temporary = true
	default:
		if hint, ok := certificateProblem(e.Err); ok {
			e.Stage, e.Hint = StageTLS, hint
			return e
		}
		if notTLS(e.Err) {
			e.Stage, e.Hint = StageTLS, h.notTLS
			return e
		}
		e.temporary = true
	}
	if !e.temporary && e.Hint == "" {
		e.Hint = h.refused(e.Stage, ie)
	}
	return e
}

// hints words the advice for one kind of account, naming its configuration keys.
type hints struct {
	// login follows a refused login.
	login string
	// sender follows a refused envelope sender.
	sender string
	// noSTARTTLS follows a server that will not do STARTTLS.
	noSTARTTLS string
	// notTLS follows a server that answered a TLS handshake in clear text.
	notTLS string
	// silent follows a greeting that never came in starttls or none mode, the symptom of a
	// server that waits for a TLS handshake.
	silent string
}

// refused returns the hint for a permanent refusal at stage; ie is the IMAP reply, if any.
func (h *hints) refused(stage Stage, ie *imap.Error) string {
	switch stage {
	case StageAuth:
		return h.login
	case StageTLS:
		return h.noSTARTTLS
	case StageMail:
		return h.sender
	case StageRcpt:
		return "check the recipient's address"
	case StageAppend, StageSearch:
		if ie != nil && (ie.Code == imap.ResponseCodeTryCreate || ie.Code == imap.ResponseCodeNonExistent) {
			return "create the folder, or deliver to one that exists"
		}
	}
	return ""
}
