// Package archive reads the mail archives people already have: mbox (mboxrd and mboxo,
// LF or CRLF line endings, optionally gzip-compressed), Maildir, and single message files (.eml).
//
// Open looks at a path and picks a reader; OpenAll chains several paths into one Reader.
// A regular file is sniffed by its first line (after gunzipping if it starts with the gzip magic):
// "From " makes it an mbox, an RFC 5322 header field makes it a single message, anything else
// is rejected with ErrUnknownFormat. A directory with cur/ or new/ is a Maildir: the files of cur/
// and new/ merged in name order, tmp/ skipped, then its subfolders (Maildir++ ".Sent" included).
// Any other directory is walked depth first in name order, skipping hidden entries and symlinks.
// Files in a Maildir tree outside cur/ and new/ are read only if they look like mail, because
// that is where Dovecot and Courier keep their state files (and notmuch test trees keep mail).
//
// Invariants:
//
//   - Streaming: an mbox is read line by line through a bufio.Reader and only the current
//     message is held in memory, so archives of any size work. A single message larger than
//     MaxMessageSize is skipped with an error wrapping ErrTooLarge.
//   - Determinism: the same tree always yields the same messages in the same order
//     (directory entries sorted by name), so Location values are stable across runs.
//   - Errors from Next other than io.EOF concern one message or one file. The reader has
//     already moved past it, so a caller may log the error and call Next again; a loop that
//     does so always terminates.
//   - Progress counts bytes read from disk (compressed bytes for .gz), so done reaches total
//     at the end. It may be called from another goroutine while Next runs (for a progress bar).
//
// mbox dialect: mboxrd is assumed. A separator is a line starting "From " at the start of the file;
// later, a line that looks like a From_ line (sender, then an asctime date) and either follows an
// empty line or is followed by a header field. "From here on..." in a body therefore does not split
// a message, and neither does a From_ line quoted mid-paragraph. Lines matching ^>+From lose one
// ">". That also reads mboxo right, except for a body line that originally started with ">" before
// "From " (rare: quoting adds "> "), which mboxo stores ambiguously anyway. mboxcl Content-Length
// headers are ignored: they are often stale after editing. A .eml or Maildir file that starts with a
// From_ line is one message, the From_ line dropped. Line endings are kept as stored, and the one empty line
// that the format puts before each separator (and at the end of the file) is removed.
package archive

import (
	"errors"
	"time"
)

// MaxMessageSize caps one message. Larger ones are skipped with ErrTooLarge: no list post is
// that big, and buffering more would risk the daemon's memory.
const MaxMessageSize = 256 << 20

// ErrTooLarge is wrapped by Next's error for a message over MaxMessageSize.
var ErrTooLarge = errors.New("message too large")

// ErrUnknownFormat is wrapped by the error for a file that is not an mbox, Maildir or message file.
var ErrUnknownFormat = errors.New("not an mbox, Maildir or message file")

// Item is one raw message read from an archive.
type Item struct {
	// Raw is the message exactly as stored, with mbox escaping (">From ") undone.
	Raw []byte
	// Location says where it was found: "path" for a file, "path#N" for the Nth message
	// (1-based) of an mbox, the file path for a Maildir entry.
	Location string
	// Arrival is the best guess of delivery time: the mbox From_ line date, else the file's mtime.
	Arrival time.Time
}

// Reader yields the messages of one archive in order. Next returns io.EOF after the last one.
// Any other error concerns a single message or file, which has been skipped: calling Next
// again continues with the next one.
type Reader interface {
	Next() (Item, error)
	// Progress reports bytes consumed so far and the total bytes of the archive (for a progress bar).
	Progress() (done, total int64)
	Close() error
}

// Open detects what path is and returns a reader: a Maildir (directory with cur/ and/or new/),
// a directory of Maildirs, mboxes or message files (walked in sorted order), an mbox file
// (first line starts "From "; gzip-compressed is fine), or a single message file (.eml or anything
// else that starts with an RFC 5322 header field). A file that is none of these, or empty, is an
// error naming the path and wrapping ErrUnknownFormat. A directory without any candidate file is
// an error too; inside a directory, a file that is not mail is reported by Next and skipped.
func Open(path string) (Reader, error) {
	return OpenAll([]string{path})
}

// OpenAll opens several paths as one Reader, in argument order; Progress sums them.
// Every path is checked before OpenAll returns, so a typo fails early. Files are opened one at a
// time as Next reaches them.
func OpenAll(paths []string) (Reader, error) {
	m := &multiReader{}
	for _, p := range paths {
		srcs, err := collect(p)
		if err != nil {
			return nil, err
		}
		for _, s := range srcs {
			m.total += s.size
		}
		m.srcs = append(m.srcs, srcs...)
	}
	return m, nil
}

// The three readers must keep satisfying the interface.
var (
	_ Reader = (*mboxReader)(nil)
	_ Reader = (*msgReader)(nil)
	_ Reader = (*multiReader)(nil)
)
