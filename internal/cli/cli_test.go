package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs a command line in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUnknownCommandAndHelp(t *testing.T) {
	if code, _, errOut := runCLI(t, "frobnicate"); code != exitUsage || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("frobnicate: code %d, stderr %q; want 2 naming the command", code, errOut)
	}
	if code, out, _ := runCLI(t, "help"); code != exitOK || !strings.Contains(out, "check-config") {
		t.Errorf("help: code %d, stdout %q", code, out)
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	pw := writeFile(t, filepath.Join(dir, "pw"), "secret\n")
	good := writeFile(t, filepath.Join(dir, "good.yaml"), fmt.Sprintf(`database:
  path: %s/db.sqlite
mailboxes:
  - name: school
    host: imap.example.edu
    username: librarian@school.example.edu
    password_file: %s
`, dir, pw))
	code, out, errOut := runCLI(t, "check-config", "--config", good)
	if code != exitOK || !strings.Contains(out, "OK") {
		t.Errorf("check-config good: code %d, stdout %q, stderr %q", code, out, errOut)
	}

	bad := writeFile(t, filepath.Join(dir, "bad.yaml"), `mailboxes:
  - name: school
    host: imap.example.edu
    tls: none
    username: librarian
    pasword_file: /x
`)
	code, _, errOut = runCLI(t, "check-config", "--config", bad)
	if code != exitUsage {
		t.Errorf("check-config bad: code %d; want 2", code)
	}
	if !strings.Contains(errOut, "pasword_file") {
		t.Errorf("check-config bad: stderr %q does not name the misspelt key", errOut)
	}

	code, _, errOut = runCLI(t, "check-config", "--config", filepath.Join(dir, "missing.yaml"))
	if code != exitUsage || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("check-config missing: code %d, stderr %q; want 2 naming the file", code, errOut)
	}
}

const sampleMbox = `From lib1@school.example.edu Mon Mar  2 09:00:00 2026
From: Ann Reader <lib1@school.example.edu>
Sender: LM_NET <LM_NET@LISTSERV.SYR.EDU>
List-Id: <lm_net.listserv.syr.edu>
Subject: TARGET-> Year 5 books on resilience
Message-ID: <t1@school.example.edu>
Date: Mon, 2 Mar 2026 09:00:00 -0500

Looking for picture books on resilience. I'll post a HIT. TIA.

From lib2@school.example.edu Mon Mar  2 10:00:00 2026
From: Ben Shelver <lib2@school.example.edu>
Sender: LM_NET <LM_NET@LISTSERV.SYR.EDU>
List-Id: <lm_net.listserv.syr.edu>
Subject: Re: TARGET-> Year 5 books on resilience
Message-ID: <r1@school.example.edu>
In-Reply-To: <t1@school.example.edu>
References: <t1@school.example.edu>
Date: Mon, 2 Mar 2026 10:00:00 -0500

Try "The Invisible String".

From nobody Mon Mar  2 11:00:00 2026
Subject: broken
Content-Type: multipart/mixed; boundary="never"
Content-Transfer-Encoding: x-made-up

--never
Content-Type: text/plain; charset=x-klingon

qapla
`

