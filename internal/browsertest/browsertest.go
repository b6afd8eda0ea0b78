// Package browsertest drives a headless Chromium for end-to-end tests of a
// web UI. It speaks the W3C WebDriver protocol (JSON over HTTP) to
// chromedriver with the standard library only, so that the module gains no
// dependency and no browser is ever downloaded: the Debian packages chromium
// and chromium-driver provide both programs.
//
// Every method reports failure with t.Fatal on the testing.TB given to Start,
// so a Browser must be used only from that test's goroutine.
//
// # Processes and files
//
// Start runs chromedriver on a free loopback port, in its own process group
// (Linux), and chromedriver starts Chromium in that group. Each Browser has its
// own temporary directory holding the Chromium profile and XDG_CONFIG_HOME, so
// several may run at once in one test process and nothing is written under
// $HOME. The cleanup registered by Start deletes the session (Chromium exits),
// kills the group, waits for chromedriver and removes the directory.
//
// Chromium and chromedriver write to one buffer, shown with t.Log only when
// the test failed: Chromium logs harmless noise (missing D-Bus, no GPU) on
// every run, but its console and crash messages explain many failures.
package browsertest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// findTimeout is how long Find waits for an element to appear: long
	// enough for a page load or a script to add it, short enough that a
	// wrong selector fails quickly.
	findTimeout = 5 * time.Second
	// pollInterval is the pause between two attempts of Find.
	pollInterval = 50 * time.Millisecond
	// httpTimeout bounds every request to chromedriver, so a hung browser
	// fails the test instead of hanging it until the go test timeout. It is
	// above the page-load timeout so that chromedriver reports that first.
	httpTimeout = 30 * time.Second
	// readyTimeout bounds the wait for chromedriver to answer /status.
	readyTimeout = 10 * time.Second
	// elementKey is the key under which WebDriver returns an element
	// reference; the W3C specification fixes this odd constant ("web
	// element identifier").
	elementKey = "element-6066-11e4-a52e-4f735466cecf"
	// outputLimit caps the driver and browser output logged on failure.
	outputLimit = 32 << 10
)

// Browser is one headless Chromium session, created by Start and ended by
// the test's cleanup.
type Browser struct {
	t       testing.TB
	client  *http.Client
	base    string // http://127.0.0.1:PORT of chromedriver
	session string // "/session/ID", empty until the session exists
}

// Element is a reference to a DOM element of the current page. It becomes
// stale (commands on it fail) when the page navigates or the element is
// removed; Find it again then.
type Element struct {
	b    *Browser
	id   string
	desc string // the CSS selectors that found it, for failure messages
}

