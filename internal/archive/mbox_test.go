package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// mboxrd writes messages as an mboxrd writer would: From_ line, ">" added to ^>*From lines,
// and the empty line after each message. Messages must end with a newline.
func mboxrd(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("From list@example.org Mon Mar  3 10:00:00 2026\n")
		for _, l := range strings.SplitAfter(m, "\n") {
			if isEscapedFrom([]byte(">" + l)) {
				b.WriteByte('>')
			}
			b.WriteString(l)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestMbox(t *testing.T) {
	const hdr = "Subject: x\n\n"
	tests := []struct {
		name string
		in   string
		want []string // Raw of each message, or "error: " and the error text
	}{
		{
			name: "mboxrd round trip",
			in: mboxrd(hdr+"From the start\n>From one\n>>From two\n> From spaced\n>Fromage\n",
				hdr+"\nFrom here\n"),
			want: []string{hdr + "From the start\n>From one\n>>From two\n> From spaced\n>Fromage\n", hdr + "\nFrom here\n"},
		},
		{
			name: "mboxrd unescape",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + ">From x\n>>From y\n>>>From z\n>From\n\n",
			want: []string{hdr + "From x\n>From y\n>>From z\n>From\n"},
		},
		{
			name: "CRLF",
			in: "From a Mon Mar  3 10:00:00 2026\r\nSubject: a\r\n\r\nbody a\r\n\r\n" +
				"From b Mon Mar  3 10:00:01 2026\r\nSubject: b\r\n\r\nbody b\r\n\r\n",
			want: []string{"Subject: a\r\n\r\nbody a\r\n", "Subject: b\r\n\r\nbody b\r\n"},
		},
		{
			name: "From here after an empty line does not split",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + "Hello\n\nFrom here on, reply off list.\n\nFrom Mon to Fri we are closed.\n\n",
			want: []string{hdr + "Hello\n\nFrom here on, reply off list.\n\nFrom Mon to Fri we are closed.\n"},
		},
		{
			name: "From_ line mid-paragraph does not split",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + "bounce:\nFrom b Mon Mar  3 10:00:00 2026\nnot a header\n",
			want: []string{hdr + "bounce:\nFrom b Mon Mar  3 10:00:00 2026\nnot a header\n"},
		},
		{
			name: "From_ line without empty line but followed by a header splits",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + "one\nFrom b Mon Mar  3 10:00:00 2026\nSubject: y\n\ntwo\n",
			want: []string{hdr + "one\n", "Subject: y\n\ntwo\n"},
		},
		{
			name: "only one empty line is the separator",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + "one\n\n\nFrom b Tue Mar  4 10:00:00 2026\n" + hdr + "two\n\n\n",
			want: []string{hdr + "one\n\n", hdr + "two\n\n"},
		},
		{
			name: "From_ line variants",
			in: "From MAILER-DAEMON Mon Mar  3 10:00:00 2026\n" + hdr + "1\n\n" +
				"From jane at example.com  Mon Mar  3 10:00:00 2026\n" + hdr + "2\n\n" +
				"From <jane@example.com> Wed Feb  9 22:02 MET 2000\n" + hdr + "3\n\n" +
				"From - Sat Mar 15 00:00:00 2003 +0100\n" + hdr + "4\n\n" +
				"From  Sun Apr 07 23:09:09 2019 remote from uucp\n" + hdr + "5\n",
			want: []string{hdr + "1\n", hdr + "2\n", hdr + "3\n", hdr + "4\n", hdr + "5\n"},
		},
		{
			name: "empty",
			in:   "",
		},
		{
			name: "no trailing newline",
			in:   "From a Mon Mar  3 10:00:00 2026\n" + hdr + "one\n\nFrom b Mon Mar  3 10:00:00 2026\n" + hdr + "two",
			want: []string{hdr + "one\n", hdr + "two"},
		},
		{
			name: "not an mbox",
			in:   "Subject: x\n\nbody\n",
			want: []string{`error: test.mbox: not an mbox, Maildir or message file (first line "Subject: x")`},
		},
		{
			name: "empty message is reported, next one read",
			in:   "From a Mon Mar  3 10:00:00 2026\n\nFrom b Mon Mar  3 10:00:00 2026\n" + hdr + "two\n",
			want: []string{"error: test.mbox#1: empty message", hdr + "two\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewMboxReader(strings.NewReader(tt.in), "test.mbox", int64(len(tt.in)))
			var got []string
			for {
				it, err := r.Next()
				if err == io.EOF {
					break
				}
				if len(got) > 100 {
					t.Fatal("Next never returns io.EOF")
				}
				if err != nil {
					got = append(got, "error: "+err.Error())
					continue
				}
				got = append(got, string(it.Raw))
				if want := fmt.Sprintf("test.mbox#%d", len(got)); it.Location != want {
					t.Errorf("Location = %q; want %q", it.Location, want)
				}
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("Next() results:\n got %q\nwant %q", got, tt.want)
			}
			if done, total := r.Progress(); done != total {
				t.Errorf("Progress() = %d, %d; want done == total", done, total)
			}
		})
	}
}

func TestArrival(t *testing.T) {
	fallback := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	utc := func(s string) time.Time {
		t, err := time.Parse(time.DateTime, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		line string
		want time.Time
	}{
		{"From sender@x Mon Mar  3 10:00:00 2026\n", utc("2026-03-03 10:00:00")},
		{"From jane at example.com  Mon Mar  3 10:00:00 2026\r\n", utc("2026-03-03 10:00:00")},
		{"From magick-owner@x Wed Feb  9 22:02 MET 2000\n", utc("2000-02-09 21:02:00")},
		{"From a Tue Mar  4 08:30:00 2026 -0500\n", utc("2026-03-04 13:30:00")},
		{"From a Tue Mar  4 08:30:00 +0530 2026\n", utc("2026-03-04 03:00:00")},
		{"From a Tue Mar  4 08:30:00 XYZ 2026\n", utc("2026-03-04 08:30:00")},
		{"From mboxrd@z Thu Jan  1 00:00:00 1970\n", fallback},
		{"From 434fe33a7ed28cc8cd0b344e55f0be2c74f1a58c Mon Sep 17 00:00:00 2001\n", fallback},
		{"From lib\n", fallback},
		{"From a Mon Mar  3 25:00:00 2026\n", fallback},
	}
	for _, tt := range tests {
		if got := arrival([]byte(tt.line), fallback); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("arrival(%q) = %v; want %v", tt.line, got, tt.want)
		}
	}
}

func TestMboxTooLarge(t *testing.T) {
	big := strings.Repeat("0123456789abcdef\n", 100)
	in := mboxrd("Subject: 1\n\nsmall\n", "Subject: 2\n\n"+big, "Subject: 3\n\nsmall\n")
	r := NewMboxReader(strings.NewReader(in), "big.mbox", int64(len(in))).(*mboxReader)
	r.max = 1000
	var got []string
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "big.mbox#2: ") {
				t.Errorf("Next() = %v; want big.mbox#2 wrapping ErrTooLarge", err)
			}
			continue
		}
		got = append(got, it.Location)
	}
	if want := "[big.mbox#1 big.mbox#3]"; fmt.Sprint(got) != want {
		t.Errorf("read %v; want %v", got, want)
	}
}

