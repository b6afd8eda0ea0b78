package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// memIMAP starts go-imap's in-memory server on loopback with one user and some list mail.
func memIMAP(t *testing.T, user, pass string, msgs ...string) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	u.Create("INBOX", nil)
	for _, m := range msgs {
		if _, err := u.Append("INBOX", bytes.NewReader([]byte(m)), &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func syncConfig(t *testing.T, addr, passwordEnv string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	return writeFile(t, filepath.Join(dir, "listdigest.yaml"), fmt.Sprintf(`database:
  path: %s
mailboxes:
  - name: school
    host: %s
    port: %s
    tls: none
    auth: login
    username: librarian
    password_env: %s
    lists: ["lm_net*"]
http:
  listen: none
`, filepath.Join(dir, "l.db"), host, port, passwordEnv))
}

func listPost(i int, listID string) string {
	return fmt.Sprintf("From: L%d <l%d@school.example>\r\nList-Id: <%s>\r\nSubject: GEN: idea %d\r\n"+
		"Message-ID: <idea%d@school.example>\r\nDate: Wed, 4 Mar 2026 09:00:00 +0000\r\n\r\nShared idea %d.\r\n", i, i, listID, i, i, i)
}

func TestSyncOnceCommand(t *testing.T) {
	addr := memIMAP(t, "librarian", "s3cret pass",
		listPost(1, "lm_net.listserv.syr.edu"), listPost(2, "lm_net.listserv.syr.edu"), listPost(3, "other.lists.example.org"))
	t.Setenv("LD_TEST_PW", "s3cret pass")
	cfg := syncConfig(t, addr, "LD_TEST_PW")

	code, out, errOut := runCLI(t, "sync", "--once", "--config", cfg)
	if code != exitOK {
		t.Fatalf("sync --once: code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(out, "school: 2 new") || !strings.Contains(out, "1 not from configured lists") {
		t.Errorf("sync --once output %q; want 2 new and 1 skipped", out)
	}
	if strings.Contains(errOut, "s3cret") || strings.Contains(out, "s3cret") {
		t.Error("the password appears in the output")
	}
	if _, out, _ = runCLI(t, "sync", "--once", "--config", cfg); !strings.Contains(out, "school: 0 new") {
		t.Errorf("second sync output %q; want 0 new", out)
	}
	code, _, errOut = runCLI(t, "sync", "--once", "--mailbox", "nope", "--config", cfg)
	if code != exitUsage || !strings.Contains(errOut, `no mailbox named "nope"`) {
		t.Errorf("sync --mailbox nope: code %d, stderr %q", code, errOut)
	}
}

func TestSyncOnceWrongPasswordAndDeadServer(t *testing.T) {
	addr := memIMAP(t, "librarian", "right")
	t.Setenv("LD_TEST_PW", "wrong-password-value")
	code, _, errOut := runCLI(t, "sync", "--once", "--config", syncConfig(t, addr, "LD_TEST_PW"))
	if code != exitFailure || !strings.Contains(errOut, "authentication failed") || !strings.Contains(errOut, "librarian") {
		t.Errorf("wrong password: code %d, stderr %q; want 1 with an authentication error naming the user", code, errOut)
	}
	if strings.Contains(errOut, "wrong-password-value") {
		t.Errorf("stderr leaks the password: %q", errOut)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close() // nothing listens here now
	code, _, errOut = runCLI(t, "sync", "--once", "--config", syncConfig(t, dead, "LD_TEST_PW"))
	if code != exitFailure || !strings.Contains(errOut, dead) || !strings.Contains(errOut, "refused") {
		t.Errorf("dead server: code %d, stderr %q; want 1 naming the address and the refusal", code, errOut)
	}
}

func TestRunDaemonStopsOnCancel(t *testing.T) {
	addr := memIMAP(t, "librarian", "pw", listPost(1, "lm_net.listserv.syr.edu"))
	t.Setenv("LD_TEST_PW", "pw")
	cfg := syncConfig(t, addr, "LD_TEST_PW")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, strings.NewReader(""), &out, &errOut) }()
	db := filepath.Join(filepath.Dir(cfg), "l.db")
	for i := 0; ; i++ {
		_, o, _ := runCLI(t, "threads", "--db", db)
		if strings.Contains(o, "GEN: idea 1") {
			break
		}
		if i > 500 {
			t.Fatalf("daemon stored nothing; log:\n%s", errOut.String())
		}
		sleepBriefly()
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("run after cancel: code %d; log:\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "listdigest stopped") {
		t.Errorf("log lacks the stop line:\n%s", errOut.String())
	}
}
