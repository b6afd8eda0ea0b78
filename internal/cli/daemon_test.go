package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// lockedBuffer is a log the test reads while the daemon writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// daemonConfigText is a configuration with one in-memory IMAP mailbox, one recipient mailed
// through smtpAddr at midnight UTC, and the HTTP listener on listen.
func daemonConfigText(dir, imapAddr, smtpAddr, listen string) string {
	host, port, _ := net.SplitHostPort(imapAddr)
	shost, sport, _ := net.SplitHostPort(smtpAddr)
	return fmt.Sprintf(`database:
  path: %s
mailboxes:
  - name: school
    host: %s
    port: %s
    tls: none
    auth: login
    username: librarian
    password_env: LD_TEST_PW
recipients:
  - name: Jo Librarian
    address: jo@school.example.edu
    timezone: UTC
    schedule: "0 0 * * *"
    send_empty: true
smtp:
  host: %s
  port: %s
  tls: none
  from: "Listdigest <digest@school.example.edu>"
http:
  listen: %s
`, filepath.Join(dir, "l.db"), host, port, shost, sport, listen)
}

func TestRunOnceSyncsSendsAndIsIdempotent(t *testing.T) {
	imapAddr := memIMAP(t, "librarian", "pw", listPost(1, "lm_net.listserv.syr.edu"), listPost(2, "lm_net.listserv.syr.edu"))
	sink, smtpAddr := startSMTP(t)
	t.Setenv("LD_TEST_PW", "pw")
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "l.yaml"), daemonConfigText(dir, imapAddr, smtpAddr, "none"))

	code, out, errOut := runCLI(t, "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "school: 2 new") {
		t.Fatalf("run --once: code %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if got := sink.received(); len(got) != 1 || !strings.Contains(got[0], "jo@school.example.edu") {
		t.Fatalf("digests received = %d; want 1 to jo\n%s", len(got), errOut)
	}
	// A timer runs it again: nothing new to fetch, and the digest was already sent.
	code, out, errOut = runCLI(t, "run", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "school: 0 new") {
		t.Fatalf("second run --once: code %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if got := sink.received(); len(got) != 1 {
		t.Errorf("digests received after a second round = %d; want still 1", len(got))
	}
	code, status, _ := runCLI(t, "status", "--config", cfg)
	for _, want := range []string{"2 messages", "school/INBOX: up to UID 2, synced", "next digests:\n  jo@school.example.edu", "00:00 UTC (in ", "sent"} {
		if code != exitOK || !strings.Contains(status, want) {
			t.Errorf("status lacks %q: code %d\n%s", want, code, status)
		}
	}
}

func TestRunOnceReportsDeadMailboxButStillSends(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	sink, smtpAddr := startSMTP(t)
	t.Setenv("LD_TEST_PW", "pw")
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "l.yaml"), daemonConfigText(dir, dead, smtpAddr, "none"))
	code, _, errOut := runCLI(t, "run", "--once", "--config", cfg)
	if code != exitFailure || !strings.Contains(errOut, "mailbox school") || !strings.Contains(errOut, dead) {
		t.Errorf("run --once with a dead server: code %d, stderr %q; want 1 naming the mailbox and address", code, errOut)
	}
	if got := sink.received(); len(got) != 1 {
		t.Errorf("digests received = %d; a dead mailbox must not stop the digest (send_empty)", len(got))
	}
	if _, status, _ := runCLI(t, "status", "--config", cfg); !strings.Contains(status, "school: never synced") {
		t.Errorf("status does not say the mailbox never synced:\n%s", status)
	}
}

