package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"listdigest/internal/dovecottest"
)

// BenchmarkInitialSync measures what a user waits for on day one: the listdigest binary's
// first `sync --once` of a list folder in a real Dovecot, over implicit TLS, into an empty
// database. It reports messages/s, MB/s and the peak RSS of the listdigest process (not the
// test's). Rerun with
//
//	LISTDIGEST_BENCH_MESSAGES=20000 go test -run '^$' -bench InitialSync -benchtime 1x ./cmd/listdigest
//
// Comparing RSS at 5,000 and 20,000 messages shows whether memory stays flat as the mailbox grows.
func BenchmarkInitialSync(b *testing.B) {
	n := 20000
	if v := os.Getenv("LISTDIGEST_BENCH_MESSAGES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("LISTDIGEST_BENCH_MESSAGES=%q: %v", v, err)
		}
	}
	d := dovecottest.Start(b)
	var bytes int64
	for start := 0; start < n; start += 2000 {
		var msgs [][]byte
		for i := start; i < min(start+2000, n); i++ {
			m := dovecottest.ListMessage(i)
			bytes += int64(len(m))
			msgs = append(msgs, m)
		}
		d.Deliver(b, "INBOX", msgs...)
	}

	dir := b.TempDir()
	bin := buildBinary(b)
	db := filepath.Join(dir, "bench.db")
	if keep := os.Getenv("LISTDIGEST_BENCH_DB"); keep != "" {
		db = keep // keep the database for inspection
	}
	cfg := syncConfig(b, d, db)

	var elapsed time.Duration
	var peakKB int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range []string{db, db + "-wal", db + "-shm"} {
			os.Remove(f)
		}
		cmd := exec.Command(bin, "sync", "--once", "--config", cfg)
		cmd.Env = append(os.Environ(), "LISTDIGEST_CPUPROFILE="+os.Getenv("LISTDIGEST_BENCH_CPUPROFILE"), "GODEBUG="+os.Getenv("LISTDIGEST_BENCH_GODEBUG"))
		start := time.Now()
		out, err := cmd.CombinedOutput()
		elapsed += time.Since(start)
		if err != nil {
			b.Fatalf("listdigest sync: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakKB = max(peakKB, ru.Maxrss)
		}
		if i == 0 {
			b.Logf("%s", out)
		}
	}
	var dbBytes int64
	for _, f := range []string{db, db + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			dbBytes += fi.Size()
		}
	}
	sec := elapsed.Seconds() / float64(b.N)
	b.ReportMetric(float64(dbBytes)/1e6, "db-MB")
	b.ReportMetric(float64(n)/sec, "msgs/s")
	b.ReportMetric(float64(bytes)/1e6/sec, "MB/s")
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
	b.ReportMetric(sec, "s/sync")
}
