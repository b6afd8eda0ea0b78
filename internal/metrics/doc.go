// Package metrics exposes the daemon's counters, gauges and histograms in the
// Prometheus text exposition format (version 0.0.4).
//
// It exists instead of client_golang because a dozen metrics do not warrant
// that module's dependency tree (protobuf, procfs, several x/ modules), and
// the text format is small, plain and has been stable for years: HELP and
// TYPE comments followed by "name{labels} value" lines. What we give up —
// summaries, exemplars, the protobuf and OpenMetrics formats, gzip — nothing
// here needs.
//
// Metrics are registered once, at start-up, on a Registry; registration
// mistakes (bad names, duplicates, a counter not ending in _total) panic
// because they are programming errors that a test or the first run shows.
// Recording is safe from any goroutine.
package metrics
