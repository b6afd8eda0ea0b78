package categorize

// keyTable maps 64-bit keys to int32 values by open addressing. The keys are already
// hashes (of words), so their low bits index the table directly; a lookup is a few
// instructions, which matters because every word of every message is looked up.
// It is built once and read-only afterwards.
type keyTable struct {
	keys []uint64
	vals []int32 // -1: empty slot
	mask uint64
}

// newKeyTable returns a table for up to n keys, at most half full.
func newKeyTable(n int) keyTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	t := keyTable{keys: make([]uint64, size), vals: make([]int32, size), mask: uint64(size - 1)}
	for i := range t.vals {
		t.vals[i] = -1
	}
	return t
}

// put adds or replaces key. The table must not be full.
func (t *keyTable) put(key uint64, val int32) {
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		if t.vals[i] < 0 || t.keys[i] == key {
			t.keys[i], t.vals[i] = key, val
			return
		}
	}
}

// get returns the value of key, or -1.
func (t *keyTable) get(key uint64) int32 {
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		v := t.vals[i]
		if v < 0 || t.keys[i] == key {
			return v
		}
	}
}