// waitFor polls cond until it holds or 15 s pass.
func waitFor(t *testing.T, what string, log *lockedBuffer, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(30 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s; log:\n%s", what, log.String())
}

func answers(addr, path, want string) bool {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == 200 && strings.Contains(string(b), want)
}

// TestRunReloadsOnSIGHUP sends the test process real SIGHUPs: an invalid configuration is
// refused and the daemon goes on as it was; a valid one moves the listener; the metrics
// survive the reload and count both.
func TestRunReloadsOnSIGHUP(t *testing.T) {
	imapAddr := memIMAP(t, "librarian", "distinctive-s3cret", listPost(1, "lm_net.listserv.syr.edu"))
	_, smtpAddr := startSMTP(t)
	t.Setenv("LD_TEST_PW", "distinctive-s3cret")
	dir := t.TempDir()
	first, second := freeAddr(t), freeAddr(t)
	cfgPath := writeFile(t, filepath.Join(dir, "l.yaml"), daemonConfigText(dir, imapAddr, smtpAddr, first))

	ctx, cancel := context.WithCancel(context.Background())
	var out, log lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfgPath}, strings.NewReader(""), &out, &log) }()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("run exited %d; log:\n%s", code, log.String())
		}
	}()
	waitFor(t, "the first sync in /metrics", &log, func() bool {
		return answers(first, "/metrics", `listdigest_sync_passes_total{mailbox="school",result="ok"} 1`)
	})
	if !answers(first, "/metrics", `listdigest_sync_messages_total{mailbox="school",outcome="added"} 1`) {
		t.Error("metrics do not count the message added")
	}
	if !answers(first, "/healthz", "ok") {
		t.Error("/healthz does not answer ok")
	}

	writeFile(t, cfgPath, "mailboxes:\n  - name: Not A Valid Name\n")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, "the refusal of the bad configuration", &log, func() bool {
		return strings.Contains(log.String(), "configuration not reloaded")
	})
	if !answers(first, "/healthz", "ok") {
		t.Fatal("after a refused reload the daemon no longer serves")
	}

	writeFile(t, cfgPath, daemonConfigText(dir, imapAddr, smtpAddr, second))
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, "the listener on the new address", &log, func() bool { return answers(second, "/healthz", "ok") })
	if answers(first, "/healthz", "ok") {
		t.Error("the old listener still answers after the reload")
	}
	for _, want := range []string{`listdigest_config_reloads_total{result="error"} 1`, `listdigest_config_reloads_total{result="ok"} 1`} {
		if !answers(second, "/metrics", want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// The log says what happened without a secret or a word of the mail.
	for _, secret := range []string{"distinctive-s3cret", "Shared idea"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the daemon's log contains %q:\n%s", secret, log.String())
		}
	}
}

// TestRunOnceDeliversIntoTheMailbox: delivery imap appends the digest to the reader's own
// mailbox; with a bare login name the From is the reader's own address, not a broken one.
func TestRunOnceDeliversIntoTheMailbox(t *testing.T) {
	addr := memIMAP(t, "librarian", "pw", listPost(1, "lm_net.listserv.syr.edu"))
	t.Setenv("LD_TEST_PW", "pw")
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "l.yaml"), fmt.Sprintf(`database:
  path: %s
mailboxes:
  - name: school
    host: %s
    port: %s
    tls: none
    auth: login
    username: librarian
    password_env: LD_TEST_PW
recipients:
  - address: jo@school.example.edu
    timezone: UTC
    schedule: "0 0 * * *"
    send_empty: true
    delivery: imap
    deliver_mailbox: school
http:
  listen: none
`, filepath.Join(dir, "l.db"), host, port))
	if code, out, errOut := runCLI(t, "run", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("run --once: code %d\n%s%s", code, out, errOut)
	}
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("librarian", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil || sel.NumMessages != 2 {
		t.Fatalf("INBOX after run --once: %+v, %v; want the list post and the digest", sel, err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(2), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	env := msgs[0].Envelope
	if len(env.From) != 1 || env.From[0].Addr() != "jo@school.example.edu" || !strings.HasPrefix(env.Subject, "Lists digest") {
		t.Errorf("appended digest: from %+v, subject %q; want from jo@school.example.edu", env.From, env.Subject)
	}
}
