package archive

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"
)

// bufSize is the bufio buffer. Lines longer than this are handled in pieces; only From_ lines
// must fit, and they are short.
const bufSize = 64 << 10

// counter counts bytes read through it. Atomic so that Progress can be polled concurrently.
type counter struct {
	r io.Reader
	n atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// file is what the readers of one file or stream share.
type file struct {
	name   string // path (or stream name) for Location and errors
	cnt    *counter
	total  int64
	mtime  time.Time // Arrival fallback; zero for streams
	closer io.Closer // nil for streams
	max    int       // message size cap; MaxMessageSize except in tests
}

func (f *file) Progress() (done, total int64) { return f.cnt.n.Load(), f.total }

func (f *file) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// mboxReader splits an mbox stream into messages, holding only the current one in memory.
type mboxReader struct {
	file
	br   *bufio.Reader
	n    int    // messages started so far, for Location
	last int    // size of the previous message, to size the next buffer
	from []byte // From_ line of the message Next reads next; nil before the first
	done bool   // nothing more to read
}

// NewMboxReader reads an mbox from r; name is used in Location ("name#N") and errors, and size is
// the total that Progress reports (0 if unknown). Arrival is zero for messages whose From_ line
// has no usable date. Close does not close r.
func NewMboxReader(r io.Reader, name string, size int64) Reader {
	c := &counter{r: r}
	return &mboxReader{
		file: file{name: name, cnt: c, total: size, max: MaxMessageSize},
		br:   bufio.NewReaderSize(c, bufSize),
	}
}

var (
	fromPrefix = []byte("From ")
	lf         = []byte("\n")
	crlf       = []byte("\r\n")
)

// Next implements Reader.
func (r *mboxReader) Next() (Item, error) {
	if r.done {
		return Item{}, io.EOF
	}
	if r.from == nil {
		line, err := r.readFirstLine()
		if err != nil {
			r.done = true
			return Item{}, err
		}
		r.from = line
	}
	r.n++
	it := Item{Location: fmt.Sprintf("%s#%d", r.name, r.n), Arrival: arrival(r.from, r.mtime)}

	var (
		// Start at the previous message's size (bounded): list mail is uniform, and this saves
		// most of append's regrowth.
		msg       = make([]byte, 0, min(r.last, 64<<10)+512)
		size      int    // bytes of this message, also counted past the cap
		lineStart = true // the next piece starts a line (pieces split lines longer than bufSize)
		blank     = 0    // length of the last line if it was empty ("\n" or "\r\n"), else 0
	)
	for {
		line, err := r.br.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			r.done = true
			break
		}
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			r.done = true
			return Item{}, fmt.Errorf("read %s: %w", it.Location, err)
		}
		whole := lineStart && err != bufio.ErrBufferFull
		if whole && isFromLine(line) {
			line = bytes.Clone(line) // nextIsHeader's Peek may reuse the buffer under line
			if blank > 0 || r.nextIsHeader() {
				r.from = line
				break
			}
		}
		if lineStart && isEscapedFrom(line) {
			line = line[1:]
		}
		size += len(line)
		if size <= r.max {
			msg = append(msg, line...)
		} else {
			msg = nil // keep reading to the next separator, but stop holding memory
		}
		blank = 0
		if whole && (bytes.Equal(line, lf) || bytes.Equal(line, crlf)) {
			blank = len(line)
		}
		lineStart = err == nil
		if err == io.EOF {
			r.done = true
			break
		}
	}
	if size > r.max {
		return Item{}, fmt.Errorf("%s: %w (over %d MiB, skipped)", it.Location, ErrTooLarge, r.max>>20)
	}
	// The empty line before a separator, or at the end of the file, belongs to the format.
	msg = msg[:len(msg)-blank]
	r.last = len(msg)
	if len(msg) == 0 {
		return Item{}, fmt.Errorf("%s: empty message", it.Location)
	}
	it.Raw = msg
	return it, nil
}

// readFirstLine returns the first line, which must start "From " (the date may be garbage),
// or io.EOF for an empty stream.
func (r *mboxReader) readFirstLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read %s: %w", r.name, err)
	}
	if !bytes.HasPrefix(line, fromPrefix) {
		return nil, fmt.Errorf("%s: %w (first line %q)", r.name, ErrUnknownFormat, shortLine(line))
	}
	first := bytes.Clone(line)
	for err == bufio.ErrBufferFull { // an absurdly long From_ line: keep its start only
		_, err = r.br.ReadSlice('\n')
	}
	return first, nil
}

// nextIsHeader reports whether the line after the current one starts with a header field.
// It admits a From_ line without the empty line before it, as concatenated mboxes have
// (Mail::Thread's testbox-6): a writer would have escaped such a line in a body, so only
// writers that do not escape can fool it, and then only with a header right after.
func (r *mboxReader) nextIsHeader() bool {
	next, _ := r.br.Peek(256)
	return isHeaderLine(next)
}

// isEscapedFrom reports whether line matches ^>+From (mboxrd quoting).
func isEscapedFrom(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(line[i:], fromPrefix)
}

// fromLineRE matches a From_ line: an optional sender (one word, or Pipermail's "jane at example.com"),
// then an asctime date with optional seconds and an optional zone before or after the year.
// Anything may follow (UUCP "remote from host").
var fromLineRE = regexp.MustCompile(`^From (?:\S+(?: at \S+)?)? +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +` +
	`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d\d?) +(\d\d?):(\d\d)(?::(\d\d))?` +
	`(?: +([A-Z]{1,5}|[-+]\d{4}))? +(\d{4})(?: +([A-Z]{1,5}|[-+]\d{4}))?`)

func isFromLine(line []byte) bool {
	return bytes.HasPrefix(line, fromPrefix) && fromLineRE.Match(line)
}

// zones are the abbreviations seen in From_ lines, with RFC 5322's obsolete US zones.
// Others are taken as UTC: a few hours off is harmless for Arrival.
var zones = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"MET": 1, "CET": 1, "MEST": 2, "CEST": 2, "BST": 1,
}

var months = map[string]time.Month{
	"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
	"Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

// Placeholder dates that say nothing about delivery: public-inbox and patchwork write the epoch,
// git format-patch a fixed date.
var placeholders = []time.Time{
	time.Unix(0, 0).UTC(),
	time.Date(2001, time.September, 17, 0, 0, 0, 0, time.UTC),
}

// arrival returns the date of a From_ line in UTC, or fallback when it has none (or a placeholder).
func arrival(from []byte, fallback time.Time) time.Time {
	m := fromLineRE.FindSubmatch(from)
	if m == nil {
		return fallback
	}
	num := func(b []byte) int { n, _ := strconv.Atoi(string(b)); return n }
	day, hour, minute, sec, year := num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[7])
	if day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return fallback
	}
	zone := m[6]
	if zone == nil {
		zone = m[8]
	}
	offset := 0
	if len(zone) == 5 && (zone[0] == '+' || zone[0] == '-') {
		hhmm := num(zone[1:])
		offset = (hhmm/100*60 + hhmm%100) * 60
		if zone[0] == '-' {
			offset = -offset
		}
	} else if h, ok := zones[string(zone)]; ok {
		offset = h * 3600
	}
	t := time.Date(year, months[string(m[1])], day, hour, minute, sec, 0, time.FixedZone("", offset)).UTC()
	for _, p := range placeholders {
		if t.Equal(p) {
			return fallback
		}
	}
	return t
}

// shortLine trims a first line for an error message.
func shortLine(line []byte) string {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) > 60 {
		line = line[:60]
	}
	return string(line)
}
