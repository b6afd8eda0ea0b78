package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MboxWriter writes messages as an mboxrd file: a From_ line before each message, ">" added to
// every body line matching ^>*From , an empty line after each. Line endings are written as
// given. Messages come back unchanged through this package's reader.
type MboxWriter struct {
	w *bufio.Writer
}

// NewMboxWriter writes to w; call Flush at the end.
func NewMboxWriter(w io.Writer) *MboxWriter { return &MboxWriter{w: bufio.NewWriterSize(w, 64<<10)} }

// ErrEmptyMessage is returned by MboxWriter.Write for a message of no bytes, which an mbox
// cannot hold: its reader reports such an entry as an error.
var ErrEmptyMessage = errors.New("empty message")

// Write appends one message. from is the envelope sender for the From_ line ("MAILER-DAEMON" if
// empty). A message without a final newline is given one: it comes back with it.
func (m *MboxWriter) Write(raw []byte, from string, arrival time.Time) error {
	if len(raw) == 0 {
		return ErrEmptyMessage
	}
	if from == "" {
		from = "MAILER-DAEMON"
	}
	// The sender is one word: a space would make the From_ line unreadable as one (its date
	// lost, and the next message merged into this one), a newline would end it early
	// (found by FuzzMbox).
	from = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return '_'
		}
		return r
	}, from)
	fmt.Fprintf(m.w, "From %s %s\n", from, arrival.UTC().Format("Mon Jan _2 15:04:05 2006"))
	if raw[len(raw)-1] != '\n' {
		// End the last line: otherwise the empty line below would only end it, no empty line
		// would come before the next From_ line, and the reader would split there only if a
		// header field followed it, merging the two messages otherwise (found by FuzzMbox).
		raw = append(raw[:len(raw):len(raw)], '\n')
	}
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		if bytes.HasPrefix(bytes.TrimLeft(line, ">"), fromPrefix) {
			m.w.WriteByte('>')
		}
		m.w.Write(line)
	}
	_, err := m.w.WriteString("\n")
	return err
}

// Flush writes what is buffered.
func (m *MboxWriter) Flush() error { return m.w.Flush() }

// MaildirWriter delivers messages into a Maildir, creating cur/, new/ and tmp/. Each message
// is written to tmp/ and renamed into new/ (or cur/ with the seen flag), the Maildir way, so a
// server reading the folder meanwhile never sees half a message.
type MaildirWriter struct {
	dir  string
	host string
	pid  int
	n    int
}

// NewMaildirWriter prepares dir as a Maildir (mode 0700).
func NewMaildirWriter(dir string) (*MaildirWriter, error) {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("maildir %s: %w", dir, err)
		}
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	// "/" and ":" may not appear in a Maildir name.
	host = string(bytes.Map(func(r rune) rune {
		if r == '/' || r == ':' {
			return '_'
		}
		return r
	}, []byte(host)))
	return &MaildirWriter{dir: dir, host: host, pid: os.Getpid()}, nil
}

// Write delivers one message with its arrival time as the file's time. seen puts it in cur/
// with the S flag, as a message already read.
func (m *MaildirWriter) Write(raw []byte, arrival time.Time, seen bool) (string, error) {
	m.n++
	// The name sorts by arrival (this package and Dovecot read names in order) and is unique
	// per process: seconds, then microseconds, pid and a counter.
	name := strconv.FormatInt(arrival.Unix(), 10) + ".M" + strconv.Itoa(arrival.Nanosecond()/1000) +
		"P" + strconv.Itoa(m.pid) + "Q" + strconv.Itoa(m.n) + "." + m.host
	tmp := filepath.Join(m.dir, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return "", fmt.Errorf("maildir %s: %w", m.dir, err)
	}
	if !arrival.IsZero() {
		os.Chtimes(tmp, arrival, arrival)
	}
	final := filepath.Join(m.dir, "new", name)
	if seen {
		final = filepath.Join(m.dir, "cur", name+":2,S")
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("maildir %s: %w", m.dir, err)
	}
	return final, nil
}
