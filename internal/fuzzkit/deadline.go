package fuzzkit

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// Deadline guards one fuzz execution against hangs: go test -fuzz has no per-input timeout,
// so an endless loop would only show as "execs: N (0/sec)" until -fuzztime ends, with the
// input lost. Call it first in the fuzz function, and call the returned stop when the
// execution ends (defer it):
//
//	defer fuzzkit.Deadline(5*time.Second, "FuzzX", input)()
//
// If stop is not called within d, the process prints every goroutine's stack and crashes,
// which the fuzzing engine reports as a failure and saves under testdata/fuzz. d must be
// generous: workers share the CPU and coverage instrumentation slows code down.
func Deadline(d time.Duration, target string, input any) (stop func()) {
	t := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		fmt.Fprintf(os.Stderr, "%s: one execution took over %v on input %.300q\n%s\n", target, d, fmt.Sprint(input), buf)
		panic(fmt.Sprintf("%s: execution over %v (hang)", target, d))
	})
	return func() { t.Stop() }
}