// Start launches chromedriver on a free loopback port and opens a headless
// Chromium session. When chromedriver or chromium is not installed it calls
// t.Skip with a message naming the Debian packages to install ("apt-get
// install chromium chromium-driver"), unless the environment variable
// LISTDIGEST_BROWSER=require is set, in which case it calls t.Fatal, so that CI
// cannot pass by silently skipping. Everything is cleaned up with t.Cleanup
// (session deleted, driver process killed and waited, temporary profile
// directory removed).
func Start(t testing.TB) *Browser {
	t.Helper()
	driver, chromium, err := findPrograms()
	if err != nil {
		msg := fmt.Sprintf("browsertest: %v (install the Debian packages: apt-get install chromium chromium-driver)", err)
		if os.Getenv("LISTDIGEST_BROWSER") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; LISTDIGEST_BROWSER=require makes this a failure")
	}
	dir, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	b := &Browser{t: t, client: &http.Client{Timeout: httpTimeout, Transport: &http.Transport{}}}
	out := new(syncBuffer)
	var cmd *exec.Cmd
	var exited chan struct{}
	t.Cleanup(func() {
		if b.session != "" {
			if err := b.do("delete session", http.MethodDelete, "", nil, nil); err != nil {
				t.Logf("browsertest: %v", err)
			}
		}
		if cmd != nil {
			// Chromium normally exits with its session; the group
			// kill ends whatever is left, e.g. after a hung browser.
			killGroup(cmd.Process.Pid)
			_ = cmd.Process.Kill()
			<-exited
		}
		b.client.CloseIdleConnections()
		removeAll(t, dir)
		if t.Failed() {
			s := out.String()
			if len(s) > outputLimit {
				s = fmt.Sprintf("[%d bytes omitted]\n%s", len(s)-outputLimit, s[len(s)-outputLimit:])
			}
			t.Logf("browsertest: chromedriver and chromium output:\n%s", s)
		}
	})

	// The port is free when picked but may be taken before chromedriver
	// binds it (chromedriver then exits at once), so try a few ports.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("browsertest: pick a port: %v", err)
		}
		// --enable-chrome-logs passes Chromium's stderr through instead
		// of discarding it.
		cmd = exec.Command(driver, "--port="+port, "--enable-chrome-logs")
		// Chromium keeps its crash database under XDG_CONFIG_HOME, not
		// in the profile; this keeps it out of $HOME. (Disabling
		// crashpad with --disable-crashpad-for-testing instead makes
		// Chromium 156's network service crash on every navigation.)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = sysProcAttr()
		// Chromium inherits the output pipe; do not let a straggler
		// keep Wait from returning.
		cmd.WaitDelay = 2 * time.Second
		if err := cmd.Start(); err != nil {
			cmd = nil
			t.Fatalf("browsertest: start %s: %v", driver, err)
		}
		exited = make(chan struct{})
		go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(cmd, exited)
		b.base = "http://127.0.0.1:" + port
		err = b.waitReady(exited)
		if err == nil {
			break
		}
		if !errors.Is(err, errExited) || attempt == 3 {
			t.Fatalf("browsertest: chromedriver on port %s: %v", port, err)
		}
	}

	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": browserBinary(dir, chromium),
			"args": []string{
				"--headless=new",
				"--no-sandbox", // tests may run as root, where the sandbox refuses to start
				"--disable-gpu",
				"--disable-dev-shm-usage", // containers often have a tiny /dev/shm
				"--user-data-dir=" + filepath.Join(dir, "profile"),
				"--window-size=1280,900",
			},
		},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.do("new session", http.MethodPost, "/session", caps, &created); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	b.session = "/session/" + created.SessionID
	// Find polls by itself, so an implicit wait would only slow down Has.
	timeouts := map[string]int{"pageLoad": 20000, "script": 5000, "implicit": 0}
	b.call("set timeouts", http.MethodPost, "/timeouts", timeouts, nil)
	return b
}

// findPrograms returns the paths of chromedriver and of the Chromium binary.
// The real binary is preferred to the /usr/bin/chromium wrapper script, which
// prints shell noise and reads flags from /etc/chromium.d.
func findPrograms() (driver, chromium string, err error) {
	driver, err = exec.LookPath("chromedriver")
	if err != nil {
		driver = "/usr/lib/chromium/chromedriver"
		if _, err := os.Stat(driver); err != nil {
			return "", "", errors.New("chromedriver not found")
		}
	}
	chromium = "/usr/lib/chromium/chromium"
	if _, err := os.Stat(chromium); err != nil {
		chromium, err = exec.LookPath("chromium")
		if err != nil {
			return "", "", errors.New("chromium not found")
		}
	}
	return driver, chromium, nil
}

// freePort returns a loopback TCP port that was free a moment ago:
// chromedriver has no way to pick one itself and report it.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// errExited means chromedriver exited before it was ready.
var errExited = errors.New("chromedriver exited before it was ready")

// waitReady polls chromedriver's /status until it reports ready, it exits,
// or readyTimeout passes.
func (b *Browser) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		var status struct {
			Ready bool `json:"ready"`
		}
		err := b.do("status", http.MethodGet, "/status", nil, &status)
		if err == nil && status.Ready {
			return nil
		}
		select {
		case <-exited:
			return errExited
		default:
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("not ready")
			}
			return fmt.Errorf("no ready /status after %v: %w", readyTimeout, err)
		}
		time.Sleep(pollInterval)
	}
}

