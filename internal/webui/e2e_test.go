package webui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"listdigest/internal/browsertest"
)

// TestBrowserFlagsThread drives the UI in headless Chromium as a reader would: the day's
// thread list, a thread, the flag button, and the flag shown on the thread and on the
// Flagged page. It skips without Debian's chromium and chromium-driver (CI installs them and
// sets LISTDIGEST_BROWSER=require). LISTDIGEST_SCREENSHOTS=DIR keeps a PNG of each page.
func TestBrowserFlagsThread(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t, false, nil)
	b := browsertest.Start(t)
	shot := func(name string) {
		if dir := os.Getenv("LISTDIGEST_SCREENSHOTS"); dir != "" {
			b.Screenshot(filepath.Join(dir, name+".png"))
		}
	}

	b.Get(srv.URL + "/")
	link := b.Find(`a[href="/t/` + f.target + `"]`)
	if got := b.Find("h1").Text(); !strings.Contains(got, "19 Nov 2026") {
		t.Errorf("day heading = %q", got)
	}
	if got := b.Find("main section h2").Text(); !strings.Contains(got, "Book requests") {
		t.Errorf("first category = %q; want Book requests", got)
	}
	shot("day")
	link.Click()

	b.Find("#subject")
	if got := b.Find("#subject").Text(); !strings.Contains(got, "Year 5 books on resilience") {
		t.Fatalf("thread page heading = %q", got)
	}
	if b.Has("#flag-state") {
		t.Fatal("the thread is flagged before anyone flagged it")
	}
	// The quoted request in Tom's reply is folded away until asked for.
	if n := len(b.FindAll("details summary")); n == 0 {
		t.Error("no folded quoted text on the thread page")
	}
	shot("thread")
	b.Find("#note").SendKeys("ask Tom for the PDF")
	b.Find("#flag-button").Click()

	state := b.Find("#flag-state")
	if got := state.Text(); !strings.Contains(got, "Flagged") || !strings.Contains(got, "ask Tom for the PDF") {
		t.Errorf("after flagging, the flag reads %q", got)
	}
	if !strings.HasSuffix(b.URL(), "/t/"+f.target) {
		t.Errorf("after flagging the browser is at %s; want back on the thread", b.URL())
	}
	if flagState(t, f.st, janeAddr, f.target) != "open" {
		t.Error("the store does not have the flag")
	}
	shot("flagged-thread")

	b.Get(srv.URL + "/flagged")
	if got := b.Find(`li#t-` + f.target + ` h2`).Text(); !strings.Contains(got, "Year 5 books on resilience") {
		t.Errorf("Flagged page lists %q", got)
	}
	shot("flagged")
	b.Get(srv.URL + "/search?q=rabbit")
	b.Find("mark")
	shot("search")
	b.Get(srv.URL + "/t/" + f.htmlOnly)
	b.Find("#subject")
	shot("html-thread")
}
