package mailparse

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that parse never panics, keeps the Message invariants (non-empty
// MessageID, valid UTF-8 everywhere, bounded text) and is deterministic. It is seeded
// with the fixtures; run it with go test -fuzz=FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"",
		"\x00",
		"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n\n--a--",
		"Subject: =?utf-8?B?4oI=?= =?x?Q?=FF?=\nIn-Reply-To: <a@b <c\n\n",
		"Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>=E9=\n</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		opts := testOpts()
		if len(raw)%7 == 0 {
			opts.MaxSize = int64(len(raw) / 2) // exercise the oversize path too
		}
		m := &Message{}
		_ = parse(raw, opts, m)
		if err := checkInvariants(m); err != nil {
			t.Fatalf("parse(%q): %v", raw, err)
		}
		again := &Message{}
		_ = parse(raw, opts, again)
		if again.MessageID != m.MessageID || again.Text != m.Text || again.Subject != m.Subject {
			t.Fatalf("parse(%q) is not deterministic: %q/%q vs %q/%q", raw, m.MessageID, m.Text, again.MessageID, again.Text)
		}
	})
}
