package thread

// Exported for the external test package, which runs the labelled corpus through the real
// SQLite store (store_eval_test.go) and must score it the same way.

// EvalMessage is a generated message with its true thread label.
type EvalMessage = corpusMsg

// EvalTraffic generates the labelled list-traffic corpus for a seed (98 days).
func EvalTraffic(seed uint64) []EvalMessage { return genTraffic(seed, corpusStart, 98) }

// Pairwise scores a grouping against the truth: precision, recall, F1 over message pairs.
func Pairwise(truth map[string]string, got map[string]int64) (precision, recall, f1 float64, summary string) {
	p := pairwise(truth, got)
	precision, recall, f1 = p.prf()
	return precision, recall, f1, p.String()
}
