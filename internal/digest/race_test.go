//go:build race

package digest

// raceEnabled scales the randomised tests down under the race detector: the package runs
// on one goroutine, so the detector has nothing to find and only slows them tenfold.
const raceEnabled = true
