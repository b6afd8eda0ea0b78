package archive

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tree writes files under dir; a name ending in "/" makes a directory.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func msg(subject string) string {
	return "From: jane@example.com\nSubject: " + subject + "\n\nbody\n"
}

// locations reads r to the end and lists Locations relative to dir, in order, with errors as
// "error: <text>".
func locations(t *testing.T, r Reader, dir string) []string {
	t.Helper()
	defer r.Close()
	var got []string
	for {
		it, err := r.Next()
		switch {
		case err == io.EOF:
			return got
		case err != nil:
			got = append(got, "error: "+strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
		default:
			rel, err := filepath.Rel(dir, it.Location)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, filepath.ToSlash(rel))
		}
	}
}

func TestOpen(t *testing.T) {
	mbox := "From a@example.com Mon Mar  3 10:00:00 2026\n" + msg("m1") + "\n" +
		"From b@example.com Mon Mar  3 11:00:00 2026\n" + msg("m2") + "\n"
	tests := []struct {
		name  string
		files map[string]string
		open  string // path to open, relative to the tree
		want  []string
	}{
		{
			name: "Maildir with Dovecot files and Maildir++ folder",
			files: map[string]string{
				"Mail/cur/1700000002.M1P1.host:2,S":     msg("c2"),
				"Mail/cur/1700000000.M1P1.host:2,S":     msg("c0"),
				"Mail/new/1700000001.M1P1.host":         msg("n1"),
				"Mail/tmp/1700000003.M1P1.host":         msg("unfinished"),
				"Mail/cur/.hidden":                      msg("hidden"),
				"Mail/dovecot-uidlist":                  "3 V1700000000 N4\n",
				"Mail/dovecot.index":                    "\x00\x01binary",
				"Mail/dovecot.index.log":                "\x00\x01binary",
				"Mail/dovecot-keywords":                 "0 $Forwarded\n",
				"Mail/subscriptions":                    "Sent\n",
				"Mail/.Sent/maildirfolder":              "",
				"Mail/.Sent/dovecot-uidlist":            "3 V1700000000 N1\n",
				"Mail/.Sent/cur/1700000005.M1P1.host:2": msg("sent"),
				"Mail/.Sent/tmp/":                       "",
				"Mail/courierimapkeywords/:list":        "Label1\n",
			},
			open: "Mail",
			want: []string{
				"Mail/cur/1700000000.M1P1.host:2,S",
				"Mail/new/1700000001.M1P1.host",
				"Mail/cur/1700000002.M1P1.host:2,S",
				"Mail/.Sent/cur/1700000005.M1P1.host:2",
			},
		},
		{
			name: "nested directory of mboxes, messages and Maildirs",
			files: map[string]string{
				"lists/b.mbox":                     mbox,
				"lists/a/hit.eml":                  msg("hit"),
				"lists/a/notes.txt":                "Reminder for Monday\n",
				"lists/a/old.mbox.gz":              "", // replaced below by gzip data
				"lists/c/Maildir/new/1700000000.x": msg("md"),
				"lists/c/Maildir/cur/":             "",
				"lists/.git/config":                "[core]\n",
				"lists/.DS_Store":                  "\x00\x00",
				"lists/empty.eml":                  "",
			},
			open: "lists",
			want: []string{
				"lists/a/hit.eml",
				`error: lists/a/notes.txt: not an mbox, Maildir or message file (first line "Reminder for Monday")`,
				"lists/a/old.mbox.gz#1",
				"lists/a/old.mbox.gz#2",
				"lists/b.mbox#1",
				"lists/b.mbox#2",
				"lists/c/Maildir/new/1700000000.x",
				"error: lists/empty.eml: not an mbox, Maildir or message file (empty file)",
			},
		},
		{
			name:  "single message with a From_ line is one message",
			files: map[string]string{"x.eml": "From a Mon Mar  3 10:00:00 2026\n" + msg("patch") + "\nFrom 434fe33 Mon Sep 17 00:00:00 2001\nFrom: b\n"},
			open:  "x.eml",
			want:  []string{"x.eml"},
		},
		{
			name:  "Maildir message starting with a From_ line",
			files: map[string]string{"md/new/1": "From a Mon Mar  3 10:00:00 2026\n" + msg("x"), "md/new/2": ""},
			open:  "md",
			want:  []string{"md/new/1", "error: md/new/2: empty message"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tree(t, dir, tt.files)
			if _, ok := tt.files["lists/a/old.mbox.gz"]; ok {
				writeGzip(t, filepath.Join(dir, "lists/a/old.mbox.gz"), mbox)
			}
			r, err := Open(filepath.Join(dir, tt.open))
			if err != nil {
				t.Fatalf("Open(%s) = %v", tt.open, err)
			}
			got := locations(t, r, dir)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("Open(%s) read:\n got %q\nwant %q", tt.open, got, tt.want)
			}
		})
	}
}

