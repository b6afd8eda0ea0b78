package digest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff.\ngot:\n%s", path, got)
	}
}

// sentAt is the fixed clock of the golden messages: a minute after the period ends.
func sentAt(in Input) time.Time {
	if in.To.IsZero() {
		return time.Date(2026, time.March, 5, 7, 1, 0, 0, time.UTC)
	}
	return in.To.Add(time.Minute)
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		eml  bool
	}{
		{"normal", normalDay(), true},
		{"normal-100", withBudget(normalDay(), 100), false},
		{"normal-2000", withBudget(normalDay(), 2000), false},
		{"busy-100", busyDay(60, 100), false},
		{"busy-476", busyDay(60, 476), true},
		{"busy-2000", busyDay(60, 2000), false},
		{"empty", emptyDay(), true},
		{"catchup", catchUpDay(), false},
		{"hostile", hostileDay(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustCompose(t, tt.in)
			golden(t, tt.name+".golden.txt", []byte("Subject: "+d.Subject+"\n\n"+d.Text))
			golden(t, tt.name+".golden.html", []byte(d.HTML))
			if !tt.eml {
				return
			}
			msg, err := Message(d, "listdigest <digest@listdigest.example>", "Jo Reader <jo@school.example.edu>",
				"digest."+tt.name+"@listdigest.example", sentAt(tt.in))
			if err != nil {
				t.Fatalf("Message() error = %v", err)
			}
			golden(t, tt.name+".golden.eml", msg)
		})
	}
}

func withBudget(in Input, words int) Input {
	in.Reader.BudgetWords = words
	return in
}

// TestGoldenFilesAreUsed fails on a golden file no test writes any more.
func TestGoldenFilesAreUsed(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden.*"))
	if len(files) == 0 && !*update {
		t.Fatal("no golden files in testdata/; run go test -update")
	}
	known := "normal normal-100 normal-2000 busy-100 busy-476 busy-2000 empty catchup hostile"
	for _, f := range files {
		base, _, _ := strings.Cut(filepath.Base(f), ".golden.")
		if !strings.Contains(" "+known+" ", " "+base+" ") {
			t.Errorf("stale golden file %s", f)
		}
	}
}
