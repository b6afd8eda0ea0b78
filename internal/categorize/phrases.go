package categorize

import "slices"

// phraseSet finds fixed phrases in text by their word keys: one pass over the words with
// a map lookup each, instead of a substring search per phrase. Matching by words also
// makes "auto-reply", "auto reply" and "Auto Reply" one phrase.
type phraseSet struct {
	phrases []phrase
	byFirst keyTable // key of a phrase's first word → index into starts
	starts  [][]int  // phrase indices by first word, longest first
}

type phrase struct {
	text string
	keys []uint64
}

func newPhraseSet(texts ...string) phraseSet {
	var ps phraseSet
	for _, t := range texts {
		var keys []uint64
		for _, tok := range tokenize(nil, t, 20) {
			keys = append(keys, tok.key)
		}
		ps.phrases = append(ps.phrases, phrase{text: t, keys: keys})
	}
	ps.byFirst = newKeyTable(len(ps.phrases))
	for i, p := range ps.phrases {
		s := ps.byFirst.get(p.keys[0])
		if s < 0 {
			s = int32(len(ps.starts))
			ps.starts = append(ps.starts, nil)
			ps.byFirst.put(p.keys[0], s)
		}
		ps.starts[s] = append(ps.starts[s], i)
	}
	for _, idx := range ps.starts {
		slices.SortStableFunc(idx, func(a, b int) int { return len(ps.phrases[b].keys) - len(ps.phrases[a].keys) })
	}
	return ps
}

// match returns the longest phrase starting at tokens[i], or -1.
func (ps phraseSet) match(tokens []token, i int) int {
	s := ps.byFirst.get(tokens[i].key)
	if s < 0 {
		return -1
	}
	for _, p := range ps.starts[s] {
		keys := ps.phrases[p].keys
		if i+len(keys) > len(tokens) {
			continue
		}
		if matchKeys(tokens[i:i+len(keys)], keys) {
			return p
		}
	}
	return -1
}

func matchKeys(tokens []token, keys []uint64) bool {
	for j, k := range keys {
		if tokens[j].key != k {
			return false
		}
	}
	return true
}

// headWords are how many words of a text the phrase checks read: the opening of an
// auto-reply says what it is.
const headWords = 80
