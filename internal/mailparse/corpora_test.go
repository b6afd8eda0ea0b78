package mailparse

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corporaDir returns the shared corpora directory (env LISTDIGEST_CORPORA, default
// ../../../shared/corpora from this package) or skips the test.
func corporaDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LISTDIGEST_CORPORA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("corpora not found at %s (set LISTDIGEST_CORPORA to run): %v", dir, err)
	}
	return dir
}

// corpusFolders are the corpora with raw mail to parse.
var corpusFolders = []string{
	"stalwart-mail-parser", "ruby-mail-fixtures", "cpython-test_email", "patchwork-mbox",
	"hyperkitty-testdata", "perceval-mbox", "notmuch",
}

// isDataFile reports whether a corpus file holds mail rather than docs or ground truth.
func isDataFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, p := range []string{"readme", "license", "copying", "expected", "manifest"} {
		if strings.HasPrefix(base, p) {
			return false
		}
	}
	switch filepath.Ext(base) {
	case ".json", ".md", ".py", ".rb", ".sh":
		return false
	}
	return true
}

// splitMbox splits an mbox into messages at "From " lines that start the file or
// follow a blank line. Files that are not mboxes come back whole.
func splitMbox(data []byte) [][]byte {
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

// corpusMessages calls fn for every message in the corpora.
func corpusMessages(t *testing.T, fn func(name string, raw []byte)) {
	dir := corporaDir(t)
	for _, folder := range corpusFolders {
		root := filepath.Join(dir, folder)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isDataFile(path) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			msgs := splitMbox(data)
			for i, raw := range msgs {
				name := rel
				if len(msgs) > 1 {
					name = rel + "#" + strconv.Itoa(i)
				}
				fn(name, raw)
			}
			return nil
		})
		if err != nil {
			t.Errorf("walk %s: %v", root, err)
		}
	}
}

// TestCorpora parses every message of the shared corpora: none may panic, and each
// must yield a Message that keeps the invariants.
func TestCorpora(t *testing.T) {
	var n, withErr, synthetic int
	sources := map[string]int{}
	corpusMessages(t, func(name string, raw []byte) {
		n++
		m, err := mustParse(t, name, raw, testOpts())
		if e := checkInvariants(m); e != nil {
			t.Errorf("parse(%s): %v", name, e)
		}
		if err != nil {
			withErr++
		}
		if m.Synthetic {
			synthetic++
		}
		sources[m.TextSource]++
	})
	t.Logf("corpora: %d messages, %d with parse errors, %d synthetic ids, text sources %v", n, withErr, synthetic, sources)
	if n < 500 {
		t.Errorf("only %d corpus messages found; corpora incomplete?", n)
	}
}

// stalwartPart is the part of stalwart's expected-parse JSON that the agreement
// test reads.
type stalwartPart struct {
	Body map[string]json.RawMessage `json:"body"`
}

type stalwartExpect struct {
	TextBody []int          `json:"text_body"`
	Parts    []stalwartPart `json:"parts"`
}

// stalwartText returns stalwart's display text for a message: the first of its
// text_body parts that is text or HTML (HTML converted with our converter, since the
// comparison is about which part and how it is decoded, not about HTML rendering).
func stalwartText(e stalwartExpect) (string, bool) {
	for _, i := range e.TextBody {
		if i < 0 || i >= len(e.Parts) {
			continue
		}
		b := e.Parts[i].Body
		var s string
		if v, ok := b["Text"]; ok && json.Unmarshal(v, &s) == nil {
			return normalizeText(s, 2), true
		}
		if v, ok := b["Html"]; ok && json.Unmarshal(v, &s) == nil {
			return normalizeText(htmlToText(s), 1), true
		}
	}
	return "", false
}

// agreeText reports whether two texts agree once whitespace is normalised: equal, or
// sharing their first 200 characters (footer stripping and trailing junk may differ).
// A U+FFFD in want matches any character: stalwart marks bytes it could not decode
// that way, where we read them as windows-1252.
func agreeText(got, want string) bool {
	g := []rune(strings.Join(strings.Fields(got), " "))
	w := []rune(strings.Join(strings.Fields(want), " "))
	k := len(w)
	if len(g) != len(w) {
		k = min(200, len(w))
		if k == 0 || len(g) < k {
			return len(g) == len(w)
		}
	}
	for i := 0; i < k; i++ {
		if g[i] != w[i] && w[i] != '\uFFFD' {
			return false
		}
	}
	return true
}

// stalwartThreshold is the agreement below which TestStalwartAgreement fails; it
// sits just under the measured figure so that regressions show.
const stalwartThreshold = 0.85

// TestStalwartAgreement measures how often our Text agrees with the display text
// stalwart's mail-parser expects for its test messages.
func TestStalwartAgreement(t *testing.T) {
	dir := filepath.Join(corporaDir(t), "stalwart-mail-parser", "resources", "eml")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "[0-9][0-9][0-9].eml"))
	agree, total := 0, 0
	for _, f := range files {
		js, err := os.ReadFile(strings.TrimSuffix(f, ".eml") + ".json")
		if err != nil {
			continue
		}
		var e stalwartExpect
		if err := json.Unmarshal(js, &e); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := stalwartText(e)
		m, _ := mustParse(t, f, raw, testOpts())
		total++
		rel, _ := filepath.Rel(dir, f)
		if agreeText(m.Text, want) {
			agree++
			continue
		}
		t.Logf("disagree %s:\n  got  (%s) %.120q\n  want %.120q", rel, m.TextSource, m.Text, want)
	}
	if total == 0 {
		t.Skip("no stalwart messages with expected JSON found")
	}
	ratio := float64(agree) / float64(total)
	t.Logf("stalwart text-body agreement: %d/%d (%.1f%%)", agree, total, 100*ratio)
	if ratio < stalwartThreshold {
		t.Errorf("stalwart agreement %.1f%% is below the %.1f%% threshold", 100*ratio, 100*stalwartThreshold)
	}
}