// removeAll removes dir, retrying briefly: Chromium's crashpad handlers leave
// the process group (so the group kill misses them) and outlive Chromium by a
// moment, and may still write their database under dir.
func removeAll(t testing.TB, dir string) {
	var err error
	for range 20 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("browsertest: remove %s: %v", dir, err)
}

// driverError is a failed chromedriver command: a WebDriver error such as
// "no such element" in Code, or a transport failure with Code empty.
type driverError struct {
	Command string
	Code    string
	Message string
}

func (e *driverError) Error() string {
	if e.Code == "" {
		return e.Command + ": " + e.Message
	}
	return e.Command + ": " + e.Code + ": " + e.Message
}

// do sends one command to chromedriver and decodes the "value" member of the
// answer into out (if not nil). path is relative to the session once it
// exists. what names the command in errors.
func (b *Browser) do(what, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return &driverError{Command: what, Message: err.Error()}
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.base+b.session+path, body)
	if err != nil {
		return &driverError{Command: what, Message: err.Error()}
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return &driverError{Command: what, Message: err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return &driverError{Command: what, Message: err.Error()}
	}
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return &driverError{Command: what, Message: fmt.Sprintf("%s: undecodable answer %.200q", resp.Status, data)}
	}
	if resp.StatusCode != http.StatusOK {
		var werr struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(answer.Value, &werr)
		if werr.Error == "" {
			werr.Error = resp.Status
		}
		return &driverError{Command: what, Code: werr.Error, Message: werr.Message}
	}
	if out != nil {
		if err := json.Unmarshal(answer.Value, out); err != nil {
			return &driverError{Command: what, Message: fmt.Sprintf("decode %.200s: %v", answer.Value, err)}
		}
	}
	return nil
}

// call is do that fails the test on error.
func (b *Browser) call(what, method, path string, in, out any) {
	b.t.Helper()
	if err := b.do(what, method, path, in, out); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
}

// Get navigates to url and waits for the page to load (at most 20 s).
func (b *Browser) Get(url string) {
	b.t.Helper()
	b.call("get "+url, http.MethodPost, "/url", map[string]string{"url": url}, nil)
}

// URL returns the URL of the current page, after redirects.
func (b *Browser) URL() string {
	b.t.Helper()
	var s string
	b.call("get current URL", http.MethodGet, "/url", nil, &s)
	return s
}

// Title returns the current page's title.
func (b *Browser) Title() string {
	b.t.Helper()
	var s string
	b.call("get title", http.MethodGet, "/title", nil, &s)
	return s
}

// Source returns the current page's source, serialized from the DOM (so it
// reflects changes made by scripts).
func (b *Browser) Source() string {
	b.t.Helper()
	var s string
	b.call("get page source", http.MethodGet, "/source", nil, &s)
	return s
}

// Find returns the first element matching the CSS selector, waiting up to
// 5 s for it to appear. It calls t.Fatal, quoting the current URL and the
// start of the page's body, if there is none by then.
func (b *Browser) Find(css string) *Element {
	b.t.Helper()
	return b.find("", css, css)
}

// FindAll returns all elements matching the CSS selector, without waiting;
// the result may be empty.
func (b *Browser) FindAll(css string) []*Element {
	b.t.Helper()
	what := fmt.Sprintf("find all %q", css)
	var refs []map[string]string
	b.call(what, http.MethodPost, "/elements", locator(css), &refs)
	els := make([]*Element, len(refs))
	for i, ref := range refs {
		els[i] = b.element(what, ref, css)
	}
	return els
}

// Has reports whether an element matches the CSS selector now, without
// waiting: a test that expects an element to be absent should not pay
// Find's timeout.
func (b *Browser) Has(css string) bool {
	b.t.Helper()
	return len(b.FindAll(css)) > 0
}

// Screenshot writes a PNG image of the viewport to path.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	var s string
	b.call("take screenshot", http.MethodGet, "/screenshot", nil, &s)
	png, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b.t.Fatalf("browsertest: take screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
}

// locator is the body of the find-element commands for a CSS selector.
func locator(css string) map[string]string {
	return map[string]string{"using": "css selector", "value": css}
}

