package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"listdigest/internal/fuzzkit"
)

// longLine in round-trip input stands for a line of nearly bufSize bytes, so that the
// reader's handling of lines longer than its buffer is reached with small inputs.
const longLine = "\xff\xfe"

// roundTripInput derives what FuzzMbox writes from its input: optional leading lines
// "S:sender" and "T:unix-seconds" (the envelope sender and the first arrival time, later
// messages an hour apart), then the messages, separated by NUL bytes.
func roundTripInput(data []byte) (msgs [][]byte, sender string, first time.Time) {
	sender, first = "list-owner@example.org", time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC)
	for {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			break
		}
		if s, found := bytes.CutPrefix(line, []byte("S:")); found {
			sender = string(s)
		} else if s, found := bytes.CutPrefix(line, []byte("T:")); found {
			if n, err := strconv.ParseInt(string(s), 10, 64); err == nil {
				first = time.Unix(n, 0)
			}
		} else {
			break
		}
		data = rest
	}
	for i, m := range bytes.Split(data, []byte{0}) {
		if i == 16 {
			break
		}
		for range 2 {
			if j := bytes.Index(m, []byte(longLine)); j >= 0 {
				m = slices.Concat(m[:j], bytes.Repeat([]byte("x"), bufSize-5), m[j+len(longLine):])
			}
		}
		msgs = append(msgs, m)
	}
	return msgs, sender, first
}

// readBack reads every item of an mbox held in data, checking the Reader invariants on the
// way: Next reaches io.EOF within a bounded number of calls (and stays there), Progress is
// monotonic with done <= total, and reaches total at the end of an mbox; items are not
// empty, within the size cap, numbered in order, dated in UTC; errors name the stream.
func readBack(t *testing.T, data []byte, max int) ([]Item, []error) {
	r := NewMboxReader(bytes.NewReader(data), "f", int64(len(data))).(*mboxReader)
	if max > 0 {
		r.max = max
	}
	var (
		items    []Item
		errs     []error
		lastDone int64
		n        int
		sum      int
	)
	bound := bytes.Count(data, []byte("\n")) + 2
	for calls := 0; ; calls++ {
		if calls > bound {
			t.Fatalf("Next: no io.EOF after %d calls on %d lines", calls, bound-2)
		}
		it, err := r.Next()
		done, total := r.Progress()
		if done < lastDone || done > total || total != int64(len(data)) {
			t.Fatalf("Progress() = %d, %d after %d; want monotonic, done <= total = %d", done, total, lastDone, len(data))
		}
		lastDone = done
		if err == io.EOF {
			if bytes.HasPrefix(data, fromPrefix) && done != total {
				t.Fatalf("Progress() at EOF = %d, %d; want done == total", done, total)
			}
			break
		}
		if err == nil || errors.Is(err, ErrTooLarge) || strings.HasSuffix(err.Error(), "empty message") {
			n++ // a message was read (or skipped): the next one has the next number
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f") {
				t.Fatalf("Next() error %q does not name the stream", err)
			}
			errs = append(errs, err)
			continue
		}
		if want := fmt.Sprintf("f#%d", n); it.Location != want {
			t.Fatalf("Location = %q; want %q", it.Location, want)
		}
		if len(it.Raw) == 0 || len(it.Raw) > r.max {
			t.Fatalf("%s: %d bytes (cap %d)", it.Location, len(it.Raw), r.max)
		}
		if !it.Arrival.IsZero() && it.Arrival.Location() != time.UTC {
			t.Fatalf("%s: Arrival %v not UTC", it.Location, it.Arrival)
		}
		sum += len(it.Raw)
		items = append(items, it)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next() after io.EOF = %v", err)
	}
	if sum > len(data) {
		t.Fatalf("read %d bytes of messages from %d bytes", sum, len(data))
	}
	return items, errs
}

