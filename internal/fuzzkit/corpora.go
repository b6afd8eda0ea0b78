// Package fuzzkit helps the module's fuzz targets. It finds the shared corpora of real
// third-party mail (a "shared/corpora" folder beside the module, see its README.md) so that
// targets can seed themselves from it at run time; nothing here copies corpus files into the
// project. When the corpora are absent (a plain checkout, CI without them) the corpus
// functions return nothing and targets fall back to their in-repo seeds; nothing fails.
// Deadline turns a hang into a failure with the input saved.
package fuzzkit

import (
	"bufio"
	"bytes"
	"io/fs"
	"mime"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Env names a corpora directory explicitly; it wins over the search.
const Env = "LISTDIGEST_CORPORA"

var (
	dirOnce sync.Once
	dir     string
)

// Dir returns the shared corpora directory, or "" when there is none. It is $LISTDIGEST_CORPORA
// when set, else "shared/corpora" found by walking up from the working directory: beside the
// module root (the first directory holding go.mod), or inside any directory on the way up.
func Dir() string {
	dirOnce.Do(func() { dir = find() })
	return dir
}

func find() string {
	if d := os.Getenv(Env); d != "" {
		if isDir(d) {
			return d
		}
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if c := filepath.Join(d, "shared", "corpora"); isDir(c) {
			return c
		}
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			// The module root: the corpora are a sibling of it.
			if c := filepath.Join(filepath.Dir(d), "shared", "corpora"); isDir(c) {
				return c
			}
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// MailFolders are the corpora that hold raw messages (single files, Maildirs or mboxes).
var MailFolders = []string{
	"stalwart-mail-parser", "ruby-mail-fixtures", "cpython-test_email", "patchwork-mbox",
	"hyperkitty-testdata", "perceval-mbox", "notmuch", "perl-mail-thread-jwz",
	"mailbox-perl-imagemagick-2000",
}

// isDataFile reports whether a corpus file holds mail rather than docs or ground truth.
func isDataFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, p := range []string{"readme", "license", "copying", "expected", "manifest", "reference_threads"} {
		if strings.HasPrefix(base, p) {
			return false
		}
	}
	switch filepath.Ext(base) {
	case ".json", ".md", ".py", ".rb", ".sh", ".html", ".tsv", ".el":
		return false
	}
	return !strings.Contains(filepath.ToSlash(path), "expected-output")
}

// Files returns the data files (mail, not READMEs or ground truth) under the named folders of
// the corpora, sorted, skipping files over maxSize bytes (0: no limit). Nil without corpora.
func Files(maxSize int64, folders ...string) []string {
	root := Dir()
	if root == "" {
		return nil
	}
	var out []string
	for _, f := range folders {
		filepath.WalkDir(filepath.Join(root, f), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() || !isDataFile(path) {
				return nil
			}
			if info, err := d.Info(); err != nil || (maxSize > 0 && info.Size() > maxSize) {
				return nil
			}
			out = append(out, path)
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// Read returns the file at rel (slash-separated, relative to the corpora), or nil.
func Read(rel string) []byte {
	root := Dir()
	if root == "" {
		return nil
	}
	b, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	return b
}

// Messages returns the messages of the named folders' data files: an mbox is split at its
// From_ lines (at the start, or after an empty line), anything else is one message. Files over
// maxFile bytes and messages over maxMsg bytes are left out (0: no limit). Nil without corpora.
func Messages(maxFile int64, maxMsg int, folders ...string) [][]byte {
	var out [][]byte
	for _, path := range Files(maxFile, folders...) {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, m := range SplitMbox(data) {
			if len(m) > 0 && (maxMsg <= 0 || len(m) <= maxMsg) {
				out = append(out, m)
			}
		}
	}
	return out
}

// SplitMbox splits an mbox into messages at "From " lines that start the data or follow an
// empty line, keeping each From_ line. Data that does not start "From " comes back whole.
func SplitMbox(data []byte) [][]byte {
	if !bytes.HasPrefix(data, []byte("From ")) {
		return [][]byte{data}
	}
	var msgs [][]byte
	start := 0
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("\n\nFrom "))
		if j < 0 {
			break
		}
		cut := i + j + 2
		msgs = append(msgs, data[start:cut])
		start, i = cut, cut
	}
	return append(msgs, data[start:])
}

// HeaderValues returns the raw values (unfolded, not decoded) of the named header fields of
// msgs, each value once, at most perField per field (0: no limit), in order of first
// appearance. Lenient: a message whose header does not parse contributes the fields read
// before the problem.
func HeaderValues(msgs [][]byte, perField int, names ...string) []string {
	count := map[string]int{}
	for _, n := range names {
		count[textproto.CanonicalMIMEHeaderKey(n)] = 0
	}
	seen := map[string]bool{}
	var out []string
	for _, raw := range msgs {
		if bytes.HasPrefix(raw, []byte("From ")) {
			if i := bytes.IndexByte(raw, '\n'); i >= 0 {
				raw = raw[i+1:]
			}
		}
		h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		keys := make([]string, 0, len(h))
		for k := range h {
			if _, ok := count[k]; ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range h[k] {
				if !seen[v] && (perField <= 0 || count[k] < perField) {
					seen[v] = true
					count[k]++
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// Decode decodes the RFC 2047 encoded words of a header value as well as the standard library
// can (unknown charsets and broken words are left as they are): good enough for seeds.
func Decode(v string) string {
	d := mime.WordDecoder{CharsetReader: nil}
	if s, err := d.DecodeHeader(v); err == nil {
		return s
	}
	return v
}