// find polls the find-element command under prefix (the session, or an
// element for a child) until it succeeds or findTimeout passes. WebDriver's
// implicit wait could do this, but it would also slow down Has.
func (b *Browser) find(prefix, css, desc string) *Element {
	b.t.Helper()
	what := fmt.Sprintf("find %q", desc)
	deadline := time.Now().Add(findTimeout)
	for {
		var ref map[string]string
		err := b.do(what, http.MethodPost, prefix+"/element", locator(css), &ref)
		if err == nil {
			return b.element(what, ref, desc)
		}
		var derr *driverError
		if !errors.As(err, &derr) || derr.Code != "no such element" {
			b.t.Fatalf("browsertest: %v", err)
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browsertest: no element matches %q after %v on %s\npage source: %s",
				desc, findTimeout, b.URL(), excerpt(b.Source()))
		}
		time.Sleep(pollInterval)
	}
}

// element turns an element reference returned by the command what into an
// Element, failing clearly rather than with "malformed id" on the next
// command if the reference lacks the key.
func (b *Browser) element(what string, ref map[string]string, desc string) *Element {
	b.t.Helper()
	id, ok := ref[elementKey]
	if !ok {
		b.t.Fatalf("browsertest: %s: no %q in element reference %v", what, elementKey, ref)
	}
	return &Element{b: b, id: id, desc: desc}
}

// excerpt returns the start of the body of an HTML page with whitespace
// collapsed, which usually shows which page the browser is on (an error
// page, a login form, ...) without flooding the test output.
func excerpt(src string) string {
	if i := strings.Index(src, "<body"); i >= 0 {
		src = src[i:]
	}
	src = strings.Join(strings.Fields(src), " ")
	const limit = 600
	if len(src) > limit {
		cut := limit
		for cut > 0 && src[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		src = src[:cut] + " ..."
	}
	return src
}

// path is the URL path of element e's commands, relative to the session.
func (e *Element) path(suffix string) string {
	return "/element/" + e.id + suffix
}

// Click clicks the middle of the element, as a user would: it fails if
// another element covers it. A click that navigates may return before the
// new page is loaded: Find an element of the new page before reading URL or
// Title.
func (e *Element) Click() {
	e.b.t.Helper()
	e.b.call(fmt.Sprintf("click %q", e.desc), http.MethodPost, e.path("/click"), struct{}{}, nil)
}

// Text returns the element's rendered text, as a user sees it: hidden
// elements give "" and whitespace is collapsed.
func (e *Element) Text() string {
	e.b.t.Helper()
	var s string
	e.b.call(fmt.Sprintf("get text of %q", e.desc), http.MethodGet, e.path("/text"), nil, &s)
	return s
}

// Attr returns the element's property called name if it has one, as
// Selenium's getAttribute did, else its attribute, else "". So Attr("value")
// of a text field is what was typed, Attr("href") is the absolute URL,
// Attr("checked") is "true" or "", and Attr("class") or Attr("data-id") are
// the attributes (the properties are className and dataset).
func (e *Element) Attr(name string) string {
	e.b.t.Helper()
	var v any
	e.b.call(fmt.Sprintf("get property %q of %q", name, e.desc), http.MethodGet, e.path("/property/"+name), nil, &v)
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	// No property, or an object such as style: the attribute is clearer.
	var s *string
	e.b.call(fmt.Sprintf("get attribute %q of %q", name, e.desc), http.MethodGet, e.path("/attribute/"+name), nil, &s)
	if s == nil {
		return ""
	}
	return *s
}

// SendKeys focuses the element and types s into it, after what the field
// already holds.
func (e *Element) SendKeys(s string) {
	e.b.t.Helper()
	e.b.call(fmt.Sprintf("send keys to %q", e.desc), http.MethodPost, e.path("/value"), map[string]string{"text": s}, nil)
}

// Find returns the first descendant of e matching the CSS selector, waiting
// like Browser.Find.
func (e *Element) Find(css string) *Element {
	e.b.t.Helper()
	return e.b.find(e.path(""), css, e.desc+" "+css)
}

// syncBuffer is a bytes.Buffer safe for the writes of the chromedriver
// process and the reads of a failing test at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