func TestImportThreadsAndMessages(t *testing.T) {
	dir := t.TempDir()
	mbox := writeFile(t, filepath.Join(dir, "lm_net.mbox"), sampleMbox)
	db := filepath.Join(dir, "l.db")

	code, out, errOut := runCLI(t, "import", "--db", db, mbox)
	if code != exitOK {
		t.Fatalf("import: code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(out, "imported 3 new") {
		t.Errorf("import output %q; want 3 new", out)
	}
	// Importing again stores nothing twice.
	if _, out, _ = runCLI(t, "import", "--db", db, mbox); !strings.Contains(out, "imported 0 new, 3 already stored") {
		t.Errorf("second import output %q; want 0 new, 3 already stored", out)
	}
	fi, err := os.Stat(db)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	code, out, _ = runCLI(t, "threads", "--json", "--db", db)
	if code != exitOK {
		t.Fatalf("threads: code %d", code)
	}
	var threads []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var th map[string]any
		if err := json.Unmarshal(sc.Bytes(), &th); err != nil {
			t.Fatalf("threads line %q: %v", sc.Text(), err)
		}
		threads = append(threads, th)
	}
	if len(threads) != 2 {
		t.Fatalf("threads = %d; want 2 (the TARGET with its reply, and the broken message)\n%s", len(threads), out)
	}
	for _, key := range []string{"id", "subject", "list_ids", "message_ids", "first_at", "last_at", "category", "flagged", "answers", "answered_by"} {
		if _, ok := threads[0][key]; !ok {
			t.Errorf("thread JSON lacks %q: %v", key, threads[0])
		}
	}
	var th map[string]any
	for _, x := range threads {
		if strings.HasPrefix(x["subject"].(string), "TARGET->") {
			th = x
		}
	}
	if th == nil {
		t.Fatalf("no TARGET thread in %s", out)
	}
	ids := fmt.Sprint(th["message_ids"])
	if ids != "[<t1@school.example.edu> <r1@school.example.edu>]" {
		t.Errorf("message_ids = %s; want the TARGET then its reply, with brackets", ids)
	}
	if fmt.Sprint(th["list_ids"]) != "[lm_net.listserv.syr.edu]" || th["category"] != "book-request" || th["answers"] != nil || th["flagged"] != false {
		t.Errorf("thread = %v", th)
	}
	if _, err := time.Parse(time.RFC3339, th["first_at"].(string)); err != nil {
		t.Errorf("first_at %v is not RFC 3339", th["first_at"])
	}

	code, out, _ = runCLI(t, "messages", "--errors", "--db", db)
	if code != exitOK || !strings.Contains(out, "error:") || !strings.Contains(out, "lm_net.mbox#3") {
		t.Errorf("messages --errors: code %d, output %q; want the broken message with its error and location", code, out)
	}

	code, out, errOut = runCLI(t, "reindex", "--db", db)
	if code != exitOK || !strings.Contains(out, "reindexed 3 messages into 2 threads") {
		t.Errorf("reindex: code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestImportNeedsPaths(t *testing.T) {
	code, _, errOut := runCLI(t, "import", "--db", filepath.Join(t.TempDir(), "x.db"))
	if code != exitUsage || !strings.Contains(errOut, "PATH") {
		t.Errorf("import without paths: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "import", "--db", filepath.Join(t.TempDir(), "x.db"), "/nonexistent/archive.mbox")
	if code != exitFailure || !strings.Contains(errOut, "/nonexistent/archive.mbox") {
		t.Errorf("import of a missing file: code %d, stderr %q; want 1 naming the path", code, errOut)
	}
}

func sleepBriefly() { time.Sleep(20 * time.Millisecond) }

func TestSampleWritesMaildirAndMbox(t *testing.T) {
	dir := t.TempDir()
	md, mb, db := filepath.Join(dir, "Maildir"), filepath.Join(dir, "week.mbox"), filepath.Join(dir, "s.db")
	if code, _, errOut := runCLI(t, "sample", "--maildir", md, "--messages", "50", "--seed", "7"); code != exitOK || !strings.Contains(errOut, "wrote 50 messages") {
		t.Fatalf("sample --maildir: code %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "sample", "--mbox", mb); code != exitOK || !strings.Contains(errOut, "wrote ") {
		t.Fatalf("sample --mbox: code %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "sample", "--mbox", mb); code != exitUsage && code != exitFailure || !strings.Contains(errOut, "must not exist") {
		t.Errorf("sample over an existing mbox: code %d, %s; want a refusal", code, errOut)
	}
	if code, _, errOut := runCLI(t, "sample", "--maildir", md, "--mbox", mb); code != exitUsage {
		t.Errorf("sample with both outputs: code %d, %s; want 2", code, errOut)
	}
	// What it writes is mail listdigest reads back whole: every message stored and parsed.
	code, out, errOut := runCLI(t, "import", "--db", db, md, mb)
	if code != exitOK {
		t.Fatalf("import of the samples: code %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "messages", "--errors", "--db", db); code != exitOK || strings.Count(out, "\n") > 1 {
		t.Errorf("sample mail that did not parse:\n%s", out)
	}
	if code, out, _ := runCLI(t, "status", "--db", db); code != exitOK || !strings.Contains(out, "stored unparsed") || strings.Contains(out, " 0 messages") {
		t.Errorf("status after importing the samples: code %d\n%s", code, out)
	}
}
