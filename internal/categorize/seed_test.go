package categorize

import (
	"strings"
	"testing"
)

// The data sets must cover every category well enough to learn and to measure, and must
// not share messages: a held-out case that is also a seed example measures memory.
const (
	minSeedPerCategory    = 40
	minHeldoutPerCategory = 25
)

func TestSeedSet(t *testing.T) {
	seed := SeedExamples()
	tax := DefaultTaxonomy()
	counts := map[string]int{}
	subjects := map[string]bool{} // subject and text
	for i, ex := range seed {
		if _, ok := tax.Category(ex.Category); !ok {
			t.Errorf("seed example %d (%q): unknown category %q", i, ex.Subject, ex.Category)
		}
		if strings.TrimSpace(ex.Subject) == "" || strings.TrimSpace(ex.Text) == "" {
			t.Errorf("seed example %d (%q): subject and text are both needed", i, ex.Subject)
		}
		key := strings.ToLower(ex.Subject + "\n" + ex.Text)
		if subjects[key] {
			t.Errorf("seed example %d: %q is there twice", i, ex.Subject)
		}
		subjects[key] = true
		counts[ex.Category]++
	}
	for _, c := range tax.Categories {
		if counts[c.Slug] < minSeedPerCategory {
			t.Errorf("seed set has %d %s examples; want at least %d", counts[c.Slug], c.Slug, minSeedPerCategory)
		}
	}
	t.Logf("seed set: %d examples %v", len(seed), counts)

	// SeedExamples returns a copy.
	seed[0].Category = "changed"
	if SeedExamples()[0].Category == "changed" {
		t.Error("SeedExamples() returns the shared slice")
	}
}

func TestHeldoutSet(t *testing.T) {
	cases := loadHeldout(t)
	tax := DefaultTaxonomy()
	counts := map[string]int{}
	keywordless := 0
	// Subjects repeat legitimately ("Unsubscribe"), and so do one-word texts; a subject
	// with its text does not.
	seen := map[string]bool{}
	for _, ex := range SeedExamples() {
		seen[strings.ToLower(ex.Subject+"\n"+ex.Text)] = true
	}
	for i, l := range cases {
		if _, ok := tax.Category(l.Category); !ok {
			t.Errorf("held-out case %d (%q): unknown category %q", i, l.Subject, l.Category)
		}
		if seen[strings.ToLower(l.Subject+"\n"+l.Text)] {
			t.Errorf("held-out case %d (%q) repeats a seed example", i, l.Subject)
		}
		if parseSubject(l.Subject, defaultKeywords).Keyword == "" {
			keywordless++
		}
		counts[l.Category]++
	}
	for _, c := range tax.Categories {
		if counts[c.Slug] < minHeldoutPerCategory {
			t.Errorf("held-out set has %d %s cases; want at least %d", counts[c.Slug], c.Slug, minHeldoutPerCategory)
		}
	}
	t.Logf("held-out set: %d cases, %d without a list keyword, %v", len(cases), keywordless, counts)
}

func TestReadExamples(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		wantErr  string
	}{
		{"two lines and a blank", "{\"category\":\"job\",\"subject\":\"a\",\"text\":\"b\"}\n\n{\"category\":\"hit\",\"subject\":\"c\"}\n", 2, ""},
		{"unknown field", `{"category":"job","subjct":"a"}`, 0, "line 1"},
		{"missing category", `{"subject":"a","text":"b"}`, 0, "category and subject or text are required"},
		{"bad json", "{\"category\":\"job\",\"subject\":\"a\"}\n{", 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readExamples(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("readExamples() error = %v; want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Errorf("readExamples() = %d examples, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}