// genReader produces an mbox on the fly: small messages around huge ones, so the test
// never holds the whole input.
type genReader struct {
	bodyLines, msgs int // lines in each huge message, messages in total
	msg, line       int
	buf             []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		switch {
		case g.msg == g.msgs:
			return 0, io.EOF
		case g.line == 0:
			g.buf = fmt.Appendf(nil, "From gen@example.org Mon Mar  3 10:00:%02d 2026\nSubject: %d\n\n", g.msg, g.msg)
			g.line++
		case g.msg%2 == 1 && g.line <= g.bodyLines:
			g.buf = append(g.buf, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n"...)
			g.line++
		default:
			g.buf = append(g.buf, "end\n\n"...)
			g.line = 0
			g.msg++
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// TestMboxLargeMessage streams three 30 MB messages and checks that the heap, with one
// message alive, stays near one message rather than the 90 MB mbox.
func TestMboxLargeMessage(t *testing.T) {
	const lines = 30 << 20 / 77 // 77-byte lines: about 30 MB per big message
	r := NewMboxReader(&genReader{bodyLines: lines, msgs: 7}, "gen", 0)
	var maxHeap uint64
	var sizes []int
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(it.Raw))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		maxHeap = max(maxHeap, ms.HeapAlloc)
		runtime.KeepAlive(it.Raw)
	}
	if len(sizes) != 7 || sizes[1] < 30<<20-100 || sizes[3] != sizes[1] || sizes[5] != sizes[1] || sizes[0] > 100 {
		t.Errorf("message sizes = %v; want 7 with #2, #4 and #6 about 30 MB", sizes)
	}
	if maxHeap > 64<<20 {
		t.Errorf("heap with one message alive = %d MB; want under 64 MB", maxHeap>>20)
	}
	t.Logf("max heap with one 30 MB message alive: %d MB", maxHeap>>20)
}

// benchMbox is a 50 MB mbox of list-sized messages (about 4 KB each).
func benchMbox() []byte {
	var b bytes.Buffer
	body := strings.Repeat("Our district is reviewing the graphic novel collection for grade 6.\n", 60)
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "From jane@example.com Mon Mar  3 10:%02d:%02d 2026\n", i/60%60, i%60)
		fmt.Fprintf(&b, "From: Jane <jane@example.com>\nSubject: TARGET-> %d\nMessage-ID: <%d@example.com>\n\n", i, i)
		b.WriteString(body)
		b.WriteString(">From the archive\n\n")
	}
	return b.Bytes()
}

