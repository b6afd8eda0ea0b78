package archive

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
)

// kind says how a file found by collect is read.
type kind int

const (
	// kindFile was named or found in a plain directory: it must look like mail.
	kindFile kind = iota
	// kindMaildir is in a Maildir's cur/ or new/: a message whatever it looks like.
	kindMaildir
	// kindLoose is another file inside a Maildir tree. Such files are not messages by the
	// Maildir spec, but notmuch-style trees keep mail there, so one is read if it looks like
	// mail and silently skipped otherwise (index and state files of mail tools).
	kindLoose
)

// source is one file to read, found when the reader was opened.
type source struct {
	path string
	size int64
	kind kind
}

// collect lists the files under path. A file named directly is sniffed now so that Open
// reports a wrong path itself rather than from the first Next.
func collect(path string) ([]source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode().IsRegular():
		s := source{path: path, size: fi.Size(), kind: kindFile}
		r, _, err := openFile(s)
		if err != nil {
			return nil, err
		}
		r.Close()
		return []source{s}, nil
	case fi.IsDir():
		var srcs []source
		if err := walk(path, false, &srcs); err != nil {
			return nil, err
		}
		if len(srcs) == 0 {
			return nil, fmt.Errorf("%s: no Maildir or message files found", path)
		}
		return srcs, nil
	}
	return nil, fmt.Errorf("%s: not a regular file or directory", path)
}

// walk appends the files under dir, depth first, in name order. In a Maildir (a directory with
// cur/ or new/), the messages of cur/ and new/ come first, merged and sorted by file name (Maildir
// names start with the delivery time, so this is roughly arrival order); tmp/ holds unfinished
// deliveries and is skipped. Subdirectories follow, including Maildir++ folders such as ".Sent";
// outside a Maildir tree hidden entries (.git, .notmuch) are skipped. Symlinks and other
// non-regular files are skipped, which also keeps the walk free of loops.
func walk(dir string, inMaildir bool, srcs *[]source) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	maildir := slices.ContainsFunc(ents, func(e os.DirEntry) bool {
		return e.IsDir() && (e.Name() == "cur" || e.Name() == "new")
	})
	inMaildir = inMaildir || maildir
	if maildir {
		var msgs []source
		for _, sub := range []string{"cur", "new"} {
			if err := addFiles(filepath.Join(dir, sub), kindMaildir, &msgs); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		slices.SortStableFunc(msgs, func(a, b source) int {
			return cmp.Compare(filepath.Base(a.path), filepath.Base(b.path))
		})
		*srcs = append(*srcs, msgs...)
	}
	for _, e := range ents {
		name, path := e.Name(), filepath.Join(dir, e.Name())
		switch {
		case strings.HasPrefix(name, ".") && !(inMaildir && e.IsDir()):
			// Hidden: dotfiles anywhere, directories outside a Maildir tree.
		case e.IsDir():
			if maildir && (name == "cur" || name == "new" || name == "tmp") {
				continue
			}
			if err := walk(path, inMaildir, srcs); err != nil {
				return err
			}
		case e.Type().IsRegular() && !isControlFile(name):
			k := kindFile
			if inMaildir {
				k = kindLoose
			}
			if err := addFile(path, e, k, srcs); err != nil {
				return err
			}
		}
	}
	return nil
}

// addFiles appends the regular, non-hidden files of dir.
func addFiles(dir string, k kind, srcs *[]source) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			if err := addFile(filepath.Join(dir, e.Name()), e, k, srcs); err != nil {
				return err
			}
		}
	}
	return nil
}

func addFile(path string, e os.DirEntry, k kind, srcs *[]source) error {
	fi, err := e.Info()
	if err != nil {
		return err
	}
	*srcs = append(*srcs, source{path: path, size: fi.Size(), kind: k})
	return nil
}

// isControlFile reports the state files that Dovecot and Courier keep next to cur/ and new/.
// Sniffing would skip them too; naming them saves opening them.
func isControlFile(name string) bool {
	return strings.HasPrefix(name, "dovecot") || strings.HasPrefix(name, "courier") ||
		name == "subscriptions" || name == "maildirfolder"
}

// openFile opens one source and picks its reader. It also returns the counter behind the reader's
// Progress so that multiReader can poll it without racing with Next.
func openFile(s source) (Reader, *counter, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	r, c, err := newFileReader(f, s)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, c, nil
}

