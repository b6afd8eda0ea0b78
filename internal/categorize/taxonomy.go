package categorize

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The stable slugs of the default taxonomy. Slugs are stored in the database and named
// in configuration, so they never change; names are for people and may.
const (
	BookRequest  = "book-request"
	VideoRequest = "video-request"
	HelpRequest  = "help-request"
	Hit          = "hit"
	Sharing      = "sharing"
	Event        = "event"
	Job          = "job"
	Classified   = "classified"
	Admin        = "admin"
	Noise        = "noise"
)

// Category is one entry of the taxonomy.
type Category struct {
	// Slug is the stable id ("book-request"): lower-case letters, digits and hyphens.
	Slug string
	// Name is the human name ("Book requests").
	Name string
	// Keywords are the list subject keywords that decide the category ("JOBS"), upper-case,
	// matched as the keyword prefix of a subject after reply prefixes and list tags. A
	// keyword held by several categories (TARGET) narrows the choice to them and the
	// classifier picks among them.
	Keywords []string
	// Digest is false for noise: messages of the category are kept out of digests.
	Digest bool
}

// Taxonomy is the ordered set of categories. Order matters only for ties and display.
type Taxonomy struct {
	Categories []Category
}

// DefaultTaxonomy returns the library-list taxonomy: three kinds of request (a TARGET is
// one of them), HITs, sharing, events, jobs, classifieds, list administration and noise.
func DefaultTaxonomy() Taxonomy {
	return Taxonomy{Categories: []Category{
		{Slug: BookRequest, Name: "Book requests", Keywords: []string{"TARGET"}, Digest: true},
		{Slug: VideoRequest, Name: "Video requests", Keywords: []string{"TARGET"}, Digest: true},
		{Slug: HelpRequest, Name: "Help requests", Keywords: []string{"TARGET", "TECH"}, Digest: true},
		{Slug: Hit, Name: "HITs (summaries of replies)", Keywords: []string{"HIT"}, Digest: true},
		{Slug: Sharing, Name: "Sharing and news", Keywords: []string{"GEN"}, Digest: true},
		{Slug: Event, Name: "Events and PD", Digest: true},
		{Slug: Job, Name: "Jobs", Keywords: []string{"JOBS"}, Digest: true},
		{Slug: Classified, Name: "Classifieds", Keywords: []string{"CLASS"}, Digest: true},
		{Slug: Admin, Name: "List admin and introductions", Keywords: []string{"INTRO"}, Digest: true},
		{Slug: Noise, Name: "Noise", Digest: false},
	}}
}

// Category returns the category with this slug.
func (t Taxonomy) Category(slug string) (Category, bool) {
	for _, c := range t.Categories {
		if c.Slug == slug {
			return c, true
		}
	}
	return Category{}, false
}

// TaxonomyError is a problem with one category. Index is the position of the offending
// entry in the overrides passed to [Taxonomy.With] (or in Categories for
// [Taxonomy.Validate]), so that callers can name the configuration key.
type TaxonomyError struct {
	Index   int
	Slug    string
	Problem string
}

// Error reads "category "slug": problem".
func (e *TaxonomyError) Error() string {
	return fmt.Sprintf("category %q: %s", e.Slug, e.Problem)
}

// With returns a copy of t with overrides applied in order. An override whose slug exists
// changes that category: an empty Name keeps the name and nil Keywords keep the keywords
// (an empty, non-nil slice removes them), while Digest is always taken as given, since a
// bool cannot say "unchanged". Any other override is appended as a new category.
// Keywords are upper-cased. Categories cannot be removed, because stored threads and the
// seed set refer to them. Every problem is reported, as *TaxonomyError values joined with
// errors.Join; the receiver is returned unchanged with the error.
func (t Taxonomy) With(overrides []Category) (Taxonomy, error) {
	out := Taxonomy{Categories: make([]Category, 0, len(t.Categories)+len(overrides))}
	for _, c := range t.Categories {
		out.Categories = append(out.Categories, c.clone())
	}
	var errs []error
	for i, o := range overrides {
		o = o.clone()
		if j := out.index(o.Slug); j >= 0 {
			if strings.TrimSpace(o.Name) == "" {
				o.Name = out.Categories[j].Name
			}
			if o.Keywords == nil {
				o.Keywords = out.Categories[j].clone().Keywords
			}
		}
		for k, kw := range o.Keywords {
			o.Keywords[k] = strings.ToUpper(strings.TrimSpace(kw))
		}
		if problems := o.problems(); len(problems) > 0 {
			for _, p := range problems {
				errs = append(errs, &TaxonomyError{Index: i, Slug: o.Slug, Problem: p})
			}
			continue
		}
		if o.Slug == Noise && o.Digest {
			errs = append(errs, &TaxonomyError{Index: i, Slug: o.Slug,
				Problem: "digest must stay false: auto-replies and bounces are filed here"})
			continue
		}
		if j := out.index(o.Slug); j >= 0 {
			out.Categories[j] = o
		} else {
			out.Categories = append(out.Categories, o)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return t, err
	}
	return out, nil
}

// Validate checks every category and that slugs are unique and "noise" is present and kept
// out of digests; the header layer depends on it.
func (t Taxonomy) Validate() error {
	var errs []error
	seen := make(map[string]bool, len(t.Categories))
	for i, c := range t.Categories {
		for _, p := range c.problems() {
			errs = append(errs, &TaxonomyError{Index: i, Slug: c.Slug, Problem: p})
		}
		if seen[c.Slug] {
			errs = append(errs, &TaxonomyError{Index: i, Slug: c.Slug, Problem: "slug is used twice"})
		}
		seen[c.Slug] = true
		for _, kw := range c.Keywords {
			if kw != strings.ToUpper(kw) {
				errs = append(errs, &TaxonomyError{Index: i, Slug: c.Slug,
					Problem: fmt.Sprintf("keyword %q must be upper-case", kw)})
			}
		}
	}
	if n, ok := t.Category(Noise); !ok || n.Digest {
		errs = append(errs, &TaxonomyError{Index: -1, Slug: Noise,
			Problem: "must exist with digest false: auto-replies and bounces are filed here"})
	}
	return errors.Join(errs...)
}

// problems lists what is wrong with one category on its own.
func (c Category) problems() []string {
	var ps []string
	if !validSlug(c.Slug) {
		ps = append(ps, "slug must be lower-case letters, digits and hyphens, starting with a letter")
	}
	if strings.TrimSpace(c.Name) == "" {
		ps = append(ps, "name is empty")
	}
	for _, kw := range c.Keywords {
		if !validKeyword(kw) {
			ps = append(ps, fmt.Sprintf("keyword %q must be 2 to 12 letters", kw))
		}
	}
	return ps
}

func (t Taxonomy) index(slug string) int {
	for i, c := range t.Categories {
		if c.Slug == slug {
			return i
		}
	}
	return -1
}

// slugs lists the slugs in order, for error messages.
func (t Taxonomy) slugs() []string {
	s := make([]string, len(t.Categories))
	for i, c := range t.Categories {
		s[i] = c.Slug
	}
	return s
}

// clone copies the keywords, keeping nil and empty apart (With tells them apart).
func (c Category) clone() Category {
	c.Keywords = slices.Clone(c.Keywords)
	return c
}

func validSlug(s string) bool {
	if s == "" || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-') {
			return false
		}
	}
	return true
}

// validKeyword accepts what subjectKeyword can match: 2 to 12 ASCII letters, any case.
func validKeyword(s string) bool {
	if len(s) < 2 || len(s) > maxKeywordLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return true
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
