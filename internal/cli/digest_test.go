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
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpSink is go-smtp's server on loopback, recording what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *smtpSink }

func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.rcpt = append(x.s.rcpt, to)
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.msgs = append(x.s.msgs, string(b))
	return err
}
func (x *sinkSession) Reset()        {}
func (x *sinkSession) Logout() error { return nil }

func (s *smtpSink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

func startSMTP(t *testing.T) (*smtpSink, string) {
	t.Helper()
	sink := &smtpSink{}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return sink, ln.Addr().String()
}

func TestRunSendsDigestOverSMTP(t *testing.T) {
	imapAddr := memIMAP(t, "librarian", "pw", listPost(1, "lm_net.listserv.syr.edu"))
	sink, smtpAddr := startSMTP(t)
	t.Setenv("LD_TEST_PW", "pw")
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "l.yaml"), daemonConfigText(dir, imapAddr, smtpAddr, "none"))

	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, strings.NewReader(""), &out, &errOut) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(sink.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	got := sink.received()
	if len(got) != 1 {
		t.Fatalf("digests received = %d; want 1\nlog:\n%s", len(got), errOut.String())
	}
	for _, want := range []string{"Subject: Lists digest", "To: \"Jo Librarian\" <jo@school.example.edu>", "Auto-Submitted: auto-generated", "multipart/alternative"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("digest lacks %q:\n%.600s", want, got[0])
		}
	}
	code, status, _ := runCLI(t, "status", "--config", cfg)
	if code != exitOK || !strings.Contains(status, "jo@school.example.edu") || !strings.Contains(status, "sent") ||
		!strings.Contains(status, "school/INBOX") {
		t.Errorf("status: code %d\n%s", code, status)
	}
}

func TestDigestPreviewWithDBAlone(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	mbox := writeFile(t, filepath.Join(dir, "lm_net.mbox"), lmnetMbox)
	if code, _, errOut := runCLI(t, "import", "--db", db, mbox); code != exitOK {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "digest", "--preview", "--db", db, "--date", "2026-03-02", "--tz", "America/New_York")
	if code != exitOK {
		t.Fatalf("digest --preview: code %d, %s", code, errOut)
	}
	for _, want := range []string{"Subject: Lists digest Mon 2 Mar", "Picture books about resilience for Year 5", "Ann Reader"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Out of Office") {
		t.Errorf("the auto-reply is shown:\n%s", out)
	}
	code, out, _ = runCLI(t, "digest", "--preview", "--db", db, "--date", "2026-03-02", "--tz", "America/New_York", "--format", "html")
	if code != exitOK || !strings.Contains(out, "<h1") || strings.Contains(out, "<script") {
		t.Errorf("html preview: code %d\n%.300s", code, out)
	}
	if code, _, errOut := runCLI(t, "digest", "--db", db); code != exitUsage || !strings.Contains(errOut, "--preview") {
		t.Errorf("digest without --preview: code %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "digest", "--preview", "--db", db, "--date", "2 March"); code != exitUsage || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad --date: code %d, %s", code, errOut)
	}
}

func TestDemoGenerated(t *testing.T) {
	dir := t.TempDir()
	db, html := filepath.Join(dir, "demo.db"), filepath.Join(dir, "digest.html")
	code, out, errOut := runCLI(t, "demo", "--messages", "120", "--db", db, "--html", html)
	if code != exitOK {
		t.Fatalf("demo: code %d\n%s", code, errOut)
	}
	for _, want := range []string{"120 generated LM_NET and OZTL_NET messages", "demo: 120 new",
		"received the digest for jo.librarian@school.example.edu", "Subject: Lists digest", "Contents:", "words: ", html} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "<html") {
		t.Errorf("HTML digest file: %v, %.200s", err, b)
	}
	// The demo database is a real one: the other commands work on it.
	if code, out, _ := runCLI(t, "threads", "--json", "--db", db); code != exitOK || !strings.Contains(out, `"category"`) {
		t.Errorf("threads on the demo database: code %d", code)
	}
	if code, out, _ := runCLI(t, "status", "--db", db); code != exitOK || !strings.Contains(out, "jo.librarian@school.example.edu  sent") &&
		!strings.Contains(out, "sent") {
		t.Errorf("status on the demo database: code %d\n%s", code, out)
	}
}

func TestRunServesLinks(t *testing.T) {
	imapAddr := memIMAP(t, "librarian", "pw")
	t.Setenv("LD_TEST_PW", "pw")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	httpAddr := ln.Addr().String()
	ln.Close()
	host, port, _ := net.SplitHostPort(imapAddr)
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
http:
  listen: %s
  public_url: http://%s
`, filepath.Join(dir, "l.db"), host, port, httpAddr, httpAddr))
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, strings.NewReader(""), &out, &errOut) }()
	ok := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !ok; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + httpAddr + "/healthz"); err == nil {
			ok = resp.StatusCode == http.StatusOK
			resp.Body.Close()
		}
	}
	cancel()
	<-done
	if !ok {
		t.Fatalf("the daemon did not serve /healthz on %s\n%s", httpAddr, errOut.String())
	}
	fi, err := os.Stat(filepath.Join(dir, "link.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("link key file: %v, %v; want created with mode 0600", fi, err)
	}
	if _, err := http.Get("http://" + httpAddr + "/healthz"); err == nil {
		t.Error("the listener still answers after the daemon stopped")
	}
}

// TestDemoServe: --serve keeps the web UI up over the demo database until the signal.
func TestDemoServe(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, log lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--messages", "60", "--serve", "--listen", addr, "--html", filepath.Join(t.TempDir(), "d.html")},
			strings.NewReader(""), &out, &log)
	}()
	waitFor(t, "the demo to finish its digest", &log, func() bool { return strings.Contains(out.String(), "Ctrl-C stops the demo") })
	if !answers(addr, "/flagged", "Flagged") {
		t.Error("the demo's web UI does not answer")
	}
	if !strings.Contains(out.String(), "http://"+addr+"/") {
		t.Errorf("the demo does not say where the UI is:\n%s", out.String())
	}
	// The digest it sent links into the UI it serves.
	if !strings.Contains(out.String(), "http://"+addr+"/t/") {
		t.Errorf("the digest has no links into the demo's UI:\n%s", out.String())
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("demo --serve exited %d after the signal:\n%s", code, log.String())
	}
}

// TestDemoWeek is the README's first command: the bundled week through IMAP and SMTP gives a
// two-minute digest with the week's requests, HITs and list noise set aside.
func TestDemoWeek(t *testing.T) {
	html := filepath.Join(t.TempDir(), "d.html")
	code, out, errOut := runCLI(t, "demo", "--html", html)
	if code != exitOK {
		t.Fatalf("demo: code %d\n%s", code, errOut)
	}
	for _, want := range []string{"a week of list mail: 56 messages", "56 new, 0 already stored, 0 parse errors",
		"received the digest for jo.librarian@school.example.edu", "1. Requests", "HITs", "ClickView", "auto-replies"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	var words int
	if _, err := fmt.Sscanf(out[strings.LastIndex(out, "\n(")+2:], "%d words", &words); err != nil || words < 300 || words > 476 {
		t.Errorf("digest of %d words (%v); want a full two-minute digest of at most 476", words, err)
	}
}
