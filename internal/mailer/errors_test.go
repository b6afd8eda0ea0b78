package mailer

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"unclassified", errors.New("something odd"), true},
		{"classified temporary", &fakeSecretError{temporary: true}, true},
		{"classified permanent", &fakeSecretError{temporary: false}, false},
		{"wrapped *Error", fmt.Errorf("deliver digest 7: %w", &Error{temporary: false}), false},
	}
	for _, tt := range tests {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("Temporary(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	reply := func(code int, enh smtp.EnhancedCode) error {
		return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: "x"}
	}
	imapNo := func(code imap.ResponseCode) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: "x"}
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name      string
		stage     Stage
		err       error
		temporary bool
		wantStage Stage
	}{
		{"smtp 4xx", StageRcpt, reply(450, smtp.EnhancedCode{4, 2, 0}), true, StageRcpt},
		{"smtp 5xx", StageRcpt, reply(550, smtp.EnhancedCode{5, 1, 1}), false, StageRcpt},
		{"smtp unexpected 2xx with permanent enhanced code", StageData, reply(250, smtp.EnhancedCode{5, 0, 0}), false, StageData},
		{"smtp unexpected 3xx without enhanced code", StageData, reply(354, smtp.EnhancedCodeNotSet), true, StageData},
		{"connection refused", StageConnect, refused, true, StageConnect},
		{"connection reset", StageData, &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true, StageData},
		{"dns", StageConnect, &net.DNSError{Err: "server misbehaving", Name: "smtp.example.org", IsTemporary: true}, true, StageConnect},
		{"eof", StageConnect, io.EOF, true, StageConnect},
		{"deadline", StageData, fmt.Errorf("timed out: %w", context.DeadlineExceeded), true, StageData},
		{"canceled", StageData, context.Canceled, true, StageData},
		{"unknown authority found during EHLO", StageConnect, x509.UnknownAuthorityError{}, false, StageTLS},
		{"expired", StageConnect, x509.CertificateInvalidError{Reason: x509.Expired}, false, StageTLS},
		{"hostname", StageTLS, x509.HostnameError{Host: "mail.example.org", Certificate: &x509.Certificate{}}, false, StageTLS},
		{"no STARTTLS", StageConnect, errNoSTARTTLS, false, StageTLS},
		{"policy", StageAuth, &policyError{msg: "no AUTH"}, false, StageAuth},
		{"imap login NO", StageAuth, imapNo(""), false, StageAuth},
		{"imap login UNAVAILABLE", StageAuth, imapNo(imap.ResponseCodeUnavailable), true, StageAuth},
		{"imap append TRYCREATE", StageAppend, imapNo(imap.ResponseCodeTryCreate), false, StageAppend},
		{"imap append OVERQUOTA", StageAppend, imapNo(imap.ResponseCodeOverQuota), true, StageAppend},
		{"imap append bare NO", StageAppend, imapNo(""), true, StageAppend},
		{"imap append BAD", StageAppend, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "x"}, false, StageAppend},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := classify(&Error{Server: "mx.example.org:587", Stage: tt.stage, Err: tt.err}, &smtpHints)
			if e.Temporary() != tt.temporary || e.Stage != tt.wantStage {
				t.Errorf("classify(%v) = temporary %v, stage %q; want %v, %q", tt.err, e.Temporary(), e.Stage, tt.temporary, tt.wantStage)
			}
			if !e.Temporary() && e.Hint == "" && tt.stage != StageData && tt.stage != StageAppend {
				t.Errorf("classify(%v): permanent without a hint", tt.err)
			}
			if !errors.Is(e, tt.err) {
				t.Errorf("errors.Is(classify(%v), cause) = false", tt.err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{
			e: classify(&Error{Server: "smtp.example.edu:587", Stage: StageAuth, subject: "x",
				Err: &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Username and Password not accepted"}}, &smtpHints),
			want: `smtp.example.edu:587 refused the login for user "x": 535 5.7.8 Username and Password not accepted: check smtp.username and the password source`,
		},
		{
			e: classify(&Error{Server: "smtp.example.edu:587", Stage: StageData,
				Err: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.NoEnhancedCode, Message: "Message rejected\nas spam"}}, &smtpHints),
			want: `smtp.example.edu:587 refused the message: 554 Message rejected as spam`,
		},
		{
			e:    classify(&Error{Server: "smtp.example.edu:587", Stage: StageMail, subject: "d@example.edu", Err: io.ErrUnexpectedEOF}, &smtpHints),
			want: `send MAIL FROM:<d@example.edu> to smtp.example.edu:587: unexpected EOF`,
		},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

func TestLoginClient(t *testing.T) {
	c := newLoginClient("alice", "pw")
	mech, ir, err := c.Start()
	if mech != sasl.Login || ir != nil || err != nil {
		t.Fatalf("Start() = %q, %q, %v; want LOGIN without an initial response", mech, ir, err)
	}
	// The prompts are ignored: some servers say "Username:", others "User Name" or nothing.
	for _, step := range []struct{ challenge, want string }{{"User Name", "alice"}, {"", "pw"}} {
		resp, err := c.Next([]byte(step.challenge))
		if err != nil || string(resp) != step.want {
			t.Errorf("Next(%q) = %q, %v; want %q", step.challenge, resp, err, step.want)
		}
	}
	if _, err := c.Next([]byte("again?")); err == nil {
		t.Error("Next() after the password succeeded; want an error")
	}
}

func TestXOAuth2Client(t *testing.T) {
	c := newXOAuth2Client("alice@example.edu", "tok")
	mech, ir, err := c.Start()
	want := []byte("user=alice@example.edu\x01auth=Bearer tok\x01\x01")
	if mech != "XOAUTH2" || !bytes.Equal(ir, want) || err != nil {
		t.Errorf("Start() = %q, %q, %v; want XOAUTH2, %q", mech, ir, err, want)
	}
	resp, err := c.Next([]byte(`{"status":"401"}`))
	if resp == nil || len(resp) != 0 || err != nil {
		t.Errorf("Next(error challenge) = %#v, %v; want an empty, non-nil response", resp, err)
	}
}
