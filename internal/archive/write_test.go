package archive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tricky are messages the writers must carry unchanged: From_ lookalikes at every quoting
// depth, CRLF and LF, no final newline.
var tricky = [][]byte{
	[]byte("From: a@example.org\r\nSubject: one\r\n\r\nFrom here on, CRLF.\r\n>From quoted once\r\n>>From twice\r\n"),
	[]byte("From: b@example.org\nSubject: two\n\nFrom Mon Jan  1 00:00:00 2024 looks like a separator\n\n>From again\n"),
	[]byte("From: c@example.org\nSubject: three\n\nno final newline"),
}

func TestMboxWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewMboxWriter(&buf)
	when := time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC)
	for i, m := range tricky {
		if err := w.Write(m, "sender@example.org", when.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := NewMboxReader(bytes.NewReader(buf.Bytes()), "t.mbox", int64(buf.Len()))
	for i, want := range tricky {
		it, err := r.Next()
		if err != nil {
			t.Fatalf("message %d: %v\nmbox:\n%s", i, err, buf.String())
		}
		// The reader keeps a message's own ending; the one without a final newline gains one.
		if got := it.Raw; !bytes.Equal(bytes.TrimRight(got, "\n"), bytes.TrimRight(want, "\n")) {
			t.Errorf("message %d came back as\n%q\nwant\n%q", i, got, want)
		}
		if !it.Arrival.Equal(when.Add(time.Duration(i) * time.Hour)) {
			t.Errorf("message %d arrival %v", i, it.Arrival)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last message: %v; want EOF", err)
	}
}

func TestMaildirWriterRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Maildir")
	w, err := NewMaildirWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC)
	for i, m := range tricky {
		if _, err := w.Write(m, when.Add(time.Duration(i)*time.Minute), i == 1); err != nil {
			t.Fatal(err)
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) != 0 {
		t.Errorf("tmp/ keeps %d files", len(tmp))
	}
	if cur, _ := os.ReadDir(filepath.Join(dir, "cur")); len(cur) != 1 || !strings.HasSuffix(cur[0].Name(), ":2,S") {
		t.Errorf("cur/ = %v; want the one seen message with :2,S", cur)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := map[string]bool{}
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[string(it.Raw)] = true
		if st, err := os.Stat(it.Location); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", it.Location, st.Mode(), err)
		}
	}
	for i, m := range tricky {
		if !got[string(m)] {
			t.Errorf("message %d not read back unchanged", i)
		}
	}
}
