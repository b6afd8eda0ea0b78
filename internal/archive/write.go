package archive

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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

// Write appends one message. from is the envelope sender for the From_ line ("-" if unknown).
func (m *MboxWriter) Write(raw []byte, from string, arrival time.Time) error {
	if from == "" {
		from = "MAILER-DAEMON"
	}
	fmt.Fprintf(m.w, "From %s %s\n", from, arrival.UTC().Format("Mon Jan _2 15:04:05 2006"))
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