func newFileReader(f *os.File, s source) (Reader, *counter, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	c := &counter{r: f}
	base := file{name: s.path, cnt: c, total: fi.Size(), mtime: fi.ModTime().UTC(), closer: f, max: MaxMessageSize}
	br := bufio.NewReaderSize(c, bufSize)
	// Sniff the content rather than trust a .gz name; Dovecot's zlib plugin compresses
	// Maildir files without renaming them.
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.path, err)
		}
		br = bufio.NewReaderSize(zr, bufSize)
	}
	if s.kind == kindMaildir {
		return &msgReader{file: base, r: br}, c, nil
	}
	isMbox, err := sniff(br)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.path, err)
	}
	// A .eml is one message even when a tool put a From_ line on top: its body may hold an
	// unescaped "From " line (an attached patch) that would split it.
	if isMbox && !strings.EqualFold(filepath.Ext(s.path), ".eml") {
		return &mboxReader{file: base, br: br}, c, nil
	}
	return &msgReader{file: base, r: br}, c, nil
}

// sniff tells an mbox (true) from a single message (false) by the first line.
func sniff(br *bufio.Reader) (bool, error) {
	head, err := br.Peek(1024)
	if err != nil && err != io.EOF {
		return false, err
	}
	if len(head) == 0 {
		return false, fmt.Errorf("%w (empty file)", ErrUnknownFormat)
	}
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i+1]
	}
	switch {
	case bytes.HasPrefix(line, fromPrefix):
		return true, nil
	case isHeaderLine(line):
		return false, nil
	}
	return false, fmt.Errorf("%w (first line %q)", ErrUnknownFormat, shortLine(line))
}

// isHeaderLine reports whether line starts with an RFC 5322 field name and a colon,
// allowing the obsolete white space before the colon.
func isHeaderLine(line []byte) bool {
	for i, c := range line {
		if c == ':' {
			return i > 0
		}
		if c < 33 || c > 126 {
			rest := bytes.TrimLeft(line[i:], " \t")
			return i > 0 && len(rest) > 0 && rest[0] == ':'
		}
	}
	return false
}

// msgReader yields a whole file as one message.
type msgReader struct {
	file
	r    io.Reader
	done bool
}

// Next implements Reader.
func (r *msgReader) Next() (Item, error) {
	if r.done {
		return Item{}, io.EOF
	}
	r.done = true
	raw, err := io.ReadAll(io.LimitReader(r.r, int64(r.max)+1))
	switch {
	case err != nil:
		return Item{}, fmt.Errorf("read %s: %w", r.name, err)
	case len(raw) > r.max:
		return Item{}, fmt.Errorf("%s: %w (over %d MiB, skipped)", r.name, ErrTooLarge, r.max>>20)
	}
	it := Item{Location: r.name, Arrival: r.mtime}
	// Some tools store a From_ line on top of a single message; it is envelope, not message.
	if bytes.HasPrefix(raw, fromPrefix) {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		it.Arrival = arrival(line, r.mtime)
		raw = raw[len(line):]
	}
	if len(raw) == 0 {
		return Item{}, fmt.Errorf("%s: empty message", r.name)
	}
	it.Raw = raw
	return it, nil
}

// multiReader reads a list of sources one after the other, opening one file at a time.
type multiReader struct {
	srcs  []source
	next  int // index of the next source to open
	total int64

	cur     Reader
	curSize int64
	// done (bytes of finished sources) and curCnt are atomic for Progress.
	done   atomic.Int64
	curCnt atomic.Pointer[counter]
}

// Next implements Reader.
func (m *multiReader) Next() (Item, error) {
	for {
		if m.cur == nil {
			if m.next == len(m.srcs) {
				return Item{}, io.EOF
			}
			s := m.srcs[m.next]
			m.next++
			r, c, err := openFile(s)
			if err != nil {
				m.done.Add(s.size)
				if s.kind == kindLoose && errors.Is(err, ErrUnknownFormat) {
					continue
				}
				return Item{}, err
			}
			m.cur, m.curSize = r, s.size
			m.curCnt.Store(c)
		}
		it, err := m.cur.Next()
		if err == io.EOF {
			m.closeCur()
			continue
		}
		return it, err
	}
}

// closeCur finishes the current file. It counts the size seen when the reader was opened,
// not the bytes read, so that done ends exactly at total even if a file changed meanwhile.
func (m *multiReader) closeCur() error {
	m.curCnt.Store(nil)
	m.done.Add(m.curSize)
	err := m.cur.Close()
	m.cur = nil
	return err
}

// Progress implements Reader.
func (m *multiReader) Progress() (done, total int64) {
	done = m.done.Load()
	if c := m.curCnt.Load(); c != nil {
		done += c.n.Load()
	}
	return min(done, m.total), m.total
}

// Close implements Reader. Next returns io.EOF afterwards.
func (m *multiReader) Close() error {
	m.next = len(m.srcs)
	if m.cur == nil {
		return nil
	}
	return m.closeCur()
}