func writeGzip(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if _, err := io.WriteString(zw, content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"empty": "", "bin": "\x89PNG\r\n\x1a\n", "emptydir/": "", "junk/.x": "1"})
	tests := []struct {
		path string
		want string
	}{
		{filepath.Join("testdata", "notes.txt"), `testdata/notes.txt: not an mbox, Maildir or message file (first line "This is not mail.")`},
		{filepath.Join(dir, "empty"), dir + "/empty: not an mbox, Maildir or message file (empty file)"},
		{filepath.Join(dir, "bin"), dir + `/bin: not an mbox, Maildir or message file (first line "\x89PNG")`},
		{filepath.Join(dir, "emptydir"), dir + "/emptydir: no Maildir or message files found"},
		{filepath.Join(dir, "junk"), dir + "/junk: no Maildir or message files found"},
		{filepath.Join(dir, "missing"), "stat " + dir + "/missing: no such file or directory"},
		{"/dev/null", "/dev/null: not a regular file or directory"},
	}
	for _, tt := range tests {
		r, err := Open(tt.path)
		if err == nil {
			r.Close()
			t.Errorf("Open(%s) = nil error; want %q", tt.path, tt.want)
			continue
		}
		if filepath.Separator == '/' && err.Error() != tt.want {
			t.Errorf("Open(%s) = %q; want %q", tt.path, err, tt.want)
		}
	}
	if _, err := Open(filepath.Join("testdata", "notes.txt")); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Open(notes.txt) = %v; want it to wrap ErrUnknownFormat", err)
	}
}

func TestOpenSingle(t *testing.T) {
	path := filepath.Join("testdata", "single.eml")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	items, errs := readAll(t, r)
	if len(items) != 1 || len(errs) > 0 {
		t.Fatalf("Open(%s) gave %d messages, errors %v; want 1", path, len(items), errs)
	}
	want, _ := os.ReadFile(path)
	if it := items[0]; string(it.Raw) != string(want) || it.Location != path || !it.Arrival.Equal(fi.ModTime()) {
		t.Errorf("Open(%s) = %q at %s, %v; want the file as is, at its path and mtime", path, it.Raw, it.Location, it.Arrival)
	}
}

// TestOpenAllProgress reads several paths in argument order while another goroutine polls
// Progress, as a progress bar would (the race detector checks this).
func TestOpenAllProgress(t *testing.T) {
	dir := t.TempDir()
	var mbox strings.Builder
	for i := range 200 {
		fmt.Fprintf(&mbox, "From a Mon Mar  3 10:00:00 2026\n%s\n", msg(fmt.Sprint(i)))
	}
	tree(t, dir, map[string]string{
		"z.mbox":      mbox.String(),
		"a/cur/1":     msg("1"),
		"a/new/2":     msg("2"),
		"single.eml":  msg("s"),
		"other/x.txt": msg("x"),
	})
	mtime := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "a/cur/1"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, f := range []string{"z.mbox", "a/cur/1", "a/new/2", "single.eml", "other/x.txt"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want += fi.Size()
	}
	paths := []string{filepath.Join(dir, "z.mbox"), filepath.Join(dir, "a"), filepath.Join(dir, "single.eml"), filepath.Join(dir, "other")}
	r, err := OpenAll(paths)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				if done, total := r.Progress(); done > total {
					t.Errorf("Progress() = %d, %d; done beyond total", done, total)
					return
				}
			}
		}
	})
	var last int64
	var locs []string
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, it.Location)
		done, total := r.Progress()
		if done < last || total != want {
			t.Errorf("Progress() = %d, %d after %d; want non-decreasing, total %d", done, total, last, want)
		}
		last = done
		if strings.HasSuffix(it.Location, "cur/1") && !it.Arrival.Equal(mtime) {
			t.Errorf("%s Arrival = %v; want mtime %v", it.Location, it.Arrival, mtime)
		}
	}
	close(stop)
	wg.Wait()
	if done, total := r.Progress(); done != total || total != want {
		t.Errorf("Progress() at EOF = %d, %d; want %d, %d", done, total, want, want)
	}
	if len(locs) != 204 || locs[0] != paths[0]+"#1" || locs[200] != filepath.Join(dir, "a/cur/1") || locs[203] != filepath.Join(dir, "other/x.txt") {
		t.Errorf("OpenAll read %d messages in the wrong order: first %q, 201st %q, last %q", len(locs), locs[0], locs[200], locs[len(locs)-1])
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next() after Close = %v; want io.EOF", err)
	}
}
