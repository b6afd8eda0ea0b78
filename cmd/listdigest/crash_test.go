package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"listdigest/internal/dovecottest"
	"listdigest/internal/store"
)

// buildBinary builds the listdigest command once per test or benchmark.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "listdigest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// syncConfig writes a configuration for one mailbox on d over implicit TLS.
func syncConfig(tb testing.TB, d *dovecottest.Server, db string) string {
	tb.Helper()
	dir := tb.TempDir()
	pw := filepath.Join(dir, "password")
	os.WriteFile(pw, []byte(d.Password+"\n"), 0o600)
	cfg := filepath.Join(dir, "listdigest.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`database:
  path: %s
mailboxes:
  - name: list
    host: 127.0.0.1
    port: %d
    tls: implicit
    tls_ca_file: %s
    username: %s
    password_file: %s
    idle: false
http:
  listen: none
`, db, d.TLSPort, filepath.Join(d.Dir, "cert.pem"), d.User, pw)), 0o600)
	return cfg
}

// TestKilledMidSyncLosesNothing SIGKILLs `listdigest sync --once` at random moments of a
// large first sync, restarting it each time, then lets one run finish: every message must be
// stored exactly once and the database must pass SQLite's integrity check. The seed is logged;
// LISTDIGEST_CRASH_SEED repeats a run, LISTDIGEST_CRASH_MESSAGES changes the size (default
// 20,000; 2,000 with -short).
func TestKilledMidSyncLosesNothing(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	if v := os.Getenv("LISTDIGEST_CRASH_MESSAGES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("LISTDIGEST_CRASH_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (LISTDIGEST_CRASH_SEED=%d repeats this run), %d messages", seed, seed, n)
	rng := rand.New(rand.NewPCG(seed, 1))

	d := dovecottest.Start(t)
	for start := 0; start < n; start += 2000 {
		var msgs [][]byte
		for i := start; i < min(start+2000, n); i++ {
			msgs = append(msgs, dovecottest.ListMessage(i))
		}
		d.Deliver(t, "INBOX", msgs...)
	}
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	cfg := syncConfig(t, d, db)

	stored := func() int64 {
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatalf("open the database after a kill: %v", err)
		}
		defer st.Close()
		c, err := st.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c.Messages
	}

	// Kill points between 50 ms (opening the database, logging in) and 1.5 s (a few batches
	// stored, the next in flight): each run gets a little further, so 20 runs die mid-sync
	// before one finishes, however fast the machine.
	kills, finished := 0, false
	for round := 0; round < 20 && !finished; round++ {
		cmd := exec.Command(bin, "sync", "--once", "--config", cfg)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := 50*time.Millisecond + time.Duration(rng.Int64N(int64(1450*time.Millisecond)))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("round %d: sync failed on its own: %v", round, err)
			}
			finished = true // it finished before its kill point
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
		t.Logf("round %d: killed after %v: %d stored", round, delay.Round(time.Millisecond), stored())
	}
	if kills < 5 {
		t.Errorf("only %d of the runs were killed mid-sync; the test did not test much", kills)
	}
	out, err := exec.Command(bin, "sync", "--once", "--config", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("final sync: %v\n%s", err, out)
	}
	t.Logf("final sync: %s", out)

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var messages, locations, distinctUIDs, distinctIDs int64
	var integrity string
	row := st.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM locations),
		(SELECT COUNT(DISTINCT uid) FROM locations), (SELECT COUNT(DISTINCT message_id) FROM messages)`)
	if err := row.Scan(&messages, &locations, &distinctUIDs, &distinctIDs); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
	if messages != int64(n) || distinctIDs != int64(n) || locations != int64(n) || distinctUIDs != int64(n) {
		t.Errorf("after %d kills: %d messages (%d distinct ids), %d locations (%d distinct UIDs); want each %d: every message stored exactly once",
			kills, messages, distinctIDs, locations, distinctUIDs, n)
	}
	cp, err := st.Checkpoint(context.Background(), "list", "INBOX")
	if err != nil || cp.LastUID != uint32(n) {
		t.Errorf("checkpoint = %+v, %v; want UID %d", cp, err, n)
	}
}
