package categorize

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDefaultTaxonomy(t *testing.T) {
	tax := DefaultTaxonomy()
	if err := tax.Validate(); err != nil {
		t.Fatalf("DefaultTaxonomy().Validate() = %v; want nil", err)
	}
	want := []string{BookRequest, VideoRequest, HelpRequest, Hit, Sharing, Event, Job, Classified, Admin, Noise}
	if got := tax.slugs(); !slices.Equal(got, want) {
		t.Errorf("DefaultTaxonomy() slugs = %v; want %v", got, want)
	}
	for _, c := range tax.Categories {
		if c.Digest != (c.Slug != Noise) {
			t.Errorf("category %s: Digest = %v", c.Slug, c.Digest)
		}
	}
	// Each call returns its own copy: callers may modify it.
	tax.Categories[0].Keywords[0] = "CHANGED"
	if DefaultTaxonomy().Categories[0].Keywords[0] != "TARGET" {
		t.Error("DefaultTaxonomy() shares its keyword slices between calls")
	}
}

func TestTaxonomyWith(t *testing.T) {
	base := DefaultTaxonomy()
	job, _ := base.Category(Job)
	job.Keywords = append(job.Keywords, "POSITION")
	job.Name = "Positions vacant"

	got, err := base.With([]Category{
		job,
		{Slug: "makerspace", Name: "Makerspace", Keywords: []string{"make"}, Digest: true},
	})
	if err != nil {
		t.Fatalf("With() error = %v", err)
	}
	if c, _ := got.Category(Job); c.Name != "Positions vacant" || !slices.Equal(c.Keywords, []string{"JOBS", "POSITION"}) {
		t.Errorf("With() job = %+v; want renamed with POSITION added", c)
	}
	if c, ok := got.Category("makerspace"); !ok || !slices.Equal(c.Keywords, []string{"MAKE"}) {
		t.Errorf("With() makerspace = %+v, %v; want added with keyword upper-cased", c, ok)
	}
	if len(got.Categories) != len(base.Categories)+1 || got.Categories[len(got.Categories)-1].Slug != "makerspace" {
		t.Errorf("With() slugs = %v; want the defaults then makerspace", got.slugs())
	}
	if c, _ := base.Category(Job); c.Name != "Jobs" {
		t.Errorf("With() changed the receiver: job name %q", c.Name)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("With() result Validate() = %v", err)
	}
}

func TestTaxonomyWithPartialOverride(t *testing.T) {
	got, err := DefaultTaxonomy().With([]Category{
		{Slug: Job, Keywords: []string{"jobs", "position"}, Digest: true}, // keywords only
		{Slug: Event, Name: "PD and events", Digest: true},                // name only
		{Slug: Admin, Keywords: []string{}, Digest: false},                // keywords cleared, out of digests
	})
	if err != nil {
		t.Fatalf("With() error = %v", err)
	}
	if c, _ := got.Category(Job); c.Name != "Jobs" || !slices.Equal(c.Keywords, []string{"JOBS", "POSITION"}) {
		t.Errorf("With(job keywords) = %+v; want the name kept and the keywords replaced", c)
	}
	if c, _ := got.Category(Event); c.Name != "PD and events" {
		t.Errorf("With(event name) = %+v; want renamed", c)
	}
	if c, _ := got.Category(Admin); c.Name != "List admin and introductions" || len(c.Keywords) != 0 || c.Digest {
		t.Errorf("With(admin) = %+v; want the name kept, no keywords, out of digests", c)
	}
}

func TestTaxonomyWithErrors(t *testing.T) {
	tests := []struct {
		name     string
		override Category
		wantSlug string
		wantIn   string
	}{
		{"bad slug", Category{Slug: "Book Requests", Name: "x", Digest: true}, "Book Requests", "slug must be"},
		{"empty slug", Category{Name: "x", Digest: true}, "", "slug must be"},
		{"empty name", Category{Slug: "makerspace", Digest: true}, "makerspace", "name is empty"},
		{"keyword with a space", Category{Slug: "makerspace", Name: "M", Keywords: []string{"MAKER SPACE"}, Digest: true}, "makerspace", `keyword "MAKER SPACE"`},
		{"keyword too long", Category{Slug: "makerspace", Name: "M", Keywords: []string{"MAKERSPACEPOSTS"}, Digest: true}, "makerspace", "2 to 12 letters"},
		{"noise into digests", Category{Slug: Noise, Name: "Noise", Digest: true}, Noise, "digest must stay false"},
		{"new category without a name", Category{Slug: "makerspace", Keywords: []string{"MAKE"}, Digest: true}, "makerspace", "name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DefaultTaxonomy().With([]Category{{Slug: "fine", Name: "Fine", Digest: true}, tt.override})
			var te *TaxonomyError
			if !errors.As(err, &te) {
				t.Fatalf("With(%+v) error = %v; want a *TaxonomyError", tt.override, err)
			}
			if te.Slug != tt.wantSlug || te.Index != 1 || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("With(%+v) error = %q (slug %q, index %d); want slug %q, index 1, containing %q",
					tt.override, err, te.Slug, te.Index, tt.wantSlug, tt.wantIn)
			}
			if !strings.Contains(err.Error(), `category "`+tt.wantSlug+`"`) {
				t.Errorf("With(%+v) error = %q; want it to name the slug", tt.override, err)
			}
		})
	}
}

func TestTaxonomyWithReportsEveryProblem(t *testing.T) {
	_, err := DefaultTaxonomy().With([]Category{{Slug: "a b"}, {Slug: "ok", Name: ""}})
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Errorf("With() error = %q; want 3 problems (bad slug, two empty names)", err)
	}
}

func TestTaxonomyValidate(t *testing.T) {
	tests := []struct {
		name   string
		tax    Taxonomy
		wantIn string
	}{
		{"no noise", Taxonomy{Categories: []Category{{Slug: "a", Name: "A", Digest: true}}}, `category "noise": must exist`},
		{"duplicate slug", Taxonomy{Categories: []Category{{Slug: "a", Name: "A"}, {Slug: "a", Name: "B"}, {Slug: Noise, Name: "N"}}}, "slug is used twice"},
		{"lower-case keyword", Taxonomy{Categories: []Category{{Slug: "a", Name: "A", Keywords: []string{"Jobs"}}, {Slug: Noise, Name: "N"}}}, "must be upper-case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.tax.Validate(); err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("Validate() = %v; want an error containing %q", err, tt.wantIn)
			}
		})
	}
}
