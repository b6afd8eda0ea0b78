package thread

import (
	"fmt"
	"slices"
	"strings"
)

// Group threads msgs (sorted by date first) with a MemIndex and returns message id -> thread
// number; used by evaluation and benchmarks. Copies sharing a Message-ID (cross-posts) are one
// message. Thread numbers are small integers with no meaning beyond grouping.
func Group(msgs []Message) (map[string]int64, error) {
	x := NewMemIndex()
	if err := GroupInto(x, msgs, nil); err != nil {
		return nil, err
	}
	out := make(map[string]int64, x.Len())
	for id := range x.msgs {
		out[id], _ = x.Thread(id)
	}
	return out, nil
}

// GroupInto places msgs, sorted by date (then Message-ID, so the result is deterministic), one
// by one into x as the store does: Place, then merge the threads the Decision names and add the
// message to the lowest-numbered one, or to a new thread. observe, when not nil, sees each
// Decision (evaluation uses it to explain mistakes).
func GroupInto(x *MemIndex, msgs []Message, observe func(Message, Decision)) error {
	sorted := slices.Clone(msgs)
	slices.SortStableFunc(sorted, func(a, b Message) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, m := range sorted {
		d, err := Place(x, m)
		if err != nil {
			return fmt.Errorf("place <%s>: %w", m.ID, err)
		}
		if observe != nil {
			observe(m, d)
		}
		if len(d.Threads) == 0 {
			x.Add(m, x.NewThread())
			continue
		}
		x.Merge(d.Threads[0], d.Threads[1:]...)
		x.Add(m, d.Threads[0])
	}
	return nil
}
