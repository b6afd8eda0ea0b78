package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDaemon runs `listdigest run ARGS` until the test ends and waits for addr to answer.
func startDaemon(t *testing.T, addr string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"run"}, args...), strings.NewReader(""), &out, &errOut) }()
	t.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("run exited with %d before serving:\n%s", code, errOut.String())
		default:
		}
	}
	t.Fatalf("nothing answers on %s:\n%s", addr, errOut.String())
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRunServesWebUIOverDatabaseOnly: `run --db FILE` with no configuration at all serves the
// UI over what is stored, on this machine only, without a login.
func TestRunServesWebUIOverDatabaseOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI(t, "demo", "--db", db); code != exitOK {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "no-config"))
	addr := freeAddr(t)
	startDaemon(t, addr, "--db", db, "--listen", addr)
	code, body := fetch(t, "http://"+addr+"/search?q=TARGET")
	if code != http.StatusOK || !strings.Contains(body, "<mark>") || !strings.Contains(body, "Local reader") {
		t.Fatalf("search over the demo database = %d\n%.2000s", code, body)
	}
	if code, body := fetch(t, "http://"+addr+"/status"); code != http.StatusOK || !strings.Contains(body, "<h3>demo</h3>") {
		t.Errorf("status = %d\n%.2000s", code, body)
	}
}

// TestRunWebUINeedsLoginBeyondLoopback: listening on every interface turns the login on, and a
// recipient's bcrypt hash from a file lets them in.
func TestRunWebUINeedsLoginBeyondLoopback(t *testing.T) {
	dir := t.TempDir()
	hash, _ := bcrypt.GenerateFromPassword([]byte("correct horse battery"), bcrypt.MinCost)
	pwFile := writeFile(t, filepath.Join(dir, "jo.hash"), string(hash)+"\n")
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skip("cannot listen on every interface here:", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := writeFile(t, filepath.Join(dir, "l.yaml"), fmt.Sprintf(`database:
  path: %s
recipients:
  - address: jo@school.example.edu
    timezone: UTC
    web_password_file: %s
http:
  listen: 0.0.0.0:%d
`, filepath.Join(dir, "l.db"), pwFile, port))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	startDaemon(t, addr, "--config", cfg)
	if code, _ := fetch(t, "http://"+addr+"/flagged"); code != http.StatusSeeOther {
		t.Errorf("GET /flagged without login = %d; want a redirect to the login page", code)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm("http://"+addr+"/login", map[string][]string{"address": {"jo@school.example.edu"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Errorf("login = %d with %d cookies; want 303 and a session", resp.StatusCode, len(resp.Cookies()))
	}
}

func TestPasswdPrintsBcryptHash(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"passwd"}, strings.NewReader("correct horse battery\n"), &out, &errOut)
	hash := strings.TrimSpace(out.String())
	if code != exitOK || bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")) != nil {
		t.Fatalf("passwd = %d %q %s", code, hash, errOut.String())
	}
	if strings.Contains(errOut.String(), "correct horse") {
		t.Error("passwd echoes the password")
	}
	if code, _, errOut := runCLI(t, "passwd"); code != exitUsage || !strings.Contains(errOut, "too short") {
		t.Errorf("empty password: %d %q; want a usage error", code, errOut)
	}
}
