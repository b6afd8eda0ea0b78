package metrics

import (
	"bytes"
	"math"
	"os"
	"runtime"
	rtmetrics "runtime/metrics"
	"strconv"
	"time"
)

// processStart is taken at package initialisation, which runs before main:
// close enough to the real start for "uptime" and restart detection, and it
// works on every OS without parsing /proc/self/stat and the boot time.
var processStart = time.Now()

// RegisterProcess registers the process_* and go_* metrics that dashboards
// and alerts written for client_golang expect, under the same names. The
// /proc-based ones are skipped where /proc is unavailable (non-Linux).
func (r *Registry) RegisterProcess() {
	start := float64(processStart.UnixNano()) / 1e9
	r.GaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		func() float64 { return start })
	if _, err := residentBytes(); err == nil {
		r.GaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.", orNaN(residentBytes))
	}
	if _, err := openFDs(); err == nil {
		r.GaugeFunc("process_open_fds", "Number of open file descriptors.", orNaN(openFDs))
	}
	r.GaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		func() float64 { return float64(runtime.NumGoroutine()) })
	// runtime/metrics rather than ReadMemStats, which stops the world.
	r.GaugeFunc("go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and still in use.", func() float64 {
		s := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		rtmetrics.Read(s)
		if s[0].Value.Kind() != rtmetrics.KindUint64 {
			return math.NaN()
		}
		return float64(s[0].Value.Uint64())
	})
	r.Gauge("go_info", "Information about the Go environment.", "version").Set(1, runtime.Version())
}

// orNaN turns a read error at scrape time into NaN, which Prometheus stores
// as a gap rather than a misleading zero.
func orNaN(fn func() (float64, error)) func() float64 {
	return func() float64 {
		v, err := fn()
		if err != nil {
			return math.NaN()
		}
		return v
	}
}

func residentBytes() (float64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(b) // size resident shared ..., in pages
	if len(f) < 2 {
		return 0, strconv.ErrSyntax
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	return float64(pages) * float64(os.Getpagesize()), err
}

func openFDs() (float64, error) {
	d, err := os.ReadDir("/proc/self/fd")
	return float64(len(d)), err
}
