package categorize

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"sync"
)

// seedFS holds the seed training set: one JSON Example per line, one file per category.
// The examples were written for this project in the voice of list members; the held-out
// evaluation set in testdata/ is separate and never trained on.
//
//go:embed seed/*.jsonl
var seedFS embed.FS

// seedExamples parses the embedded set once; it is immutable afterwards.
var seedExamples = sync.OnceValues(func() ([]Example, error) {
	entries, err := seedFS.ReadDir("seed")
	if err != nil {
		return nil, err
	}
	var all []Example
	for _, e := range entries { // ReadDir sorts by name, so training order is fixed
		name := path.Join("seed", e.Name())
		data, err := seedFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		exs, err := readExamples(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, exs...)
	}
	return all, nil
})

// SeedExamples returns a copy of the embedded training set.
func SeedExamples() []Example {
	exs, err := seedExamples()
	if err != nil {
		// The set is compiled in and checked by the tests; failing here is a build defect.
		panic("categorize: embedded seed set: " + err.Error())
	}
	return slices.Clone(exs)
}

// readExamples reads JSON Lines of Example, skipping blank lines. Unknown fields are
// errors, so that a typo in a field name does not silently drop a subject or text.
func readExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var ex Example
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ex.Category == "" || ex.Subject == "" && ex.Text == "" {
			return nil, fmt.Errorf("line %d: category and subject or text are required", line)
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}
