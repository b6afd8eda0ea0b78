package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagLifecycleAndResurfacing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	mbox := writeFile(t, filepath.Join(dir, "lm_net.mbox"), lmnetMbox)
	if code, _, errOut := runCLI(t, "import", "--db", db, mbox); code != exitOK {
		t.Fatal(errOut)
	}
	// Flag by Message-ID (with brackets), with a note and a reminder on Wednesday.
	code, out, errOut := runCLI(t, "flag", "<target1@school.example.edu>", "--db", db, "--note", "want the HIT for Year 5", "--remind", "2026-03-04")
	if code != exitOK || !strings.Contains(out, "flagged") {
		t.Fatalf("flag: code %d, %s %s", code, out, errOut)
	}
	th := threadsByKeyword(t, db)["TARGET"]
	if th["flagged"] != true || th["flag_note"] != "want the HIT for Year 5" || th["remind_at"] == nil {
		t.Errorf("threads --json after flag = %v", th)
	}
	if code, out, _ := runCLI(t, "flags", "--db", db); code != exitOK || !strings.Contains(out, "want the HIT") || !strings.Contains(out, "HIT posted") {
		t.Errorf("flags: code %d\n%s", code, out)
	}

	preview := func(day string, zone ...string) string {
		t.Helper()
		tz := "America/New_York"
		if len(zone) > 0 {
			tz = zone[0]
		}
		code, out, errOut := runCLI(t, "digest", "--preview", "--db", db, "--date", day, "--tz", tz)
		if code != exitOK {
			t.Fatalf("preview %s: %s", day, errOut)
		}
		return strings.Join(strings.Fields(out), " ") // phrases may wrap across lines
	}
	// Thursday: no activity in the thread, no HIT, no reminder: the flagged thread is not repeated.
	if out := preview("2026-03-05"); strings.Contains(out, "Follow-ups") {
		t.Errorf("Thursday's digest repeats the flagged thread:\n%s", out)
	}
	// Wednesday: the reminder brings it back. With --db alone a reminder day is in the local
	// reader's zone (the machine's), so that day is previewed in it.
	if out := preview("2026-03-04", "Local"); !strings.Contains(out, "Follow-ups") || !strings.Contains(out, "of your reminder") ||
		!strings.Contains(out, "want the HIT for Year 5") {
		t.Errorf("Wednesday's digest lacks the reminded follow-up:\n%s", out)
	}
	// Friday: the HIT answering it brings it back.
	if out := preview("2026-03-06"); !strings.Contains(out, "Follow-ups") || !strings.Contains(out, "a HIT answering it was posted") {
		t.Errorf("Friday's digest lacks the follow-up brought back by the HIT:\n%s", out)
	}
	// Done ends it, even on a day with a HIT.
	if code, _, errOut := runCLI(t, "done", th["id"].(string), "--db", db); code != exitOK {
		t.Fatal(errOut)
	}
	if out := preview("2026-03-06"); strings.Contains(out, "Follow-ups") {
		t.Errorf("a done thread came back:\n%s", out)
	}
	if code, out, _ := runCLI(t, "flags", "--all", "--db", db); code != exitOK || !strings.Contains(out, "done") {
		t.Errorf("flags --all: %s", out)
	}
	// Unflag, and errors a reader can act on.
	if code, _, _ := runCLI(t, "unflag", th["id"].(string), "--db", db); code != exitOK {
		t.Error("unflag failed")
	}
	if th := threadsByKeyword(t, db)["TARGET"]; th["flagged"] != false {
		t.Errorf("after unflag: %v", th)
	}
	if code, _, errOut := runCLI(t, "flag", "no-such-thread", "--db", db); code == exitOK || !strings.Contains(errOut, "neither a thread id nor a stored Message-ID") {
		t.Errorf("flag of an unknown thread: code %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "flag", th["id"].(string), "--db", db, "--remind", "soon"); code != exitUsage || !strings.Contains(errOut, "3d") {
		t.Errorf("bad --remind: code %d, %s", code, errOut)
	}
}
