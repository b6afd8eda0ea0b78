package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// newSite serves a home page with a link and a form, a second page, and a
// POST handler that stores the field and redirects (303) to a result page, as
// the web UI does; so the tests cover navigation, forms and redirects.
func newSite(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	var posted string
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%s</title></head><body>%s</body></html>", title, body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Home", `<h1>Home</h1>
<a id="next" href="/second">Second page</a>
<form method="post" action="/submit">
  <input type="text" name="note" value="">
  <input type="checkbox" name="on" checked>
  <input type="checkbox" name="off">
  <button type="submit">Send</button>
</form>
<p style="display:none" id="hidden">secret</p>`)
	})
	mux.HandleFunc("GET /second", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Second", `<p class="msg">You are on   the second page.</p>`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posted = r.FormValue("note")
		mu.Unlock()
		http.Redirect(w, r, "/result", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /result", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		page(w, "Result", `<ul><li>one</li><li>two</li></ul><p id="posted">`+html.EscapeString(posted)+`</p>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestNavigateAndSubmit(t *testing.T) {
	srv := newSite(t)
	b := Start(t)

	b.Get(srv.URL + "/")
	if got := b.Title(); got != "Home" {
		t.Errorf("Title() = %q, want Home", got)
	}
	if got := b.Find("h1").Text(); got != "Home" {
		t.Errorf("h1 text = %q, want Home", got)
	}
	link := b.Find("a#next")
	if got := link.Attr("href"); got != srv.URL+"/second" {
		t.Errorf("href = %q, want the resolved %s/second", got, srv.URL)
	}
	if got := link.Attr("id"); got != "next" {
		t.Errorf("Attr(id) = %q, want next", got)
	}
	if got := link.Attr("data-missing"); got != "" {
		t.Errorf("Attr(data-missing) = %q, want empty", got)
	}
	if got := b.Find("#hidden").Text(); got != "" {
		t.Errorf("text of a hidden element = %q, want empty", got)
	}
	if !strings.Contains(b.Source(), `<a id="next"`) {
		t.Errorf("Source() lacks the link:\n%s", b.Source())
	}

	link.Click()
	msg := b.Find(".msg")
	if got := msg.Text(); got != "You are on the second page." {
		t.Errorf("second page text = %q", got)
	}
	if got := msg.Attr("class"); got != "msg" {
		t.Errorf("Attr(class) = %q, want msg", got)
	}
	if got := b.Title(); got != "Second" {
		t.Errorf("Title() after click = %q, want Second", got)
	}
	if got := b.URL(); got != srv.URL+"/second" {
		t.Errorf("URL() after click = %q", got)
	}

	b.Get(srv.URL + "/")
	form := b.Find("form")
	field := form.Find("input[name=note]")
	if on, off := form.Find("[name=on]").Attr("checked"), form.Find("[name=off]").Attr("checked"); on != "true" || off != "" {
		t.Errorf("Attr(checked) = %q and %q, want true and empty", on, off)
	}
	field.SendKeys("hello <browser>")
	field.SendKeys(", é")
	if got := field.Attr("value"); got != "hello <browser>, é" {
		t.Errorf("value after SendKeys = %q", got)
	}
	form.Find("button").Click()
	if got := b.Find("#posted").Text(); got != "hello <browser>, é" {
		t.Errorf("posted text = %q", got)
	}
	if got := b.URL(); got != srv.URL+"/result" {
		t.Errorf("URL() after submit = %q, want %s/result", got, srv.URL)
	}
	if got := len(b.FindAll("li")); got != 2 {
		t.Errorf("FindAll(li) found %d, want 2", got)
	}
	if got := len(b.FindAll("form")); got != 0 {
		t.Errorf("FindAll(form) found %d, want 0", got)
	}
	if b.Has("#missing") {
		t.Error("Has(#missing) = true")
	}
	if !b.Has("#posted") {
		t.Error("Has(#posted) = false")
	}
}

func TestScreenshot(t *testing.T) {
	srv := newSite(t)
	b := Start(t)
	b.Get(srv.URL + "/")
	path := filepath.Join(t.TempDir(), "home.png")
	b.Screenshot(path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot starts with %q, not the PNG signature", data[:min(len(data), 8)])
	}
}

// TestParallel runs two browsers at once, as parallel tests of other
// packages will: each must keep its own page.
func TestParallel(t *testing.T) {
	srv := newSite(t)
	for _, path := range []string{"/", "/second"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b := Start(t)
			for range 5 {
				b.Get(srv.URL + path)
				if got := b.URL(); got != srv.URL+path {
					t.Fatalf("URL() = %q, want %s", got, srv.URL+path)
				}
			}
		})
	}
}

// fatalRecorder stands in for the test in a Browser, recording the message
// of a Fatalf instead of failing.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalMessage runs f on a copy of b that records its fatal failure, and
// returns the message.
func fatalMessage(t *testing.T, b *Browser, f func(*Browser)) string {
	t.Helper()
	rec := &fatalRecorder{TB: t}
	recorded := *b
	recorded.t = rec
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(&recorded)
	}()
	<-done
	if rec.msg == "" {
		t.Fatal("no fatal failure")
	}
	return rec.msg
}

func TestFailures(t *testing.T) {
	srv := newSite(t)
	b := Start(t)
	b.Get(srv.URL + "/second")

	msg := fatalMessage(t, b, func(b *Browser) { b.Find("p[") })
	if !strings.Contains(msg, `find "p["`) || !strings.Contains(msg, "invalid selector") {
		t.Errorf("bad selector message does not name the command and the error:\n%s", msg)
	}

	msg = fatalMessage(t, b, func(b *Browser) { b.Find(".msg").Find("span") })
	for _, want := range []string{`".msg span"`, srv.URL + "/second", `<p class="msg">You are on the second page.</p>`} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing element message lacks %q:\n%s", want, msg)
		}
	}
	t.Log(msg)
}
