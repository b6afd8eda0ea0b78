package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corporaDir returns the shared third-party corpora (read in place, never copied into the
// project), or skips the test.
func corporaDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LISTDIGEST_CORPORA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skipf("corpora not found at %s (set LISTDIGEST_CORPORA): %v", dir, err)
	}
	return dir
}

// readAll drains r, returning the items and the errors Next reported on the way.
func readAll(t *testing.T, r Reader) ([]Item, []error) {
	t.Helper()
	var items []Item
	var errs []error
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, it)
	}
	if done, total := r.Progress(); done != total {
		t.Errorf("Progress() at EOF = %d, %d; want done == total", done, total)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	return items, errs
}

// TestCorpora reads the real archives. Counts come from MANIFEST.tsv and the folders' READMEs.
func TestCorpora(t *testing.T) {
	root := corporaDir(t)
	notmuch := "notmuch/test/corpora/"
	tests := []struct {
		name      string
		globs     []string
		wantFiles int // matched paths; 0 = don't check
		want      int // messages; -1 = at least one
	}{
		{"imagemagick mbox.src", []string{"mailbox-perl-imagemagick-2000/t/folders/mbox.src"}, 1, 45},
		{"imagemagick mbox.win (CRLF)", []string{"mailbox-perl-imagemagick-2000/t/folders/mbox.win"}, 1, 45},
		// README: "default 53 (52 unique), threading 12, others 45".
		{"notmuch default (Maildir with loose files)", []string{notmuch + "default"}, 1, 53},
		{"notmuch threading", []string{notmuch + "threading"}, 1, 12},
		{"notmuch others", []string{notmuch + "attachment", notmuch + "broken", notmuch + "crypto",
			notmuch + "duplicate", notmuch + "html", notmuch + "indexing", notmuch + "insert",
			notmuch + "mangling", notmuch + "pkcs7", notmuch + "protected-headers"}, 10, 45},
		// README: "43 msgs in 9 mboxes".
		{"perl Mail::Thread testboxes", []string{"perl-mail-thread-jwz/t/testbox*"}, 9, 43},
		// README: "27 messages in 13 small mboxes".
		{"perceval", []string{"perceval-mbox/tests/data/*/*.mbox"}, 13, 27},
		{"perceval nntp articles", []string{"perceval-mbox/tests/data/nntp/*"}, 3, 3},
		// README: "71 mbox files (28 series + 26 mail + 17 fuzz), 137 messages". 137 is the number
		// of lines starting "From ": 8 files are single messages without a From_ line (+8), and
		// in fuzz/codec-null.mbox and fuzz/name-len.mbox a fuzzed "From xl.org, netdev@..." body
		// line is no From_ line (-2).
		{"patchwork", []string{"patchwork-mbox/patchwork/tests/data/*/*.mbox"}, 71, 143},
		// Mixed with README and COPYING files, which are reported and skipped.
		{"hyperkitty", []string{"hyperkitty-testdata"}, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, g := range tt.globs {
				m, err := filepath.Glob(filepath.Join(root, g))
				if err != nil {
					t.Fatal(err)
				}
				paths = append(paths, m...)
			}
			if len(paths) == 0 {
				t.Skipf("%v: nothing found", tt.globs)
			}
			if tt.wantFiles > 0 && len(paths) != tt.wantFiles {
				t.Errorf("%v matched %d paths; want %d", tt.globs, len(paths), tt.wantFiles)
			}
			r, err := OpenAll(paths)
			if err != nil {
				t.Fatalf("OpenAll(%v) = %v", tt.globs, err)
			}
			items, errs := readAll(t, r)
			for _, err := range errs {
				if tt.want >= 0 || !errors.Is(err, ErrUnknownFormat) {
					t.Errorf("Next() error: %v", err)
				} else {
					t.Logf("skipped: %v", err) // JSON ground truth next to the mail
				}
			}
			switch {
			case tt.want < 0 && len(items) == 0:
				t.Errorf("%v gave no messages", tt.globs)
			case tt.want >= 0 && len(items) != tt.want:
				t.Errorf("%v gave %d messages; want %d", tt.globs, len(items), tt.want)
			}
			for _, it := range items {
				if !isHeaderLine(it.Raw) {
					t.Errorf("%s does not start with a header field: %q", it.Location, shortLine(it.Raw))
				}
				if it.Arrival.IsZero() {
					t.Errorf("%s has no Arrival", it.Location)
				}
			}
		})
	}
}

// TestCorporaCRLF checks that mbox.win, the CRLF copy of mbox.src, gives the same messages
// with CRLF kept. Content-Length differs between the copies and is left out of the comparison.
func TestCorporaCRLF(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "mailbox-perl-imagemagick-2000", "t", "folders")
	read := func(name string) []Item {
		r, err := Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		items, errs := readAll(t, r)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		return items
	}
	src, win := read("mbox.src"), read("mbox.win")
	if len(src) != len(win) {
		t.Fatalf("mbox.src has %d messages, mbox.win %d", len(src), len(win))
	}
	norm := func(raw []byte) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(string(raw), "\n") {
			if !strings.HasPrefix(l, "Content-Length:") {
				b.WriteString(strings.ReplaceAll(l, "\r\n", "\n"))
			}
		}
		return b.String()
	}
	for i := range src {
		if n := bytes.Count(win[i].Raw, []byte("\n")); n != bytes.Count(win[i].Raw, []byte("\r\n")) {
			t.Errorf("%s has bare LF line endings", win[i].Location)
		}
		if norm(src[i].Raw) != norm(win[i].Raw) {
			t.Errorf("%s differs from %s beyond line endings", win[i].Location, src[i].Location)
		}
		if !src[i].Arrival.Equal(win[i].Arrival) {
			t.Errorf("%s Arrival = %v; want %v", win[i].Location, win[i].Arrival, src[i].Arrival)
		}
	}
}

// TestCorporaNotmuchRoot opens the notmuch corpora folder as a whole: every mail file is read,
// and its README is reported (not silently dropped) because the folder is not a Maildir.
func TestCorporaNotmuchRoot(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "notmuch", "test", "corpora")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	items, errs := readAll(t, r)
	if len(items) != 110 {
		t.Errorf("Open(%s) gave %d messages; want 110", dir, len(items))
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrUnknownFormat) || !strings.Contains(errs[0].Error(), "README") {
		t.Errorf("Open(%s) errors = %v; want one for README", dir, errs)
	}
}