// FuzzMbox fuzzes the mbox reader and writer. The input is read as an mbox (sometimes with a
// small size cap), checking the Reader invariants (see readBack). Then messages derived from
// it (roundTripInput) are written with MboxWriter and read back: the same messages must come
// back byte for byte, except that one without a final newline gains one (the writer's
// documented rule), with their arrival time to the second.
func FuzzMbox(f *testing.F) {
	for _, s := range []string{
		"", "From ", "From \n", "From a Mon Mar  3 10:00:00 2026\n", "From a Mon Mar  3 10:00:00 2026\n\n",
		mboxrd("Subject: x\n\nFrom the start\n>From one\n>>From two\n", "Subject: y\n\nFrom here\n"),
		"From a Mon Mar  3 10:00:00 2026\r\nSubject: a\r\n\r\nbody a\r\n\r\nFrom b Mon Mar  3 10:00:01 2026\r\nSubject: b\r\n\r\nb\r\n\r\n",
		"From a Mon Mar  3 10:00:00 2026\nSubject: x\n\none\nFrom b Mon Mar  3 10:00:00 2026\nSubject: y\n\ntwo\n",
		"S:jane at example.com\nT:1772614800\nFrom: a\n\nbody\x00From: b\n\nno newline\x00\n\x00>From x\n" + longLine + "\n",
	} {
		f.Add([]byte(s))
	}
	for _, m := range tricky {
		f.Add(slices.Concat([]byte("S:a@b\n"), m, []byte{0}, m))
	}
	if data, err := os.ReadFile("testdata/escaped.mbox"); err == nil {
		f.Add(data)
	}
	// Real mboxes from the corpora (read in place) and some of their messages to write.
	for _, path := range fuzzkit.Files(256<<10, "perl-mail-thread-jwz", "mailbox-perl-imagemagick-2000", "patchwork-mbox", "perceval-mbox") {
		if data, err := os.ReadFile(path); err == nil && bytes.HasPrefix(data, fromPrefix) {
			f.Add(data)
		}
	}
	msgs := fuzzkit.Messages(1<<20, 16<<10, "ruby-mail-fixtures", "stalwart-mail-parser", "hyperkitty-testdata")
	for i := 0; i+1 < len(msgs) && i < 120; i += 2 {
		f.Add(slices.Concat(msgs[i], []byte{0}, msgs[i+1]))
	}

	f.Fuzz(fuzzMbox)
}

// fuzzMbox is one execution of FuzzMbox.
func fuzzMbox(t *testing.T, data []byte) {
	defer fuzzkit.Deadline(5*time.Second, "FuzzMbox", data)()
	max := 0
	if len(data)%5 == 0 {
		max = len(data) / 3 // exercise the size cap
	}
	readBack(t, data, max)

	msgs, sender, first := roundTripInput(data)
	var buf bytes.Buffer
	w := NewMboxWriter(&buf)
	var (
		want   [][]byte
		wantAt []time.Time
	)
	for i, m := range msgs {
		at := first.Add(time.Duration(i) * time.Hour)
		if err := w.Write(m, sender, at); err != nil {
			if len(m) > 0 || !errors.Is(err, ErrEmptyMessage) {
				t.Fatalf("Write(%q) = %v", m, err)
			}
			continue
		}
		want = append(want, m)
		wantAt = append(wantAt, at.Truncate(time.Second).UTC())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	items, errs := readBack(t, buf.Bytes(), 0)
	if len(errs) > 0 || len(items) != len(want) {
		t.Fatalf("wrote %d messages, read %d back, errors %v\nmbox: %.3000q", len(want), len(items), errs, buf.Bytes())
	}
	for i, it := range items {
		w := want[i]
		if !bytes.HasSuffix(w, []byte("\n")) {
			w = append(bytes.Clone(w), '\n')
		}
		if !bytes.Equal(it.Raw, w) {
			t.Fatalf("message %d came back as\n%.1000q\nwant\n%.1000q\nmbox: %.3000q", i, it.Raw, w, buf.Bytes())
		}
		at := wantAt[i]
		if y := at.Year(); y >= 1000 && y <= 9999 && !isPlaceholder(at) && !it.Arrival.Equal(at) {
			t.Fatalf("message %d arrival %v; want %v", i, it.Arrival, at)
		}
	}
}

func isPlaceholder(t time.Time) bool {
	for _, p := range placeholders {
		if t.Equal(p) {
			return true
		}
	}
	return false
}