func BenchmarkMbox(b *testing.B) {
	data := benchMbox()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := NewMboxReader(bytes.NewReader(data), "bench", int64(len(data)))
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestEscapedFixture reads testdata/escaped.mbox through Open, as a user would.
func TestEscapedFixture(t *testing.T) {
	path := filepath.Join("testdata", "escaped.mbox")
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	items, errs := readAll(t, r)
	if len(errs) > 0 || len(items) != 2 {
		t.Fatalf("Open(%s) gave %d messages, errors %v; want 2, none", path, len(items), errs)
	}
	body := string(items[0].Raw)
	for _, want := range []string{"\n\nFrom the lists", "\n>From an earlier", "\n>Fromage"} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", items[0].Location, want)
		}
	}
	if !strings.HasSuffix(string(items[1].Raw), "off list.\n") {
		t.Errorf("%s ends %q; want the separator line removed", items[1].Location, items[1].Raw[len(items[1].Raw)-12:])
	}
	wantArrival := []time.Time{
		time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 4, 13, 30, 0, 0, time.UTC),
	}
	for i, it := range items {
		if want := fmt.Sprintf("%s#%d", path, i+1); it.Location != want {
			t.Errorf("Location = %q; want %q", it.Location, want)
		}
		if !it.Arrival.Equal(wantArrival[i]) {
			t.Errorf("%s Arrival = %v; want %v", it.Location, it.Arrival, wantArrival[i])
		}
	}
	// The first line of the fixture must stay a From_ line; guard against editors.
	f, _ := os.ReadFile(path)
	if line, _ := bufio.NewReader(bytes.NewReader(f)).ReadString('\n'); !isFromLine([]byte(line)) {
		t.Errorf("%s: first line %q is not a From_ line", path, line)
	}
}
