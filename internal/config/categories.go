package config

import (
	"errors"
	"fmt"

	"listdigest/internal/categorize"
)

// Categories is the "categories" section: the taxonomy threads are sorted into, and the
// reader's own rules. Both are optional; the default taxonomy fits school-library lists.
type Categories struct {
	// Taxonomy adds categories or changes existing ones (matched by slug): a new name, other
	// subject keywords, or whether the category appears in digests.
	Taxonomy []CategoryConfig `yaml:"taxonomy"`
	// Rules send messages to a category when a field matches a regular expression. They are
	// tried in order, after header signals and list keywords, before the learned classifier.
	Rules []RuleConfig `yaml:"rules"`
}

// CategoryConfig is one taxonomy entry.
type CategoryConfig struct {
	// Slug is the stable id ("book-request"); lower-case letters, digits and '-'.
	Slug string `yaml:"slug"`
	// Name is what readers see ("Book requests").
	Name string `yaml:"name"`
	// Keywords are subject keywords that decide the category ("JOBS" for "JOBS: ...").
	Keywords []string `yaml:"keywords"`
	// Digest says whether threads of this category appear in digests; the default is true.
	Digest *bool `yaml:"digest"`
}

// RuleConfig is one user rule.
type RuleConfig struct {
	// Field is what the pattern is matched against: subject, from, body or list.
	Field string `yaml:"field"`
	// Match is a Go regular expression (RE2 syntax), matched without regard to case unless it
	// starts with (?-i).
	Match string `yaml:"match"`
	// Category is the slug of the category the rule assigns.
	Category string `yaml:"category"`
}

// Categorizing builds the taxonomy and rules the configuration describes.
func (c *Config) Categorizing() (categorize.Taxonomy, []categorize.Rule, error) {
	tax, problems := c.taxonomy()
	rules, more := c.rules(tax)
	problems = append(problems, more...)
	if len(problems) > 0 {
		return tax, nil, &ValidationError{File: c.source, Problems: problems}
	}
	return tax, rules, nil
}

func (c *Config) taxonomy() (categorize.Taxonomy, []Problem) {
	base := categorize.DefaultTaxonomy()
	var overrides []categorize.Category
	for _, tc := range c.Categories.Taxonomy {
		// An unset digest keeps what the category had (noise stays out of digests); a new
		// category appears in digests.
		digest := true
		if cur, ok := base.Category(tc.Slug); ok {
			digest = cur.Digest
		}
		if tc.Digest != nil {
			digest = *tc.Digest
		}
		overrides = append(overrides, categorize.Category{Slug: tc.Slug, Name: tc.Name, Keywords: tc.Keywords, Digest: digest})
	}
	tax, err := base.With(overrides)
	if err == nil {
		return tax, nil
	}
	var problems []Problem
	for _, e := range unjoin(err) {
		var te *categorize.TaxonomyError
		if errors.As(e, &te) {
			problems = append(problems, Problem{Key: fmt.Sprintf("categories.taxonomy[%d]", te.Index), Message: te.Problem})
		} else {
			problems = append(problems, Problem{Key: "categories.taxonomy", Message: e.Error()})
		}
	}
	return base, problems
}

// unjoin lists the errors inside an errors.Join, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (c *Config) rules(tax categorize.Taxonomy) ([]categorize.Rule, []Problem) {
	var rules []categorize.Rule
	var problems []Problem
	for i, rc := range c.Categories.Rules {
		key := fmt.Sprintf("categories.rules[%d]", i)
		r, err := categorize.CompileRule(key, rc.Field, rc.Match, rc.Category, tax)
		if err != nil {
			problems = append(problems, Problem{Key: key, Message: err.Error()})
			continue
		}
		rules = append(rules, r)
	}
	return rules, problems
}
